/**
 * Dates after which a model stops being served, or a service stops accepting fine-tuning jobs. The endpoint's own
 * answer wins (`shutdown_date` from `GET /models/{id}`, cached under `.inoculate/train/models.json` by each
 * preflight); the table below is only a dated fallback for when the endpoint says nothing or we are offline.
 *
 * Source of the table: OpenAI's deprecations page (https://developers.openai.com/api/docs/deprecations), as quoted
 * by several pages in 2026-07 (the official excerpt we could read is truncated); collected in the team's
 * backends notes, §0, 2026-11. Announced dates: verify them before relying on them.
 */
import { isOpenAIEndpoint } from '../check/providers/openai';
import type { TrainFileSystem } from './trainFs';

/** When the table was compiled. */
export const MODEL_DATES_AS_OF = '2026-11';

/** OpenAI stops accepting new fine-tuning jobs from every organisation on this day (announced). */
export const OPENAI_FINE_TUNING_CLOSES = '2027-01-06';

/** Snapshots that shut down, and every fine-tune built on them with them (announced). */
export const OPENAI_SHUTDOWNS: Readonly<Record<string, string>> = {
  'gpt-4o-2024-08-06': '2027-01-14',
  'gpt-4o-2024-11-20': '2027-01-14',
  'gpt-4o-mini-2024-07-18': '2027-01-14',
  'gpt-4.1-2025-04-14': '2027-01-14',
  'gpt-4.1-mini-2025-04-14': '2027-01-14',
};

/** The snapshot a fine-tunable alias trains on (OpenAI resolves the alias when the job is created). */
const OPENAI_ALIASES: Readonly<Record<string, string>> = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
};

/** The base snapshot of a model id: `ft:gpt-4.1-mini-2025-04-14:org:suffix:id` → `gpt-4.1-mini-2025-04-14`; aliases resolved. */
export function baseSnapshotOf(model: string): string {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model;
  return OPENAI_ALIASES[base] ?? base;
}

/** A model's shutdown date and where it came from. */
export interface ShutdownInfo {
  /** `YYYY-MM-DD`. */
  date: string;
  /** `endpoint`: the endpoint said so (at `checkedAt`); `table`: our dated fallback. */
  source: 'endpoint' | 'table';
  /** The snapshot the date belongs to. */
  snapshot: string;
  checkedAt?: string;
}

/** What preflights learned, per endpoint and model: `{ "<baseUrl>": { "<model>": {shutdownDate, checkedAt} } }`. */
export type ModelDatesCache = Record<string, Record<string, { shutdownDate: string | null; checkedAt: string }>>;

/** Normalises an endpoint's `shutdown_date` (ISO date, date-time, or Unix seconds) to `YYYY-MM-DD`. */
export function normalizeShutdownDate(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value * 1000).toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  return undefined;
}

/**
 * The shutdown date of `model` at `baseUrl`: the cached endpoint answer for it (or its base snapshot) when there is
 * one, else the table (OpenAI's own endpoint only).
 */
export function shutdownOf(model: string, baseUrl: string, cache: ModelDatesCache = {}): ShutdownInfo | undefined {
  const snapshot = baseSnapshotOf(model);
  const known = Object.prototype.hasOwnProperty.call(cache, baseUrl) ? cache[baseUrl] : undefined;
  for (const name of [model, snapshot]) {
    const entry = known && Object.prototype.hasOwnProperty.call(known, name) ? known[name] : undefined;
    if (entry) {
      if (entry.shutdownDate) return { date: entry.shutdownDate, source: 'endpoint', snapshot: name, checkedAt: entry.checkedAt };
      // The endpoint answered without a date: the table still applies to OpenAI's announced snapshots.
    }
  }
  if (!isOpenAIEndpoint(baseUrl)) return undefined;
  const date = Object.prototype.hasOwnProperty.call(OPENAI_SHUTDOWNS, snapshot) ? OPENAI_SHUTDOWNS[snapshot] : undefined;
  return date ? { date, source: 'table', snapshot } : undefined;
}

/** Whole days from `today` to `date` (negative once passed). */
export function daysUntil(date: string, today: Date): number {
  const target = Date.parse(`${date}T00:00:00Z`);
  const start = Date.parse(`${today.toISOString().slice(0, 10)}T00:00:00Z`);
  return Math.round((target - start) / 86_400_000);
}

/** Reads the cache (an unreadable or foreign file reads as empty). */
export async function readModelDates(fs: Pick<TrainFileSystem, 'readText'>, path: string): Promise<ModelDatesCache> {
  const text = await fs.readText(path).catch(() => undefined);
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    const out: ModelDatesCache = Object.create(null) as ModelDatesCache;
    for (const [url, models] of Object.entries(value as Record<string, unknown>)) {
      if (!models || typeof models !== 'object') continue;
      const entries: ModelDatesCache[string] = Object.create(null) as ModelDatesCache[string];
      for (const [model, entry] of Object.entries(models as Record<string, unknown>)) {
        const e = entry as { shutdownDate?: unknown; checkedAt?: unknown };
        if (typeof e?.checkedAt !== 'string') continue;
        entries[model] = { shutdownDate: normalizeShutdownDate(e.shutdownDate) ?? null, checkedAt: e.checkedAt };
      }
      out[url] = entries;
    }
    return out;
  } catch {
    return {};
  }
}

/** Records what an endpoint said about `model` (atomically replaces the cache file). */
export async function rememberModelDate(fs: TrainFileSystem, path: string, baseUrl: string, model: string, shutdownDate: string | null, now: Date): Promise<void> {
  const cache = await readModelDates(fs, path);
  const entries = cache[baseUrl] ?? {};
  entries[model] = { shutdownDate, checkedAt: now.toISOString() };
  cache[baseUrl] = entries;
  await fs.writeAtomic(path, `${JSON.stringify(cache, null, 2)}\n`);
}

/** A dated warning or refusal about a model or a service, as preflight and diagnostics phrase it. */
export interface DateNotice {
  code: 'model-shutdown' | 'fine-tuning-closed';
  /** `error` once the date has passed. */
  severity: 'error' | 'warning';
  message: string;
}

/** What to say about training `model` on `baseUrl` (OpenAI's closure, the model's shutdown), as of `today`. */
export function trainingDateNotices(model: string, baseUrl: string, today: Date, cache: ModelDatesCache = {}): DateNotice[] {
  const notices: DateNotice[] = [];
  if (isOpenAIEndpoint(baseUrl)) {
    const days = daysUntil(OPENAI_FINE_TUNING_CLOSES, today);
    notices.push(
      days <= 0
        ? { code: 'fine-tuning-closed', severity: 'error', message: `OpenAI stopped accepting new fine-tuning jobs on ${OPENAI_FINE_TUNING_CLOSES} (announced): train with \`backend: together\` or \`backend: command\` instead.` }
        : { code: 'fine-tuning-closed', severity: 'warning', message: `OpenAI stops accepting new fine-tuning jobs on ${OPENAI_FINE_TUNING_CLOSES} (announced; in ${days} day${days === 1 ? '' : 's'}): plan new runs on \`backend: together\` or \`backend: command\`.` },
    );
  }
  const notice = shutdownNotice(model, baseUrl, today, cache, 'train');
  if (notice) notices.push(notice);
  return notices;
}

/** What to say about `model` stopping to be served: for training (its fine-tunes) or evaluation (the model itself). */
export function shutdownNotice(model: string, baseUrl: string, today: Date, cache: ModelDatesCache = {}, use: 'train' | 'evaluate' = 'evaluate'): DateNotice | undefined {
  const info = shutdownOf(model, baseUrl, cache);
  if (!info) return undefined;
  const days = daysUntil(info.date, today);
  const whence = info.source === 'endpoint' ? `the endpoint reports it (checked ${info.checkedAt?.slice(0, 10)})` : `announced; table of ${MODEL_DATES_AS_OF}`;
  const what = use === 'train' ? `Fine-tunes of \`${info.snapshot}\`` : `\`${model}\``;
  if (days <= 0) {
    return {
      code: 'model-shutdown',
      severity: 'error',
      message: `${what} stopped being served on ${info.date} (${whence}). ${use === 'train' ? 'Train an open model with `backend: together` or `backend: command` instead.' : 'It can no longer be evaluated; evaluate a model that is still served.'}`,
    };
  }
  return {
    code: 'model-shutdown',
    severity: 'warning',
    message: `${what} stop${use === 'train' ? '' : 's'} being served on ${info.date} (${whence}; in ${days} day${days === 1 ? '' : 's'}): ${use === 'train' ? 'evaluate them before then, or train an open model with `backend: together` or `backend: command`.' : 'evaluate it before then.'}`,
  };
}
