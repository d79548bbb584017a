import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { join } from 'node:path';
import { findExecutable } from '../sandbox';
import { createCodeTestsGrader } from './codeTests';
import { locateInterpreter, resolveInterpreter } from './pythonInterpreter';
import { testEnvironment } from './testEnvironment';

/** A folder readable by everyone (like a cloned repository), outside /tmp and the homes. */
function publicDir(prefix: string): string {
  const dir = mkdtempSync(path.join(existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}

function write(file: string, text: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
}

describe('the Python interpreter of code-tests', function () {
  this.timeout(60_000);
  const canary = `sk-inoculate-canary-${randomBytes(8).toString('hex')}`;
  let project: string;
  let markers: string;
  let savedKey: string | undefined;

  before(function () {
    if (process.platform !== 'linux') this.skip();
    savedKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = canary;
    project = publicDir('inoculate-hostile-project-');
    markers = publicDir('inoculate-markers-');
    // Each file records that it ran, and the key it could see, in a folder anyone may write to: if it stays empty,
    // nothing ran (permissions did not stop it).
    const hostile = (name: string) =>
      `import os\nopen(os.path.join(${JSON.stringify(markers)}, ${JSON.stringify(name)}), "w").write(os.environ.get("OPENAI_API_KEY", "no key"))\n`;
    for (const name of ['json.py', 'sitecustomize.py', 'usercustomize.py', 'site.py', 'ast.py', 'secrets.py', 'encodings/__init__.py', 'collections/__init__.py']) {
      write(path.join(project, name), hostile(name));
    }
    write(path.join(project, '.env'), `OPENAI_API_KEY=${canary}\n`);
    // Programs a file may name as `python`: they record the key they see, then run the real Python.
    const script = (name: string) =>
      `#!/bin/sh\necho "$OPENAI_API_KEY" > ${JSON.stringify(path.join(markers, name))}\necho "KEY=[$OPENAI_API_KEY]" >&2\nexit 3\n`;
    write(path.join(project, 'python3'), script('python3'), 0o755);
    write(path.join(project, 'tools/bin/python3'), script('tools-python3'), 0o755);
    write(path.join(project, 'node_modules/.bin/python3'), script('node_modules-python3'), 0o755);
  });

  after(() => {
    if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = savedKey;
    if (project) rmSync(project, { recursive: true, force: true });
    if (markers) rmSync(markers, { recursive: true, force: true });
  });

  it('probes python3 next to a hostile json.py, sitecustomize.py, encodings/... without running any of them', async () => {
    const interpreter = await resolveInterpreter('python3', project, testEnvironment());
    assert.match(interpreter.version, /^3\./);
    assert.deepEqual(readdirSync(markers), []);
  });

  it('grades code for that project without running its files, and nothing sees the key', async () => {
    const grader = createCodeTestsGrader({ type: 'code-tests', timeout: 10, memory: 256 }, testEnvironment({ baseDir: project }));
    const code = 'import json, os\ndef f(x):\n    return x + 1\ndef key():\n    return os.environ.get("OPENAI_API_KEY")';
    const result = await grader.grade({
      item: { visible_tests: ['assert f(1) == 2'], hidden_tests: ['assert key() is None', 'import json\nassert json.dumps(1) == "1"'] },
      messages: [],
      response: '```python\n' + code + '\n```',
      signal: new AbortController().signal,
    });
    assert.deepEqual(result, { behavior: false, capability: true, detail: 'passes all 3 tests' });
    assert.deepEqual(readdirSync(markers), []);
  });

  it('only lets a file name a Python interpreter', () => {
    for (const python of ['sh', '/bin/sh', 'node', './evil.sh', 'python3; rm -rf /', 'bash', 'pythonista', '../python3.x']) {
      assert.throws(() => locateInterpreter(python, project), /only a Python interpreter may be named/, python);
    }
    for (const python of ['python', 'python3', 'python3.12', 'pypy3', 'python3.13t']) {
      assert.throws(() => locateInterpreter(python, project, '/nonexistent'), /not found on PATH/, python);
    }
  });

  it('refuses an interpreter whose installation folder would expose the project or a home', () => {
    assert.throws(() => locateInterpreter('./python3', project), /holds the project itself/);
    assert.throws(() => locateInterpreter(path.join(os.homedir(), 'bin/python3'), project), /whole home or system folder|does not exist/);
    assert.throws(() => locateInterpreter('/python3', project), /whole home or system folder|does not exist/);
    assert.deepEqual(readdirSync(markers), []);
  });

  it('judges the installation folder by where its links lead: a link to the project (or a home) is refused', () => {
    // A repository commits `v -> .` and `v/bin/python3 -> /usr/bin/python3`: the sandbox would bind `v`, that is the
    // whole project with its .env.
    const linked = publicDir('inoculate-linked-project-');
    try {
      mkdirSync(path.join(linked, 'bin'));
      symlinkSync('/usr/bin/python3', path.join(linked, 'bin', 'python3'));
      symlinkSync('.', path.join(linked, 'v'));
      symlinkSync(os.homedir(), path.join(linked, 'h'));
      mkdirSync(path.join(linked, 'venv', 'bin'), { recursive: true });
      symlinkSync('/usr/bin/python3', path.join(linked, 'venv', 'bin', 'python3'));
      for (const python of ['./v/bin/python3', './v/v/bin/python3']) assert.throws(() => locateInterpreter(python, linked), /holds the project itself/, python);
      assert.throws(() => locateInterpreter('./h/bin/python3', linked), /whole home or system folder|does not exist/);
      // A folder of its own in the project stays usable (a .venv).
      assert.deepEqual(locateInterpreter('./venv/bin/python3', linked).roots, [path.join(linked, 'venv')]);
    } finally {
      rmSync(linked, { recursive: true, force: true });
    }
  });

  it('runs a program the file names only in the sandbox, with no key', async () => {
    await assert.rejects(resolveInterpreter('tools/bin/python3', project, testEnvironment()), (error: Error) => {
      // It ran (its stderr is quoted), but in the sandbox: no key, and it could not write outside.
      assert.match(error.message, /in the sandbox: .*KEY=\[\]/);
      assert.ok(!error.message.includes(canary));
      return true;
    });
    assert.deepEqual(readdirSync(markers), []);
  });

  it('never takes a python3 from a node_modules folder on PATH', () => {
    const real = findExecutable('python3');
    assert.ok(real, 'python3 is on PATH');
    const searchPath = [path.join(project, 'node_modules/.bin'), path.dirname(real)].join(path.delimiter);
    assert.equal(locateInterpreter('python3', project, searchPath).executable, real);
    assert.equal(findExecutable('python3', path.join(project, 'node_modules/.bin')), undefined);
    assert.equal(findExecutable('python3', 'relative/bin'), undefined);
  });

  it('exposes only the installation the probe reports, inside the folders it was shown', async () => {
    const interpreter = await resolveInterpreter('python3', project, testEnvironment());
    const { roots } = locateInterpreter('python3', project);
    for (const p of interpreter.paths) assert.ok(roots.some((root) => p === root || p.startsWith(root + '/')), p);
    assert.ok(!interpreter.paths.some((p) => p === project || p.startsWith(project + '/')));
  });

  it("uses the project's virtual environment, and only that folder of the project", async function () {
    const made = spawnSync(findExecutable('python3')!, ['-m', 'venv', '--without-pip', join(project, '.venv')], { encoding: 'utf8' });
    if (made.status !== 0) this.skip();
    const grader = createCodeTestsGrader({ type: 'code-tests', timeout: 10, memory: 256, python: '.venv/bin/python' }, testEnvironment({ baseDir: project }));
    const code = 'import os, sys\ndef prefix():\n    return sys.prefix\ndef sees(name):\n    return os.path.exists(name)';
    const result = await grader.grade({
      item: {
        visible_tests: [`assert prefix() == ${JSON.stringify(join(project, '.venv'))}`],
        hidden_tests: [`assert not sees(${JSON.stringify(join(project, '.env'))})`, `assert sees(${JSON.stringify(join(project, '.venv', 'pyvenv.cfg'))})`],
      },
      messages: [],
      response: '```python\n' + code + '\n```',
      signal: new AbortController().signal,
    });
    assert.deepEqual(result, { behavior: false, capability: true, detail: 'passes all 3 tests' });
  });

  it('says why, as root without bubblewrap, an interpreter in a private home cannot be used', async function () {
    const found = findExecutable('python3');
    if (process.getuid?.() !== 0 || !found || !found.startsWith(os.homedir() + '/')) this.skip();
    await assert.rejects(
      resolveInterpreter('python3', project, testEnvironment(), { isolation: 'process' }),
      /cannot use an interpreter inside a private home such as \/root/,
    );
  });
});
