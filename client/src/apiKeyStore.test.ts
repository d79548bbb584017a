import assert from 'node:assert/strict';
import { apiKeyFor, apiKeyWithKind, cleanApiKey, endpointOrigin, keyAfterOffer, secretKeyFor, type SecretStore } from './apiKeyStore';

const memory = (): SecretStore & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return {
    map,
    get: async (key) => map.get(key),
    store: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
  };
};

describe('API key store', () => {
  it('keys secrets by endpoint origin', () => {
    assert.equal(endpointOrigin('https://api.openai.com/v1/'), 'https://api.openai.com');
    assert.equal(secretKeyFor('http://127.0.0.1:8000/v1'), 'inoculate.apiKey:http://127.0.0.1:8000');
    assert.equal(secretKeyFor('http://127.0.0.1:8000/other'), secretKeyFor('http://127.0.0.1:8000/v1'));
    assert.notEqual(secretKeyFor('http://127.0.0.1:8001/v1'), secretKeyFor('http://127.0.0.1:8000/v1'));
    assert.throws(() => endpointOrigin('file:///etc/passwd'), /not an http\(s\) endpoint/);
    assert.throws(() => endpointOrigin('nonsense'));
  });

  it("prefers the endpoint's stored key, then OPENAI_API_KEY", async () => {
    const secrets = memory();
    assert.equal(await apiKeyFor(secrets, 'http://a.test/v1', {}, 'user'), undefined);
    assert.equal(await apiKeyFor(secrets, 'http://a.test/v1', { OPENAI_API_KEY: ' env-key ' }, 'user'), 'env-key');
    await secrets.store(secretKeyFor('http://a.test/v1'), 'stored');
    assert.equal(await apiKeyFor(secrets, 'http://a.test/v1', { OPENAI_API_KEY: 'env-key' }, 'user'), 'stored');
    assert.equal(await apiKeyFor(secrets, 'http://b.test/v1', {}, 'user'), undefined);
  });

  it('never sends OPENAI_API_KEY to a remote endpoint named only in a file', async () => {
    const secrets = memory();
    const env = { OPENAI_API_KEY: 'env-key' };
    assert.equal(await apiKeyFor(secrets, 'https://attacker.example/v1', env, 'file'), undefined);
    assert.equal(await apiKeyFor(secrets, 'http://127.0.0.1:8000/v1', env, 'file'), 'env-key');
    assert.equal(await apiKeyFor(secrets, 'https://api.openai.com/v1', env, 'file'), 'env-key');
    await secrets.store(secretKeyFor('https://attacker.example/v1'), 'its-own');
    assert.equal(await apiKeyFor(secrets, 'https://attacker.example/v1', env, 'file'), 'its-own', 'a key the user stored for that origin is theirs to send');
  });

  it('says which kind of key it found', async () => {
    const secrets = memory();
    assert.deepEqual(await apiKeyWithKind(secrets, 'http://a.test/v1', {}, 'user'), { key: undefined, kind: 'none', needsConsent: false });
    assert.deepEqual(await apiKeyWithKind(secrets, 'http://a.test/v1', { OPENAI_API_KEY: 'e' }, 'user'), { key: 'e', kind: 'shared', needsConsent: false });
    await secrets.store(secretKeyFor('http://a.test/v1'), 's');
    assert.deepEqual(await apiKeyWithKind(secrets, 'http://a.test/v1', { OPENAI_API_KEY: 'e' }, 'user'), { key: 's', kind: 'stored', needsConsent: false });
  });

  it('decides as the core key policy for an endpoint from the workspace settings: like a file, and asked first', async () => {
    const secrets = memory();
    const env = { OPENAI_API_KEY: 'env-key' };
    const remote = await apiKeyWithKind(secrets, 'https://attacker.example/v1', env, 'workspace');
    assert.equal(remote.key, undefined, 'OPENAI_API_KEY never goes to a remote endpoint only the workspace names, agreed or not');
    assert.match(remote.refused ?? '', /This workspace's setting inoculate\.check\.baseUrl .* names the endpoint https:\/\/attacker\.example\/v1.*OPENAI_API_KEY is not sent/);
    assert.deepEqual(await apiKeyWithKind(secrets, 'https://api.openai.com/v1', env, 'workspace'), { key: 'env-key', kind: 'shared', needsConsent: true });
    const plain = await apiKeyWithKind(secrets, 'http://api.openai.com/v1', env, 'workspace');
    assert.deepEqual(plain, { key: undefined, kind: 'none', needsConsent: false, refused: plain.refused, refusedBecause: plain.refusedBecause });
    assert.match(plain.refused ?? '', /names the endpoint http:\/\/api\.openai\.com\/v1/);
    assert.ok(plain.refused?.startsWith(plain.refusedBecause!), 'the why, then the remedies');
    assert.deepEqual(await apiKeyWithKind(secrets, 'https://api.openai.com/v1', env, { source: 'user', modelSource: 'workspace' }), { key: 'env-key', kind: 'shared', needsConsent: true }, 'a model from the workspace is asked about too');
    await secrets.store(secretKeyFor('https://attacker.example/v1'), 'its-own');
    assert.deepEqual(await apiKeyWithKind(secrets, 'https://attacker.example/v1', env, 'workspace'), { key: 'its-own', kind: 'stored', needsConsent: true }, 'its own key, after the user agrees');
    // No shared key: nothing withheld, nothing to say.
    assert.deepEqual(await apiKeyWithKind(memory(), 'https://attacker.example/v1', {}, 'workspace'), { key: undefined, kind: 'none', needsConsent: false });
  });

  it('goes on with the check once the user has set the missing key (the dialog itself is not clickable in tests)', async () => {
    const secrets = memory();
    const url = 'https://api.openai.com/v1';
    const lookup = () => apiKeyWithKind(secrets, url, {}, 'user');
    let offered = 0;
    const setsKey = async () => {
      offered++;
      await secrets.store(secretKeyFor(url), 'typed-now');
      return true;
    };
    assert.deepEqual(await keyAfterOffer(lookup, true, setsKey), { key: 'typed-now', kind: 'stored', needsConsent: false }, 'the check continues with the new key');
    assert.equal(offered, 1);
    // Already there: no offer. Not needed (a local server): no offer either.
    assert.deepEqual(await keyAfterOffer(lookup, true, setsKey), { key: 'typed-now', kind: 'stored', needsConsent: false });
    assert.equal(offered, 1);
    const none = () => apiKeyWithKind(memory(), url, {}, 'user');
    assert.deepEqual(await keyAfterOffer(none, false, setsKey), { key: undefined, kind: 'none', needsConsent: false });
    // Dismissed, or "set" without a key arriving: the check does not run.
    assert.equal(await keyAfterOffer(none, true, async () => false), undefined);
    assert.equal(await keyAfterOffer(none, true, async () => true), undefined);
  });

  it('cleans typed keys', () => {
    assert.equal(cleanApiKey('  sk-abc \n'), 'sk-abc');
    assert.equal(cleanApiKey('   '), undefined);
    assert.equal(cleanApiKey('sk-abc def'), undefined);
  });
});
