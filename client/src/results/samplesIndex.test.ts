import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeResultsFileSystem } from '../../../core/src/check/nodeFs';
import type { SampleRecord } from '../../../core/src/check/store';
import type { ArmResult, CheckSummary } from '../../../core/src/check/types';
import { SamplesIndex } from './samplesIndex';

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

  it('is empty when the file does not exist', async () => {
    const index = await SamplesIndex.build(nodeResultsFileSystem, join(dir, 'missing.jsonl'), summary([arm('a', 'ha')]));
    assert.equal(index.size, 0);
    assert.deepEqual(await index.page({ arm: null, grade: null }, 0, 5), []);
  });
});
