/**
 * The selectivity chart (Tan et al.): per candidate, the change of the behaviour and the change of the capability
 * against the baseline fine-tune (neutral prompt), side by side, each with its 95% interval, around a zero line.
 * A good inoculation lowers B (left of zero) and leaves C at zero. Pure: an SVG string, every label escaped.
 */
import type { ArmResult } from '../summary';
import { clip, DEFAULT_COLORS, escapeXml, linear, points, px, svgOpen, text, ticks, type ChartColors } from './svg';

export interface SelectivityOptions {
  width?: number;
  colors?: Partial<ChartColors>;
}

/** The chart as SVG, for the arms under `condition` (default neutral). */
export function selectivityChart(arms: readonly ArmResult[], options: SelectivityOptions & { condition?: string } = {}): string {
  const colors = { ...DEFAULT_COLORS, ...options.colors };
  const rows = arms.filter((arm) => arm.condition === (options.condition ?? 'neutral') && arm.change.behavior);
  const width = Math.max(420, options.width ?? 640);
  const labelWidth = 230;
  const right = 24;
  const rowHeight = 34;
  const top = 40;
  const height = top + Math.max(1, rows.length) * rowHeight + 40;
  const bounds = rows.flatMap((arm) => [arm.change.behavior, arm.change.capability].flatMap((c) => (c ? [c.estimate, ...(c.ci ?? [])] : [])));
  const extent = Math.max(0.5, Math.ceil(Math.max(0, ...bounds.map(Math.abs)) * 4) / 4);
  const x = linear(-extent, extent, labelWidth + 16, width - right);
  const parts: string[] = [
    svgOpen(width, height, 'Selectivity: change of the behaviour and of the capability against the baseline', `${rows.length} candidates; negative B is less of the behaviour, negative C is capability lost.`, 'inoc-chart inoc-selectivity'),
    text(16, 16, 'Change against the baseline fine-tune (points; neutral prompt)', { 'font-weight': 600, fill: colors.text, class: 'inoc-title' }),
    `<circle cx="22" cy="${top - 2}" r="4" fill="${colors.behavior}"/>`,
    text(30, top + 2, 'ΔB (behaviour)', { fill: colors.text, class: 'inoc-legend' }),
    `<circle cx="22" cy="${top + 14}" r="4" fill="${colors.capability}"/>`,
    text(30, top + 18, 'ΔC (capability)', { fill: colors.text, class: 'inoc-legend' }),
  ];
  for (const tick of ticks(-extent, extent, extent > 1 ? 0.5 : 0.25)) {
    parts.push(`<line class="inoc-grid" x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${top - 6}" y2="${px(height - 28)}" stroke="${colors.grid}" stroke-width="${tick === 0 ? 2 : 1}"/>`);
    parts.push(text(x(tick), height - 12, points(tick), { 'text-anchor': 'middle', fill: colors.muted, class: 'inoc-tick' }));
  }
  rows.forEach((arm, row) => {
    const y = top + row * rowHeight + 10;
    parts.push(text(labelWidth, y + 10, clip(arm.arm, 30), { 'text-anchor': 'end', fill: colors.text, class: 'inoc-label' }));
    const series = [
      { change: arm.change.behavior, name: 'B', color: colors.behavior, dy: 4 },
      { change: arm.change.capability, name: 'C', color: colors.capability, dy: 16 },
    ];
    for (const s of series) {
      if (!s.change) {
        parts.push(text(x(0) + 6, y + s.dy + 4, `${s.name} not measured`, { fill: colors.muted, 'font-style': 'italic' }));
        continue;
      }
      const c = s.change;
      const label = `${arm.arm}: Δ${s.name} ${points(c.estimate)} pts${c.ci ? ` [${points(c.ci[0])}, ${points(c.ci[1])}]` : ''} (${c.method})`;
      parts.push(
        `<g class="inoc-${s.name === 'B' ? 'behavior' : 'capability'}"><title>${escapeXml(label)}</title>` +
          (c.ci ? `<line x1="${px(x(c.ci[0]))}" x2="${px(x(c.ci[1]))}" y1="${px(y + s.dy)}" y2="${px(y + s.dy)}" stroke="${s.color}" stroke-width="2"/>` : '') +
          `<circle cx="${px(x(c.estimate))}" cy="${px(y + s.dy)}" r="4" fill="${s.color}"/></g>`,
      );
    }
  });
  if (!rows.length) parts.push(text(width / 2, top + 20, 'No candidate compared with the baseline yet.', { 'text-anchor': 'middle', fill: colors.muted }));
  parts.push('</svg>');
  return parts.join('');
}
