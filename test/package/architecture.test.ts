// ARCHITECTURE.md is kept short and true: its lines for core/src/train and core/src/eval name every source file of
// those folders (tests aside), and every file they name exists.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');

/** The `.ts` files under `dir`, tests excluded, relative to `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path).map((file) => join(entry.name, file)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(entry.name);
  }
  return out.sort();
}

/** The text of the folder's entry in the layout block: its line and the indented lines that continue it. */
function entryOf(architecture: string, folder: string): string {
  const lines = architecture.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${folder}/ `));
  assert.ok(start >= 0, `ARCHITECTURE.md has no line for ${folder}/`);
  const entry = [lines[start]!];
  for (const line of lines.slice(start + 1)) {
    if (!/^ {19}\S/.test(line)) break;
    entry.push(line);
  }
  return entry.join(' ');
}

/** Subfolders whose entry describes their contents instead of naming each file. */
const DESCRIBED_WHOLE = new Set(['batch', 'charts', 'report']);

describe('ARCHITECTURE.md', () => {
  const architecture = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  for (const folder of ['train', 'eval']) {
    it(`names every source file of core/src/${folder} and nothing that is not there`, () => {
      const dir = join(ROOT, 'core/src', folder);
      const entry = entryOf(architecture, folder);
      const named = new Set([...entry.matchAll(/([A-Za-z]+)\.ts\b/g)].map((match) => match[1]!));
      const folders = new Set([...entry.matchAll(/\b([a-z]+)\/ \(/g)].map((match) => match[1]!));
      const files = sources(dir);
      // A file is named by its own name, or covered by a subfolder the entry describes as a whole (`charts/ (SVG)`).
      const missing = files.filter((file) => {
        const parts = file.split('/');
        return !named.has(parts[parts.length - 1]!.replace(/\.ts$/, '')) && !(parts.length > 1 && DESCRIBED_WHOLE.has(parts[0]!) && folders.has(parts[0]!));
      });
      assert.deepEqual(missing, [], `core/src/${folder} files ARCHITECTURE.md does not name`);
      const stale = [...named].filter((name) => !files.some((file) => file.split('/').pop() === `${name}.ts`));
      assert.deepEqual(stale, [], `ARCHITECTURE.md names files core/src/${folder} does not have`);
      for (const sub of folders) assert.ok(existsSync(join(dir, sub)), `${relative(ROOT, join(dir, sub))} does not exist`);
    });
  }
});
