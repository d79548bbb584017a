import * as assert from 'node:assert/strict';
import { resolveTrainSettings } from '../../format/trainConfig';
import { nodeTrainFileSystem } from '../nodeTrainFs';
import { nodeCommandHost, shippedTemplatesDir } from '../../node/commandHost';
import { backendIdentity, createTrainingBackend, maySendTrainingKey } from './index';

const settings = (raw: Record<string, unknown>, file: { baseUrl?: string } = {}) => resolveTrainSettings(raw, { model: 'm', ...file });

describe('backend factory', () => {
  it('resolves targets: flag, then the file, then the environment, then the service', () => {
    assert.equal(backendIdentity(settings({}), {}).target, 'https://api.openai.com/v1');
    assert.equal(backendIdentity(settings({}), { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' }).target, 'http://127.0.0.1:9/v1');
    const fromFile = backendIdentity(settings({}, { baseUrl: 'https://evil.example/v1' }), {});
    assert.deepEqual([fromFile.target, fromFile.source], ['https://evil.example/v1', 'file']);
    assert.equal(backendIdentity(settings({}, { baseUrl: 'https://evil.example/v1' }), {}, 'http://127.0.0.1:1/v1').source, 'user');
    assert.equal(backendIdentity(settings({ backend: 'together' }), {}).target, 'https://api.together.ai/v1');
    assert.equal(backendIdentity(settings({ backend: 'command', command: { preset: 'slurm' } }), {}).id, 'command:slurm');
  });

  it('sends a shared key to a file-named endpoint only when it is the service or this machine', () => {
    const id = (raw: Record<string, unknown>) => backendIdentity(settings(raw), {});
    assert.equal(maySendTrainingKey(id({ baseUrl: 'https://evil.example/v1' })), false);
    assert.equal(maySendTrainingKey(id({ baseUrl: 'https://api.openai.com/v1' })), true);
    assert.equal(maySendTrainingKey(id({ baseUrl: 'http://127.0.0.1:8000/v1' })), true);
    assert.equal(maySendTrainingKey(id({ backend: 'together', baseUrl: 'https://api.together.xyz/v1' })), true);
    assert.equal(maySendTrainingKey(id({ backend: 'together', baseUrl: 'https://evil.example/v1' })), false);
    assert.equal(backendIdentity(settings({ baseUrl: 'https://res.openai.azure.com' }), {}).keyEnv, 'AZURE_OPENAI_API_KEY');
  });

  it('builds openai, together and command backends (the preset from the identity when the record has no command block)', async () => {
    assert.equal(createTrainingBackend({ id: 'openai', target: 'http://127.0.0.1:1/v1' }, { fs: nodeTrainFileSystem }).id, 'openai');
    assert.equal(createTrainingBackend({ id: 'together', target: 'http://127.0.0.1:1/v1' }, { fs: nodeTrainFileSystem }).id, 'together');
    assert.throws(() => createTrainingBackend({ id: 'command:slurm', target: 'slurm' }, { fs: nodeTrainFileSystem }), /needs a command host/);
    const command = { fs: nodeTrainFileSystem, commandHost: nodeCommandHost, templatesDir: shippedTemplatesDir() };
    const slurm = createTrainingBackend({ id: 'command:slurm', target: 'slurm' }, { ...command, workspaceTrusted: true });
    assert.deepEqual([slurm.id, slurm.target], ['command:slurm', 'slurm']);
    const ray = createTrainingBackend({ id: 'command:ray', target: 'http://head:8265' }, command);
    assert.deepEqual([ray.id, ray.target], ['command:ray', 'http://head:8265']);
    // Without an explicit trust the command backend runs nothing.
    assert.equal((await ray.preflight({} as never))[0]!.code, 'untrusted-workspace');
    const identity = backendIdentity(settings({ backend: 'command', command: { preset: 'ray', address: 'http://head:8265/' } }), {});
    assert.deepEqual([identity.id, identity.target], ['command:ray', 'http://head:8265']);
    assert.equal(backendIdentity(settings({ backend: 'command', command: { preset: 'kubernetes' } }), {}).target, 'kubernetes');
  });
});
