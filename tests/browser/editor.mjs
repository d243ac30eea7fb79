// Carnet's live editor in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core, which never downloads a browser).
//
//   node editor.mjs BASE_URL form    the editor mounts, its toolbar and live preview
//                                    work, the form saves its text; without
//                                    JavaScript the plain form still saves
//   node editor.mjs BASE_URL live    two browser contexts type into one page at once
//                                    and converge; then a form save keeps both texts
//   node editor.mjs BASE_URL five    five logged-in writers (CARNET_WRITERS=name,…,
//                                    CARNET_PASSWORD) type into one page at once and
//                                    converge; when they leave, the checkpoint revision
//                                    holds every keystroke and names all five
//   node editor.mjs BASE_URL stale   a form editor whose base revision goes stale sees
//                                    the "page changed" notice (SSE) without reloading:
//                                    plain form, live editor fallen back to the form;
//                                    a connected live editor shows none
//   node editor.mjs BASE_URL lazy    the edit view does not load the editor's bundle
//                                    until the writer types or clicks in the textarea
//                                    (its autofocus does not count); what they type
//                                    before it mounts is kept, caret and focus follow;
//                                    while a live session is open, the bundle loads at
//                                    once and a newcomer sees the others' text without
//                                    a click; typing done before the editor mounted is
//                                    merged into live text others changed meanwhile
//
// `live` and `five` need the server's y-websocket endpoint (/api/v1/pages/{title}/live): while
// it answers anything but a WebSocket upgrade (101), the scenario is skipped with a
// message and exit status 3.
//
// Manual check against another y-websocket server (not used by the Rust tests):
// CARNET_EDITOR_SOCKET=ws://127.0.0.1:1234/room points the editors there instead of
// Carnet's endpoint (the page's CSP is bypassed for that, as it allows only 'self').
//
// Exit 0: passed; 1: failed (the reason is printed); 2: could not run; 3: skipped.

import http from 'node:http';
import crypto from 'node:crypto';
import { chromium } from 'playwright-core';

const [baseArg, scenario] = process.argv.slice(2);
if (!baseArg || !['form', 'live', 'five', 'stale', 'lazy'].includes(scenario)) {
    console.error('usage: node editor.mjs BASE_URL form|live|five|stale|lazy');
    process.exit(2);
}
const base = new URL(baseArg).origin;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const socketOverride = process.env.CARNET_EDITOR_SOCKET ?? null;
const RUN = Date.now().toString(36).slice(-5);
const TIMEOUT_MS = 15_000;
const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

class Failure extends Error {}
function check(condition, message) {
    if (!condition) throw new Failure(message);
}

async function api(method, path, json) {
    const response = await fetch(base + path, {
        method,
        headers: json === undefined ? {} : { 'Content-Type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body = null;
    try {
        body = JSON.parse(text);
    } catch {
        // Reported with the status by the caller.
    }
    return { status: response.status, body, text };
}

async function createPage(title, text) {
    const reply = await api('PUT', `/api/v1/pages/${encodeURIComponent(title)}`, { text, comment: 'début' });
    check(reply.status === 201, `PUT ${title}: ${reply.status} ${reply.text.slice(0, 200)}`);
    return reply.body.revision.id;
}

async function pageText(title) {
    const reply = await api('GET', `/api/v1/pages/${encodeURIComponent(title)}`);
    check(reply.status === 200, `GET ${title}: ${reply.status}`);
    return reply.body;
}

async function waitFor(what, predicate, timeoutMs = TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await predicate();
        if (value) return value;
        check(Date.now() < deadline, `timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

async function history(title) {
    const reply = await api('GET', `/api/v1/pages/${encodeURIComponent(title)}/history`);
    check(reply.status === 200, `history of ${title}: ${reply.status}`);
    return reply.body.revisions;
}

/** Whether the live endpoint takes a WebSocket upgrade: its HTTP status otherwise. */
function probeLive(title) {
    const url = new URL(`/api/v1/pages/${encodeURIComponent(title)}/live`, base);
    return new Promise((resolve) => {
        const request = http.request(url, {
            headers: {
                Connection: 'Upgrade',
                Upgrade: 'websocket',
                'Sec-WebSocket-Version': '13',
                'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
                Origin: base,
            },
            timeout: TIMEOUT_MS,
        });
        request.on('upgrade', (response, socket) => {
            socket.destroy();
            resolve(101);
        });
        request.on('response', (response) => {
            response.resume();
            resolve(response.statusCode);
        });
        request.on('timeout', () => request.destroy(new Error('timeout')));
        request.on('error', (error) => resolve(`error: ${error.message}`));
        request.end();
    });
}

// ---------------------------------------------------------------------------

const browser = await chromium
    .launch({
        executablePath,
        headless: true,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
            '--proxy-server=http://127.0.0.1:9',
            '--proxy-bypass-list=127.0.0.1;localhost',
            // A page rewritten by the manual check counts as public for Chromium's local
            // network checks, which would then refuse the other local server.
            ...(socketOverride ? ['--disable-features=LocalNetworkAccessChecks'] : []),
        ],
    })
    .catch((error) => {
        console.error(`editor test could not start Chromium: ${error.message}`);
        process.exit(2);
    });

/** A browser context whose page errors and CSP refusals fail the test. */
async function openContext(label, { javaScriptEnabled = true, locale = undefined } = {}) {
    const context = await browser.newContext({ javaScriptEnabled, locale, bypassCSP: Boolean(socketOverride) });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const problems = [];
    page.on('pageerror', (error) => problems.push(`${label}: page error: ${error.message}`));
    page.on('console', (message) => {
        const text = message.text();
        // The live endpoint may be missing (404): the browser reports the failed
        // handshake and the editor goes on alone; that is tested, not a problem.
        const expected = /WebSocket connection to .*\/live' failed|status of 404/.test(text);
        if (message.type() === 'error' && !expected) problems.push(`${label}: console error: ${text}`);
        if (/Content Security Policy/i.test(text)) problems.push(`${label}: CSP refusal: ${text}`);
    });
    if (socketOverride) {
        await page.route(/\?action=edit/, async (route) => {
            if (route.request().method() !== 'GET') return route.continue();
            const response = await route.fetch();
            const html = (await response.text()).replace(/data-live="[^"]*"/, `data-live="${socketOverride}"`);
            await route.fulfill({ response, body: html });
        });
    }
    return { context, page, problems, label };
}

/** The editor's text as shown (pages here are short: CodeMirror draws every line),
 * without the other writers' carets and names. */
const editorText = (page) =>
    page.evaluate(() => {
        const content = document.querySelector('.cm-content').cloneNode(true);
        for (const caret of content.querySelectorAll('.live-caret')) caret.remove();
        return [...content.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n');
    });

/** Opens the edit view and starts the editor as a writer would, with a click in the
 * textarea; while a live session is open on the page it starts by itself. */
async function openEditor(page, href) {
    await page.goto(base + href);
    if ((await page.getAttribute('form.edit', 'data-live-open')) !== 'true') await page.click('#text');
    await page.waitForSelector('form.edit .cm-editor');
}

async function waitSettled(page) {
    await page.waitForSelector('form.edit .live-editor[data-state="live"], form.edit .live-editor[data-state="offline"]', {
        timeout: 20_000,
    });
    return page.evaluate(() => document.querySelector('.live-editor').dataset.state);
}

async function save(page, summary) {
    await page.fill('#summary', summary);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[name="do"][value="save"]')]);
    if (page.url().includes('action=edit')) {
        const problem = (await page.$('.problem, .conflict')) ? await page.textContent('.problem, .conflict') : await page.title();
        throw new Failure(`the save was not accepted: ${problem.trim().slice(0, 300)}`);
    }
}

async function scenarioForm() {
    const title = `Éditeur ${RUN}`;
    const initial = 'Premier paragraphe.\n\nUn mot ici';
    await createPage(title, initial);
    const editHref = `/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}?action=edit`;

    // With JavaScript: the editor replaces the textarea.
    const a = await openContext('with JS');
    await openEditor(a.page, editHref);
    check(await a.page.isHidden('#text'), 'the textarea is still shown under the editor');
    check((await editorText(a.page)) === initial, `the editor does not show the page text: ${JSON.stringify(await editorText(a.page))}`);
    // CodeMirror's own styles apply (constructable style sheets pass the CSP).
    const display = await a.page.$eval('.cm-editor', (el) => getComputedStyle(el).display);
    check(display === 'flex', `CodeMirror's styles are missing (display: ${display})`);
    const state = await waitSettled(a.page);
    log(`editor mounted; live state: ${state}`);
    if (state === 'offline') {
        const notice = await a.page.textContent('.live-status');
        check(notice.length > 10, 'no notice that live editing is unavailable');
    }
    check(await a.page.isVisible('.live-toolbar button[data-action="link"]'), 'no toolbar');

    // Type, then make a wiki link of the word "mot" with the toolbar.
    await a.page.click('.cm-content');
    await a.page.keyboard.press('Control+End');
    await a.page.keyboard.type('\n\n## Section du test\n\nVoir ');
    await a.page.keyboard.type('Accueil');
    for (let i = 0; i < 'Accueil'.length; i += 1) await a.page.keyboard.press('Shift+ArrowLeft');
    await a.page.click('.live-toolbar button[data-action="link"]');
    await a.page.keyboard.press('Control+End');
    await a.page.click('.live-toolbar button[data-action="category"]');
    await a.page.keyboard.type('Essais');
    const typed = await editorText(a.page);
    check(typed.includes('Voir [[Accueil]]'), `the toolbar made no wiki link: ${JSON.stringify(typed)}`);
    check(typed.includes('[[Catégorie:Essais]]'), `the toolbar made no category: ${JSON.stringify(typed)}`);
    log('typed, and the toolbar made a wiki link and a category');

    // The preview follows: the heading and the (blue) link rendered by the server.
    await a.page.waitForSelector('.live-preview .wikitext h2');
    await a.page.waitForSelector('.live-preview .wikitext a[href="/wiki/Accueil"]');
    const previewText = await a.page.textContent('.live-preview .wikitext');
    check(previewText.includes('Section du test'), `the preview lacks the new heading: ${previewText}`);
    log('the live preview shows the rendered text');

    // The form posts the editor's text: a new revision with it.
    await save(a.page, `résumé ${RUN}`);
    const saved = await pageText(title);
    check(saved.text === typed, `the saved text differs from the editor's:\n${JSON.stringify(saved.text)}\n${JSON.stringify(typed)}`);
    check(saved.revision.comment === `résumé ${RUN}`, `wrong summary: ${saved.revision.comment}`);
    check((await history(title)).length === 2, 'no new revision');
    log(`the form saved the editor's text as revision ${saved.revision.id}`);

    // Without JavaScript: the plain form.
    const b = await openContext('without JS', { javaScriptEnabled: false });
    await b.page.goto(base + editHref);
    check(await b.page.isVisible('#text'), 'without JavaScript, the textarea is not shown');
    check((await b.page.$('.cm-editor')) === null, 'without JavaScript, an editor mounted');
    const plain = `${typed}\n\nAjouté sans JavaScript.`;
    await b.page.fill('#text', plain);
    await save(b.page, 'sans JS');
    const after = await pageText(title);
    check(after.text === plain, `the plain form did not save its text: ${JSON.stringify(after.text)}`);
    check((await history(title)).length === 3, 'no revision from the plain form');
    log('without JavaScript, the plain form saved');
    return [a, b];
}

async function scenarioLive() {
    const title = `Réunion ${RUN}`;
    const initial = 'Ordre du jour';
    await createPage(title, initial);
    if (!socketOverride) {
        const status = await probeLive(title);
        if (status !== 101) {
            console.log(
                `SKIPPED: the live endpoint /api/v1/pages/{title}/live answers ${status}, not a WebSocket ` +
                    'upgrade (the server side of live editing is not in this build)',
            );
            return null;
        }
    }
    const editHref = `/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}?action=edit`;
    const writers = [await openContext('writer A'), await openContext('writer B')];
    for (const w of writers) {
        await openEditor(w.page, editHref);
        const state = await waitSettled(w.page);
        check(state === 'live', `${w.label}: the editor did not go live (${state}): ${await w.page.textContent('.live-status')}`);
    }
    const [a, b] = writers;
    const start = await editorText(a.page);
    check(socketOverride || start === initial, `the live document does not start from the page text: ${JSON.stringify(start)}`);
    // Who is here: both, on both sides.
    for (const w of writers) {
        await w.page.waitForFunction(() => document.querySelectorAll('.live-people li').length >= 2);
    }
    log('both editors are live and see each other');

    // Both type at once, A at the start, B at the end.
    const wordsA = 'alpha bravo charlie ';
    const wordsB = ' delta echo foxtrot';
    await a.page.click('.cm-content');
    await a.page.keyboard.press('Control+Home');
    await b.page.click('.cm-content');
    await b.page.keyboard.press('Control+End');
    await Promise.all([a.page.keyboard.type(wordsA, { delay: 25 }), b.page.keyboard.type(wordsB, { delay: 25 })]);
    let texts = [];
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
        texts = await Promise.all(writers.map((w) => editorText(w.page)));
        if (texts[0] === texts[1] && texts[0].includes(wordsA) && texts[0].includes(wordsB)) break;
        check(Date.now() < deadline, `the editors did not converge:\n A: ${JSON.stringify(texts[0])}\n B: ${JSON.stringify(texts[1])}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log(`converged: ${JSON.stringify(texts[0])}`);
    // B sees A's cursor with A's name.
    await b.page.waitForSelector('.cm-content .live-caret .live-caret-name');

    // "Save a version": A's form save holds both writers' text.
    await save(a.page, `version ${RUN}`);
    const saved = await pageText(title);
    check(saved.text.includes(wordsA.trim()) && saved.text.includes(wordsB.trim()), `the saved version lacks a writer's text: ${JSON.stringify(saved.text)}`);
    log(`saved as revision ${saved.revision.id}`);
    return writers;
}

/** Logs a browser context in through the login form. */
async function logIn(w, name, password) {
    await w.page.goto(`${base}/account/login`);
    await w.page.fill('#name', name);
    await w.page.fill('#password', password);
    await Promise.all([w.page.waitForNavigation({ waitUntil: 'load' }), w.page.click('form.account button[type="submit"]')]);
    const cookies = await w.context.cookies(base);
    check(cookies.some((c) => c.name === 'carnet_session'), `${name} could not log in (now at ${w.page.url()})`);
}

async function scenarioFive() {
    const names = (process.env.CARNET_WRITERS ?? '').split(',').filter(Boolean);
    const password = process.env.CARNET_PASSWORD ?? '';
    check(names.length === 5 && password, 'CARNET_WRITERS (five names) and CARNET_PASSWORD are needed');
    const title = `Réunion à cinq ${RUN}`;
    // One line per writer: each types at the end of their own line.
    const initial = ['Compte rendu', '', ...names.map((name) => `${name} :`)].join('\n');
    await createPage(title, initial);
    if (!socketOverride) {
        const status = await probeLive(title);
        if (status !== 101) {
            console.log(`SKIPPED: the live endpoint answers ${status}, not a WebSocket upgrade`);
            return null;
        }
    }
    const editHref = `/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}?action=edit`;
    const writers = [];
    for (const name of names) {
        const w = await openContext(name);
        await logIn(w, name, password);
        writers.push(w);
    }
    await Promise.all(
        writers.map(async (w) => {
            await openEditor(w.page, editHref);
            const state = await waitSettled(w.page);
            check(state === 'live', `${w.label}: the editor did not go live (${state})`);
        }),
    );
    for (const w of writers) {
        await w.page.waitForFunction((n) => document.querySelectorAll('.live-people li').length >= n, writers.length, {
            timeout: 20_000,
        });
    }
    log('five editors are live and see each other');

    // Everyone types at once, each on their own line; every keystroke must arrive.
    const typed = writers.map((w, i) => ` mot${i}a mot${i}b ${w.label.toLowerCase()}-${i}-${RUN} fin${i}`);
    await Promise.all(
        writers.map(async (w, i) => {
            await w.page.click('.cm-content');
            await w.page.keyboard.press('Control+Home');
            for (let line = 0; line < i + 2; line += 1) await w.page.keyboard.press('ArrowDown');
            await w.page.keyboard.press('End');
        }),
    );
    const typingStarted = Date.now();
    await Promise.all(writers.map((w, i) => w.page.keyboard.type(typed[i], { delay: 30 })));
    const expected = ['Compte rendu', '', ...names.map((name, i) => `${name} :${typed[i]}`)].join('\n');
    let texts = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
        texts = await Promise.all(writers.map((w) => editorText(w.page)));
        if (texts.every((text) => text === expected)) break;
        check(
            Date.now() < deadline,
            `the editors did not converge to every keystroke:\n${texts.map((t, i) => ` ${names[i]}: ${JSON.stringify(t)}`).join('\n')}\n expected: ${JSON.stringify(expected)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log(`five editors converged on every keystroke ${((Date.now() - typingStarted) / 1000).toFixed(1)}s after typing began`);

    // The last writer leaving makes the checkpoint revision.
    const before = (await history(title)).length;
    const problems = writers.flatMap((w) => w.problems);
    for (const w of writers) await w.context.close();
    const revisions = await waitFor(
        'the checkpoint revision',
        async () => {
            const all = await history(title);
            return all.length > before ? all : null;
        },
        40_000,
    );
    const checkpoint = revisions[0];
    const saved = await pageText(title);
    check(saved.revision.id === checkpoint.id, 'the checkpoint is not the current revision');
    check(saved.text === expected, `the checkpoint lacks keystrokes:\n${JSON.stringify(saved.text)}\n${JSON.stringify(expected)}`);
    for (const name of names) {
        check(checkpoint.author.includes(name), `the checkpoint's author lacks ${name}: ${checkpoint.author}`);
    }
    // The history page shows them on the checkpoint's line.
    const page = await (await fetch(`${base}/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}?action=history`)).text();
    const row = page.split('<li').find((item) => item.includes(`oldid=${checkpoint.id}"`)) ?? '';
    for (const name of names) check(row.includes(name), `the history line of revision ${checkpoint.id} lacks ${name}`);
    log(`checkpoint revision ${checkpoint.id} by "${checkpoint.author}" holds every keystroke`);
    return [{ problems }];
}

async function scenarioStale() {
    const title = `Formulaire ${RUN}`;
    const initial = 'Premier point\n\nDeuxième point\n\nTroisième point';
    const first = await createPage(title, initial);
    const slug = encodeURIComponent(title.replaceAll(' ', '_'));
    const editHref = `/wiki/${slug}?action=edit`;
    const notice = '#stale-notice';

    // 1. The plain form (the live editor's script replaced by an empty one, as where it
    // does not start): JavaScript still adds the notice.
    const plain = await openContext('plain form', { locale: 'fr-FR' });
    await plain.page.route(/\/static\/editor\.js/, (route) =>
        route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: '' }),
    );
    await plain.page.goto(base + editHref);
    check(await plain.page.isVisible('#text'), 'the plain form has no textarea');
    check((await plain.page.$('.cm-editor')) === null, 'the live editor mounted although its script was refused');
    check(await plain.page.isHidden(notice), 'a notice shows before anything changed');
    await plain.page.fill('#text', `${initial}\n\nQuatrième point, écrit dans le formulaire`);
    await plain.page.evaluate(() => {
        window.carnetNotReloaded = true;
    });

    // 2. The live editor that fell back to the form (its WebSocket closed at once).
    const fallen = await openContext('fallen back', { locale: 'en-GB' });
    await fallen.page.routeWebSocket(/\/live$/, (ws) => ws.close());
    await openEditor(fallen.page, editHref);
    check((await waitSettled(fallen.page)) === 'offline', 'the live editor did not fall back to the form');

    // 3. A connected live editor: the live document takes changes in, no notice.
    let live = null;
    if ((await probeLive(title)) === 101) {
        live = await openContext('live');
        await openEditor(live.page, editHref);
        check((await waitSettled(live.page)) === 'live', 'the live editor did not connect');
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const w of [plain, fallen, live].filter(Boolean)) {
        check(await w.page.isHidden(notice), `${w.label}: a notice shows before anything changed`);
    }

    // Someone else saves (through the API, as another writer would).
    const reply = await api('PUT', `/api/v1/pages/${encodeURIComponent(title)}`, {
        text: initial.replace('Premier point', 'Premier point, précisé'),
        base_revision: first,
        comment: `précision ${RUN}`,
    });
    check(reply.status === 200, `PUT: ${reply.status} ${reply.text.slice(0, 200)}`);
    const second = reply.body.revision.id;
    const author = reply.body.revision.author;
    const changedAt = Date.now();

    for (const w of [plain, fallen]) {
        await w.page.waitForSelector(`${notice}:not([hidden])`, { timeout: 10_000 });
        const text = await w.page.textContent(notice);
        const expected = w === plain ? "Cette page a changé depuis que vous l'avez ouverte" : 'This page changed since you opened it';
        check(text.includes(expected), `${w.label}: wrong notice (or language): ${text}`);
        check(text.includes(author) && text.includes(`précision ${RUN}`), `${w.label}: the notice does not say who and why: ${text}`);
        const href = await w.page.getAttribute(`${notice} a`, 'href');
        check(href === `/wiki/${slug}?action=diff&from=${first}&to=${second}`, `${w.label}: wrong diff link ${href}`);
        check((await w.page.getAttribute(notice, 'role')) === 'status', `${w.label}: the notice is not announced`);
    }
    log(`the notice appeared in the plain form and the fallen-back editor within ${((Date.now() - changedAt) / 1000).toFixed(1)}s`);
    check(await plain.page.evaluate(() => window.carnetNotReloaded === true), 'the plain form was reloaded');
    check((await plain.page.inputValue('#text')).includes('Quatrième point'), 'the typed text is gone');
    if (live) {
        await new Promise((resolve) => setTimeout(resolve, 2500));
        check(await live.page.isHidden(notice), 'a connected live editor shows the notice');
        log('the connected live editor shows no notice');
    }

    // The stale plain form still saves: merged with the other change, nothing lost.
    await plain.page.fill('#summary', 'quatrième');
    await Promise.all([plain.page.waitForNavigation({ waitUntil: 'load' }), plain.page.click('button[name="do"][value="save"]')]);
    check(plain.page.url().includes('notice=merged'), `the stale form's save was not merged: ${plain.page.url()}`);
    const saved = await pageText(title);
    check(
        saved.text.includes('Premier point, précisé') && saved.text.includes('Quatrième point, écrit dans le formulaire'),
        `the merge lost text: ${JSON.stringify(saved.text)}`,
    );
    log('the stale form saved, merged with the other change');
    return [plain, fallen, live].filter(Boolean);
}

/** Counts the requests for the editor's bundle, and holds each back `delayMs` (so that
 * the writer can type before the editor mounts). */
// Counts the bundle's requests; with `held`, holds them back until `w.release()` (a
// gate, not a delay: under a loaded machine typing can outlast any fixed delay, and the
// test would then prove nothing).
async function watchBundle(w, held = false) {
    w.bundleRequests = 0;
    let open;
    const gate = held ? new Promise((resolve) => { open = resolve; }) : Promise.resolve();
    w.release = () => open?.();
    await w.page.route(/\/static\/editor\.js/, async (route) => {
        w.bundleRequests += 1;
        await gate;
        await route.continue();
    });
}

async function scenarioLazy() {
    const title = `Notes ${RUN}`;
    const initial = 'Notes de la réunion';
    await createPage(title, initial);
    const editHref = `/wiki/${encodeURIComponent(title.replaceAll(' ', '_'))}?action=edit`;
    const live = (await probeLive(title)) === 101;

    // (a) No live session: the page loads the small loader only, and the textarea has
    // the focus (autofocus) without that fetching the bundle.
    const a = await openContext('first writer');
    await watchBundle(a, true);
    const loaderRequests = [];
    a.page.on('request', (request) => {
        if (request.url().includes('/static/editor-loader.js')) loaderRequests.push(request.url());
    });
    await a.page.goto(base + editHref, { waitUntil: 'load' });
    check((await a.page.getAttribute('form.edit', 'data-live-open')) === 'false', 'a live session is said to be open');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    check(loaderRequests.length === 1, `the loader was requested ${loaderRequests.length} times`);
    check(a.bundleRequests === 0, 'the bundle was fetched before any sign of the writer');
    check((await a.page.$('.cm-editor')) === null, 'the editor mounted without the writer');
    check(await a.page.evaluate(() => document.activeElement?.id === 'text'), 'the textarea does not have the focus');
    log('no live session: only the loader is fetched, the textarea has the focus');

    // (c) The writer types in the textarea; the first key fetches the bundle (held back
    // until the typing is done), the typing goes on meanwhile and is all in the editor once it mounts,
    // with the caret after it and the keyboard focus in the editor.
    await a.page.keyboard.press('Control+End');
    const before = ' : ordre du jour, présents';
    await a.page.keyboard.type(before, { delay: 20 });
    check((await a.page.$('.cm-editor')) === null, 'the editor mounted before the typing was done (the test proves nothing)');
    check(a.bundleRequests === 1, `the first keystroke did not fetch the bundle (${a.bundleRequests})`);
    check((await a.page.inputValue('#text')) === initial + before, 'the textarea lacks the typing');
    a.release();
    await a.page.waitForSelector('form.edit .cm-editor');
    const settled = await waitSettled(a.page);
    check(!live || settled === 'live', `the editor did not go live (${settled})`);
    const after = ', excusés';
    await a.page.keyboard.type(after, { delay: 20 });
    const expected = initial + before + after;
    await waitFor('the typing in the editor', async () => (await editorText(a.page)) === expected, 5000).catch(async () => {
        throw new Failure(`the editor lost typing: ${JSON.stringify(await editorText(a.page))}, expected ${JSON.stringify(expected)}`);
    });
    log(`typing before the editor mounted is kept, caret and focus followed (${settled})`);
    if (!live) {
        console.log('the live endpoint is missing: (b) not checked');
        return [a];
    }

    // (b) A session is open now: a newcomer's form loads the bundle at once and shows
    // the others' text as typed, without any action of theirs.
    const b = await openContext('newcomer');
    await watchBundle(b);
    await b.page.goto(base + editHref);
    check((await b.page.getAttribute('form.edit', 'data-live-open')) === 'true', 'the open live session is not said');
    check((await waitSettled(b.page)) === 'live', 'the newcomer is not live');
    check(b.bundleRequests === 1, `the newcomer's bundle requests: ${b.bundleRequests}`);
    await waitFor('the live text at the newcomer', async () => (await editorText(b.page)) === expected);
    const more = ' et la suite';
    await a.page.keyboard.type(more, { delay: 20 });
    await waitFor('typing seen live by the newcomer', async () => (await editorText(b.page)) === expected + more);
    log('with a live session open, a newcomer loads the editor at once and sees the typing');

    // (c, merged) A third writer whose bundle is slow types at the start of the
    // textarea while the first writer types at the end of the live text: once the
    // third's editor is live, every text holds both, in the right places.
    const c = await openContext('late writer');
    await watchBundle(c, true);
    await c.page.goto(base + editHref);
    check((await c.page.getAttribute('form.edit', 'data-live-open')) === 'true', 'the open live session is not said (c)');
    await c.page.click('#text');
    await c.page.keyboard.press('Control+Home');
    const early = 'Ouvert : ';
    await Promise.all([
        c.page.keyboard.type(early, { delay: 20 }),
        (async () => {
            await a.page.keyboard.press('Control+End');
            await a.page.keyboard.type(' (fin)', { delay: 20 });
        })(),
    ]);
    check((await c.page.$('.cm-editor')) === null, 'the late editor mounted before its typing (the test proves nothing)');
    c.release();
    check((await waitSettled(c.page)) === 'live', 'the late writer is not live');
    const merged = `${early}${expected}${more} (fin)`;
    await waitFor(
        'the merged text everywhere',
        async () => (await Promise.all([a, b, c].map((w) => editorText(w.page)))).every((text) => text === merged),
    ).catch(async () => {
        const texts = await Promise.all([a, b, c].map((w) => editorText(w.page)));
        throw new Failure(`typing was lost or misplaced:\n${texts.map((t) => ` ${JSON.stringify(t)}`).join('\n')}\n expected ${JSON.stringify(merged)}`);
    });
    // Its caret stayed after its typing: more goes there.
    await c.page.keyboard.type('oui. ', { delay: 20 });
    await waitFor('the late writer typing on', async () => (await editorText(b.page)) === `${early}oui. ${expected}${more} (fin)`);
    log('typing done before the editor mounted is merged into live text changed meanwhile');
    return [a, b, c];
}

let contexts = [];
let status = 0;
try {
    const scenarios = { form: scenarioForm, live: scenarioLive, five: scenarioFive, stale: scenarioStale, lazy: scenarioLazy };
    const result = await scenarios[scenario]();
    if (result === null) {
        status = 3;
    } else {
        contexts = result;
        const problems = contexts.flatMap((c) => c.problems);
        check(problems.length === 0, `errors in the pages:\n${problems.join('\n')}`);
        console.log(`editor scenario "${scenario}": passed (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    }
} catch (error) {
    status = error instanceof Failure ? 1 : 2;
    console.log(`editor scenario "${scenario}" ${status === 1 ? 'FAILED' : 'could not run'}: ${error.stack ?? error}`);
    for (const c of contexts) for (const problem of c.problems) console.log(`  ${problem}`);
} finally {
    await browser.close();
}
process.exit(status);
