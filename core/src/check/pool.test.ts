import assert from 'node:assert/strict';
import { runPool } from './pool';

describe('runPool', () => {
  it('runs every task once with at most `concurrency` in flight, in queue order', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    await runPool([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, new AbortController().signal, async (task) => {
      started.push(task);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
    });
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(peak, 3);
  });

  it('takes no new task once the stop signal aborts; tasks in hand finish', async () => {
    const stop = new AbortController();
    const finished: number[] = [];
    await runPool([0, 1, 2, 3, 4, 5], 2, stop.signal, async (task) => {
      if (task === 2) stop.abort();
      await new Promise((resolve) => setTimeout(resolve, 1));
      finished.push(task);
    });
    assert.ok(finished.includes(2), 'the task that stopped the run finished');
    assert.ok(finished.length <= 4, `at most the tasks in hand finished, got ${finished.join(',')}`);
    assert.ok(!finished.includes(5));
  });

  it('reads the queue lazily (a generator is never drawn beyond what runs)', async () => {
    let drawn = 0;
    function* tasks() {
      for (let i = 0; i < 1000; i++) {
        drawn++;
        yield i;
      }
    }
    const stop = new AbortController();
    await runPool(tasks(), 4, stop.signal, async (task) => {
      if (task === 9) stop.abort();
    });
    assert.ok(drawn < 20, `drew ${drawn}`);
  });
});
