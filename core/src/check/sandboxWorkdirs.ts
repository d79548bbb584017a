/**
 * Throwaway working directories for sandboxed runs that live on the host (the fallback without bubblewrap; under
 * bubblewrap the work dir is a tmpfs inside the sandbox and nothing is created on the host).
 *
 * Each one is `<tmp>/inoculate-sandbox-XXXXXX/` (ours, 0755) holding a marker file that names the process that made
 * it, and `work/` (the program's, owned by the sandbox's user id). A process killed mid-run (SIGKILL, a crash, a
 * power cut) leaves them behind; the next run removes those whose owner is gone. Only directories we can prove are
 * ours are touched: a real directory (never a symlink) owned by our user id, named like ours, holding a regular
 * marker file owned by us whose recorded process is no longer alive. Removal never follows symlinks.
 */
import { lstatSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Prefix of every work dir we create under the system temp directory. */
export const WORKDIR_PREFIX = 'inoculate-sandbox-';
/** Name of the marker file inside our directories. */
export const MARKER_NAME = '.inoculate-sandbox';
/** The marker while it is being written (renamed to MARKER_NAME once complete). */
export const PARTIAL_MARKER_NAME = '.inoculate-sandbox.partial';
const MARKER_KIND = 'inoculate-sandbox-workdir';

/** What the marker records. */
export interface WorkdirMarker {
  kind: typeof MARKER_KIND;
  /** The process that created the directory. */
  pid: number;
  /** That process's start time (Linux: clock ticks since boot), so a reused pid is not taken for it. */
  started: string | null;
  /** The fresh user id the sandboxed program ran as, if any: its leftover processes are killed before removal. */
  uid: number | null;
}

/** A work dir for one run. */
export interface Workdir {
  /** Our directory (holds the marker). */
  root: string;
  /** The program's working directory. */
  work: string;
}

let cleanup: Promise<void> | undefined;

/** Creates a work dir; the first call in a process first removes what killed runs left behind. */
export async function createWorkdir(uid?: number): Promise<Workdir> {
  cleanup ??= removeStaleWorkdirs().then(
    () => undefined,
    () => undefined,
  );
  await cleanup;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), WORKDIR_PREFIX));
  await fs.chmod(root, 0o755);
  const marker: WorkdirMarker = { kind: MARKER_KIND, pid: process.pid, started: processStart(process.pid), uid: uid ?? null };
  // Written beside and renamed into place: a run killed mid-write leaves no half marker that no later run could read
  // (such a directory would never be cleaned); at worst it leaves the partial file, cleaned like an empty directory.
  await fs.writeFile(path.join(root, PARTIAL_MARKER_NAME), JSON.stringify(marker), { mode: 0o644, flag: 'wx' });
  await fs.rename(path.join(root, PARTIAL_MARKER_NAME), path.join(root, MARKER_NAME));
  const work = path.join(root, 'work');
  await fs.mkdir(work, { mode: 0o700 });
  if (uid !== undefined) await fs.chown(work, uid, uid);
  return { root, work };
}

/** Removes a work dir (after its program and every process of its user id are gone). */
export async function removeWorkdir(workdir: Workdir): Promise<void> {
  await removeTree(workdir.root);
}

/**
 * Removes the work dirs of runs whose process is gone, under `tmp` (default: the system temp directory). Returns the
 * directories removed. `killUid` ends the leftover processes of a recorded sandbox user id first.
 */
export async function removeStaleWorkdirs(
  tmp: string = os.tmpdir(),
  killUid: (uid: number) => Promise<void> = killUserProcesses,
): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(tmp);
  } catch {
    return removed;
  }
  const me = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(WORKDIR_PREFIX)) continue;
    const dir = path.join(tmp, name);
    const marker = readMarker(dir, me);
    if (!marker) {
      // Killed between creating the directory and completing its marker: only an old one of ours goes, holding
      // nothing or the partial marker.
      if (isOldEmptyDirectory(dir, me)) {
        await fs.rm(path.join(dir, PARTIAL_MARKER_NAME), { force: true }).catch(() => undefined);
        await fs.rmdir(dir).then(() => removed.push(dir), () => undefined);
      }
      continue;
    }
    if (isAlive(marker)) continue;
    if (marker.uid !== null) await killUid(marker.uid);
    // Checked again right before removal: the directory must still be the one we inspected.
    if (!readMarker(dir, me)) continue;
    await removeTree(dir);
    removed.push(dir);
  }
  return removed;
}

/** The marker of `dir` if `dir` is provably ours (see the module comment), else undefined. */
function readMarker(dir: string, me: number | undefined): WorkdirMarker | undefined {
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || (me !== undefined && stat.uid !== me)) return undefined;
    const markerPath = path.join(dir, MARKER_NAME);
    const markerStat = lstatSync(markerPath);
    if (!markerStat.isFile() || (me !== undefined && markerStat.uid !== me) || markerStat.size > 4096) return undefined;
    const parsed = JSON.parse(readFileSync(markerPath, 'utf8')) as Partial<WorkdirMarker>;
    if (parsed.kind !== MARKER_KIND || !Number.isInteger(parsed.pid) || (parsed.pid as number) <= 0) return undefined;
    const uid = Number.isInteger(parsed.uid) && (parsed.uid as number) > 0 ? (parsed.uid as number) : null;
    return { kind: MARKER_KIND, pid: parsed.pid as number, started: typeof parsed.started === 'string' ? parsed.started : null, uid };
  } catch {
    return undefined;
  }
}

/** An empty directory of ours, untouched for a minute (so not one another run is just setting up). */
function isOldEmptyDirectory(dir: string, me: number | undefined): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && (me === undefined || stat.uid === me) && Date.now() - stat.mtimeMs > 60_000 && readdirSync(dir).every((entry) => entry === PARTIAL_MARKER_NAME && isPlainFile(path.join(dir, entry)));
  } catch {
    return false;
  }
}

function isPlainFile(file: string): boolean {
  try {
    return lstatSync(file).isFile();
  } catch {
    return false;
  }
}

function isAlive(marker: WorkdirMarker): boolean {
  if (marker.pid === process.pid) return true;
  try {
    process.kill(marker.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid exists: it is the same process only if it started at the recorded time (where we can tell).
  const started = processStart(marker.pid);
  return marker.started === null || started === null || started === marker.started;
}

/** The start time of `pid` (field 22 of /proc/<pid>/stat), or null where there is no /proc. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Live (not zombie) processes whose real user id is `uid` (Linux; elsewhere none are found). */
export function processesOfUser(uid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const real = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      // A zombie runs nothing; its parent may take its time to reap it.
      if (real !== undefined && Number(real) === uid && !/^State:\s+Z/m.test(status)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Kills every process of a sandbox's own user id (a fresh id no one else uses), repeating until none is left so a
 * process forking during the sweep is caught by the next one. Never called for a real account's id.
 */
export async function killUserProcesses(uid: number): Promise<void> {
  if (uid <= 0 || uid === process.getuid?.()) return;
  for (let round = 0; round < 50; round++) {
    const pids = processesOfUser(uid);
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function removeTree(dir: string): Promise<void> {
  try {
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // The program may have taken away its own permissions; give them back (without following links) and retry.
    await restorePermissions(dir);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function restorePermissions(dir: string): Promise<void> {
  try {
    if (!(await fs.lstat(dir)).isDirectory()) return;
  } catch {
    return;
  }
  await fs.chmod(dir, 0o700).catch(() => undefined);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await restorePermissions(path.join(dir, entry.name));
  }
}
