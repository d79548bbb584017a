import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODE_NAMES } from '../../core/src/format/diagnosticCodes';
import { Commands } from '../../core/src/language/commands';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { ACTIVATION_EVENTS, CAPABILITIES, COMMANDS, CONFIGURATION, CONTRIBUTES } from './manifest';
import { DEFAULT_CLIENT_SETTINGS } from './settings';
import { DEFAULT_TRAIN_SETTINGS } from './train/trainSettings';
import { OWNED_KEYS, syncManifest } from './syncManifest';

const root = join(__dirname, '../..');
const packageText = readFileSync(join(root, 'package.json'), 'utf8');
const manifest = JSON.parse(packageText);
const setting = (key: string) => (CONFIGURATION.properties as Record<string, { default: unknown }>)[`inoculate.${key}`]!.default;

describe('the extension manifest', () => {
  it('package.json holds exactly the declared sections (run `npx tsx client/src/syncManifest.ts` after editing manifest.ts)', () => {
    assert.deepEqual(manifest.contributes, JSON.parse(JSON.stringify(CONTRIBUTES)));
    assert.deepEqual(manifest.activationEvents, ACTIVATION_EVENTS);
    assert.deepEqual(manifest.capabilities, JSON.parse(JSON.stringify(CAPABILITIES)));
  });

  it('syncing changes only the owned keys and keeps the others in place', () => {
    const other = { name: 'x', main: './dist/client.js', contributes: { old: true }, scripts: { a: 'b' } };
    const synced = JSON.parse(syncManifest(JSON.stringify(other)));
    assert.deepEqual(Object.keys(synced), ['name', 'main', 'contributes', 'scripts', 'activationEvents', 'capabilities']);
    assert.deepEqual(synced.scripts, { a: 'b' });
    assert.deepEqual(synced.contributes, JSON.parse(JSON.stringify(CONTRIBUTES)));
    assert.deepEqual(OWNED_KEYS, ['activationEvents', 'contributes', 'capabilities']);
  });

  it('declares every command the language service puts in code lenses, each in the Inoculate category', () => {
    const declared = new Set(COMMANDS.map((c) => c.command));
    for (const id of Object.values(Commands)) assert.ok(declared.has(id), `${id} is not declared`);
    for (const c of COMMANDS) {
      assert.equal(c.category, 'Inoculate');
      assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/);
    }
  });

  it('registers every declared command in the client, and declares every registered one', () => {
    const sources = readdirSync(__dirname)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(__dirname, f), 'utf8'))
      .join('\n');
    const constants = new Map([...sources.matchAll(/export const (\w+_COMMAND) = '([\w.]+)'/g)].map((m) => [m[1]!, m[2]!]));
    const registered = new Set(
      [...sources.matchAll(/registerCommand\(\s*([\w.']+)/g)].map((m) => {
        const arg = m[1]!;
        if (arg.startsWith("'")) return arg.slice(1, -1);
        if (arg.startsWith('Commands.')) return Commands[arg.slice('Commands.'.length) as keyof typeof Commands];
        return constants.get(arg) ?? arg;
      }),
    );
    const declared = COMMANDS.map((c) => c.command).sort();
    assert.deepEqual([...registered].sort(), declared);
  });

  it('only refers to declared commands in menus, and limits file commands to .inoc editors and view commands to the Jobs view', () => {
    const declared = new Set(COMMANDS.map((c) => c.command));
    for (const [menu, items] of Object.entries(CONTRIBUTES.menus)) {
      for (const item of items) {
        assert.ok(declared.has(item.command), `${menu}: ${item.command} is not declared`);
        if (menu.startsWith('view/')) assert.match(item.when, /^view == inoculate\.jobs\b/, `${menu}: ${item.command}`);
        else if (menu !== 'explorer/context') assert.match(item.when, /editorLangId == inoculation/, `${menu}: ${item.command}`);
      }
    }
    for (const id of [Commands.runCheck, Commands.launchTraining, 'inoculate.previewTraining']) {
      const palette = CONTRIBUTES.menus.commandPalette.find((i) => i.command === id)!;
      assert.match(palette.when, /isWorkspaceTrusted/, id);
    }
    // What sends data or keys is never offered where it cannot run (launching, cancelling).
    for (const item of [...CONTRIBUTES.menus['view/title'], ...CONTRIBUTES.menus['view/item/context']]) {
      if (item.command === Commands.launchTraining || item.command === 'inoculate.cancelJob') assert.match(item.when, /isWorkspaceTrusted/, item.command);
    }
    for (const id of [Commands.launchTraining, 'inoculate.previewTraining', 'inoculate.cancelJob']) {
      assert.equal(COMMANDS.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', id);
    }
  });

  it('contributes the Jobs view in its own activity bar container with its own icon, and a welcome for each trust state', () => {
    assert.deepEqual(CONTRIBUTES.viewsContainers.activitybar, [{ id: 'inoculate', title: 'Inoculate', icon: 'media/jobs.svg' }]);
    assert.equal(CONTRIBUTES.views.inoculate[0]!.id, 'inoculate.jobs');
    const svg = readFileSync(join(root, 'media/jobs.svg'), 'utf8');
    assert.match(svg, /^<svg [^>]*viewBox="0 0 24 24"/);
    assert.match(svg, /stroke="currentColor"/, 'the activity bar tints a monochrome icon');
    assert.deepEqual(CONTRIBUTES.viewsWelcome.map((w) => w.when).sort(), ['!isWorkspaceTrusted', 'isWorkspaceTrusted']);
    assert.ok(ACTIVATION_EVENTS.includes('workspaceContains:.inoculate/runs/*/record.jsonl'), 'a reload re-attaches to jobs without opening a file');
  });

  it('declares the settings with the defaults the server and the client fall back to', () => {
    assert.equal(setting('diagnostics.enable'), DEFAULT_SETTINGS.diagnostics.enable);
    assert.equal(setting('diagnostics.debounce'), DEFAULT_SETTINGS.diagnostics.debounce);
    assert.deepEqual(setting('diagnostics.severity'), DEFAULT_SETTINGS.diagnostics.severity);
    assert.equal(setting('codeLens.enable'), DEFAULT_SETTINGS.codeLens.enable);
    assert.equal(setting('statusBar.enable'), DEFAULT_CLIENT_SETTINGS.statusBar.enable);
    assert.equal(setting('check.confirm'), DEFAULT_CLIENT_SETTINGS.check.confirm);
    assert.equal(setting('check.concurrency'), DEFAULT_CLIENT_SETTINGS.check.concurrency);
    assert.equal(setting('train.confirm'), DEFAULT_TRAIN_SETTINGS.confirm);
    assert.equal(setting('jobs.pollInterval'), DEFAULT_TRAIN_SETTINGS.pollIntervalMs / 1000);
    assert.equal(setting('trace.server'), 'off');
    for (const [key, spec] of Object.entries(CONFIGURATION.properties)) {
      assert.ok('description' in spec || 'markdownDescription' in spec, `${key} has no description`);
      if (key !== 'inoculate.trace.server') assert.equal((spec as { scope: string }).scope, 'resource', key);
    }
  });

  it('offers every diagnostic code, and only those, in the severity setting', () => {
    const severity = CONFIGURATION.properties['inoculate.diagnostics.severity'];
    assert.deepEqual(Object.keys(severity.properties).sort(), [...DIAGNOSTIC_CODE_NAMES].sort());
  });

  it('keeps the endpoint settings out of untrusted workspaces and says what is limited', () => {
    assert.equal(CAPABILITIES.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(CAPABILITIES.untrustedWorkspaces.restrictedConfigurations, ['inoculate.check.baseUrl', 'inoculate.check.model', 'inoculate.check.concurrency', 'inoculate.check.confirm', 'inoculate.check.requireSandbox', 'inoculate.train.confirm', 'inoculate.eval.confirm']);
    assert.equal(CAPABILITIES.virtualWorkspaces.supported, 'limited');
    assert.match(CAPABILITIES.untrustedWorkspaces.description, /does not run elicitation checks nor launch, follow or cancel training jobs/);
  });

  it('points at files that exist', () => {
    const files = [
      CONTRIBUTES.languages[0]!.configuration,
      CONTRIBUTES.languages[0]!.icon.light,
      CONTRIBUTES.grammars[0]!.path,
      ...CONTRIBUTES.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown)),
      'media/icon.png',
      ...CONTRIBUTES.viewsContainers.activitybar.map((c) => c.icon),
      ...CONTRIBUTES.views.inoculate.map((v) => v.icon),
    ];
    for (const file of files) assert.ok(existsSync(join(root, file)), `${file} does not exist`);
  });

  it('packages every file it points at (the .vscodeignore allow-list names each)', () => {
    const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('!'))
      .map((line) => new RegExp(`^${line.slice(1).split('**').map((part) => part.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*')}$`));
    const files = [
      CONTRIBUTES.languages[0]!.configuration,
      CONTRIBUTES.languages[0]!.icon.light,
      CONTRIBUTES.languages[0]!.icon.dark,
      CONTRIBUTES.grammars[0]!.path,
      ...CONTRIBUTES.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown)),
      manifest.icon,
      manifest.main,
      ...CONTRIBUTES.viewsContainers.activitybar.map((c) => c.icon),
      'media/lossCurve.css',
      'media/dist/lossCurve.js',
      'dist/tokenizer-o200k_base.js',
    ].map((file: string) => file.replace(/^\.\//, ''));
    const missing = files.filter((file) => !allowed.some((pattern) => pattern.test(file)));
    assert.deepEqual(missing, [], 'referenced by the manifest but left out of the .vsix');
  });

  it('ships a 128x128 PNG icon', () => {
    const png = readFileSync(join(root, 'media/icon.png'));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('embeds YAML and Python in the grammar under the scopes it declares', () => {
    const grammar = JSON.parse(readFileSync(join(root, CONTRIBUTES.grammars[0]!.path), 'utf8'));
    assert.equal(grammar.scopeName, CONTRIBUTES.grammars[0]!.scopeName);
    const text = JSON.stringify(grammar);
    for (const scope of Object.keys(CONTRIBUTES.grammars[0]!.embeddedLanguages)) assert.ok(text.includes(`"contentName":"${scope}"`), scope);
  });
});
