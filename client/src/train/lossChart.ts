/**
 * The loss curve's geometry, as a pure function of the metric points and the drawing size: one polyline per loss
 * series (train, validation) over the training steps, linear axes with round ticks, and the points the data table
 * lists (all of them, or an even sample of a long curve, always with the first and last). The page
 * (`client/webview/lossCurve.ts`) draws it with SVG elements; the unit tests check the numbers.
 */
import type { MetricPoint } from '../../../core/src/train/types';

/** The series the chart can draw. */
export type SeriesName = 'trainLoss' | 'validLoss';

export const SERIES_LABELS: Readonly<Record<SeriesName, string>> = { trainLoss: 'train loss', validLoss: 'validation loss' };

export interface ChartSeries {
  name: SeriesName;
  label: string;
  /** SVG path data (`M x y L x y ...`), empty when the series has no point. */
  path: string;
  points: Array<{ x: number; y: number; step: number; value: number }>;
}

export interface Tick {
  position: number;
  label: string;
}

export interface LossChart {
  width: number;
  height: number;
  /** The plotting area. */
  area: { left: number; right: number; top: number; bottom: number };
  series: ChartSeries[];
  xTicks: Tick[];
  yTicks: Tick[];
  /** The chart in words (the SVG's description, for screen readers). */
  description: string;
}

/** Round tick values covering [min, max]: 1, 2, 2.5 or 5 times a power of ten, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let value = first; value <= max + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** A number as the axis and the table show it: up to 4 significant digits, no exponent for ordinary values. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

const finite = (value: number | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/** The points with a finite step, in step order (a later point with the same step replaces the earlier one). */
export function cleanPoints(points: readonly MetricPoint[]): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  for (const point of points) if (finite(point.step)) byStep.set(point.step, point);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Lays the chart out at `width` × `height` pixels for the `shown` series. */
export function lossChart(points: readonly MetricPoint[], width: number, height: number, shown: readonly SeriesName[] = ['trainLoss', 'validLoss']): LossChart {
  const clean = cleanPoints(points);
  const area = { left: 56, right: width - 16, top: 12, bottom: height - 36 };
  const values = clean.flatMap((p) => shown.map((name) => p[name]).filter(finite));
  const steps = clean.map((p) => p.step);
  const xTicksValues = steps.length ? niceTicks(Math.min(...steps), Math.max(...steps), 6) : [];
  const yTicksValues = values.length ? niceTicks(Math.min(0, ...values), Math.max(...values), 5) : [];
  const [x0, x1] = xTicksValues.length ? [xTicksValues[0]!, xTicksValues[xTicksValues.length - 1]!] : [0, 1];
  const [y0, y1] = yTicksValues.length ? [yTicksValues[0]!, yTicksValues[yTicksValues.length - 1]!] : [0, 1];
  const x = (step: number) => area.left + ((step - x0) / (x1 - x0 || 1)) * (area.right - area.left);
  const y = (value: number) => area.bottom - ((value - y0) / (y1 - y0 || 1)) * (area.bottom - area.top);
  const round = (n: number) => Math.round(n * 10) / 10;
  const series: ChartSeries[] = shown.map((name) => {
    const pts = clean.filter((p) => finite(p[name])).map((p) => ({ x: round(x(p.step)), y: round(y(p[name]!)), step: p.step, value: p[name]! }));
    return { name, label: SERIES_LABELS[name], path: pts.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' '), points: pts };
  });
  const described = series
    .filter((s) => s.points.length)
    .map((s) => {
      const first = s.points[0]!;
      const last = s.points[s.points.length - 1]!;
      const min = s.points.reduce((a, b) => (b.value < a.value ? b : a));
      return `${s.label}: ${s.points.length} point${s.points.length === 1 ? '' : 's'}, from ${formatValue(first.value)} at step ${first.step} to ${formatValue(last.value)} at step ${last.step}, lowest ${formatValue(min.value)} at step ${min.step}`;
    });
  return {
    width,
    height,
    area,
    series,
    xTicks: xTicksValues.map((v) => ({ position: round(x(v)), label: formatValue(v) })),
    yTicks: yTicksValues.map((v) => ({ position: round(y(v)), label: formatValue(v) })),
    description: described.length ? `${described.join('. ')}.` : 'No loss has been reported yet.',
  };
}

/** Most rows the data table lists; a longer curve is sampled evenly. */
export const MAX_TABLE_ROWS = 500;

/** The rows of the data table: every point, or an even sample of `max` (first and last kept) with a note saying so. */
export function tableRows(points: readonly MetricPoint[], max = MAX_TABLE_ROWS): { rows: MetricPoint[]; note: string | null } {
  const clean = cleanPoints(points);
  if (clean.length <= max) return { rows: clean, note: null };
  const every = Math.ceil((clean.length - 1) / (max - 1));
  const rows = clean.filter((_, i) => i % every === 0);
  if (rows[rows.length - 1] !== clean[clean.length - 1]) rows.push(clean[clean.length - 1]!);
  return { rows, note: `Showing ${rows.length} of ${clean.length} points (every ${every}th, and the last).` };
}
