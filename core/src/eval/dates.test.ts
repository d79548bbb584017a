import assert from 'node:assert/strict';
import { evalModel } from '../../../test/support/evalFixtures';
import { checkModelDates } from './dates';

describe('shutdown dates before an evaluation', () => {
  const ft = evalModel('inoculated', 'strong', 'ft:gpt-4.1-mini-2025-04-14:org:s:1', { baseUrl: 'http://127.0.0.1:9/v1' });
  const local = evalModel('extra', 'llama', 'llama3', { baseUrl: 'http://127.0.0.1:11434/v1' });
  const base = evalModel('base', 'base', 'gpt-4.1-mini');

  it("asks the endpoint; its date wins: a warning before it, a refusal with the date on or after it", async () => {
    const asked: string[] = [];
    const before = await checkModelDates([ft, local], {
      today: new Date('2027-01-01T00:00:00Z'),
      fileEndpoint: 'http://127.0.0.1:9/v1',
      fetchShutdown: async (model, baseUrl) => (asked.push(`${model}@${baseUrl}`), '2027-02-01'),
    });
    assert.deepEqual(asked, ['ft:gpt-4.1-mini-2025-04-14:org:s:1@http://127.0.0.1:9/v1'], 'only OpenAI models are asked');
    assert.deepEqual(before.allowed.map((m) => m.name), ['strong', 'llama']);
    assert.match(before.warnings[0]!.message, /strong \(seed 0\): .* stops being served on 2027-02-01 \(the endpoint reports it/);
    assert.deepEqual(before.learned, [{ baseUrl: 'http://127.0.0.1:9/v1', model: ft.model, shutdownDate: '2027-02-01' }]);
    const after = await checkModelDates([ft], { today: new Date('2027-02-01T00:00:00Z'), fileEndpoint: 'x', fetchShutdown: async () => '2027-02-01' });
    assert.deepEqual(after.allowed, []);
    assert.match(after.refused[0]!.message, /stopped being served on 2027-02-01.*can no longer be evaluated/);
  });

  it("falls back to the dated table for OpenAI's endpoint when it cannot be asked", async () => {
    const check = await checkModelDates([base], { today: new Date('2027-01-20T00:00:00Z'), fileEndpoint: 'https://api.openai.com/v1', fetchShutdown: async () => undefined });
    assert.match(check.refused[0]!.message, /stopped being served on 2027-01-14 \(announced; table/);
    const early = await checkModelDates([base], { today: new Date('2026-11-30T00:00:00Z'), fileEndpoint: 'https://api.openai.com/v1' });
    assert.match(early.warnings[0]!.message, /2027-01-14/);
    assert.deepEqual(early.allowed.map((m) => m.name), ['base']);
  });
});
