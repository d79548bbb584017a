import * as assert from 'node:assert/strict';
import { decideKey, isLoopbackHost, maySendSharedKey, secretRedactor, sharedKeyRefusal, sharedKeyRefusalReason } from './keyPolicy';

describe('shared API key policy', () => {
  it('sends the key anywhere the user chose', () => {
    assert.ok(maySendSharedKey('https://openrouter.ai/api/v1', 'user'));
  });

  it('sends it to an endpoint named in a file or a workspace setting only when it is OpenAI over TLS or local', () => {
    for (const source of ['file', 'workspace'] as const) {
      assert.ok(maySendSharedKey('https://api.openai.com/v1', source));
      assert.ok(maySendSharedKey('https://api.openai.com:443/v1', source));
      assert.ok(maySendSharedKey('http://localhost:8000/v1', source));
      assert.ok(maySendSharedKey('http://127.0.0.1:11434/v1', source));
      assert.ok(maySendSharedKey('http://127.1:11434/v1', source), 'the URL parser writes it 127.0.0.1');
      assert.ok(maySendSharedKey('http://[::1]:8080/v1', source));
      assert.ok(!maySendSharedKey('https://attacker.example/v1', source));
      assert.ok(!maySendSharedKey('https://api.openai.com.attacker.example/v1', source));
      assert.ok(!maySendSharedKey('not a url', source));
    }
  });

  it('never sends it to OpenAI in clear text or on another port, nor to names a resolver may send anywhere', () => {
    for (const url of [
      'http://api.openai.com/v1',
      'https://api.openai.com:8443/v1',
      'http://api.openai.com:443/v1',
      'ws://api.openai.com/v1',
      'http://evil.localhost:8000/v1',
      'http://localhost.:8000/v1',
      'http://localhost.attacker.example/v1',
      'http://[::ffff:7f00:1]/v1',
      'http://user:pass@localhost:8000/v1',
      'file:///etc/passwd',
    ]) {
      assert.ok(!maySendSharedKey(url, 'file'), url);
      assert.ok(!maySendSharedKey(url, 'workspace'), url);
    }
  });

  it('recognises loopback hosts reached without DNS only', () => {
    assert.deepEqual(
      ['localhost', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '10.0.0.1', 'localhost.example', 'LOCALHOST'].map(isLoopbackHost),
      [true, false, true, true, true, false, false, true],
    );
  });

  it('decides which key goes and when the user must agree first, the same for every adapter', () => {
    const decide = (baseUrl: string, source: 'user' | 'workspace' | 'file', keys: { stored?: boolean; shared?: boolean }, modelSource?: 'user' | 'workspace' | 'file') =>
      decideKey({ baseUrl, source, modelSource, hasStoredKey: !!keys.stored, hasSharedKey: !!keys.shared, where: 'W' });
    // The user's choice: the shared key goes, unasked.
    assert.deepEqual(decide('https://openrouter.ai/api/v1', 'user', { shared: true }), { kind: 'shared', needsConsent: false });
    // A file: as maySendSharedKey says, unasked where allowed, refused with the reason elsewhere.
    assert.deepEqual(decide('http://127.0.0.1:8000/v1', 'file', { shared: true }), { kind: 'shared', needsConsent: false });
    const refused = decide('https://attacker.example/v1', 'file', { shared: true });
    assert.equal(refused.kind, 'none');
    assert.equal(refused.refused, sharedKeyRefusal('https://attacker.example/v1', 'W'));
    // The workspace's settings: like a file, and the user agrees before any key goes; agreement never unlocks the
    // shared key for an endpoint a file could not send it to.
    assert.deepEqual(decide('https://api.openai.com/v1', 'workspace', { shared: true }), { kind: 'shared', needsConsent: true });
    assert.deepEqual(decide('https://attacker.example/v1', 'workspace', { shared: true }), {
      kind: 'none',
      needsConsent: false,
      refused: sharedKeyRefusal('https://attacker.example/v1', 'W'),
      refusedBecause: sharedKeyRefusalReason('https://attacker.example/v1', 'W'),
    });
    assert.equal(decide('http://api.openai.com/v1', 'workspace', { shared: true }).kind, 'none');
    // A key the user stored for the endpoint is theirs to send there; still asked when the workspace chose it.
    assert.deepEqual(decide('https://attacker.example/v1', 'workspace', { stored: true, shared: true }), { kind: 'stored', needsConsent: true });
    assert.deepEqual(decide('https://attacker.example/v1', 'file', { stored: true }), { kind: 'stored', needsConsent: false });
    // A model from the workspace's settings spends the key too: asked.
    assert.deepEqual(decide('https://api.openai.com/v1', 'user', { shared: true }, 'workspace'), { kind: 'shared', needsConsent: true });
    // No key: nothing to send, nothing to ask, nothing refused.
    assert.deepEqual(decide('https://attacker.example/v1', 'workspace', {}), { kind: 'none', needsConsent: false });
  });

  it('says how to proceed', () => {
    assert.match(sharedKeyRefusal('https://x.example/v1', 'a.inoc'), /--base-url https:\/\/x\.example\/v1/);
    assert.ok(sharedKeyRefusal('https://x.example/v1', 'a.inoc').startsWith(`${sharedKeyRefusalReason('https://x.example/v1', 'a.inoc')} Choose it yourself`), 'the reason, then the remedies');
  });
});

describe('secretRedactor', () => {
  const key = 'sk-proj-Ab3/+dE_f9~xY.z=Q-1234567890';
  const redact = secretRedactor([key, undefined, '']);

  it('removes the key as written, percent-encoded (any case, partly, twice), JSON-escaped, as HTML references, in hex and in base64 at any alignment', () => {
    const encodings = [
      key,
      encodeURIComponent(key),
      encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
      key.replace('/', '%2F'), // only the character that had to be escaped
      key.replace('/', '%2f').replace('+', '%2B'),
      escape(key),
      JSON.stringify(key).slice(1, -1),
      key.replace('/', '\\/'),
      [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      [...key].map((c, i) => (i % 2 ? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : c)).join(''),
      // A URL inside a URL (a redirect echoed in an error), an HTML error page, a hex dump of the request.
      encodeURIComponent(encodeURIComponent(key)),
      [...key].map((c) => `&#${c.charCodeAt(0)};`).join(''),
      [...key].map((c, i) => (i % 3 ? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};` : c)).join(''),
      Buffer.from(key).toString('hex'),
      Buffer.from(key).toString('hex').toUpperCase(),
    ];
    for (const encoded of encodings) {
      const text = `error: the key ${encoded} is invalid`;
      const redacted = redact(text);
      assert.equal(redacted, 'error: the key *** is invalid', encoded);
    }
    for (const prefix of ['', 'u', 'us', 'user:']) {
      for (const encode of [(b: Buffer) => b.toString('base64'), (b: Buffer) => b.toString('base64url')]) {
        const header = `Authorization: Basic ${encode(Buffer.from(prefix + key))}`;
        const redacted = redact(header);
        assert.ok(redacted.includes('***'), header);
        // What is left of the base64 text cannot give the key back.
        for (const piece of redacted.split('***')) {
          assert.ok(!Buffer.from(piece.replace(/^Authorization: Basic /, ''), 'base64').toString('latin1').includes(key.slice(4, 16)), header);
        }
      }
    }
  });

  it('leaves text without the key alone, and keys of other users', () => {
    assert.equal(redact('nothing secret here: sk-proj-other'), 'nothing secret here: sk-proj-other');
    assert.equal(secretRedactor([])('sk-x'), 'sk-x');
    assert.equal(secretRedactor(['short'])('a short key: short'), 'a *** key: ***');
  });

  it('redacts several occurrences in one pass', () => {
    assert.equal(redact(`${key} and ${encodeURIComponent(key)}`), '*** and ***');
  });
});
