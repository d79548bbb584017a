import assert from 'node:assert/strict';
import { makeRun } from '../../../test/support/trainRuns';
import { identityOfRun } from './editorBackend';

describe('the backend of a recorded run', () => {
  it('is the recorded backend and target, with the key variable of that service', () => {
    assert.deepEqual(identityOfRun(makeRun({ backend: 'openai', target: 'https://api.openai.com/v1' }), {}), { id: 'openai', target: 'https://api.openai.com/v1', source: 'file', keyEnv: 'OPENAI_API_KEY' });
    assert.equal(identityOfRun(makeRun({ backend: 'openai', target: 'https://res.openai.azure.com/openai' }), {}).keyEnv, 'AZURE_OPENAI_API_KEY');
    assert.deepEqual(identityOfRun(makeRun({ backend: 'together', target: 'https://api.together.xyz/v1' }), {}), { id: 'together', target: 'https://api.together.xyz/v1', source: 'file', keyEnv: 'TOGETHER_API_KEY' });
    assert.equal(identityOfRun(makeRun({ backend: 'command:slurm', target: 'slurm' }), {}).id, 'command:slurm');
  });

  it("counts the target as the user's choice only when the user's environment names it", () => {
    const run = makeRun({ backend: 'openai', target: 'https://llm.example.com/v1' });
    assert.equal(identityOfRun(run, {}).source, 'file');
    assert.equal(identityOfRun(run, { OPENAI_BASE_URL: 'https://llm.example.com/v1/' }).source, 'user');
    assert.equal(identityOfRun(run, { OPENAI_BASE_URL: 'https://other.example.com/v1' }).source, 'file');
  });
});
