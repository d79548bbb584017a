/**
 * Evaluations as the editor shows them beside each variant, after `inoculate eval` or "Inoculate: Evaluate":
 * `inoculated: B 12% (−31 pts) · C 78% (−2 pts)` (core/src/eval/lens.ts), read from the latest evaluation summary of
 * each file (`.inoculate/evals/<slug>/summary.json`), matched to the document by its path. A fine-tune trained on an
 * earlier text of the variant still shows, and says so; results not signed by this user say where they come from.
 */
import { URI, Utils } from 'vscode-uri';
import { instructionHash } from '../check/arms';
import type { ResultOrigin } from '../check/provenance';
import { evalLensText } from '../eval/lens';
import type { EvalSummary } from '../eval/summary';

/** An evaluation summary and the workspace folder its `file` is relative to. */
export interface LocatedEvalSummary {
  workspaceUri: string;
  summary: EvalSummary;
  origin: ResultOrigin;
}

/** What a lens shows about one variant's evaluated fine-tunes. */
export interface EvalLens {
  title: string;
  tooltip: string;
}

/** Where the lenses read evaluations from. */
export interface EvalResultsSource {
  /** The evaluation of variant `arm` of a document (matched by name); `instruction` is its current text. */
  forVariant(documentUri: string, arm: string, instruction: string): EvalLens | undefined;
}

/** No evaluations (the CLI's `lint`, a server without results). */
export const NO_EVAL_RESULTS: EvalResultsSource = { forVariant: () => undefined };

const flat = (text: string, max: number) => {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The `.inoc` document an evaluation summary is of. */
export function evalDocumentUri(located: Pick<LocatedEvalSummary, 'workspaceUri' | 'summary'>): string {
  const file = located.summary.file;
  if (file.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(file)) return URI.file(file).toString();
  return Utils.joinPath(URI.parse(located.workspaceUri), ...file.split('/')).toString();
}

/** The lens of one variant, from one summary; undefined when the summary has no evaluation of its fine-tunes. */
export function evalLensOf(located: Pick<LocatedEvalSummary, 'summary' | 'origin'>, arm: string, instruction: string): EvalLens | undefined {
  const { summary } = located;
  const text = evalLensText(summary, arm);
  if (!text) return undefined;
  const hash = instructionHash(instruction);
  const models = summary.models.filter((m) => m.role === 'inoculated' && m.name === arm);
  const earlier = models.filter((m) => m.trainedInstructionHash !== null && m.trainedInstructionHash !== hash).length;
  const elsewhere = located.origin !== 'here';
  const title = `${elsewhere ? 'elsewhere ' : ''}${flat(text, 160)}${earlier ? ' (earlier text)' : ''}`;
  const tooltip = [
    `Under the neutral prompt, against the baseline fine-tune (paired by item), evaluated ${flat(summary.finishedAt, 40)}${summary.complete ? '' : ' (incomplete)'}.`,
    ...(earlier ? [`${earlier} of ${models.length} fine-tune(s) were trained on an earlier text of this variant.`] : []),
    ...(elsewhere ? ['Found in .inoculate/ (e.g. committed to the repository), not evaluated by you.'] : []),
  ].join('\n');
  return { title, tooltip };
}

/** Builds the source from every readable evaluation summary of the workspace folders. */
export function evalResultsSourceFrom(summaries: readonly LocatedEvalSummary[]): EvalResultsSource {
  const byDocument = new Map<string, LocatedEvalSummary>();
  for (const located of summaries) {
    const uri = evalDocumentUri(located);
    const earlier = byDocument.get(uri);
    // One summary per file is written; should two folders hold one, the latest wins.
    if (!earlier || earlier.summary.finishedAt < located.summary.finishedAt) byDocument.set(uri, located);
  }
  return {
    forVariant(documentUri, arm, instruction) {
      const located = byDocument.get(documentUri);
      return located ? evalLensOf(located, arm, instruction) : undefined;
    },
  };
}
