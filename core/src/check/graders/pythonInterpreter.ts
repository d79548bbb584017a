/**
 * The Python that `code-tests` runs, found without running anything from the project outside the sandbox.
 *
 * The `python` option comes from the `.inoc` file, which is untrusted, so:
 * - it may only name a Python interpreter (`python`, `python3`, `python3.12`, `pypy3`, or a path ending in one);
 *   a bare name is looked up on the user's PATH, a path is relative to the `.inoc` file's folder;
 * - the interpreter's installation folder (two levels above the executable, e.g. a pyenv root, a virtual
 *   environment, `/opt/python3.12`) may not be a home, the root, or a folder holding the project;
 * - it is probed **inside the sandbox**, in isolated mode (`-I -S`: no PYTHON* variables, no user site, no script
 *   folder on sys.path, no site hooks), in the sandbox's empty work dir, with the sandbox's minimal environment;
 *   the probe sees only the system and that installation folder;
 * - what the probe reports (the real executable behind a shim, its prefixes and site-packages) is believed only
 *   inside that folder: those paths are all a later run may read. Everything the interpreter runs is sandboxed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { realpathSync } from 'node:fs';
import { findExecutable, runSandboxed, type SandboxHost } from '../sandbox';
import { excerpt } from './options';

/** The interpreter as the sandbox runs it. */
export interface Interpreter {
  /** Absolute path of the real interpreter (not a shim). */
  executable: string;
  version: string;
  /** What a run must be able to read: its prefixes and site-packages (empty when they are system directories). */
  paths: string[];
}

/** Names a file may give as `python` (after its last path separator). */
export const INTERPRETER_NAME = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?t?(?:\.exe)?$/i;

/** Directories every sandbox already sees. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

// Prints what a run needs: the real executable behind a shim, its version, and the folders it reads. `site` is
// imported for `getsitepackages` only; with -S its hooks (.pth files, sitecustomize) do not run.
const PROBE = [
  'import json, sys',
  'paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]',
  'try:',
  '    import site',
  '    paths += site.getsitepackages()',
  'except Exception:',
  '    pass',
  'print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "paths": paths}))',
].join('\n');

const cache = new Map<string, Promise<Interpreter>>();

/** Options of `resolveInterpreter` (tests run the probe without bubblewrap). */
export interface ResolveOptions {
  isolation?: 'auto' | 'process';
  signal?: AbortSignal;
}

/**
 * The interpreter behind `python` (from the `.inoc` file at `baseDir`), probed in the sandbox once per name, folder
 * and isolation; a failure is not remembered (the user may install Python and run again).
 */
export function resolveInterpreter(python: string, baseDir: string, host: SandboxHost, options: ResolveOptions = {}): Promise<Interpreter> {
  const key = [python, baseDir, options.isolation ?? 'auto'].join('\0');
  let found = cache.get(key);
  if (!found) {
    found = probeInterpreter(python, baseDir, host, options);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

function failure(python: string, why: string): Error {
  return new Error(`Could not run Python \`${python}\` (${why}). Set \`check.grader.python\` to a working interpreter.`);
}

/** Where the interpreter named `python` lives, and the installation folders the probe may read. */
export function locateInterpreter(python: string, baseDir: string, searchPath: string = process.env.PATH ?? ''): { executable: string; roots: string[] } {
  const name = python.split(/[\\/]/).pop() ?? '';
  if (!INTERPRETER_NAME.test(name)) {
    throw failure(python, 'only a Python interpreter may be named: `python`, `python3`, `python3.12`, `pypy3`, or a path to one');
  }
  let executable: string | undefined;
  if (/[\\/]/.test(python)) executable = path.resolve(baseDir, python);
  else executable = findExecutable(python, searchPath);
  if (!executable) throw failure(python, 'not found on PATH');
  const project = path.resolve(baseDir);
  const roots = new Set<string>();
  let real: string;
  try {
    real = realpathSync(executable);
  } catch {
    throw failure(python, `${executable} does not exist`);
  }
  const realOr = (dir: string) => {
    try {
      return realpathSync(dir);
    } catch {
      return dir;
    }
  };
  const realProject = realOr(project);
  for (const file of [executable, real]) {
    const root = path.dirname(path.dirname(file));
    // The sandbox binds the folder a link leads to: judge what it really is (a `v -> .` link in the project made
    // `./v/bin/python3` expose the whole project).
    const realRoot = realOr(root);
    if (SYSTEM_DIRS.some((dir) => realRoot === dir || isInside(realRoot, dir))) continue;
    const home = os.homedir();
    const realHome = realOr(home);
    for (const [candidate, projectDir, homeDir] of [
      [root, project, home],
      [realRoot, realProject, realHome],
    ]) {
      const depth = candidate.split(/[\\/]/).filter(Boolean).length;
      if (depth < 2 || candidate === homeDir || isInside(homeDir, candidate)) {
        throw failure(python, `its installation folder ${root} would expose a whole home or system folder to the sandbox; use an interpreter installed in a folder of its own`);
      }
      if (candidate === projectDir || isInside(projectDir, candidate)) {
        throw failure(python, `its installation folder ${root}${realRoot !== root ? ` (${realRoot})` : ''} holds the project itself, which model-generated code must not read; use an interpreter or virtual environment in a folder of its own (e.g. .venv)`);
      }
    }
    roots.add(root);
  }
  return { executable, roots: [...roots] };
}

async function probeInterpreter(python: string, baseDir: string, host: SandboxHost, options: ResolveOptions): Promise<Interpreter> {
  const { executable, roots } = locateInterpreter(python, baseDir);
  const env: Record<string, string> = {};
  // A pyenv shim picks the version from PYENV_VERSION or the global version file (not the project's .python-version:
  // the probe runs in an empty folder).
  if (process.env.PYENV_VERSION) env.PYENV_VERSION = process.env.PYENV_VERSION;
  const result = await runSandboxed(
    {
      command: executable,
      args: ['-I', '-S', '-c', PROBE],
      env,
      readablePaths: roots,
      limits: { timeoutMs: 30_000, memoryMb: 256, maxProcesses: 32, maxOutputBytes: 64 * 1024 },
      isolation: options.isolation,
      signal: options.signal,
    },
    host,
  );
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'it did not answer within 30 s' : excerpt(result.stderr.trim() || `exit code ${String(result.exitCode ?? result.signal)}`, 200);
    const hint =
      result.isolation === 'process' && process.getuid?.() === 0 && /denied/i.test(result.stderr)
        ? '; without bubblewrap the code runs as an unprivileged user id, which cannot use an interpreter inside a private home such as /root: install bubblewrap or use one like /usr/bin/python3'
        : '';
    throw failure(python, `in the sandbox: ${why}${hint}`);
  }
  let info: { executable?: unknown; version?: unknown; paths?: unknown };
  try {
    info = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as typeof info;
  } catch {
    throw failure(python, `unexpected output: ${excerpt(result.stdout, 120)}`);
  }
  if (typeof info.executable !== 'string' || !path.isAbsolute(info.executable)) throw failure(python, 'it does not report its own executable');
  const allowed = (p: string) =>
    path.isAbsolute(p) && [...SYSTEM_DIRS, ...roots].some((dir) => p === dir || isInside(p, dir));
  if (result.isolation === 'bwrap' && !allowed(info.executable)) {
    throw failure(python, `it reports an executable outside its installation: ${info.executable}`);
  }
  const reported = Array.isArray(info.paths) ? info.paths.filter((p): p is string => typeof p === 'string') : [];
  // The executable's own installation folder too: with -S a virtual environment reports its base's prefixes only
  // (site.py, which the tests do run, is what switches to the environment's own folder).
  reported.push(path.dirname(path.dirname(info.executable)));
  const paths = [...new Set(reported.map((p) => path.normalize(p)))].filter(
    (p) => allowed(p) && !SYSTEM_DIRS.some((dir) => p === dir || isInside(p, dir)),
  );
  return { executable: info.executable, version: String(info.version ?? ''), paths };
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
