import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeIsolation, detectIsolation, findExecutable, probeIsolation, runSandboxed, SandboxRefusedError, type SandboxRequest } from './sandbox';
import { setSandboxMemoryBudgetMb } from './sandboxResources';

const trusted = () => {
  const warnings: string[] = [];
  return { host: { workspaceTrusted: true, warn: (message: string) => warnings.push(message) }, warnings };
};

const sh = (script: string, extra: Partial<SandboxRequest> = {}): SandboxRequest => ({
  command: '/bin/sh',
  args: ['-c', script],
  limits: { timeoutMs: 10_000, memoryMb: 256 },
  ...extra,
});

describe('sandbox', function () {
  this.timeout(30_000);

  it('refuses to run anything in an untrusted workspace', async () => {
    const marker = path.join(os.tmpdir(), `inoculate-untrusted-${process.pid}-${Date.now()}`);
    await assert.rejects(
      runSandboxed(sh(`touch ${marker}`, { isolation: 'process' }), { workspaceTrusted: false, warn: () => undefined }),
      (error: unknown) => error instanceof SandboxRefusedError && /not trusted/.test(error.message),
    );
    assert.equal(existsSync(marker), false);
  });

  it('needs an absolute program path and plain file names', async () => {
    const { host } = trusted();
    await assert.rejects(runSandboxed({ ...sh('true'), command: 'sh' }, host), /absolute program path/);
    await assert.rejects(runSandboxed(sh('true', { files: { '../escape.txt': 'x' } }), host), /plain names/);
  });

  it('says why and how to get bubblewrap when it is missing', async () => {
    const isolation = await probeIsolation(() => undefined);
    assert.equal(isolation.kind, 'process');
    assert.match(isolation.why ?? '', process.platform === 'linux' ? /apt install bubblewrap/ : /only available on Linux/);
  });

  it('announces the weaker fallback once per host, plainly', async () => {
    const { host, warnings } = trusted();
    await runSandboxed(sh('true', { isolation: 'process' }), host);
    await runSandboxed(sh('true', { isolation: 'process' }), host);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /NOT sandboxed.*plain child process/);
  });

  it('uses bubblewrap where it is installed and works', async function () {
    if (process.platform !== 'linux' || !findExecutable('bwrap')) this.skip();
    const isolation = await detectIsolation();
    assert.equal(isolation.kind, 'bwrap', isolation.why);
    const { host, warnings } = trusted();
    const result = await runSandboxed(sh('echo inside'), host);
    assert.equal(result.isolation, 'bwrap');
    assert.equal(result.stdout, 'inside\n');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Sandbox for model-generated code: bubblewrap/);
  });

  for (const mode of ['auto', 'process'] as const) {
    describe(`(${mode} isolation)`, () => {
      it('runs a program with its files, stdin and a separate report channel', async () => {
        const { host } = trusted();
        const result = await runSandboxed(
          sh('cat data.txt; read line; echo "got $line" >&2; echo reported >&3; exit 3', {
            files: { 'data.txt': 'from a file\n' },
            stdin: 'hello\n',
            isolation: mode,
          }),
          host,
        );
        assert.equal(result.exitCode, 3);
        assert.equal(result.stdout, 'from a file\n');
        assert.equal(result.stderr, 'got hello\n');
        assert.equal(result.report, 'reported\n');
        assert.equal(result.timedOut, false);
        assert.equal(result.outputLimited, false);
      });

      it('passes only a minimal environment, never the parent\'s secrets', async () => {
        const { host } = trusted();
        process.env.INOCULATE_TEST_SECRET = 'sk-should-not-leak';
        try {
          const result = await runSandboxed(sh('env', { env: { EXTRA_SETTING: 'yes' }, isolation: mode }), host);
          const names = result.stdout.trim().split('\n').map((line) => line.split('=')[0]);
          assert.ok(!result.stdout.includes('sk-should-not-leak'));
          assert.ok(names.includes('EXTRA_SETTING'));
          for (const name of names) assert.ok(['PATH', 'LANG', 'HOME', 'TMPDIR', 'PWD', 'EXTRA_SETTING', 'SHLVL', '_'].includes(name!), name);
        } finally {
          delete process.env.INOCULATE_TEST_SECRET;
        }
      });

      it('works in a throwaway directory that is removed afterwards (under bubblewrap, a tmpfs: nothing on the host)', async () => {
        const { host } = trusted();
        // Other processes on this machine may be running sandboxes too: only ours (by the marker's pid) count.
        const ours = () =>
          new Set(
            readdirSync(os.tmpdir()).filter((name) => {
              if (!name.startsWith('inoculate-sandbox-')) return false;
              try {
                return JSON.parse(readFileSync(path.join(os.tmpdir(), name, '.inoculate-sandbox'), 'utf8')).pid === process.pid;
              } catch {
                return false;
              }
            }),
          );
        const before = ours();
        const result = await runSandboxed(sh('pwd; echo made > made.txt; mkdir -p sub/deeper; chmod 000 sub; ls', { isolation: mode }), host);
        const [workdir, ...listing] = result.stdout.trim().split('\n');
        assert.deepEqual(listing, ['made.txt', 'sub']);
        if (result.isolation === 'bwrap') {
          assert.equal(workdir, '/tmp');
        } else {
          assert.ok(workdir!.startsWith(path.join(os.tmpdir(), 'inoculate-sandbox-')), workdir);
          assert.equal(existsSync(workdir!), false);
        }
        assert.deepEqual([...ours()].filter((name) => !before.has(name)), []);
      });

      it('applies the memory, CPU, file-size and process limits', async () => {
        const { host } = trusted();
        const script = 'ulimit -v; ulimit -t; (ulimit -u || ulimit -p) 2>/dev/null';
        const result = await runSandboxed(
          { ...sh(script, { isolation: mode }), limits: { timeoutMs: 4000, memoryMb: 300, maxProcesses: 9 } },
          host,
        );
        const [memory, cpu, processes] = result.stdout.trim().split('\n');
        assert.deepEqual([memory, cpu], [String(300 * 1024), '5']);
        // As the caller without bubblewrap the limit sits that many above the user's own processes.
        if (result.isolation === 'process' && process.getuid?.() !== 0) assert.ok(Number(processes) >= 9, processes);
        else assert.equal(processes, '9');
      });

      it('kills a run at the wall-clock limit', async () => {
        const { host } = trusted();
        const result = await runSandboxed({ ...sh('sleep 30', { isolation: mode }), limits: { timeoutMs: 500, memoryMb: 64 } }, host);
        assert.equal(result.timedOut, true);
        assert.notEqual(result.exitCode, 0);
      });

      it('truncates and kills a run that floods its output', async () => {
        const { host } = trusted();
        const result = await runSandboxed(
          { ...sh('yes flood', { isolation: mode }), limits: { timeoutMs: 10_000, memoryMb: 64, maxOutputBytes: 10_000 } },
          host,
        );
        assert.equal(result.outputLimited, true);
        assert.equal(result.timedOut, false);
        assert.ok(result.stdout.length <= 10_000);
        assert.ok(result.stdout.startsWith('flood\nflood\n'));
      });

      it('stops when the caller aborts', async () => {
        const { host } = trusted();
        const controller = new AbortController();
        const run = runSandboxed(sh('echo started; sleep 30', { isolation: mode, signal: controller.signal }), host);
        setTimeout(() => controller.abort(new Error('stop now')), 200);
        await assert.rejects(run, /stop now/);
      });
    });
  }

  it('refuses to run anything without bubblewrap when the sandbox is required, and says how to get it', async () => {
    const marker = path.join(os.tmpdir(), `inoculate-required-${process.pid}-${Date.now()}`);
    const warnings: string[] = [];
    await assert.rejects(
      runSandboxed(sh(`touch ${marker}`, { isolation: 'process' }), { workspaceTrusted: true, requireSandbox: true, warn: (m) => warnings.push(m) }),
      (error: unknown) => error instanceof SandboxRefusedError && /without the sandbox.*--require-sandbox.*inoculate\.check\.requireSandbox/.test(error.message),
    );
    assert.equal(existsSync(marker), false);
    assert.deepEqual(warnings, []);
  });

  it('runs as usual when the sandbox is required and bubblewrap works', async function () {
    if (process.platform !== 'linux' || (await detectIsolation()).kind !== 'bwrap') this.skip();
    const result = await runSandboxed(sh('echo fine'), { workspaceTrusted: true, requireSandbox: true, warn: () => undefined });
    assert.equal(result.stdout, 'fine\n');
  });

  it('looks for bwrap and setpriv only in absolute PATH entries outside node_modules', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inoculate-path-'));
    try {
      for (const sub of ['node_modules/.bin', 'bin']) {
        mkdirSync(path.join(dir, sub), { recursive: true });
        writeFileSync(path.join(dir, sub, 'bwrap'), '#!/bin/sh\n', { mode: 0o755 });
      }
      assert.equal(findExecutable('bwrap', [path.join(dir, 'node_modules/.bin'), 'relative/bin'].join(path.delimiter)), undefined);
      assert.equal(findExecutable('bwrap', [path.join(dir, 'node_modules/.bin'), path.join(dir, 'bin')].join(path.delimiter)), path.join(dir, 'bin', 'bwrap'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('states plainly what each kind of isolation does and does not do', () => {
    const bwrap = describeIsolation({ kind: 'bwrap', bwrap: '/usr/bin/bwrap', setpriv: '/usr/bin/setpriv', tmpfsSize: true, privileges: 'fresh-uid' });
    assert.match(bwrap, /bubblewrap, under a fresh unprivileged user id; it sees only .* no network/);
    const rootInside = describeIsolation({ kind: 'bwrap', bwrap: '/usr/bin/bwrap', tmpfsSize: true, privileges: 'root' });
    assert.match(rootInside, /AS ROOT inside the sandbox/);
    const dropped = describeIsolation({ kind: 'process', tmpfsSize: false, privileges: 'fresh-uid', why: 'bubblewrap (`bwrap`) is not installed.' });
    assert.match(dropped, /NOT sandboxed: bubblewrap .* is not installed\. It runs as a plain child process as a fresh unprivileged user id .* reach the network .*--require-sandbox/);
    const asYou = describeIsolation({ kind: 'process', tmpfsSize: false, privileges: 'caller', why: 'x.' });
    assert.match(asYou, /as you \(user id .*\).* read and change your files/);
  });

  it('drops root to a fresh unprivileged user id without bubblewrap', async function () {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) this.skip();
    const { host } = trusted();
    const result = await runSandboxed(sh('id -u; id -g; id -G', { isolation: 'process' }), host);
    const [uid, gid, groups] = result.stdout.trim().split('\n');
    assert.ok(Number(uid) >= 2_000_000_000, result.stdout + result.stderr);
    assert.equal(gid, uid);
    assert.equal(groups, gid);
  });

  it('gives the program /dev/null in place of descriptors this process inherited by accident', async function () {
    // Node itself replaces low inherited descriptors at start-up; high ones (a careless parent's) stay open.
    if (process.platform !== 'linux' || !existsSync('/usr/bin/python3')) this.skip();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inoculate-leak-'));
    try {
      const leakPath = path.join(dir, 'leaked.txt');
      writeFileSync(leakPath, '');
      const script = path.join(dir, 'run.ts');
      const write = 'import os\nfor fd in (200, 201):\n    try:\n        os.write(fd, b"from the sandbox ")\n    except OSError:\n        pass';
      writeFileSync(
        script,
        [
          `import { runSandboxed } from ${JSON.stringify(path.join(__dirname, 'sandbox'))};`,
          'const host = { workspaceTrusted: true, warn: () => undefined };',
          `const write = ${JSON.stringify(write)};`,
          "(async () => { for (const isolation of ['auto', 'process'] as const) { const r = await runSandboxed({ command: '/usr/bin/python3', args: ['-I', '-c', write], limits: { timeoutMs: 10000, memoryMb: 256 }, isolation }, host); process.stdout.write(`${isolation}:${r.exitCode}\\n`); } })();",
        ].join('\n'),
      );
      const leak = openSync(leakPath, 'a');
      // fd 200 and 201 of the child lead to the file, without close-on-exec: inherited, as from a careless parent.
      const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe'];
      while (stdio.length < 200) stdio.push('ignore');
      stdio.push(leak, leak);
      const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), script], { stdio, encoding: 'utf8', timeout: 60_000 });
      closeSync(leak);
      assert.equal(child.stdout, 'auto:0\nprocess:0\n', child.stderr);
      assert.equal(readFileSync(leakPath, 'utf8'), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs no more sandboxes at once than the memory budget holds', async () => {
    const { host } = trusted();
    const starts: Array<[number, number]> = [];
    const run = () =>
      runSandboxed({ ...sh('date +%s%N; sleep 0.3; date +%s%N', { isolation: 'process' }), limits: { timeoutMs: 10_000, memoryMb: 70, maxProcesses: 4 } }, host).then(
        (result) => {
          const [start, end] = result.stdout.trim().split('\n').map((t) => Number(BigInt(t) / 1_000_000n));
          assert.ok(start! > 0 && end! > start!, result.stdout + result.stderr);
          starts.push([start!, end!]);
        },
      );
    const overlaps = () => {
      const sorted = [...starts].sort((a, b) => a[0] - b[0]);
      return sorted.some((span, i) => i > 0 && span[0] < sorted[i - 1]![1]);
    };
    try {
      // Each run may hold 4 processes x 70 MB = 280 MB: one at a time fits in 300 MB.
      setSandboxMemoryBudgetMb(300);
      await Promise.all([run(), run(), run()]);
      assert.equal(overlaps(), false, JSON.stringify(starts));
      // The control: with room for all three (4 x 70 MB each), they do run side by side.
      starts.length = 0;
      setSandboxMemoryBudgetMb(10_000);
      await Promise.all([run(), run(), run()]);
      assert.equal(overlaps(), true, JSON.stringify(starts));
    } finally {
      setSandboxMemoryBudgetMb(undefined);
    }
  });

  it('lowers the limits of a run that alone would not fit the budget', async () => {
    const { host } = trusted();
    try {
      setSandboxMemoryBudgetMb(1000);
      const result = await runSandboxed({ ...sh('ulimit -v; ulimit -p 2>/dev/null || ulimit -u', { isolation: 'process' }), limits: { timeoutMs: 5000, memoryMb: 4000, maxProcesses: 16 } }, host);
      assert.deepEqual(result.stdout.trim().split('\n'), [String(1000 * 1024), '1']);
    } finally {
      setSandboxMemoryBudgetMb(undefined);
    }
  });

  it('under bubblewrap, the work dir is a size-limited tmpfs: a full disk is the program\'s problem, not the machine\'s', async function () {
    if (process.platform !== 'linux' || (await detectIsolation()).kind !== 'bwrap') this.skip();
    const { host } = trusted();
    const script = 'for i in 1 2 3 4 5 6; do head -c 16000000 /dev/zero > fill-$i || { echo "full at $i"; break; }; done; df -k /tmp | tail -1';
    const result = await runSandboxed({ ...sh(script), limits: { timeoutMs: 10_000, memoryMb: 256, workDirMb: 40 } }, host);
    assert.match(result.stdout, /full at 3/);
    assert.match(result.stdout, /\s40960\s/);
  });

  it('without bubblewrap, a run that fills its work dir on disk is killed', async () => {
    const { host } = trusted();
    const script = 'for i in $(seq 1 20); do head -c 8000000 /dev/zero > fill-$i; sleep 0.05; done; echo wrote-all';
    const result = await runSandboxed({ ...sh(script, { isolation: 'process' }), limits: { timeoutMs: 20_000, memoryMb: 256, workDirMb: 30 } }, host);
    assert.equal(result.diskLimited, true);
    assert.doesNotMatch(result.stdout, /wrote-all/);
  });

  it('as a normal user, lets the program fork however many processes the user already has (with and without bubblewrap)', async function () {
    // Run as nobody, who is given 40 sleeping processes first: a process limit of 8 counted over all of them would
    // forbid every fork.
    const setpriv = findExecutable('setpriv');
    if (process.platform !== 'linux' || process.getuid?.() !== 0 || !setpriv) this.skip();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inoculate-nobody-'));
    // nobody's home and temp folder for this run (tsx keeps a cache there).
    chmodSync(dir, 0o777);
    const sleepers = spawn(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', '/bin/sh', '-c', 'for i in $(seq 40); do sleep 30 & done; wait'], { stdio: 'ignore', detached: true });
    try {
      const script = path.join(dir, 'run.ts');
      writeFileSync(
        script,
        [
          `import { runSandboxed } from ${JSON.stringify(path.join(__dirname, 'sandbox'))};`,
          'const host = { workspaceTrusted: true, warn: () => undefined };',
          "const forks = 'for i in 1 2 3; do sleep 0.1 & done; wait; id -u';",
          "(async () => { for (const isolation of ['auto', 'process'] as const) { const r = await runSandboxed({ command: '/bin/sh', args: ['-c', forks], limits: { timeoutMs: 10000, memoryMb: 256, maxProcesses: 8 }, isolation }, host); process.stdout.write(`${r.isolation}:${r.exitCode}:${r.stdout.trim()}:${r.stderr.trim()}\\n`); } })();",
        ].join('\n'),
        { mode: 0o644 },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const child = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--require', require.resolve('tsx/cjs'), script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: dir, TMPDIR: dir },
        timeout: 60_000,
      });
      const isolation = (await detectIsolation()).kind;
      assert.equal(child.stdout, `${isolation}:0:65534:\nprocess:0:65534:\n`, child.stderr);
    } finally {
      try {
        process.kill(-sleepers.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
