import assert from 'node:assert/strict';
import { consentKey, readScopedCheckSettings, workspaceConsentText, workspaceSettingsNeedingConsent, type InspectedValue, type InspectingConfiguration } from './checkSettings';

const DEFAULTS: Record<string, unknown> = { 'check.baseUrl': '', 'check.model': '', 'check.concurrency': null, 'check.confirm': true };

/** A configuration as VS Code's `inspect` reports it: defaults, user values and workspace (or folder) values. */
const config = (user: Record<string, unknown>, workspace: Record<string, unknown> = {}, folder: Record<string, unknown> = {}): InspectingConfiguration => ({
  inspect: <T>(section: string): InspectedValue<T> => ({
    defaultValue: DEFAULTS[section] as T,
    globalValue: user[section] as T | undefined,
    workspaceValue: workspace[section] as T | undefined,
    workspaceFolderValue: folder[section] as T | undefined,
  }),
});

describe('check settings and their scopes', () => {
  it('applies the most specific value and says who set it', () => {
    const scoped = readScopedCheckSettings(config({ 'check.baseUrl': 'http://127.0.0.1:8000/v1', 'check.model': 'mine' }, { 'check.model': 'theirs' }));
    assert.equal(scoped.settings.baseUrl, 'http://127.0.0.1:8000/v1');
    assert.equal(scoped.settings.model, 'theirs');
    assert.deepEqual(scoped.scopes, { baseUrl: 'user', model: 'workspace', concurrency: 'default' });
    const folder = readScopedCheckSettings(config({}, {}, { 'check.baseUrl': 'https://evil.example/v1' }));
    assert.equal(folder.settings.baseUrl, 'https://evil.example/v1');
    assert.equal(folder.scopes.baseUrl, 'workspace', 'a workspace folder is the workspace too');
  });

  it('never lets a workspace switch the confirmation off, but lets it switch it on', () => {
    const off = readScopedCheckSettings(config({}, { 'check.confirm': false }));
    assert.equal(off.settings.confirm, true);
    assert.equal(off.workspaceConfirmIgnored, true);
    assert.equal(readScopedCheckSettings(config({}, {}, { 'check.confirm': false })).settings.confirm, true);
    const userOff = readScopedCheckSettings(config({ 'check.confirm': false }));
    assert.equal(userOff.settings.confirm, false, "the user's own choice holds");
    assert.equal(userOff.workspaceConfirmIgnored, false);
    assert.equal(readScopedCheckSettings(config({ 'check.confirm': false }, { 'check.confirm': true })).settings.confirm, true);
  });

  it('asks before a key goes to an endpoint or model that the workspace chose', () => {
    const workspaceEndpoint = readScopedCheckSettings(config({}, { 'check.baseUrl': 'https://evil.example/v1' }));
    assert.deepEqual(workspaceSettingsNeedingConsent(workspaceEndpoint, 'shared'), ['inoculate.check.baseUrl']);
    assert.deepEqual(workspaceSettingsNeedingConsent(workspaceEndpoint, 'stored'), ['inoculate.check.baseUrl']);
    assert.deepEqual(workspaceSettingsNeedingConsent(workspaceEndpoint, 'none'), [], 'no key, nothing to protect');
    const workspaceModel = readScopedCheckSettings(config({}, { 'check.model': 'o1-pro' }));
    assert.deepEqual(workspaceSettingsNeedingConsent(workspaceModel, 'shared'), ['inoculate.check.model']);
    const mine = readScopedCheckSettings(config({ 'check.baseUrl': 'https://evil.example/v1', 'check.model': 'x' }));
    assert.deepEqual(workspaceSettingsNeedingConsent(mine, 'shared'), [], "the user's settings are the user's choice");
    // An empty or invalid workspace value changes nothing, so there is nothing to agree to.
    assert.deepEqual(workspaceSettingsNeedingConsent(readScopedCheckSettings(config({}, { 'check.baseUrl': 'not a url' })), 'shared'), []);
  });

  it('names the settings, the endpoint, the model and the key in the question, and remembers per all three', () => {
    const text = workspaceConsentText(['inoculate.check.baseUrl'], 'https://evil.example/v1', 'gpt-4.1', 'shared');
    assert.match(text, /\.vscode\/settings\.json.*inoculate\.check\.baseUrl.*your OPENAI_API_KEY to https:\/\/evil\.example\/v1 for the model gpt-4\.1/);
    assert.match(workspaceConsentText(['inoculate.check.model'], 'https://api.openai.com/v1', 'o1-pro', 'stored'), /the API key you stored for https:\/\/api\.openai\.com\/v1/);
    const keys = new Set([consentKey('a', 'm', 'shared'), consentKey('b', 'm', 'shared'), consentKey('a', 'n', 'shared'), consentKey('a', 'm', 'stored')]);
    assert.equal(keys.size, 4);
  });
});
