/**
 * Reading input files (`.inoc` files, datasets) that may come from anyone: only regular files, and never more than a
 * bound. A FIFO (or a symlink to one) would block `open(2)` until a writer came, holding one of libuv's four
 * file-system threads for good (so four of them starve every later read of the process); a device such as
 * `/dev/zero` never ends. So the type is checked before opening, the open itself cannot block (O_NONBLOCK), the
 * type is checked again on the open file, and at most `maxBytes` are read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** A path that exists but is not a regular file (a folder, a FIFO, a device, a socket). */
export class NotARegularFileError extends Error {
  override readonly name = 'NotARegularFileError';
  constructor(
    readonly path: string,
    /** What it is instead, in words: `a folder`, `a FIFO (named pipe)`, ... */
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a regular file.`);
  }
}

/** A file larger than the caller's bound. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${path} is ${formatBytes(size)}, more than the ${formatBytes(limit)} this tool reads.`);
  }
}

/** How a file that is too large is handled: refused (FileTooLargeError), or cut after its last whole line within the bound. */
export type Oversize = 'refuse' | 'cut-at-line';

export interface ReadBounds {
  maxBytes: number;
  oversize?: Oversize;
}

/** What a non-regular file is, in words. */
export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** `12.3 MB` */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}

// O_NONBLOCK makes opening a FIFO return at once; O_NOCTTY keeps a terminal from becoming ours. Both are 0 where
// they do not exist (Windows), where FIFOs of this kind do not exist either.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

const isMissing = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

function decode(path: string, buffer: Buffer, size: number, bounds: ReadBounds): string {
  if (size <= bounds.maxBytes) return buffer.toString('utf8');
  if ((bounds.oversize ?? 'refuse') === 'refuse') throw new FileTooLargeError(path, size, bounds.maxBytes);
  const within = buffer.subarray(0, bounds.maxBytes);
  const lastBreak = Math.max(within.lastIndexOf(0x0a), within.lastIndexOf(0x0d));
  return within.subarray(0, Math.max(0, lastBreak)).toString('utf8');
}

/**
 * The UTF-8 text of the regular file at `path` (symbolic links followed), at most `maxBytes` of it; undefined when
 * it does not exist. Throws NotARegularFileError for anything else, FileTooLargeError when larger than the bound
 * (unless `oversize: 'cut-at-line'`), and the system's error when it cannot be read.
 */
export async function readRegularFile(path: string, bounds: ReadBounds): Promise<string | undefined> {
  let before: Stats;
  try {
    before = await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  if (!before.isFile()) throw new NotARegularFileError(path, describeFileType(before));
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    // Checked again on what was opened: the path may have been swapped since the first look.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotARegularFileError(path, describeFileType(stats));
    // One byte more than the bound tells a file that grew past it.
    const want = Math.min(stats.size, bounds.maxBytes) + 1;
    const buffer = Buffer.allocUnsafe(want);
    let read = 0;
    while (read < want) {
      const { bytesRead } = await handle.read(buffer, read, want - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return decode(path, buffer.subarray(0, read), read > bounds.maxBytes ? Math.max(stats.size, read) : read, bounds);
  } finally {
    await handle.close();
  }
}

/** `readRegularFile`, synchronously (for the CLI's file list). */
export function readRegularFileSync(path: string, bounds: ReadBounds): string | undefined {
  let before: Stats;
  try {
    before = statSync(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  if (!before.isFile()) throw new NotARegularFileError(path, describeFileType(before));
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotARegularFileError(path, describeFileType(stats));
    const want = Math.min(stats.size, bounds.maxBytes) + 1;
    const buffer = Buffer.allocUnsafe(want);
    let read = 0;
    while (read < want) {
      const bytesRead = readSync(fd, buffer, read, want - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return decode(path, buffer.subarray(0, read), read > bounds.maxBytes ? Math.max(stats.size, read) : read, bounds);
  } finally {
    closeSync(fd);
  }
}
