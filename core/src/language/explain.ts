/**
 * A variant's score explained in plain text (for `inoculate.server.explainScore`, which editors without the VS Code
 * extension run from a code lens and show as a message): the prediction, what raised and lowered it, any measurement.
 */
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';
import { formatMeasurement } from '../check/formatMeasurement';
import { age, foundElsewhere, percent, type MeasurementSource } from './measurements';
import type { Variant } from '../format/parse';

/** Control characters and bidirectional overrides from the file, shown as U+FFFD: a message is no place for them. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

function signed(value: number): string {
  const rounded = value.toFixed(2);
  return value >= 0 ? `+${rounded}` : `-${rounded.slice(1)}`;
}

/** The explanation of `variant`, several lines of plain text. */
export function explainVariant(analysis: DocumentAnalysis, variant: Variant, measurements: MeasurementSource): string {
  const name = variant.name || '(unnamed)';
  const lines: string[] = [];
  if (variant.control) {
    lines.push(`${name}: control arm, compared against and never an inoculation candidate.`);
  } else if (!analysis.behavior) {
    lines.push(`${name}: set behavior: in the frontmatter to score this candidate.`);
  } else if (!variant.text) {
    lines.push(`${name}: empty; write the instruction below the heading.`);
  } else {
    const score = analysis.scoreOf(variant)!;
    lines.push(`${name}: predicted elicitation ${score.score.toFixed(2)} (${strengthLabel(score.score)})`);
    const calibration = measurements.calibrationFor(analysis.behavior.behavior);
    if (calibration) lines.push(`Calibrated: ${percent(calibration.apply(score.score))} expected rate (${calibration.describe()}).`);
    for (const factor of score.factors) lines.push(`${signed(factor.effect)} ${factor.label}`);
  }
  const measured = measurements.forVariant(analysis.doc.uri, variant.name, variant.text);
  if (measured) {
    lines.push(
      `${foundElsewhere(measured) ? 'Measured elsewhere' : 'Measured'}: ${formatMeasurement(measured)} on ${measured.model}, ${age(measured.finishedAt)}${measured.stale ? '; stale: the text changed since' : ''}${foundElsewhere(measured) ? '; found in .inoculate/, not measured by you; calibration ignores it' : ''}`,
    );
  } else if (!variant.control && analysis.behavior && variant.text) {
    lines.push('A heuristic for an instruction-following model before fine-tuning; run `inoculate check` to measure it.');
  }
  return plain(lines.join('\n'));
}
