// The merge of typing done before the live document arrived (`diff` and `mergeTyping`
// in src/editor.js), checked on the committed bundle: `npm test`, or
// `node web/editor/test/merge.mjs` (run by tests/tests/editor.rs). No browser needed:
// the bundle starts nothing where there is no DOM.
//
// For thousands of seeded random texts and edits: `diff(a, b)` applied to `a` gives `b`;
// the writer's changes moved over the others' and the others' moved over the writer's
// give the same text (so the writer's cursor, mapped, lands in the text everyone has);
// every character either side inserted is in it; and a long text with two far edits
// is diffed as two small changes, quickly.

import { diff, mergeTyping } from '../../static/editor.js';

let seed = 20261129;
const random = (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
};
const apply = (changes, text) => {
    let out = '';
    let at = 0;
    changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
        out += text.slice(at, fromA) + inserted.toString();
        at = toA;
    });
    return out + text.slice(at);
};
const edit = (text, mark) => {
    let out = text;
    for (let i = 0, n = 1 + random(4); i < n; i += 1) {
        const at = random(out.length + 1);
        const removed = random(3);
        const inserted = ['', mark, `${mark}${mark}`, `${mark}é\n`][random(4)];
        out = out.slice(0, at) + inserted + out.slice(Math.min(out.length, at + removed));
    }
    return out;
};
const fail = (message) => {
    console.error(`merge test FAILED: ${message}`);
    process.exit(1);
};

for (let i = 0; i < 20000; i += 1) {
    const base = Array.from({ length: random(60) }, () => 'abc \n'[random(5)]).join('');
    // Marks only the writer (M) or the others (T) type, to find them in the result.
    const mine = edit(base, 'M');
    const shared = edit(base, 'T');
    if (apply(diff(base, mine), base) !== mine) fail(`diff ${JSON.stringify([base, mine])}`);
    const { onShared, onMine } = mergeTyping(base, mine, shared);
    const merged = apply(onShared, shared);
    if (apply(onMine, mine) !== merged) fail(`the two ways differ: ${JSON.stringify([base, mine, shared])}`);
    for (const [side, mark] of [[mine, 'M'], [shared, 'T']]) {
        const count = (text) => text.split(mark).length - 1;
        if (count(merged) !== count(side)) fail(`${mark} typing lost: ${JSON.stringify([base, mine, shared, merged])}`);
    }
}

const long = 'ligne '.repeat(50_000);
const mine = `${long.slice(0, 100)}TAPÉ${long.slice(100, 290_000)}FIN${long.slice(290_000)}`;
const shared = `autre ${long}`;
const started = Date.now();
const ours = diff(long, mine);
const { onShared } = mergeTyping(long, mine, shared);
const took = Date.now() - started;
let changes = 0;
ours.iterChanges(() => {
    changes += 1;
});
if (changes !== 2) fail(`two far edits gave ${changes} changes`);
if (apply(onShared, shared) !== `autre ${mine}`) fail('the long text merged wrong');
if (took > 2000) fail(`the long text took ${took} ms`);
console.log(`merge test passed: 20000 random merges, a 300 KB text in ${took} ms`);
