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

import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import { EditorSelection, EditorState, Prec, RangeSet } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, drawSelection, keymap } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { LanguageSupport, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
// Only the Markdown language and its keymap: `markdown()` would bring HTML, CSS and
// JavaScript parsers for embedded HTML (half the bundle) that wikitext does not need.
import { markdownKeymap, markdownLanguage } from '@codemirror/lang-markdown';

/** How long the first connection may take before the editor goes on alone. */
const CONNECT_TIMEOUT_MS = 8000;
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
    textarea.before(root);
    const hadFocus = document.activeElement === textarea;
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
    const localState = (text, readOnly) =>
        EditorState.create({ doc: text, extensions: [common(readOnly), history(), keymap.of(historyKeymap)] });

    // Until the live document arrives, the form's text is shown, read-only: keystrokes
    // typed then would be lost when the shared text replaces it.
    view = new EditorView({
        parent: source,
        state: localState(textarea.value, config.readOnly || Boolean(config.live)),
    });
    if (hadFocus) view.focus();
    preview$.now(textarea.value);

    // The form posts whatever the editor shows (the live text when connected).
    form.addEventListener('submit', () => {
        textarea.value = view.state.doc.toString();
    });

    if (!config.live) {
        if (config.readOnly) setStatus('statusReadOnly', 'readonly');
        return;
    }
    setStatus('statusConnecting', 'connecting');
    connect(config, textarea, view, common, localState, setStatus, people, preview$);
}

function connect(config, textarea, view, common, localState, setStatus, people, preview$) {
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
        view.setState(localState(view.state.doc.toString(), config.readOnly));
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
            view.setState(
                EditorState.create({
                    doc: ytext.toString(),
                    extensions: [
                        common(config.readOnly),
                        yCollab(ytext, null, { undoManager }),
                        remoteSelections(ytext, awareness),
                        keymap.of(yUndoManagerKeymap),
                    ],
                }),
            );
            preview$.now(ytext.toString());
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
    const form = document.querySelector('form.edit[data-editor]');
    if (!form || !supported()) return;
    mount(form);
}

start();
