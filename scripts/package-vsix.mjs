#!/usr/bin/env node
// Packages the extension: a production build, then `vsce package` run in a staging folder holding only the files the
// `.vscodeignore` allow-list names. (vsce walks every file under its folder before filtering, which here includes the
// real-VS-Code test bed's 0.8 GB of node_modules: staging keeps packaging to seconds. The allow-list still applies.)
// Usage: node scripts/package-vsix.mjs [--out file.vsix]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, `${manifest.name}-${manifest.version}.vsix`));

const run = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(process.execPath, [join(root, 'esbuild.mjs'), '--production'], root);

const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line.startsWith('!'))
  .map((line) => line.slice(1));
/** The files under `root` a `.vscodeignore`-style pattern names (`*` within a segment, `**` across segments). */
function matching(pattern) {
  const regex = new RegExp(`^${pattern.split('**').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*')}$`);
  // Walk only from the pattern's literal prefix, never the whole tree (which holds big node_modules folders).
  const base = pattern.split('/').filter((_, i, parts) => i < parts.length - 1 && !parts.slice(0, i + 1).some((p) => p.includes('*'))).join('/');
  const found = [];
  const walk = (dir) => {
    const absolute = join(root, dir);
    if (!existsSync(absolute)) return;
    if (statSync(absolute).isFile()) return void (regex.test(dir) && found.push(dir));
    for (const entry of readdirSync(absolute)) walk(dir ? `${dir}/${entry}` : entry);
  };
  if (!pattern.includes('*')) return existsSync(join(root, pattern)) ? [pattern] : [];
  walk(base);
  return found;
}

const stage = mkdtempSync(join(tmpdir(), 'inoculate-vsix-'));
try {
  for (const pattern of [...allowed, '.vscodeignore']) {
    for (const file of matching(pattern)) {
      mkdirSync(join(stage, dirname(file)), { recursive: true });
      cpSync(join(root, file), join(stage, file), { recursive: true });
    }
  }
  run(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', out], stage);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
