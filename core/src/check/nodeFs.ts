/**
 * The Node implementation of `ResultsFileSystem`: the only module of the check engine that uses `node:fs`.
 *
 * Durability: appends are not fsynced. Each record is one `write(2)` of a whole line to a file opened with
 * O_APPEND, so a crash of the process (SIGKILL, an exception) loses nothing already written, and a power loss can
 * at worst lose or cut the last records, which loading tolerates (a cut last line is ignored) and a re-run
 * re-requests. Syncing every record would cost one disk flush per sample for no gain on that score. The summary is
 * written to a temporary file, fsynced, then renamed over the old one, so it is always one whole version.
 *
 * Links: the results folder may come with a cloned repository, and a committed symbolic link in it
 * (`samples.jsonl -> ~/.bashrc`, `.inoculate/checks -> ~/.config/autostart`) must never make a check append to or
 * replace a file outside it. Every results file is opened with O_NOFOLLOW and must turn out a regular file (checked
 * on the open descriptor), temporary files are created with O_EXCL, and `checkResultsPath` refuses a link in any
 * folder below the one the user chose before anything is created. Results files are also opened with O_NONBLOCK,
 * so a FIFO put in their place cannot block the check.
 */
import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, lstat, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { FileTooLargeError, formatBytes, NotARegularFileError, readRegularFile } from '../node/regularFile';
import { userProvenance, UserKeyError } from '../node/userKey';
import { InputFileError, ResultsFileError, type AppendHandle, type LineScan, type RangeReader, type ResultsFileSystem } from './resultsFs';

// 0 where a flag does not exist (Windows has no O_NOFOLLOW; the lstat checks of checkResultsPath still apply there).
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const READ_FLAGS = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK;
const CREATE_NEW_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** A summary is a few KB; anything near this is not one. */
const MAX_RESULTS_TEXT_BYTES = 64 * 1024 * 1024;

/** Why a results path cannot be used, in words, with what to do. */
function linkMessage(path: string): string {
  return `${path} is a symbolic link. Inoculate never follows links inside its results folder: a link committed to a repository could make a check write anywhere. Remove it (rm '${path}') and run again.`;
}

/** Turns a system error on a results path into a ResultsFileError that says what and where. */
function resultsError(error: unknown, path: string, action: string): Error {
  if (error instanceof ResultsFileError || isMissing(error)) return error as Error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ELOOP: linkMessage(path),
    EACCES: `cannot ${action} ${path}: permission denied.`,
    EPERM: `cannot ${action} ${path}: operation not permitted.`,
    ENOTDIR: `cannot ${action} ${path}: a part of that path is a file, not a folder.`,
    EISDIR: `cannot ${action} ${path}: it is a folder.`,
    ENOSPC: `cannot ${action} ${path}: no space left on the device.`,
    EDQUOT: `cannot ${action} ${path}: disk quota exceeded.`,
    EROFS: `cannot ${action} ${path}: the file system is read-only.`,
    ENXIO: `cannot ${action} ${path}: it is a FIFO or a device, not a regular file.`,
    ENAMETOOLONG: `cannot ${action} ${path}: the path is too long.`,
  };
  if (code && Object.hasOwn(reasons, code)) return new ResultsFileError(reasons[code]!);
  if (code) return new ResultsFileError(`cannot ${action} ${path}: ${(error as Error).message}`);
  return error instanceof Error ? error : new Error(String(error));
}

/** Opens a results file with `flags` and checks that what was opened is a regular file. */
async function openResultsFile(path: string, flags: number, action: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags, 0o666);
  } catch (error) {
    throw resultsError(error, path, action);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ResultsFileError(`cannot ${action} ${path}: it is not a regular file.`);
  } catch (error) {
    await handle.close();
    throw resultsError(error, path, action);
  }
  return handle;
}

/**
 * Creates the folders of `path` one by one (the caller checked with checkResultsPath that none of the existing ones
 * is a link). Not `mkdir -p` from Node: its recursive mkdir spins forever where the kernel answers ENOENT for a
 * folder whose parent exists (e.g. under `/proc/1`).
 */
async function makeParents(path: string): Promise<void> {
  const missing: string[] = [];
  for (let folder = dirname(path); ; ) {
    try {
      if ((await stat(folder)).isDirectory()) break;
      throw new ResultsFileError(`cannot create the folder ${dirname(path)}: ${folder} is a file, not a folder.`);
    } catch (error) {
      if (!isMissing(error)) throw resultsError(error, folder, 'create the folder');
    }
    missing.push(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await lstat(folder)).isDirectory()) continue;
      if (code === 'ENOENT') throw new ResultsFileError(`cannot create the folder ${folder}: the system refused (ENOENT).`);
      throw resultsError(error, folder, 'create the folder');
    }
  }
}


/** `ResultsFileSystem` on the local disk. */
export const nodeResultsFileSystem: ResultsFileSystem = {
  async checkResultsPath(root, path) {
    try {
      const rootStats = await stat(root);
      if (!rootStats.isDirectory()) throw new ResultsFileError(`The results folder ${root} is not a folder.`);
    } catch (error) {
      if (!isMissing(error)) throw resultsError(error, root, 'use the results folder');
      return; // Nothing below it exists yet: it will all be created as real folders.
    }
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ResultsFileError(`${path} is not inside the results folder ${root}.`);
    const parts = rel.split(sep);
    let current = root;
    for (let index = 0; index < parts.length; index++) {
      current = join(current, parts[index]!);
      let stats;
      try {
        stats = await lstat(current);
      } catch (error) {
        if (isMissing(error)) return;
        throw resultsError(error, current, 'use');
      }
      if (stats.isSymbolicLink()) throw new ResultsFileError(linkMessage(current));
      const last = index === parts.length - 1;
      if (!last && !stats.isDirectory()) throw new ResultsFileError(`${current} should be a folder of Inoculate's results but is not one; move it away and run again.`);
      if (last && !stats.isFile()) throw new ResultsFileError(`${current} should be a regular file of Inoculate's results but is not one; move it away and run again.`);
    }
  },

  async readInput(path, maxBytes) {
    try {
      return await readRegularFile(path, { maxBytes });
    } catch (error) {
      if (error instanceof NotARegularFileError) throw new InputFileError(path, `is ${error.kind}, not a file`);
      if (error instanceof FileTooLargeError) throw new InputFileError(path, `is ${formatBytes(error.size)}, more than the ${formatBytes(error.limit)} read for it`);
      throw new InputFileError(path, `cannot be read (${(error as Error).message})`);
    }
  },

  async readText(path) {
    let handle: FileHandle;
    try {
      handle = await openResultsFile(path, READ_FLAGS, 'read');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size > MAX_RESULTS_TEXT_BYTES) throw new ResultsFileError(`cannot read ${path}: it is ${size} bytes, too large for a results file.`);
      return await handle.readFile('utf8');
    } catch (error) {
      throw resultsError(error, path, 'read');
    } finally {
      await handle.close();
    }
  },

  async scanLines(path, onLine): Promise<LineScan | undefined> {
    let stream;
    try {
      const handle = await openResultsFile(path, READ_FLAGS, 'read');
      // The stream owns the handle and closes it when done.
      stream = createReadStream('', { fd: handle, autoClose: true, highWaterMark: 1 << 20 });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    let size = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineStart = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, from)) {
        const piece = chunk.subarray(from, at);
        const line = pendingBytes ? Buffer.concat([...pending, piece]) : piece;
        onLine(line.toString('utf8').replace(/\r$/, ''), lineStart, line.length + 1);
        lineStart += line.length + 1;
        pending = [];
        pendingBytes = 0;
        from = at + 1;
      }
      if (from < chunk.length) {
        pending.push(chunk.subarray(from));
        pendingBytes += chunk.length - from;
      }
      size += chunk.length;
    }
    return { size, endsWithNewline: pendingBytes === 0 };
  },

  async openAppend(path): Promise<AppendHandle> {
    await makeParents(path);
    const handle = await openResultsFile(path, APPEND_FLAGS, 'append to');
    // Appends made while a write is under way are gathered and written together with the next single write:
    // fewer system calls under concurrency, same order, still whole lines.
    let batch: { buffers: Buffer[]; done: Promise<void> } | undefined;
    let writing: Promise<void> = Promise.resolve();
    const writeAll = async (buffer: Buffer) => {
      let written = 0;
      // A regular file takes the whole buffer in one write; loop only for the odd short write.
      while (written < buffer.length) {
        try {
          const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
          written += bytesWritten;
        } catch (error) {
          throw resultsError(error, path, 'append to');
        }
      }
    };
    return {
      append(text) {
        const buffer = Buffer.from(text, 'utf8');
        if (batch) {
          batch.buffers.push(buffer);
          return batch.done;
        }
        const buffers = [buffer];
        const done = writing.then(() => {
          batch = undefined;
          return writeAll(buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers));
        });
        batch = { buffers, done };
        writing = done.catch(() => undefined);
        return done;
      },
      async close() {
        await writing;
        await handle.close();
      },
    };
  },

  async openReader(path): Promise<RangeReader | undefined> {
    let file: FileHandle;
    try {
      file = await openResultsFile(path, READ_FLAGS, 'read');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return {
      async read(offset, length) {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead).toString('utf8');
      },
      close: () => file.close(),
    };
  },

  async writeAtomic(path, text) {
    await makeParents(path);
    // A fresh name, created exclusively and never through a link; rename(2) then replaces `path` itself (a link
    // there would be replaced, not followed).
    const temporary = `${path}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
    let created = false;
    try {
      const handle = await open(temporary, CREATE_NEW_FLAGS, 0o666);
      created = true;
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      if (created) await rm(temporary, { force: true });
      throw resultsError(error, path, 'write');
    }
  },

  async size(path) {
    let stats;
    try {
      stats = await lstat(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw resultsError(error, path, 'read');
    }
    if (stats.isSymbolicLink()) throw new ResultsFileError(linkMessage(path));
    if (!stats.isFile()) throw new ResultsFileError(`cannot use ${path}: it is not a regular file.`);
    return stats.size;
  },

  async userProvenance() {
    try {
      return await userProvenance({ create: true });
    } catch (error) {
      throw error instanceof UserKeyError ? new ResultsFileError(error.message) : error;
    }
  },

  async exists(path) {
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  },
};
