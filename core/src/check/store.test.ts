import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { newRunId, readSampleRecords, readSummary, SampleLog, writeSummary, type SampleRecord } from './store';
import type { CheckSummary } from './types';

const record = (sample: number): SampleRecord => ({
  run: 'r1',
  arm: 'strong',
  instructionHash: '0123456789abcdef',
  item: 3,
  sample,
  messagesHash: 'fedcba9876543210',
  response: `answer ${sample}`,
  grade: { behavior: sample % 2 === 0, capability: null, score: null, detail: 'matched' },
  latencyMs: 12,
  tokens: { input: 10, output: 2 },
  cached: false,
  error: null,
  at: '2025-01-01T00:00:00.000Z',
});

const summary: CheckSummary = {
  version: 1,
  file: 'a.inoc',
  behavior: 'sycophancy',
  model: 'm',
  provider: 'openai',
  baseUrl: 'http://localhost/v1',
  grader: 'regex',
  samplesPerArm: 2,
  startedAt: 'x',
  finishedAt: 'y',
  requests: 2,
  cacheHits: 0,
  complete: true,
  arms: [],
};

describe('results store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inoculate-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one line per sample and streams them back', async () => {
    const path = join(dir, 'checks', 'x', 'samples.jsonl');
    const log = await SampleLog.open(fs, path);
    await Promise.all([0, 1, 2].map((i) => log.append(record(i))));
    await log.close();
    const seen: SampleRecord[] = [];
    assert.equal(await readSampleRecords(fs, path, (r) => seen.push(r)), 3);
    assert.deepEqual(seen, [record(0), record(1), record(2)]);
  });

  it('seals a cut last line before appending, so no earlier or new record is corrupted', async () => {
    const path = join(dir, 'samples.jsonl');
    await writeFile(path, `${JSON.stringify(record(0))}\n${JSON.stringify(record(1)).slice(0, 40)}`);
    const before = await readFile(path, 'utf8');
    const log = await SampleLog.open(fs, path);
    await log.append(record(2));
    await log.close();
    assert.ok((await readFile(path, 'utf8')).startsWith(before));
    const samples: number[] = [];
    await readSampleRecords(fs, path, (r) => samples.push(r.sample));
    assert.deepEqual(samples, [0, 2]);
  });

  it('skips lines that are not sample records', async () => {
    const path = join(dir, 'samples.jsonl');
    await writeFile(path, `garbage\n{"run":1}\n${JSON.stringify(record(5))}\n`);
    await appendFile(path, '\n');
    const samples: number[] = [];
    assert.equal(await readSampleRecords(fs, path, (r) => samples.push(r.sample)), 1);
    assert.deepEqual(samples, [5]);
    assert.equal(await readSampleRecords(fs, join(dir, 'missing.jsonl'), () => assert.fail()), 0);
  });

  it('writes the summary atomically and reads it back; bad or missing summaries read as undefined', async () => {
    const path = join(dir, 'summary.json');
    assert.equal(await readSummary(fs, path), undefined);
    await writeSummary(fs, path, summary);
    assert.deepEqual(await readSummary(fs, path), summary);
    await writeFile(path, '{"version": 2, "arms": []}');
    assert.equal(await readSummary(fs, path), undefined);
    await writeFile(path, '{"version": 1, "arms": [');
    assert.equal(await readSummary(fs, path), undefined);
  });

  it('names a run by its UTC second and 6 random hex digits: a later second sorts after, two calls differ', () => {
    const id = newRunId(new Date('2025-03-04T05:06:07.890Z'));
    assert.match(id, /^20250304T050607Z-[0-9a-f]{6}$/);
    // Only across seconds: two runs started in the same second are ordered by their random part, not their start.
    assert.ok(id < newRunId(new Date('2025-03-04T05:06:08.000Z')));
    assert.ok(newRunId(new Date('2025-12-31T23:59:59Z')) < newRunId(new Date('2026-01-01T00:00:00Z')));
    assert.notEqual(newRunId(), newRunId());
  });
});
