import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, normalizeSettings } from './settings';

describe('server settings', () => {
  it('default anything missing or malformed', () => {
    assert.deepEqual(normalizeSettings(null), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ diagnostics: 'yes', codeLens: 3 }), DEFAULT_SETTINGS);
  });

  it('keep valid values, clamp the debounce and drop unknown severities', () => {
    const settings = normalizeSettings({
      diagnostics: { enable: false, debounce: 99999, severity: { 'off-behavior': 'off', 'hedged-request': 'loud' } },
      codeLens: { enable: false },
    });
    assert.deepEqual(settings, { diagnostics: { enable: false, debounce: 5000, severity: { 'off-behavior': 'off' } }, codeLens: { enable: false } });
  });
});
