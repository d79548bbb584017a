import assert from 'node:assert/strict';
import { laterRunNote, originNote } from './runNote';

const time = (iso: string) => iso.slice(11, 16);
const run = { run: 'r2', startedAt: '2025-01-01T11:00:05.000Z', samples: 12, failed: 12, firstError: 'Could not reach http://127.0.0.1:9/v1' };

describe('laterRunNote', () => {
  it('says that the latest run produced nothing, why, and whose results are shown instead', () => {
    assert.equal(
      laterRunNote(run, '2025-01-01T10:00:09.000Z', time),
      'The latest run (started 11:00) produced no results: all 12 of its samples failed. The first failure: Could not reach http://127.0.0.1:9/v1 Shown below: the results of the earlier check that finished 10:00.',
    );
  });

  it('words partly failed, unfinished and summary-less runs', () => {
    assert.match(laterRunNote({ ...run, failed: 3 }, undefined, time), /left no results: 3 of its 12 samples failed and the others were not finished\./);
    assert.match(laterRunNote({ ...run, failed: 0, firstError: null }, undefined, time), /has 12 samples but no results yet: it is still running, or was interrupted\.$/);
    assert.doesNotMatch(laterRunNote(run, undefined, time), /Shown below/);
  });

  it('says when the results shown were not measured by this user', () => {
    assert.equal(originNote('here'), null);
    assert.match(originNote('elsewhere')!, /^Measured elsewhere: .*not measured by you/);
  });
});
