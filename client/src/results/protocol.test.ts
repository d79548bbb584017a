import assert from 'node:assert/strict';
import { parseWebviewMessage } from './protocol';

describe('parseWebviewMessage', () => {
  it('accepts the known messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'samples', filter: { arm: 'a', grade: 'failed' }, offset: 25 }), {
      type: 'samples',
      filter: { arm: 'a', grade: 'failed' },
      offset: 25,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'json' }), { type: 'export', format: 'json' });
    assert.deepEqual(parseWebviewMessage({ type: 'rendered', arms: 2, samplesShown: 25, totalSamples: 80, actions: ['Run again', 3], notes: 'x', extra: 1 }), {
      type: 'rendered',
      arms: 2,
      samplesShown: 25,
      totalSamples: 80,
      actions: ['Run again'],
      notes: [],
    });
    assert.deepEqual(parseWebviewMessage({ type: 'manageTrust', extra: 1 }), { type: 'manageTrust' });
  });

  it('rejects anything else, and normalises unknown filter values to "all"', () => {
    for (const bad of [null, 'ready', {}, { type: 'eval' }, { type: 'export', format: 'exe' }, { type: 'samples', filter: {}, offset: -1 }, { type: 'rendered', arms: '2' }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
    assert.deepEqual(parseWebviewMessage({ type: 'samples', filter: { arm: 3, grade: 'x' }, offset: 0 }), { type: 'samples', filter: { arm: null, grade: null }, offset: 0 });
  });
});
