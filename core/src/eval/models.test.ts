import assert from 'node:assert/strict';
import { makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { recordRun } from '../../../test/support/runRecords';
import { trainPaths } from '../train/layout';
import { nodeTrainFileSystem } from '../train/nodeTrainFs';
import { listRuns } from '../train/runStore';
import { findEvalModels } from './models';

const hosted = (modelId: string) => ({ kind: 'hosted' as const, modelId, baseModel: 'base-model' });

describe('finding the models to evaluate from the run records', () => {
  let workspace: Workspace;
  beforeEach(async () => (workspace = await makeWorkspace({})));
  afterEach(() => workspace.cleanup());
  const runs = () => listRuns(nodeTrainFileSystem, trainPaths(workspace.root), { inocFile: 'prompts.inoc' });
  const variants = new Map([['strong', 'Say YES.'], ['weak', 'Maybe say YES.'], ['irrelevant', 'Do not write C#.']]);
  const config = { model: 'base-model', neutral: '', baseUrl: undefined };

  it('finds the base model, the baseline and every inoculated fine-tune by variant and seed, only succeeded runs, and says which are not ready', async () => {
    await recordRun(workspace.root, { runId: '1000000000000000', arm: 'baseline', kind: 'baseline', instruction: '', seed: 0, state: 'succeeded', result: hosted('ft:b0') });
    await recordRun(workspace.root, { runId: '1000000000000001', arm: 'baseline', kind: 'baseline', instruction: '', seed: 1, state: 'succeeded', result: hosted('ft:b1') });
    await recordRun(workspace.root, { runId: '2000000000000000', arm: 'strong', instruction: 'Say YES.', seed: 0, state: 'succeeded', result: hosted('ft:s0'), target: 'https://api.openai.com/v1/' });
    await recordRun(workspace.root, { runId: '2000000000000001', arm: 'strong', instruction: 'Say YES.', seed: 1, state: 'running' });
    await recordRun(workspace.root, { runId: '3000000000000000', arm: 'weak', instruction: 'Maybe say YES.', seed: 0, state: 'failed', error: 'invalid training file' });
    await recordRun(workspace.root, { runId: '3000000000000001', arm: 'weak', instruction: 'Maybe say YES.', seed: 1, state: 'planned' });
    const found = findEvalModels({ config, variants, runs: await runs(), extraModels: [{ name: 'gpt-4.1', model: 'gpt-4.1' }], base: true });
    assert.deepEqual(
      found.models.map((m) => [m.name, m.role, m.seed, m.model, m.serving, m.baseUrl ?? null]),
      [
        ['base', 'base', null, 'base-model', 'endpoint', null],
        ['baseline', 'baseline', 0, 'ft:b0', 'hosted', 'http://127.0.0.1:1/v1'],
        ['baseline', 'baseline', 1, 'ft:b1', 'hosted', 'http://127.0.0.1:1/v1'],
        ['strong', 'inoculated', 0, 'ft:s0', 'hosted', 'https://api.openai.com/v1'],
        ['gpt-4.1', 'extra', null, 'gpt-4.1', 'endpoint', null],
      ],
    );
    assert.deepEqual(
      found.unusable.map((u) => [u.arm, u.seed, u.state]),
      [
        ['strong', 1, 'running'],
        ['weak', 0, 'failed'],
        ['weak', 1, 'planned'],
      ],
    );
    assert.match(found.unusable[1]!.message, /failed: invalid training file/);
    assert.match(found.unusable[0]!.message, /not finished yet .*inoculate jobs/);
    assert.equal(new Set(found.models.map((m) => m.key)).size, found.models.length, 'keys are unique');
  });

  it('prefers the run trained on the current text; an older one is used only when it is all there is, marked stale', async () => {
    await recordRun(workspace.root, { runId: '4000000000000000', arm: 'strong', instruction: 'Say yes.', seed: 0, state: 'succeeded', result: hosted('ft:old'), createdAt: '2026-10-01T00:00:00Z' });
    await recordRun(workspace.root, { runId: '4000000000000001', arm: 'strong', instruction: 'Say YES.', seed: 0, state: 'succeeded', result: hosted('ft:new'), createdAt: '2026-09-01T00:00:00Z' });
    await recordRun(workspace.root, { runId: '4000000000000002', arm: 'weak', instruction: 'Maybe yes.', seed: 0, state: 'succeeded', result: hosted('ft:weak-old') });
    await recordRun(workspace.root, { runId: '4000000000000003', arm: 'gone', instruction: 'x', seed: 0, state: 'succeeded', result: hosted('ft:gone') });
    const found = findEvalModels({ config, variants, runs: await runs(), extraModels: [], base: false });
    assert.deepEqual(found.models.map((m) => [m.name, m.model, m.stale, m.trainedInstruction]), [
      ['strong', 'ft:new', false, 'Say YES.'],
      ['weak', 'ft:weak-old', true, 'Maybe yes.'],
    ]);
    assert.match(found.notes.join('\n'), /'weak' seed 0 was trained on an earlier text/);
    assert.match(found.notes.join('\n'), /'gone'.*no variant of that name/);
  });

  it('filters by variant (the baseline stays) and by model name; command-trained adapters are served by vLLM', async () => {
    await recordRun(workspace.root, { runId: '5000000000000000', arm: 'baseline', kind: 'baseline', instruction: '', seed: 0, state: 'succeeded', result: { kind: 'lora-adapter', modelId: 'baseline-s0', baseModel: 'Qwen/Qwen2-7B', artifact: '/runs/x/output', loraRank: 8 }, backend: 'command:local', baseModel: 'Qwen/Qwen2-7B' });
    await recordRun(workspace.root, { runId: '5000000000000001', arm: 'strong', instruction: 'Say YES.', seed: 0, state: 'succeeded', result: hosted('ft:s') });
    await recordRun(workspace.root, { runId: '5000000000000002', arm: 'weak', instruction: 'Maybe say YES.', seed: 0, state: 'succeeded', result: hosted('ft:w') });
    const onlyWeak = findEvalModels({ config, variants, runs: await runs(), extraModels: [], base: true, onlyVariants: ['weak'] });
    assert.deepEqual(onlyWeak.models.map((m) => m.name), ['base', 'baseline', 'weak']);
    assert.equal(onlyWeak.models[1]!.serving, 'vllm');
    assert.equal(onlyWeak.models[1]!.baseUrl, undefined);
    assert.match(onlyWeak.notes.join(), /trained from Qwen\/Qwen2-7B, not from the file's model base-model/);
    const onlyNames = findEvalModels({ config, variants, runs: await runs(), extraModels: [], base: true, onlyModels: ['baseline', 'strong'] });
    assert.deepEqual(onlyNames.models.map((m) => m.name), ['baseline', 'strong']);
  });
});
