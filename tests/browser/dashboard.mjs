// Carnet's wiki-journée dashboard in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core, which never downloads a browser).
//
//   node dashboard.mjs BASE_URL DASHBOARD_PATH
//
// DASHBOARD_PATH is an open event's page (`/wiki/Sp%C3%A9cial:%C3%89v%C3%A9nements/1`)
// whose event covers every address and has no edit yet. With JavaScript, the page
// opens its server-sent events stream; a page saved over HTTP (the JSON API, from this
// script: a new temporary identity at the same address, so a participant) must show up
// on the open page — figures, latest edits, per-participant table — without a reload.
// Without JavaScript the page is complete (figures and tables) and has no script error.
//
// Exit 0: passed; 1: failed (the reason is printed); 2: could not run.

import { chromium } from 'playwright-core';

const [baseArg, dashboardPath] = process.argv.slice(2);
if (!baseArg || !dashboardPath) {
    console.error('usage: node dashboard.mjs BASE_URL DASHBOARD_PATH');
    process.exit(2);
}
const base = new URL(baseArg).origin;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 15_000;
const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

class Failure extends Error {}
function check(condition, message) {
    if (!condition) throw new Failure(message);
}

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
        ],
    })
    .catch((error) => {
        console.error(`dashboard test could not start Chromium: ${error.message}`);
        process.exit(2);
    });

/** A page whose errors and CSP refusals fail the test. */
async function open(label, javaScriptEnabled) {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const problems = [];
    page.on('pageerror', (error) => problems.push(`${label}: page error: ${error.message}`));
    page.on('console', (message) => {
        const text = message.text();
        // Chromium asks for /favicon.ico, which Carnet does not serve.
        const favicon = (message.location().url ?? '').endsWith('/favicon.ico');
        if (message.type() === 'error' && !favicon) {
            problems.push(`${label}: console error: ${text} (${message.location().url})`);
        }
        if (/Content Security Policy/i.test(text)) problems.push(`${label}: CSP refusal: ${text}`);
    });
    return { context, page, problems };
}

const figure = (page, key) => page.locator(`[data-figure="${key}"]`).innerText();

let failed = null;
try {
    // Without JavaScript: the whole dashboard is there.
    const plain = await open('without JavaScript', false);
    const reply = await plain.page.goto(base + dashboardPath);
    check(reply.status() === 200, `dashboard: ${reply.status()}`);
    for (const key of ['participants', 'pages-created', 'pages-edited', 'edits', 'bytes-added', 'photos']) {
        check((await figure(plain.page, key)) === '0', `without JavaScript, ${key} is not 0`);
    }
    check(plain.problems.length === 0, plain.problems.join('\n'));
    await plain.context.close();
    log('without JavaScript, the dashboard is complete');

    // With JavaScript: the stream opens, an edit shows up without a reload.
    const live = await open('live', true);
    const streamed = live.page.waitForResponse((response) => response.url().includes('/live'));
    await live.page.goto(base + dashboardPath);
    const stream = await streamed;
    check(stream.status() === 200, `stream: ${stream.status()}`);
    check(
        (stream.headers()['content-type'] ?? '').startsWith('text/event-stream'),
        `stream type: ${stream.headers()['content-type']}`,
    );
    // The first `figures` event replaces the fragment (same figures).
    await live.page.waitForFunction(() => document.querySelector('[data-event-stream]')?.dataset.updates === '1');
    check((await figure(live.page, 'edits')) === '0', 'edits is not 0 at first');
    // A mark that a reload would wipe.
    await live.page.evaluate(() => {
        window.carnetNotReloaded = true;
    });

    const title = `Atelier direct ${Date.now().toString(36)}`;
    const text = 'Écrit pendant la wiki-journée.';
    const saved = await fetch(`${base}/api/v1/pages/${encodeURIComponent(title)}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text, comment: 'en direct' }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    check(saved.status === 201, `PUT ${title}: ${saved.status} ${await saved.text()}`);
    const savedAt = Date.now();
    log(`saved "${title}" over HTTP`);

    await live.page.waitForFunction(
        () => document.querySelector('[data-figure="edits"]')?.textContent === '1',
        null,
        { timeout: TIMEOUT_MS },
    );
    log(`the open dashboard shows the edit ${Date.now() - savedAt} ms after the save`);
    check((await figure(live.page, 'participants')) === '1', 'participants is not 1');
    check((await figure(live.page, 'pages-created')) === '1', 'pages-created is not 1');
    const bytes = new TextEncoder().encode(text).length;
    check((await figure(live.page, 'bytes-added')) === String(bytes), `bytes-added is not ${bytes}`);
    const latest = await live.page.locator('.event-latest').innerText();
    check(latest.includes(title) && latest.includes('en direct'), `latest edits: ${latest}`);
    const rows = await live.page.locator('.event-table tbody tr').count();
    check(rows === 1, `participant rows: ${rows}`);
    check(
        await live.page.evaluate(() => window.carnetNotReloaded === true),
        'the page was reloaded',
    );
    check(live.problems.length === 0, live.problems.join('\n'));
    await live.context.close();
    log('passed: the dashboard updates live');
} catch (error) {
    failed = error;
}
await browser.close();
if (failed) {
    console.error(failed instanceof Failure ? `FAILED: ${failed.message}` : failed);
    process.exit(1);
}
