// The files of the extension's package: those the `.vscodeignore` allow-list names (`!pattern` lines, `*` within a
// path segment, `**` across segments). The packager (scripts/package-vsix.mjs) stages them for `vsce`, and the
// end-to-end runner (test/e2e/run.mjs) loads the extension from such a staged copy.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The files under `root` a `.vscodeignore`-style pattern names (`*` within a segment, `**` across segments). */
function matching(root, pattern) {
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

/** Copies the files of `root` its `.vscodeignore` allow-list names, and the `extra` ones, into `dir`. */
export function stagePackagedFiles(root, dir, extra = []) {
  const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1));
  for (const pattern of [...allowed, ...extra]) {
    for (const file of matching(root, pattern)) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      cpSync(join(root, file), join(dir, file), { recursive: true });
    }
  }
}
