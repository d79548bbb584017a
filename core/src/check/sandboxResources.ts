/**
 * Bounds on what all sandboxed runs of this process use together, not only each process.
 *
 * - **Worst case per run**: each process's address space is capped (`ulimit -v`), and so is the number of processes
 *   (`ulimit -u`, per user id: binding because each sandbox runs under its own fresh id when we are root), so a run
 *   can never hold more than `memory × processes` plus its tmpfs work dir. That figure is the run's footprint.
 * - **A global budget** (half the machine's memory by default, `INOCULATE_SANDBOX_MEMORY_MB` to change it): runs
 *   start only while the footprints of the runs in flight fit in it; the others wait their turn (their time limit
 *   starts when they start). A single run never gets more than the budget: its memory and process limits are
 *   lowered to fit. So however many answers a check grades at once, the sandboxes cannot take the machine down.
 * - **A watchdog** for what a run actually uses: every 150 ms the resident memory of all the run's processes is
 *   added up (Linux /proc), and a run over its `memory` in total is killed and reported as such. Polling can miss a
 *   spike shorter than the period; the worst case above still holds during it.
 *
 * cgroups would give an exact total instead of the polled one; they are not used (see docs/security.md for what was
 * measured: this machine has cgroup v1 controllers only, and a cgroup v2 needs a delegated, writable subtree).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The limits that decide a run's footprint. */
export interface FootprintLimits {
  memoryMb: number;
  maxProcesses: number;
  /** Size of a work dir held in memory (a tmpfs), 0 when it is on disk. */
  memoryWorkdirMb: number;
}

/** Limits lowered to fit the budget, and the footprint they give. */
export interface EffectiveLimits {
  memoryMb: number;
  maxProcesses: number;
  footprintMb: number;
}

const MIN_BUDGET_MB = 256;
let budgetOverride: number | undefined;

/** The memory budget (MB) shared by every sandboxed run of this process. */
export function sandboxMemoryBudgetMb(): number {
  if (budgetOverride !== undefined) return budgetOverride;
  const fromEnv = Number(process.env.INOCULATE_SANDBOX_MEMORY_MB);
  if (Number.isFinite(fromEnv) && fromEnv >= MIN_BUDGET_MB) return Math.floor(fromEnv);
  return Math.max(MIN_BUDGET_MB, Math.floor(os.totalmem() / (2 * 1024 * 1024)));
}

/** Replaces the budget (tests); `undefined` restores the default. */
export function setSandboxMemoryBudgetMb(megabytes: number | undefined): void {
  budgetOverride = megabytes;
}

/** The limits a run really gets: memory and process count lowered so its worst case fits the budget. */
export function effectiveLimits(limits: FootprintLimits, budgetMb: number = sandboxMemoryBudgetMb()): EffectiveLimits {
  const room = Math.max(16, budgetMb - limits.memoryWorkdirMb);
  const memoryMb = Math.min(limits.memoryMb, room);
  const maxProcesses = Math.max(1, Math.min(limits.maxProcesses, Math.floor(room / memoryMb)));
  return { memoryMb, maxProcesses, footprintMb: memoryMb * maxProcesses + limits.memoryWorkdirMb };
}

interface Waiter {
  need: number;
  admit: () => void;
}

let inUse = 0;
let running = 0;
const queue: Waiter[] = [];

function admitWaiting(): void {
  const budget = sandboxMemoryBudgetMb();
  while (queue.length) {
    const next = queue[0]!;
    if (running > 0 && inUse + next.need > budget) return;
    queue.shift();
    inUse += next.need;
    running++;
    next.admit();
  }
}

/**
 * Waits until `footprintMb` fits the budget beside the runs in flight (first come, first served), then holds it
 * until the returned function is called. A footprint larger than the budget runs alone.
 */
export function reserveMemory(footprintMb: number, signal?: AbortSignal): Promise<() => void> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inUse -= footprintMb;
      running--;
      admitWaiting();
    };
    const waiter: Waiter = {
      need: footprintMb,
      admit: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      },
    };
    const onAbort = () => {
      const index = queue.indexOf(waiter);
      if (index >= 0) queue.splice(index, 1);
      reject(signal!.reason instanceof Error ? signal!.reason : new Error('The sandboxed run was aborted.'));
      admitWaiting();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    queue.push(waiter);
    admitWaiting();
  });
}

/** What the budget holds now (tests and diagnostics). */
export function memoryInUse(): { footprintMb: number; runs: number; waiting: number } {
  return { footprintMb: inUse, runs: running, waiting: queue.length };
}

interface Watched {
  rootPid: number;
  limitKb: number;
  workdir?: { dir: string; limitBytes: number };
  onMemory: (usedKb: number) => void;
  onDisk: (usedBytes: number) => void;
}

const WATCH_PERIOD_MS = 150;
/** Entries of a fallback work dir walked per check; more counts as over the limit (a flood of small files). */
const MAX_WORKDIR_ENTRIES = 20_000;
const watched = new Set<Watched>();
let timer: NodeJS.Timeout | undefined;

/**
 * Watches the processes descended from `rootPid` (and, in the fallback, the work dir on disk): `onMemory` is called
 * when their resident memory together passes `limitKb`, `onDisk` when the work dir passes its size. Returns the
 * function that stops watching. Does nothing where there is no /proc.
 */
export function watchRun(
  rootPid: number,
  limitKb: number,
  onMemory: (usedKb: number) => void,
  workdir?: { dir: string; limitBytes: number },
  onDisk: (usedBytes: number) => void = () => undefined,
): () => void {
  if (process.platform !== 'linux') return () => undefined;
  const entry: Watched = { rootPid, limitKb, workdir, onMemory, onDisk };
  watched.add(entry);
  timer ??= setInterval(checkWatched, WATCH_PERIOD_MS);
  timer.unref?.();
  return () => {
    watched.delete(entry);
    if (!watched.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function checkWatched(): void {
  const children = processTree();
  for (const entry of [...watched]) {
    const used = treeRssKb(entry.rootPid, children);
    if (used > entry.limitKb) {
      watched.delete(entry);
      entry.onMemory(used);
      continue;
    }
    if (entry.workdir) {
      const bytes = directoryUsage(entry.workdir.dir, MAX_WORKDIR_ENTRIES);
      if (bytes > entry.workdir.limitBytes) {
        watched.delete(entry);
        entry.onDisk(bytes);
      }
    }
  }
  if (!watched.size && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** Parent pid -> child pids, from one pass over /proc. */
export function processTree(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list) list.push(Number(entry));
      else children.set(ppid, [Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/** Resident memory (kB) of `rootPid` and all its descendants. */
export function treeRssKb(rootPid: number, children: Map<number, number[]> = processTree()): number {
  let total = 0;
  const pending = [rootPid];
  const seen = new Set<number>();
  while (pending.length) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      total += Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    } catch {
      // Gone.
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Bytes a directory tree takes on disk (allocated blocks; symlinks are not followed); Infinity past `maxEntries`. */
export function directoryUsage(dir: string, maxEntries: number): number {
  let total = 0;
  let entries = 0;
  const pending = [dir];
  while (pending.length) {
    const current = pending.pop()!;
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++entries > maxEntries) return Infinity;
      const full = path.join(current, name);
      try {
        const stat = lstatSync(full);
        total += stat.blocks * 512;
        if (stat.isDirectory()) pending.push(full);
      } catch {
        // Removed while we looked.
      }
    }
  }
  return total;
}

/** Tasks (processes and threads, as the process limit counts them) whose real user id is `uid`; 0 without /proc. */
export function tasksOfUser(uid: number): number {
  if (uid < 0) return 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  let tasks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'latin1');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid) tasks += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // Gone.
    }
  }
  return tasks;
}
