// Carnet's live editor: turns the plain edit form into CodeMirror 6 bound to a Yjs
// document shared over the y-websocket protocol, with a live preview and a toolbar.
//
// Progressive enhancement: the server-rendered <form class="edit"> with its <textarea>
// stays the baseline. This script only runs where ES modules and constructable style
// sheets exist (CodeMirror's styles must not be inline: the Content-Security-Policy is
// `style-src 'self'`); elsewhere the plain form is left alone. Everything it needs comes
// from the form's data- attributes (the page title, the live and render URLs, the user's
// name, the translated strings); the CSRF token is the form's own hidden field.
//
// Whatever happens to the WebSocket, the text is never lost: before the form posts, the
// editor's text is copied into the textarea, so "save a version" works offline too.
//
// It is loaded by /static/editor-loader.js at the writer's first keystroke or click in
// the textarea (at once when a live session is open): what they typed in the textarea
// until it mounted is its starting text, and is merged into the live document when that
// arrives (`mergeTyping`), like what they type in the editor meanwhile.

import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import { ChangeSet, EditorSelection, EditorState, Prec, RangeSet } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, drawSelection, keymap } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { LanguageSupport, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
// Only the Markdown language and its keymap: `markdown()` would bring HTML, CSS and
// JavaScript parsers for embedded HTML (half the bundle) that wikitext does not need.
import { markdownKeymap, markdownLanguage } from '@codemirror/lang-markdown';

/** How long the first connection may take before the editor goes on alone. */
const CONNECT_TIMEOUT_MS = 8000;
/** Edit steps beyond which `diff` stops looking for the smallest changes. */
const DIFF_MAX_STEPS = 1000;
/** Character comparisons beyond which `diff` stops looking (the main thread is ours). */
const DIFF_BUDGET = 20_000_000;
/** Quiet time before the preview is asked for. */
const PREVIEW_DELAY_MS = 400;
/** Participants' colours: classes `live-c0`… in carnet.css (no inline styles under the
 * CSP), with the same colours as hex for other Yjs clients. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#b8388f', '#8c564b', '#0e7c86', '#8a6d00'];

function hash(text) {
    let h = 0;
    for (const ch of String(text)) h = (Math.imul(h, 31) + ch.codePointAt(0)) | 0;
    return Math.abs(h);
}

/** A participant's colour index: theirs if it is one of ours, else one from their id. */
function colourIndex(user, clientId) {
    const own = PALETTE.indexOf(user?.color);
    return own >= 0 ? own : hash(user?.color ?? clientId) % PALETTE.length;
}

function element(tag, attributes = {}, text = null) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== null) node.textContent = text;
    return node;
}

/** `ws(s)://` URL of the live endpoint, split for y-websocket (which adds `/room`). */
function socketAddress(href) {
    const url = new URL(href, window.location.href);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    const full = url.href;
    const slash = full.lastIndexOf('/');
    return { server: full.slice(0, slash), room: full.slice(slash + 1) };
}

// ---------------------------------------------------------------------------
// Typing done before the live document arrived: a three-way merge of changes.

/**
 * The changes turning `a` into `b`, as a CodeMirror change set on `a`. The common start
 * and end are kept; the middle is compared character by character (Myers' O(ND) diff),
 * so that typing in two places gives two changes, not one replacement of everything in
 * between. When the texts differ too much for that, the middle is replaced whole.
 */
export function diff(a, b) {
    let start = 0;
    const shorter = Math.min(a.length, b.length);
    while (start < shorter && a.charCodeAt(start) === b.charCodeAt(start)) start += 1;
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
        endA -= 1;
        endB -= 1;
    }
    const changes = middleChanges(a, b, start, endA, start, endB) ?? [{ from: start, to: endA, insert: b.slice(start, endB) }];
    return ChangeSet.of(
        changes.filter((change) => change.to > change.from || change.insert.length > 0),
        a.length,
    );
}

/** Myers' diff of a[a0..a1) and b[b0..b1) as changes on `a`; null when too costly. */
function middleChanges(a, b, a0, a1, b0, b1) {
    const n = a1 - a0;
    const m = b1 - b0;
    if (n === 0 || m === 0) return null; // one insertion or one deletion: exact already
    const max = Math.min(n + m, DIFF_MAX_STEPS);
    const offset = max + 1;
    let v = new Int32Array(2 * max + 3);
    const trace = [];
    let budget = DIFF_BUDGET;
    let steps = -1;
    for (let d = 0; d <= max && steps < 0; d += 1) {
        for (let k = -d; k <= d; k += 2) {
            let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
            let y = x - k;
            while (x < n && y < m && a.charCodeAt(a0 + x) === b.charCodeAt(b0 + y)) {
                x += 1;
                y += 1;
            }
            budget -= x - v[offset + k] + 1;
            v[offset + k] = x;
            if (x >= n && y >= m) {
                steps = d;
                break;
            }
        }
        trace.push(v);
        v = v.slice();
        if (budget < 0) return null;
    }
    if (steps < 0) return null;
    // Back from the end: each step is one character deleted from a or inserted from b.
    const edits = [];
    let x = n;
    let y = m;
    for (let d = steps; d > 0; d -= 1) {
        const before = trace[d - 1];
        const k = x - y;
        const down = k === -d || (k !== d && before[offset + k - 1] < before[offset + k + 1]);
        const previousK = down ? k + 1 : k - 1;
        const previousX = before[offset + previousK];
        const previousY = previousX - previousK;
        if (down) edits.push({ at: previousX, insert: b[b0 + previousY] });
        else edits.push({ at: previousX, insert: null });
        x = previousX;
        y = previousY;
    }
    edits.reverse();
    // Runs of neighbouring steps become one change.
    const changes = [];
    for (const edit of edits) {
        const last = changes[changes.length - 1];
        const from = a0 + edit.at;
        if (last && last.to === from) {
            if (edit.insert === null) last.to += 1;
            else last.insert += edit.insert;
        } else {
            changes.push({ from, to: edit.insert === null ? from + 1 : from, insert: edit.insert ?? '' });
        }
    }
    return changes;
}

/**
 * What the writer typed before the live document arrived, merged into it: `base` is the
 * text they started from, `mine` what they made of it, `shared` the live text, which
 * others may have changed since `base`. Returns the changes to apply to `shared` (the
 * writer's, moved past the others'), and those that take `mine` to the same result (for
 * the writer's cursor). Nothing is lost: text both deleted is deleted once, and text
 * inserted by either side stays.
 */
export function mergeTyping(base, mine, shared) {
    const ours = diff(base, mine);
    const theirs = diff(base, shared);
    return { onShared: ours.map(theirs), onMine: theirs.map(ours, true) };
}

// ---------------------------------------------------------------------------
// Remote cursors and selections (y-codemirror.next's own plugin sets inline styles,
// which the CSP refuses; this one gives each participant a colour class instead).

class CaretWidget extends WidgetType {
    constructor(colour, name) {
        super();
        this.colour = colour;
        this.name = name;
    }

    toDOM() {
        const caret = element('span', { class: `live-caret live-c${this.colour}`, 'aria-hidden': 'true' });
        caret.append('\u2060', element('span', { class: 'live-caret-name' }, this.name), '\u2060');
        return caret;
    }

    eq(other) {
        return other.colour === this.colour && other.name === this.name;
    }

    ignoreEvent() {
        return true;
    }
}

function remoteSelections(ytext, awareness) {
    const doc = ytext.doc;
    return ViewPlugin.fromClass(
        class {
            constructor(view) {
                this.decorations = RangeSet.empty;
                this.listener = ({ added, updated, removed }) => {
                    const changed = added.concat(updated, removed);
                    if (changed.some((id) => id !== doc.clientID)) view.dispatch({});
                };
                awareness.on('change', this.listener);
            }

            destroy() {
                awareness.off('change', this.listener);
            }

            update(update) {
                this.publishOwn(update);
                const ranges = [];
                const length = update.state.doc.length;
                awareness.getStates().forEach((state, clientId) => {
                    if (clientId === doc.clientID) return;
                    const cursor = state.cursor;
                    if (!cursor?.anchor || !cursor?.head) return;
                    const anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, doc);
                    const head = Y.createAbsolutePositionFromRelativePosition(cursor.head, doc);
                    if (!anchor || !head || anchor.type !== ytext || head.type !== ytext) return;
                    const colour = colourIndex(state.user, clientId);
                    const name = String(state.user?.name ?? '?').slice(0, 80);
                    const from = Math.min(anchor.index, head.index, length);
                    const to = Math.min(Math.max(anchor.index, head.index), length);
                    if (from < to) {
                        ranges.push(Decoration.mark({ class: `live-selection live-c${colour}` }).range(from, to));
                    }
                    const at = Math.min(head.index, length);
                    ranges.push(
                        Decoration.widget({ widget: new CaretWidget(colour, name), side: head.index > anchor.index ? -1 : 1 }).range(at),
                    );
                });
                this.decorations = Decoration.set(ranges, true);
            }

            /** Tells the others where this writer's cursor is. */
            publishOwn(update) {
                const local = awareness.getLocalState();
                if (!local) return;
                const focused = update.view.hasFocus && document.hasFocus();
                if (!focused) return;
                const selection = update.state.selection.main;
                const anchor = Y.createRelativePositionFromTypeIndex(ytext, selection.anchor);
                const head = Y.createRelativePositionFromTypeIndex(ytext, selection.head);
                const current = local.cursor;
                if (
                    current &&
                    Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) &&
                    Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head)
                ) {
                    return;
                }
                awareness.setLocalStateField('cursor', { anchor, head });
            }
        },
        { decorations: (plugin) => plugin.decorations },
    );
}

// ---------------------------------------------------------------------------
// The toolbar: wiki constructs around the selection.

function replaceSelection(view, make) {
    view.dispatch(
        view.state.changeByRange((range) => {
            const selected = view.state.sliceDoc(range.from, range.to);
            const { text, select } = make(selected);
            return {
                changes: { from: range.from, to: range.to, insert: text },
                range: EditorSelection.range(range.from + select[0], range.from + select[1]),
            };
        }),
    );
}

/** `[[before…]]` around the selection, or around a placeholder left selected. */
function wrap(before, after, placeholder) {
    return (view) =>
        replaceSelection(view, (selected) => {
            const inner = selected || placeholder;
            return { text: `${before}${inner}${after}`, select: [before.length, before.length + inner.length] };
        });
}

/** A prefix at the start of every line the selection touches (once). */
function prefixLines(prefix, alreadyThere) {
    return (view) => {
        const { state } = view;
        const changes = [];
        const seen = new Set();
        for (const range of state.selection.ranges) {
            for (let pos = range.from; pos <= range.to; ) {
                const line = state.doc.lineAt(pos);
                if (!seen.has(line.number) && !alreadyThere.test(line.text)) changes.push({ from: line.from, insert: prefix });
                seen.add(line.number);
                pos = line.to + 1;
            }
        }
        view.dispatch({ changes });
    };
}

function insertTable(strings) {
    return (view) => {
        const { state } = view;
        const line = state.doc.lineAt(state.selection.main.head);
        const header = strings.tableHeader;
        const cell = strings.tableCell;
        const table = `| ${header} 1 | ${header} 2 |\n| --- | --- |\n| ${cell} | ${cell} |\n`;
        // A table needs a blank line before it to be a table.
        const lead = line.text.trim() === '' ? '' : '\n\n';
        const at = line.text.trim() === '' ? line.from : line.to;
        const start = at + lead.length + 2;
        view.dispatch({
            changes: { from: at, insert: lead + table },
            selection: EditorSelection.range(start, start + header.length + 2),
        });
    };
}

function toolbar(strings, getView) {
    const bar = element('div', { class: 'live-toolbar', role: 'toolbar', 'aria-label': strings.toolbar });
    const actions = [
        ['link', strings.link, wrap('[[', ']]', strings.linkPlaceholder)],
        ['heading', strings.heading, prefixLines('## ', /^#{1,6}\s/)],
        ['list', strings.list, prefixLines('- ', /^\s*([-*+]|\d+[.)])\s/)],
        ['table', strings.table, insertTable(strings)],
        ['category', strings.category, wrap('[[Catégorie:', ']]', strings.categoryPlaceholder)],
    ];
    for (const [name, label, run] of actions) {
        const button = element('button', { type: 'button', 'data-action': name }, label);
        button.addEventListener('click', () => {
            const view = getView();
            if (view.state.readOnly) return;
            run(view);
            view.focus();
        });
        bar.append(button);
    }
    return bar;
}

// ---------------------------------------------------------------------------
// The live preview: the server renders (and sanitises) the text.

function previewer(config, output, problem) {
    let timer = null;
    let inFlight = null;
    let last = null;
    const render = async (text) => {
        if (text === last) return;
        inFlight?.abort();
        const controller = new AbortController();
        inFlight = controller;
        try {
            const response = await fetch(config.render, {
                method: 'POST',
                credentials: 'same-origin',
                headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
                body: JSON.stringify({ text, title: config.title }),
                signal: controller.signal,
            });
            const body = await response.json();
            if (!response.ok || typeof body.html !== 'string') throw new Error(body?.error?.message ?? response.status);
            // Already sanitised by the server's allow-list (and scripts are off by CSP).
            output.innerHTML = body.html;
            last = text;
            problem.hidden = true;
        } catch (error) {
            if (error.name === 'AbortError') return;
            problem.textContent = `${config.strings.previewFailed} (${error.message})`;
            problem.hidden = false;
        } finally {
            if (inFlight === controller) inFlight = null;
        }
    };
    return {
        now: (text) => render(text),
        soon: (getText) => {
            clearTimeout(timer);
            timer = setTimeout(() => render(getText()), PREVIEW_DELAY_MS);
        },
    };
}

// ---------------------------------------------------------------------------
// Mounting.

function readConfig(form) {
    let strings = {};
    try {
        strings = JSON.parse(form.dataset.strings ?? '{}');
    } catch {
        // Untranslated labels are better than no editor: keys show instead.
    }
    const t = (key) => strings[key] ?? key;
    return {
        title: form.dataset.title ?? '',
        live: form.dataset.live || null,
        render: form.dataset.render || '/api/v1/render',
        user: form.dataset.user || null,
        readOnly: form.dataset.readonly === 'true',
        strings: new Proxy({}, { get: (_, key) => t(String(key)) }),
    };
}

function supported() {
    return (
        typeof Document !== 'undefined' &&
        'adoptedStyleSheets' in Document.prototype &&
        typeof CSSStyleSheet === 'function' &&
        typeof AbortController === 'function'
    );
}

function mount(form) {
    const textarea = form.querySelector('textarea[name="text"]');
    if (!textarea) return;
    const config = readConfig(form);
    const { strings } = config;
    const label = form.querySelector('label[for="text"]');
    if (label && !label.id) label.id = 'text-label';

    const root = element('div', { class: 'live-editor' });
    const status = element('p', { class: 'live-status', role: 'status', 'aria-live': 'polite' });
    const people = element('ul', { class: 'live-people', 'aria-label': strings.people, hidden: '' });
    const panes = element('div', { class: 'live-panes' });
    const source = element('div', { class: 'live-source' });
    const preview = element('section', { class: 'live-preview', 'aria-labelledby': 'live-preview-heading' });
    const previewOutput = element('div', { class: 'wikitext' });
    const previewProblem = element('p', { class: 'problem', hidden: '' });
    preview.append(element('h2', { id: 'live-preview-heading' }, strings.previewHeading), previewProblem, previewOutput);
    panes.append(source, preview);

    let view = null;
    root.append(status, people, toolbar(strings, () => view), panes);
    // The writer may have typed in the textarea already: the editor takes over its
    // text, its cursor and the keyboard focus.
    const hadFocus = document.activeElement === textarea;
    const text = textarea.value;
    const backward = textarea.selectionDirection === 'backward';
    const selection = EditorSelection.single(
        Math.min(backward ? textarea.selectionEnd : textarea.selectionStart, text.length),
        Math.min(backward ? textarea.selectionStart : textarea.selectionEnd, text.length),
    );
    // The text the writer started from (the loader's note: the text as the page came,
    // or as the browser restored it), for merging their typing into the live text.
    const base = form.carnetEditorBase ?? textarea.defaultValue;
    textarea.before(root);
    textarea.hidden = true;
    form.classList.add('live');

    const preview$ = previewer(config, previewOutput, previewProblem);
    const setStatus = (key, kind) => {
        status.textContent = strings[key];
        status.className = `live-status ${kind}`;
        root.dataset.state = kind;
    };

    const common = (readOnly) => [
        drawSelection(),
        EditorView.lineWrapping,
        new LanguageSupport(markdownLanguage),
        Prec.high(keymap.of(markdownKeymap)),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of(defaultKeymap),
        EditorState.readOnly.of(readOnly),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({
            'aria-labelledby': label?.id ?? '',
            'aria-multiline': 'true',
            lang: textarea.getAttribute('lang') ?? '',
            spellcheck: 'true',
        }),
        EditorView.updateListener.of((update) => {
            if (update.docChanged) preview$.soon(() => update.view.state.doc.toString());
        }),
    ];
    const localState = (text, readOnly, selection = undefined) =>
        EditorState.create({ doc: text, selection, extensions: [common(readOnly), history(), keymap.of(historyKeymap)] });

    // Until the live document arrives, the form's text is edited here; what is typed
    // then is merged into the shared text when it arrives.
    view = new EditorView({
        parent: source,
        state: localState(text, config.readOnly, selection),
    });
    if (hadFocus) {
        view.focus();
        view.dispatch({ effects: EditorView.scrollIntoView(selection.main.head, { y: 'center' }) });
    }
    preview$.now(text);

    // The form posts whatever the editor shows (the live text when connected).
    form.addEventListener('submit', () => {
        textarea.value = view.state.doc.toString();
    });

    if (!config.live) {
        if (config.readOnly) setStatus('statusReadOnly', 'readonly');
        return;
    }
    setStatus('statusConnecting', 'connecting');
    connect(config, base, view, common, localState, setStatus, people, preview$);
}

function connect(config, base, view, common, localState, setStatus, people, preview$) {
    const { strings } = config;
    const doc = new Y.Doc();
    const ytext = doc.getText('text');
    const { server, room } = socketAddress(config.live);
    const provider = new WebsocketProvider(server, room, doc, { disableBc: true, maxBackoffTime: 10000 });
    const awareness = provider.awareness;
    const name = config.user ?? strings.guest;
    const colour = config.user ? hash(config.user) % PALETTE.length : hash(doc.clientID) % PALETTE.length;
    const user = { name, color: PALETTE[colour], colorLight: `${PALETTE[colour]}33` };
    awareness.setLocalStateField('user', user);

    let live = false;
    let gaveUp = false;

    const showPeople = () => {
        people.replaceChildren();
        const states = [...awareness.getStates()].filter(([, state]) => state.user);
        states.sort(([a], [b]) => (a === doc.clientID ? -1 : b === doc.clientID ? 1 : a - b));
        for (const [clientId, state] of states) {
            const item = element('li', { class: `live-person live-c${colourIndex(state.user, clientId)}` });
            const own = clientId === doc.clientID;
            item.textContent = String(state.user.name ?? '?').slice(0, 80) + (own ? ` ${strings.you}` : '');
            people.append(item);
        }
        people.hidden = !live || states.length === 0;
    };
    awareness.on('change', showPeople);

    // The endpoint is missing, refused us, or never answered: go on alone with the text
    // shown, editable, and say so. The form still saves it.
    const giveUp = () => {
        if (live || gaveUp) return;
        gaveUp = true;
        clearTimeout(timer);
        provider.destroy();
        doc.destroy();
        const focused = view.root.activeElement === view.contentDOM;
        view.setState(localState(view.state.doc.toString(), config.readOnly, view.state.selection));
        if (focused) view.focus();
        setStatus(config.readOnly ? 'statusReadOnly' : 'statusOffline', 'offline');
        people.hidden = true;
    };
    const timer = setTimeout(giveUp, CONNECT_TIMEOUT_MS);

    provider.on('sync', (isSynced) => {
        if (!isSynced || gaveUp) return;
        if (!live) {
            live = true;
            clearTimeout(timer);
            const undoManager = new Y.UndoManager(ytext);
            const shared = ytext.toString();
            const mine = view.state.doc.toString();
            const { selection } = view.state;
            const focused = view.root.activeElement === view.contentDOM;
            view.setState(
                EditorState.create({
                    doc: shared,
                    extensions: [
                        common(config.readOnly),
                        yCollab(ytext, null, { undoManager }),
                        remoteSelections(ytext, awareness),
                        keymap.of(yUndoManagerKeymap),
                    ],
                }),
            );
            // The writer's typing so far goes into the shared text (through yCollab,
            // like a keystroke), and their cursor stays where it was in their text.
            // (Those who may only watch typed nothing that counts.)
            if (!config.readOnly) {
                const { onShared, onMine } = mergeTyping(base, mine, shared);
                const length = onShared.newLength;
                view.dispatch({
                    changes: onShared,
                    selection: EditorSelection.create(
                        selection
                            .map(onMine)
                            .ranges.map((range) => EditorSelection.range(Math.min(range.anchor, length), Math.min(range.head, length))),
                        selection.mainIndex,
                    ),
                    scrollIntoView: focused,
                    userEvent: 'input.type',
                });
            }
            if (focused) view.focus();
            preview$.now(view.state.doc.toString());
            showPeople();
        }
        setStatus(config.readOnly ? 'statusWatching' : 'statusLive', 'live');
    });
    provider.on('connection-close', () => {
        if (!live) giveUp();
    });
    provider.on('closed', () => {
        // The server said not to come back (4400–4499): keep the text, stay local.
        if (live) setStatus('statusOffline', 'offline');
    });
    provider.on('status', ({ status }) => {
        if (!live || gaveUp) return;
        if (status === 'disconnected' || status === 'connecting') setStatus('statusReconnecting', 'reconnecting');
        showPeople();
    });
    // Leaving: the others stop showing this writer at once (not after the awareness
    // timeout); coming back from the back/forward cache: here again.
    window.addEventListener('pagehide', () => {
        if (!gaveUp) awareness.setLocalState(null);
    });
    window.addEventListener('pageshow', (event) => {
        if (event.persisted && !gaveUp) awareness.setLocalState({ user });
    });
}

function start() {
    if (!supported()) return;
    const form = document.querySelector('form.edit[data-editor]');
    if (!form || form.querySelector('.live-editor')) return;
    // A word being composed (input methods, phone keyboards) is finished in the
    // textarea first: hiding it now would break the composition.
    const textarea = form.querySelector('textarea[name="text"]');
    if (textarea?.dataset.composing === 'true') {
        textarea.addEventListener('compositionend', () => setTimeout(() => mount(form), 0), { once: true });
        return;
    }
    mount(form);
}

start();
