// Carnet: loads the live editor (/static/editor.js: CodeMirror and Yjs, some 430 KB)
// only when it is wanted, so that the edit form shows and answers at once (issue 9).
//
// The form works without it (a textarea and a button). The bundle is imported:
// - at once when a live session is open on the page (data-live-open="true": others are
//   typing now, and whoever opens the form must see their text come without a click);
// - otherwise at the writer's first press (pointer or key), input (a paste, dictation)
//   or focus after some action of theirs in the textarea. The textarea's autofocus
//   alone does not count: it happens to everyone who opens the form.
// Nothing typed meanwhile is lost: the editor starts from the textarea's text and, when
// the live document arrives, merges the typing into it (web/editor/src/editor.js). It
// is told what the writer started from: the text as the page came, or as the browser
// restored it (back and forward) before any action of theirs.
const form = document.querySelector('form.edit[data-editor][data-editor-src]');
const textarea = form && form.querySelector('textarea[name="text"]');
if (form && textarea) {
    const activated = () => Boolean(navigator.userActivation && navigator.userActivation.hasBeenActive);
    form.carnetEditorBase = activated() ? textarea.defaultValue : textarea.value;
    // The editor waits for a word being composed (input methods, phone keyboards).
    textarea.addEventListener('compositionstart', () => {
        textarea.dataset.composing = 'true';
    });
    textarea.addEventListener('compositionend', () => {
        delete textarea.dataset.composing;
    });
    const intents = ['pointerdown', 'keydown', 'input', 'focus'];
    const load = () => {
        for (const type of intents) textarea.removeEventListener(type, onIntent);
        import(form.dataset.editorSrc).catch(() => {
            // Offline, say: the plain form goes on (and still saves).
        });
    };
    function onIntent(event) {
        if (event.type === 'focus' && !activated()) return;
        load();
    }
    if (form.dataset.liveOpen === 'true') load();
    else for (const type of intents) textarea.addEventListener(type, onIntent, { passive: true });
}
