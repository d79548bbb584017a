import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { instructionHash } from '../check/arms';
import { provenanceFromKey, signSummary } from '../check/provenance';
import type { CheckSummary } from '../check/types';
import { measurementSourceFrom } from '../language/measurementSource';
import { loadWorkspaceSummaries } from './summaries';

const summary = (file: string): CheckSummary => ({
  version: 1,
  file,
  behavior: 'toxicity',
  model: 'm',
  provider: 'openai',
  baseUrl: null,
  grader: 'moderation',
  samplesPerArm: 10,
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:01:00.000Z',
  requests: 20,
  cacheHits: 0,
  complete: true,
  arms: [{ name: 'mean', control: false, instruction: 'Be mean.', instructionHash: instructionHash('Be mean.'), n: 10, k: 4, rate: 0.4, ci: [0.17, 0.69], lift: 0.3, liftCi: [0, 0.6], predicted: 0.8, capability: null, failed: 0 }],
});

describe('loadWorkspaceSummaries', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-summaries-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const put = async (slug: string, value: CheckSummary) => {
    await mkdir(join(root, '.inoculate', 'checks', slug), { recursive: true });
    await writeFile(join(root, '.inoculate', 'checks', slug, 'summary.json'), JSON.stringify(value));
  };

  it('tells summaries this user measured from those found in the workspace, for the measurement source', async () => {
    const mine = provenanceFromKey(Buffer.alloc(32, 3));
    const theirs = provenanceFromKey(Buffer.alloc(32, 4));
    await put('a', signSummary(summary('a.inoc'), mine));
    await put('b', signSummary(summary('b.inoc'), theirs));
    await put('c', summary('c.inoc'));
    const found = await loadWorkspaceSummaries([pathToFileURL(root).toString()], mine);
    assert.deepEqual(found.map((located) => [located.summary.file, located.origin]).sort(), [
      ['a.inoc', 'here'],
      ['b.inoc', 'elsewhere'],
      ['c.inoc', 'elsewhere'],
    ]);
    const source = measurementSourceFrom(found);
    const at = (file: string) => source.forVariant(pathToFileURL(join(root, file)).toString(), 'mean', 'Be mean.')!;
    assert.equal(at('a.inoc').origin, 'here');
    assert.equal(at('b.inoc').origin, 'elsewhere');
    assert.equal(at('c.inoc').origin, 'elsewhere');
  });

  it('does not follow a linked folder inside .inoculate/checks', async function () {
    if (process.platform === 'win32') this.skip();
    const elsewhere = await mkdtemp(join(tmpdir(), 'inoculate-elsewhere-'));
    try {
      await writeFile(join(elsewhere, 'summary.json'), JSON.stringify(summary('x.inoc')));
      await mkdir(join(root, '.inoculate', 'checks'), { recursive: true });
      await symlink(elsewhere, join(root, '.inoculate', 'checks', 'x'));
      assert.deepEqual(await loadWorkspaceSummaries([pathToFileURL(root).toString()]), []);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
