// Carnet's browser XSS test.
//
// Builds pages from every payload of a public XSS list (page text, titles, edit
// summaries and account names; logged-out writers sign with temporary identities), then loads every
// view of them in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core, which never downloads a browser) and asserts that no script ran:
// no alert/confirm/prompt dialog, no console output or page error, no <script>
// element, no on* attribute and no javascript: URL in the loaded DOM.
//
// Two passes: one as served (with Carnet's Content-Security-Policy), one with the
// policy bypassed, to show that the sanitiser and the templates alone are safe.
// Payloads point at outside hosts: Chromium resolves no name but localhost and sends
// whatever is not loopback to a closed local port, so nothing leaves the machine.
// Playwright gives the browser a fresh temporary profile (--user-data-dir).
//
//   node xss.mjs BASE_URL            e.g. node xss.mjs http://127.0.0.1:8080
//
// Environment: CARNET_XSS_CORPUS (default: ../../../shared/corpora/xss/xss_alert.txt
// from this folder, i.e. shared/ beside the repository), CHROMIUM (default
// /usr/bin/chromium), CARNET_XSS_WORKERS (pages loading at once per pass, default 2),
// CARNET_XSS_LIMIT (only the first N payloads) and CARNET_XSS_PASS ("served" or
// "bypassed": only that pass), for quick runs while investigating.
//
// Prints "N payloads tried, M page loads, 0 scripts ran" and exits 0, or lists every
// failure (payload, URL, placement, what fired) and exits 1. Exit 2: bad usage or setup.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = Date.now();

const PAGE_TIMEOUT_MS = 5_000;
// A bound against hangs, not the expected time (a full run took about 6 minutes on two
// cores that other work kept busy).
const OVERALL_BUDGET_MS = 12 * 60_000;
const PASSWORD = 'mot-de-passe-xss-0';
// Payloads per history page (two revisions each; the history is loaded with limit=500).
const HISTORY_GROUP = 50;
// Keeps this run's titles and account names apart from an earlier run's on the same server.
const RUN = Date.now().toString(36).slice(-4);

const baseArg = process.argv[2] ?? process.env.CARNET_BASE_URL;
if (!baseArg) {
    console.error('usage: node xss.mjs BASE_URL (e.g. http://127.0.0.1:8080)');
    process.exit(2);
}
const base = new URL(baseArg).origin;
const corpusPath =
    process.env.CARNET_XSS_CORPUS ??
    path.resolve(here, '../../../shared/corpora/xss/xss_alert.txt');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const workers = Math.max(1, Number(process.env.CARNET_XSS_WORKERS ?? 2));
const passes = ['CSP as served', 'CSP bypassed'].filter(
    (pass) => !process.env.CARNET_XSS_PASS || pass.includes(process.env.CARNET_XSS_PASS),
);

let payloads = fs
    .readFileSync(corpusPath, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
if (process.env.CARNET_XSS_LIMIT) {
    payloads = payloads.slice(0, Number(process.env.CARNET_XSS_LIMIT));
}
if (payloads.length === 0) {
    console.error(`no payload in ${corpusPath}`);
    process.exit(2);
}

const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const short = (s, n = 160) => {
    const flat = JSON.stringify(s);
    return flat.length > n ? `${flat.slice(0, n)}…"` : flat;
};
const enc = encodeURIComponent;

// ---------------------------------------------------------------------------
// Making payloads acceptable where Carnet refuses characters. What Carnet refuses
// cannot reach the page, so what is left of the payload (quotes, javascript:,
// parentheses, entities…) is what these placements test.

/** Code points, at most `max` of them. */
const clip = (s, max) => Array.from(s).slice(0, max).join('');
/** At most `max` UTF-8 bytes, whole code points. */
const clipBytes = (s, max) => {
    let out = '';
    for (const c of s) {
        if (Buffer.byteLength(out + c) > max) break;
        out += c;
    }
    return out;
};
const collapse = (s) => s.replace(/\s+/gu, ' ').trim();
const looksLikeIp = (s) => /^[0-9.]+$/.test(s) || /^[0-9a-f:.]+$/i.test(s);
// Control characters, and the invisible marks titles refuse.
const CONTROLS = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\uFFFD]/gu;

/** A title variant of payload `i`: forbidden characters become spaces, `%41` is broken
 * up, and a number keeps titles apart. */
function titleFor(payload, i) {
    const cleaned = collapse(
        payload
            .replace(CONTROLS, ' ')
            .replace(/[#<>[\]|{}]/g, ' ')
            .replace(/%(?=[0-9A-Fa-f]{2})/g, '% '),
    );
    return `${clipBytes(cleaned, 200)} ~${RUN}${i}`.trim();
}

/** A display name for logged-out writers: no `< > [ ] | { } #`, at most 85 characters. */
function authorFor(payload) {
    let name = collapse(payload.replace(CONTROLS, ' ').replace(/[#<>[\]|{}]/g, ' '));
    name = clip(name, 85).trim();
    if (name === '' || looksLikeIp(name)) name = clip(`x ${name}`, 85).trim();
    return name;
}

/** An account name: also without `/ : @`, unique, at most 85 characters. */
function accountFor(payload, i) {
    const suffix = ` ~${RUN}${i}`;
    let name = collapse(
        payload
            .replace(CONTROLS, ' ')
            .replace(/[#<>[\]|{}/:@]/g, ' ')
            .replace(/%(?=[0-9A-Fa-f]{2})/g, '% '),
    );
    name = name.replace(/^[~.\s]+/, '');
    return `${clip(name, 85 - suffix.length).trim()}${suffix}`.trim();
}

// ---------------------------------------------------------------------------
// Building the pages over HTTP (the JSON API and the sign-up form).

async function http(method, urlPath, { json, form, cookie } = {}) {
    const headers = {};
    let body;
    if (json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(json);
    } else if (form !== undefined) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(form).toString();
    }
    if (cookie) headers.Cookie = cookie;
    const response = await fetch(base + urlPath, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
}

function cookiesOf(response) {
    const out = {};
    for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        if (at > 0) out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    return out;
}

async function putPage(title, body, cookie) {
    const response = await http('PUT', `/api/v1/pages/${enc(title)}`, { json: body, cookie });
    let json = null;
    try {
        json = JSON.parse(response.text);
    } catch {
        // Reported below with the status.
    }
    return { status: response.status, json, text: response.text };
}

/** The sign-up form's CSRF token and cookie, shared by every sign-up. */
async function csrf() {
    const form = await http('GET', '/account/signup');
    const token = /name="csrf_token" value="([0-9a-f]+)"/.exec(form.text)?.[1];
    const cookie = cookiesOf(form).carnet_csrf;
    if (!token || !cookie) throw new Error(`no CSRF token on /account/signup (${form.status})`);
    return { token, cookie: `carnet_csrf=${cookie}` };
}

async function signup(name, token) {
    const response = await http('POST', '/account/signup', {
        form: { csrf_token: token.token, name, password: PASSWORD },
        cookie: token.cookie,
    });
    const session = cookiesOf(response).carnet_session;
    return session ? `carnet_session=${session}` : null;
}

const stats = {
    titles: 0,
    titleFallbacks: 0,
    summariesClipped: 0,
    accounts: 0,
    accountsRefused: 0,
    batches: 0,
    revisions: 0,
    rawDistinct: 0,
};

/** Runs `task(item, index)` over `items`, `limit` at a time, results in order. */
async function pool(items, limit, task) {
    const results = new Array(items.length);
    let next = 0;
    const run = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await task(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
    return results;
}

/** Payload `i`'s own page: the payload as title (cleaned) and as the whole text, saved
 * by a logged-out writer with the payload as summary and display name; and an account
 * named after the payload. The browser loads the page with that account's session:
 * title, rendered text, and the account name in the header. */
async function buildOwnPage(payload, i, token) {
    const session = await signup(accountFor(payload, i), token);
    if (session) stats.accounts += 1;
    else stats.accountsRefused += 1;
    const candidates = [titleFor(payload, i), `X ${titleFor(payload, i)}`, `XSS ${RUN} ${i}`];
    let created = null;
    for (const title of candidates) {
        const reply = await putPage(title, {
            text: payload,
            base_revision: null,
            comment: clip(payload, 500),
            author: authorFor(payload),
        });
        if (reply.status === 201) {
            created = reply.json;
            if (title === candidates[2]) stats.titleFallbacks += 1;
            else stats.titles += 1;
            break;
        }
        if (reply.status !== 400 && reply.status !== 403) {
            throw new Error(`PUT ${short(title)}: ${reply.status} ${reply.text.slice(0, 300)}`);
        }
    }
    if (!created) throw new Error(`no title accepted for payload #${i}: ${short(payload)}`);
    if (clip(payload, 500) !== payload) stats.summariesClipped += 1;
    const page = `/wiki/${enc(created.title.replaceAll(' ', '_'))}`;
    return {
        label: `payload #${i} ${short(payload, 200)}`,
        session,
        loads: [['title and text of the page, account name in the header', page]],
    };
}

/** The raw payload as a title: an error page quoting the refused character, or the
 * missing-page view showing the title. Many payloads give the very same page (the
 * error quotes one character), so each distinct answer is loaded once. */
async function buildRawTitles() {
    const seen = new Map();
    await pool(payloads, 4, async (payload, i) => {
        const url = `/wiki/${enc(payload)}`;
        const reply = await http('GET', url);
        // The language links carry the request path back, percent-encoded: when that
        // echo is inert, it does not make the page different.
        const body = reply.text.replace(/(href="\/language\/[a-z]+\?return=)([A-Za-z0-9%._~!*'()\/-]*)"/g, '$1…"');
        const key = `${reply.status} ${reply.headers.get('location')} ${body}`;
        if (!seen.has(key) || seen.get(key).i > i) seen.set(key, { i, payload, url, status: reply.status });
    });
    stats.rawDistinct = seen.size;
    return [...seen.values()]
        .sort((a, b) => a.i - b.i)
        .map(({ i, payload, url, status }) => ({
            label: `payload #${i} ${short(payload, 200)}`,
            session: null,
            loads: [[`raw payload as a title (${status})`, url]],
        }));
}

/** A page whose history holds a group of payloads: for each, one revision by a
 * logged-out writer (summary and display name from the payload) adding the payload as
 * a line, then one signed by the payload's account; a last revision changes every line.
 * Loaded: the history (every summary and name), the last diff side by side and inline
 * (every payload line deleted and inserted, with word-level changes), the edit form
 * (every payload line in the textarea) and the page (all lines rendered together). */
async function buildHistoryPage(group, b, sessions) {
    const title = `Lot XSS ${RUN} ${b}`;
    const lines = [];
    let revision = null;
    const save = async (text, comment, author, session) => {
        const reply = await putPage(
            title,
            { text, base_revision: revision, comment, author },
            session ?? undefined,
        );
        if (reply.status !== 200 && reply.status !== 201) {
            throw new Error(`PUT ${title}: ${reply.status} ${reply.text.slice(0, 300)}`);
        }
        if (reply.json.merged) throw new Error(`PUT ${title}: merged, the batch page has another writer`);
        revision = reply.json.revision.id;
        stats.revisions += 1;
        return reply.json.revision;
    };
    await save('Début.', 'début', 'Carnet', null);
    for (const { payload, i } of group) {
        const summary = clip(payload, 500);
        const author = authorFor(payload);
        lines.push(`${payload} a`);
        // Logged out, the revision is signed by a temporary identity (`author` is
        // ignored since temporary identities exist): names reach the history through
        // the payloads' accounts below.
        const written = await save(lines.join('\n'), summary, author, null);
        if (!written.author.startsWith('~')) {
            throw new Error(`logged-out revision of payload #${i} signed ${short(written.author)}, not a temporary identity`);
        }
        const session = sessions[i];
        if (session) {
            lines[lines.length - 1] = `${payload} b`;
            const signed = await save(lines.join('\n'), summary, author, session);
            if (signed.author === author) throw new Error(`revision of payload #${i} not signed by its account`);
        }
    }
    await save(lines.map((line) => line.replace(/ [ab]$/, ' c')).join('\n'), 'fin', 'Carnet', null);
    stats.batches += 1;
    const page = `/wiki/${enc(title.replaceAll(' ', '_'))}`;
    const first = group[0].i;
    const last = group[group.length - 1].i;
    return {
        label: `payloads #${first}–#${last} (page ${title})`,
        session: null,
        loads: [
            ['history: summaries, display and account names', `${page}?action=history&limit=500`],
            ['diff side by side: text lines, summaries, names', `${page}?action=diff`],
            ['diff inline: text lines, summaries, names', `${page}?action=diff&mode=inline`],
            ['text in the edit form', `${page}?action=edit`],
            ['all lines rendered together', page],
        ],
    };
}

async function build() {
    const token = await csrf();
    const own = await pool(payloads, 4, (payload, i) => buildOwnPage(payload, i, token));
    const sessions = own.map((job) => job.session);
    const groups = [];
    for (let at = 0; at < payloads.length; at += HISTORY_GROUP) {
        groups.push(payloads.slice(at, at + HISTORY_GROUP).map((payload, k) => ({ payload, i: at + k })));
    }
    const batches = await pool(groups, 4, (group, b) => buildHistoryPage(group, b, sessions));
    const raw = await buildRawTitles();
    return [...own, ...batches, ...raw];
}


// ---------------------------------------------------------------------------
// Loading them in Chromium.

const failures = [];
const notes = new Map();
let loads = 0;
let externalBlocked = 0;
let overBudget = false;

function fail(pass, job, load, what) {
    const failure = { pass, label: job?.label ?? '(between pages)', placement: load?.[0], url: load?.[1], what };
    failures.push(failure);
    if (failures.length <= 20) log(`FAILURE ${describe(failure)}`);
}

function describe(f) {
    return `[${f.pass}] ${f.label}\n  placement: ${f.placement}\n  URL: ${base}${f.url}\n  ${f.what}`;
}

/** Runs in the page: whatever shows script could run. */
function inspectDom() {
    const issues = [];
    const urlAttributes = new Set([
        'href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background',
        'codebase', 'cite', 'longdesc', 'lowsrc', 'dynsrc', 'ping', 'manifest',
    ]);
    const scripts = document.querySelectorAll('script');
    // Carnet's own scripts: same-origin files, each at most once, nothing inline — the
    // live editor's loader (the editor itself is imported by it, no element), the search
    // box and the event dashboard as modules, the stale-form notice as a classic script.
    const seen = new Set();
    for (const script of scripts) {
        const match = /^\/static\/(editor-loader|search|dashboard|stale)\.js\?v=[0-9a-f]+$/.exec(
            script.getAttribute('src') ?? '',
        );
        const name = match ? match[1] : null;
        const module = name !== 'stale';
        const own =
            name !== null &&
            !seen.has(name) &&
            (module
                ? script.type === 'module' && script.attributes.length === 3
                : !script.hasAttribute('type') && script.attributes.length === 2) &&
            script.hasAttribute('defer') &&
            script.textContent === '';
        if (name) seen.add(name);
        if (!own) issues.push(`<script> element: ${script.outerHTML.slice(0, 200)}`);
    }
    const embedding = document.querySelectorAll(
        'iframe, frame, frameset, object, embed, applet, base, meta[http-equiv], portal',
    );
    for (const el of embedding) issues.push(`<${el.localName}> element: ${el.outerHTML.slice(0, 200)}`);
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            const value = attr.value;
            if (name.startsWith('on')) {
                issues.push(`<${el.localName}> has ${name}=${JSON.stringify(value.slice(0, 120))}`);
            } else if (name === 'srcdoc') {
                issues.push(`<${el.localName}> has srcdoc`);
            } else if (urlAttributes.has(name)) {
                // The browser's own reading of the URL (it drops tabs and newlines, trims
                // controls and spaces, resolves relative URLs), as a click would use it.
                let url = null;
                try {
                    url = new URL(value, document.baseURI);
                } catch {
                    // Not a URL the browser would follow.
                }
                const data = url?.protocol === 'data:' && /^(text\/html|image\/svg|application\/(x|xhtml))/i.test(url.pathname);
                if (url && (['javascript:', 'vbscript:', 'livescript:'].includes(url.protocol) || data)) {
                    issues.push(`<${el.localName}> ${name}=${JSON.stringify(value.slice(0, 120))} (${url.protocol} URL)`);
                }
            } else if (name === 'style' && /expression\s*\(|javascript:|behavior\s*:|-moz-binding/i.test(value)) {
                issues.push(`<${el.localName}> style=${JSON.stringify(value.slice(0, 120))}`);
            }
        }
    }
    return issues;
}

// Console messages only a page's script would print, or that tell a script was there
// (and blocked by the policy).
const SCRIPT_CONSOLE = /alert|prompt|confirm|xss|refused to (execute|run|evaluate|load the script)|inline event handler|javascript:/i;
// The browser's report that the live editor's WebSocket was refused (while the server has
// no live endpoint): its URL holds the page title, which holds "XSS".
const LIVE_SOCKET_REFUSED = /^WebSocket connection to 'wss?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/api\/v1\/pages\/[^'\s]*\/live' failed/;

async function runPass(browser, pass, jobs, deadline) {
    const bypassCSP = pass === 'CSP bypassed';
    let next = 0;
    const worker = async () => {
        const context = await browser.newContext({ bypassCSP, javaScriptEnabled: true });
        const page = await context.newPage();
        let job = null;
        let load = null;
        page.setDefaultTimeout(PAGE_TIMEOUT_MS);
        // Chromium's flags keep every other origin off the network (see main); requests
        // are only watched here, as intercepting them costs a third of each load.
        const outside = (request) => !request.url().startsWith(`${base}/`) && !request.url().startsWith('data:');
        page.on('request', (request) => {
            if (outside(request)) externalBlocked += 1;
        });
        page.on('requestfinished', (request) => {
            if (outside(request)) fail(pass, job, load, `a request to another origin was answered: ${request.url()}`);
        });
        page.on('dialog', (dialog) => {
            fail(pass, job, load, `${dialog.type()} dialog: ${short(dialog.message())}`);
            dialog.dismiss().catch(() => {});
        });
        page.on('pageerror', (error) => fail(pass, job, load, `page error (script ran): ${short(error.message)}`));
        page.on('console', (message) => {
            const text = message.text();
            const own = message.type() === 'error' && LIVE_SOCKET_REFUSED.test(text);
            if (!own && (['log', 'info', 'debug', 'trace', 'dir', 'table'].includes(message.type()) || SCRIPT_CONSOLE.test(text))) {
                fail(pass, job, load, `console ${message.type()}: ${short(text, 300)}`);
            } else {
                const key = `${message.type()}: ${text.replace(/https?:\/\/\S+/g, 'URL').slice(0, 120)}`;
                notes.set(key, (notes.get(key) ?? 0) + 1);
            }
        });
        page.on('popup', (popup) => {
            fail(pass, job, load, `a window opened: ${popup.url()}`);
            popup.close().catch(() => {});
        });
        try {
            while (next < jobs.length) {
                if (Date.now() > deadline) {
                    overBudget = true;
                    break;
                }
                job = jobs[next++];
                await context.clearCookies();
                if (job.session) {
                    const [name, value] = job.session.split('=');
                    await context.addCookies([{ name, value, url: base }]);
                }
                for (load of job.loads) {
                    let attempt = 0;
                    for (;;) {
                        try {
                            await page.goto(base + load[1], { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
                            break;
                        } catch (error) {
                            attempt += 1;
                            if (attempt >= 2) {
                                fail(pass, job, load, `load failed: ${error.message.split('\n')[0]}`);
                                break;
                            }
                        }
                    }
                    loads += 1;
                    // The live editor loads at the writer's first click in the text:
                    // click, so that the text is shown by the editor (and its preview)
                    // as a writer would see it.
                    if (load[1].includes('action=edit')) {
                        try {
                            await page.click('#text', { timeout: PAGE_TIMEOUT_MS });
                            await page.waitForSelector('form.edit .cm-editor', { timeout: PAGE_TIMEOUT_MS });
                        } catch (error) {
                            fail(pass, job, load, `the live editor did not start: ${error.message.split('\n')[0]}`);
                        }
                    }
                    try {
                        for (const issue of await page.evaluate(inspectDom)) fail(pass, job, load, issue);
                    } catch (error) {
                        fail(pass, job, load, `page could not be inspected: ${error.message.split('\n')[0]}`);
                    }
                }
                job = null;
                load = null;
            }
        } finally {
            await context.close();
        }
    };
    await Promise.all(Array.from({ length: workers }, worker));
}

async function main() {
    const deadline = started + OVERALL_BUDGET_MS;
    log(`${payloads.length} payloads from ${corpusPath}, against ${base}`);
    const jobs = await build();
    if (Date.now() > deadline) throw new Error('over the time budget while building pages');
    log(
        `built ${jobs.length} page groups: ${stats.titles} payload titles (${stats.titleFallbacks} refused even cleaned, ` +
            `given a plain title), ${stats.accounts} accounts (${stats.accountsRefused} names refused), ` +
            `${stats.batches} history pages of ${stats.revisions} revisions, ` +
            `${stats.rawDistinct} distinct pages for the ${payloads.length} raw payloads as titles; ` +
            `${stats.summariesClipped} summaries cut to 500 characters`,
    );

    const browser = await chromium.launch({
        executablePath,
        headless: true,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            // Nothing but this machine: no outside name resolves, and whatever is not
            // loopback goes to a closed local port.
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
            '--proxy-server=http://127.0.0.1:9',
            '--proxy-bypass-list=127.0.0.1;localhost',
        ],
    });
    log(`Chromium ${browser.version()} (${executablePath}), ${workers} pages at once per pass`);
    try {
        for (const pass of passes) {
            const before = loads;
            await runPass(browser, pass, jobs, deadline);
            log(`pass "${pass}": ${loads - before} page loads, ${failures.length} failures so far`);
            if (overBudget) {
                fail(pass, null, null, `over the time budget (${OVERALL_BUDGET_MS / 1000}s): stopped after ${loads} page loads`);
                break;
            }
        }
    } finally {
        await browser.close();
    }

    for (const [note, count] of [...notes].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
        log(`console (not script): ${count}× ${note}`);
    }
    if (externalBlocked) log(`${externalBlocked} requests to other origins, none answered`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failures.length > 0) {
        console.log(`\n${failures.length} FAILURES:`);
        for (const f of failures.slice(0, 100)) {
            console.log(`- ${describe(f)}`);
        }
        if (failures.length > 100) console.log(`… and ${failures.length - 100} more`);
        console.log(`\n${payloads.length} payloads tried, ${loads} page loads, ${failures.length} failures (${seconds}s)`);
        process.exit(1);
    }
    console.log(`${payloads.length} payloads tried, ${loads} page loads, 0 scripts ran (${seconds}s)`);
}

main().catch((error) => {
    console.error(`xss test could not run: ${error.stack ?? error}`);
    process.exit(2);
});
