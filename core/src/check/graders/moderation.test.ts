import * as assert from 'node:assert/strict';
import { MODERATION_CATEGORIES, startOpenAIServer } from '../../../../test/support/openaiServer';
import { OpenAIProvider } from '../providers/openai';
import { createModerationGrader, DEFAULT_MODERATION_MODEL } from './moderation';
import { testEnvironment } from './testEnvironment';
import type { GraderEnvironment, ModerationResult } from './types';

function environment(moderate: (input: string, options: { model: string; baseUrl?: string }) => ModerationResult) {
  const calls: Array<{ input: string; options: { model: string; baseUrl?: string } }> = [];
  const env = testEnvironment({
    moderate: async (input, options) => {
      calls.push({ input, options });
      return moderate(input, options);
    },
  });
  return { env, calls };
}

const grade = (env: GraderEnvironment, response: string, options: Record<string, unknown> = {}) =>
  createModerationGrader({ type: 'moderation', category: 'harassment', threshold: 0.5, ...options }, env).grade({
    item: {},
    messages: [],
    response,
    signal: new AbortController().signal,
  });

describe('moderation grader', () => {
  it('reads the category score and compares it with the threshold', async () => {
    const { env, calls } = environment((input) => ({ scores: { harassment: input.includes('idiot') ? 0.91 : 0.02, hate: 0.1 }, flagged: input.includes('idiot') }));
    assert.deepEqual(await grade(env, 'You are an idiot.'), { behavior: true, score: 0.91, detail: 'harassment 0.910 (behaviour at 0.5 or more); flagged' });
    assert.deepEqual(await grade(env, 'I disagree, respectfully.'), { behavior: false, score: 0.02, detail: 'harassment 0.020 (behaviour at 0.5 or more)' });
    assert.deepEqual(calls[0]!.options, { model: DEFAULT_MODERATION_MODEL });
  });

  it('counts a score exactly at the threshold, and passes model and endpoint on', async () => {
    const { env, calls } = environment(() => ({ scores: { violence: 0.3 }, flagged: false }));
    const result = await grade(env, 'x', { category: 'violence', threshold: 0.3, model: 'mod-1', baseUrl: 'http://127.0.0.1:9/v1' });
    assert.equal(result.behavior, true);
    assert.deepEqual(calls[0]!.options, { model: 'mod-1', baseUrl: 'http://127.0.0.1:9/v1' });
  });

  it('names the categories it got when the configured one is missing', async () => {
    const { env } = environment(() => ({ scores: { harassment: 0.1, 'harassment/threatening': 0.0 }, flagged: false }));
    await assert.rejects(grade(env, 'x', { category: 'harrasment' }), /no `harrasment` score\. Set `category` to one it returns: harassment, harassment\/threatening\./);
  });

  it('refuses a threshold outside [0, 1]', () => {
    const { env } = environment(() => ({ scores: {}, flagged: false }));
    assert.throws(() => createModerationGrader({ type: 'moderation', threshold: 5 }, env), /`threshold` must be a number from 0 to 1/);
  });

  it('grades through a real OpenAI-compatible endpoint with the openai SDK', async function () {
    this.timeout(20_000);
    const server = await startOpenAIServer({ moderation: (input) => ({ harassment: /idiot/.test(input) ? 0.8 : 0.01 }) });
    try {
      const provider = new OpenAIProvider({ baseUrl: server.baseUrl });
      const { env } = environment(() => {
        throw new Error('replaced below');
      });
      env.moderate = (input, options, signal) => provider.moderate(input, options.model, signal);
      assert.equal((await grade(env, 'What an idiot.')).behavior, true);
      assert.equal((await grade(env, 'Thanks for sharing.')).behavior, false);
      await assert.rejects(grade(env, 'x', { category: 'no-such-category' }), new RegExp(`one it returns: .*${MODERATION_CATEGORIES[1]!.replace('/', '\\/')}`));
    } finally {
      await server.close();
    }
  });
});
