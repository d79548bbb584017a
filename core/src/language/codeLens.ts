/** Code lenses above each variant: the predicted score, "▶ Check", and the latest measured rate. */
import type { CodeLens } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';
import { Commands, ServerCommands, VSCODE_CLIENT_COMMANDS } from './commands';
import { formatMeasurement } from '../check/formatMeasurement';
import { foundElsewhere, type MeasurementSource } from './measurements';

export interface CodeLensOptions {
  /** Offer "▶ Check" (false where checks cannot run, e.g. an untrusted workspace). */
  checks: boolean;
  /**
   * Commands the client runs itself (VS Code's extension: {@link Commands}). A lens whose client command is missing
   * falls back to a server command ({@link ServerCommands}) or is not shown: other editors would show a lens that
   * does nothing when clicked. Default: the VS Code client's.
   */
  clientCommands?: ReadonlySet<string>;
}

const VSCODE_COMMANDS: ReadonlySet<string> = new Set(VSCODE_CLIENT_COMMANDS);

/** The lenses of a document, resolved (they are cheap, so no resolve round-trip). */
export function computeCodeLenses(analysis: DocumentAnalysis, measurements: MeasurementSource, options: CodeLensOptions): CodeLens[] {
  const { doc } = analysis;
  const clientCommands = options.clientCommands ?? VSCODE_COMMANDS;
  const explain = clientCommands.has(Commands.explainScore) ? Commands.explainScore : ServerCommands.explainScore;
  // Without the results view, the measured rate is explained with the score (the server's message includes it).
  const results = clientCommands.has(Commands.showResults) ? Commands.showResults : undefined;
  const canCheck = options.checks && clientCommands.has(Commands.runCheck);
  const lenses: CodeLens[] = [];
  for (const variant of doc.variants) {
    if (!variant.name) continue;
    const range = doc.lines.rangeOf(variant.headingStart, variant.headingEnd);
    const line = range.start.line;
    if (variant.control) {
      lenses.push({ range, command: { title: 'control arm', command: explain, arguments: [doc.uri, line] } });
    } else {
      const score = analysis.scoreOf(variant);
      const title = !analysis.behavior
        ? 'set behavior: to score'
        : !variant.text || !score
          ? 'empty'
          : `predicted ${score.score.toFixed(2)} (${strengthLabel(score.score)})`;
      lenses.push({ range, command: { title, tooltip: 'Why this score?', command: explain, arguments: [doc.uri, line] } });
    }
    const measured = measurements.forVariant(doc.uri, variant.name, variant.text);
    if (measured) {
      lenses.push({
        range,
        command: {
          // A summary found in the repository (not signed by this user) says so before its figures.
          title: `measured ${foundElsewhere(measured) ? 'elsewhere ' : ''}${formatMeasurement(measured)}${measured.stale ? ' (stale)' : ''}`,
          tooltip: `${measured.k}/${measured.n} on ${measured.model}${foundElsewhere(measured) ? ', found in .inoculate/ (not measured by you)' : ''}${results ? ': open the results' : ''}`,
          command: results ?? explain,
          arguments: results ? [doc.uri] : [doc.uri, line],
        },
      });
    }
    if (canCheck && analysis.behavior && (variant.text || variant.control)) {
      lenses.push({ range, command: { title: '▶ Check', tooltip: 'Run an elicitation check for this variant and the control', command: Commands.runCheck, arguments: [doc.uri, variant.name] } });
    }
  }
  return lenses;
}
