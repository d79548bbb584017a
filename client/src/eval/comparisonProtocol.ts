/** Messages between a comparison panel (extension host) and its webview. No message ever carries an API key. */
import type { ComparisonRow } from './comparisonRows';

/** How a grader's verdicts agree with the hand labels, as the page shows it beside that grader's rates. */
export interface AgreementView {
  outcome: 'behavior' | 'capability';
  type: string;
  judge: boolean;
  /** Cohen's kappa, or null when undefined (no labels, or one class only). */
  kappa: number | null;
  level: 'ok' | 'warn' | 'unknown';
  message: string;
  used: number;
}

/** A model × condition the sample browser can show. */
export interface SampleCellOption {
  key: string;
  label: string;
}

/** One graded sample in the browser. */
export interface EvalSampleView {
  /** The record id (labels are about it). */
  id: string;
  item: number;
  sample: number;
  response: string | null;
  behavior: boolean | null;
  capability: boolean | null;
  error: string | null;
  /** The latest label of this user per outcome, or null. */
  labels: { behavior: 'agree' | 'disagree' | null; capability: 'agree' | 'disagree' | null };
}

/** A page of samples of one cell. */
export interface EvalSamplePage {
  cell: string;
  offset: number;
  total: number;
  samples: EvalSampleView[];
}

export type ComparisonExport = 'csv' | 'json';
export type ReportFormat = 'html' | 'md';

/** Host → webview. */
export type ComparisonHostMessage =
  | {
      type: 'summary';
      uri: string;
      file: string;
      /** `file · behaviour · N items × M samples · finished ...` (plain text, set as text). */
      subtitle: string;
      rows: ComparisonRow[];
      /** The core's SVG charts (every label escaped by core/src/eval/charts); the page parses them as SVG only. */
      charts: { rates: string; scatter: string | null; selectivity: string | null };
      /** Pearson and Spearman of the figure, predicted-score series, in words. */
      figureText: string[];
      /** Selectivity per candidate, in words (the chart's text alternative). */
      selectivityText: string[];
      agreement: AgreementView[];
      cells: SampleCellOption[];
      notes: string[];
    }
  | { type: 'empty'; uri: string; file: string; reason: string }
  | { type: 'samples'; page: EvalSamplePage }
  | { type: 'agreement'; agreement: AgreementView[] }
  | { type: 'status'; message: string };

/** Webview → host. */
export type ComparisonWebviewMessage =
  | { type: 'ready' }
  /** Drawn: what the page shows (the tests wait on it). */
  | { type: 'rendered'; models: string[]; rows: number; charts: number; samplesShown: number; agreement: string[] }
  | { type: 'samples'; cell: string; offset: number }
  | { type: 'label'; record: string; outcome: 'behavior' | 'capability'; verdict: 'agree' | 'disagree' }
  | { type: 'export'; format: ComparisonExport }
  | { type: 'report'; format: ReportFormat }
  | { type: 'openFile' };

/** What VS Code keeps for the panel across reloads. */
export interface ComparisonWebviewState {
  uri: string;
}

/** Samples per page of the browser. */
export const SAMPLE_PAGE_SIZE = 20;

/** The strings of an untrusted array (at most 100, each at most 500 characters); [] for anything else. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 100).map((v) => v.slice(0, 500)) : [];
}

const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);

/** Narrows an untrusted message from the webview, or undefined. */
export function parseComparisonMessage(value: unknown): ComparisonWebviewMessage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'openFile':
      return { type: message.type };
    case 'rendered': {
      const rows = count(message.rows);
      const charts = count(message.charts);
      const samplesShown = count(message.samplesShown);
      if (rows === undefined || charts === undefined || samplesShown === undefined) return undefined;
      return { type: 'rendered', models: strings(message.models), rows, charts, samplesShown, agreement: strings(message.agreement) };
    }
    case 'samples': {
      const offset = count(message.offset);
      if (typeof message.cell !== 'string' || message.cell.length > 2000 || offset === undefined) return undefined;
      return { type: 'samples', cell: message.cell, offset };
    }
    case 'label':
      if (typeof message.record !== 'string' || !/^[0-9a-f]{16}$/.test(message.record)) return undefined;
      if (message.outcome !== 'behavior' && message.outcome !== 'capability') return undefined;
      if (message.verdict !== 'agree' && message.verdict !== 'disagree') return undefined;
      return { type: 'label', record: message.record, outcome: message.outcome, verdict: message.verdict };
    case 'export':
      return message.format === 'csv' || message.format === 'json' ? { type: 'export', format: message.format } : undefined;
    case 'report':
      return message.format === 'html' || message.format === 'md' ? { type: 'report', format: message.format } : undefined;
    default:
      return undefined;
  }
}
