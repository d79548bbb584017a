import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectIsolation, findExecutable, probeIsolation, runSandboxed, SandboxRefusedError, type SandboxRequest } from './sandbox';

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
    assert.match(isolation.notice ?? '', process.platform === 'linux' ? /apt install bubblewrap/ : /only available on Linux/);
  });

  it('announces the weaker fallback once per host', async () => {
    const { host, warnings } = trusted();
    await runSandboxed(sh('true', { isolation: 'process' }), host);
    await runSandboxed(sh('true', { isolation: 'process' }), host);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /plain child process/);
  });

  it('uses bubblewrap where it is installed and works', async function () {
    if (process.platform !== 'linux' || !findExecutable('bwrap')) this.skip();
    const isolation = await detectIsolation();
    assert.equal(isolation.kind, 'bwrap', isolation.notice);
    const { host, warnings } = trusted();
    const result = await runSandboxed(sh('echo inside'), host);
    assert.equal(result.isolation, 'bwrap');
    assert.equal(result.stdout, 'inside\n');
    if (!isolation.notice) assert.deepEqual(warnings, []);
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

      it('works in a throwaway directory that is removed afterwards', async () => {
        const { host } = trusted();
        const result = await runSandboxed(sh('pwd; echo made > made.txt; mkdir -p sub/deeper; chmod 000 sub', { isolation: mode }), host);
        const workdir = result.stdout.trim();
        assert.ok(workdir.startsWith(path.join(os.tmpdir(), 'inoculate-sandbox-')), workdir);
        assert.equal(existsSync(workdir), false);
      });

      it('applies the memory, CPU, file-size and process limits', async () => {
        const { host } = trusted();
        const script = 'ulimit -v; ulimit -t; (ulimit -u || ulimit -p) 2>/dev/null';
        const result = await runSandboxed(
          { ...sh(script, { isolation: mode }), limits: { timeoutMs: 4000, memoryMb: 300, maxProcesses: 9 } },
          host,
        );
        assert.deepEqual(result.stdout.trim().split('\n'), [String(300 * 1024), '5', '9']);
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
});
