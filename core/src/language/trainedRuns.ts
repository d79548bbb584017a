/**
 * Training runs as the editor shows them beside each variant (`trained: 2 runs (1 running)`): read from the run
 * records (`.inoculate/runs/<runId>/record.jsonl`) like measurements are read from check summaries, grouped by file
 * and arm, and labelled with `armRunsLabel`. A run trained on an earlier text of the variant still counts, and the
 * label says how many did.
 */
import { URI, Utils } from 'vscode-uri';
import { instructionHash } from '../check/arms';
import { armRunsLabel, runsByArm, type ArmRuns } from '../train/runSummary';
import { currentAttempt, type RunState } from '../train/runStore';

/** A run and the workspace folder its provenance's `inocFile` is relative to. */
export interface LocatedRun {
  workspaceUri: string;
  run: RunState;
}

/** What a lens shows about one arm's runs. */
export interface TrainedArm {
  /** `trained: 2 runs (1 running, 1 succeeded)`, plus `; 1 on an earlier text` when some trained another text. */
  label: string;
  /** One line per run: seed, state, model (plain text; model ids come from backends and are cut). */
  tooltip: string;
  runs: number;
}

/** Where the lenses read runs from; empty before any run was launched. */
export interface TrainedRunsSource {
  /** The runs of variant `arm` of a document (matched by name); `instruction` is its current text. */
  forVariant(documentUri: string, arm: string, instruction: string): TrainedArm | undefined;
  /** The runs of the no-inoculation baseline of a document; `neutral` is its current neutral prompt. */
  forBaseline(documentUri: string, neutral: string): TrainedArm | undefined;
}

/** No runs (the CLI's `lint`, a server without run records). */
export const NO_TRAINED_RUNS: TrainedRunsSource = { forVariant: () => undefined, forBaseline: () => undefined };

/** The `.inoc` document a run was launched from. */
export function runDocumentUri(located: LocatedRun): string {
  const file = located.run.provenance.inocFile;
  if (file.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(file)) return URI.file(file).toString();
  return Utils.joinPath(URI.parse(located.workspaceUri), ...file.split('/')).toString();
}

const MAX_TOOLTIP_LINES = 12;
const cut = (text: string, max: number) => {
  // Control characters and line breaks from a backend never reach the tooltip.
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The lens of one arm's runs; `currentHash` is the hash of the text the arm inserts now. */
export function trainedArmOf(group: ArmRuns, currentHash: string): TrainedArm {
  const earlier = group.runs.filter((run) => run.provenance.arm.instructionHash !== currentHash).length;
  const lines = group.runs.slice(-MAX_TOOLTIP_LINES).map((run) => {
    const attempt = currentAttempt(run);
    const state = attempt?.job ? (attempt.status?.state ?? 'submitted') : 'not submitted';
    const model = attempt?.result ? ` → ${cut(attempt.result.modelId, 120)}` : '';
    const text = run.provenance.arm.instructionHash !== currentHash ? ' (earlier text)' : '';
    return `seed ${run.provenance.seed}: ${state}${model}${text} [${run.runId}]`;
  });
  if (group.runs.length > MAX_TOOLTIP_LINES) lines.unshift(`… and ${group.runs.length - MAX_TOOLTIP_LINES} earlier runs`);
  return {
    label: `${armRunsLabel(group)}${earlier ? `; ${earlier} on an earlier text` : ''}`,
    tooltip: lines.join('\n'),
    runs: group.runs.length,
  };
}

/** Builds the source from every readable run of the workspace folders. */
export function trainedRunsSourceFrom(runs: readonly LocatedRun[]): TrainedRunsSource {
  const byDocument = new Map<string, RunState[]>();
  for (const located of runs) {
    const uri = runDocumentUri(located);
    const list = byDocument.get(uri) ?? [];
    list.push(located.run);
    byDocument.set(uri, list);
  }
  // Variants by name; the baseline as one group whatever it was called (`(baseline)` when a variant is `baseline`).
  const variants = new Map<string, ArmRuns[]>();
  const baselines = new Map<string, ArmRuns | undefined>();
  const runsOf = (documentUri: string, kind: 'variant' | 'baseline') => (byDocument.get(documentUri) ?? []).filter((run) => run.provenance.arm.kind === kind);
  return {
    forVariant(documentUri, arm, instruction) {
      let groups = variants.get(documentUri);
      if (!groups) {
        groups = runsByArm(runsOf(documentUri, 'variant'));
        variants.set(documentUri, groups);
      }
      const group = groups.find((g) => g.arm === arm);
      return group ? trainedArmOf(group, instructionHash(instruction)) : undefined;
    },
    forBaseline(documentUri, neutral) {
      if (!baselines.has(documentUri)) {
        const runs = runsOf(documentUri, 'baseline').map((run) => ({ ...run, provenance: { ...run.provenance, arm: { ...run.provenance.arm, name: 'baseline' } } }));
        baselines.set(documentUri, runsByArm(runs)[0]);
      }
      const group = baselines.get(documentUri);
      return group ? trainedArmOf(group, instructionHash(neutral)) : undefined;
    },
  };
}
