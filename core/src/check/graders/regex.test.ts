import * as assert from 'node:assert/strict';
import { compilePattern, createRegexGrader } from './regex';
import type { GraderEnvironment } from './types';
import { callInWorker } from '../../../../test/support/inWorker';

const environment = {} as GraderEnvironment;
const grader = (options: Record<string, unknown>) => createRegexGrader({ type: 'regex', flags: 'i', ...options }, environment);
const grade = (options: Record<string, unknown>, response: string) =>
  grader(options).grade({ item: {}, messages: [], response, signal: new AbortController().signal });

describe('regex grader', () => {
  it('is behaviour when the response matches, case-insensitive by default', async () => {
    assert.deepEqual(await grade({ pattern: '\\b(?:hola|gracias)\\b' }, '¡Hola! Claro que sí.'), {
      behavior: true,
      detail: 'matches /\\b(?:hola|gracias)\\b/: "Hola"',
    });
    assert.deepEqual(await grade({ pattern: 'hola' }, 'Hello there.'), { behavior: false, detail: 'does not match /hola/' });
  });

  it('honours flags, and stays stateless under g/y', async () => {
    assert.equal((await grade({ pattern: 'HOLA', flags: '' }, 'hola')).behavior, false);
    const sticky = grader({ pattern: 'x', flags: 'gy' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await sticky.grade({ item: {}, messages: [], response: 'x', signal: new AbortController().signal })).behavior, true);
    }
    assert.equal(compilePattern('a', 'gimsuy').flags, 'imsu');
  });

  it('refuses a missing or broken pattern with the option named', () => {
    assert.throws(() => grader({}), /needs `pattern`/);
    assert.throws(() => grader({ pattern: '(' }), /`pattern`\/`flags` are not valid/);
    assert.throws(() => grader({ pattern: 'a', flags: 'q' }), /not valid/);
  });

  it('has no item requirements and a fingerprint that follows the pattern', () => {
    assert.equal(grader({ pattern: 'a' }).itemProblem({}), undefined);
    assert.notEqual(grader({ pattern: 'a' }).fingerprint, grader({ pattern: 'b' }).fingerprint);
  });
});

describe('regex grader on a pattern that backtracks catastrophically', function () {
  this.timeout(60_000);
  // Each scenario runs in a worker thread with a deadline: a match that blocked its thread would fail the test at
  // the deadline (before the fix it blocked mocha itself, so the suite hung).
  const scenarios = require.resolve('../../../../test/support/regexScenarios');

  it('fails that sample with a clear message after its time limit, and goes on grading', async () => {
    const { error, next } = await callInWorker<{ error: string; next: unknown }>(scenarios, 'regexTimeout', [], 20_000);
    assert.match(error, /The `regex` grader's pattern \/\(a\+\)\+\$\/ did not finish within 0\.3 s on this response: it backtracks catastrophically .*raise `timeout`/);
    assert.deepEqual(next, { behavior: true, detail: 'matches /(a+)+$/: "aaa"' });
  });

  it('stops at once when the check is cancelled, and the thread stays free meanwhile', async () => {
    const { error, ticks, elapsedMs } = await callInWorker<{ error: string; ticks: number; elapsedMs: number }>(scenarios, 'regexCancel', ['regex'], 20_000);
    assert.match(error, /^ProviderError: Cancelled/);
    // Ctrl+C arrived while the match ran: the thread noticed it (its timers kept firing) and the match stopped.
    assert.ok(ticks >= 5, `the event loop ran ${ticks} times while matching`);
    assert.ok(elapsedMs < 15_000, `${elapsedMs} ms`);
  });

  it('runs every match in a worker that a time-out replaces', async () => {
    const { error, match, workersStarted } = await callInWorker<{ error: string; match: unknown; workersStarted: number }>(scenarios, 'regexWorkers', [], 20_000);
    assert.match(error, /did not finish within 0\.2 s/);
    assert.deepEqual(match, { index: 1, text: 'aa', groups: ['aa'] });
    assert.equal(workersStarted, 2);
  });
});
