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
});
