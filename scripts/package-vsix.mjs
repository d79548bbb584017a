#!/usr/bin/env node
// Packages the extension: a production build, then `vsce package` run in a staging folder holding only the files the
// `.vscodeignore` allow-list names. (vsce walks every file under its folder before filtering, which here includes the
// real-VS-Code test bed's 0.8 GB of node_modules: staging keeps packaging to seconds. The allow-list still applies.)
// Usage: node scripts/package-vsix.mjs [--out file.vsix]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stagePackagedFiles } from './packagedFiles.mjs';

const root = resolve(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, `${manifest.name}-${manifest.version}.vsix`));

const run = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(process.execPath, [join(root, 'esbuild.mjs'), '--production'], root);

const stage = mkdtempSync(join(tmpdir(), 'inoculate-vsix-'));
try {
  stagePackagedFiles(root, stage, ['.vscodeignore']);
  run(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', out], stage);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
