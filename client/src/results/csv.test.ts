import assert from 'node:assert/strict';
import type { CheckSummary } from '../../../core/src/check/types';
import { armsCsv, csvField, samplesCsvHeader, samplesCsvRows } from './csv';

describe('CSV export', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(0.25), '0.25');
    assert.equal(csvField(false), 'false');
  });

  it('defuses spreadsheet formulas in text', () => {
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField(-0.5), '-0.5');
  });

  it('writes one row per arm with rates, intervals and lift', () => {
    const summary = {
      arms: [
        { name: 'cand', control: false, n: 40, k: 18, rate: 0.45, ci: [0.31, 0.6], lift: 0.4, liftCi: [0.2, 0.55], predicted: 0.9, capability: { rate: 0.5 }, failed: 0, instruction: 'Do it, now.' },
        { name: 'ctl', control: true, n: 40, k: 2, rate: 0.05, ci: [0.01, 0.17], lift: null, liftCi: null, predicted: null, capability: null, failed: 1, instruction: '' },
      ],
    } as unknown as CheckSummary;
    assert.equal(
      armsCsv(summary),
      'arm,control,n,k,rate,ci_low,ci_high,lift,lift_ci_low,lift_ci_high,predicted,capability_rate,failed,instruction\r\n' +
        'cand,false,40,18,0.45,0.31,0.6,0.4,0.2,0.55,0.9,0.5,0,"Do it, now."\r\n' +
        'ctl,true,40,2,0.05,0.01,0.17,,,,,,1,\r\n',
    );
  });

  it('writes samples with the prompt as role blocks', () => {
    assert.match(samplesCsvHeader(), /^arm,sample,item_line,behavior,capability,score,detail,error,cached,prompt,response\r\n$/);
    const rows = samplesCsvRows([
      { arm: 'a', sample: 0, item: 3, prompt: [{ role: 'user', content: 'Q?' }], promptNote: null, response: 'A, b', behavior: true, capability: null, score: null, detail: '', error: null, cached: true },
    ]);
    assert.equal(rows, 'a,0,3,true,,,,,true,user: Q?,"A, b"\r\n');
    assert.equal(samplesCsvRows([]), '');
  });
});
