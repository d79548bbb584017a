/**
 * What the comparison view shows of an evaluation summary, as one message (pure): the table's rows, core's SVG
 * charts (core/src/eval/charts: every label escaped there), the figure's correlations and the selectivity in words
 * (the charts' text alternative), judge agreement per grader, and the cells the sample browser offers.
 */
import { cellLabel, ratesChart } from '../../../core/src/eval/charts/rates';
import { correlationText, effectScatter } from '../../../core/src/eval/charts/scatter';
import { selectivityChart } from '../../../core/src/eval/charts/selectivity';
import type { GraderAgreement } from '../../../core/src/eval/labels';
import type { EvalSummary } from '../../../core/src/eval/summary';
import type { AgreementView, ComparisonHostMessage } from './comparisonProtocol';
import { comparisonRows } from './comparisonRows';

/** The agreement figures as the page shows them. */
export function agreementViews(agreement: readonly GraderAgreement[]): AgreementView[] {
  return agreement.map((a) => ({ outcome: a.outcome, type: a.type, judge: a.judge, kappa: a.kappa.estimate, level: a.level, message: a.message, used: a.used }));
}

/** The figure's correlations in words, and why candidates were left out. */
export function figureText(figure: EvalSummary['figure']): string[] {
  if (!figure) return ['No figure: it needs a check of the candidates (Run Elicitation Check) and at least one evaluated fine-tune per candidate.'];
  const lines = [`${figure.points.length} candidate${figure.points.length === 1 ? '' : 's'}: ${correlationText(figure.pearson, 'Pearson r')}, ${correlationText(figure.spearman, 'Spearman ρ')} (measured elicitation against the effect, 95% bootstrap intervals).`];
  if (figure.predicted) lines.push(`Predicted score against the effect: ${correlationText(figure.predicted.pearson, 'Pearson r')}, ${correlationText(figure.predicted.spearman, 'Spearman ρ')}.`);
  for (const point of figure.points) {
    const pct = (v: number) => `${Math.round(v * 100)}%`;
    lines.push(`${point.candidate}: elicitation ${pct(point.elicitation)}, effect ${Math.round(point.effect * 100)} pts${point.effectCi ? ` [${Math.round(point.effectCi[0] * 100)}, ${Math.round(point.effectCi[1] * 100)}]` : ''}${typeof point.predicted === 'number' ? `, predicted ${point.predicted.toFixed(2)}` : ''}${point.stale ? ' (stale)' : ''}`);
  }
  for (const excluded of figure.excluded) lines.push(`Left out: ${excluded.candidate}: ${excluded.reason}`);
  return lines;
}

/** The message that draws the whole page. */
export function comparisonMessage(summary: EvalSummary, uri: string, file: string, notes: string[], finishedAt: string): Extract<ComparisonHostMessage, { type: 'summary' }> {
  const rows = comparisonRows(summary);
  const neutralArms = summary.arms.filter((arm) => arm.condition === 'neutral' && arm.change.behavior);
  return {
    type: 'summary',
    uri,
    file,
    subtitle: `${summary.behavior} · ${summary.dataset.items} items × ${summary.samplesPerItem} samples · B: ${summary.graders.behavior.type} · C: ${summary.graders.capability?.type ?? `${summary.graders.behavior.type} (when it can tell)`} · ${summary.requests} requests, ${summary.cacheHits} from the cache · finished ${finishedAt}${summary.complete ? '' : ' · incomplete'}`,
    rows,
    charts: {
      rates: ratesChart(summary),
      scatter: summary.figure && summary.figure.points.length ? effectScatter(summary.figure) : null,
      selectivity: neutralArms.length ? selectivityChart(summary.arms) : null,
    },
    figureText: figureText(summary.figure),
    selectivityText: neutralArms.map((arm) => `${arm.arm}${arm.behavior.perSeed.length > 1 ? ` (${arm.behavior.perSeed.length} seeds)` : ''}: ${arm.selectivity?.summary ?? 'C not measured'}`),
    agreement: agreementViews(summary.agreement),
    cells: summary.cells.map((cell) => ({ key: cell.key, label: cellLabel(cell) })),
    notes: [
      ...notes,
      ...summary.unusable.map((u) => `Not evaluated: ${u.arm} seed ${u.seed}: ${u.message}`),
      ...summary.notes,
    ],
  };
}
