import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsFileError } from '../check/resultsFs';
import { LOCK_STALE_MS, nodeTrainFileSystem as fs } from './nodeTrainFs';
import { LockBusyError } from './trainFs';

describe('run locks on disk (nodeTrainFs.lock)', () => {
  let root: string;
  let runDir: string;
  let lockDir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'inoculate-lock-'));
    runDir = join(root, 'runs', '0123456789abcdef');
    lockDir = join(runDir, 'record.lock');
    await mkdir(runDir, { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is held by one caller at a time: a second waits, gives up after its wait, and gets it once released', async () => {
    const first = await fs.lock(root, lockDir);
    assert.ok(existsSync(lockDir));
    await assert.rejects(fs.lock(root, lockDir, { maxWaitMs: 50 }), (error: unknown) => error instanceof LockBusyError && error.message.includes(lockDir));
    const waiting = fs.lock(root, lockDir, { maxWaitMs: 30_000 });
    await first.release();
    const second = await waiting;
    await second.release();
    await second.release(); // twice is harmless
    assert.ok(!existsSync(lockDir), 'released locks leave no folder');
  });

  it('stops waiting when the signal aborts', async () => {
    const held = await fs.lock(root, lockDir);
    const controller = new AbortController();
    const waiting = fs.lock(root, lockDir, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    await held.release();
  });

  it('takes over a lock folder not refreshed for longer than the stale time (its holder died), not a fresh one', async () => {
    await mkdir(lockDir);
    await assert.rejects(fs.lock(root, lockDir, { maxWaitMs: 50 }), LockBusyError);
    const old = new Date(Date.now() - LOCK_STALE_MS - 1_000);
    await utimes(lockDir, old, old);
    const held = await fs.lock(root, lockDir, { maxWaitMs: 50 });
    await held.release();
  });

  it('never follows a symbolic link: one in the lock folder place or above it is refused, its target untouched', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'inoculate-lock-outside-'));
    try {
      await symlink(outside, lockDir);
      const old = new Date(Date.now() - LOCK_STALE_MS - 1_000);
      await utimes(outside, old, old);
      await assert.rejects(fs.lock(root, lockDir, { maxWaitMs: 50 }), (error: unknown) => error instanceof ResultsFileError && /symbolic link/.test(error.message));
      assert.ok(existsSync(outside), 'the link target is not removed as a stale lock');
      await rm(lockDir);
      await writeFile(lockDir, 'not a lock');
      await assert.rejects(fs.lock(root, lockDir, { maxWaitMs: 50 }), /should be a (lock )?folder/);
      await rm(lockDir);

      // The run folder itself a link (a committed `.inoculate/runs/<id> -> elsewhere`).
      await rm(runDir, { recursive: true });
      await symlink(outside, runDir);
      await assert.rejects(fs.lock(root, lockDir, { maxWaitMs: 50 }), (error: unknown) => error instanceof ResultsFileError && /symbolic link/.test(error.message));
      assert.ok(!existsSync(join(outside, 'record.lock')), 'nothing created through the link');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
