// Loaded by the mocha configurations: tests (and the CLI processes they start, which inherit the environment) keep
// their Inoculate config, e.g. the provenance key, in a throwaway folder instead of the user's config folder.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

if (!process.env.INOCULATE_CONFIG_DIR) {
  const dir = mkdtempSync(join(tmpdir(), 'inoculate-config-'));
  process.env.INOCULATE_CONFIG_DIR = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
