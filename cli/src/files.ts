/** Finding and reading the `.inoc` files named on the command line. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocumentLike } from '../../core/src/language/analysis';
import { describeFileType, FileTooLargeError, formatBytes, NotARegularFileError, readRegularFileSync } from '../../core/src/node/regularFile';
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
    } else if (stat.isFile()) {
      add(path, absolute);
    } else {
      // A FIFO or a device would block or never end.
      throw new UsageError(`${path} is ${describeFileType(stat)}, not a file.`);
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

/** The largest `.inoc` file read. */
export const MAX_INOC_BYTES = 64 * 1024 * 1024;

/** The file as a document for the language service (regular files only, at most MAX_INOC_BYTES). */
export function readDocument(file: InputFile): TextDocumentLike {
  let text: string | undefined;
  try {
    text = readRegularFileSync(file.absolute, { maxBytes: MAX_INOC_BYTES });
  } catch (error) {
    if (error instanceof NotARegularFileError) throw new UsageError(`${file.display} is ${error.kind}, not a file.`);
    if (error instanceof FileTooLargeError) throw new UsageError(`${file.display} is ${formatBytes(error.size)}, more than the ${formatBytes(error.limit)} read for a .inoc file.`);
    throw new UsageError(`cannot read ${file.display}: ${(error as Error).message}`);
  }
  if (text === undefined) throw new UsageError(`no such file: ${file.display}`);
  return { uri: pathToFileURL(file.absolute).toString(), version: 1, getText: () => text };
}
