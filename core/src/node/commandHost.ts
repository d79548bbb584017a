/**
 * The Node implementation of `CommandHost`: argument lists through `child_process.spawn` (never a shell), detached
 * process groups (`detached: true` is setsid(2) on POSIX), process start times from /proc (Linux) or `ps` (elsewhere),
 * and atomic file writes for the run folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants as fsConstants, copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { CommandNotFoundError, type CommandHost, type DetachedProcess, type RunOptions, type RunResult, type SpawnDetachedOptions } from '../train/command/host';

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
/** After a timeout's SIGTERM, how long the group has before SIGKILL. */
const KILL_GRACE_MS = 2000;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Collects a stream up to `limit` bytes (the start is kept: scheduler ids and JSON come first). */
function collector(limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk: Buffer) {
      if (size >= limit) return;
      const piece = chunk.subarray(0, limit - size);
      chunks.push(piece);
      size += piece.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const [command, ...args] = argv;
  if (!command) throw new Error('empty command');
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
  return new Promise<RunResult>((resolve, reject) => {
    // Own process group, so a timeout or an abort also stops what the command started (sky, kubectl plugins...).
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const stdout = collector(limit);
    const stderr = collector(limit);
    let timedOut = false;
    let settled = false;
    const stop = () => {
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      action();
    };
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => finish(() => reject(isMissing(error) ? new CommandNotFoundError(command) : error)));
    child.on('close', (code, signal) => {
      finish(() => {
        if (options.signal?.aborted) reject(options.signal.reason ?? new Error('aborted'));
        else resolve({ exitCode: code, signal, stdout: stdout.text(), stderr: stderr.text(), timedOut });
      });
    });
    child.stdin.on('error', () => undefined); // a command that does not read its input closes the pipe early
    child.stdin.end(options.input ?? '');
  });
}

async function spawnDetached(argv: readonly string[], options: SpawnDetachedOptions): Promise<DetachedProcess> {
  const [command, ...args] = argv;
  if (!command) throw new Error('empty command');
  await mkdir(dirname(options.stdoutFile), { recursive: true });
  await mkdir(dirname(options.stderrFile), { recursive: true });
  const out = await open(options.stdoutFile, 'a');
  const err = await open(options.stderrFile, 'a');
  try {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out.fd, err.fd], detached: true });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (error) => reject(isMissing(error) ? new CommandNotFoundError(command) : error));
    });
    child.unref();
    return { pid, startTime: await processStartTime(pid) };
  } finally {
    await out.close();
    await err.close();
  }
}

let linuxClock: { bootMs: number; ticksPerSecond: number } | undefined;

/** Boot time and clock ticks, read once: start times computed from them are identical on every call. */
async function linuxClockInfo() {
  if (!linuxClock) {
    const stat = await readFile('/proc/stat', 'utf8');
    const btime = Number(/^btime\s+(\d+)/m.exec(stat)?.[1]);
    let ticks = 100;
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // getconf missing: 100 is the Linux default.
    }
    linuxClock = { bootMs: btime * 1000, ticksPerSecond: ticks };
  }
  return linuxClock;
}

async function processStartTime(pid: number): Promise<number | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // exited, not yet reaped
    const ticks = Number(fields[19]);
    if (!Number.isFinite(ticks)) return undefined;
    const clock = await linuxClockInfo();
    return clock.bootMs + Math.round((ticks * 1000) / clock.ticksPerSecond);
  }
  const result = await run(['ps', '-o', 'stat=,lstart=', '-p', String(pid)], { env: { PATH: '/bin:/usr/bin', LC_ALL: 'C' }, timeoutMs: 10_000 }).catch(() => undefined);
  const line = result?.exitCode === 0 ? result.stdout.trim() : '';
  if (!line || line.startsWith('Z')) return undefined;
  const started = Date.parse(line.replace(/^\S+\s+/, ''));
  return Number.isFinite(started) ? started : undefined;
}

async function signalGroup(pgid: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<boolean> {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) throw new Error(`not a process group: ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function which(command: string, env: Record<string, string>): Promise<string | undefined> {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    if (!isAbsolute(candidate)) continue;
    try {
      await access(candidate, fsConstants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readText(path: string, maxBytes?: number): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const length = maxBytes === undefined ? size : Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function readFrom(path: string, offset: number, maxBytes: number): Promise<{ text: string; start: number } | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const start = offset > size ? 0 : offset; // the file was replaced by a shorter one: read it from the start
    const length = Math.min(size - start, maxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), start };
  } finally {
    await handle.close();
  }
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function sha256(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  return hash.digest('hex');
}

async function list(path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** `CommandHost` on this machine. */
export const nodeCommandHost: CommandHost = {
  run,
  spawnDetached,
  processStartTime,
  signalGroup,
  which,
  freePort,
  fetch: (input, init) => fetch(input, init),
  sleep,
  readText,
  readFrom,
  writeText,
  createExclusive,
  async copyFile(from, to) {
    await mkdir(dirname(to), { recursive: true });
    const temporary = `${to}.${randomBytes(6).toString('hex')}.tmp`;
    await copyFile(from, temporary);
    await rename(temporary, to);
  },
  sha256,
  list,
  mkdir: async (path) => void (await mkdir(path, { recursive: true })),
  remove: (path) => rm(path, { recursive: true, force: true }),
};

/** The shipped job templates (`templates/train/`), found from the bundle (`dist/`) or from the sources. */
export function shippedTemplatesDir(): string {
  // dist/cli.js, dist/server.js and dist/client.js sit one level below the package root; this file sits three.
  const fromBundle = join(__dirname, '..', 'templates', 'train');
  const fromSources = join(__dirname, '..', '..', '..', 'templates', 'train');
  return __filename.endsWith('.ts') ? fromSources : fromBundle;
}
