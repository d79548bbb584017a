import assert from 'node:assert/strict';
import type { ArmResult } from '../../../core/src/check/types';
import { sortArms } from './sortArms';

const arms = [
  { name: 'b', rate: 0.5, lift: 0.3, predicted: 0.7, n: 10 },
  { name: 'ctl', rate: 0.1, lift: null, predicted: null, n: 10 },
  { name: 'a', rate: 0.5, lift: 0.4, predicted: 0.9, n: 12 },
] as ArmResult[];
const names = (list: ArmResult[]) => list.map((a) => a.name).join(',');

describe('sortArms', () => {
  it('sorts by a column either way, ties in file order', () => {
    assert.equal(names(sortArms(arms, 'rate', 'descending')), 'b,a,ctl');
    assert.equal(names(sortArms(arms, 'rate', 'ascending')), 'ctl,b,a');
    assert.equal(names(sortArms(arms, 'name', 'ascending')), 'a,b,ctl');
    assert.equal(names(sortArms(arms, 'n', 'descending')), 'a,b,ctl');
  });

  it('puts missing values last in both directions', () => {
    assert.equal(names(sortArms(arms, 'lift', 'descending')), 'a,b,ctl');
    assert.equal(names(sortArms(arms, 'lift', 'ascending')), 'b,a,ctl');
    assert.equal(names(sortArms(arms, 'predicted', 'ascending')), 'b,a,ctl');
  });

  it('does not change its input', () => {
    sortArms(arms, 'name', 'ascending');
    assert.equal(names(arms), 'b,ctl,a');
  });
});
