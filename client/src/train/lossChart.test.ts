import assert from 'node:assert/strict';
import { cleanPoints, formatValue, lossChart, niceTicks, tableRows } from './lossChart';
import { parseLossCurveMessage } from './lossCurveProtocol';

describe('the loss chart', () => {
  it('picks round ticks that cover the data', () => {
    assert.deepEqual(niceTicks(0, 1.2, 5), [0, 0.25, 0.5, 0.75, 1, 1.25]);
    assert.deepEqual(niceTicks(1, 3, 4), [1, 1.5, 2, 2.5, 3]);
    const ticks = niceTicks(3, 97, 5);
    assert.ok(ticks[0]! <= 3 && ticks[ticks.length - 1]! >= 97, ticks.join());
    assert.ok(ticks.every((t) => Number.isInteger(t / 20)), ticks.join());
    assert.deepEqual(niceTicks(5, 5, 5).length > 1, true, 'a single value still gets an axis');
    assert.deepEqual(niceTicks(Number.NaN, 1), []);
  });

  it('draws one line per loss over the steps, inside its area, from 0 up', () => {
    const points = [{ step: 1, trainLoss: 1.0 }, { step: 2, trainLoss: 0.5, validLoss: 0.7 }, { step: 3, trainLoss: 0.25, validLoss: 0.6 }];
    const chart = lossChart(points, 400, 200);
    const train = chart.series.find((s) => s.name === 'trainLoss')!;
    const valid = chart.series.find((s) => s.name === 'validLoss')!;
    assert.equal(train.points.length, 3);
    assert.equal(valid.points.length, 2);
    assert.match(train.path, /^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/);
    for (const p of [...train.points, ...valid.points]) {
      assert.ok(p.x >= chart.area.left && p.x <= chart.area.right && p.y >= chart.area.top && p.y <= chart.area.bottom, JSON.stringify(p));
    }
    // A higher loss is drawn higher up the page (a smaller y), and later steps further right.
    assert.ok(train.points[0]!.y < train.points[2]!.y && train.points[0]!.x < train.points[2]!.x);
    assert.deepEqual([train.points[0]!.x, train.points[0]!.y], [chart.area.left, chart.area.top], 'the first step at the left, the highest tick at the top');
    assert.equal(chart.yTicks[0]!.label, '0');
    assert.equal(chart.description, 'train loss: 3 points, from 1 at step 1 to 0.25 at step 3, lowest 0.25 at step 3. validation loss: 2 points, from 0.7 at step 2 to 0.6 at step 3, lowest 0.6 at step 3.');
    assert.deepEqual(lossChart(points, 400, 200, ['validLoss']).series.map((s) => s.name), ['validLoss']);
    assert.equal(lossChart([], 400, 200).description, 'No loss has been reported yet.');
  });

  it('ignores points without a finite step, and keeps the latest of a repeated step', () => {
    assert.deepEqual(cleanPoints([{ step: 2, trainLoss: 1 }, { step: Number.NaN, trainLoss: 9 }, { step: 1, trainLoss: 2 }, { step: 2, trainLoss: 0.5 }]), [{ step: 1, trainLoss: 2 }, { step: 2, trainLoss: 0.5 }]);
  });

  it('lists every point in the table, or an even sample of a long curve with the first and last, saying so', () => {
    assert.deepEqual(tableRows([{ step: 1 }, { step: 2 }]), { rows: [{ step: 1 }, { step: 2 }], note: null });
    const long = Array.from({ length: 1001 }, (_, i) => ({ step: i, trainLoss: 1 / (i + 1) }));
    const { rows, note } = tableRows(long, 100);
    assert.ok(rows.length <= 101, String(rows.length));
    assert.equal(rows[0]!.step, 0);
    assert.equal(rows[rows.length - 1]!.step, 1000);
    assert.match(note!, /^Showing \d+ of 1001 points \(every 11th, and the last\)\.$/);
  });

  it('writes numbers with up to four significant digits', () => {
    assert.deepEqual([0.123456, 12345.678, 0, 2e-5, 3e7, Number.NaN].map(formatValue), ['0.1235', '12350', '0', '2.00e-5', '3.00e+7', '—']);
  });

  it('reads only known, well-formed messages from the page', () => {
    assert.deepEqual(parseLossCurveMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseLossCurveMessage({ type: 'rendered', points: 3, tableRows: 3, series: ['train loss', 7, 'x'.repeat(300)] }), { type: 'rendered', points: 3, tableRows: 3, series: ['train loss', 'x'.repeat(100)] });
    for (const bad of [null, 'ready', { type: 'rendered' }, { type: 'run', command: 'x' }]) assert.equal(parseLossCurveMessage(bad), undefined);
  });
});
