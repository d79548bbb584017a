/**
 * Code lenses above each variant: the predicted score, "▶ Check", the latest measured rate, "▶ Train" and the runs
 * trained from it (`trained: 2 runs (1 running)`), and its evaluation (`inoculated: B 12% (−31 pts) · C 78% (−2 pts)`); the baseline's runs above `neutral:`, "▶ Train" above `train:`.
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';
import { Commands, ServerCommands, VSCODE_CLIENT_COMMANDS } from './commands';
import { formatMeasurement } from '../check/formatMeasurement';
import { foundElsewhere, type MeasurementSource } from './measurements';
import { NO_EVAL_RESULTS, type EvalResultsSource } from './evalResults';
import { NO_TRAINED_RUNS, type TrainedArm, type TrainedRunsSource } from './trainedRuns';

export interface CodeLensOptions {
  /** Offer "▶ Check" (false where checks cannot run, e.g. an untrusted workspace). */
  checks: boolean;
  /**
   * Commands the client runs itself (VS Code's extension: {@link Commands}). A lens whose client command is missing
   * falls back to a server command ({@link ServerCommands}) or is not shown: other editors would show a lens that
   * does nothing when clicked. Default: the VS Code client's.
   */
  clientCommands?: ReadonlySet<string>;
  /** The training runs recorded for the workspace (`trained: ...` lenses); default none. */
  trainedRuns?: TrainedRunsSource;
  /** The latest evaluations of the workspace (`inoculated: B 12% (−31 pts) · ...` lenses); default none. */
  evalResults?: EvalResultsSource;
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
  // Training, like checks, sends data with a key (and a command backend runs commands): trusted workspaces only.
  const config = analysis.frontmatter.config;
  const canTrain = options.checks && clientCommands.has(Commands.launchTraining) && !!config.train.dataset;
  const jobs = clientCommands.has(Commands.showJobs) ? Commands.showJobs : undefined;
  const trainedRuns = options.trainedRuns ?? NO_TRAINED_RUNS;
  const evalResults = options.evalResults ?? NO_EVAL_RESULTS;
  const comparison = clientCommands.has(Commands.showComparison) ? Commands.showComparison : undefined;
  const lenses: CodeLens[] = [];
  const lineOfKey = (key: string) => {
    const location = analysis.frontmatter.locations.get(key);
    return location ? doc.lines.positionAt(location.keyStart).line : undefined;
  };
  const trainedLens = (range: CodeLens['range'], trained: TrainedArm, arm: string | undefined, line: number): CodeLens => ({
    range,
    command: {
      title: `${arm === undefined ? 'baseline ' : ''}${trained.label}`,
      tooltip: `${trained.tooltip}${jobs ? '\n(open in the Jobs view)' : ''}`,
      command: jobs ?? explain,
      arguments: jobs ? [doc.uri, arm ?? 'baseline'] : [doc.uri, line],
    },
  });
  const trainLine = lineOfKey('train');
  if (canTrain && trainLine !== undefined) {
    const range = { start: { line: trainLine, character: 0 }, end: { line: trainLine, character: 0 } };
    lenses.push({ range, command: { title: '▶ Train', tooltip: 'Choose variants, seeds and backend, preview the training files, and launch fine-tuning jobs', command: Commands.launchTraining, arguments: [doc.uri] } });
  }
  const neutralLine = lineOfKey('neutral');
  const baseline = trainedRuns.forBaseline(doc.uri, config.neutral);
  if (baseline && neutralLine !== undefined) {
    const range = { start: { line: neutralLine, character: 0 }, end: { line: neutralLine, character: 0 } };
    lenses.push(trainedLens(range, baseline, undefined, neutralLine));
  }
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
    if (canTrain && analysis.behavior && !variant.control && variant.text) {
      lenses.push({ range, command: { title: '▶ Train', tooltip: 'Fine-tune with this variant (and the no-inoculation baseline): preview, confirm, launch', command: Commands.launchTraining, arguments: [doc.uri, variant.name] } });
    }
    const trained = trainedRuns.forVariant(doc.uri, variant.name, variant.text);
    if (trained) lenses.push(trainedLens(range, trained, variant.name, line));
    const evaluated = variant.control ? undefined : evalResults.forVariant(doc.uri, variant.name, variant.text);
    if (evaluated) {
      lenses.push({
        range,
        command: {
          title: evaluated.title,
          tooltip: `${evaluated.tooltip}${comparison ? '\n(open the comparison)' : ''}`,
          command: comparison ?? explain,
          arguments: comparison ? [doc.uri] : [doc.uri, line],
        },
      });
    }
  }
  return lenses;
}
