/** Finding and reading the `.inoc` files named on the command line. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocumentLike } from '../../core/src/language/analysis';
import { UsageError } from './io';

export interface InputFile {
  /** As the user wrote it (or found under a folder they named): what the output shows. */
  display: string;
  absolute: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.inoculate', 'dist', 'out']);

/** Expands folders to the `.inoc` files inside them; a missing path is a usage error naming it. */
export function collectFiles(paths: string[], cwd: string): InputFile[] {
  if (paths.length === 0) throw new UsageError('no files given. Usage: name one or more .inoc files or folders.');
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (display: string, absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    out.push({ display, absolute });
  };
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      throw new UsageError(`no such file or folder: ${path}`);
    }
    if (stat.isDirectory()) {
      const before = out.length;
      walk(absolute, path, add);
      if (out.length === before) throw new UsageError(`no .inoc files under ${path}`);
    } else {
      add(path, absolute);
    }
  }
  return out;
}

function walk(dir: string, display: string, add: (display: string, absolute: string) => void): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), join(display, entry.name), add);
    } else if (entry.isFile() && entry.name.endsWith('.inoc')) {
      add(join(display, entry.name), join(dir, entry.name));
    }
  }
}

/** The file as a document for the language service. */
export function readDocument(file: InputFile): TextDocumentLike {
  let text: string;
  try {
    text = readFileSync(file.absolute, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file.display}: ${(error as Error).message}`);
  }
  return { uri: pathToFileURL(file.absolute).toString(), version: 1, getText: () => text };
}
