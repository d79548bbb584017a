import assert from 'node:assert/strict';
import { provenanceFromKey, signSummary, summaryOrigin } from './provenance';
import type { CheckSummary } from './types';

const summary: CheckSummary = {
  version: 1,
  runId: '20250101T000000Z-abcdef',
  file: 'a.inoc',
  behavior: 'toxicity',
  model: 'm',
  provider: 'openai',
  baseUrl: null,
  grader: 'regex',
  samplesPerArm: 2,
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:00:01.000Z',
  requests: 4,
  cacheHits: 0,
  complete: true,
  arms: [{ name: 'c', run: '20250101T000000Z-abcdef', control: true, instruction: '', instructionHash: 'h', n: 2, k: 1, rate: 0.1 + 0.2, ci: [0.01, 0.99], lift: null, liftCi: null, predicted: null, capability: null, failed: 0 }],
};

describe('provenance', () => {
  const mine = provenanceFromKey(Buffer.alloc(32, 7));
  const theirs = provenanceFromKey(Buffer.alloc(32, 8));

  it('tells a summary this user measured from one measured elsewhere, also after a JSON round trip', () => {
    const signed = signSummary(summary, mine);
    assert.equal(signed.provenance!.producer, mine.keyId);
    assert.match(mine.keyId, /^[0-9a-f]{16}$/);
    assert.equal(summaryOrigin(JSON.parse(JSON.stringify(signed)), mine), 'here');
    assert.equal(summaryOrigin(signed, theirs), 'elsewhere');
    assert.equal(summaryOrigin(summary, mine), 'elsewhere', 'unsigned');
    assert.equal(summaryOrigin(signed, undefined), 'elsewhere', 'no key to tell');
    assert.equal(summaryOrigin(signSummary(signed, theirs), theirs), 'here', 're-signing replaces the signature');
  });

  it('calls any change to a signed summary, or a borrowed signature, elsewhere', () => {
    const signed = signSummary(summary, mine);
    const changes: Array<(copy: CheckSummary) => void> = [
      (copy) => (copy.arms[0]!.k = 2),
      (copy) => (copy.arms[0]!.rate = 0.3),
      (copy) => (copy.model = 'other'),
      (copy) => (copy.arms[0]!.run = 'another run'),
      (copy) => (copy.provenance = { producer: mine.keyId, mac: '0'.repeat(64) }),
      (copy) => (copy.provenance = { producer: mine.keyId, mac: mine.sign('cache', JSON.stringify(copy)) }),
      (copy) => (copy.provenance = { producer: 'someone', mac: copy.provenance!.mac }),
    ];
    for (const change of changes) {
      const copy = JSON.parse(JSON.stringify(signed)) as CheckSummary;
      change(copy);
      assert.equal(summaryOrigin(copy, mine), 'elsewhere', change.toString());
    }
  });

  it('refuses keys that are too short, and verifies in constant time only well-formed signatures', () => {
    assert.throws(() => provenanceFromKey(Buffer.alloc(16)), /at least 32 bytes/);
    assert.equal(mine.verify('cache', 'x', 'nope'), false);
    assert.equal(mine.verify('cache', 'x', 42), false);
    assert.equal(mine.verify('cache', 'x', mine.sign('cache', 'x')), true);
    assert.equal(mine.verify('summary', 'x', mine.sign('cache', 'x')), false, 'domains are separate');
  });
});
