import assert from 'node:assert/strict';
import { mapStatus, STATUS_TABLES } from './status';
import { isTerminal } from './types';

describe('train/status', () => {
  it('maps every raw state in every table onto a common state', () => {
    for (const [backend, table] of Object.entries(STATUS_TABLES)) {
      for (const [raw, expected] of Object.entries(table.states)) {
        assert.equal(mapStatus(table, raw).state, expected, `${backend}: ${raw}`);
      }
    }
  });

  it('keeps unknown raw states unknown and never terminal', () => {
    for (const table of Object.values(STATUS_TABLES)) {
      for (const raw of ['', 'SOMETHING_NEW', 'constructor', '__proto__', 'toString']) {
        const { state } = mapStatus(table, raw);
        assert.equal(state, 'unknown', raw);
        assert.equal(isTerminal(state), false);
      }
    }
  });

  it('reads Slurm states with suffixes', () => {
    assert.equal(mapStatus(STATUS_TABLES.slurm!, 'CANCELLED by 1000').state, 'cancelled');
    assert.equal(mapStatus(STATUS_TABLES.slurm!, 'RUNNING+').state, 'running');
    assert.equal(mapStatus(STATUS_TABLES.slurm!, ' completed ').state, 'succeeded');
  });

  it('marks cancellations under way without making them terminal', () => {
    const together = mapStatus(STATUS_TABLES.together!, 'cancel_requested');
    assert.deepEqual(together, { state: 'running', cancelRequested: true });
    const sky = mapStatus(STATUS_TABLES.skypilot!, 'CANCELLING');
    assert.deepEqual(sky, { state: 'running', cancelRequested: true });
  });

  it('reads OpenAI states outside the SDK type union (paused)', () => {
    assert.equal(mapStatus(STATUS_TABLES.openai!, 'paused').state, 'queued');
  });
});
