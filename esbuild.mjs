// One build for every bundle: the extension client, the language server, the CLI, the webviews (results, loss curve, comparison) and the
// end-to-end test suite. `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// The tokenizer tables (gpt-tokenizer: several MB) are bundles of their own, required only when tokens are counted,
// so the CLI and the extension do not parse them at every start (see core/src/train/tokens.ts).
const TOKENIZER_ENCODINGS = ['o200k_base', 'cl100k_base'];
const tokenizerChunks = {
  name: 'tokenizer-chunks',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/[a-z0-9_]+$/ }, (args) => ({ path: `./tokenizer-${args.path.split('/').pop()}.js`, external: true }));
  },
};

/** @type {esbuild.BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // The `vscode` module is provided by the extension host; `ws`/`zod` are optional peers of `openai` we never load.
  external: ['vscode'],
  plugins: [tokenizerChunks],
};

const builds = [
  { ...node, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'server/src/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'cli/src/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  ...TOKENIZER_ENCODINGS.map((encoding) => ({ ...node, plugins: [], entryPoints: { [`tokenizer-${encoding}`]: `node_modules/gpt-tokenizer/cjs/encoding/${encoding}.js` }, outdir: 'dist', sourcemap: false })),
  {
    ...node,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
    plugins: [],
    entryPoints: { results: 'client/webview/results.ts', lossCurve: 'client/webview/lossCurve.ts', comparison: 'client/webview/comparison.ts' },
    outdir: 'media/dist',
  },
  {
    ...node,
    entryPoints: { index: 'test/e2e/suite/index.ts' },
    outdir: 'out/e2e',
    // Mocha is loaded from node_modules by the extension host; bundling it breaks its file loading.
    external: ['vscode', 'mocha'],
  },
].filter((options) => Object.values(options.entryPoints).every((entry) => existsSync(entry)));

import { existsSync } from 'node:fs';

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[esbuild] watching for changes');
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  console.log(`[esbuild] built ${builds.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
