/**
 * Grading: the environment graders get from the engine (judge and moderation requests through the session's cache,
 * retries and stop signal, identical requests in flight shared), making a grader and checking it can grade every
 * item and run here before anything is sent, and grading one response once (its verdict cached by the grader's
 * fingerprint, the response and the item, so a warm re-run never runs code tests again).
 */
import { createHash } from 'node:crypto';
import type { Item } from '../format/dataset';
import { cacheKey, stableStringify } from './cache';
import type { Grader, GraderChatRequest, GraderEnvironment, GradeResult, ModerationResult } from './graders/types';
import { withRetries } from './retry';
import type { RunSession } from './session';
import { CheckSetupError } from './setup';
import type { RecordedGrade } from './store';

/** What the environment says about the run: where files are, the behaviour, trust and sandbox requirements. */
export interface GraderContext {
  baseDir: string;
  behavior?: { id: string; description?: string };
  /** Untrusted workspaces never run model-generated code (default true: a terminal user trusts their files). */
  workspaceTrusted?: boolean;
  /** Refuse to run model-generated code without bubblewrap. */
  requireSandbox?: boolean;
  warn?: (message: string) => void;
}

/**
 * The environment a grader receives: `chat` and `moderate` answered through the session (cache, retries, stop);
 * identical requests made at the same time share one request.
 */
export function graderEnvironment(session: RunSession, context: GraderContext): GraderEnvironment {
  const pending = new Map<string, Promise<unknown>>();
  const shared = <T>(key: string, obtain: () => Promise<T>): Promise<T> => {
    let promise = pending.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = obtain().finally(() => pending.delete(key));
      pending.set(key, promise);
    }
    return promise;
  };
  return {
    baseDir: context.baseDir,
    behavior: context.behavior,
    workspaceTrusted: context.workspaceTrusted ?? true,
    requireSandbox: context.requireSandbox ?? false,
    warn: (message) => context.warn?.(message),
    chat: async (request: GraderChatRequest, signal: AbortSignal) => {
      const endpoint = session.providerAt(request.baseUrl);
      const key = cacheKey({
        kind: 'judge',
        endpoint: endpoint.id,
        model: request.model,
        messages: request.messages,
        temperature: request.temperature,
        maxTokens: request.maxTokens,
      });
      return shared(key, async () => {
        if (session.useCache) {
          const hit = await session.cache.get<string>(key);
          if (typeof hit === 'string') return hit;
        }
        try {
          const answer = await withRetries(
            (attempt) => endpoint.complete({ model: request.model, messages: request.messages, temperature: request.temperature, maxTokens: request.maxTokens }, attempt),
            session.policyFor(endpoint),
            AbortSignal.any([signal, session.stopSignal]),
            session.onRetry,
          );
          await session.cache.put(key, answer.text);
          return answer.text;
        } catch (error) {
          session.noteFatal(error);
          throw error;
        }
      });
    },
    moderate: async (input: string, settings: { model: string; baseUrl?: string }, signal: AbortSignal): Promise<ModerationResult> => {
      const endpoint = session.providerAt(settings.baseUrl);
      const moderate = endpoint.moderate?.bind(endpoint);
      if (!moderate) {
        throw new Error(`The moderation grader needs an OpenAI-compatible endpoint with a moderation model; the ${endpoint.kind} provider has none.`);
      }
      const key = cacheKey({ kind: 'moderation', endpoint: endpoint.id, model: settings.model, input });
      return shared(key, async () => {
        if (session.useCache) {
          const hit = await session.cache.get<ModerationResult>(key);
          if (hit && typeof hit === 'object') return hit;
        }
        try {
          const result = await withRetries((attempt) => moderate(input, settings.model, attempt), session.policyFor(endpoint), AbortSignal.any([signal, session.stopSignal]), session.onRetry);
          await session.cache.put(key, result);
          return result;
        } catch (error) {
          session.noteFatal(error);
          throw error;
        }
      });
    },
  };
}

/**
 * Makes a grader and makes sure it can work before the first request: every item gradable (`checkItem` throws
 * `CheckSetupError` naming the dataset line), its sandbox and interpreter present (`preflight`). A grader option it
 * cannot use (a bad regex, an unknown type) is a problem with the file: `CheckSetupError`.
 */
export async function prepareGrader(
  factory: (environment: GraderEnvironment) => Grader,
  environment: GraderEnvironment,
  checkItems: (grader: Grader) => void,
  signal: AbortSignal,
): Promise<Grader> {
  let grader: Grader;
  try {
    grader = factory(environment);
  } catch (error) {
    throw new CheckSetupError(error instanceof Error ? error.message : String(error));
  }
  checkItems(grader);
  try {
    await grader.preflight?.(signal);
  } catch (error) {
    throw new CheckSetupError(error instanceof Error ? error.message : String(error));
  }
  return grader;
}

const hash16 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** A short hash of an item's content (part of the grade cache key: the same response to another item is another grade). */
export function itemHashOf(item: Item): string {
  return hash16(stableStringify(item));
}

/** What one grading needs: the item, the messages sent, the response text and its cache key. */
export interface GradeInput {
  item: Item;
  /** `itemHashOf(item)`, computed once per item by the caller. */
  itemHash: string;
  messages: GraderChatRequest['messages'];
  response: string;
  /** The response's cache key (ties the grade to exactly this answer). */
  responseKey: string;
}

/**
 * The grade of one response: from the grade cache when this grader (by fingerprint) already graded this answer to
 * this item, else graded now and cached. Undefined when the run was stopped before grading. Rejects when the grader
 * fails or returns no verdict.
 */
export async function gradeResponse(session: RunSession, grader: Grader, input: GradeInput): Promise<RecordedGrade | undefined> {
  const key = cacheKey({ kind: 'grade', endpoint: '', model: '', grader: grader.fingerprint, responseKey: input.responseKey, itemHash: input.itemHash });
  if (session.useCache) {
    const hit = await session.cache.get<RecordedGrade>(key);
    if (isRecordedGrade(hit)) return hit;
  }
  if (session.stopSignal.aborted) return undefined;
  const grade = toRecordedGrade(await grader.grade({ item: input.item, messages: input.messages, response: input.response, signal: session.stopSignal }), grader.type);
  await session.cache.put(key, grade);
  return grade;
}

/** Whether a cached value is a recorded grade. */
export function isRecordedGrade(value: unknown): value is RecordedGrade {
  return !!value && typeof value === 'object' && typeof (value as RecordedGrade).behavior === 'boolean' && typeof (value as RecordedGrade).detail === 'string';
}

/** Checks a grader's verdict and writes it with every key present. */
export function toRecordedGrade(result: GradeResult, graderType: string): RecordedGrade {
  if (!result || typeof result !== 'object' || typeof result.behavior !== 'boolean') {
    throw new Error(`The ${graderType} grader returned no verdict (expected {behavior: true|false, ...}).`);
  }
  return {
    behavior: result.behavior,
    capability: typeof result.capability === 'boolean' ? result.capability : null,
    score: typeof result.score === 'number' && Number.isFinite(result.score) ? result.score : null,
    detail: typeof result.detail === 'string' ? result.detail : '',
  };
}
