#!/usr/bin/env node
// The same end-to-end suite (out/e2e/index.js) in desktop VS Code through @vscode/test-electron, for machines with
// internet: it downloads VS Code 1.139.1 into .vscode-test/ on first use (this offline machine cannot: use run.mjs).
// Usage: npm run build && node test/e2e/runTestElectron.mjs [--grep=PATTERN] [--version=1.139.1]
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

// As in run.mjs: the tests get a copy of the fixtures (with the examples beside them), and a private user data folder.
const scratch = mkdtempSync(join(tmpdir(), 'inoc-e2e-electron-'));
const workspace = join(scratch, 'ws');
cpSync(join(here, 'fixtures'), workspace, { recursive: true });
cpSync(join(root, 'examples'), join(workspace, 'examples'), { recursive: true });
const extensionEnv = { INOCULATE_E2E: '1', OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };
const grep = option('grep');
if (grep) extensionEnv.INOCULATE_E2E_GREP = grep;

let code = 1;
try {
  code = await runTests({
    version: option('version', '1.139.1'),
    // Desktop VS Code accepts several development paths: the fixture language model loads beside Inoculate.
    extensionDevelopmentPath: [root, join(here, 'fixtures-ext')],
    extensionTestsPath: join(root, 'out/e2e/index.js'),
    extensionTestsEnv: extensionEnv,
    launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-telemetry', `--user-data-dir=${join(scratch, 'data')}`, `--extensions-dir=${join(scratch, 'exts')}`],
  });
} catch (error) {
  console.error(`[runTestElectron] ${error instanceof Error ? error.message : error}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
