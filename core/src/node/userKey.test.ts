import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadUserKey, userConfigDir, userProvenance, UserKeyError } from './userKey';

describe('the user key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inoculate-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const env = (sub = 'config') => ({ INOCULATE_CONFIG_DIR: join(dir, sub) });

  it('lives in the user config folder of each platform, or INOCULATE_CONFIG_DIR', () => {
    assert.equal(userConfigDir({ INOCULATE_CONFIG_DIR: '/x' }, 'linux'), '/x');
    assert.equal(userConfigDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux'), join('/xdg', 'inoculate'));
    assert.match(userConfigDir({}, 'linux'), /\.config[\\/]inoculate$/);
    assert.match(userConfigDir({}, 'darwin'), /Library[\\/]Application Support[\\/]inoculate$/);
    assert.equal(userConfigDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\u\\AppData\\Roaming', 'inoculate'));
  });

  it('is made once, readable by the user only, and the same afterwards (also when made concurrently)', async function () {
    if (process.platform === 'win32') this.skip();
    assert.equal(await loadUserKey({ create: false, env: env() }), undefined);
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadUserKey({ create: true, env: env() })));
    assert.ok(keys.every((key) => key!.equals(keys[0]!)), 'one key, whoever made it');
    assert.equal(keys[0]!.length, 32);
    assert.equal((await stat(join(dir, 'config', 'provenance.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'config'))).mode & 0o777, 0o700);
    assert.ok((await loadUserKey({ create: false, env: env() }))!.equals(keys[0]!));
    assert.equal((await readFile(join(dir, 'config', 'provenance.key'), 'utf8')).trim(), keys[0]!.toString('hex'));
  });

  it('says what to do with a damaged key file', async () => {
    await writeFile(join(dir, 'provenance.key'), 'not a key');
    await assert.rejects(loadUserKey({ create: true, env: { INOCULATE_CONFIG_DIR: dir } }), (error: Error) => error instanceof UserKeyError && /is not an Inoculate key .* Delete it/.test(error.message));
  });

  it('gives different users different signatures', async () => {
    const a = await userProvenance({ create: true, env: env('a') });
    const b = await userProvenance({ create: true, env: env('b') });
    assert.notEqual(a!.keyId, b!.keyId);
    assert.equal(a!.verify('summary', 'x', b!.sign('summary', 'x')), false);
    assert.equal(await userProvenance({ create: false, env: env('none') }), undefined);
  });
});
