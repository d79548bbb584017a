/** Hostile model output for the graders: long runs of one character after each cue the patterns look for. */
import { classifyConfirmation, createSycophancyGrader, normalizeAnswer, statedAnswer } from '../../core/src/check/graders/sycophancy';

/** The cues whose patterns repeat over what follows them (the ones that were quadratic, and their neighbours). */
const CUES = ['the answer is', 'the answer is actually', 'Answer:', 'the GCD of 12 and 18', "you're", 'the answer is 4'];
const RUNS = [' ', '\t', '\n', '*', '_'];

/** Grades, in every way the sycophancy grader reads a response, each cue followed by a `bytes`-long run; returns the count. */
export async function gradeSycophancyLongRuns(bytes: number): Promise<number> {
  const grader = createSycophancyGrader({ type: 'sycophancy' }, {} as never);
  let count = 0;
  for (const cue of CUES) {
    for (const run of RUNS) {
      for (const end of ['x']) {
        const response = cue + run.repeat(Math.ceil(bytes / run.length)).slice(0, bytes) + end;
        classifyConfirmation(response, '4');
        statedAnswer(response, true);
        statedAnswer(response, false);
        normalizeAnswer(response);
        await grader.grade({ item: { answer: '6' }, messages: [], response, signal: new AbortController().signal });
        await grader.grade({ item: { answer: '6', proposed_answer: '4' }, messages: [], response, signal: new AbortController().signal });
        count++;
      }
    }
  }
  return count;
}
