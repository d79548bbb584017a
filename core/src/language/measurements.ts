/** Measured elicitation rates (from checks) as the editor features show them beside the predictions. */
import type { BehaviorId } from '../format/behaviors';
import type { ResultOrigin } from '../check/provenance';

/** One variant's latest measurement. */
export interface VariantMeasurement {
  rate: number;
  ci: [number, number];
  n: number;
  k: number;
  lift: number | null;
  liftCi: [number, number] | null;
  model: string;
  /** ISO time the check finished. */
  finishedAt: string;
  /** True when the variant's text changed since it was measured. */
  stale: boolean;
  /**
   * `here` when this user measured it (its summary is signed with their key); `elsewhere` when it was found, e.g.
   * committed to a cloned repository, and is not this user's measurement (see core/src/check/provenance.ts). Set by
   * `measurementSourceFrom`; optional only so that hand-made measurements (tests) may leave it out.
   */
  origin?: ResultOrigin;
}

/** A calibration of predicted scores against measured rates. */
export interface CalibrationView {
  apply(predicted: number): number;
  /** Plain text (not Markdown): it names a model read from a results file. */
  describe(): string;
}

/** Where measurements come from (the results of checks under `.inoculate/`); empty when none were run. */
export interface MeasurementSource {
  /** The measurement of a variant of a document, matched by name and instruction hash. */
  forVariant(documentUri: string, variantName: string, instruction: string): VariantMeasurement | undefined;
  /** The calibration for a behaviour, once enough variants of it were measured. */
  calibrationFor(behavior: BehaviorId): CalibrationView | undefined;
}

/** A source with no measurements (before any check has run, and in the CLI's `lint`). */
export const NO_MEASUREMENTS: MeasurementSource = {
  forVariant: () => undefined,
  calibrationFor: () => undefined,
};

/** True when a measurement was found (e.g. committed to the repository) rather than measured by this user. */
export function foundElsewhere(measurement: Pick<VariantMeasurement, 'origin'>): boolean {
  return measurement.origin === 'elsewhere';
}

/** `34%` */
export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** A short age like `5 min ago`, `3 h ago`, `2 days ago`. */
export function age(iso: string, now: Date = new Date()): string {
  const ms = now.getTime() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return 'at an unknown time';
  const minutes = Math.max(0, Math.round(ms / 60000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
