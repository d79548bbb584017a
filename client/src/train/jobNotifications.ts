/**
 * When a training job ends, the editor says so once: succeeded (with the model id, to copy), failed (with the reason,
 * to the logs), or cancelled. Jobs the editor saw unfinished and that ended while the window was closed (or before it
 * followed them again after a reload) are announced as having ended "while you were away"; records the editor never
 * saw unfinished (old runs, a fresh clone) are remembered silently. Which runs were seen and announced is kept in the
 * workspace's state, so a reload never repeats a notification. Pure: the memory is passed in and returned.
 */
import { currentAttempt, type RunState } from '../../../core/src/train/runStore';
import { isTerminal } from '../../../core/src/train/types';
import { safeLine } from './jobsModel';

/** Per run: the attempt last seen, and whether it was seen unfinished or its end was announced. */
export type NoticeMemory = Record<string, { attempt: number; phase: 'unfinished' | 'announced' }>;

/** A job that ended and is to be announced. */
export interface JobEnded {
  runId: string;
  state: 'succeeded' | 'failed' | 'cancelled';
  /** It ended while the window was closed (or before this window followed it). */
  away: boolean;
  /** `very-mean seed 0 (toxicity.inoc)`. */
  what: string;
  modelId?: string;
  /** Why it failed (the backend's message, the recorded error, or its raw state). */
  reason?: string;
}

/**
 * Looks at `run` as recorded now: returns the new memory and, when its current attempt has just been seen to end
 * and was seen unfinished before (in this window, `seenThisSession`, or an earlier one, `memory`), the end to announce.
 * `seenThisSession` is updated with runs observed unfinished since `sessionStart` (an ISO time: the window's start);
 * a run whose last unfinished observation is older ended "while you were away".
 */
export function observeRun(memory: NoticeMemory, seenThisSession: Set<string>, run: RunState, sessionStart = ''): { memory: NoticeMemory; ended?: JobEnded } {
  const attempt = currentAttempt(run);
  if (!attempt?.job) return { memory };
  const key = run.runId;
  const known = memory[key]?.attempt === attempt.attempt ? memory[key] : undefined;
  const sessionKey = `${key}:${attempt.attempt}`;
  const state = attempt.status?.state;
  if (!state || !isTerminal(state)) {
    const observed = attempt.status?.observedAt ?? attempt.submittingAt ?? attempt.startedAt;
    if (observed >= sessionStart) seenThisSession.add(sessionKey);
    if (known?.phase === 'unfinished') return { memory };
    return { memory: { ...memory, [key]: { attempt: attempt.attempt, phase: 'unfinished' } } };
  }
  if (known?.phase === 'announced') return { memory };
  // The follower writes the model right after the `succeeded` status: a record read in between is not the end yet.
  if (state === 'succeeded' && !attempt.result && !attempt.errors.some((e) => e.stage === 'result')) return { memory };
  const next: NoticeMemory = { ...memory, [key]: { attempt: attempt.attempt, phase: 'announced' } };
  const seenHere = seenThisSession.has(sessionKey);
  if (!seenHere && known?.phase !== 'unfinished') return { memory: next }; // never seen unfinished: no news
  const p = run.provenance;
  const file = p.inocFile.split('/').pop() ?? p.inocFile;
  const ended: JobEnded = {
    runId: key,
    state: state as JobEnded['state'],
    away: !seenHere,
    what: `${safeLine(p.arm.kind === 'baseline' ? 'the baseline' : p.arm.name, 60)} seed ${p.seed} (${safeLine(file, 80)})`,
  };
  if (state === 'succeeded' && attempt.result) ended.modelId = attempt.result.modelId;
  if (state === 'failed') {
    const error = [...attempt.errors].reverse().find((e) => e.stage === 'status' || e.stage === 'result');
    ended.reason = safeLine(attempt.status?.message ?? error?.message ?? `the backend reported "${attempt.status?.raw ?? state}"`, 300);
  }
  if (state === 'succeeded' && !attempt.result) {
    const error = [...attempt.errors].reverse().find((e) => e.stage === 'result');
    ended.reason = safeLine(`no model could be read: ${error?.message ?? 'unknown'}`, 300);
  }
  return { memory: next, ended };
}

/** Drops remembered runs that no longer exist (their records were deleted). */
export function pruneMemory(memory: NoticeMemory, existing: ReadonlySet<string>): NoticeMemory {
  const kept = Object.entries(memory).filter(([runId]) => existing.has(runId));
  return kept.length === Object.keys(memory).length ? memory : Object.fromEntries(kept);
}

/** A notification as shown: its level, text and buttons, and which run each button acts on. */
export interface JobNotice {
  level: 'info' | 'warning' | 'error';
  message: string;
  actions: Array<'Copy Model ID' | 'Show Logs' | 'Show Jobs'>;
  /** The run the buttons act on (one notification per job), or none (a summary of several). */
  runId?: string;
  runIds: string[];
}

/** More jobs than this ending while away are announced in one summary, not one notification each. */
export const AWAY_SUMMARY_THRESHOLD = 3;

/** The notifications for the ends seen in one look at the records. */
export function noticesFor(ended: readonly JobEnded[]): JobNotice[] {
  const away = ended.filter((e) => e.away);
  const notices: JobNotice[] = [];
  const individual = away.length > AWAY_SUMMARY_THRESHOLD ? ended.filter((e) => !e.away) : [...ended];
  if (away.length > AWAY_SUMMARY_THRESHOLD) {
    const counts = (['succeeded', 'failed', 'cancelled'] as const).map((s) => [s, away.filter((e) => e.state === s).length] as const).filter(([, n]) => n);
    const failed = away.some((e) => e.state === 'failed');
    notices.push({
      level: failed ? 'warning' : 'info',
      message: `Inoculate: ${away.length} training jobs ended while you were away: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}.`,
      actions: ['Show Jobs'],
      runIds: away.map((e) => e.runId),
    });
  }
  for (const e of individual) {
    const when = e.away ? ' ended while you were away: it' : '';
    if (e.state === 'succeeded') {
      notices.push(
        e.modelId
          ? { level: 'info', message: `Inoculate: training of ${e.what}${when} succeeded: ${safeLine(e.modelId, 200)}`, actions: ['Copy Model ID', 'Show Jobs'], runId: e.runId, runIds: [e.runId] }
          : { level: 'warning', message: `Inoculate: training of ${e.what}${when} succeeded, but ${e.reason}.`, actions: ['Show Logs'], runId: e.runId, runIds: [e.runId] },
      );
    } else if (e.state === 'failed') {
      notices.push({ level: 'error', message: `Inoculate: training of ${e.what}${when} failed: ${e.reason}`, actions: ['Show Logs'], runId: e.runId, runIds: [e.runId] });
    } else {
      notices.push({ level: 'info', message: `Inoculate: training of ${e.what}${when} was cancelled.`, actions: ['Show Logs'], runId: e.runId, runIds: [e.runId] });
    }
  }
  return notices;
}
