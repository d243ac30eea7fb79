// Builds Carnet's live editor bundle: web/editor/src/editor.js and the npm packages
// pinned in package-lock.json → web/static/editor.js (one minified ES module), which is
// committed and compiled into the carnet binary, so a fresh clone runs without npm.
//
//   npm ci && npm run build     rebuild web/static/editor.js (commit it with the source)
//   npm run check               fail if the committed bundle differs from a fresh build
//
// The output depends only on the sources, the lockfile and esbuild's pinned version: no
// timestamps, no absolute paths (minified output has no path comments).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.resolve(here, '../static/editor.js');
const check = process.argv.includes('--check');

// CodeMirror's style-mod puts the editor's styles in a <style> element whenever the root
// is a document, which Carnet's Content-Security-Policy (`style-src 'self'`) refuses. A
// constructable style sheet (document.adoptedStyleSheets) is not inline CSS; the editor
// only starts where browsers have them (see `supported` in src/editor.js).
const STYLE_MOD_TEST = 'if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {';
const constructableStyles = {
    name: 'carnet-constructable-styles',
    setup(build) {
        build.onLoad({ filter: /[\\/]style-mod[\\/]src[\\/]style-mod\.js$/ }, async (args) => {
            const source = await fs.promises.readFile(args.path, 'utf8');
            if (!source.includes(STYLE_MOD_TEST)) {
                throw new Error(`style-mod changed: "${STYLE_MOD_TEST}" not found in ${args.path}`);
            }
            return { contents: source.replace(STYLE_MOD_TEST, 'if (root.adoptedStyleSheets && win.CSSStyleSheet) {'), loader: 'js' };
        });
    },
};

const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: ['src/editor.js'],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome80', 'firefox101', 'safari16.4'],
    charset: 'utf8',
    legalComments: 'eof',
    write: false,
    metafile: true,
    outfile,
    plugins: [constructableStyles],
    logLevel: 'warning',
});

// The packages inside, with their versions and licences, from the lockfile's tree.
const packages = new Map();
const [output] = Object.values(result.metafile.outputs);
for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (!match || packages.has(match[1])) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(here, 'node_modules', match[1], 'package.json'), 'utf8'));
    packages.set(match[1], `${manifest.name}@${manifest.version} (${manifest.license})`);
}
const header =
    '// Carnet live editor, built from web/editor (npm ci && npm run build): do not edit.\n' +
    `// Contains: ${[...packages.values()].sort().join(', ')}.\n`;
const bundle = header + result.outputFiles[0].text;

if (check) {
    const committed = fs.existsSync(outfile) ? fs.readFileSync(outfile, 'utf8') : null;
    if (committed !== bundle) {
        console.error(
            `web/static/editor.js ${committed === null ? 'is missing' : 'differs from a fresh build'}: ` +
                'run `npm ci && npm run build` in web/editor and commit the result',
        );
        process.exit(1);
    }
    console.log(`web/static/editor.js matches a fresh build (${bundle.length} bytes)`);
} else {
    fs.writeFileSync(outfile, bundle);
    console.log(`wrote web/static/editor.js: ${bundle.length} bytes, ${packages.size} packages`);
}
