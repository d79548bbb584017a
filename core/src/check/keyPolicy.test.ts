import * as assert from 'node:assert/strict';
import { isLoopbackHost, maySendSharedKey, sharedKeyRefusal } from './keyPolicy';

describe('shared API key policy', () => {
  it('sends the key anywhere the user chose', () => {
    assert.ok(maySendSharedKey('https://openrouter.ai/api/v1', 'user'));
  });

  it('sends it to an endpoint named in a file only when it is OpenAI or local', () => {
    assert.ok(maySendSharedKey('https://api.openai.com/v1', 'file'));
    assert.ok(maySendSharedKey('http://localhost:8000/v1', 'file'));
    assert.ok(maySendSharedKey('http://127.0.0.1:11434/v1', 'file'));
    assert.ok(maySendSharedKey('http://[::1]:8080/v1', 'file'));
    assert.ok(!maySendSharedKey('https://attacker.example/v1', 'file'));
    assert.ok(!maySendSharedKey('https://api.openai.com.attacker.example/v1', 'file'));
    assert.ok(!maySendSharedKey('not a url', 'file'));
  });

  it('recognises loopback hosts only', () => {
    assert.deepEqual(['localhost', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '10.0.0.1', 'localhost.example'].map(isLoopbackHost), [true, true, true, true, true, false, false]);
  });

  it('says how to proceed', () => {
    assert.match(sharedKeyRefusal('https://x.example/v1', 'a.inoc'), /--base-url https:\/\/x\.example\/v1/);
  });
});
