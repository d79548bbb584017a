/** Code lenses above each variant: the predicted score, "▶ Check", and the latest measured rate. */
import type { CodeLens } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';
import { Commands } from './commands';
import { formatMeasurement } from '../check/formatMeasurement';
import type { MeasurementSource } from './measurements';

export interface CodeLensOptions {
  /** Offer "▶ Check" (false where checks cannot run, e.g. an untrusted workspace). */
  checks: boolean;
}

/** The lenses of a document, resolved (they are cheap, so no resolve round-trip). */
export function computeCodeLenses(analysis: DocumentAnalysis, measurements: MeasurementSource, options: CodeLensOptions): CodeLens[] {
  const { doc } = analysis;
  const lenses: CodeLens[] = [];
  for (const variant of doc.variants) {
    if (!variant.name) continue;
    const range = doc.lines.rangeOf(variant.headingStart, variant.headingEnd);
    const line = range.start.line;
    if (variant.control) {
      lenses.push({ range, command: { title: 'control arm', command: Commands.explainScore, arguments: [doc.uri, line] } });
    } else {
      const score = analysis.scoreOf(variant);
      const title = !analysis.behavior
        ? 'set behavior: to score'
        : !variant.text || !score
          ? 'empty'
          : `predicted ${score.score.toFixed(2)} (${strengthLabel(score.score)})`;
      lenses.push({ range, command: { title, tooltip: 'Why this score?', command: Commands.explainScore, arguments: [doc.uri, line] } });
    }
    const measured = measurements.forVariant(doc.uri, variant.name, variant.text);
    if (measured) {
      lenses.push({
        range,
        command: {
          title: `measured ${formatMeasurement(measured)}${measured.stale ? ' (stale)' : ''}`,
          tooltip: `${measured.k}/${measured.n} on ${measured.model}: open the results`,
          command: Commands.showResults,
          arguments: [doc.uri],
        },
      });
    }
    if (options.checks && analysis.behavior && (variant.text || variant.control)) {
      lenses.push({ range, command: { title: '▶ Check', tooltip: 'Run an elicitation check for this variant and the control', command: Commands.runCheck, arguments: [doc.uri, variant.name] } });
    }
  }
  return lenses;
}
