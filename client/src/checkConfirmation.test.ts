import assert from 'node:assert/strict';
import type { CheckPlan } from '../../core/src/check/plan';
import { checkConfirmation } from './checkConfirmation';

const plan = (overrides: Partial<CheckPlan> = {}): CheckPlan => ({
  arms: 2,
  samplesPerArm: 50,
  samples: 100,
  cachedSamples: 10,
  requests: 90,
  inputTokens: 12345,
  outputTokens: { max: 92160, typical: 23040 },
  cost: null,
  priceNote: 'price unknown',
  ...overrides,
});

describe('checkConfirmation', () => {
  it('states requests, cache hits, tokens and an unknown cost', () => {
    const text = checkConfirmation('a.inoc', ['cand', 'ctl (control)'], 'my-model', 'http://127.0.0.1:8000/v1', plan());
    assert.equal(text.message, 'Check a.inoc? This sends 90 requests to my-model.');
    assert.equal(
      text.detail,
      [
        'Endpoint: http://127.0.0.1:8000/v1',
        'Arms: 2 (cand, ctl (control)), 50 samples each',
        'Requests: 90 (10 of 100 samples answered from the cache)',
        'Tokens: ~12,345 input; ~23,040 output typical, at most 92,160',
        'Cost: unknown for this model and endpoint',
        'Judge and moderation requests (if the grader uses them) are not counted.',
      ].join('\n'),
    );
  });

  it('states a known cost and an all-cached run', () => {
    const priced = checkConfirmation('a.inoc', ['x'], 'gpt-4.1-mini', 'https://api.openai.com/v1', plan({ cost: { typical: 0.0123, max: 0.2, price: { input: 0.4, output: 1.6 } }, priceNote: 'list price' }));
    assert.match(priced.detail, /^Cost: ~\$0\.01 typical, at most \$0\.20 \(list price\)$/m);
    const tiny = checkConfirmation('a.inoc', ['x'], 'm', 'e', plan({ cost: { typical: 0.0012, max: 0.004, price: { input: 0.1, output: 0.1 } }, priceNote: 'p' }));
    assert.match(tiny.detail, /~\$0\.0012 typical, at most \$0\.0040/);
    assert.equal(checkConfirmation('a.inoc', ['x'], 'm', 'e', plan({ requests: 0, cachedSamples: 100 })).message, 'Check a.inoc? Every sample is already cached: nothing will be sent.');
    assert.equal(checkConfirmation('a.inoc', ['x'], 'm', 'e', plan({ requests: 1 })).message, 'Check a.inoc? This sends 1 request to m.');
  });
});
