/**
 * The Markdown report of an evaluation (`inoculate report --format md`): the same sections as the HTML one, with the
 * charts as SVG files beside it (returned here; the caller writes them) and linked as images. Text from files,
 * datasets, endpoints and models is escaped for Markdown (`escapeMarkdown`: no link, image, HTML or table break can
 * come from it), and inside table cells the pipe is escaped too.
 */
import { escapeMarkdown } from '../../language/markdown';
import { effectScatter, correlationText } from '../charts/scatter';
import { ratesChart } from '../charts/rates';
import { selectivityChart } from '../charts/selectivity';
import { changeText, facts, methodText, pct, resultRows, type ReportInput } from './text';

/** A Markdown report and the SVG files it links (names relative to the report). */
export interface MarkdownReport {
  markdown: string;
  files: Array<{ name: string; svg: string }>;
}

const e = (text: string) => escapeMarkdown(text, false);
const tableRow = (cells: string[]) => `| ${cells.map(e).join(' | ')} |`;
const tableHead = (names: string[]) => `${tableRow(names)}\n|${names.map(() => ' --- ').join('|')}|`;

/** The report; `prefix` names the SVG files (`<prefix>-rates.svg`...), safe characters only. */
export function renderMarkdownReport(input: ReportInput, prefix = 'report'): MarkdownReport {
  const s = input.summary;
  const base = prefix.replace(/[^A-Za-z0-9._-]/g, '-') || 'report';
  const files: MarkdownReport['files'] = [{ name: `${base}-rates.svg`, svg: ratesChart(s) }];
  const out: string[] = [`# Evaluation of ${e(s.file)}`, ''];
  if (input.origin !== 'here') out.push('> **These results were not measured by you**: the summary was found in the results folder and its signature is not yours.', '');
  for (const [name, value] of facts(input)) out.push(`- **${e(name)}**: ${e(value)}`);
  out.push('', '## Rates of the behaviour (B) and the capability (C)', '', `![Rates of B and C per model and condition](${files[0]!.name})`, '');
  out.push(tableHead(['Model · condition', 'B [95% CI] (k/n)', 'ΔB vs baseline', 'C [95% CI] (k/n)', 'ΔC vs baseline', 'Failed']));
  for (const r of resultRows(s)) out.push(tableRow([r.label, r.b, r.db, r.c, r.dc, r.failed ? String(r.failed) : '']));
  const rateMethods = [...new Set(s.cells.flatMap((c) => [c.behavior.method, c.capability?.method].filter(Boolean) as string[]))];
  const changeMethods = [...new Set(s.comparisons.flatMap((c) => [c.behavior.method, c.capability?.method].filter(Boolean) as string[]))];
  out.push('', `Rates: ${e(rateMethods.map(methodText).join('; '))}. Changes (model − baseline fine-tune, same condition, paired by item): ${e(changeMethods.map(methodText).join('; ') || 'none')}.`);

  const judged = s.agreement.filter((a) => a.judge || a.used > 0);
  if (judged.length) {
    out.push('', '## Judge agreement with hand labels', '', tableHead(['Outcome', 'Grader', "Cohen's κ [95% CI]", 'Labels', 'Stale', '']));
    for (const a of judged) {
      const k = a.kappa.estimate === null ? 'undefined' : `${a.kappa.estimate.toFixed(2)}${a.kappa.ci ? ` [${a.kappa.ci[0].toFixed(2)}, ${a.kappa.ci[1].toFixed(2)}]` : ''}`;
      out.push(tableRow([a.outcome === 'behavior' ? 'B' : 'C', a.type, k, String(a.used), String(a.stale), `${a.level === 'ok' ? '' : '⚠ '}${a.message}`]));
    }
  }

  const armRows = s.arms.filter((arm) => arm.change.behavior || arm.trigger || arm.behavior.perSeed.length > 1);
  if (armRows.length) {
    out.push('', '## Candidates: seeds, change against the baseline, trigger', '', tableHead(['Candidate', 'Condition', 'B per seed', 'B mean [95% CI]', 'ΔB vs baseline', 'ΔC vs baseline', 'Trigger']));
    for (const arm of armRows) {
      const mean = arm.behavior.mean.ci ? `${pct(arm.behavior.mean.estimate)} [${pct(arm.behavior.mean.ci[0])}, ${pct(arm.behavior.mean.ci[1])}]` : `${pct(arm.behavior.mean.estimate)} (no interval)`;
      out.push(
        tableRow([
          arm.arm,
          arm.condition,
          arm.behavior.perSeed.map((entry) => `s${entry.seed}: ${pct(entry.rate.estimate)}`).join(', '),
          mean,
          arm.change.behavior ? `${changeText(arm.change.behavior)} (${arm.change.behavior.method})` : '',
          arm.change.capability ? `${changeText(arm.change.capability)} (${arm.change.capability.method})` : '',
          arm.trigger ? `${changeText(arm.trigger)} (${arm.trigger.method})` : '',
        ]),
      );
    }
  }

  if (s.figure) {
    const f = s.figure;
    files.push({ name: `${base}-figure.svg`, svg: effectScatter(f) });
    out.push('', '## Elicitation before fine-tuning against the inoculation effect', '', `![Elicitation against effect](${base}-figure.svg)`, '');
    out.push(`Measured: ${e(correlationText(f.pearson, 'Pearson r'))}, ${e(correlationText(f.spearman, 'Spearman ρ'))} (${e(methodText(f.pearson.method))}).${f.predicted ? ` Predicted score: ${e(correlationText(f.predicted.pearson, 'r'))}, ${e(correlationText(f.predicted.spearman, 'ρ'))}.` : ''}`);
    const correlationNotes = [...new Set([f.pearson.note, f.spearman.note].filter(Boolean))];
    if (correlationNotes.length) out.push('', e(correlationNotes.join('; ')));
    out.push('', e(`Effect = baseline B − inoculated B under the neutral prompt; its interval: ${f.effectMethod || 'none'}. Elicitation: ${f.check ? `the check of ${f.check.finishedAt} (${f.check.model}, ${f.check.samplesPerArm} samples per arm, ${f.check.origin === 'here' ? 'measured by you' : 'NOT measured by you'})` : 'no check'}.`));
    if (f.points.length) {
      out.push('', tableHead(['Candidate', 'Elicitation [95% CI]', 'Effect [95% CI]', 'Predicted', 'Seeds']));
      for (const p of f.points) {
        out.push(
          tableRow([
            p.candidate + (p.stale ? ' (trained on an earlier text)' : ''),
            `${pct(p.elicitation)}${p.elicitationCi ? ` [${pct(p.elicitationCi[0])}, ${pct(p.elicitationCi[1])}]` : ''}`,
            changeText({ estimate: p.effect, ci: p.effectCi ?? null, method: 'none', note: '' }),
            typeof p.predicted === 'number' ? p.predicted.toFixed(2) : '',
            String(p.seeds),
          ]),
        );
      }
    }
    for (const x of f.excluded) out.push('', e(`Not in the figure: ${x.candidate}: ${x.reason}.`));
    for (const note of f.notes) out.push('', `**${e(note)}**`);
  }

  if (s.arms.some((arm) => arm.selectivity)) {
    files.push({ name: `${base}-selectivity.svg`, svg: selectivityChart(s.arms) });
    out.push('', '## Selectivity', '', `![Selectivity](${base}-selectivity.svg)`, '');
    for (const arm of s.arms.filter((a) => a.selectivity && a.condition === 'neutral')) out.push(`- ${e(arm.arm)}: ${e(arm.selectivity!.summary)}.`);
  }
  if (s.unusable.length || s.notes.length) {
    out.push('', '## Not evaluated, and notes', '');
    for (const u of s.unusable) out.push(`- ${e(`${u.arm} seed ${u.seed} (run ${u.runId}): ${u.message}`)}`);
    for (const note of s.notes) out.push(`- ${e(note)}`);
  }
  out.push('', '## Methods', '');
  for (const [method, description] of Object.entries(s.methods)) out.push(`- ${e(method)}: ${e(description ?? '')}`);
  out.push('', e(`Each interval is 95% on its own. Report generated ${input.generatedAt} by Inoculate from ${s.file} (run ${s.runId}).`), '');
  return { markdown: out.join('\n'), files };
}
