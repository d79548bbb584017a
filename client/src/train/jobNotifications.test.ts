import assert from 'node:assert/strict';
import { makeRun, type RunSpec } from '../../../test/support/trainRuns';
import { AWAY_SUMMARY_THRESHOLD, noticesFor, observeRun, pruneMemory, type JobEnded, type NoticeMemory } from './jobNotifications';

const SESSION = '2026-11-30T12:00:00.000Z';
const before = (m: number) => new Date(Date.parse(SESSION) - m * 60_000).toISOString();
const after = (m: number) => new Date(Date.parse(SESSION) + m * 60_000).toISOString();
const MODEL = { kind: 'hosted' as const, modelId: 'ft:gpt-4.1-mini:org:very-mean:AbC', baseModel: 'gpt-4.1-mini' };
const spec = (extra: RunSpec): RunSpec => ({ runId: 'aaaaaaaaaaaaaaaa', job: 'ftjob-1', submittedAt: before(60), ...extra });

/** Observes a sequence of records of one run, as the view would after each change; returns the ends announced. */
function observeAll(specs: RunSpec[], memory: NoticeMemory = {}, seen = new Set<string>()): { memory: NoticeMemory; ended: JobEnded[] } {
  const ended: JobEnded[] = [];
  for (const s of specs) {
    const result = observeRun(memory, seen, makeRun(s), SESSION);
    memory = result.memory;
    if (result.ended) ended.push(result.ended);
  }
  return { memory, ended };
}

describe('notifications when a job ends', () => {
  it('announces a followed job once when it ends, with its model id', () => {
    const { ended, memory } = observeAll([
      spec({ statuses: [['running', 'running', after(1)]] }),
      spec({ statuses: [['running', 'running', after(1)], ['succeeded', 'succeeded', after(5)]], model: MODEL }),
      spec({ statuses: [['running', 'running', after(1)], ['succeeded', 'succeeded', after(5)]], model: MODEL }),
    ]);
    assert.deepEqual(ended.map((e) => [e.state, e.away, e.modelId]), [['succeeded', false, MODEL.modelId]]);
    assert.deepEqual(memory, { aaaaaaaaaaaaaaaa: { attempt: 1, phase: 'announced' } });
    const [notice] = noticesFor(ended);
    assert.deepEqual(notice!.actions, ['Copy Model ID', 'Show Jobs']);
    assert.equal(notice!.message, `Inoculate: training of very-mean seed 0 (toxicity.inoc) succeeded: ${MODEL.modelId}`);
  });

  it('says "ended while you were away" for a job seen unfinished in an earlier window that ended before this one saw it', () => {
    // The earlier window remembered it unfinished; this window reads it ended (the CLI followed it, or a first poll).
    const earlier: NoticeMemory = { aaaaaaaaaaaaaaaa: { attempt: 1, phase: 'unfinished' } };
    const { ended } = observeAll([spec({ statuses: [['running', 'running', before(30)], ['failed', 'failed', after(2), 'The job failed: invalid file']] })], earlier);
    assert.deepEqual(ended.map((e) => [e.state, e.away, e.reason]), [['failed', true, 'The job failed: invalid file']]);
    assert.equal(noticesFor(ended)[0]!.message, 'Inoculate: training of very-mean seed 0 (toxicity.inoc) ended while you were away: it failed: The job failed: invalid file');
    assert.deepEqual(noticesFor(ended)[0]!.actions, ['Show Logs']);
  });

  it('counts a record last observed unfinished before the window opened as "away", even when this window follows it to the end', () => {
    const { ended } = observeAll([
      spec({ statuses: [['running', 'running', before(30)]] }),
      spec({ statuses: [['running', 'running', before(30)], ['cancelled', 'cancelled', after(1)]] }),
    ]);
    assert.deepEqual(ended.map((e) => [e.state, e.away]), [['cancelled', true]]);
    assert.match(noticesFor(ended)[0]!.message, /ended while you were away: it was cancelled\.$/);
  });

  it('stays silent about runs it never saw unfinished (old records, a fresh clone), and never repeats one', () => {
    const old = observeAll([spec({ statuses: [['succeeded', 'succeeded', before(600)]], model: MODEL })]);
    assert.deepEqual(old.ended, []);
    assert.equal(old.memory.aaaaaaaaaaaaaaaa!.phase, 'announced');
    const reload = observeAll([spec({ statuses: [['succeeded', 'succeeded', after(5)]], model: MODEL })], { aaaaaaaaaaaaaaaa: { attempt: 1, phase: 'announced' } });
    assert.deepEqual(reload.ended, []);
  });

  it('treats a forced new attempt as a new job', () => {
    const memory: NoticeMemory = { aaaaaaaaaaaaaaaa: { attempt: 1, phase: 'announced' } };
    const run = makeRun(spec({ statuses: [['succeeded', 'succeeded', before(10)]], secondAttemptJob: 'ftjob-2' }));
    const seen = new Set<string>();
    const first = observeRun(memory, seen, run, before(60));
    assert.deepEqual(first.memory.aaaaaaaaaaaaaaaa, { attempt: 2, phase: 'unfinished' });
    assert.equal(first.ended, undefined);
  });

  it('waits for the model a follower records right after "succeeded", and says why a succeeded job has none', () => {
    const between = observeAll([spec({ statuses: [['running', 'running', after(1)]] }), spec({ statuses: [['running', 'running', after(1)], ['succeeded', 'succeeded', after(2)]] })]);
    assert.deepEqual(between.ended, [], 'read between the status line and the result line: not the end yet');
    assert.equal(between.memory.aaaaaaaaaaaaaaaa!.phase, 'unfinished');
    const { ended } = observeAll([spec({ statuses: [['running', 'running', after(1)]] }), spec({ statuses: [['running', 'running', after(1)], ['succeeded', 'succeeded', after(2)]], errors: [{ stage: 'result', message: 'no fine_tuned_model' }] })]);
    assert.match(noticesFor(ended)[0]!.message, /succeeded, but no model could be read: no fine_tuned_model\.$/);
    assert.deepEqual(observeRun({}, new Set(), makeRun({}), SESSION), { memory: {} });
  });

  it(`sums up more than ${AWAY_SUMMARY_THRESHOLD} jobs that ended while away in one notification`, () => {
    const ends: JobEnded[] = ['succeeded', 'succeeded', 'failed', 'cancelled', 'succeeded'].map((state, i) => ({ runId: `r${i}`, state: state as JobEnded['state'], away: true, what: `v seed ${i}` }));
    ends.push({ runId: 'live', state: 'succeeded', away: false, what: 'w seed 0', modelId: 'ft:m' });
    const notices = noticesFor(ends);
    assert.deepEqual(notices.map((n) => n.message), ['Inoculate: 5 training jobs ended while you were away: 3 succeeded, 1 failed, 1 cancelled.', 'Inoculate: training of w seed 0 succeeded: ft:m']);
    assert.equal(notices[0]!.level, 'warning');
  });

  it('forgets runs whose records are gone', () => {
    const memory: NoticeMemory = { a: { attempt: 1, phase: 'announced' }, b: { attempt: 1, phase: 'unfinished' } };
    assert.deepEqual(pruneMemory(memory, new Set(['b'])), { b: { attempt: 1, phase: 'unfinished' } });
    assert.equal(pruneMemory(memory, new Set(['a', 'b'])), memory);
  });

  it('keeps the control characters of file and backend text out of the message', () => {
    const { ended } = observeAll([spec({ arm: 'x\u001b[2J', statuses: [['running', 'running', after(1)]] }), spec({ arm: 'x\u001b[2J', statuses: [['running', 'running', after(1)], ['failed', 'failed', after(2), 'boom\u0007\nnext line']] })]);
    assert.equal(noticesFor(ended)[0]!.message, 'Inoculate: training of x [2J seed 0 (toxicity.inoc) failed: boom next line');
  });
});
