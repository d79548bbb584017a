import assert from 'node:assert/strict';
import type { CheckOutcome } from '../../core/src/check/engine';
import { ProviderError, providerMessages } from '../../core/src/check/providers/types';
import { newcombeDifference, rateEstimate } from '../../core/src/check/stats';
import type { ArmResult, CheckSummary } from '../../core/src/check/types';
import { duration, retryLine, runEndLines } from './outputLines';

const arms = (): ArmResult[] => {
  const lift = newcombeDifference(27, 40, 2, 40);
  const base = { instruction: '', instructionHash: '', predicted: null, capability: null, failed: 0 };
  return [
    { ...base, name: 'cand', control: false, ...rateEstimate(27, 40), lift: lift.difference, liftCi: lift.ci },
    { ...base, name: 'ctl', control: true, ...rateEstimate(2, 40), lift: null, liftCi: null },
  ];
};

const outcome = (fields: Partial<CheckOutcome> = {}): CheckOutcome => ({
  summary: { requests: 80, cacheHits: 0, arms: arms() } as unknown as CheckSummary,
  runId: 'r',
  cancelled: false,
  summaryWritten: true,
  counts: { total: 80, graded: 80, failed: 0 },
  ...fields,
});

describe('Output channel lines', () => {
  it('writes waits in units people read, never 13-digit floats', () => {
    assert.equal(duration(250.123456789), '250 ms');
    assert.equal(duration(1234.5678901234), '1.2 s');
    assert.equal(duration(12_345.678), '12 s');
    assert.equal(duration(125_000), '2 min 5 s');
    assert.equal(duration(120_000), '2 min');
  });

  it('writes a retry as one sentence with its status, wait and reason, in the editor’s terms', () => {
    const error = new ProviderError('rate-limit', providerMessages.rateLimit('http://127.0.0.1:8000/v1'), { status: 429, retryAfterMs: 1532.1234567891 });
    const line = retryLine({ attempt: 2, delayMs: 1532.1234567891, error });
    assert.equal(line, 'Retry 2 in 1.5 s (429): The endpoint http://127.0.0.1:8000/v1 is rate limiting requests (429); lower the setting inoculate.check.concurrency (or the file’s `check.concurrency`) or try later.');
    assert.doesNotMatch(line, /[{}"]|\d{5,}/, 'no JSON, no long floats');
  });

  it('ends a run with its counts and each arm as the rest of the product writes it', () => {
    const [end, cand, ctl] = runEndLines('a.inoc', outcome(), 4210.987654321);
    assert.equal(end, 'Check of a.inoc finished: 80 of 80 samples graded; 80 requests sent, 0 answered from the cache, in 4.2 s.');
    assert.match(cand!, /^ {2}cand: 68% \[\d+%, \d+%\] \(27\/40\), lift \+63 pts \[\+\d+, \+\d+\], above 0$/);
    assert.match(ctl!, /^ {2}ctl \(control\): 5% \[\d+%, \d+%\] \(2\/40\)$/);
  });

  it('says how a run ended early, and when it left nothing', () => {
    assert.match(runEndLines('a.inoc', outcome({ cancelled: true, counts: { total: 80, graded: 10, failed: 0 } }), 1000)[0]!, /cancelled after 10 of 80 samples \(kept;/);
    const fatal = new ProviderError('network', providerMessages.network('http://127.0.0.1:9/v1', 'ECONNREFUSED'));
    const stopped = runEndLines('a.inoc', outcome({ fatal, summaryWritten: false, counts: { total: 80, graded: 0, failed: 8 } }), 1000);
    assert.match(stopped[0]!, /stopped after 8 of 80 samples: Could not reach/);
    assert.doesNotMatch(stopped[0]!, /--base-url/);
    assert.equal(stopped[1], '  Nothing was graded: the earlier results (if any) are kept.');
  });
});
