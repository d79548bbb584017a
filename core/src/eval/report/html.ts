/**
 * The self-contained HTML report of an evaluation (`inoculate report --format html`): one file with the charts as
 * inline SVG, the tables, the figure's correlations, selectivity, the trigger, seeds, judge agreement and the methods
 * behind every interval. No script; its one style block is allowed by a Content-Security-Policy hash, everything else
 * blocked. Every string that came from a file, a dataset, an endpoint or a model is escaped.
 */
import { createHash } from 'node:crypto';
import { effectScatter, correlationText } from '../charts/scatter';
import { ratesChart } from '../charts/rates';
import { selectivityChart } from '../charts/selectivity';
import { changeText, facts, methodText, pct, rateText, resultRows, type ReportInput } from './text';

/** `text` safe in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; max-width: 1000px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d1d9e0; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; } .table { overflow-x: auto; } th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { font-weight: 600; } td.n { font-variant-numeric: tabular-nums; white-space: nowrap; }
.warn { color: #9a6700; font-weight: 600; } .note { color: #59636e; font-size: 0.9em; } .chart { overflow-x: auto; margin: 1em 0; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; } dt { font-weight: 600; } dd { margin: 0; }
`;

const cell = (content: string, numeric = false) => `<td${numeric ? ' class="n"' : ''}>${escapeHtml(content)}</td>`;
const row = (cells: string[]) => `<tr>${cells.join('')}</tr>`;
const head = (names: string[]) => `<tr>${names.map((name) => `<th scope="col">${escapeHtml(name)}</th>`).join('')}</tr>`;

/** The report as one HTML document. */
export function renderHtmlReport(input: ReportInput): string {
  const s = input.summary;
  const style = STYLE.trim();
  const styleHash = createHash('sha256').update(style, 'utf8').digest('base64');
  const out: string[] = [];
  out.push(`<h1>Evaluation of ${escapeHtml(s.file)}</h1>`);
  if (input.origin !== 'here') out.push(`<p class="warn">These results were not measured by you: the summary was found in the results folder and its signature is not yours. Do not rely on them without running the evaluation yourself.</p>`);
  out.push(`<dl>${facts(input).map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`);

  out.push('<h2>Rates of the behaviour (B) and the capability (C)</h2>');
  out.push(`<div class="chart">${ratesChart(s)}</div>`);
  out.push('<div class="table"><table>', head(['Model · condition', 'B [95% CI] (k/n)', 'ΔB vs baseline', 'C [95% CI] (k/n)', 'ΔC vs baseline', 'Failed']));
  for (const r of resultRows(s)) out.push(row([cell(r.label), cell(r.b, true), cell(r.db, true), cell(r.c, true), cell(r.dc, true), cell(r.failed ? String(r.failed) : '', true)]));
  out.push('</table></div>');
  const rateMethods = [...new Set(s.cells.flatMap((c) => [c.behavior.method, c.capability?.method].filter(Boolean) as string[]))];
  const changeMethods = [...new Set(s.comparisons.flatMap((c) => [c.behavior.method, c.capability?.method].filter(Boolean) as string[]))];
  out.push(`<p class="note">Rates: ${escapeHtml(rateMethods.map(methodText).join('; '))}. Changes (model − baseline fine-tune, same condition, paired by item): ${escapeHtml(changeMethods.map(methodText).join('; ') || 'none')}.</p>`);

  const judged = s.agreement.filter((a) => a.judge || a.used > 0);
  if (judged.length) {
    out.push('<h2>Judge agreement with hand labels</h2><table>', head(['Outcome', 'Grader', "Cohen's κ [95% CI]", 'Labels used', 'Stale', '']));
    for (const a of judged) {
      const k = a.kappa.estimate === null ? 'undefined' : `${a.kappa.estimate.toFixed(2)}${a.kappa.ci ? ` [${a.kappa.ci[0].toFixed(2)}, ${a.kappa.ci[1].toFixed(2)}]` : ''}`;
      out.push(row([cell(a.outcome === 'behavior' ? 'B' : 'C'), cell(a.type), cell(k, true), cell(String(a.used), true), cell(String(a.stale), true), `<td${a.level === 'ok' ? '' : ' class="warn"'}>${escapeHtml(a.message)}</td>`]));
    }
    out.push('</table>');
  }

  const armRows = s.arms.filter((arm) => arm.change.behavior || arm.trigger || arm.behavior.perSeed.length > 1);
  if (armRows.length) {
    out.push('<h2>Candidates: seeds, change against the baseline, trigger</h2><div class="table"><table>', head(['Candidate', 'Condition', 'Seeds', 'B per seed', 'B mean [95% CI]', 'ΔB vs baseline', 'ΔC vs baseline', 'Trigger (B with − without the instruction)']));
    for (const arm of armRows) {
      const perSeed = arm.behavior.perSeed.map((entry) => `s${entry.seed}: ${pct(entry.rate.estimate)}`).join(', ');
      const mean = arm.behavior.mean.ci ? `${pct(arm.behavior.mean.estimate)} [${pct(arm.behavior.mean.ci[0])}, ${pct(arm.behavior.mean.ci[1])}]` : `${pct(arm.behavior.mean.estimate)} (${arm.behavior.mean.note || 'no interval'})`;
      out.push(
        row([
          cell(arm.arm),
          cell(arm.condition),
          cell(String(arm.behavior.perSeed.length), true),
          cell(perSeed, true),
          cell(mean, true),
          cell(arm.change.behavior ? `${changeText(arm.change.behavior)} (${arm.change.behavior.method})` : ''),
          cell(arm.change.capability ? `${changeText(arm.change.capability)} (${arm.change.capability.method})` : ''),
          cell(arm.trigger ? `${changeText(arm.trigger)} (${arm.trigger.method})` : ''),
        ]),
      );
    }
    out.push('</table></div>');
  }

  if (s.figure) {
    const f = s.figure;
    out.push('<h2>Elicitation before fine-tuning against the inoculation effect</h2>');
    out.push(`<div class="chart">${effectScatter(f)}</div>`);
    out.push(
      `<p>Measured: ${escapeHtml(correlationText(f.pearson, 'Pearson r'))}, ${escapeHtml(correlationText(f.spearman, 'Spearman ρ'))} (${escapeHtml(methodText(f.pearson.method))}).` +
        (f.predicted ? ` Predicted score: ${escapeHtml(correlationText(f.predicted.pearson, 'r'))}, ${escapeHtml(correlationText(f.predicted.spearman, 'ρ'))}.` : '') +
        `</p>`,
    );
    const correlationNotes = [f.pearson.note, f.spearman.note].filter(Boolean);
    if (correlationNotes.length) out.push(`<p class="note">${escapeHtml([...new Set(correlationNotes)].join('; '))}</p>`);
    out.push(`<p class="note">Effect = baseline B − inoculated B under the neutral prompt; its interval: ${escapeHtml(f.effectMethod || 'none')}. Elicitation: the check ${f.check ? escapeHtml(`of ${f.check.finishedAt} (${f.check.model}, ${f.check.samplesPerArm} samples per arm, ${f.check.origin === 'here' ? 'measured by you' : 'NOT measured by you'})`) : 'is missing'}. Sampling noise in both pulls a correlation towards 0.</p>`);
    if (f.points.length) {
      out.push('<table>', head(['Candidate', 'Elicitation [95% CI]', 'Effect [95% CI]', 'Predicted', 'Seeds']));
      for (const p of f.points) {
        out.push(
          row([
            cell(p.candidate + (p.stale ? ' (trained on an earlier text)' : '')),
            cell(`${pct(p.elicitation)}${p.elicitationCi ? ` [${pct(p.elicitationCi[0])}, ${pct(p.elicitationCi[1])}]` : ''}`, true),
            cell(changeText({ estimate: p.effect, ci: p.effectCi ?? null, method: 'none', note: '' }), true),
            cell(typeof p.predicted === 'number' ? p.predicted.toFixed(2) : '', true),
            cell(String(p.seeds), true),
          ]),
        );
      }
      out.push('</table>');
    }
    for (const e of f.excluded) out.push(`<p class="note">Not in the figure: ${escapeHtml(e.candidate)}: ${escapeHtml(e.reason)}.</p>`);
    for (const note of f.notes) out.push(`<p class="warn">${escapeHtml(note)}</p>`);
  }

  if (s.arms.some((arm) => arm.selectivity)) {
    out.push('<h2>Selectivity</h2>');
    out.push(`<div class="chart">${selectivityChart(s.arms)}</div>`);
    for (const arm of s.arms.filter((a) => a.selectivity && a.condition === 'neutral')) out.push(`<p>${escapeHtml(arm.arm)}: ${escapeHtml(arm.selectivity!.summary)}.</p>`);
  }

  if (s.unusable.length || s.notes.length) {
    out.push('<h2>Not evaluated, and notes</h2><ul>');
    for (const u of s.unusable) out.push(`<li>${escapeHtml(`${u.arm} seed ${u.seed} (run ${u.runId}): ${u.message}`)}</li>`);
    for (const note of s.notes) out.push(`<li>${escapeHtml(note)}</li>`);
    out.push('</ul>');
  }

  out.push('<h2>Methods</h2><ul>');
  for (const [method, description] of Object.entries(s.methods)) out.push(`<li><code>${escapeHtml(method)}</code>: ${escapeHtml(description ?? '')}</li>`);
  out.push('</ul>');
  out.push(`<p class="note">Each interval is 95% on its own; across many comparisons some will miss by chance. Rates and changes speak for the population of items the dataset stands for. Report generated ${escapeHtml(input.generatedAt)} by Inoculate from ${escapeHtml(s.file)} (run ${escapeHtml(s.runId)}).</p>`);

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${styleHash}'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Evaluation of ${escapeHtml(s.file)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    ...out,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export { rateText };
