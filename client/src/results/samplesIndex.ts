/**
 * An index of the samples behind a check summary, for browsing thousands of them page by page: one streamed pass over
 * `samples.jsonl` keeps only each record's byte range and what the filters need; a page reads its records by offset.
 *
 * Which records: only those of the run(s) the summary was computed from, so a later run that produced nothing (every
 * sample failed, or it was cancelled before any was graded: the engine then keeps the earlier summary) never shows
 * its failures under the earlier figures. A summary that names its runs (`runs` / `run`, per summary or per arm) is
 * matched exactly; an older one without them by time: for each arm, the latest run that sampled it with the same
 * instruction among the records written before the summary finished (a `--variant` run keeps the other arms'
 * earlier results, so different arms may come from different runs). Records of later runs are counted instead, to
 * say what became of the latest run.
 *
 * Which run is newer: the one whose first record comes later in the log, which is append-only. Run ids cannot say: they
 * carry their start time only to the second, and a random suffix orders two runs started in the same second (a
 * cancelled check resumed at once), so a resumed run could lose to the samples of the run it resumed.
 */
import type { ResultsFileSystem } from '../../../core/src/check/resultsFs';
import type { SampleRecord } from '../../../core/src/check/store';
import type { CheckSummary } from '../../../core/src/check/types';
import type { SampleFilter } from './protocol';

interface IndexEntry {
  offset: number;
  bytes: number;
  arm: string;
  sample: number;
  outcome: 'behavior' | 'clean' | 'failed';
}

/** A run after the summary's, which left no summary of its own. */
export interface LaterRun {
  run: string;
  /** When its first record was written (ISO). */
  startedAt: string;
  samples: number;
  failed: number;
  /** The first failure's message, if any failed. */
  firstError: string | null;
}

/** The run ids a summary names for one arm (the summary's own when the arm names none); undefined when it names none. */
export function runsOfArm(summary: CheckSummary, armName: string): ReadonlySet<string> | undefined {
  const ids = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const arm = summary.arms.find((a) => a.name === armName) as (Record<string, unknown> & { name: string }) | undefined;
  const own = arm ? [...ids(arm.run), ...ids(arm.runs)] : [];
  const shared = [...ids((summary as unknown as Record<string, unknown>).run), ...ids((summary as unknown as Record<string, unknown>).runs)];
  const all = own.length ? own : shared;
  return all.length ? new Set(all) : undefined;
}

/** The samples of one summary, ordered by arm (summary order) and sample. */
export class SamplesIndex {
  private constructor(
    private readonly fs: ResultsFileSystem,
    private readonly path: string,
    private readonly entries: IndexEntry[],
    /** The latest run after the summary's (or the latest of all, without a summary), when it left no summary. */
    readonly laterRun: LaterRun | undefined,
  ) {}

  /**
   * Scans `path` once; a missing file gives an empty index. Lines that are not records are skipped. Without a summary
   * the index is empty and only `laterRun` is filled (what the latest run did).
   */
  static async build(fs: ResultsFileSystem, path: string, summary: CheckSummary | undefined): Promise<SamplesIndex> {
    const hashes = new Map((summary?.arms ?? []).map((arm) => [arm.name, arm.instructionHash]));
    const order = new Map((summary?.arms ?? []).map((arm, index) => [arm.name, index]));
    const named = new Map((summary?.arms ?? []).map((arm) => [arm.name, runsOfArm(summary!, arm.name)]));
    const namedRuns = new Set([...named.values()].flatMap((runs) => (runs ? [...runs] : [])));
    const exact = namedRuns.size > 0;
    const finishedAt = summary?.finishedAt ?? '';
    /** Without named runs, a record written after the summary finished: of a later run. */
    const isLaterByTime = (record: Partial<SampleRecord>) => !summary || (typeof record.at === 'string' && finishedAt !== '' && record.at > finishedAt);
    /** Each run's place in the log (the order of their first records): later is newer. */
    const position = new Map<string, number>();
    // Per arm: the run chosen and its entries by sample (a later record of the same sample replaces it).
    const chosen = new Map<string, { run: string; bySample: Map<number, IndexEntry> }>();
    /** What the runs after the summary's did; with named runs, first every run the summary does not name. */
    const later = new Map<string, LaterRun>();
    await fs.scanLines(path, (line, offset, bytes) => {
      if (!line.startsWith('{')) return;
      let record: Partial<SampleRecord>;
      try {
        record = JSON.parse(line) as Partial<SampleRecord>;
      } catch {
        return;
      }
      if (typeof record.arm !== 'string' || typeof record.run !== 'string' || typeof record.sample !== 'number') return;
      const withRun = record as Partial<SampleRecord> & { run: string; arm: string; sample: number };
      if (!position.has(withRun.run)) position.set(withRun.run, position.size);
      if (exact ? !namedRuns.has(withRun.run) : isLaterByTime(record)) {
        const run = later.get(withRun.run) ?? { run: withRun.run, startedAt: typeof record.at === 'string' ? record.at : '', samples: 0, failed: 0, firstError: null };
        run.samples++;
        if (!record.grade) {
          run.failed++;
          run.firstError ??= typeof record.error === 'string' ? record.error : 'no grade';
        }
        later.set(run.run, run);
        return;
      }
      if (hashes.get(withRun.arm) !== record.instructionHash) return;
      const runs = named.get(withRun.arm);
      if (exact && !runs?.has(withRun.run)) return;
      let arm = chosen.get(withRun.arm);
      // A newer run starts the arm over.
      if (!arm || position.get(withRun.run)! > position.get(arm.run)!) {
        arm = { run: withRun.run, bySample: new Map() };
        chosen.set(withRun.arm, arm);
      }
      if (withRun.run !== arm.run) return;
      const outcome = !record.grade ? 'failed' : record.grade.behavior ? 'behavior' : 'clean';
      arm.bySample.set(withRun.sample, { offset, bytes, arm: withRun.arm, sample: withRun.sample, outcome });
    });
    const entries = [...chosen.values()]
      .flatMap((arm) => [...arm.bySample.values()])
      .sort((a, b) => order.get(a.arm)! - order.get(b.arm)! || a.sample - b.sample);
    if (exact) {
      // Of the runs the summary does not name, only those written after the named ones are later.
      const newestNamed = Math.max(-1, ...[...namedRuns].map((run) => position.get(run) ?? -1));
      for (const run of later.keys()) if (position.get(run)! < newestNamed) later.delete(run);
    }
    const latest = [...later.values()].sort((a, b) => position.get(a.run)! - position.get(b.run)!).at(-1);
    return new SamplesIndex(fs, path, entries, latest);
  }

  /** Samples in the index. */
  get size(): number {
    return this.entries.length;
  }

  /** How many samples match `filter`. */
  count(filter: SampleFilter): number {
    return this.matching(filter).length;
  }

  /** The records matching `filter` from `offset`, at most `limit`, read from disk. */
  async page(filter: SampleFilter, offset: number, limit: number): Promise<SampleRecord[]> {
    const selected = this.matching(filter).slice(offset, offset + limit);
    if (selected.length === 0) return [];
    const reader = await this.fs.openReader(this.path);
    if (!reader) return [];
    try {
      const records: SampleRecord[] = [];
      for (const entry of selected) records.push(JSON.parse(await reader.read(entry.offset, entry.bytes)) as SampleRecord);
      return records;
    } finally {
      await reader.close();
    }
  }

  private matching(filter: SampleFilter): IndexEntry[] {
    return this.entries.filter((e) => (filter.arm === null || e.arm === filter.arm) && (filter.grade === null || e.outcome === filter.grade));
  }
}
