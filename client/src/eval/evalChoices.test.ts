import assert from 'node:assert/strict';
import type { EvalPlan } from '../../../core/src/eval/plan';
import { evalModel } from '../../../test/support/evalFixtures';
import { evalConfirmation, modelPickItems } from './evalChoices';

describe('evaluate: choices and confirmation', () => {
  const models = [
    evalModel('base', 'base', 'lab-base'),
    evalModel('baseline', 'baseline', 'ft:baseline'),
    evalModel('inoculated', 'strong', 'ft:strong'),
    evalModel('inoculated', 'strong', 'ft:strong-1', { seed: 1 }),
    evalModel('inoculated', 'mild', 'ft:mild', { stale: true }),
  ];

  it('preselects every model when started on a file', () => {
    const items = modelPickItems(models);
    assert.ok(items.every((i) => i.picked));
    assert.deepEqual(items.map((i) => i.label), ['base', 'baseline · seed 0', 'strong · seed 0', 'strong · seed 1', 'mild · seed 0']);
    assert.match(items[4]!.description, /earlier text/);
  });

  it('started on an arm or a run: that one, the baseline and the base model', () => {
    assert.deepEqual(modelPickItems(models, { arm: 'strong' }).filter((i) => i.picked).map((i) => i.label), ['base', 'baseline · seed 0', 'strong · seed 0', 'strong · seed 1']);
    const run = models[3]!.runId!;
    assert.deepEqual(modelPickItems(models, { runId: run }).filter((i) => i.picked).map((i) => i.label), ['base', 'baseline · seed 0', 'strong · seed 1']);
  });

  it('shows models × conditions × samples, requests and cost when known', () => {
    const plan: EvalPlan = {
      models: [
        { name: 'baseline', role: 'baseline', seed: 0, model: 'ft:gpt-4.1-mini:x', endpoint: 'https://api.openai.com/v1', samples: 320, cachedSamples: 20, requests: 300, inputTokens: 9000, outputTokens: { max: 300000, typical: 76800 }, cost: { typical: 0.25, max: 0.97 }, priceNote: '', batch: false },
      ],
      cells: 2,
      items: 40,
      samplesPerItem: 4,
      samples: 320,
      cachedSamples: 20,
      requests: 300,
      inputTokens: 9000,
      outputTokens: { max: 300000, typical: 76800 },
      cost: { typical: 0.25, max: 0.97, complete: true },
    };
    const text = evalConfirmation('lab.inoc', plan, ['neutral', 'inoculated'], 'https://api.openai.com/v1');
    assert.equal(text.message, 'Evaluate lab.inoc? This sends 300 requests to 1 model.');
    assert.match(text.detail, /^Models: 1 × conditions: neutral, inoculated = 2 cells$/m);
    assert.match(text.detail, /^Samples: 40 items × 4 per cell = 320 \(20 answered from the cache\)$/m);
    assert.match(text.detail, /^Cost: ~\$0\.25 typical, at most \$0\.97$/m);
    assert.match(evalConfirmation('x', { ...plan, requests: 0, cost: null }, ['neutral'], 'e').message, /already cached/);
    assert.match(evalConfirmation('x', { ...plan, cost: null }, ['neutral'], 'e').detail, /Cost: unknown/);
  });

  it('in batch mode says which models go as batch jobs and that they are priced at the batch price', () => {
    const model = (name: string, batch: boolean, cost: { typical: number; max: number } | null, endpoint = 'https://api.openai.com/v1') =>
      ({ name, role: 'inoculated' as const, seed: 0, model: 'gpt-4.1-mini', endpoint, samples: 10, cachedSamples: 0, requests: 10, inputTokens: 100, outputTokens: { max: 1000, typical: 500 }, cost, priceNote: '', batch });
    const plan = (models: EvalPlan['models']): EvalPlan => ({
      models,
      cells: models.length,
      items: 10,
      samplesPerItem: 1,
      samples: 10 * models.length,
      cachedSamples: 0,
      requests: 10 * models.length,
      inputTokens: 100 * models.length,
      outputTokens: { max: 1000, typical: 500 },
      cost: models.some((m) => m.cost) ? { typical: 0.01, max: 0.02, complete: models.every((m) => m.cost) } : null,
    });
    const all = evalConfirmation('lab.inoc', plan([model('a', true, { typical: 0.01, max: 0.02 }), model('b', true, null, 'vllm')]), ['neutral'], 'e');
    assert.equal(all.message, 'Evaluate lab.inoc? This sends 20 requests to 2 models as batch jobs (answers may take up to 24 hours).');
    assert.match(all.detail, /^Cost: .*; batch jobs at the Batch API price \(50% of list\)$/m);
    assert.match(all.detail, /^  a seed 0: gpt-4\.1-mini at https:\/\/api\.openai\.com\/v1, 10 requests in batch jobs \(~\$0\.01, batch price\)$/m);
    assert.match(all.detail, /^  b seed 0: gpt-4\.1-mini at vllm, 10 requests by vllm run-batch$/m);
    const some = evalConfirmation('lab.inoc', plan([model('a', true, null), model('b', false, { typical: 0.01, max: 0.02 })]), ['neutral'], 'e');
    assert.match(some.message, /to 2 models, 1 of them as batch jobs/);
    assert.doesNotMatch(some.detail, /batch price|Batch API price/, 'no batch price is claimed when no batched model is priced');
    const none = evalConfirmation('lab.inoc', plan([model('a', false, { typical: 0.01, max: 0.02 })]), ['neutral'], 'e');
    assert.doesNotMatch(`${none.message}\n${none.detail}`, /batch/i);
  });
});
