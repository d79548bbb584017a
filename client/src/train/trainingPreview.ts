/**
 * What the editor shows before a training launch sends anything, as pure functions of the plan: the two sides of
 * the preview diff (the first examples without and with each variant's instruction), the plan as a read-only
 * Markdown document (counts, tokens and how they were counted, jobs, estimated cost, notices, problems with their
 * dataset lines), the problems as (line, severity, message) for diagnostics on the dataset, and the confirmation's
 * words. Text from the file, the dataset and backends is escaped in the Markdown (`core/src/language/markdown.ts`).
 */
import type { ChatMessage } from '../../../core/src/format/dataset';
import { code, escapeMarkdown, md, ours, type Markdown } from '../../../core/src/language/markdown';
import type { TrainingPlan } from '../../../core/src/train/plan';

/** What became of a planned run before the launch: a new job, or the job it already has (attached, not paid twice). */
export type RunDisposition = { kind: 'new' } | { kind: 'attached'; job: string; state: string };

const number = (value: number) => value.toLocaleString('en-US');
export const money = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

/** One message of an example, as the preview shows it: its role, then its text indented. */
function messageText(message: ChatMessage): string {
  const lines = message.content.replace(/\r\n?/g, '\n').split('\n').map((line) => (line ? `    ${line}` : ''));
  return `  ${message.role}:\n${lines.join('\n')}`;
}

/** The header both sides share, so the diff lines up and only the instruction differs. */
const pairHeader = (arm: string, dataset: string, line: number) => `── ${arm} · ${dataset}:${line} ──`;

/**
 * The preview diff's two sides for the chosen variants (`arms`): each of their first examples without the
 * instruction (the baseline's example of the same dataset line) and with it.
 */
export function previewSides(plan: Pick<TrainingPlan, 'previews' | 'dataset'>, arms: readonly string[]): { without: string; with: string } {
  const without: string[] = [];
  const withIt: string[] = [];
  for (const preview of plan.previews.filter((p) => arms.includes(p.arm))) {
    for (const pair of preview.pairs) {
      const header = pairHeader(preview.arm, plan.dataset.shown, pair.line);
      without.push(header, ...pair.without.map(messageText), '');
      withIt.push(header, ...pair.with.map(messageText), '');
    }
  }
  if (withIt.length === 0) {
    const none = 'No variant is trained: only the baseline (the neutral prompt), shown in the plan.';
    return { without: none, with: none };
  }
  return { without: without.join('\n'), with: withIt.join('\n') };
}

/** A problem of the training data at a dataset line (1-based; 0 for the whole set). */
export interface DatasetProblem {
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

/** The plan's errors and warnings about the dataset (`<dataset>:<line>: message`), by line. */
export function datasetProblems(plan: Pick<TrainingPlan, 'errors' | 'warnings' | 'dataset'>): DatasetProblem[] {
  const prefix = plan.dataset.shown;
  const parse = (text: string, severity: DatasetProblem['severity']): DatasetProblem => {
    if (text.startsWith(`${prefix}:`)) {
      const rest = text.slice(prefix.length + 1);
      const match = /^(\d+): ([\s\S]*)$/.exec(rest);
      if (match) return { line: Number(match[1]), severity, message: match[2]! };
      return { line: 0, severity, message: rest.replace(/^ /, '') };
    }
    return { line: 0, severity, message: text };
  };
  return [...plan.errors.map((e) => parse(e, 'error')), ...plan.warnings.map((w) => parse(w, 'warning'))];
}

/** The total estimated cost of the new jobs, or why there is none. */
export function newJobsCost(plan: Pick<TrainingPlan, 'arms' | 'runs'>, dispositions: ReadonlyMap<string, RunDisposition>): { usd: number; note: string } | { usd: null; note: string } {
  let usd = 0;
  let note = '';
  for (const run of plan.runs) {
    if (dispositions.get(run.provenance.runId)?.kind === 'attached') continue;
    const arm = plan.arms.find((a) => a.arm.name === run.provenance.arm.name);
    if (!arm) continue;
    if (arm.cost.kind !== 'estimate') return { usd: null, note: arm.cost.note };
    usd += arm.cost.usd;
    note = arm.cost.note;
  }
  return { usd, note };
}

/** Details the plan document shows beside the plan itself. */
export interface PlanContext {
  dispositions: ReadonlyMap<string, RunDisposition>;
  /** Which key would be sent (`keyText`). */
  key: string;
}

const cell = (text: string | number) => (typeof text === 'number' ? String(text) : escapeMarkdown(text, false));

/** The plan as a Markdown document (read-only in the editor). */
export function planMarkdown(plan: TrainingPlan, context: PlanContext): string {
  const parts: Markdown[] = [];
  const hp = Object.entries(plan.settings.hyperparameters)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  const tokens = plan.tokenizer.counted === 'tokenizer' ? `counted with the model's tokenizer (${plan.tokenizer.name})` : 'estimated (characters / 4): no tokenizer is known for this model';
  const fresh = plan.runs.filter((run) => context.dispositions.get(run.provenance.runId)?.kind !== 'attached').length;
  parts.push(md`# Training plan: ${code(plan.inocFile)}`);
  parts.push(
    ours(
      fresh === plan.runs.length
        ? 'Nothing has been sent yet. The preview beside this shows the first examples without and with each instruction.'
        : 'Nothing has been sent yet. Runs that already have a job are attached to, not submitted (or paid for) again.',
    ),
  );
  parts.push(
    ours(
      [
        '| | |',
        '|---|---|',
        `| Backend | ${cell(plan.backend.id)} at ${cell(plan.backend.target)} |`,
        `| Base model | ${cell(plan.settings.model ?? '')} |`,
        `| Dataset | ${cell(plan.dataset.shown)}: ${plan.dataset.items} items, sha256 ${cell(plan.dataset.sha256.slice(0, 12))}… |`,
        `| Loss | ${cell(plan.settings.loss)} |`,
        `| Hyper-parameters | ${cell(hp)} |`,
        `| Tokens | ${cell(tokens)} |`,
        `| API key | ${cell(context.key)} |`,
      ].join('\n'),
    ),
  );
  parts.push(ours('## Arms'));
  const armRows = plan.arms.map((arm) => {
    const name = arm.arm.kind === 'baseline' ? `${arm.arm.name} (no inoculation)` : arm.arm.name;
    const cost = arm.cost.kind === 'estimate' ? `~${money(arm.cost.usd)} per seed` : arm.cost.note;
    const check = arm.check ? `${Math.round(arm.check.rate * 100)}% (n ${arm.check.n})${arm.check.stale ? ', edited since' : ''}` : '—';
    return `| ${cell(name)} | ${number(arm.trainingFile.examples)} | ${number(arm.trainingFile.tokens.total)}${arm.trainingFile.tokens.counted === 'estimate' ? ' (estimate)' : ''} | ${cell(cost)} | ${cell(check)} | ${cell(arm.trainingFile.sha256.slice(0, 12))}… |`;
  });
  parts.push(ours(['| arm | examples | tokens | cost | measured rate | training file |', '|---|---:|---:|---|---|---|', ...armRows].join('\n')));
  parts.push(ours(`## Jobs (${plan.runs.length}: ${fresh} new)`));
  const jobRows = plan.runs.map((run) => {
    const d = context.dispositions.get(run.provenance.runId) ?? { kind: 'new' as const };
    const what = d.kind === 'attached' ? `already submitted: attaches to ${d.job} (${d.state})` : 'new job';
    return `| ${cell(run.provenance.runId)} | ${cell(run.provenance.arm.name)} | ${run.provenance.seed} | ${cell(what)} |`;
  });
  parts.push(ours(['| run | arm | seed | |', '|---|---|---:|---|', ...jobRows].join('\n')));
  const cost = newJobsCost(plan, context.dispositions);
  parts.push(
    cost.usd === null
      ? md`Estimated cost: unknown (${cost.note}).`
      : fresh === 0
        ? ours('Estimated cost: nothing (every run already has a job).')
        : md`Estimated cost of the new jobs: ~${money(cost.usd)} in all (${cost.note}; verify before budgeting).`,
  );
  if (plan.dateNotices.length) {
    parts.push(ours('## Notices'));
    parts.push(ours(plan.dateNotices.map((n) => `- ${n.severity}: ${escapeMarkdown(n.message, false)}`).join('\n')));
  }
  const problems = datasetProblems(plan);
  if (problems.length) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    parts.push(ours(`## Problems in the training data (${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'})`));
    parts.push(ours(errors ? 'Nothing can be launched until the errors are fixed. They are also in the Problems panel, on the dataset lines.' : 'Warnings do not stop a launch. They are also in the Problems panel, on the dataset lines.'));
    parts.push(
      ours(
        problems
          .slice(0, 200)
          .map((p) => `- ${p.severity}: ${escapeMarkdown(p.line > 0 ? `${plan.dataset.shown}:${p.line}` : plan.dataset.shown, false)}: ${escapeMarkdown(p.message, false)}`)
          .join('\n'),
      ),
    );
    if (problems.length > 200) parts.push(ours(`… and ${problems.length - 200} more.`));
  }
  return `${parts.map((p) => p.value).join('\n\n')}\n`;
}

/** The modal confirmation: a one-line question and the details. */
export function launchConfirmation(plan: TrainingPlan, context: PlanContext): { message: string; detail: string } {
  const fresh = plan.runs.filter((run) => context.dispositions.get(run.provenance.runId)?.kind !== 'attached');
  const attached = plan.runs.length - fresh.length;
  const arms = plan.arms.map((a) => (a.arm.kind === 'baseline' ? `${a.arm.name} (no inoculation)` : a.arm.name));
  const examples = plan.arms.reduce((sum, a) => sum + a.trainingFile.examples, 0);
  const tokens = plan.arms.reduce((sum, a) => sum + a.trainingFile.tokens.total, 0);
  const cost = newJobsCost(plan, context.dispositions);
  const message =
    fresh.length === 0
      ? `Attach to the ${plan.runs.length} existing job${plan.runs.length === 1 ? '' : 's'} of ${plan.inocFile}? Nothing new is submitted.`
      : `Launch ${fresh.length} fine-tuning job${fresh.length === 1 ? '' : 's'} on ${plan.backend.id} (${plan.settings.model})?`;
  const lines = [
    `File: ${plan.inocFile}`,
    `Endpoint: ${plan.backend.target}; key: ${context.key}`,
    `Arms: ${arms.join(', ')}; seeds ${plan.settings.seeds.join(', ')}`,
    `Jobs: ${fresh.length} new${attached ? `, ${attached} already submitted (attached, not paid twice)` : ''}`,
    `Examples: ${number(examples)} in ${plan.arms.length} training file${plan.arms.length === 1 ? '' : 's'}; tokens ${plan.tokenizer.counted === 'tokenizer' ? `${number(tokens)} (counted, ${plan.tokenizer.name})` : `~${number(tokens)} (estimated)`}`,
    cost.usd === null ? `Cost: unknown (${cost.note})` : `Cost: ~${money(cost.usd)} for the new jobs (${cost.note}; verify before budgeting)`,
    ...plan.dateNotices.map((n) => `${n.severity === 'error' ? 'Error' : 'Note'}: ${n.message.replace(/`/g, '')}`),
    ...(plan.warnings.length ? [`${plan.warnings.length} warning${plan.warnings.length === 1 ? '' : 's'} about the data (in the plan and the Problems panel)`] : []),
  ];
  return { message, detail: lines.join('\n') };
}
