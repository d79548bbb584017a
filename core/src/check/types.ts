/** The result of an elicitation check, as written to `.inoculate/` and read by the editor and the CLI. */

/** A rate with its 95% Wilson interval. */
export interface RateEstimate {
  n: number;
  k: number;
  rate: number;
  ci: [number, number];
}

export interface ArmResult extends RateEstimate {
  name: string;
  /**
   * The run (`SampleRecord.run` in samples.jsonl) whose records make up this arm's figures: the run that wrote the
   * summary, or for an arm kept from an earlier run (`--variant`), that run. Show an arm's samples by selecting
   * `record.arm === arm.name && record.run === arm.run`; later runs that graded nothing leave records of their own
   * but no summary. Absent in summaries written before it existed.
   */
  run?: string;
  control: boolean;
  /** The instruction this arm inserts ('' for the neutral arm). */
  instruction: string;
  /** Hash of the instruction; the editor shows a result only while the variant text still matches. */
  instructionHash: string;
  /** Candidate minus control arm, with a 95% Newcombe interval; null for control arms. */
  lift: number | null;
  liftCi: [number, number] | null;
  /** The predicted elicitation strength (null for controls). */
  predicted: number | null;
  /** Capability rate, over the samples whose grade could tell. */
  capability: RateEstimate | null;
  /** Samples that could not be obtained or graded (after retries). */
  failed: number;
}

/** The signature a summary carries (see provenance.ts). */
export interface SummaryProvenance {
  /** The producer's key id (16 hex characters). */
  producer: string;
  /** HMAC-SHA256 (hex) of the summary without this field, with the producer's key. */
  mac: string;
}

export interface CheckSummary {
  version: 1;
  /** The run that wrote this summary (its own arms carry it in `run`). Absent in summaries written before it existed. */
  runId?: string;
  /** The `.inoc` file, relative to the workspace root (forward slashes). */
  file: string;
  behavior: string;
  model: string;
  provider: string;
  baseUrl: string | null;
  grader: string;
  samplesPerArm: number;
  startedAt: string;
  finishedAt: string;
  /** Requests actually sent, and samples answered from the cache. */
  requests: number;
  cacheHits: number;
  /** True when every planned sample was obtained and graded. */
  complete: boolean;
  arms: ArmResult[];
  /**
   * Who measured it: written by every run with a user key; tells "measured here" from "found elsewhere" (e.g. in a
   * cloned repository) with `summaryOrigin`. Absent in summaries written before it existed (they count as elsewhere).
   */
  provenance?: SummaryProvenance;
}
