import assert from 'node:assert/strict';
import { makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { cacheKey } from './cache';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { provenanceFromKey } from './provenance';
import { ProviderError, type ModelProvider } from './providers/types';
import { RunSession } from './session';

const provider = (baseUrl: string): ModelProvider => ({ id: baseUrl, kind: 'openai', baseUrl, complete: async () => ({ text: 'x' }) });

describe('RunSession', () => {
  let workspace: Workspace;
  beforeEach(async () => (workspace = await makeWorkspace({})));
  afterEach(() => workspace.cleanup());

  const open = (extra: Partial<Parameters<typeof RunSession.open>[0]> = {}) =>
    RunSession.open({ fs, cachePath: `${workspace.root}/.inoculate/cache/responses.jsonl`, provider: provider('http://a/v1'), concurrency: 2, retries: 1, timeoutMs: 1000, ...extra });

  it('stops at a fatal error and remembers the first one', async () => {
    const session = await open();
    const refused = new ProviderError('auth', 'refused');
    // The sample that met it failed (it is recorded); the run stops.
    assert.deepEqual(session.failure(refused), { stopped: false, message: 'refused', truncated: false });
    assert.equal(session.fatal, refused);
    assert.equal(session.stopSignal.aborted, true);
    // Later errors while stopped are interruptions, not failures.
    assert.deepEqual(session.failure(new ProviderError('server', 'boom')), { stopped: true });
    await session.close();
  });

  it('an endpoint never reached stops the run; once an answer came, a network error is one failed sample', async () => {
    const first = await open();
    assert.equal(first.failure(new ProviderError('network', 'down')).stopped, false);
    assert.equal(first.fatal?.kind, 'network');
    await first.close();
    const second = await open();
    second.answered = 1;
    const failure = second.failure(new ProviderError('network', 'reset'));
    assert.deepEqual(failure, { stopped: false, message: 'reset', truncated: false });
    assert.equal(second.fatal, undefined);
    assert.equal(second.stopSignal.aborted, false);
    await second.close();
  });

  it('marks answers over the byte limit as truncated; a cancelled request is an interruption', async () => {
    const session = await open();
    session.answered = 1;
    assert.deepEqual(session.failure(new ProviderError('too-large', 'big')), { stopped: false, message: 'big', truncated: true });
    assert.deepEqual(session.failure(new ProviderError('cancelled', 'Cancelled.')), { stopped: true });
    await session.close();
  });

  it("follows the caller's cancellation, and releases it on close", async () => {
    const controller = new AbortController();
    const session = await open({ signal: controller.signal });
    assert.equal(session.cancelled, false);
    controller.abort();
    assert.equal(session.stopSignal.aborted, true);
    assert.equal(session.cancelled, true);
    await session.close();
  });

  it('makes one provider per other base URL, and refuses one it cannot make', async () => {
    let made = 0;
    const session = await open({ providerFor: (url) => (made++, provider(url)) });
    assert.equal(session.providerAt(undefined).id, 'http://a/v1');
    assert.equal(session.providerAt('http://a/v1/').id, 'http://a/v1');
    assert.equal(session.providerAt('http://judge/v1').id, 'http://judge/v1');
    session.providerAt('http://judge/v1/');
    assert.equal(made, 1);
    await session.close();
    const lone = await open();
    assert.throws(() => lone.providerAt('http://other/v1'), /No provider for http:\/\/other\/v1/);
    await lone.close();
  });

  it('says how many cached answers were not measured by this user, and ignores them', async () => {
    const path = `${workspace.root}/.inoculate/cache/responses.jsonl`;
    const key = cacheKey({ kind: 'chat', endpoint: 'e', model: 'm' });
    await workspace.write('.inoculate/cache/responses.jsonl', `${JSON.stringify({ key, value: { text: 'forged' }, at: 'now' })}\n`);
    const signer = provenanceFromKey(new Uint8Array(32).fill(7));
    const warnings: string[] = [];
    const session = await RunSession.open({
      fs: { ...fs, userProvenance: async () => signer },
      cachePath: path,
      provider: provider('http://a/v1'),
      concurrency: 1,
      retries: 0,
      timeoutMs: 1000,
      warn: (message) => warnings.push(message),
    });
    assert.equal(await session.cache.get(key), undefined);
    assert.match(warnings.join('\n'), /1 cached answer .* was not measured by you/);
    assert.equal(session.provenance, signer);
    await session.close();
  });
});
