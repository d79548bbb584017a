/**
 * The append-only record of a run: one JSON object per sample, one whole line per write, across runs. Checks write
 * `SampleRecord`s to `checks/<slug>/samples.jsonl`, evaluations `EvalSampleRecord`s to `evals/<slug>/samples.jsonl`;
 * both through `RecordLog`. A cut last line (a crash mid-write) is sealed with a line break before anything is
 * appended (`openJsonlLog`), so it stays one ignored line and never swallows a new record.
 */
import type { AppendHandle, ResultsFileSystem } from './resultsFs';

/**
 * Opens an append-only JSONL log; if a crash left a cut last line, seals it with a line break first, so the cut
 * line stays one (ignored) line and the next record is whole. Earlier lines are never rewritten.
 */
export async function openJsonlLog(fs: ResultsFileSystem, path: string): Promise<AppendHandle> {
  const size = await fs.size(path);
  let cut = false;
  if (size) {
    const reader = await fs.openReader(path);
    if (reader) {
      try {
        cut = (await reader.read(size - 1, 1)) !== '\n';
      } finally {
        await reader.close();
      }
    }
  }
  const handle = await fs.openAppend(path);
  if (cut) await handle.append('\n');
  return handle;
}

/** Appends records of type `T` to a JSONL file. */
export class RecordLog<T> {
  private constructor(private readonly handle: AppendHandle) {}

  /** Opens (creating) the log at `path`. */
  static async open<T>(fs: ResultsFileSystem, path: string): Promise<RecordLog<T>> {
    return new RecordLog<T>(await openJsonlLog(fs, path));
  }

  /** Appends one record as one line with one write. */
  append(record: T): Promise<void> {
    return this.handle.append(`${JSON.stringify(record)}\n`);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Streams the records of a JSONL log that pass `isRecord`, skipping other lines (cut, foreign, older shapes).
 * Resolves to the count read (0 when the file does not exist).
 */
export async function readRecords<T>(
  fs: Pick<ResultsFileSystem, 'scanLines'>,
  path: string,
  isRecord: (value: unknown) => value is T,
  onRecord: (record: T) => void,
): Promise<number> {
  let count = 0;
  await fs.scanLines(path, (line) => {
    if (!line.startsWith('{')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (isRecord(value)) {
      count++;
      onRecord(value);
    }
  });
  return count;
}
