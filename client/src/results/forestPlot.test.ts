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
    assert.equal(plot.rows[0]!.label, 'cand: 50.0% (95% CI 25.0%–75.0%), 20 of 40');
    assert.equal(plot.rows[1]!.label, 'ctl (control): 0.0% (95% CI 0.0%–10.0%), 0 of 40');
  });

  it('clamps out-of-range values and has no reference line without a control', () => {
    const plot = forestPlot([arm('odd', 1.2, [-0.1, 1.5])], 380);
    assert.deepEqual([plot.rows[0]!.x, plot.rows[0]!.low, plot.rows[0]!.high], [360, 180, 360]);
    assert.equal(plot.reference, null);
  });
});
