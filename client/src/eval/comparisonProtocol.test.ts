import assert from 'node:assert/strict';
import { parseComparisonMessage } from './comparisonProtocol';

describe('parseComparisonMessage', () => {
  it('accepts the known messages, trimming untrusted arrays', () => {
    assert.deepEqual(parseComparisonMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseComparisonMessage({ type: 'samples', cell: 'baseline#0|neutral|', offset: 20 }), { type: 'samples', cell: 'baseline#0|neutral|', offset: 20 });
    assert.deepEqual(parseComparisonMessage({ type: 'label', record: '0123456789abcdef', outcome: 'capability', verdict: 'disagree' }), {
      type: 'label',
      record: '0123456789abcdef',
      outcome: 'capability',
      verdict: 'disagree',
    });
    assert.deepEqual(parseComparisonMessage({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
    assert.deepEqual(parseComparisonMessage({ type: 'report', format: 'md' }), { type: 'report', format: 'md' });
    assert.deepEqual(parseComparisonMessage({ type: 'rendered', models: ['a', 2], rows: 3, charts: 2, samplesShown: 0, agreement: 'x' }), {
      type: 'rendered',
      models: ['a'],
      rows: 3,
      charts: 2,
      samplesShown: 0,
      agreement: [],
    });
  });

  it('rejects anything else', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'run' },
      { type: 'label', record: '../../etc/passwd', outcome: 'behavior', verdict: 'agree' },
      { type: 'label', record: '0123456789abcdef', outcome: 'toxicity', verdict: 'agree' },
      { type: 'label', record: '0123456789abcdef', outcome: 'behavior', verdict: 'maybe' },
      { type: 'export', format: 'exe' },
      { type: 'report', format: 'pdf' },
      { type: 'samples', cell: 'x', offset: -1 },
      { type: 'samples', cell: 3, offset: 0 },
      { type: 'rendered', rows: '2', charts: 1, samplesShown: 0 },
    ]) {
      assert.equal(parseComparisonMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
