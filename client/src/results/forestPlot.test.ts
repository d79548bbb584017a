import assert from 'node:assert/strict';
import type { ArmResult } from '../../../core/src/check/types';
import { forestPlot } from './forestPlot';

const arm = (name: string, rate: number, ci: [number, number], control = false) => ({ name, rate, ci, control, k: Math.round(rate * 40), n: 40 }) as ArmResult;

describe('forestPlot', () => {
  it('places each rate and interval on a 0–100% axis, one row per arm', () => {
    const plot = forestPlot([arm('cand', 0.5, [0.25, 0.75]), arm('ctl', 0, [0, 0.1], true)], 680);
    assert.deepEqual(plot.axis, { x0: 180, x1: 660, y: 72 });
    assert.deepEqual(plot.rows.map((r) => [r.x, r.low, r.high, r.y]), [
      [420, 300, 540, 26],
      [180, 180, 228, 54],
    ]);
    assert.deepEqual(plot.ticks.map((t) => t.label), ['0%', '25%', '50%', '75%', '100%']);
    assert.equal(plot.reference, 180);
    assert.equal(plot.height, 102);
    assert.equal(plot.rows[0]!.label, 'cand: 50% [25%, 75%] (20/40)');
    assert.equal(plot.rows[1]!.label, 'ctl (control): 0% [0%, 10%] (0/40)');
  });

  it('clamps out-of-range values and has no reference line without a control', () => {
    const plot = forestPlot([arm('odd', 1.2, [-0.1, 1.5])], 380);
    assert.deepEqual([plot.rows[0]!.x, plot.rows[0]!.low, plot.rows[0]!.high], [360, 180, 360]);
    assert.equal(plot.reference, null);
  });

  it('draws at the width it is given, one unit a pixel, and never squeezes the axis below its minimum', () => {
    const narrow = forestPlot([arm('cand', 0.5, [0.25, 0.75])], 420, 120);
    assert.equal(narrow.width, 420);
    assert.deepEqual([narrow.axis.x0, narrow.axis.x1], [120, 400]);
    const tooNarrow = forestPlot([arm('cand', 0.5, [0.25, 0.75])], 200, 120);
    assert.equal(tooNarrow.axis.x1 - tooNarrow.axis.x0, 160);
    assert.equal(tooNarrow.width, 300, 'wider than asked: the view scrolls it rather than shrink its text');
  });

  it('marks candidates whose lift interval lies above 0, in the row and in its words', () => {
    const clear = { ...arm('clear', 0.6, [0.45, 0.74]), lift: 0.55, liftCi: [0.38, 0.69] } as ArmResult;
    const unclear = { ...arm('unclear', 0.1, [0.04, 0.23]), lift: 0.05, liftCi: [-0.07, 0.18] } as ArmResult;
    const control = { ...arm('ctl', 0.05, [0.01, 0.17], true), lift: null, liftCi: null } as ArmResult;
    const plot = forestPlot([clear, unclear, control], 680);
    assert.deepEqual(plot.rows.map((r) => r.aboveZero), [true, false, false]);
    assert.equal(plot.rows[0]!.label, 'clear: 60% [45%, 74%] (24/40), lift +55 pts [+38, +69], above 0');
    assert.equal(plot.rows[1]!.label, 'unclear: 10% [4%, 23%] (4/40), lift +5 pts [\u22127, +18]');
  });
});
