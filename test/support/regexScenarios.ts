/**
 * The regex and label graders against patterns that backtrack catastrophically. Run through `callInWorker` by the
 * graders' tests, so that a regression (a match that blocks its thread) fails at a deadline instead of hanging.
 * Each scenario returns plain data for the test to check.
 */
import { compilePattern } from '../../core/src/check/graders/regex';
import { createLabelGrader } from '../../core/src/check/graders/label';
import { createRegexGrader } from '../../core/src/check/graders/regex';
import type { Grader } from '../../core/src/check/graders/types';

/** (a+)+$ on "aaaa…!" takes 2^n steps: at n = 40 longer than anyone would wait. */
const HOSTILE = `${'a'.repeat(40)}!`;

const message = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};

const grade = (grader: Grader, response: string, signal = new AbortController().signal) => grader.grade({ item: { label: 1 }, messages: [], response, signal });

/** A time-out on one response, then a normal grade. */
export async function regexTimeout(): Promise<{ error: string; next: unknown }> {
  const grader = createRegexGrader({ type: 'regex', pattern: '(a+)+$', flags: 'i', timeout: 0.3 }, {} as never);
  return { error: await message(grade(grader, HOSTILE)), next: await grade(grader, 'aaa') };
}

/** A cancel 300 ms into a match that would run for ages; counts the event loop's ticks meanwhile. */
export async function regexCancel(type: 'regex' | 'label'): Promise<{ error: string; ticks: number; elapsedMs: number }> {
  const grader =
    type === 'regex'
      ? createRegexGrader({ type: 'regex', pattern: '(a+)+$', flags: 'i', timeout: 600 }, {} as never)
      : createLabelGrader({ type: 'label', pattern: '^(\\w+\\s?)+$', timeout: 600 }, {} as never);
  const controller = new AbortController();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  const started = Date.now();
  const grading = message(grade(grader, type === 'regex' ? HOSTILE : `${'word '.repeat(30)}!`, controller.signal));
  setTimeout(() => controller.abort(), 300);
  const error = await grading;
  clearInterval(ticker);
  return { error, ticks, elapsedMs: Date.now() - started };
}

/** A time-out replaces the worker; the next match runs in a fresh one. */
export async function regexWorkers(): Promise<{ error: string; match: unknown; workersStarted: number }> {
  const regex = compilePattern('(a+)+$', '', 0.2);
  const signal = new AbortController().signal;
  const error = await message(regex.exec(HOSTILE, signal));
  const match = await regex.exec('xaa', signal);
  await regex.close();
  return { error, match, workersStarted: regex.workersStarted };
}

/** The label grader's pattern: a time-out, then a normal grade. */
export async function labelTimeout(): Promise<{ error: string; next: unknown }> {
  const grader = createLabelGrader({ type: 'label', pattern: '^(\\w+\\s?)+$', timeout: 0.3 }, {} as never);
  return { error: await message(grade(grader, `${'word '.repeat(30)}!`)), next: await grade(grader, '1') };
}
