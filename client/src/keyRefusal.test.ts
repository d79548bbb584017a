import assert from 'node:assert/strict';
import { sharedKeyRefusal, sharedKeyRefusalReason } from '../../core/src/check/keyPolicy';
import { apiKeyWithKind, secretKeyFor, type SecretStore } from './apiKeyStore';
import { EndpointKeys, keyAfterRefusal, keyRefusalNotice } from './keyRefusal';

const memory = (): SecretStore & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return { map, get: async (key) => map.get(key), store: async (key, value) => void map.set(key, value), delete: async (key) => void map.delete(key) };
};

const REMOTE = 'https://models.example/v1';
const env = { OPENAI_API_KEY: 'sk-shared-0123456789' };

describe('a key the policy refused', () => {
  it('stops unless a key gets stored: the user is told once, with the refusal, and nothing comes back', async () => {
    const secrets = memory();
    const told: Array<{ refused: string; refusedBecause?: string }> = [];
    const found = await keyAfterRefusal(
      () => apiKeyWithKind(secrets, REMOTE, env, { source: 'file', where: "lab.inoc's `baseUrl:`" }),
      async (refused) => (told.push(refused), false),
    );
    assert.equal(found, undefined);
    assert.equal(told.length, 1);
    assert.deepEqual(told[0], { refused: sharedKeyRefusal(REMOTE, "lab.inoc's `baseUrl:`"), refusedBecause: sharedKeyRefusalReason(REMOTE, "lab.inoc's `baseUrl:`") });
  });

  it('looks the key up again once the user stored one, and goes on with it (never with OPENAI_API_KEY)', async () => {
    const secrets = memory();
    let lookups = 0;
    const found = await keyAfterRefusal(
      () => (lookups++, apiKeyWithKind(secrets, REMOTE, env, 'file')),
      async () => (await secrets.store(secretKeyFor(REMOTE), 'sk-its-own'), true),
    );
    assert.equal(lookups, 2);
    assert.equal(found?.key, 'sk-its-own');
    assert.equal(found?.kind, 'stored');
    assert.equal(found?.refused, undefined);
  });

  it('stops when the user says a key was stored but none is there', async () => {
    const found = await keyAfterRefusal(() => apiKeyWithKind(memory(), REMOTE, env, 'file'), async () => true);
    assert.equal(found, undefined);
  });

  it('asks nothing when the policy did not refuse, or another key was found (a stored one, a caller’s own like TOGETHER_API_KEY)', async () => {
    const never = async (): Promise<boolean> => assert.fail('the user was asked');
    assert.equal((await keyAfterRefusal(() => apiKeyWithKind(memory(), 'http://127.0.0.1:8000/v1', env, 'file'), never))?.key, env.OPENAI_API_KEY);
    assert.equal((await keyAfterRefusal(() => apiKeyWithKind(memory(), 'https://api.openai.com/v1', env, 'file'), never))?.kind, 'shared');
    assert.equal((await keyAfterRefusal(() => apiKeyWithKind(memory(), REMOTE, env, 'user'), never))?.kind, 'shared', 'the user chose the endpoint');
    const none = await keyAfterRefusal(() => apiKeyWithKind(memory(), REMOTE, {}, 'file'), never);
    assert.deepEqual(none, { key: undefined, kind: 'none', needsConsent: false }, 'no shared key: nothing refused, and whether no key matters is the caller’s to say');
    const together = await keyAfterRefusal(async () => ({ ...(await apiKeyWithKind(memory(), 'https://api.together.xyz/v1', env, 'file')), key: 'together-key' }), never);
    assert.equal(together?.key, 'together-key');
    const secrets = memory();
    await secrets.store(secretKeyFor(REMOTE), 'sk-its-own');
    assert.equal((await keyAfterRefusal(() => apiKeyWithKind(secrets, REMOTE, env, 'file'), never))?.key, 'sk-its-own');
  });

  it("a check's notice: the editor's wording, both buttons, and the setting that chooses its endpoint", () => {
    const where = "lab.inoc's `baseUrl:`";
    const notice = keyRefusalNotice({ refused: sharedKeyRefusal(REMOTE, where), refusedBecause: sharedKeyRefusalReason(REMOTE, where) }, 'check');
    assert.deepEqual(notice.actions, ['Set API Key', 'Open Settings']);
    assert.equal(notice.setting, 'inoculate.check.baseUrl');
    assert.match(notice.log, /^lab\.inoc's `baseUrl:` names the endpoint https:\/\/models\.example\/v1, which is neither OpenAI's API over https nor on this machine/);
    assert.match(notice.log, /the setting inoculate\.check\.baseUrl = https:\/\/models\.example\/v1/);
    assert.doesNotMatch(notice.log, /--base-url/);
    assert.equal(notice.message, `Inoculate: ${notice.log}`);
  });

  it("an evaluation's notice: the endpoint and why, and only what helps there (no setting chooses its endpoints)", () => {
    const where = "lab.inoc's `eval.models` entry 'remote'";
    const notice = keyRefusalNotice({ refused: sharedKeyRefusal(REMOTE, where), refusedBecause: sharedKeyRefusalReason(REMOTE, where) }, 'evaluation');
    assert.deepEqual(notice.actions, ['Set API Key']);
    assert.equal(notice.setting, undefined);
    assert.equal(
      notice.log,
      "lab.inoc's `eval.models` entry 'remote' names the endpoint https://models.example/v1, which is neither OpenAI's API over https nor on this machine (localhost, 127.x.x.x, [::1]): OPENAI_API_KEY is not sent to an endpoint named only in a file or a workspace setting. Store a key for it (\"Set API Key\"; it is kept in the editor's secret storage and sent only there) and the evaluation goes on; nothing was sent.",
    );
    assert.doesNotMatch(notice.log, /inoculate\.check\.baseUrl|--base-url/);
    assert.equal(notice.message, `Inoculate: cannot evaluate: ${notice.log}`);
  });

  it("keeps an evaluation's refusal whole, in the editor's words, when the policy gives no reason apart", () => {
    const notice = keyRefusalNotice({ refused: 'The file names the endpoint https://x.example/v1: OPENAI_API_KEY is not sent there.' }, 'evaluation');
    assert.equal(notice.log, 'The file names the endpoint https://x.example/v1: OPENAI_API_KEY is not sent there.');
    assert.deepEqual(notice.actions, ['Set API Key']);
  });

  describe('the keys of a command that sends to several endpoints', () => {
    const keysOver = (secrets: SecretStore, told: string[], stores = false) =>
      new EndpointKeys<'file' | 'user'>(
        (url, choice) => apiKeyWithKind(secrets, url, env, choice),
        async (url, refusal) => {
          told.push(`${url}: ${refusal.refusedBecause}`);
          if (stores) await secrets.store(secretKeyFor(url), 'sk-stored-now');
          return stores;
        },
      );

    it('deals with a refusal when an endpoint is needed, even if it was looked up before without need', async () => {
      const told: string[] = [];
      const keys = keysOver(memory(), told);
      assert.equal(await keys.need(REMOTE, 'file', false), true, 'not needed (no model uses the file endpoint): no question');
      assert.deepEqual(told, []);
      assert.equal(await keys.need(`${REMOTE}/`, 'file'), false, 'a model names the same endpoint: now it is needed, and refused');
      assert.equal(told.length, 1);
      assert.match(told[0]!, /^https:\/\/models\.example\/v1: .* OPENAI_API_KEY is not sent to an endpoint named only in a file/);
      assert.equal(keys.key(REMOTE), undefined);
    });

    it('asks once per endpoint, and keeps the key stored after the question', async () => {
      const told: string[] = [];
      const keys = keysOver(memory(), told, true);
      assert.equal(await keys.need(REMOTE, 'file'), true);
      assert.equal(await keys.need(`${REMOTE}/`, 'file'), true);
      assert.equal(told.length, 1);
      assert.equal(keys.key(`${REMOTE}/`), 'sk-stored-now');
      assert.equal(await keys.need('http://127.0.0.1:8000/v1', 'file'), true);
      assert.deepEqual(keys.values().sort(), [env.OPENAI_API_KEY, 'sk-stored-now'].sort());
    });
  });
});
