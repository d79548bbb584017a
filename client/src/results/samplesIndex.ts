/**
 * An index of the samples behind a check summary, for browsing thousands of them page by page: one streamed pass over
 * `samples.jsonl` keeps only each record's byte range and what the filters need; a page reads its records by offset.
 *
 * Which records: for each arm of the summary, those of the latest run that sampled it with the same instruction
 * (a `--variant` run keeps the other arms' earlier results, so different arms may come from different runs).
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

/** The samples of one summary, ordered by arm (summary order) and sample. */
export class SamplesIndex {
  private constructor(
    private readonly fs: ResultsFileSystem,
    private readonly path: string,
    private readonly entries: IndexEntry[],
  ) {}

  /** Scans `path` once; a missing file gives an empty index. Lines that are not records are skipped. */
  static async build(fs: ResultsFileSystem, path: string, summary: CheckSummary): Promise<SamplesIndex> {
    const hashes = new Map(summary.arms.map((arm) => [arm.name, arm.instructionHash]));
    const order = new Map(summary.arms.map((arm, index) => [arm.name, index]));
    // Per arm: the latest run seen and its entries by sample (a later record of the same sample replaces it).
    const latest = new Map<string, { run: string; bySample: Map<number, IndexEntry> }>();
    await fs.scanLines(path, (line, offset, bytes) => {
      if (!line.startsWith('{')) return;
      let record: Partial<SampleRecord>;
      try {
        record = JSON.parse(line) as Partial<SampleRecord>;
      } catch {
        return;
      }
      if (typeof record.arm !== 'string' || typeof record.run !== 'string' || typeof record.sample !== 'number') return;
      if (hashes.get(record.arm) !== record.instructionHash) return;
      let arm = latest.get(record.arm);
      // Run ids sort by time: a newer run starts the arm over.
      if (!arm || record.run > arm.run) {
        arm = { run: record.run, bySample: new Map() };
        latest.set(record.arm, arm);
      }
      if (record.run !== arm.run) return;
      const outcome = !record.grade ? 'failed' : record.grade.behavior ? 'behavior' : 'clean';
      arm.bySample.set(record.sample, { offset, bytes, arm: record.arm, sample: record.sample, outcome });
    });
    const entries = [...latest.values()]
      .flatMap((arm) => [...arm.bySample.values()])
      .sort((a, b) => order.get(a.arm)! - order.get(b.arm)! || a.sample - b.sample);
    return new SamplesIndex(fs, path, entries);
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
