/**
 * A run's logs as a read-only document (Inoculate: Open Job Logs): the recorded status history and errors, then the
 * backend's own log when it could be read (a trusted workspace, the backend reachable), else the recorded events.
 * Backend text keeps its line breaks but loses every other control character (terminal escapes, bidirectional
 * overrides), and is capped. Pure.
 */
import { currentAttempt, type RunState } from '../../../core/src/train/runStore';
import { safeLine, stateWords } from './jobsModel';

/** Most characters of a backend's log shown (its tail). */
export const MAX_LOG_CHARS = 500_000;

/** Backend text with its lines kept: other control and bidirectional characters become `\uFFFD`, then its tail is cut. */
export function safeText(text: string, max = MAX_LOG_CHARS): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  return clean.length > max ? `… (${clean.length - max} earlier characters not shown)\n${clean.slice(-max)}` : clean;
}

/** Where the backend's log stands: read, not read (why), or not asked (an untrusted workspace, or no job). */
export type BackendLog = { kind: 'read'; text: string } | { kind: 'failed'; reason: string } | { kind: 'not-asked'; reason: string };

/** The logs document of `run`. */
export function runLogsText(run: RunState, log: BackendLog): string {
  const p = run.provenance;
  const attempt = currentAttempt(run);
  const lines = [
    `Run ${run.runId}: ${safeLine(p.arm.name, 100)}, seed ${p.seed}, ${safeLine(p.inocFile, 200)}`,
    `Backend ${safeLine(p.backend, 40)} at ${safeLine(p.target, 200)}; job ${attempt?.job ? safeLine(attempt.job.id, 120) : 'none'}; attempt ${attempt?.attempt ?? 0}`,
    `State: ${stateWords(run)}`,
    '',
    '── status history (recorded) ──',
  ];
  for (const status of attempt?.statusHistory ?? []) {
    lines.push(`${status.observedAt}  ${status.state} (${safeLine(status.raw, 120)})${status.message ? `: ${safeLine(status.message, 1000)}` : ''}`);
  }
  if (!attempt?.statusHistory.length) lines.push('(none yet)');
  if (attempt?.errors.length) {
    lines.push('', '── errors (recorded) ──');
    for (const error of attempt.errors) lines.push(`${error.at}  ${error.stage}: ${safeLine(error.message, 2000)}`);
  }
  if (log.kind === 'read') {
    lines.push('', "── the backend's log ──", safeText(log.text));
  } else {
    lines.push('', `── events (recorded; the backend's log was ${log.kind === 'failed' ? `not readable: ${safeLine(log.reason, 400)}` : `not asked for: ${log.reason}`}) ──`);
    for (const event of attempt?.events ?? []) lines.push(`${event.at}  ${event.level.padEnd(5)} ${safeLine(event.message, 2000)}`);
    if (!attempt?.events.length) lines.push('(none recorded)');
  }
  return `${lines.join('\n')}\n`;
}
