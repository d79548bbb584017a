/**
 * What a check writes to the Output channel, as lines a person reads: each retry with its wait in seconds and the
 * reason, and the end of a run with its counts and each arm's figures (written as everywhere else). The channel adds
 * the time and the level. Pure.
 */
import { formatMeasurement, liftAboveZero } from '../../core/src/check/formatMeasurement';
import type { CheckOutcome } from '../../core/src/check/engine';
import type { RetryNotice } from '../../core/src/check/retry';
import { editorWording } from './checkErrors';

/** A wait as people say it: `250 ms`, `1.2 s`, `12 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
}

/** One retry: `Retry 2 in 1.5 s (429): The endpoint ... is rate limiting requests ...`. */
export function retryLine(notice: RetryNotice): string {
  const status = notice.error.details?.status;
  return `Retry ${notice.attempt} in ${duration(notice.delayMs)}${status ? ` (${status})` : ''}: ${editorWording(notice.error.message)}`;
}

/** The lines at the end of a run: how it ended, its counts and time, then one line per arm when it has figures. */
export function runEndLines(file: string, outcome: CheckOutcome, elapsedMs: number): string[] {
  const { counts, summary } = outcome;
  const finished = counts.graded + counts.failed;
  const how = outcome.cancelled
    ? `cancelled after ${finished} of ${counts.total} samples (kept; a re-run requests only the others)`
    : outcome.fatal
      ? `stopped after ${finished} of ${counts.total} samples: ${editorWording(outcome.fatal.message)}`
      : `finished: ${counts.graded} of ${counts.total} samples graded${counts.failed ? `, ${counts.failed} failed (the first: ${editorWording(outcome.firstFailure ?? 'unknown')})` : ''}`;
  const lines = [`Check of ${file} ${how}; ${summary.requests} requests sent, ${summary.cacheHits} answered from the cache, in ${duration(elapsedMs)}.`];
  if (outcome.summaryWritten) {
    for (const arm of summary.arms) {
      lines.push(`  ${arm.name}${arm.control ? ' (control)' : ''}: ${formatMeasurement(arm)}${!arm.control && liftAboveZero(arm.liftCi) ? ', above 0' : ''}${arm.failed ? `; ${arm.failed} failed` : ''}`);
    }
  } else {
    lines.push('  Nothing was graded: the earlier results (if any) are kept.');
  }
  return lines;
}
