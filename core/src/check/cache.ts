/**
 * The persistent response cache: every answer obtained from an endpoint (chat completions, judge answers,
 * moderation scores), keyed by sha256 of everything that determines it, so an unchanged re-run sends no request,
 * an interrupted run resumes with only the missing requests, and a changed variant re-samples only itself.
 *
 * Storage: one append-only JSONL file (`.inoculate/cache/responses.jsonl`), one record a line, each written with a
 * single append of a whole line. Only an index (key → byte offset) is kept in memory; values are read back from
 * the file when needed, so a 100k-sample cache does not sit in memory. A cut last line (a crash mid-write) is
 * ignored on load and sealed with a line break before anything is appended, so it never swallows a new record.
 *
 * Provenance: with the user's key (`ResultsFileSystem.userProvenance`), every line this user writes is signed
 * (`{"mac":"<HMAC of the rest>","key":...,"value":...,"at":...}`) and only lines whose signature verifies are used.
 * Lines from elsewhere (a cache committed to a repository, another user's, an altered or an unsigned one) are
 * counted (`foreignEntries`) and ignored: their samples are requested again, and the new answers appended.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../format/dataset';
import type { Provenance } from './provenance';
import type { AppendHandle, RangeReader, ResultsFileSystem } from './resultsFs';

/** Everything that determines one answer (endpoint fields are '' for `grade` entries). */
export interface CacheKeyInput {
  /** `chat` (a sampled response), `judge` (a grader's chat request), `moderation`, or `grade` (a grader's verdict). */
  kind: 'chat' | 'judge' | 'moderation' | 'grade';
  /** The provider's identity (its base URL); never a secret. */
  endpoint: string;
  model: string;
  messages?: ChatMessage[];
  /** The moderated text. */
  input?: string;
  temperature?: number;
  maxTokens?: number;
  /** Which draw of the arm this is: independent samples of the same prompt are different entries. */
  sampleIndex?: number;
  /** For `grade` entries: the grader's fingerprint, the graded response's key and a hash of the item. */
  grader?: string;
  responseKey?: string;
  itemHash?: string;
}

/** Bump when the meaning of a cached value changes, so old entries stop matching. */
const CACHE_FORMAT = 1;

/** sha256 (hex) of the canonical JSON of `input` (keys sorted, so property order never matters). */
export function cacheKey(input: CacheKeyInput): string {
  return createHash('sha256').update(stableStringify({ format: CACHE_FORMAT, ...input })).digest('hex');
}

/** JSON with object keys sorted and undefined properties left out. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((entry) => stableStringify(entry)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(',')}}`;
}

interface Location {
  offset: number;
  bytes: number;
}

interface CacheRecord {
  key: string;
  value: unknown;
  at: string;
}

/** A response cache backed by one append-only JSONL file. */
export class ResponseCache {
  /** Opened on the first write; a promise so overlapping writes share one handle (and one seal). */
  private writer: Promise<AppendHandle> | undefined;
  /** Opened on the first read; a promise so overlapping reads share one handle. */
  private reader: Promise<RangeReader | undefined> | undefined;
  /** Where the next appended line starts, as far as this process knows (checked on read). */
  private end: number;

  private constructor(
    private readonly fs: ResultsFileSystem,
    private readonly path: string,
    private readonly index: Map<string, Location>,
    end: number,
    private readonly needsSeal: boolean,
    private readonly now: () => Date,
    private readonly signer: Provenance | undefined,
    /** Lines found that this user did not write (see the module comment); ignored. */
    readonly foreignEntries: number,
  ) {
    this.end = end;
  }

  /**
   * Loads the index of the cache at `path` (a missing file is an empty cache). Unreadable lines are skipped, and so
   * are lines not signed with the user's key (`fs.userProvenance`, unless `provenance` is given).
   */
  static async open(fs: ResultsFileSystem, path: string, now: () => Date = () => new Date(), provenance?: Provenance): Promise<ResponseCache> {
    const signer = provenance ?? (await fs.userProvenance?.());
    const index = new Map<string, Location>();
    let foreign = 0;
    const scan = await fs.scanLines(path, (line, offset, bytes) => {
      const entry = entryOf(line, signer);
      if (!entry) return;
      if (entry.trusted) index.set(entry.key, { offset, bytes });
      else foreign++;
    });
    return new ResponseCache(fs, path, index, scan?.size ?? 0, !!scan && scan.size > 0 && !scan.endsWithNewline, now, signer, foreign);
  }

  /** Number of entries. */
  get size(): number {
    return this.index.size;
  }

  /** Whether an answer for `key` is stored. */
  has(key: string): boolean {
    return this.index.has(key);
  }

  /** The stored answer for `key`, or undefined (also when its line turns out unreadable, e.g. another writer moved it). */
  async get<T>(key: string): Promise<T | undefined> {
    const location = this.index.get(key);
    if (!location) return undefined;
    this.reader ??= this.fs.openReader(this.path);
    const reader = await this.reader;
    if (!reader) {
      // No file yet (nothing written before this read): look again next time.
      this.reader = undefined;
      return undefined;
    }
    const line = (await reader.read(location.offset, location.bytes)).replace(/\n$/, '');
    try {
      // Checked again on read: the file may have changed since it was indexed.
      const entry = entryOf(line, this.signer);
      const record = JSON.parse(line) as CacheRecord;
      if (entry?.trusted && entry.key === key && record.key === key) return record.value as T;
    } catch {
      // Fall through: a line that does not hold this key is a miss, never a wrong answer.
    }
    this.index.delete(key);
    return undefined;
  }

  /** Stores `value` (JSON-serialisable) under `key` with one append of one line. */
  async put(key: string, value: unknown): Promise<void> {
    this.writer ??= this.openWriter();
    const writer = await this.writer;
    const unsigned = JSON.stringify({ key, value, at: this.now().toISOString() } satisfies CacheRecord);
    // Signed: the HMAC covers the rest of the line exactly as written.
    const rest = unsigned.slice(1);
    const line = this.signer ? `{"mac":"${this.signer.sign('cache', rest)}",${rest}\n` : `${unsigned}\n`;
    const bytes = Buffer.byteLength(line);
    // No await between taking the offset and queueing the append: appends land in the order offsets were taken.
    const offset = this.end;
    this.end += bytes;
    await writer.append(line);
    this.index.set(key, { offset, bytes });
  }

  private async openWriter(): Promise<AppendHandle> {
    const writer = await this.fs.openAppend(this.path);
    if (this.needsSeal) {
      this.end += 1;
      await writer.append('\n');
    }
    return writer;
  }

  /** Closes the files. */
  async close(): Promise<void> {
    await (await this.writer)?.close();
    await (await this.reader)?.close();
    this.writer = undefined;
    this.reader = undefined;
  }
}

/** A signed line: the signature, then the rest of the line it covers (whose key is group 3). */
const SIGNED_LINE = /^\{"mac":"([0-9a-f]{64})",("key":"([0-9a-f]{64})","value":.*\})$/s;

/**
 * The key of a cache line and whether it may be used: a signed line when its signature verifies under `signer`; an
 * unsigned (or signed) line only when there is no signer to ask. Undefined for a line that is not a record.
 */
function entryOf(line: string, signer: Provenance | undefined): { key: string; trusted: boolean } | undefined {
  const signed = SIGNED_LINE.exec(line);
  if (signed) return { key: signed[3]!, trusted: !signer || signer.verify('cache', signed[2]!, signed[1]) };
  const key = keyOf(line);
  return key ? { key, trusted: !signer } : undefined;
}

/** The key of an unsigned cache line, or undefined when the line is not a complete record. */
function keyOf(line: string): string | undefined {
  // Fast path for the lines this module writes; `get` re-checks the whole record before trusting it.
  const fast = /^\{"key":"([0-9a-f]{64})","value":.*\}$/s.exec(line);
  if (fast) return fast[1];
  if (!line.startsWith('{')) return undefined;
  try {
    const record = JSON.parse(line) as Partial<CacheRecord>;
    return typeof record.key === 'string' && 'value' in record ? record.key : undefined;
  } catch {
    return undefined;
  }
}
