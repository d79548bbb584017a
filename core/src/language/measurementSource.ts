/**
 * Measurements from the summaries of checks (`.inoculate/checks/* /summary.json`), as the editor shows them: the
 * latest rate of each variant of each file, and per behaviour a calibration of predictions on measured rates.
 */
import { URI, Utils } from 'vscode-uri';
import { isBehaviorId, type BehaviorId } from '../format/behaviors';
import { instructionHash } from '../check/arms';
import type { ResultOrigin } from '../check/provenance';
import type { CheckSummary } from '../check/types';
import { fitCalibration } from '../scoring/calibrate';
import type { Measurement } from '../scoring/types';
import type { CalibrationView, MeasurementSource, VariantMeasurement } from './measurements';

/** A summary and the workspace folder its `file` is relative to. */
export interface LocatedSummary {
  workspaceUri: string;
  summary: CheckSummary;
  /** Whether this user measured it (`summaryOrigin`); `elsewhere` when not given. */
  origin?: ResultOrigin;
}

/** The `.inoc` document a summary describes. */
export function summaryDocumentUri(located: LocatedSummary): string {
  const file = located.summary.file;
  if (file.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(file)) return URI.file(file).toString();
  return Utils.joinPath(URI.parse(located.workspaceUri), ...file.split('/')).toString();
}

/**
 * Builds the source; the newest summary of a file wins (shown with its origin, so a summary found in the repository
 * says so), and calibration uses only summaries measured here.
 */
export function measurementSourceFrom(summaries: LocatedSummary[]): MeasurementSource {
  const byDocument = new Map<string, CheckSummary>();
  // Calibration fits the user's own measurements only: a summary found in the repository is not a fact measured here.
  const measuredHere = new Map<string, CheckSummary>();
  const origins = new Map<CheckSummary, ResultOrigin>();
  const newest = (map: Map<string, CheckSummary>, uri: string, summary: CheckSummary) => {
    const previous = map.get(uri);
    if (!previous || previous.finishedAt < summary.finishedAt) map.set(uri, summary);
  };
  for (const located of summaries) {
    const uri = summaryDocumentUri(located);
    const origin = located.origin ?? 'elsewhere';
    origins.set(located.summary, origin);
    newest(byDocument, uri, located.summary);
    if (origin === 'here') newest(measuredHere, uri, located.summary);
  }
  const calibrations = new Map<BehaviorId, CalibrationView | undefined>();
  return {
    forVariant(documentUri, variantName, instruction): VariantMeasurement | undefined {
      const summary = byDocument.get(documentUri);
      const arm = summary?.arms.find((a) => a.name === variantName);
      if (!summary || !arm || arm.n === 0) return undefined;
      return {
        rate: arm.rate,
        ci: arm.ci,
        n: arm.n,
        k: arm.k,
        lift: arm.lift,
        liftCi: arm.liftCi,
        model: summary.model,
        finishedAt: summary.finishedAt,
        stale: arm.instructionHash !== instructionHash(instruction),
        origin: origins.get(summary) ?? 'elsewhere',
      };
    },
    calibrationFor(behavior) {
      if (!calibrations.has(behavior)) calibrations.set(behavior, calibrate([...measuredHere.values()], behavior));
      return calibrations.get(behavior);
    },
  };
}

/**
 * Fits predictions to measured rates over every candidate of a behaviour this user measured (`summaries`: the newest
 * summary of each file signed with their key). Rates depend on the model, so only the model with the most measured
 * candidates is used, and the hover names it.
 */
function calibrate(summaries: CheckSummary[], behavior: BehaviorId): CalibrationView | undefined {
  const byModel = new Map<string, Measurement[]>();
  for (const summary of summaries) {
    if (!isBehaviorId(summary.behavior) || summary.behavior !== behavior) continue;
    for (const arm of summary.arms) {
      if (arm.control || arm.predicted === null || arm.n === 0) continue;
      const points = byModel.get(summary.model) ?? [];
      points.push({ predicted: arm.predicted, rate: arm.rate, n: arm.n });
      byModel.set(summary.model, points);
    }
  }
  const [model, points] = [...byModel.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
  if (!model || !points) return undefined;
  const fit = fitCalibration(points);
  if (!fit) return undefined;
  // Plain text: the model name comes from a summary file, and the hover escapes it.
  return { apply: (p) => fit.apply(p), describe: () => `${fit.describe()} on ${model}` };
}
