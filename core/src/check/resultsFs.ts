/**
 * The file operations the results store and the response cache need, behind a small interface so the pure core
 * never touches `node:fs` directly (the Node implementation is `nodeFs.ts`; the editor may swap in its own).
 */

/** An open file that records are appended to, one whole line per call. */
export interface AppendHandle {
  /** Appends `text` with a single write; concurrent calls are written one after another, never interleaved. */
  append(text: string): Promise<void>;
  close(): Promise<void>;
}

/** An open file read at byte offsets. */
export interface RangeReader {
  /** The UTF-8 text of `length` bytes at `offset` (shorter at the end of the file). */
  read(offset: number, length: number): Promise<string>;
  close(): Promise<void>;
}

/** What a streamed read found. */
export interface LineScan {
  /** Bytes read. */
  size: number;
  /** False when the file ends in a partial line (a crash mid-write), which then was not passed on. */
  endsWithNewline: boolean;
}

import type { Provenance } from './provenance';

/**
 * A results file or folder that cannot be used: a symbolic link inside the results folder (a link committed to a
 * repository must never make a check write outside it), something that is not a regular file or folder, or a system
 * error (no permission, no space). The message names the path and what to do.
 */
export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

/** An input file (a `.inoc` file, a dataset) that cannot be read: not a regular file, too large, or unreadable. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly path: string,
    /** What is wrong, to follow the path: `is a folder, not a file` (no final stop). */
    readonly reason: string,
  ) {
    super(`${path} ${reason}.`);
  }
}

/**
 * The file operations of the results store and the cache; paths are absolute. Results files (everything but
 * `readInput`) are never followed through symbolic links, and must be regular files.
 */
export interface ResultsFileSystem {
  /**
   * Checks, before anything is written, that no folder between `root` (excluded; the folder the user chose, e.g. the
   * workspace root) and `path`, nor `path` itself, is a symbolic link or of the wrong type, and that `root` is a
   * folder if it exists. Missing parts are fine: they are created as real folders. Throws ResultsFileError.
   */
  checkResultsPath(root: string, path: string): Promise<void>;
  /**
   * An input file's text (symbolic links followed): undefined when it does not exist; InputFileError when it is not
   * a regular file (a folder, a FIFO, a device) or is larger than `maxBytes`. Never blocks on a FIFO.
   */
  readInput(path: string, maxBytes: number): Promise<string | undefined>;
  /** The whole file as UTF-8, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /**
   * Streams the complete lines of a file (without their line break) with their byte offset and byte length, in
   * order, without holding the file in memory. A last line without a line break is not passed on. Resolves to
   * undefined when the file does not exist.
   */
  scanLines(path: string, onLine: (line: string, offset: number, bytes: number) => void): Promise<LineScan | undefined>;
  /** Opens `path` for appending, creating it and its directories. */
  openAppend(path: string): Promise<AppendHandle>;
  /** Opens `path` for reads at byte offsets; undefined when it does not exist. */
  openReader(path: string): Promise<RangeReader | undefined>;
  /** Replaces `path` with `text` atomically (a reader sees the old or the new file, never half of one). */
  writeAtomic(path: string, text: string): Promise<void>;
  /** Whether `path` exists. */
  exists(path: string): Promise<boolean>;
  /** The size of `path` in bytes, or undefined when it does not exist. */
  size(path: string): Promise<number | undefined>;
  /**
   * Signing with this user's key, kept outside any workspace (made on first use): what the cache and the summaries
   * written through this file system are signed with, and what tells results measured here from results found
   * elsewhere (see provenance.ts). Absent (or undefined) where no key can be kept: nothing is signed then, and no
   * cached answer is trusted unless it carries no signature at all (tests' in-memory stores).
   */
  userProvenance?(): Promise<Provenance | undefined>;
}
