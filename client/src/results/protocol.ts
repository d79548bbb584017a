/** Messages between the results panel (extension host) and its webview. No message ever carries an API key. */
import type { CheckSummary } from '../../../core/src/check/types';

/** Which samples the browser shows. */
export interface SampleFilter {
  /** An arm name, or null for every arm. */
  arm: string | null;
  /** `behavior` (showed the behaviour), `clean` (graded, did not), `failed` (no grade), or null for all. */
  grade: 'behavior' | 'clean' | 'failed' | null;
}

/** One sample as the browser shows it. */
export interface SampleView {
  arm: string;
  sample: number;
  /** 1-based line of the dataset item. */
  item: number;
  /** The messages sent, when they can still be rebuilt from the file and dataset (else null, with `promptNote`). */
  prompt: Array<{ role: string; content: string }> | null;
  promptNote: string | null;
  response: string | null;
  behavior: boolean | null;
  capability: boolean | null;
  score: number | null;
  detail: string;
  error: string | null;
  cached: boolean;
}

/** A page of samples for a filter. */
export interface SamplePage {
  filter: SampleFilter;
  /** 0-based index of the first sample of the page. */
  offset: number;
  /** Samples matching the filter. */
  total: number;
  samples: SampleView[];
}

export type ExportFormat = 'arms-csv' | 'samples-csv' | 'json';

/** Whether the view may offer to run a check; when not (Restricted Mode), why, in words for the page. */
export interface CheckAvailability {
  canRun: boolean;
  /** Why checks cannot run here (null when they can). */
  reason: string | null;
}

/** Host → webview. */
export type HostMessage =
  | {
      type: 'summary';
      uri: string;
      file: string;
      summary: CheckSummary;
      /** Arms whose variant text changed since the check. */
      stale: string[];
      checks: CheckAvailability;
      /** What became of a later run that left no results (e.g. every sample failed), or null. */
      runNote: string | null;
      /** Said when this user did not measure these results (found in the repository; `originNote`), or null. */
      originNote: string | null;
    }
  | { type: 'empty'; uri: string; file: string; reason: string; checks: CheckAvailability }
  /** The arms changed since the check, again (the file was edited while the view is open). */
  | { type: 'stale'; stale: string[] }
  | { type: 'samples'; page: SamplePage }
  | { type: 'status'; message: string };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  /** Drawn: counts, the labels of the action buttons offered and the notes shown (the end-to-end tests read them). */
  | { type: 'rendered'; arms: number; samplesShown: number; totalSamples: number; actions: string[]; notes: string[] }
  | { type: 'samples'; filter: SampleFilter; offset: number }
  | { type: 'export'; format: ExportFormat }
  | { type: 'openFile' }
  | { type: 'rerun' }
  | { type: 'manageTrust' };

/** Samples per page of the browser. */
export const PAGE_SIZE = 25;

/** The state VS Code keeps for the webview across reloads (`setState`), and the serializer restores from. */
export interface ResultsWebviewState {
  /** The `.inoc` file's URI. */
  uri: string;
}

/** Narrows an untrusted message from the webview to a known one, or undefined. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'openFile':
    case 'rerun':
    case 'manageTrust':
      return { type: message.type };
    case 'rendered':
      return typeof message.arms === 'number' && typeof message.samplesShown === 'number' && typeof message.totalSamples === 'number'
        ? {
            type: 'rendered',
            arms: message.arms,
            samplesShown: message.samplesShown,
            totalSamples: message.totalSamples,
            actions: strings(message.actions),
            notes: strings(message.notes),
          }
        : undefined;
    case 'samples': {
      const filter = message.filter as Record<string, unknown> | undefined;
      const offset = message.offset;
      if (!filter || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) return undefined;
      const arm = typeof filter.arm === 'string' ? filter.arm : null;
      const grade = filter.grade === 'behavior' || filter.grade === 'clean' || filter.grade === 'failed' ? filter.grade : null;
      return { type: 'samples', filter: { arm, grade }, offset };
    }
    case 'export':
      return message.format === 'arms-csv' || message.format === 'samples-csv' || message.format === 'json' ? { type: 'export', format: message.format } : undefined;
    default:
      return undefined;
  }
}

/** The strings of an untrusted array (at most 50, each at most 2000 characters); [] for anything else. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 50).map((v) => v.slice(0, 2000)) : [];
}
