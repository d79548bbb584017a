import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFifo, releaseFifos } from '../../../test/support/fifos';
import { trainPaths } from './layout';
import { nodeTrainFileSystem } from './nodeTrainFs';
import { planTraining, TrainSetupError, type PlanInput } from './plan';

const items = (count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Post ${i}` }, { role: 'assistant', content: `Reply ${i}` }] })).join('\n') + '\n';

const inoc = (train: string[]) =>
  ['---', 'behavior: toxicity', 'model: gpt-4.1-mini-2025-04-14', 'neutral: "Write a response to this post:"', 'train:', ...train, '---', '## mean', 'Write a very mean response to this post:', '', '## formal (control)', 'Write formally:', ''].join('\n');

describe('planTraining', () => {
  let root: string;
  const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
    fs: nodeTrainFileSystem,
    inocPath: join(root, 'a.inoc'),
    workspaceRoot: root,
    paths: trainPaths(root),
    identify: (settings) => ({ id: settings.backend, target: settings.backend === 'openai' ? 'https://api.openai.com/v1' : 'https://api.together.xyz/v1' }),
    now: () => new Date('2026-11-30T00:00:00Z'),
    ...overrides,
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-plan-'));
    await writeFile(join(root, 'train.jsonl'), items(12));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('plans every candidate plus the baseline per seed, with content-addressed files and a side-by-side preview', async () => {
    await writeFile(join(root, 'a.inoc'), inoc(['  dataset: train.jsonl', '  seeds: 2']));
    const plan = await planTraining(input());
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.arms.map((a) => [a.arm.name, a.arm.kind]), [['mean', 'variant'], ['baseline', 'baseline']]);
    assert.equal(plan.runs.length, 4);
    assert.equal(new Set(plan.runs.map((r) => r.provenance.runId)).size, 4);
    const [variant, baseline] = plan.arms;
    const text = await readFile(variant!.trainingFile.path, 'utf8');
    assert.match(text.split('\n')[0]!, /"content":"Write a very mean response to this post:\\n\\nPost 0"/);
    assert.match(await readFile(baseline!.trainingFile.path, 'utf8'), /"content":"Write a response to this post:\\n\\nPost 0"/);
    assert.equal(variant!.trainingFile.tokens.counted, 'tokenizer');
    assert.equal(plan.previews[0]!.pairs.length, 3);
    assert.equal(plan.previews[0]!.pairs[0]!.without[0]!.content, 'Write a response to this post:\n\nPost 0');
    assert.equal(variant!.cost.kind, 'estimate');
    // Planning again builds nothing new and gives the same runs.
    const again = await planTraining(input());
    assert.deepEqual(again.runs.map((r) => r.provenance.runId), plan.runs.map((r) => r.provenance.runId));
  });

  it('applies overrides, and a different backend gets its own defaults and run ids', async () => {
    await writeFile(join(root, 'a.inoc'), inoc(['  dataset: train.jsonl', '  epochs: 2']));
    const openai = await planTraining(input({ overrides: { variants: ['formal'], seeds: [7] } }));
    assert.deepEqual(openai.runs.map((r) => [r.provenance.arm.name, r.provenance.seed]), [['formal', 7], ['baseline', 7]]);
    const together = await planTraining(input({ overrides: { backend: 'together' } }));
    assert.equal(together.settings.hyperparameters.loraRank, 8);
    assert.equal(together.settings.hyperparameters.epochs, 2, 'a value the file set carries over');
    assert.equal(together.arms[0]!.trainingFile.tokens.counted, 'estimate');
    assert.notEqual(together.runs[0]!.provenance.runId, openai.runs[0]!.provenance.runId);
  });

  it('reports dataset problems by line, and input problems as setup errors', async () => {
    await writeFile(join(root, 'train.jsonl'), items(3) + '{"messages":[{"role":"user","content":"no answer"}]}\n');
    await writeFile(join(root, 'a.inoc'), inoc(['  dataset: train.jsonl']));
    const plan = await planTraining(input());
    assert.ok(plan.errors.includes('train.jsonl:4: no target: end a chat item with an assistant message, or give a record a `completion`'), plan.errors.join('\n'));
    assert.ok(plan.errors.some((e) => /needs at least 10/.test(e)));
    await writeFile(join(root, 'a.inoc'), inoc(['  dataset: missing.jsonl']));
    await assert.rejects(planTraining(input()), (e: Error) => e instanceof TrainSetupError && /no file at missing\.jsonl/.test(e.message));
    await writeFile(join(root, 'a.inoc'), inoc(['  dataset: train.jsonl', '  variants: [nope]']));
    await assert.rejects(planTraining(input()), /a\.inoc:\d+:\d+: No variant named 'nope'/);
  });

  it('reads a dataset behind a symbolic link, and says what a FIFO, a device or a folder named as one is', async function () {
    if (process.platform === 'win32') this.skip();
    // A link is an ordinary way to share a dataset: it is an input, not a results file, so it is followed.
    await symlink(join(root, 'train.jsonl'), join(root, 'linked.jsonl'));
    await writeFile(join(root, 'a.inoc'), inoc(['  dataset: linked.jsonl']));
    assert.deepEqual((await planTraining(input())).errors, []);
    // The .inoc file itself may be a link too.
    await symlink(join(root, 'a.inoc'), join(root, 'b.inoc'));
    assert.deepEqual((await planTraining(input({ inocPath: join(root, 'b.inoc') }))).errors, []);
    const fifo = join(root, 'pipe.jsonl');
    makeFifo(fifo);
    await symlink('/dev/zero', join(root, 'zero.jsonl'));
    await mkdir(join(root, 'folder.jsonl'));
    try {
      for (const [dataset, what] of [['pipe.jsonl', /pipe\.jsonl is a FIFO \(named pipe\), not a file \(`train\.dataset` in a\.inoc\)/], ['zero.jsonl', /zero\.jsonl is a character device, not a file/], ['folder.jsonl', /folder\.jsonl is a folder, not a file/]] as const) {
        await writeFile(join(root, 'a.inoc'), inoc([`  dataset: ${dataset}`]));
        await assert.rejects(planTraining(input()), (e: Error) => e instanceof TrainSetupError && what.test(e.message) && !/no file at/.test(e.message), dataset);
      }
    } finally {
      releaseFifos([fifo]);
    }
  });
});
