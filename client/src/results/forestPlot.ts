/**
 * The geometry of the forest plot (each arm's rate with its 95% interval on a 0–100% axis) as plain numbers, so it is
 * unit-tested here and drawn with DOM calls in the webview.
 */
import type { ArmResult } from '../../../core/src/check/types';
import { armText, isAboveZero } from './format';

export interface PlotRow {
  name: string;
  control: boolean;
  /** x of the point and the interval's ends, in SVG units. */
  x: number;
  low: number;
  high: number;
  /** Centre line of the row. */
  y: number;
  /**
   * The row's text alternative (its title, and part of the plot's description), with the table's figures, e.g.
   * `test-specific: 68% [52%, 80%] (27/40), lift +62 pts [+45, +75], above 0`.
   */
  label: string;
  /** A candidate whose lift interval lies above 0 (drawn green, and said in `label`). */
  aboveZero: boolean;
}

export interface PlotTick {
  x: number;
  label: string;
}

export interface PlotModel {
  width: number;
  height: number;
  /** Where the axis starts and ends (x), and its y. */
  axis: { x0: number; x1: number; y: number };
  rows: PlotRow[];
  ticks: PlotTick[];
  /** The control arm's rate as a reference line, when there is a control. */
  reference: number | null;
  labelWidth: number;
}

const ROW_HEIGHT = 28;
const TOP = 12;
const AXIS_SPACE = 30;
/** The label column's width when the caller does not measure its labels. */
export const LABEL_WIDTH = 180;
const RIGHT = 20;
/** The narrowest the axis gets; below, the plot is wider than asked (and scrolls) rather than unreadable. */
const MIN_AXIS = 160;

const pct = (value: number) => `${Math.round(value * 100)}%`;

/**
 * The plot of `arms` at `width` SVG units, with `labelWidth` for the names. The view draws it at its own width in CSS
 * pixels (one unit = one pixel), so its text keeps the theme's size in a narrow side-by-side panel.
 */
export function forestPlot(arms: ArmResult[], width = 640, labelWidth = LABEL_WIDTH): PlotModel {
  const x0 = labelWidth;
  const x1 = Math.max(x0 + MIN_AXIS, width - RIGHT);
  const scale = (rate: number) => x0 + Math.min(1, Math.max(0, rate)) * (x1 - x0);
  const rows = arms.map((arm, index) => ({
    name: arm.name,
    control: arm.control,
    x: scale(arm.rate),
    low: scale(arm.ci[0]),
    high: scale(arm.ci[1]),
    y: TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2,
    label: armText(arm),
    aboveZero: !arm.control && isAboveZero(arm),
  }));
  const axisY = TOP + arms.length * ROW_HEIGHT + 4;
  const control = arms.find((arm) => arm.control);
  return {
    width: Math.max(width, x1 + RIGHT),
    height: axisY + AXIS_SPACE,
    axis: { x0, x1, y: axisY },
    rows,
    ticks: [0, 0.25, 0.5, 0.75, 1].map((value) => ({ x: scale(value), label: pct(value) })),
    reference: control ? scale(control.rate) : null,
    labelWidth,
  };
}
