/**
 * Runs untrusted programs (model-generated code, and any program a repository names) with limits.
 *
 * On Linux with bubblewrap the program sees an allow-list, not the machine: the system's programs and libraries
 * (`/usr` and its compatibility links, the dynamic linker's cache) and the paths it must read (a Python
 * installation), all read-only; a private, size-limited tmpfs `/tmp` as its working directory and only writable
 * place; fresh `/dev` and `/proc`; no network; its own PID, IPC and UTS namespaces; and (when we are root) a fresh
 * unprivileged user id. Projects, home directories, `/etc` and every other file of the machine are simply absent.
 *
 * Without bubblewrap it runs as a plain child process in a throwaway directory, as a fresh unprivileged user id
 * when we are root, with the same limits and environment; that is much weaker and is said so plainly, once per run.
 * `requireSandbox` refuses to run anything without bubblewrap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, constants as fsConstants, lstatSync, openSync, promises as fs, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { effectiveLimits, reserveMemory, sandboxMemoryBudgetMb, tasksOfUser, watchRun } from './sandboxResources';
import { createWorkdir, killUserProcesses, removeWorkdir, type Workdir } from './sandboxWorkdirs';

/** Resource limits for one run. */
export interface SandboxLimits {
  /** Wall-clock limit; the whole process tree is killed when it passes. */
  timeoutMs: number;
  /** Memory in MB: the address space of each process, and the resident memory of all of them together. */
  memoryMb: number;
  /** CPU-time limit per process, in seconds (default: the wall-clock limit rounded up, plus one). */
  cpuSeconds?: number;
  /** Bytes of stdout + stderr (+ the report of `runSandboxed`) kept; more kills the run (default 1 MiB). */
  maxOutputBytes?: number;
  /** Processes (and threads) the program may have at once (default 16). */
  maxProcesses?: number;
  /** Largest file the program may write, in MB (default 64). */
  maxFileMb?: number;
  /** Size of the private work dir in MB (default 64): a tmpfs under bubblewrap, watched on disk otherwise. */
  workDirMb?: number;
}

/** One program to run. */
export interface SandboxRequest {
  /** Absolute path of the program: the sandbox's PATH is minimal, and nothing is looked up through a shell. */
  command: string;
  args: string[];
  /** Files placed in the work dir before the run (plain name -> content; read-only under bubblewrap). */
  files?: Record<string, string>;
  /** Text written to the program's stdin, then closed (`runSandboxed`; `startSandboxed` hands stdin over). */
  stdin?: string;
  /** Extra environment variables (never secrets), added to the minimal base environment. */
  env?: Record<string, string>;
  /** Paths the program must be able to read (an interpreter's prefix); everything else outside `/usr` is absent. */
  readablePaths?: string[];
  limits: SandboxLimits;
  signal?: AbortSignal;
  /** `process` skips bubblewrap even where it works (only the tests of the fallback use it). */
  isolation?: 'auto' | 'process';
  /** Extra output channels the program writes to, as fd 3, 4, ... (`startSandboxed`; `runSandboxed` has one). */
  channels?: number;
}

/** What a run produced. */
export interface SandboxResult {
  /** Exit code, or null when the program was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** What the program wrote to file descriptor 3 (`runSandboxed` only). */
  report: string;
  /** Killed at the wall-clock limit. */
  timedOut: boolean;
  /** Killed because it wrote more than `maxOutputBytes` (what was kept is truncated), or its caller said so. */
  outputLimited: boolean;
  /** Killed because its processes together used more than `memoryMb`. */
  memoryLimited: boolean;
  /** Killed because its work dir on disk passed `workDirMb` (the fallback; under bubblewrap writes fail instead). */
  diskLimited: boolean;
  /** How the run was isolated. */
  isolation: IsolationKind;
}

/** A run in progress (`startSandboxed`): its stdin, its extra channels, and how it ends. */
export interface SandboxProcess {
  stdin: Writable;
  /** fd 3, 4, ... of the program, as requested by `channels`. */
  channels: Readable[];
  /** Kills the run; `output` marks it as stopped for flooding a channel. */
  kill(reason?: 'output'): void;
  result: Promise<SandboxResult>;
}

/** What the sandbox needs from its caller (a subset of the grader environment). */
export interface SandboxHost {
  /** Untrusted workspaces never run anything. */
  workspaceTrusted: boolean;
  /** Says something once per run to the user (the statement of the isolation in force). */
  warn(message: string): void;
  /** Refuse to run anything without bubblewrap (`--require-sandbox`, `inoculate.check.requireSandbox`). */
  requireSandbox?: boolean;
}

export type IsolationKind = 'bwrap' | 'process';

/** Whose user id the program runs as. */
export type Privileges = 'fresh-uid' | 'caller' | 'root';

/** How this machine can isolate a run, found once per process. */
export interface Isolation {
  kind: IsolationKind;
  /** Absolute path of `bwrap`. */
  bwrap?: string;
  /** Absolute path of `setpriv`, used (as root) to run the program under a fresh unprivileged user id. */
  setpriv?: string;
  /** Whether this bwrap accepts `--size` for its tmpfs mounts. */
  tmpfsSize: boolean;
  privileges: Privileges;
  /** Why bubblewrap is not used (the fallback only). */
  why?: string;
}

/** Thrown when a run is refused (an untrusted workspace, or no sandbox while one is required). */
export class SandboxRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxRefusedError';
  }
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const DEFAULT_MAX_PROCESSES = 16;
const DEFAULT_MAX_FILE_MB = 64;
const DEFAULT_WORKDIR_MB = 64;
const MAX_OPEN_FILES = 256;
/** After the program exits, how long stragglers may keep its pipes open before we stop listening. */
const CLOSE_GRACE_MS = 2000;
/** The first fresh user id is far above any real account or subordinate-id range. */
const SANDBOX_UID_BASE = 2_000_000_000;
/** The work dir (and HOME, TMPDIR) inside bubblewrap. */
export const SANDBOX_WORKDIR = '/tmp';
/** Directories visible read-only in every bubblewrap sandbox (with /bin, /lib... where they are links into /usr). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** The only files of /etc a sandbox sees: what the dynamic linker and the C library's time functions read. */
const ETC_FILES = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime', '/etc/alternatives'];

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
const announcedHosts = new WeakSet<object>();

/** Finds how this machine can isolate runs; probes bubblewrap once per process. */
export function detectIsolation(): Promise<Isolation> {
  detection ??= probeIsolation();
  return detection;
}

/**
 * Checks that code may run for `host` and says, once per host (one check run), what isolation is in force.
 * Throws `SandboxRefusedError` in an untrusted workspace, or without bubblewrap when the host requires it.
 */
export async function prepareSandbox(host: SandboxHost, mode: 'auto' | 'process' = 'auto'): Promise<Isolation> {
  if (!host.workspaceTrusted) {
    throw new SandboxRefusedError(
      'Refusing to run model-generated code: this workspace is not trusted. Trust the workspace to run code-based checks.',
    );
  }
  const isolation = mode === 'process' ? forcedFallback() : await detectIsolation();
  if (host.requireSandbox && isolation.kind !== 'bwrap') {
    throw new SandboxRefusedError(
      `Refusing to run code without the sandbox: ${isolation.why ?? 'bubblewrap is not available.'} The sandbox is required here (\`--require-sandbox\` or the setting \`inoculate.check.requireSandbox\`); install bubblewrap or turn the requirement off.`,
    );
  }
  if (!announcedHosts.has(host)) {
    announcedHosts.add(host);
    host.warn(describeIsolation(isolation));
  }
  return isolation;
}

/** Runs `request` to the end with its limits; rejects in an untrusted workspace or when `signal` aborts. */
export async function runSandboxed(request: SandboxRequest, host: SandboxHost): Promise<SandboxResult> {
  const maxOutput = request.limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const run = await startSandboxed({ ...request, channels: 1 }, host);
  const report: Buffer[] = [];
  let reportBytes = 0;
  run.channels[0]!.on('data', (chunk: Buffer) => {
    const room = Math.max(0, maxOutput - reportBytes);
    if (room > 0) {
      report.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      reportBytes += Math.min(room, chunk.length);
    }
    if (chunk.length > room) run.kill('output');
  });
  run.stdin.on('error', () => undefined);
  run.stdin.end(request.stdin ?? '');
  const result = await run.result;
  return { ...result, report: Buffer.concat(report).toString('utf8') };
}

/**
 * Starts `request` and hands over its stdin and channels; `result` settles when it is over. The run waits for room
 * in the shared memory budget first, unless `reserved` says the caller already holds it (`reserveSandboxRuns`).
 */
export async function startSandboxed(request: SandboxRequest, host: SandboxHost, options: { reserved?: boolean } = {}): Promise<SandboxProcess> {
  if (!path.isAbsolute(request.command)) {
    throw new Error(`The sandbox needs an absolute program path; got \`${request.command}\`.`);
  }
  for (const name of Object.keys(request.files ?? {})) {
    if (!/^[\w.-]+$/.test(name) || name === '.' || name === '..') throw new Error(`Sandbox file names must be plain names; got \`${name}\`.`);
  }
  request.signal?.throwIfAborted();
  const isolation = await prepareSandbox(host, request.isolation);
  const limits = limitsFor(isolation, request.limits);
  const release = options.reserved ? () => undefined : await reserveMemory(limits.footprintMb, request.signal);
  try {
    return await execute(isolation, request, limits, release);
  } catch (error) {
    release();
    throw error;
  }
}

/** Holds room in the memory budget for several runs started together (their footprints added up). */
export async function reserveSandboxRuns(requests: Array<Pick<SandboxRequest, 'limits' | 'isolation'>>, signal?: AbortSignal): Promise<() => void> {
  let total = 0;
  for (const request of requests) {
    const isolation = request.isolation === 'process' ? forcedFallback() : await detectIsolation();
    total += limitsFor(isolation, request.limits).footprintMb;
  }
  return reserveMemory(total, signal);
}

interface ResolvedLimits {
  memoryMb: number;
  maxProcesses: number;
  workDirMb: number;
  footprintMb: number;
}

function limitsFor(isolation: Isolation, limits: SandboxLimits): ResolvedLimits {
  const workDirMb = limits.workDirMb ?? DEFAULT_WORKDIR_MB;
  const effective = effectiveLimits({
    memoryMb: limits.memoryMb,
    maxProcesses: limits.maxProcesses ?? DEFAULT_MAX_PROCESSES,
    memoryWorkdirMb: isolation.kind === 'bwrap' ? workDirMb : 0,
  });
  return { ...effective, workDirMb };
}

function forcedFallback(): Isolation {
  return fallbackIsolation('bubblewrap was skipped on request.');
}

/** The plain-process fallback: as a fresh user id when we are root (through setpriv where installed). */
function fallbackIsolation(why: string, find: (name: string) => string | undefined = findExecutable): Isolation {
  const isRoot = process.platform !== 'win32' && process.getuid?.() === 0;
  return { kind: 'process', tmpfsSize: false, privileges: isRoot ? 'fresh-uid' : 'caller', setpriv: isRoot ? find('setpriv') : undefined, why };
}

/** The plain statement, made once per run, of how model-generated code is isolated. */
export function describeIsolation(isolation: Isolation): string {
  if (isolation.kind === 'bwrap') {
    const who =
      isolation.privileges === 'fresh-uid'
        ? 'under a fresh unprivileged user id'
        : isolation.privileges === 'root'
          ? 'AS ROOT inside the sandbox (`setpriv` was not found: the process limit does not bind root, so only the time and memory limits stop a fork bomb; install util-linux)'
          : 'under your user id';
    const tmp = isolation.tmpfsSize ? 'a private, size-limited /tmp' : 'a private /tmp without a size limit (this bubblewrap has no --size)';
    return `Sandbox for model-generated code: bubblewrap, ${who}; it sees only the system's programs and libraries and the Python installation (read-only) and ${tmp}, has no network and its own process namespace, with time, memory, process and output limits per answer (at most ${sandboxMemoryBudgetMb()} MB for all answers at once).`;
  }
  const who =
    isolation.privileges === 'fresh-uid'
      ? 'as a fresh unprivileged user id (dropped from root)'
      : `as you (user id ${process.getuid?.() ?? 'unknown'})`;
  const limits = process.platform === 'win32' ? 'time and output limits' : 'time, memory, process, work-dir size and output limits';
  const reach =
    isolation.privileges === 'fresh-uid'
      ? 'it can read every world-readable file, reach the network and this machine\'s services'
      : 'it can read and change your files (keys in your home directory included), read the environments of your processes, reach the network and this machine\'s services';
  return `Model-generated code is NOT sandboxed: ${isolation.why ?? ''} It runs as a plain child process ${who} with ${limits} only: ${reach}, and may leave processes behind. Install bubblewrap, or refuse to run without it with \`--require-sandbox\` (editor: \`inoculate.check.requireSandbox\`).`;
}

/** Probes how runs can be isolated on this machine (`find` locates executables; tests replace it). */
export async function probeIsolation(find: (name: string) => string | undefined = findExecutable): Promise<Isolation> {
  const fallback = (why: string): Isolation => fallbackIsolation(why, find);
  if (process.platform !== 'linux') return fallback(`bubblewrap is only available on Linux (this is ${process.platform}).`);
  const bwrap = find('bwrap');
  if (!bwrap) return fallback('bubblewrap (`bwrap`) is not installed (Debian/Ubuntu: `apt install bubblewrap`).');
  const isRoot = process.getuid?.() === 0;
  const setprivFound = isRoot ? find('setpriv') : undefined;
  // setpriv runs inside the sandbox, where only the system directories exist.
  const setpriv = setprivFound && SYSTEM_DIRS.some((dir) => isInside(setprivFound, dir)) ? setprivFound : undefined;
  const candidates: Isolation[] = [];
  if (setpriv) {
    candidates.push(
      { kind: 'bwrap', bwrap, setpriv, tmpfsSize: true, privileges: 'fresh-uid' },
      { kind: 'bwrap', bwrap, setpriv, tmpfsSize: false, privileges: 'fresh-uid' },
    );
  }
  const plain: Privileges = isRoot ? 'root' : 'caller';
  candidates.push({ kind: 'bwrap', bwrap, tmpfsSize: true, privileges: plain }, { kind: 'bwrap', bwrap, tmpfsSize: false, privileges: plain });
  let lastError = '';
  for (const candidate of candidates) {
    const error = await tryIsolation(candidate);
    if (error === undefined) return candidate;
    lastError = error;
  }
  return fallback(`bubblewrap is installed but could not start a sandbox here (${lastError}).`);
}

async function tryIsolation(candidate: Isolation): Promise<string | undefined> {
  try {
    const limits = limitsFor(candidate, { timeoutMs: 15_000, memoryMb: 256 });
    const run = await execute(candidate, { command: '/bin/sh', args: ['-c', 'echo sandbox-ok'], limits: { timeoutMs: 15_000, memoryMb: 256 } }, limits, () => undefined);
    run.stdin.end();
    const result = await run.result;
    if (result.exitCode === 0 && result.stdout.includes('sandbox-ok')) return undefined;
    return oneLine(result.stderr) || `exit code ${String(result.exitCode ?? result.signal)}`;
  } catch (error) {
    return (error as Error).message;
  }
}

async function execute(isolation: Isolation, request: SandboxRequest, limits: ResolvedLimits, release: () => void): Promise<SandboxProcess> {
  const freshUid = isolation.privileges === 'fresh-uid' ? SANDBOX_UID_BASE + randomInt(100_000_000) : undefined;
  const channels = request.channels ?? 0;
  let workdir: Workdir | undefined;
  let command: string;
  let args: string[];
  let cwd: string;
  let spawnUid: number | undefined;
  const files = Object.entries(request.files ?? {});
  // The process limit counts every process of the user id. Under bubblewrap (its own user id as root, a user
  // namespace otherwise) or as a fresh id, that is the sandbox's own; run as the caller without bubblewrap it would
  // count all of the user's processes, so the limit is set that many above them.
  const callerTasks = isolation.kind === 'process' && isolation.privileges === 'caller' ? tasksOfUser(process.getuid?.() ?? -1) : 0;
  const limited = limitArguments(request, { ...limits, maxProcesses: limits.maxProcesses + callerTasks });
  if (isolation.kind === 'bwrap') {
    const fileFds = files.map(([name], index) => ({ fd: 3 + channels + index, name }));
    command = isolation.bwrap!;
    args = [...bwrapArguments(isolation, request.readablePaths ?? [], fileFds, freshUid, limits.workDirMb), '/bin/sh', ...limited];
    cwd = '/';
  } else {
    workdir = await createWorkdir(freshUid);
    for (const [name, content] of files) await fs.writeFile(path.join(workdir.work, name), content, { mode: 0o644 });
    cwd = workdir.work;
    if (process.platform === 'win32') {
      command = request.command;
      args = request.args;
    } else if (freshUid !== undefined && isolation.setpriv) {
      command = isolation.setpriv;
      args = [...setprivArguments(freshUid, true), '/bin/sh', ...limited];
    } else {
      command = '/bin/sh';
      args = limited;
      // No setpriv: Node drops to the fresh id itself (setgroups, setgid, setuid) before running the shell.
      spawnUid = freshUid;
    }
  }
  const fileContents = isolation.kind === 'bwrap' ? files.map(([, content]) => content) : [];
  let proc: SandboxProcess;
  try {
    proc = spawnLimited(command, args, cwd, request, isolation.kind, limits, channels, fileContents, spawnUid, workdir);
  } catch (error) {
    if (workdir) await removeWorkdir(workdir);
    throw error;
  }
  const result = proc.result.finally(async () => {
    // Fallback as root: anything the program left running under its own id goes now (it could still be writing).
    if (isolation.kind === 'process' && freshUid !== undefined) await killUserProcesses(freshUid);
    if (workdir) await removeWorkdir(workdir);
    release();
  });
  result.catch(() => undefined);
  return { ...proc, result };
}

function limitArguments(request: SandboxRequest, limits: ResolvedLimits): string[] {
  return [
    '-c',
    LIMIT_SCRIPT,
    'inoculate-sandbox',
    process.platform === 'linux' ? '1' : '0',
    String(Math.max(1, Math.round(limits.memoryMb * 1024))),
    String(Math.max(1, Math.ceil(request.limits.cpuSeconds ?? request.limits.timeoutMs / 1000 + 1))),
    // In KiB: bash counts 1024-byte blocks, dash 512-byte ones (so the limit is half as big under dash).
    String(Math.max(1, Math.round((request.limits.maxFileMb ?? DEFAULT_MAX_FILE_MB) * 1024))),
    String(limits.maxProcesses),
    String(MAX_OPEN_FILES),
    request.command,
    ...request.args,
  ];
}

function setprivArguments(uid: number, parentDeath: boolean): string[] {
  return [
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--no-new-privs',
    ...(parentDeath ? ['--pdeathsig', 'SIGKILL'] : []),
    '--',
  ];
}

/** The bubblewrap arguments up to the program's own command. */
function bwrapArguments(
  isolation: Isolation,
  readablePaths: string[],
  fileFds: Array<{ fd: number; name: string }>,
  uid: number | undefined,
  workDirMb: number,
): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const dir of SYSTEM_DIRS.slice(1)) {
    try {
      const stat = lstatSync(dir);
      if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
      else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
    } catch {
      // Not on this system.
    }
  }
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
  args.push('--dev', '/dev', '--proc', '/proc');
  args.push('--perms', '1777', ...(isolation.tmpfsSize ? ['--size', String(workDirMb * 1024 * 1024)] : []), '--tmpfs', SANDBOX_WORKDIR);
  const created = new Set<string>();
  for (const target of exposedPaths(readablePaths)) {
    for (const ancestor of ancestorsOf(target)) {
      if (created.has(ancestor) || ancestor === SANDBOX_WORKDIR) continue;
      created.add(ancestor);
      args.push('--perms', '0755', '--dir', ancestor);
    }
    args.push('--ro-bind', target, target);
  }
  for (const { fd, name } of fileFds) args.push('--perms', '0644', '--file', String(fd), path.posix.join(SANDBOX_WORKDIR, name));
  args.push('--chdir', SANDBOX_WORKDIR);
  args.push('--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try');
  args.push('--die-with-parent', '--new-session');
  if (isolation.setpriv && uid !== undefined) {
    args.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--', isolation.setpriv, ...setprivArguments(uid, false));
  } else {
    args.push('--');
  }
  return args;
}

/**
 * The readable paths to bind: existing ones (and the targets of symlinks), minus those already visible, nested
 * ones collapsed. Refuses paths that would expose a whole home or the root of the filesystem.
 */
function exposedPaths(paths: string[]): string[] {
  const out = new Set<string>();
  const home = os.homedir();
  for (const given of paths) {
    if (!path.isAbsolute(given)) continue;
    for (const candidate of [path.normalize(given), safeRealpath(given)]) {
      if (!candidate) continue;
      try {
        statSync(candidate);
      } catch {
        continue;
      }
      if (SYSTEM_DIRS.some((dir) => candidate === dir || isInside(candidate, dir))) continue;
      const depth = candidate.split('/').filter(Boolean).length;
      if (depth < 2 || candidate === home || isInside(home, candidate)) {
        throw new Error(`Refusing to make \`${candidate}\` readable in the sandbox: it would expose a whole home or system directory.`);
      }
      out.add(candidate);
    }
  }
  const unique = [...out];
  return unique.filter((p) => !unique.some((other) => other !== p && isInside(p, other))).sort();
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** `/a/b/c` -> `/a`, `/a/b` (the directories bubblewrap must create before binding `/a/b/c`). */
function ancestorsOf(target: string): string[] {
  const parts = target.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
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

let devNull: number | undefined;

/**
 * Descriptors this process inherited without close-on-exec (Linux): a child would inherit them too, and a program
 * could write into whatever they lead to. The sandboxed program gets /dev/null in their place.
 */
function leakedDescriptors(): number[] {
  if (process.platform !== 'linux') return [];
  const leaked: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return leaked;
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || fd < 3 || fd === devNull) continue;
    try {
      const flags = parseInt(/^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);
      if (!(flags & 0o2000000)) leaked.push(fd);
    } catch {
      // Closed meanwhile (the descriptor readdir itself used is among them).
    }
  }
  return leaked;
}

function stdioFor(channels: number, files: number): Array<'pipe' | 'ignore' | number> {
  const stdio: Array<'pipe' | 'ignore' | number> = ['pipe', 'pipe', 'pipe'];
  for (let i = 0; i < channels + files; i++) stdio.push('pipe');
  const leaked = leakedDescriptors().filter((fd) => fd >= stdio.length);
  if (leaked.length) {
    devNull ??= openSync('/dev/null', 'r+');
    const highest = Math.max(...leaked);
    while (stdio.length <= highest) stdio.push('ignore');
    for (const fd of leaked) stdio[fd] = devNull;
  }
  return stdio;
}

function spawnLimited(
  command: string,
  args: string[],
  cwd: string,
  request: SandboxRequest,
  kind: IsolationKind,
  limits: ResolvedLimits,
  channels: number,
  fileContents: string[],
  uid: number | undefined,
  workdir: Workdir | undefined,
): SandboxProcess {
  const maxOutput = request.limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const homeInside = kind === 'bwrap' ? SANDBOX_WORKDIR : cwd;
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: minimalEnvironment(homeInside, request.env),
    stdio: stdioFor(channels, fileContents.length),
    // Its own process group (a new session), so the whole group can be killed at once.
    detached: process.platform !== 'win32',
    windowsHide: true,
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  const chunks: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  let kept = 0;
  let timedOut = false;
  let outputLimited = false;
  let memoryLimited = false;
  let diskLimited = false;
  let aborted = false;
  let settled = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const channelStreams = Array.from({ length: channels }, (_, i) => child.stdio[3 + i] as Readable);

  const collect = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
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
  for (const stream of [child.stdout, child.stderr, child.stdin, ...channelStreams]) {
    // A program that dies early closes its pipes under us (EPIPE); the exit status says what happened.
    (stream as NodeJS.EventEmitter | null)?.on('error', () => undefined);
  }
  fileContents.forEach((content, index) => {
    const stream = child.stdio[3 + channels + index] as Writable | null;
    stream?.on('error', () => undefined);
    stream?.end(content);
  });

  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child);
  }, request.limits.timeoutMs);
  const onAbort = () => {
    aborted = true;
    killTree(child);
  };
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = child.pid
    ? watchRun(
        child.pid,
        limits.memoryMb * 1024,
        () => {
          memoryLimited = true;
          killTree(child);
        },
        workdir ? { dir: workdir.work, limitBytes: limits.workDirMb * 1024 * 1024 } : undefined,
        () => {
          diskLimited = true;
          killTree(child);
        },
      )
    : () => undefined;

  const result = new Promise<SandboxResult>((resolve, reject) => {
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      stopWatching();
      request.signal?.removeEventListener('abort', onAbort);
      for (const stream of [child.stdout, child.stderr, ...channelStreams]) (stream as { destroy?: () => void } | null)?.destroy?.();
      if (aborted) {
        reject(request.signal?.reason instanceof Error ? request.signal.reason : new Error('The sandboxed run was aborted.'));
        return;
      }
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: Buffer.concat(chunks.stdout).toString('utf8'),
        stderr: Buffer.concat(chunks.stderr).toString('utf8'),
        report: '',
        timedOut,
        outputLimited,
        memoryLimited,
        diskLimited,
        isolation: kind,
      });
    };
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
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
  });

  return {
    stdin: child.stdin!,
    channels: channelStreams,
    kill(reason) {
      if (reason === 'output') outputLimited = true;
      killTree(child);
    },
    result,
  };
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

/**
 * The absolute path of an executable found on PATH, or undefined. Only absolute PATH entries count, and none inside
 * a `node_modules` folder (npm puts a project's `node_modules/.bin` on PATH, and a repository must not be able to
 * supply the `bwrap` or `setpriv` that runs outside the sandbox).
 */
export function findExecutable(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir) || dir.split(/[\\/]/).includes('node_modules')) continue;
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
