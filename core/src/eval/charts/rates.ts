/**
 * The B/C chart: one row per model × condition (× prompt), the rate of the behaviour and of the capability side by
 * side, each a dot at the estimate with its 95% interval as a line. A judge whose agreement with hand labels is
 * below 0.6 (or unknown) is marked in its panel's title. Pure: an SVG string, every label escaped.
 */
import type { EvalSummary } from '../summary';
import { clip, DEFAULT_COLORS, escapeXml, linear, percent, px, svgOpen, text, ticks, type ChartColors } from './svg';

/** Options of the chart. */
export interface RatesChartOptions {
  width?: number;
  colors?: Partial<ChartColors>;
}

/** The label of a cell: `very-mean s1 · inoculated: very-mean`. */
export function cellLabel(cell: Pick<EvalSummary['cells'][number], 'name' | 'seed' | 'condition' | 'prompt'>): string {
  return `${cell.name}${cell.seed === null ? '' : ` s${cell.seed}`} · ${cell.condition}${cell.prompt && cell.condition === 'inoculated' ? `: ${cell.prompt}` : ''}`;
}

/** The chart as SVG. */
export function ratesChart(summary: Pick<EvalSummary, 'cells' | 'agreement' | 'graders'>, options: RatesChartOptions = {}): string {
  const colors = { ...DEFAULT_COLORS, ...options.colors };
  const width = Math.max(480, options.width ?? 760);
  const labelWidth = Math.min(260, Math.round(width * 0.32));
  const gap = 40;
  // Room on the right for the last tick's label.
  const panel = (width - labelWidth - gap * 2 - 18) / 2;
  const rowHeight = 22;
  const top = 46;
  const height = top + summary.cells.length * rowHeight + 28;
  const panels = [
    { outcome: 'behavior' as const, title: `Behaviour (B): ${summary.graders.behavior.type}`, x0: labelWidth + gap, color: colors.behavior },
    { outcome: 'capability' as const, title: `Capability (C): ${(summary.graders.capability ?? summary.graders.behavior).type}`, x0: labelWidth + gap * 2 + panel, color: colors.capability },
  ];
  const parts: string[] = [
    svgOpen(width, height, 'Rates of the behaviour and the capability per model and condition', `${summary.cells.length} rows; dots are estimates, lines 95% intervals.`, 'inoc-chart inoc-rates'),
  ];
  for (const p of panels) {
    const x = linear(0, 1, p.x0, p.x0 + panel);
    const agreement = summary.agreement.find((a) => a.outcome === p.outcome);
    const flag = agreement && agreement.judge && agreement.level !== 'ok' ? (agreement.kappa.estimate === null ? ' (judge agreement unknown)' : ` (κ ${agreement.kappa.estimate.toFixed(2)} < 0.6)`) : agreement && agreement.judge ? ` (κ ${agreement.kappa.estimate!.toFixed(2)})` : '';
    parts.push(text(p.x0, 16, clip(p.title, 40) + flag, { 'font-weight': 600, fill: agreement?.level === 'warn' ? colors.behavior : colors.text, class: 'inoc-title' }));
    for (const tick of ticks(0, 1, 0.25)) {
      parts.push(`<line class="inoc-grid" x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${top - 8}" y2="${px(height - 24)}" stroke="${colors.grid}" stroke-width="1"/>`);
      parts.push(text(x(tick), height - 10, percent(tick), { 'text-anchor': 'middle', fill: colors.muted, class: 'inoc-tick' }));
    }
  }
  summary.cells.forEach((cell, row) => {
    const y = top + row * rowHeight + rowHeight / 2;
    parts.push(text(labelWidth, y + 4, clip(cellLabel(cell), 42), { 'text-anchor': 'end', fill: colors.text, class: 'inoc-label' }));
    for (const p of panels) {
      const rate = p.outcome === 'behavior' ? cell.behavior : cell.capability;
      const x = linear(0, 1, p.x0, p.x0 + panel);
      if (!rate) {
        parts.push(text(p.x0 + 4, y + 4, 'not measured', { fill: colors.muted, 'font-style': 'italic', class: 'inoc-missing' }));
        continue;
      }
      const label = `${cellLabel(cell)}: ${p.outcome === 'behavior' ? 'B' : 'C'} ${percent(rate.estimate)} [${percent(rate.ci[0])}, ${percent(rate.ci[1])}] (${rate.k}/${rate.n})`;
      parts.push(
        `<g class="inoc-${p.outcome}"><title>${escapeXml(label)}</title>` +
          `<line x1="${px(x(rate.ci[0]))}" x2="${px(x(rate.ci[1]))}" y1="${px(y)}" y2="${px(y)}" stroke="${p.color}" stroke-width="2"/>` +
          `<circle cx="${px(x(rate.estimate))}" cy="${px(y)}" r="4" fill="${p.color}"/></g>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
