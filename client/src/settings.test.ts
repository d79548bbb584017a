import assert from 'node:assert/strict';
import { DEFAULT_CLIENT_SETTINGS, readClientSettings, type ConfigurationReader } from './settings';

const reader = (values: Record<string, unknown>): ConfigurationReader => ({
  get: <T>(section: string) => values[section] as T | undefined,
});

describe('readClientSettings', () => {
  it('gives the defaults when nothing is set', () => {
    assert.deepEqual(readClientSettings(reader({})), DEFAULT_CLIENT_SETTINGS);
  });

  it('reads every setting', () => {
    const settings = readClientSettings(
      reader({
        'statusBar.enable': false,
        'check.baseUrl': 'http://127.0.0.1:8000/v1/',
        'check.model': ' gpt-4.1-mini ',
        'check.concurrency': 4,
        'check.confirm': false,
        'check.requireSandbox': true,
      }),
    );
    assert.deepEqual(settings, {
      statusBar: { enable: false },
      check: { baseUrl: 'http://127.0.0.1:8000/v1', model: 'gpt-4.1-mini', concurrency: 4, confirm: false, requireSandbox: true },
    });
  });

  it('falls back to defaults for values of the wrong type or out of range', () => {
    const settings = readClientSettings(
      reader({
        'statusBar.enable': 'yes',
        'check.baseUrl': 'not a url',
        'check.model': '   ',
        'check.concurrency': 0,
        'check.confirm': null,
        'check.requireSandbox': 'yes',
      }),
    );
    assert.deepEqual(settings, DEFAULT_CLIENT_SETTINGS);
    assert.equal(readClientSettings(reader({ 'check.concurrency': 2.5 })).check.concurrency, null);
    assert.equal(readClientSettings(reader({ 'check.concurrency': 10_000 })).check.concurrency, 512);
    assert.equal(readClientSettings(reader({ 'check.baseUrl': 'file:///etc/passwd' })).check.baseUrl, null);
  });
});
