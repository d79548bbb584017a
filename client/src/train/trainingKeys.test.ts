import assert from 'node:assert/strict';
import type { ResolvedIdentity } from '../../../core/src/train/backends/index';
import { secretKeyFor } from '../apiKeyStore';
import { keyText, needsKey, trainingKeyFor } from './trainingKeys';

function store(entries: Record<string, string> = {}) {
  const map = new Map(Object.entries(entries));
  return { get: async (k: string) => map.get(k), store: async (k: string, v: string) => void map.set(k, v), delete: async (k: string) => void map.delete(k) };
}
const openai = (target: string, source: ResolvedIdentity['source'] = 'user'): ResolvedIdentity => ({ id: 'openai', target, source, keyEnv: 'OPENAI_API_KEY' });

describe('the key a training backend gets', () => {
  it('uses the key stored for the endpoint origin first, whoever named the endpoint', async () => {
    const secrets = store({ [secretKeyFor('https://llm.example.com/v1')]: 'sk-stored' });
    assert.deepEqual(await trainingKeyFor(secrets, openai('https://llm.example.com/v1', 'file'), { OPENAI_API_KEY: 'sk-env' }), { key: 'sk-stored', kind: 'stored' });
  });

  it('sends the environment key only where the key policy allows it', async () => {
    const env = { OPENAI_API_KEY: 'sk-env', TOGETHER_API_KEY: 'tg-env' };
    assert.deepEqual(await trainingKeyFor(store(), openai('https://api.openai.com/v1', 'file'), env), { key: 'sk-env', kind: 'environment', envName: 'OPENAI_API_KEY' });
    assert.deepEqual(await trainingKeyFor(store(), openai('http://127.0.0.1:8000/v1', 'file'), env), { key: 'sk-env', kind: 'environment', envName: 'OPENAI_API_KEY' });
    const refused = await trainingKeyFor(store(), openai('https://evil.example/v1', 'file'), env);
    assert.deepEqual(refused, { key: undefined, kind: 'none', envName: 'OPENAI_API_KEY', refusedEnv: true });
    assert.match(keyText(refused, 'https://evil.example/v1'), /OPENAI_API_KEY is not sent to https:\/\/evil\.example\/v1, an endpoint named only in the file/);
    assert.deepEqual(await trainingKeyFor(store(), { id: 'together', target: 'https://api.together.xyz/v1', source: 'file', keyEnv: 'TOGETHER_API_KEY' }, env), { key: 'tg-env', kind: 'environment', envName: 'TOGETHER_API_KEY' });
  });

  it('gives command backends no key, and says when the service itself needs one', async () => {
    assert.deepEqual(await trainingKeyFor(store({ x: 'y' }), { id: 'command:slurm', target: 'slurm', source: 'user' }, { OPENAI_API_KEY: 'k' }), { key: undefined, kind: 'none' });
    assert.equal(needsKey(openai('https://api.openai.com/v1')), true);
    assert.equal(needsKey(openai('https://res.openai.azure.com/openai')), true);
    assert.equal(needsKey({ id: 'together', target: 'https://api.together.xyz/v1' }), true);
    assert.equal(needsKey(openai('http://127.0.0.1:8000/v1')), false);
    assert.equal(needsKey({ id: 'command:local', target: 'local' }), false);
  });

  it('names the key it sends, never showing it', async () => {
    const stored = await trainingKeyFor(store({ [secretKeyFor('https://api.openai.com/v1')]: 'sk-secret-123' }), openai('https://api.openai.com/v1'), {});
    const text = keyText(stored, 'https://api.openai.com/v1');
    assert.equal(text, 'the API key you stored for https://api.openai.com');
    assert.doesNotMatch(text, /sk-secret/);
  });
});
