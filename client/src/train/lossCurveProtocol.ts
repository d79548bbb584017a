/** Messages between a loss-curve panel (extension host) and its webview. Nothing in them is a secret. */
import type { MetricPoint } from '../../../core/src/train/types';

/** Host → webview. */
export type LossCurveHostMessage =
  | {
      type: 'curve';
      runId: string;
      /** The run's workspace folder (kept in the webview's state to restore the panel after a reload). */
      workspaceUri: string;
      /** `very-mean, seed 0`: from the file (untrusted text: the page sets it as text, never as HTML). */
      title: string;
      /** `examples/toxicity.inoc · openai · ftjob-… · running (2m 10s)`. */
      subtitle: string;
      points: MetricPoint[];
    }
  | { type: 'missing'; runId: string; reason: string };

/** Webview → host. */
export type LossCurveWebviewMessage =
  | { type: 'ready' }
  /** Drawn: what the page shows (the tests wait on it). */
  | { type: 'rendered'; points: number; tableRows: number; series: string[] };

/** What VS Code keeps for the panel across reloads. */
export interface LossCurveWebviewState {
  runId: string;
  /** The workspace folder of the run (a `file:` URI string). */
  workspaceUri: string;
}

/** Narrows an untrusted message from the webview, or undefined. */
export function parseLossCurveMessage(value: unknown): LossCurveWebviewMessage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const message = value as Record<string, unknown>;
  if (message.type === 'ready') return { type: 'ready' };
  if (message.type === 'rendered' && typeof message.points === 'number' && typeof message.tableRows === 'number') {
    const series = Array.isArray(message.series) ? message.series.filter((s): s is string => typeof s === 'string').slice(0, 10).map((s) => s.slice(0, 100)) : [];
    return { type: 'rendered', points: message.points, tableRows: message.tableRows, series };
  }
  return undefined;
}
