/**
 * Batch mode through an OpenAI-compatible Batch API (OpenAI's: about half the price, answers within 24 h):
 *
 * 1. the uncached requests of one endpoint are written as the Batch API's JSONL input (kept locally under
 *    `evals/<slug>/batch/<sha256>.jsonl`, split at 50,000 requests or ~190 MB per batch, the API's limits);
 * 2. each file is uploaded (`purpose: batch`) and a batch created (`/v1/chat/completions`, window 24h), and the batch
 *    id recorded in `evals/<slug>/batches.jsonl` at once, so a run killed while waiting resumes by that id instead
 *    of paying twice;
 * 3. the batches are polled with backoff (5 s growing by half to 60 s, jittered; a 429, 5xx or lost connection only
 *    delays the next poll) until they end (`completed`, `failed`, `expired`, `cancelled`);
 * 4. the output and error files are downloaded and read line by line; every answer is mapped back to its sample by
 *    `custom_id` (the sample's cache key; only ids this batch was given are accepted) and returned, to enter the
 *    response cache like an online answer. Requests without an answer fail with the batch's reason.
 *
 * A cancellation stops waiting (the batch keeps running at the endpoint, recorded; the next run collects it).
 * An endpoint that has no Batch API (404/405 on the first call) makes the group go online instead.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ResultsFileSystem } from '../../check/resultsFs';
import { readRecords, RecordLog } from '../../check/record';
import { parseBatchOutputLine } from './output';
import { batchInputLine, type BatchGroupResult, type BatchRequest } from './types';

/** A batch as the API reports it. */
export interface BatchInfo {
  id: string;
  /** `validating`, `in_progress`, `finalizing`, `completed`, `failed`, `expired`, `cancelling`, `cancelled`. */
  status: string;
  outputFileId: string | null;
  errorFileId: string | null;
  /** Errors of the batch as a whole (e.g. a malformed input file), as text from the endpoint. */
  errors: string[];
}

/** Why a Batch API call failed. */
export class BatchApiError extends Error {
  override readonly name = 'BatchApiError';
  constructor(
    /** `unavailable`: the endpoint has no Batch API; `transient`: try again later; `permanent`: a person must act. */
    readonly kind: 'unavailable' | 'transient' | 'permanent',
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The Batch API of one endpoint (single calls; the loops are here). Every method may throw `BatchApiError`. */
export interface BatchApi {
  /** The endpoint's base URL. */
  readonly endpoint: string;
  upload(jsonl: string, filename: string, signal: AbortSignal): Promise<string>;
  create(inputFileId: string, metadata: Record<string, string>, signal: AbortSignal): Promise<BatchInfo>;
  retrieve(batchId: string, signal: AbortSignal): Promise<BatchInfo>;
  /** Streams a file's content line by line (lines without their line break). */
  download(fileId: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
}

/** A line of `batches.jsonl`. */
export type BatchLedgerLine =
  | { type: 'created'; at: string; id: string; endpoint: string; inputFileId: string; inputSha256: string; requests: number }
  | { type: 'collected'; at: string; id: string; endpoint: string; status: string; answered: number; failed: number };

/** Terminal batch states. */
const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** The API's limits per batch (50,000 requests, 200 MB input), with room to spare. */
export const MAX_REQUESTS_PER_BATCH = 50_000;
export const MAX_BYTES_PER_BATCH = 190 * 1024 * 1024;

/** What the orchestrator needs. */
export interface OpenAIBatchOptions {
  api: BatchApi;
  requests: BatchRequest[];
  fs: ResultsFileSystem;
  /** `evals/<slug>/batches.jsonl`. */
  ledgerPath: string;
  /** `evals/<slug>/batch/`: the input files. */
  batchDir: string;
  /** Metadata attached to each batch (e.g. the `.inoc` file). */
  metadata?: Record<string, string>;
  signal: AbortSignal;
  /** Waits `ms`, rejecting when `signal` aborts (tests pass a fast one). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** First wait between polls (default 5 s; grows by half to `maxPollMs`). */
  pollMs?: number;
  maxPollMs?: number;
  maxRequestsPerBatch?: number;
  maxBytesPerBatch?: number;
  now?: () => Date;
  random?: () => number;
  /** Removes secrets from text kept from the endpoint. */
  redact?: (text: string) => string;
  /** Told when a batch is created, resumed or changes status. */
  onStatus?: (batch: BatchInfo, note: 'created' | 'resumed' | 'status') => void;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads the ledger: batches created at `endpoint` and not collected yet. */
export async function pendingBatches(fs: ResultsFileSystem, ledgerPath: string, endpoint: string): Promise<Array<Extract<BatchLedgerLine, { type: 'created' }>>> {
  const created = new Map<string, Extract<BatchLedgerLine, { type: 'created' }>>();
  const isLine = (value: unknown): value is BatchLedgerLine => {
    const line = value as Partial<BatchLedgerLine> | null;
    return !!line && (line.type === 'created' || line.type === 'collected') && typeof line.id === 'string' && typeof line.endpoint === 'string';
  };
  await readRecords(fs, ledgerPath, isLine, (line) => {
    if (line.endpoint !== endpoint) return;
    if (line.type === 'created') created.set(line.id, line);
    else created.delete(line.id);
  });
  return [...created.values()];
}

/** Splits request lines into batches within the API's limits. */
function chunks(lines: string[], maxRequests: number, maxBytes: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (current.length && (current.length >= maxRequests || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Runs `requests` through the Batch API; see the module comment. */
export async function runOpenAIBatches(options: OpenAIBatchOptions): Promise<BatchGroupResult> {
  const { api, fs, signal } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const redact = options.redact ?? ((text: string) => text);
  const result: BatchGroupResult = { answers: new Map(), errors: new Map(), batches: [] };
  const wanted = new Map(options.requests.map((request) => [request.customId, request]));
  const ledger = await RecordLog.open<BatchLedgerLine>(fs, options.ledgerPath);
  try {
    // Batches created earlier (a run killed while waiting) whose requests are still wanted: collect them.
    const tracked: Array<{ info: BatchInfo; ids: Set<string> }> = [];
    for (const entry of await pendingBatches(fs, options.ledgerPath, api.endpoint)) {
      const input = await fs.readText(join(options.batchDir, `${entry.inputSha256}.jsonl`));
      const ids = new Set<string>();
      for (const line of (input ?? '').split('\n')) {
        const id = /"custom_id":"([0-9a-f]{64})"/.exec(line)?.[1];
        if (id && wanted.has(id)) ids.add(id);
      }
      if (!ids.size) continue;
      try {
        const info = await api.retrieve(entry.id, signal);
        tracked.push({ info, ids });
        for (const id of ids) wanted.delete(id);
        options.onStatus?.(info, 'resumed');
      } catch (error) {
        if (signal.aborted) return result;
        // A batch the endpoint no longer knows: its requests go into a new one.
        if (!(error instanceof BatchApiError) || error.kind === 'transient') throw error;
      }
    }

    // New batches for the rest.
    const lines = [...wanted.values()].map(batchInputLine);
    for (const chunk of chunks(lines, options.maxRequestsPerBatch ?? MAX_REQUESTS_PER_BATCH, options.maxBytesPerBatch ?? MAX_BYTES_PER_BATCH)) {
      if (signal.aborted) break;
      const text = `${chunk.join('\n')}\n`;
      const digest = sha256(text);
      await fs.writeAtomic(join(options.batchDir, `${digest}.jsonl`), text);
      let info: BatchInfo;
      try {
        const fileId = await api.upload(text, `inoculate-${digest.slice(0, 16)}.jsonl`, signal);
        info = await api.create(fileId, { ...options.metadata, inoculate_input: digest.slice(0, 16) }, signal);
        await ledger.append({ type: 'created', at: now().toISOString(), id: info.id, endpoint: api.endpoint, inputFileId: fileId, inputSha256: digest, requests: chunk.length });
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof BatchApiError && error.kind === 'unavailable' && !tracked.length && !result.batches.length) {
          return { ...result, unavailable: error.message };
        }
        const message = `the batch could not be created: ${redact(error instanceof Error ? error.message : String(error))}`;
        for (const line of chunk) result.errors.set(/"custom_id":"([0-9a-f]{64})"/.exec(line)![1]!, message);
        continue;
      }
      const ids = new Set(chunk.map((line) => /"custom_id":"([0-9a-f]{64})"/.exec(line)![1]!));
      tracked.push({ info, ids });
      options.onStatus?.(info, 'created');
    }

    // Wait for every batch to end, with backoff.
    let wait = options.pollMs ?? 5_000;
    const maxWait = options.maxPollMs ?? 60_000;
    while (tracked.some((batch) => !TERMINAL.has(batch.info.status))) {
      try {
        await sleep(wait * (1 + 0.1 * random()), signal);
      } catch {
        return result; // cancelled: the batches keep running, recorded; the next run collects them
      }
      let changed = false;
      for (const batch of tracked) {
        if (TERMINAL.has(batch.info.status)) continue;
        try {
          const info = await api.retrieve(batch.info.id, signal);
          if (info.status !== batch.info.status) {
            changed = true;
            options.onStatus?.(info, 'status');
          }
          batch.info = info;
        } catch (error) {
          if (signal.aborted) return result;
          if (error instanceof BatchApiError && error.kind === 'transient') {
            if (error.retryAfterMs) wait = Math.max(wait, Math.min(error.retryAfterMs, 300_000));
            continue;
          }
          batch.info = { ...batch.info, status: 'failed', errors: [redact(error instanceof Error ? error.message : String(error))] };
        }
      }
      wait = changed ? (options.pollMs ?? 5_000) : Math.min(maxWait, wait * 1.5);
    }

    // Collect the answers.
    for (const batch of tracked) {
      let answered = 0;
      let failed = 0;
      const read = async (fileId: string | null) => {
        if (!fileId) return;
        await api.download(fileId, (line) => {
          const outcome = parseBatchOutputLine(line, batch.ids, api.endpoint, redact);
          if (!outcome || result.answers.has(outcome.customId)) return;
          if ('response' in outcome) {
            result.answers.set(outcome.customId, outcome.response);
            result.errors.delete(outcome.customId);
            answered++;
          } else if (!result.errors.has(outcome.customId)) {
            result.errors.set(outcome.customId, outcome.error);
            failed++;
          }
        }, signal);
      };
      try {
        await read(batch.info.outputFileId);
        await read(batch.info.errorFileId);
      } catch (error) {
        if (signal.aborted) return result;
        batch.info = { ...batch.info, errors: [...batch.info.errors, `its output could not be read: ${redact(error instanceof Error ? error.message : String(error))}`] };
      }
      const why = batch.info.errors.length ? `: ${batch.info.errors.join('; ').slice(0, 500)}` : '';
      for (const id of batch.ids) {
        if (result.answers.has(id) || result.errors.has(id)) continue;
        result.errors.set(id, `batch ${batch.info.id} ended ${batch.info.status} without an answer for this request${why}`);
        failed++;
      }
      await ledger.append({ type: 'collected', at: now().toISOString(), id: batch.info.id, endpoint: api.endpoint, status: batch.info.status, answered, failed });
      result.batches.push({ id: batch.info.id, endpoint: api.endpoint, requests: batch.ids.size, status: batch.info.status });
    }
    return result;
  } finally {
    await ledger.close();
  }
}
