import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkdir, MARKER_NAME, PARTIAL_MARKER_NAME, processesOfUser, processStart, removeStaleWorkdirs, removeWorkdir, WORKDIR_PREFIX } from './sandboxWorkdirs';

/** A pid that is certainly not running: a child that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('sandbox work dirs', function () {
  this.timeout(20_000);
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'inoculate-workdirs-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** A directory shaped like ours, with a marker naming `pid` (and `started`, `uid`). */
  function leftover(name: string, marker: Record<string, unknown> | undefined): string {
    const dir = path.join(tmp, `${WORKDIR_PREFIX}${name}`);
    mkdirSync(path.join(dir, 'work'), { recursive: true });
    writeFileSync(path.join(dir, 'work', 'solution.py'), 'print(1)\n');
    if (marker) writeFileSync(path.join(dir, MARKER_NAME), JSON.stringify({ kind: 'inoculate-sandbox-workdir', started: null, uid: null, ...marker }));
    return dir;
  }

  it('creates a marked directory, and removes it', async () => {
    const workdir = await createWorkdir();
    assert.ok(path.basename(workdir.root).startsWith(WORKDIR_PREFIX));
    const marker = JSON.parse(readFileSync(path.join(workdir.root, MARKER_NAME), 'utf8'));
    assert.equal(existsSync(path.join(workdir.root, PARTIAL_MARKER_NAME)), false, 'the marker is renamed into place');
    assert.equal(marker.pid, process.pid);
    assert.equal(marker.started, processStart(process.pid));
    assert.ok(existsSync(workdir.work));
    await removeWorkdir(workdir);
    assert.equal(existsSync(workdir.root), false);
  });

  it('removes what a killed run left behind, and only that', async () => {
    const dead = leftover('dead', { pid: deadPid() });
    const alive = leftover('alive', { pid: process.pid, started: processStart(process.pid) });
    const sleeper = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    setTimeout(() => sleeper.kill('SIGKILL'), 10_000).unref();
    const running = leftover('running', { pid: sleeper.pid, started: null });
    const reused = leftover('reused', { pid: sleeper.pid, started: '1' });
    const unmarked = leftover('unmarked', undefined);
    const forged = leftover('forged', undefined);
    writeFileSync(path.join(forged, MARKER_NAME), JSON.stringify({ kind: 'something else', pid: deadPid() }));
    const other = path.join(tmp, 'not-ours');
    mkdirSync(other);
    writeFileSync(path.join(other, MARKER_NAME), JSON.stringify({ kind: 'inoculate-sandbox-workdir', pid: deadPid() }));
    // Killed before the marker was written: an empty directory, removed once it is a minute old.
    const emptyOld = path.join(tmp, `${WORKDIR_PREFIX}empty-old`);
    const emptyNew = path.join(tmp, `${WORKDIR_PREFIX}empty-new`);
    mkdirSync(emptyOld);
    mkdirSync(emptyNew);
    // Killed while writing the marker: only the partial file, removed like an empty directory once a minute old.
    const partialOld = path.join(tmp, `${WORKDIR_PREFIX}partial-old`);
    const partialNew = path.join(tmp, `${WORKDIR_PREFIX}partial-new`);
    const partialPlus = path.join(tmp, `${WORKDIR_PREFIX}partial-plus`);
    for (const dir of [partialOld, partialNew, partialPlus]) {
      mkdirSync(dir);
      writeFileSync(path.join(dir, PARTIAL_MARKER_NAME), '{"kind":"inoculate-sa');
    }
    writeFileSync(path.join(partialPlus, 'other'), 'not from a marker write');
    for (const dir of [emptyOld, partialOld, partialPlus]) utimesSync(dir, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const removed = await removeStaleWorkdirs(tmp, async () => undefined);
    // A pid that is running but started at another time is not the process that made the directory.
    assert.deepEqual(removed.sort(), [dead, emptyOld, partialOld, reused].sort());
    assert.ok(existsSync(emptyNew));
    assert.ok(existsSync(partialNew) && existsSync(partialPlus), 'a young or a fuller unmarked directory stays');
    for (const dir of [alive, running, unmarked, forged, other]) assert.ok(existsSync(dir), dir);
    sleeper.kill('SIGKILL');
  });

  it('never follows symlinks: not a linked directory, not a linked marker, not links inside', async () => {
    const outside = path.join(tmp, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'precious.txt'), 'keep me');
    // A link named like ours, pointing at a directory with a valid-looking marker.
    writeFileSync(path.join(outside, MARKER_NAME), JSON.stringify({ kind: 'inoculate-sandbox-workdir', pid: deadPid() }));
    symlinkSync(outside, path.join(tmp, `${WORKDIR_PREFIX}link`));
    // A directory of ours whose marker is a link.
    const linkedMarker = leftover('linked-marker', undefined);
    symlinkSync(path.join(outside, MARKER_NAME), path.join(linkedMarker, MARKER_NAME));
    // A stale directory of ours holding links to the outside (as the program may leave).
    const stale = leftover('stale', { pid: deadPid() });
    symlinkSync(outside, path.join(stale, 'work', 'escape'));
    symlinkSync(path.join(outside, 'precious.txt'), path.join(stale, 'work', 'file-link'));
    const removed = await removeStaleWorkdirs(tmp, async () => undefined);
    assert.deepEqual(removed, [stale]);
    assert.equal(readFileSync(path.join(outside, 'precious.txt'), 'utf8'), 'keep me');
    assert.ok(existsSync(path.join(outside, MARKER_NAME)));
    assert.ok(existsSync(path.join(tmp, `${WORKDIR_PREFIX}link`)));
    assert.ok(existsSync(linkedMarker));
  });

  it('leaves directories owned by another user alone', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const foreign = leftover('foreign', { pid: deadPid() });
    chownSync(foreign, 12345, 12345);
    assert.deepEqual(await removeStaleWorkdirs(tmp, async () => undefined), []);
    assert.ok(existsSync(foreign));
  });

  it("kills the leftover processes of the run's own user id before removing its directory", async function () {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) this.skip();
    const uid = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
    const straggler = spawn('/bin/sleep', ['300'], { uid, gid: uid, stdio: 'ignore', detached: true });
    straggler.unref();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(processesOfUser(uid), [straggler.pid]);
      const dir = leftover('with-straggler', { pid: deadPid(), uid });
      assert.deepEqual(await removeStaleWorkdirs(tmp), [dir]);
      assert.deepEqual(processesOfUser(uid), []);
    } finally {
      straggler.kill('SIGKILL');
    }
  });
});
