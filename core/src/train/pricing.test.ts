import * as assert from 'node:assert/strict';
import { estimateTrainingCost } from './pricing';

const auto = { epochs: 'auto' as const, learningRate: 'auto' as const, learningRateMultiplier: 'auto' as const, batchSize: 'auto' as const };

describe('training cost', () => {
  it('prices OpenAI training tokens × epochs, saying when epochs are assumed', () => {
    const cost = estimateTrainingCost('openai', 'https://api.openai.com/v1', 'gpt-4.1-mini-2025-04-14', 1_000_000, auto);
    assert.equal(cost.kind, 'estimate');
    if (cost.kind !== 'estimate') return;
    assert.equal(cost.usd, 15);
    assert.ok(cost.epochsAssumed);
    const fixed = estimateTrainingCost('openai', 'https://api.openai.com/v1', 'gpt-4o-mini', 2_000_000, { ...auto, epochs: 1 });
    assert.equal(fixed.kind === 'estimate' && fixed.usd, 6);
  });

  it('has no price for other endpoints, unknown models, Together and command backends', () => {
    assert.equal(estimateTrainingCost('openai', 'http://127.0.0.1:1/v1', 'gpt-4o-mini', 1, auto).kind, 'none');
    assert.equal(estimateTrainingCost('openai', 'https://api.openai.com/v1', 'gpt-9', 1, auto).kind, 'none');
    assert.match(estimateTrainingCost('together', 'x', 'm', 1, auto).note, /no published price/);
    assert.match(estimateTrainingCost('command:slurm', 'x', 'm', 1, auto).note, /no published price/);
  });
});
