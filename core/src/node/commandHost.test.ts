import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandNotFoundError } from '../train/command/host';
import { nodeCommandHost as host, shippedTemplatesDir } from './commandHost';

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('node/commandHost', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'inoc-host-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs an argument list without a shell, with input, output and exit code', async () => {
    const result = await host.run(['sh', '-c', 'read line; echo "got:$line:$1"; echo err >&2; exit 3', 'sh', '$(not run)'], { env: ENV, input: 'hello\n', timeoutMs: 5000 });
    assert.deepEqual(result, { exitCode: 3, signal: null, stdout: 'got:hello:$(not run)\n', stderr: 'err\n', timedOut: false });
  });

  it('reports a missing executable as CommandNotFoundError', async () => {
    await assert.rejects(host.run(['no-such-command-inoculate'], { env: ENV, timeoutMs: 5000 }), (error: unknown) => error instanceof CommandNotFoundError && error.command === 'no-such-command-inoculate');
  });

  it('kills the whole process group at the timeout', async () => {
    const pidFile = join(dir, 'child.pid');
    const result = await host.run(['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], { env: ENV, timeoutMs: 300 });
    assert.equal(result.timedOut, true);
    const child = Number(readFileSync(pidFile, 'utf8'));
    for (let attempt = 0; attempt < 50 && (await host.processStartTime(child)) !== undefined; attempt++) await host.sleep(50);
    assert.equal(await host.processStartTime(child), undefined, 'the grandchild died with the group');
  });

  it('starts a detached group whose start time is stable, and stops it with a group signal', async () => {
    const spawned = await host.spawnDetached(['sh', '-c', 'echo started; sleep 30'], { env: ENV, stdoutFile: join(dir, 'out.log'), stderrFile: join(dir, 'err.log') });
    assert.ok(spawned.startTime !== undefined);
    assert.equal(await host.processStartTime(spawned.pid), spawned.startTime, 'the same process reads the same start time');
    assert.ok(Math.abs(spawned.startTime - Date.now()) < 60_000, 'start times are epoch milliseconds');
    for (let attempt = 0; attempt < 200 && !(await host.readText(join(dir, 'out.log')))?.includes('started'); attempt++) await host.sleep(25);
    assert.equal(await host.signalGroup(spawned.pid, 'SIGTERM'), true);
    for (let attempt = 0; attempt < 50 && (await host.processStartTime(spawned.pid)) !== undefined; attempt++) await host.sleep(50);
    assert.equal(await host.processStartTime(spawned.pid), undefined);
    // Once the exited leader is reaped (asynchronously, by this process), the group is gone: reported, not thrown.
    let exists = true;
    for (let attempt = 0; attempt < 100 && exists; attempt++) {
      exists = await host.signalGroup(spawned.pid, 'SIGTERM');
      if (exists) await host.sleep(20);
    }
    assert.equal(exists, false, 'a gone group is reported, not thrown');
    assert.match(readFileSync(join(dir, 'out.log'), 'utf8'), /started/);
    await assert.rejects(host.signalGroup(1, 'SIGTERM'), /not a process group/);
  });

  it('writes atomically, creates exclusively, reads tails and ranges, hashes', async () => {
    const path = join(dir, 'a', 'b.txt');
    await host.writeText(path, 'one\ntwo\n');
    assert.equal(await host.readText(path), 'one\ntwo\n');
    assert.equal(await host.readText(path, 4), 'two\n');
    assert.equal(await host.readText(join(dir, 'missing')), undefined);
    assert.deepEqual(await host.readFrom(path, 4, 100), { text: 'two\n', start: 4 });
    writeFileSync(path, 'x\n');
    assert.deepEqual(await host.readFrom(path, 4, 100), { text: 'x\n', start: 0 }, 'a replaced, shorter file is read from its start');
    assert.equal(await host.createExclusive(join(dir, 'lock'), 'me'), true);
    assert.equal(await host.createExclusive(join(dir, 'lock'), 'you'), false);
    assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), 'me');
    assert.equal(await host.sha256(path), '73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac');
    assert.equal(await host.sha256(join(dir, 'missing')), undefined);
    assert.deepEqual((await host.list(dir))!.sort(), ['a', 'lock']);
    assert.equal(await host.list(join(dir, 'nope')), undefined);
  });

  it('finds executables on the given PATH only', async () => {
    assert.match((await host.which('sh', ENV)) ?? '', /\/sh$/);
    assert.equal(await host.which('sh', { PATH: dir }), undefined);
  });

  it('locates the shipped templates from the sources', () => {
    assert.match(readFileSync(join(shippedTemplatesDir(), 'trl-sft.yaml'), 'utf8'), /trl/);
  });
});
