import assert from 'node:assert/strict';
import type { CheckPlan } from '../../core/src/check/plan';
import { checkConfirmation, graderCalls } from './checkConfirmation';
import { workspaceConsentText } from './checkSettings';

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

  it('says which endpoint the grader calls, and that its requests come on top', () => {
    const moderation = graderCalls({ type: 'moderation', category: 'harassment' }, 'http://127.0.0.1:8000/v1');
    assert.equal(moderation, 'Grader: moderation (omni-moderation-latest) at http://127.0.0.1:8000/v1 (the same endpoint): one more request per sample not cached, not counted above.');
    assert.match(graderCalls({ type: 'moderation', baseUrl: 'https://api.openai.com/v1', model: 'text-moderation-latest' }, 'http://127.0.0.1:8000/v1'), /^Grader: moderation \(text-moderation-latest\) at https:\/\/api\.openai\.com\/v1: /);
    assert.match(graderCalls({ type: 'moderation' }, null), /have no moderation model: set `check\.grader\.baseUrl`/);
    assert.match(graderCalls({ type: 'judge', model: 'gpt-4.1' }, null), /^Grader: judge \(gpt-4\.1\) at VS Code's language models \(the same endpoint\)/);
    assert.match(graderCalls({ type: 'code-tests' }, 'http://x/v1'), /on this machine.*sandbox/);
    assert.equal(graderCalls({ type: 'regex', pattern: 'x' }, 'http://x/v1'), 'Grader: regex, on this machine (no request).');
    const text = checkConfirmation('a.inoc', ['x'], 'm', 'http://127.0.0.1:8000/v1', plan(), { grader: moderation });
    assert.deepEqual(text.detail.split('\n').slice(0, 2), ['Endpoint: http://127.0.0.1:8000/v1', moderation]);
    assert.doesNotMatch(text.detail, /are not counted\.$/m, 'said once, in the grader line');
  });

  it("asks about the workspace's endpoint settings in the same dialog when they steer a key", () => {
    const consent = workspaceConsentText(['inoculate.check.baseUrl'], 'https://evil.example/v1', 'm', 'shared');
    const text = checkConfirmation('a.inoc', ['x'], 'm', 'https://evil.example/v1', plan(), { workspace: consent });
    assert.ok(text.detail.endsWith(`\n\n${consent}`), text.detail);
  });
});
