import * as assert from 'node:assert/strict';
import { baseSnapshotOf, normalizeShutdownDate, shutdownNotice, shutdownOf, trainingDateNotices } from './modelDates';

const OPENAI = 'https://api.openai.com/v1';

describe('model dates', () => {
  it('resolves aliases and fine-tunes to their snapshot', () => {
    assert.equal(baseSnapshotOf('gpt-4.1-mini'), 'gpt-4.1-mini-2025-04-14');
    assert.equal(baseSnapshotOf('ft:gpt-4o-mini-2024-07-18:org:sfx:abc'), 'gpt-4o-mini-2024-07-18');
  });

  it("prefers the endpoint's date over the table, which applies only to OpenAI's endpoint", () => {
    assert.deepEqual(shutdownOf('gpt-4.1-mini', OPENAI), { date: '2027-01-14', source: 'table', snapshot: 'gpt-4.1-mini-2025-04-14' });
    const cache = { [OPENAI]: { 'gpt-4.1-mini': { shutdownDate: '2026-12-31', checkedAt: '2026-11-01T00:00:00Z' } } };
    assert.equal(shutdownOf('gpt-4.1-mini', OPENAI, cache)?.source, 'endpoint');
    assert.equal(shutdownOf('gpt-4.1-mini', OPENAI, cache)?.date, '2026-12-31');
    assert.equal(shutdownOf('gpt-4.1-mini', 'http://127.0.0.1:8000/v1'), undefined);
    assert.equal(normalizeShutdownDate(1_798_761_600), '2027-01-01');
    assert.equal(normalizeShutdownDate('2027-01-14T00:00:00Z'), '2027-01-14');
  });

  it('warns before the dates and refuses after them', () => {
    const before = trainingDateNotices('gpt-4.1-mini', OPENAI, new Date('2026-11-30T12:00:00Z'));
    assert.deepEqual(before.map((n) => [n.code, n.severity]), [['fine-tuning-closed', 'warning'], ['model-shutdown', 'warning']]);
    assert.match(before[0]!.message, /2027-01-06 .*in 37 days/);
    const after = trainingDateNotices('gpt-4.1-mini', OPENAI, new Date('2027-01-10T00:00:00Z'));
    assert.deepEqual(after.map((n) => n.severity), ['error', 'warning']);
    assert.equal(shutdownNotice('ft:gpt-4.1-mini-2025-04-14:o:s:1', OPENAI, new Date('2027-01-14T00:00:00Z'))?.severity, 'error');
    assert.deepEqual(trainingDateNotices('Qwen/Qwen2-7B', 'https://api.together.xyz/v1', new Date()), []);
  });
});
