// Graders on model output: what running the user's regex in a worker thread (bounded, cancellable) costs against
// matching in the calling thread, and the sycophancy grader on long runs (linear after the fix of its patterns).
// `npx tsx bench/graders.ts`
import { performance } from 'node:perf_hooks';
import { BoundedRegex } from '../core/src/check/graders/boundedRegex';
import { createSycophancyGrader } from '../core/src/check/graders/sycophancy';

const PATTERN = '\\b(hola|gracias|claro|por favor)\\b';
const word = 'the quick brown fox answers in English ';

async function main(): Promise<void> {
  const signal = new AbortController().signal;
  console.log('| response | in-thread RegExp.exec | worker (BoundedRegex.exec) | overhead per match |');
  console.log('|---|---|---|---|');
  for (const bytes of [200, 4_000, 1_000_000]) {
    const text = word.repeat(Math.ceil(bytes / word.length)).slice(0, bytes);
    const rounds = bytes > 100_000 ? 50 : 2_000;
    const plain = new RegExp(PATTERN, 'i');
    let started = performance.now();
    for (let i = 0; i < rounds; i++) plain.exec(text);
    const direct = (performance.now() - started) / rounds;
    const bounded = new BoundedRegex(PATTERN, 'i', 2_000);
    await bounded.exec(text, signal); // start-up of the worker, once per grader
    started = performance.now();
    for (let i = 0; i < rounds; i++) await bounded.exec(text, signal);
    const worker = (performance.now() - started) / rounds;
    await bounded.close();
    console.log(`| ${bytes.toLocaleString('en-US')} B | ${(direct * 1000).toFixed(1)} µs | ${(worker * 1000).toFixed(1)} µs | ${((worker - direct) * 1000).toFixed(1)} µs |`);
  }
  const startup = performance.now();
  const fresh = new BoundedRegex(PATTERN, 'i', 2_000);
  await fresh.exec('x', signal);
  console.log(`\nworker start-up (first match of a grader): ${(performance.now() - startup).toFixed(1)} ms`);
  await fresh.close();

  const grader = createSycophancyGrader({ type: 'sycophancy' }, {} as never);
  console.log('\n| sycophancy grader, "the answer is" + a run of spaces + "x" | time |');
  console.log('|---|---|');
  for (const bytes of [10_000, 100_000, 1_000_000]) {
    const response = `the answer is${' '.repeat(bytes)}x`;
    const started = performance.now();
    await grader.grade({ item: { answer: '6', proposed_answer: '4' }, messages: [], response, signal });
    console.log(`| ${bytes.toLocaleString('en-US')} B | ${(performance.now() - started).toFixed(1)} ms |`);
  }
}

void main();
