/**
 * Runs untrusted programs (model-generated code) with limits. On Linux the program runs inside bubblewrap: a
 * read-only view of the system, no network, its own PID namespace, home directories and `/run` hidden, only a
 * throwaway working directory writable, an environment with nothing but a few harmless variables, and (when we
 * are root) a fresh unprivileged user id so the process-count limit binds. Everywhere else it runs as a plain
 * child process with the same limits and environment, which is weaker; that is announced once through `warn`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, constants as fsConstants, lstatSync, promises as fs, realpathSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Resource limits for one run. */
export interface SandboxLimits {
  /** Wall-clock limit; the whole process tree is killed when it passes. */
  timeoutMs: number;
  /** Address-space limit per process, in MB. */
  memoryMb: number;
  /** CPU-time limit per process, in seconds (default: the wall-clock limit rounded up, plus one). */
  cpuSeconds?: number;
  /** Bytes of stdout + stderr + report kept; more kills the run (default 1 MiB). */
  maxOutputBytes?: number;
  /** Processes the program may have at once (default 16). Binds under bubblewrap; root ignores it elsewhere. */
  maxProcesses?: number;
  /** Largest file the program may write, in MB (default 64). */
  maxFileMb?: number;
}

/** One program to run. */
export interface SandboxRequest {
  /** Absolute path of the program: the sandbox's PATH is minimal, and nothing is looked up through a shell. */
  command: string;
  args: string[];
  /** Files written into the throwaway working directory before the run (relative name -> content). */
  files?: Record<string, string>;
  /** Text written to the program's stdin (then closed). */
  stdin?: string;
  /** Extra environment variables (never secrets), added to the minimal base environment. */
  env?: Record<string, string>;
  /** Paths the program must be able to read although home directories are hidden (an interpreter's prefix). */
  readablePaths?: string[];
  limits: SandboxLimits;
  signal?: AbortSignal;
  /** `process` skips bubblewrap even where it works (only the tests of the fallback use it). */
  isolation?: 'auto' | 'process';
}

/** What a run produced. */
export interface SandboxResult {
  /** Exit code, or null when the program was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** What the program wrote to file descriptor 3, a channel kept apart from its output. */
  report: string;
  /** Killed at the wall-clock limit. */
  timedOut: boolean;
  /** Killed because it wrote more than `maxOutputBytes` (what was kept is truncated). */
  outputLimited: boolean;
  /** How the run was isolated. */
  isolation: IsolationKind;
}

/** What the sandbox needs from its caller (a subset of the grader environment). */
export interface SandboxHost {
  /** Untrusted workspaces never run anything. */
  workspaceTrusted: boolean;
  /** Says something once to the user (the notice of a weaker sandbox). */
  warn(message: string): void;
}

export type IsolationKind = 'bwrap' | 'process';

/** How this machine can isolate a run, found once per process. */
export interface Isolation {
  kind: IsolationKind;
  /** Absolute path of `bwrap`. */
  bwrap?: string;
  /** Absolute path of `setpriv`, used (as root) to run the program under a fresh unprivileged user id. */
  setpriv?: string;
  /** Whether this bwrap accepts `--size` for its tmpfs mounts. */
  tmpfsSize: boolean;
  /** Why isolation is weaker than the full sandbox, for the one-time notice. */
  notice?: string;
}

/** Thrown when a run is refused (an untrusted workspace). */
export class SandboxRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxRefusedError';
  }
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const DEFAULT_MAX_PROCESSES = 16;
const DEFAULT_MAX_FILE_MB = 64;
const MAX_OPEN_FILES = 256;
/** Size of each tmpfs the sandbox mounts (they live in memory). */
const TMPFS_BYTES = 64 * 1024 * 1024;
/** After the program exits, how long stragglers may keep its pipes open before we stop listening. */
const CLOSE_GRACE_MS = 2000;
/** The first fresh user id is far above any real account or subordinate-id range. */
const SANDBOX_UID_BASE = 2_000_000_000;

// Applies the limits, then replaces itself with the program. dash spells the process limit -p, bash -u. A limit
// that cannot be set is fatal on Linux (exit 125), a warning elsewhere (macOS refuses some of them).
const LIMIT_SCRIPT = [
  'strict=$1; mem=$2; cpu=$3; fsize=$4; nproc=$5; nofile=$6; shift 6',
  'fail() { echo "inoculate sandbox: cannot set the $1 limit" >&2; if [ "$strict" = 1 ]; then exit 125; fi; }',
  'ulimit -c 0 2>/dev/null',
  'ulimit -v "$mem" 2>/dev/null || fail memory',
  'ulimit -t "$cpu" 2>/dev/null || fail cpu-time',
  'ulimit -f "$fsize" 2>/dev/null || fail file-size',
  '{ ulimit -u "$nproc" || ulimit -p "$nproc"; } 2>/dev/null || fail process-count',
  'ulimit -n "$nofile" 2>/dev/null || fail open-files',
  'exec "$@"',
].join('\n');

let detection: Promise<Isolation> | undefined;
const warnedHosts = new WeakSet<object>();

/** Finds how this machine can isolate runs; probes bubblewrap once per process. */
export function detectIsolation(): Promise<Isolation> {
  detection ??= probeIsolation();
  return detection;
}

/** Runs `request` with its limits; rejects in an untrusted workspace or when `signal` aborts. */
export async function runSandboxed(request: SandboxRequest, host: SandboxHost): Promise<SandboxResult> {
  if (!host.workspaceTrusted) {
    throw new SandboxRefusedError(
      'Refusing to run model-generated code: this workspace is not trusted. Trust the workspace to run code-based checks.',
    );
  }
  if (!path.isAbsolute(request.command)) {
    throw new Error(`The sandbox needs an absolute program path; got \`${request.command}\`.`);
  }
  request.signal?.throwIfAborted();
  const isolation: Isolation =
    request.isolation === 'process'
      ? { kind: 'process', tmpfsSize: false, notice: fallbackNotice('bubblewrap was skipped on request.') }
      : await detectIsolation();
  if (isolation.notice && !warnedHosts.has(host)) {
    warnedHosts.add(host);
    host.warn(isolation.notice);
  }
  return execute(isolation, request);
}

function fallbackNotice(why: string): string {
  // Windows has no ulimit: only the wall-clock and output limits apply there.
  const limits = process.platform === 'win32' ? 'time and output limits' : 'time, memory and output limits';
  return `Model-generated code runs as a plain child process with ${limits} only: ${why} In bubblewrap (Linux) it would also get a read-only filesystem, no network, no view of your home directory and its own process namespace.`;
}

/** Probes how runs can be isolated on this machine (`find` locates executables; tests replace it). */
export async function probeIsolation(find: (name: string) => string | undefined = findExecutable): Promise<Isolation> {
  const weaker = (why: string): Isolation => ({ kind: 'process', tmpfsSize: false, notice: fallbackNotice(why) });
  if (process.platform !== 'linux') return weaker(`bubblewrap is only available on Linux (this is ${process.platform}).`);
  const bwrap = find('bwrap');
  if (!bwrap) return weaker('bubblewrap (`bwrap`) is not installed (Debian/Ubuntu: `apt install bubblewrap`).');
  const isRoot = process.getuid?.() === 0;
  const setpriv = isRoot ? find('setpriv') : undefined;
  const candidates: Isolation[] = [];
  if (setpriv) {
    candidates.push({ kind: 'bwrap', bwrap, setpriv, tmpfsSize: true }, { kind: 'bwrap', bwrap, setpriv, tmpfsSize: false });
  }
  candidates.push({ kind: 'bwrap', bwrap, tmpfsSize: true }, { kind: 'bwrap', bwrap, tmpfsSize: false });
  let lastError = '';
  for (const candidate of candidates) {
    const error = await tryIsolation(candidate);
    if (error === undefined) {
      if (isRoot && !candidate.setpriv) {
        candidate.notice =
          'Model-generated code runs in bubblewrap as root: the process-count limit does not bind root, so a fork bomb is only stopped by the time limit. Install `setpriv` (util-linux) or run as a normal user.';
      }
      return candidate;
    }
    lastError = error;
  }
  return weaker(`bubblewrap is installed but could not start a sandbox here (${lastError}).`);
}

async function tryIsolation(candidate: Isolation): Promise<string | undefined> {
  try {
    const result = await execute(candidate, {
      command: '/bin/sh',
      args: ['-c', 'echo sandbox-ok'],
      limits: { timeoutMs: 15_000, memoryMb: 256 },
    });
    if (result.exitCode === 0 && result.stdout.includes('sandbox-ok')) return undefined;
    return oneLine(result.stderr) || `exit code ${String(result.exitCode ?? result.signal)}`;
  } catch (error) {
    return (error as Error).message;
  }
}

async function execute(isolation: Isolation, request: SandboxRequest): Promise<SandboxResult> {
  const workdir = await fs.mkdtemp(path.join(os.tmpdir(), 'inoculate-sandbox-'));
  try {
    for (const [name, content] of Object.entries(request.files ?? {})) {
      const target = path.resolve(workdir, name);
      if (path.dirname(target) !== workdir) throw new Error(`Sandbox file names must be plain names; got \`${name}\`.`);
      await fs.writeFile(target, content, { mode: 0o644 });
    }
    const uid = isolation.setpriv ? SANDBOX_UID_BASE + randomInt(100_000_000) : undefined;
    if (uid !== undefined) await fs.chown(workdir, uid, uid);
    const { command, args } = commandLine(isolation, request, workdir, uid);
    return await runChild(command, args, workdir, request, isolation.kind);
  } finally {
    await removeTree(workdir);
  }
}

function commandLine(
  isolation: Isolation,
  request: SandboxRequest,
  workdir: string,
  uid: number | undefined,
): { command: string; args: string[] } {
  const { limits } = request;
  const limited = [
    '-c',
    LIMIT_SCRIPT,
    'inoculate-sandbox',
    process.platform === 'linux' ? '1' : '0',
    String(Math.max(1, Math.round(limits.memoryMb * 1024))),
    String(Math.max(1, Math.ceil(limits.cpuSeconds ?? limits.timeoutMs / 1000 + 1))),
    // In KiB: bash counts 1024-byte blocks, dash 512-byte ones (so the limit is half as big under dash).
    String(Math.max(1, Math.round((limits.maxFileMb ?? DEFAULT_MAX_FILE_MB) * 1024))),
    String(limits.maxProcesses ?? DEFAULT_MAX_PROCESSES),
    String(MAX_OPEN_FILES),
    request.command,
    ...request.args,
  ];
  if (process.platform === 'win32') return { command: request.command, args: request.args };
  if (isolation.kind === 'process') return { command: '/bin/sh', args: limited };
  return { command: isolation.bwrap!, args: [...bwrapArguments(isolation, workdir, request.readablePaths ?? [], uid), '/bin/sh', ...limited] };
}

/** The bubblewrap arguments up to (and including) the program's own command prefix. */
function bwrapArguments(isolation: Isolation, workdir: string, readablePaths: string[], uid: number | undefined): string[] {
  const tmpfs = (target: string) => (isolation.tmpfsSize ? ['--size', String(TMPFS_BYTES), '--tmpfs', target] : ['--tmpfs', target]);
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', ...tmpfs('/tmp')];
  const readable = expandReadable(readablePaths);
  const hidden = hiddenRoots().filter((root) => !readable.some((p) => p === root || isInside(root, p)));
  for (const root of hidden) args.push(...tmpfs(root));
  const mounts = ['/tmp', ...hidden];
  const exposed = collapseNested(readable.filter((p) => hidden.some((root) => isInside(p, root))));
  for (const target of exposed) args.push(...parentDirs(target, mounts), '--ro-bind', target, target);
  args.push(...parentDirs(workdir, mounts), '--bind', workdir, workdir, '--chdir', workdir);
  args.push('--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try');
  args.push('--die-with-parent', '--new-session');
  if (isolation.setpriv && uid !== undefined) {
    args.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--', isolation.setpriv);
    args.push(`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--no-new-privs', '--');
  } else {
    args.push('--');
  }
  return args;
}

/** Directories that may hold secrets (dotfiles with keys, sockets): replaced by empty tmpfs mounts. */
function hiddenRoots(): string[] {
  const candidates = ['/root', '/home', '/run', os.homedir()];
  const roots: string[] = [];
  for (const candidate of candidates) {
    if (!candidate || candidate === '/' || !path.isAbsolute(candidate)) continue;
    try {
      if (!lstatSync(candidate).isDirectory()) continue;
    } catch {
      continue;
    }
    if (roots.some((root) => root === candidate || isInside(candidate, root))) continue;
    roots.push(candidate);
  }
  return roots.filter((root) => !roots.some((other) => other !== root && isInside(root, other)));
}

/** The readable paths and, for symlinks, their targets (only existing ones). */
function expandReadable(paths: string[]): string[] {
  const out = new Set<string>();
  for (const given of paths) {
    if (!path.isAbsolute(given)) continue;
    try {
      statSync(given);
    } catch {
      continue;
    }
    out.add(path.normalize(given));
    try {
      out.add(realpathSync(given));
    } catch {
      // The path exists but cannot be resolved further; binding it as given is enough.
    }
  }
  return [...out];
}

function collapseNested(paths: string[]): string[] {
  const unique = [...new Set(paths)];
  return unique.filter((p) => !unique.some((other) => other !== p && isInside(p, other)));
}

/** `--dir` arguments for the ancestors of `target` that lie inside one of our tmpfs mounts (so bwrap makes them 0755). */
function parentDirs(target: string, mounts: string[]): string[] {
  const mount = mounts.filter((m) => isInside(target, m)).sort((a, b) => b.length - a.length)[0];
  if (!mount) return [];
  const out: string[] = [];
  let dir = path.dirname(target);
  const chain: string[] = [];
  while (dir !== mount && isInside(dir, mount)) {
    chain.unshift(dir);
    dir = path.dirname(dir);
  }
  for (const d of chain) out.push('--perms', '0755', '--dir', d);
  return out;
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function minimalEnvironment(workdir: string, extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: process.platform === 'darwin' ? 'en_US.UTF-8' : 'C.UTF-8',
    HOME: workdir,
    TMPDIR: workdir,
  };
  if (process.platform === 'win32') {
    // Windows programs do not start without these; none of them is a secret.
    for (const name of ['SystemRoot', 'WINDIR', 'COMSPEC', 'PATHEXT', 'PATH']) {
      const value = process.env[name];
      if (value) env[name] = value;
    }
    env.TEMP = workdir;
    env.TMP = workdir;
  }
  return { ...env, ...extra };
}

function runChild(
  command: string,
  args: string[],
  workdir: string,
  request: SandboxRequest,
  kind: IsolationKind,
): Promise<SandboxResult> {
  const maxOutput = request.limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: workdir,
        env: minimalEnvironment(workdir, request.env),
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        // Its own process group (a new session), so the whole group can be killed at once.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      reject(error as Error);
      return;
    }
    const chunks: Record<'stdout' | 'stderr' | 'report', Buffer[]> = { stdout: [], stderr: [], report: [] };
    let kept = 0;
    let timedOut = false;
    let outputLimited = false;
    let aborted = false;
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;

    const collect = (name: 'stdout' | 'stderr' | 'report') => (chunk: Buffer) => {
      const room = maxOutput - kept;
      if (room > 0) {
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks[name].push(piece);
        kept += piece.length;
      }
      if (chunk.length > room && !outputLimited) {
        outputLimited = true;
        killTree(child);
      }
    };
    child.stdout!.on('data', collect('stdout'));
    child.stderr!.on('data', collect('stderr'));
    const reportStream = child.stdio[3] as NodeJS.ReadableStream | null;
    reportStream?.on('data', collect('report'));
    for (const stream of [child.stdout, child.stderr, reportStream, child.stdin]) {
      // A program that dies early closes its pipes under us (EPIPE); the exit status says what happened.
      (stream as NodeJS.EventEmitter | null)?.on('error', () => undefined);
    }

    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, request.limits.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killTree(child);
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      request.signal?.removeEventListener('abort', onAbort);
      for (const stream of [child.stdout, child.stderr, reportStream]) (stream as { destroy?: () => void } | null)?.destroy?.();
      if (aborted) {
        reject(request.signal?.reason instanceof Error ? request.signal.reason : new Error('The sandboxed run was aborted.'));
        return;
      }
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: Buffer.concat(chunks.stdout).toString('utf8'),
        stderr: Buffer.concat(chunks.stderr).toString('utf8'),
        report: Buffer.concat(chunks.report).toString('utf8'),
        timedOut,
        outputLimited,
        isolation: kind,
      });
    };

    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      killTree(child);
      reject(new Error(`Could not start \`${command}\`: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the program left behind in its group goes with it; under bubblewrap the namespace is already gone.
      killTree(child);
      // Descendants that left the group (fallback only) may hold the pipes open: stop waiting for them.
      graceTimer = setTimeout(finish, CLOSE_GRACE_MS);
    });
    child.on('close', finish);

    if (request.stdin !== undefined) child.stdin!.end(request.stdin);
    else child.stdin!.end();
  });
}

function killTree(child: ChildProcess): void {
  if (!child.pid) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

async function removeTree(dir: string): Promise<void> {
  try {
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // The program may have removed its own permissions; give them back and try once more.
    await restorePermissions(dir);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function restorePermissions(dir: string): Promise<void> {
  await fs.chmod(dir, 0o700).catch(() => undefined);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await restorePermissions(path.join(dir, entry.name));
  }
}

/** The absolute path of an executable found on PATH (or the usual system directories), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ').slice(0, 300);
}
