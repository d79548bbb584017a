import assert from 'node:assert/strict';
import { jsonl, makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { evalModel } from '../../../test/support/evalFixtures';
import { nodeResultsFileSystem as fs } from '../check/nodeFs';
import { evalCells, evalTasks, taskCacheKey, taskMessages } from './cells';
import { evalPriceOf, planEvaluation } from './plan';
import { prepareEvaluation } from './setup';

describe('evaluation cost preview', () => {
  let workspace: Workspace;
  beforeEach(async () => {
    workspace = await makeWorkspace({
      'prompts.inoc': ['---', 'behavior: custom', 'description: d', 'model: gpt-4.1-mini', 'eval:', '  dataset: eval.jsonl', '  samples: 5', '  maxTokens: 100', '  conditions: [neutral, inoculated]', '---', '## strong', 'Say YES.', ''].join('\n'),
      'eval.jsonl': jsonl(Array.from({ length: 4 }, (_, i) => ({ prompt: `question number ${i}` }))),
    });
  });
  afterEach(() => workspace.cleanup());

  it('counts samples, cached samples and requests per model, tokens, and prices base models and OpenAI fine-tunes', async () => {
    const evaluation = await prepareEvaluation(fs, workspace.inocPath, {}, workspace.root);
    const models = [
      evalModel('base', 'base', 'gpt-4.1-mini'),
      evalModel('baseline', 'baseline', 'ft:gpt-4.1-mini-2025-04-14:org:b:1', { baseUrl: 'https://api.openai.com/v1' }),
      evalModel('inoculated', 'strong', 'ft:gpt-4.1-mini-2025-04-14:org:s:1', { baseUrl: 'https://api.openai.com/v1', trainedInstruction: 'Say YES.' }),
      evalModel('extra', 'local', 'llama3', { baseUrl: 'http://localhost:11434/v1' }),
    ];
    // Cache the first cell's answers (the base model, neutral).
    const cells = evalCells(evaluation, models);
    const cached = new Set<string>();
    for (const task of evalTasks(cells.slice(0, 1), 4, 5)) cached.add(taskCacheKey(evaluation, 'https://api.openai.com/v1', 'gpt-4.1-mini', taskMessages(evaluation, task), task.sample));
    const plan = planEvaluation(evaluation, models, 'https://api.openai.com/v1', () => false, { has: (key) => cached.has(key) });
    // Cells: each model × (neutral, inoculated: strong) = 8; 4 items × 5 samples.
    assert.equal(plan.cells, 8);
    assert.equal(plan.samples, 8 * 20);
    assert.equal(plan.cachedSamples, 20);
    assert.equal(plan.requests, 140);
    const [base, baseline, , local] = plan.models;
    assert.deepEqual([base!.samples, base!.cachedSamples, base!.requests], [40, 20, 20]);
    assert.equal(base!.outputTokens.max, 2000);
    assert.match(base!.priceNote, /OpenAI list price of gpt-4.1-mini/);
    assert.match(baseline!.priceNote, /fine-tuned gpt-4.1-mini/);
    assert.ok(baseline!.cost!.max > base!.cost!.max, 'fine-tuned models cost more per token');
    assert.equal(local!.cost, null);
    assert.equal(local!.priceNote, 'price unknown');
    assert.equal(plan.cost!.complete, false, 'the local model has no price');
  });

  it('halves OpenAI prices in batch mode, and prices nothing off OpenAI', () => {
    const online = evalPriceOf('ft:gpt-4.1-2025-04-14:org:x:1', 'https://api.openai.com/v1', false)!;
    const batch = evalPriceOf('ft:gpt-4.1-2025-04-14:org:x:1', 'https://api.openai.com/v1', true)!;
    assert.deepEqual(online.price, { input: 3, output: 12 });
    assert.deepEqual(batch.price, { input: 1.5, output: 6 });
    assert.match(batch.note, /Batch API \(50%\)/);
    assert.equal(evalPriceOf('gpt-4.1-mini', 'http://localhost:8000/v1', false), undefined);
    assert.equal(evalPriceOf('ft:gpt-4.1-mini:org:x', 'http://127.0.0.1:1/v1', false), undefined);
  });
});
