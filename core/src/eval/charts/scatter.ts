/**
 * The paper's figure from the user's own runs: per candidate, the measured pre-fine-tune elicitation (x, from the
 * check) against the inoculation effect (y: baseline B − inoculated B under the neutral prompt), each with its 95%
 * interval as error bars, the predicted score as a second series (hollow diamonds at the same effect), and the
 * correlations with their bootstrap intervals in the caption. Pure: an SVG string, every label escaped.
 */
import type { CorrelationResult } from '../correlation';
import type { FigureResult } from '../summary';
import { clip, DEFAULT_COLORS, escapeXml, linear, percent, points, px, svgOpen, text, ticks, type ChartColors } from './svg';

/** Options of the chart. */
export interface ScatterOptions {
  width?: number;
  height?: number;
  colors?: Partial<ChartColors>;
}

/** `r 0.81 [0.21, 0.97]`, `n/a (2 candidates ...)`. */
export function correlationText(result: CorrelationResult, name: string): string {
  if (result.estimate === null) return `${name} n/a`;
  // Two decimals, or more where two would round to ±1 and hide that the value (or a limit) is not exactly 1.
  const f = (value: number) => {
    for (const digits of [2, 3, 4]) {
      const fixed = value.toFixed(digits);
      if (Math.abs(value) === 1 || Math.abs(Number(fixed)) !== 1) return fixed;
    }
    return `${value < 0 ? '>−' : '<'}1.0000`;
  };
  return `${name} ${f(result.estimate)}${result.ci ? ` [${f(result.ci[0])}, ${f(result.ci[1])}]` : ' (no interval)'}`;
}

/** The figure as SVG. */
export function effectScatter(figure: Pick<FigureResult, 'points' | 'pearson' | 'spearman' | 'predicted'>, options: ScatterOptions = {}): string {
  const colors = { ...DEFAULT_COLORS, ...options.colors };
  const width = Math.max(360, options.width ?? 560);
  const height = Math.max(280, options.height ?? 420);
  const margin = { left: 64, right: 24, top: 24, bottom: 92 };
  const values = figure.points.flatMap((p) => [p.effect, ...(p.effectCi ?? [])]);
  const low = Math.min(-0.1, Math.floor(Math.min(0, ...values) * 10) / 10);
  const high = Math.max(0.5, Math.ceil(Math.max(0, ...values) * 10) / 10);
  const x = linear(0, 1, margin.left, width - margin.right);
  const y = linear(low, high, height - margin.bottom, margin.top);
  const parts: string[] = [
    svgOpen(
      width,
      height,
      'Measured elicitation before fine-tuning against the inoculation effect',
      `${figure.points.length} candidates. ${correlationText(figure.pearson, 'Pearson r')}; ${correlationText(figure.spearman, 'Spearman rho')}.`,
      'inoc-chart inoc-scatter',
    ),
  ];
  for (const tick of ticks(0, 1, 0.25)) {
    parts.push(`<line class="inoc-grid" x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${px(margin.top)}" y2="${px(height - margin.bottom)}" stroke="${colors.grid}"/>`);
    parts.push(text(x(tick), height - margin.bottom + 16, percent(tick), { 'text-anchor': 'middle', fill: colors.muted, class: 'inoc-tick' }));
  }
  const step = high - low > 1 ? 0.25 : 0.1;
  for (const tick of ticks(low, high, step)) {
    parts.push(`<line class="inoc-grid" x1="${px(margin.left)}" x2="${px(width - margin.right)}" y1="${px(y(tick))}" y2="${px(y(tick))}" stroke="${colors.grid}" stroke-width="${tick === 0 ? 2 : 1}"/>`);
    parts.push(text(margin.left - 6, y(tick) + 4, points(tick), { 'text-anchor': 'end', fill: colors.muted, class: 'inoc-tick' }));
  }
  parts.push(text((margin.left + width - margin.right) / 2, height - margin.bottom + 34, 'Elicitation before fine-tuning (check rate)', { 'text-anchor': 'middle', fill: colors.text, class: 'inoc-axis' }));
  parts.push(text(16, (margin.top + height - margin.bottom) / 2, 'Effect: baseline B − inoculated B (points)', { 'text-anchor': 'middle', fill: colors.text, transform: `rotate(-90 16 ${px((margin.top + height - margin.bottom) / 2)})`, class: 'inoc-axis' }));
  for (const point of figure.points) {
    const cx = x(point.elicitation);
    const cy = y(point.effect);
    const label = `${point.candidate}: elicitation ${percent(point.elicitation)}${point.elicitationCi ? ` [${percent(point.elicitationCi[0])}, ${percent(point.elicitationCi[1])}]` : ''}, effect ${points(point.effect)} pts${point.effectCi ? ` [${points(point.effectCi[0])}, ${points(point.effectCi[1])}]` : ''}${typeof point.predicted === 'number' ? `, predicted ${point.predicted.toFixed(2)}` : ''}`;
    const bars = [
      point.elicitationCi ? `<line x1="${px(x(point.elicitationCi[0]))}" x2="${px(x(point.elicitationCi[1]))}" y1="${px(cy)}" y2="${px(cy)}" stroke="${colors.behavior}" stroke-width="1.5"/>` : '',
      point.effectCi ? `<line x1="${px(cx)}" x2="${px(cx)}" y1="${px(y(point.effectCi[0]))}" y2="${px(y(point.effectCi[1]))}" stroke="${colors.behavior}" stroke-width="1.5"/>` : '',
    ].join('');
    parts.push(`<g class="inoc-point"><title>${escapeXml(label)}</title>${bars}<circle cx="${px(cx)}" cy="${px(cy)}" r="5" fill="${colors.behavior}"/></g>`);
    parts.push(text(cx + 7, cy - 7, clip(point.candidate, 24), { fill: colors.text, class: 'inoc-label' }));
    if (typeof point.predicted === 'number') {
      const px0 = x(Math.max(0, Math.min(1, point.predicted)));
      parts.push(
        `<g class="inoc-predicted"><title>${escapeXml(`${point.candidate}: predicted score ${point.predicted.toFixed(2)}`)}</title>` +
          `<path d="M ${px(px0)} ${px(cy - 6)} L ${px(px0 + 6)} ${px(cy)} L ${px(px0)} ${px(cy + 6)} L ${px(px0 - 6)} ${px(cy)} Z" fill="none" stroke="${colors.predicted}" stroke-width="1.5"/></g>`,
      );
    }
  }
  if (!figure.points.length) parts.push(text(width / 2, height / 2, 'No candidate has both a check and an evaluation yet.', { 'text-anchor': 'middle', fill: colors.muted }));
  const legendY = height - 36;
  parts.push(`<circle cx="${margin.left}" cy="${legendY - 4}" r="5" fill="${colors.behavior}"/>`);
  parts.push(text(margin.left + 10, legendY, `measured: ${correlationText(figure.pearson, 'Pearson r')}, ${correlationText(figure.spearman, 'Spearman ρ')}`, { fill: colors.text, class: 'inoc-legend' }));
  if (figure.predicted) {
    parts.push(`<path d="M ${margin.left} ${legendY + 10} L ${margin.left + 6} ${legendY + 16} L ${margin.left} ${legendY + 22} L ${margin.left - 6} ${legendY + 16} Z" fill="none" stroke="${colors.predicted}" stroke-width="1.5"/>`);
    parts.push(text(margin.left + 10, legendY + 20, `predicted score: ${correlationText(figure.predicted.pearson, 'r')}, ${correlationText(figure.predicted.spearman, 'ρ')}`, { fill: colors.text, class: 'inoc-legend' }));
  }
  parts.push('</svg>');
  return parts.join('');
}
