import assert from 'node:assert/strict';
import { RestartPolicy } from './restartPolicy';

describe('RestartPolicy', () => {
  it('restarts after isolated crashes', () => {
    const policy = new RestartPolicy(3, 1000);
    assert.deepEqual(policy.onCrash(0), { restart: true });
    assert.deepEqual(policy.onCrash(5000), { restart: true });
    assert.deepEqual(policy.onCrash(10000), { restart: true });
  });

  it('gives up with a message after maxCrashes within the window', () => {
    const policy = new RestartPolicy(3, 60_000);
    policy.onCrash(0);
    policy.onCrash(1000);
    const decision = policy.onCrash(2000);
    assert.equal(decision.restart, false);
    assert.match(decision.restart ? '' : decision.message, /crashed 3 times in 1 minute and.*Restart Language Server/);
  });

  it('forgets crashes older than the window', () => {
    const policy = new RestartPolicy(2, 1000);
    policy.onCrash(0);
    assert.deepEqual(policy.onCrash(1500), { restart: true });
    assert.equal(policy.onCrash(1600).restart, false);
  });

  it('starts over after reset', () => {
    const policy = new RestartPolicy(2, 1000);
    policy.onCrash(0);
    policy.reset();
    assert.deepEqual(policy.onCrash(10), { restart: true });
  });
});
