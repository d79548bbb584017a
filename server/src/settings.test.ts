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

describe('server settings and the manifest', () => {
  it('use the defaults package.json declares (the one declaration users see)', () => {
    const manifest = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, '../../package.json'), 'utf8'));
    const declared = manifest.contributes.configuration.properties as Record<string, { default: unknown; scope?: string }>;
    assert.equal(declared['inoculate.diagnostics.enable']!.default, DEFAULT_SETTINGS.diagnostics.enable);
    assert.equal(declared['inoculate.diagnostics.debounce']!.default, DEFAULT_SETTINGS.diagnostics.debounce);
    assert.deepEqual(declared['inoculate.diagnostics.severity']!.default, DEFAULT_SETTINGS.diagnostics.severity);
    assert.equal(declared['inoculate.codeLens.enable']!.default, DEFAULT_SETTINGS.codeLens.enable);
    for (const key of ['inoculate.diagnostics.enable', 'inoculate.diagnostics.debounce', 'inoculate.diagnostics.severity', 'inoculate.codeLens.enable']) {
      assert.equal(declared[key]!.scope, 'resource', `${key} is read per resource`);
    }
  });
});
