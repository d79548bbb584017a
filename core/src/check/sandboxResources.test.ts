import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { directoryUsage, effectiveLimits, memoryInUse, reserveMemory, sandboxMemoryBudgetMb, setSandboxMemoryBudgetMb, treeRssKb, watchRun } from './sandboxResources';

describe('sandbox resources', function () {
  this.timeout(20_000);
  afterEach(() => setSandboxMemoryBudgetMb(undefined));

  it('defaults the budget to half the memory, and reads INOCULATE_SANDBOX_MEMORY_MB', () => {
    assert.equal(sandboxMemoryBudgetMb(), Math.max(256, Math.floor(os.totalmem() / (2 * 1024 * 1024))));
    process.env.INOCULATE_SANDBOX_MEMORY_MB = '3000';
    try {
      assert.equal(sandboxMemoryBudgetMb(), 3000);
      process.env.INOCULATE_SANDBOX_MEMORY_MB = 'lots';
      assert.equal(sandboxMemoryBudgetMb(), Math.max(256, Math.floor(os.totalmem() / (2 * 1024 * 1024))));
    } finally {
      delete process.env.INOCULATE_SANDBOX_MEMORY_MB;
    }
  });

  it('lowers memory and process limits so that one run never exceeds the budget', () => {
    assert.deepEqual(effectiveLimits({ memoryMb: 512, maxProcesses: 8, memoryWorkdirMb: 64 }, 12_000), { memoryMb: 512, maxProcesses: 8, footprintMb: 512 * 8 + 64 });
    assert.deepEqual(effectiveLimits({ memoryMb: 4096, maxProcesses: 16, memoryWorkdirMb: 64 }, 12_000), { memoryMb: 4096, maxProcesses: 2, footprintMb: 4096 * 2 + 64 });
    assert.deepEqual(effectiveLimits({ memoryMb: 65_536, maxProcesses: 16, memoryWorkdirMb: 0 }, 12_000), { memoryMb: 12_000, maxProcesses: 1, footprintMb: 12_000 });
  });

  it('admits runs first come, first served while their footprints fit, and one alone when it does not', async () => {
    setSandboxMemoryBudgetMb(1000);
    const order: string[] = [];
    const a = await reserveMemory(600);
    const waitingB = reserveMemory(600).then((release) => (order.push('b'), release));
    const waitingC = reserveMemory(300).then((release) => (order.push('c'), release));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // C would fit beside A, but B came first: no overtaking, so a big run is not starved.
    assert.deepEqual(order, []);
    assert.deepEqual(memoryInUse(), { footprintMb: 600, runs: 1, waiting: 2 });
    a();
    const b = await waitingB;
    const c = await waitingC;
    assert.deepEqual(order, ['b', 'c']);
    b();
    c();
    const huge = await reserveMemory(5000);
    assert.deepEqual(memoryInUse(), { footprintMb: 5000, runs: 1, waiting: 0 });
    huge();
  });

  it('forgets a waiting run whose caller gives up', async () => {
    setSandboxMemoryBudgetMb(1000);
    const a = await reserveMemory(900);
    const controller = new AbortController();
    const waiting = reserveMemory(900, controller.signal);
    controller.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    assert.deepEqual(memoryInUse(), { footprintMb: 900, runs: 1, waiting: 0 });
    a();
    assert.deepEqual(memoryInUse(), { footprintMb: 0, runs: 0, waiting: 0 });
  });

  it('adds up the resident memory of a process tree, and calls out a tree over its limit', async function () {
    if (process.platform !== 'linux') this.skip();
    // A parent holding 60 MB and a child holding 60 MB.
    const hold = "const b = Buffer.alloc(60 * 1024 * 1024, 1); setInterval(() => b[0]++, 1000);";
    const parent = spawn(process.execPath, ['-e', `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(hold)}], { stdio: 'inherit' }); ${hold}`], { stdio: 'ignore', detached: true });
    try {
      let used = 0;
      for (let i = 0; i < 100 && used < 120 * 1024; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        used = treeRssKb(parent.pid!);
      }
      assert.ok(used >= 120 * 1024, `${used} kB`);
      const over = await new Promise<number>((resolve) => {
        const stop = watchRun(parent.pid!, 100 * 1024, (kb) => {
          stop();
          resolve(kb);
        });
      });
      assert.ok(over > 100 * 1024);
    } finally {
      // The parent and its child share the group the parent leads.
      process.kill(-parent.pid!, 'SIGKILL');
    }
  });

  it('measures a directory without following links, and gives up past too many entries', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inoculate-usage-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'sub', 'a.bin'), Buffer.alloc(100_000, 1));
      symlinkSync('/usr', path.join(dir, 'link'));
      const bytes = directoryUsage(dir, 100);
      assert.ok(bytes >= 100_000 && bytes < 200_000, String(bytes));
      for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `f${i}`), '');
      assert.equal(directoryUsage(dir, 10), Infinity);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
