import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeResultsFileSystem } from '../../../core/src/check/nodeFs';
import type { SampleRecord } from '../../../core/src/check/store';
import type { ArmResult, CheckSummary } from '../../../core/src/check/types';
import { runsOfArm, SamplesIndex } from './samplesIndex';

const arm = (name: string, hash: string, control = false): ArmResult => ({
  name,
  control,
  instruction: name,
  instructionHash: hash,
  n: 0,
  k: 0,
  rate: 0,
  ci: [0, 0],
  lift: null,
  liftCi: null,
  predicted: null,
  capability: null,
  failed: 0,
});

const summary = (arms: ArmResult[]): CheckSummary => ({
  version: 1,
  file: 'a.inoc',
  behavior: 'sycophancy',
  model: 'm',
  provider: 'openai',
  baseUrl: null,
  grader: 'regex',
  samplesPerArm: 2,
  startedAt: '',
  finishedAt: '',
  requests: 0,
  cacheHits: 0,
  complete: true,
  arms,
});

const record = (fields: Partial<SampleRecord>): SampleRecord => ({
  run: '20250101T000000Z-aaaaaa',
  arm: 'a',
  instructionHash: 'ha',
  item: 1,
  sample: 0,
  messagesHash: 'x',
  response: 'hello, ünïcode ✓',
  grade: { behavior: true, capability: null, score: null, detail: '' },
  latencyMs: 1,
  tokens: null,
  cached: false,
  error: null,
  at: '',
  ...fields,
});

describe('SamplesIndex', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inoculate-samples-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (records: Array<SampleRecord | string>) => {
    const path = join(dir, 'samples.jsonl');
    writeFileSync(path, records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
    return path;
  };

  it("keeps each arm's latest run with a matching instruction, in summary order", async () => {
    const old = '20240101T000000Z-000000';
    const path = write([
      record({ run: old, arm: 'a', sample: 0, response: 'old' }),
      record({ arm: 'c', instructionHash: 'hc', sample: 1, grade: null, error: 'boom' }),
      record({ arm: 'a', sample: 1, grade: { behavior: false, capability: true, score: null, detail: '' } }),
      record({ arm: 'a', sample: 0 }),
      record({ arm: 'b', instructionHash: 'stale', sample: 0 }),
      '{"not": "a record"}',
      'garbage',
      record({ arm: 'c', instructionHash: 'hc', run: old, sample: 0 }),
    ]);
    const index = await SamplesIndex.build(nodeResultsFileSystem, path, summary([arm('c', 'hc', true), arm('a', 'ha'), arm('b', 'hb')]));
    assert.equal(index.size, 3);
    const all = await index.page({ arm: null, grade: null }, 0, 10);
    assert.deepEqual(all.map((r) => `${r.arm}#${r.sample}`), ['c#1', 'a#0', 'a#1']);
    assert.equal(all[1]!.response, 'hello, ünïcode ✓');
    assert.equal(index.count({ arm: 'a', grade: null }), 2);
    assert.equal(index.count({ arm: null, grade: 'failed' }), 1);
    assert.equal(index.count({ arm: null, grade: 'clean' }), 1);
    assert.deepEqual((await index.page({ arm: 'a', grade: 'behavior' }, 0, 10)).map((r) => r.sample), [0]);
  });

  it('pages through thousands of samples reading only the page', async () => {
    const records = Array.from({ length: 3000 }, (_, i) =>
      record({ arm: i % 2 ? 'a' : 'b', instructionHash: i % 2 ? 'ha' : 'hb', sample: Math.floor(i / 2), response: `r${i}` }),
    );
    const path = write(records);
    const index = await SamplesIndex.build(nodeResultsFileSystem, path, summary([arm('a', 'ha'), arm('b', 'hb')]));
    assert.equal(index.size, 3000);
    const page = await index.page({ arm: 'b', grade: null }, 1475, 25);
    assert.deepEqual(page.map((r) => r.sample), [1475, 1476, 1477, 1478, 1479, 1480, 1481, 1482, 1483, 1484, 1485, 1486, 1487, 1488, 1489, 1490, 1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1499]);
    assert.deepEqual(await index.page({ arm: 'b', grade: null }, 1500, 25), []);
  });

  describe('a later run that produced nothing (every sample failed)', () => {
    const first = '20250101T100000Z-111111';
    const failedRun = '20250101T110000Z-222222';
    const failure = (sample: number, armName = 'a', hash = 'ha') =>
      record({ run: failedRun, arm: armName, instructionHash: hash, sample, response: null, grade: null, error: 'Could not reach the endpoint', at: '2025-01-01T11:00:05.000Z' });
    const good = (sample: number, armName = 'a', hash = 'ha') => record({ run: first, arm: armName, instructionHash: hash, sample, at: '2025-01-01T10:00:05.000Z' });
    const finished = { startedAt: '2025-01-01T10:00:00.000Z', finishedAt: '2025-01-01T10:00:09.000Z' };

    it('shows only the samples of the summary, found by time when the summary names no run, and reports the later run', async () => {
      const path = write([good(0), good(1), good(0, 'c', 'hc'), good(1, 'c', 'hc'), failure(0), failure(1), failure(0, 'c', 'hc'), failure(1, 'c', 'hc')]);
      const index = await SamplesIndex.build(nodeResultsFileSystem, path, { ...summary([arm('a', 'ha'), arm('c', 'hc', true)]), ...finished });
      assert.equal(index.size, 4);
      assert.equal(index.count({ arm: null, grade: 'failed' }), 0, "the later run's failures are not shown under the earlier figures");
      assert.deepEqual((await index.page({ arm: null, grade: null }, 0, 10)).map((r) => r.run), [first, first, first, first]);
      assert.deepEqual(index.laterRun, { run: failedRun, startedAt: '2025-01-01T11:00:05.000Z', samples: 4, failed: 4, firstError: 'Could not reach the endpoint' });
    });

    it('matches the run ids a summary names, per summary or per arm', async () => {
      // Clocks are not consulted when the summary names its runs: these records carry no time at all.
      const path = write([
        record({ run: first, sample: 0 }),
        record({ run: first, arm: 'c', instructionHash: 'hc', sample: 0 }),
        record({ run: failedRun, sample: 0, grade: null, error: 'boom' }),
        record({ run: '20250101T120000Z-333333', sample: 0 }),
        record({ run: '20250101T120000Z-333333', arm: 'c', instructionHash: 'hc', sample: 0, grade: null, error: 'late' }),
      ]);
      const bySummary = { ...summary([arm('a', 'ha'), arm('c', 'hc', true)]), runs: [first, '20250101T120000Z-333333'] };
      assert.deepEqual([...runsOfArm(bySummary as CheckSummary, 'a')!], [first, '20250101T120000Z-333333']);
      const index = await SamplesIndex.build(nodeResultsFileSystem, path, bySummary as CheckSummary);
      // Per arm, the newest of the named runs that sampled it.
      assert.deepEqual((await index.page({ arm: null, grade: null }, 0, 10)).map((r) => `${r.arm}:${r.run}`), [`a:20250101T120000Z-333333`, `c:20250101T120000Z-333333`]);
      assert.equal(index.laterRun, undefined, 'the failed run in between is neither shown nor "later"');

      // A --variant summary: arm a from the newest run, the control kept from the first.
      const perArm = summary([{ ...arm('a', 'ha'), run: '20250101T120000Z-333333' } as ArmResult, { ...arm('c', 'hc', true), run: first } as ArmResult]);
      const merged = await SamplesIndex.build(nodeResultsFileSystem, path, perArm);
      assert.deepEqual((await merged.page({ arm: null, grade: null }, 0, 10)).map((r) => `${r.arm}:${r.run}`), [`a:20250101T120000Z-333333`, `c:${first}`]);

      const withLater = write([record({ run: first, sample: 0 }), record({ run: failedRun, sample: 0, grade: null, error: 'boom' })]);
      const reported = await SamplesIndex.build(nodeResultsFileSystem, withLater, { ...summary([arm('a', 'ha')]), run: first } as unknown as CheckSummary);
      assert.equal(reported.size, 1);
      assert.equal(reported.laterRun?.run, failedRun);
      assert.equal(reported.laterRun?.firstError, 'boom');
    });

    it('without a summary, reports what the latest run did', async () => {
      const path = write([failure(0), failure(1)]);
      const index = await SamplesIndex.build(nodeResultsFileSystem, path, undefined);
      assert.equal(index.size, 0);
      assert.deepEqual(index.laterRun, { run: failedRun, startedAt: '2025-01-01T11:00:05.000Z', samples: 2, failed: 2, firstError: 'Could not reach the endpoint' });
    });
  });

  describe('runs started in the same second (their ids do not sort in start order)', () => {
    // A cancelled check resumed at once: both run ids carry the same second, and the random suffix of the resumed run
    // sorts first. The log is append-only, so the resumed run's records come after the cancelled run's.
    const cancelled = '20250101T100000Z-ffffff';
    const resumed = '20250101T100000Z-000000';
    const at = (ms: number) => `2025-01-01T10:00:00.${String(ms).padStart(3, '0')}Z`;
    const finished = { startedAt: at(300), finishedAt: at(900) };

    it("shows the resumed run's samples, not the cancelled run's", async () => {
      const path = write([
        record({ run: cancelled, sample: 0, at: at(100) }),
        record({ run: cancelled, arm: 'c', instructionHash: 'hc', sample: 0, at: at(110) }),
        ...[0, 1].flatMap((sample) => [
          record({ run: resumed, sample, cached: sample === 0, at: at(400 + sample) }),
          record({ run: resumed, arm: 'c', instructionHash: 'hc', sample, cached: sample === 0, at: at(500 + sample) }),
        ]),
      ]);
      const index = await SamplesIndex.build(nodeResultsFileSystem, path, { ...summary([arm('a', 'ha'), arm('c', 'hc', true)]), ...finished });
      assert.equal(index.size, 4);
      assert.deepEqual((await index.page({ arm: null, grade: null }, 0, 10)).map((r) => `${r.arm}#${r.sample}:${r.run}`), [
        `a#0:${resumed}`,
        `a#1:${resumed}`,
        `c#0:${resumed}`,
        `c#1:${resumed}`,
      ]);
      assert.equal(index.laterRun, undefined);
    });

    it('reports the latest of the later runs, and with named runs only those written after them as later', async () => {
      const failed = (run: string, ms: number) => record({ run, sample: 0, response: null, grade: null, error: `failed in ${run}`, at: at(ms) });
      const path = write([record({ run: cancelled, sample: 0, at: at(100) }), failed(cancelled, 950), failed(resumed, 990)]);
      const byTime = await SamplesIndex.build(nodeResultsFileSystem, path, { ...summary([arm('a', 'ha')]), ...finished });
      assert.equal(byTime.laterRun?.run, resumed, 'the run written last is the latest');

      // Named: a run written before the named one is not later, even when its id sorts after it; one written after is.
      const named = write([failed(cancelled, 100), record({ run: resumed, sample: 0, at: at(400) })]);
      const none = await SamplesIndex.build(nodeResultsFileSystem, named, { ...summary([arm('a', 'ha')]), run: resumed } as unknown as CheckSummary);
      assert.equal(none.size, 1);
      assert.equal(none.laterRun, undefined);
      const after = write([record({ run: cancelled, sample: 0, at: at(100) }), failed(resumed, 400)]);
      const reported = await SamplesIndex.build(nodeResultsFileSystem, after, { ...summary([arm('a', 'ha')]), run: cancelled } as unknown as CheckSummary);
      assert.equal(reported.laterRun?.run, resumed);
    });
  });

  it('is empty when the file does not exist', async () => {
    const index = await SamplesIndex.build(nodeResultsFileSystem, join(dir, 'missing.jsonl'), summary([arm('a', 'ha')]));
    assert.equal(index.size, 0);
    assert.deepEqual(await index.page({ arm: null, grade: null }, 0, 5), []);
  });
});
