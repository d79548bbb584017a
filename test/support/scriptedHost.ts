/**
 * Test code only: a `CommandHost` whose commands answer from a script (argv → result) and whose files live in
 * memory, for unit tests of the command backends' parsing and decisions (argv built, fallbacks taken) without
 * processes. Every command run is recorded. Integration tests use the real host with the fake executables instead.
 */
import { createHash } from 'node:crypto';
import type { CommandHost, RunOptions, RunResult } from '../../core/src/train/command/host';

/** A scripted answer: a result, or a function of the argv (return undefined to fall through to the next rule). */
export type ScriptedAnswer = Partial<RunResult> | ((argv: readonly string[], options: RunOptions) => Partial<RunResult> | undefined);

export interface ScriptedHost extends CommandHost {
  /** Every command run, in order. */
  calls: Array<{ argv: string[]; env: Record<string, string>; input?: string }>;
  files: Map<string, string>;
  /** Answers by the first argv elements joined with spaces (longest prefix wins). */
  answers: Map<string, ScriptedAnswer>;
  /** Live processes: pid → start time. */
  processes: Map<number, number>;
  signals: Array<{ pgid: number; signal: string }>;
  fetchCalls: Array<{ url: string; method: string; body?: string }>;
}

export function scriptedHost(options: { fetch?: typeof fetch; executables?: string[] } = {}): ScriptedHost {
  const files = new Map<string, string>();
  const answers = new Map<string, ScriptedAnswer>();
  const calls: ScriptedHost['calls'] = [];
  const processes = new Map<number, number>();
  const signals: ScriptedHost['signals'] = [];
  const fetchCalls: ScriptedHost['fetchCalls'] = [];
  let nextPid = 5000;
  const host: ScriptedHost = {
    calls,
    files,
    answers,
    processes,
    signals,
    fetchCalls,
    async run(argv, runOptions) {
      calls.push({ argv: [...argv], env: runOptions.env, input: runOptions.input });
      for (let length = argv.length; length > 0; length--) {
        const answer = answers.get(argv.slice(0, length).join(' '));
        if (!answer) continue;
        const result = typeof answer === 'function' ? answer(argv, runOptions) : answer;
        if (result) return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, ...result };
      }
      return { exitCode: 127, signal: null, stdout: '', stderr: `no scripted answer for ${argv.join(' ')}`, timedOut: false };
    },
    async spawnDetached(argv) {
      calls.push({ argv: [...argv], env: {} });
      const pid = nextPid++;
      processes.set(pid, 1_700_000_000_000 + pid);
      return { pid, startTime: processes.get(pid) };
    },
    async processStartTime(pid) {
      return processes.get(pid);
    },
    async signalGroup(pgid, signal) {
      signals.push({ pgid, signal });
      return processes.delete(pgid);
    },
    async which(command) {
      return (options.executables ?? []).includes(command) ? `/usr/bin/${command}` : undefined;
    },
    async freePort() {
      return 40000;
    },
    fetch:
      options.fetch ??
      (async (input, init) => {
        fetchCalls.push({ url: String(input), method: init?.method ?? 'GET', body: typeof init?.body === 'string' ? init.body : undefined });
        return new Response('not scripted', { status: 599 });
      }),
    async sleep() {},
    async readText(path, maxBytes) {
      const text = files.get(path);
      if (text === undefined || maxBytes === undefined) return text;
      return text.slice(-maxBytes);
    },
    async readFrom(path, offset, maxBytes) {
      const text = files.get(path);
      if (text === undefined) return undefined;
      const start = offset > text.length ? 0 : offset;
      return { text: text.slice(start, start + maxBytes), start };
    },
    async writeText(path, text) {
      files.set(path, text);
    },
    async createExclusive(path, text) {
      if (files.has(path)) return false;
      files.set(path, text);
      return true;
    },
    async copyFile(from, to) {
      const text = files.get(from);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
      files.set(to, text);
    },
    async sha256(path) {
      const text = files.get(path);
      return text === undefined ? undefined : createHash('sha256').update(text).digest('hex');
    },
    async list(path) {
      const prefix = `${path.replace(/\/+$/, '')}/`;
      const names = new Set<string>();
      for (const file of files.keys()) if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split('/')[0]!);
      return names.size ? [...names] : undefined;
    },
    async mkdir() {},
    async remove(path) {
      for (const file of [...files.keys()]) if (file === path || file.startsWith(`${path}/`)) files.delete(file);
    },
  };
  return host;
}
