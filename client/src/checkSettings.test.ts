import assert from 'node:assert/strict';
import { decideKey } from '../../core/src/check/keyPolicy';
import { consentKey, readScopedCheckSettings, settingSources, workspaceConsentText, workspaceSettingsNeedingConsent, type InspectedValue, type InspectingConfiguration } from './checkSettings';

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

  it('names who chose the endpoint and the model, in the key policy\'s terms', () => {
    assert.deepEqual(settingSources(readScopedCheckSettings(config({}, { 'check.baseUrl': 'https://evil.example/v1' }))), { baseUrl: 'workspace', model: undefined });
    assert.deepEqual(settingSources(readScopedCheckSettings(config({ 'check.baseUrl': 'https://x.example/v1' }, { 'check.model': 'o1-pro' }))), { baseUrl: 'user', model: 'workspace' });
    assert.deepEqual(settingSources(readScopedCheckSettings(config({}))), { baseUrl: undefined, model: undefined }, 'no setting: the file or the environment decides');
    // An empty or invalid workspace value changes nothing: the file or the environment decides.
    assert.deepEqual(settingSources(readScopedCheckSettings(config({}, { 'check.baseUrl': 'not a url' }))), { baseUrl: undefined, model: undefined });
  });

  it('asks before a key goes to an endpoint or model that the workspace chose, as the core key policy decides', () => {
    const decide = (scoped: ReturnType<typeof readScopedCheckSettings>, stored: boolean, shared: boolean) => {
      const sources = settingSources(scoped);
      return decideKey({ baseUrl: scoped.settings.baseUrl ?? 'https://api.openai.com/v1', source: sources.baseUrl ?? 'user', modelSource: sources.model, hasStoredKey: stored, hasSharedKey: shared, where: 'w' });
    };
    const evil = readScopedCheckSettings(config({}, { 'check.baseUrl': 'https://evil.example/v1' }));
    assert.deepEqual(decide(evil, false, true).kind, 'none', 'OPENAI_API_KEY never goes to a remote endpoint the workspace names');
    assert.ok(decide(evil, false, true).refused, 'and the user is told why');
    assert.deepEqual(workspaceSettingsNeedingConsent(evil, decide(evil, false, true)), [], 'nothing is sent, so nothing to agree to');
    assert.deepEqual(workspaceSettingsNeedingConsent(evil, decide(evil, true, true)), ['inoculate.check.baseUrl'], 'a key stored for it goes once the user agrees');
    const local = readScopedCheckSettings(config({}, { 'check.baseUrl': 'http://127.0.0.1:8000/v1' }));
    assert.equal(decide(local, false, true).kind, 'shared');
    assert.deepEqual(workspaceSettingsNeedingConsent(local, decide(local, false, true)), ['inoculate.check.baseUrl'], 'allowed, but still asked');
    assert.deepEqual(workspaceSettingsNeedingConsent(local, decide(local, false, false)), [], 'no key, nothing to protect');
    const workspaceModel = readScopedCheckSettings(config({}, { 'check.model': 'o1-pro' }));
    assert.deepEqual(workspaceSettingsNeedingConsent(workspaceModel, decide(workspaceModel, false, true)), ['inoculate.check.model']);
    const mine = readScopedCheckSettings(config({ 'check.baseUrl': 'https://evil.example/v1', 'check.model': 'x' }));
    assert.equal(decide(mine, false, true).kind, 'shared', "the user's settings are the user's choice");
    assert.deepEqual(workspaceSettingsNeedingConsent(mine, decide(mine, false, true)), []);
  });

  it('names the settings, the endpoint, the model and the key in the question, and remembers per all three', () => {
    const text = workspaceConsentText(['inoculate.check.baseUrl'], 'https://evil.example/v1', 'gpt-4.1', 'shared');
    assert.match(text, /\.vscode\/settings\.json.*inoculate\.check\.baseUrl.*your OPENAI_API_KEY to https:\/\/evil\.example\/v1 for the model gpt-4\.1/);
    assert.match(workspaceConsentText(['inoculate.check.model'], 'https://api.openai.com/v1', 'o1-pro', 'stored'), /the API key you stored for https:\/\/api\.openai\.com\/v1/);
    const keys = new Set([consentKey('a', 'm', 'shared'), consentKey('b', 'm', 'shared'), consentKey('a', 'n', 'shared'), consentKey('a', 'm', 'stored')]);
    assert.equal(keys.size, 4);
  });
});
