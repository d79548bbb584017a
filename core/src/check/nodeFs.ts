/**
 * The Node implementation of `ResultsFileSystem`: the only module of the check engine that uses `node:fs`.
 *
 * Durability: appends are not fsynced. Each record is one `write(2)` of a whole line to a file opened with
 * O_APPEND, so a crash of the process (SIGKILL, an exception) loses nothing already written, and a power loss can
 * at worst lose or cut the last records, which loading tolerates (a cut last line is ignored) and a re-run
 * re-requests. Syncing every record would cost one disk flush per sample for no gain on that score. The summary is
 * written to a temporary file, fsynced, then renamed over the old one, so it is always one whole version.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AppendHandle, LineScan, RangeReader, ResultsFileSystem } from './resultsFs';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** `ResultsFileSystem` on the local disk. */
export const nodeResultsFileSystem: ResultsFileSystem = {
  async readText(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },

  async scanLines(path, onLine): Promise<LineScan | undefined> {
    let stream;
    try {
      const handle = await open(path, 'r');
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
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'a');
    // Appends made while a write is under way are gathered and written together with the next single write:
    // fewer system calls under concurrency, same order, still whole lines.
    let batch: { buffers: Buffer[]; done: Promise<void> } | undefined;
    let writing: Promise<void> = Promise.resolve();
    const writeAll = async (buffer: Buffer) => {
      let written = 0;
      // A regular file takes the whole buffer in one write; loop only for the odd short write.
      while (written < buffer.length) {
        const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
        written += bytesWritten;
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
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const file = handle;
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
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  },

  async size(path) {
    try {
      return (await stat(path)).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
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
