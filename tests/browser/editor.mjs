// Carnet's live editor in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core, which never downloads a browser).
//
//   node editor.mjs BASE_URL form    the editor mounts, its toolbar and live preview
//                                    work, the form saves its text; without
//                                    JavaScript the plain form still saves
//   node editor.mjs BASE_URL live    two browser contexts type into one page at once
//                                    and converge; then a form save keeps both texts
//
// `live` needs the server's y-websocket endpoint (/api/v1/pages/{title}/live): while
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
if (!baseArg || !['form', 'live'].includes(scenario)) {
    console.error('usage: node editor.mjs BASE_URL form|live');
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
async function openContext(label, { javaScriptEnabled = true } = {}) {
    const context = await browser.newContext({ javaScriptEnabled, bypassCSP: Boolean(socketOverride) });
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
    await a.page.goto(base + editHref);
    await a.page.waitForSelector('form.edit .cm-editor');
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
        await w.page.goto(base + editHref);
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

let contexts = [];
let status = 0;
try {
    const result = scenario === 'form' ? await scenarioForm() : await scenarioLive();
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
