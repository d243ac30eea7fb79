// Carnet: "this page changed since you opened it" on the edit form (issue 5).
//
// Progressive enhancement: without JavaScript, or without EventSource, nothing happens
// and the form works as ever (a stale save is merged, or shows the conflict screen).
// The form's data-changes attribute is the page's server-sent event stream after the
// form's base revision; every text shown here comes in the events, translated by the
// server. While the live editor is connected the live document takes every revision
// in by itself, so the notice waits until the editor works alone (offline).
(function () {
    'use strict';
    var form = document.querySelector('form.edit[data-changes]');
    var box = document.getElementById('stale-notice');
    if (!form || !box || !form.getAttribute('data-changes') || typeof window.EventSource !== 'function') return;

    var latest = null;

    function liveState() {
        var root = form.querySelector('.live-editor');
        return root ? root.getAttribute('data-state') : null;
    }

    function paragraph(text, className) {
        var p = document.createElement('p');
        if (className) p.className = className;
        p.textContent = text;
        return p;
    }

    function render() {
        if (!latest) return;
        var state = liveState();
        if (state === 'live' || state === 'connecting' || state === 'reconnecting') {
            box.hidden = true;
            return;
        }
        while (box.firstChild) box.removeChild(box.firstChild);
        box.appendChild(paragraph(latest.message, 'stale-message'));
        if (latest.hint) box.appendChild(paragraph(latest.hint, 'stale-hint'));
        if (latest.diff_href) {
            var link = document.createElement('a');
            link.href = latest.diff_href;
            link.target = '_blank';
            link.rel = 'noopener';
            link.textContent = latest.diff_label;
            var p = paragraph('', 'stale-link');
            p.appendChild(link);
            box.appendChild(p);
        }
        box.setAttribute('data-revision', latest.revision ? String(latest.revision) : '');
        box.hidden = false;
    }

    function take(event) {
        try {
            latest = JSON.parse(event.data);
        } catch (error) {
            return;
        }
        render();
    }

    var source = new EventSource(form.getAttribute('data-changes'));
    source.addEventListener('changed', take);
    source.addEventListener('gone', function (event) {
        take(event);
        source.close();
    });
    // The live editor mounts (and connects, or gives up) after this script ran.
    if (typeof MutationObserver === 'function') {
        new MutationObserver(render).observe(form, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    }
    window.addEventListener('pagehide', function () {
        source.close();
    });
})();
