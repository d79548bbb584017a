import * as assert from 'node:assert/strict';
import type { RunState } from './runStore';
import { armRunsLabel, runsByArm } from './runSummary';

const run = (arm: string, seed: number, state?: 'running' | 'succeeded', model?: string): RunState =>
  ({
    runId: `${arm}-${seed}`,
    recordPath: '',
    provenance: { arm: { name: arm, kind: arm === 'baseline' ? 'baseline' : 'variant' }, seed },
    attempts: state
      ? [{ attempt: 1, job: { backend: 'x', id: 'j', extra: {} }, status: { state, raw: state, observedAt: '' }, ...(model ? { result: { kind: 'hosted', modelId: model, baseModel: 'm' } } : {}) }]
      : [{ attempt: 1 }],
  }) as unknown as RunState;

describe('runs by arm', () => {
  it('counts states per arm and lists trained models by seed', () => {
    const groups = runsByArm([run('mean', 0, 'succeeded', 'ft:a'), run('mean', 1, 'running'), run('baseline', 0), run('mean', 2, 'succeeded', 'ft:b')]);
    assert.deepEqual(groups.map((g) => g.arm), ['mean', 'baseline']);
    assert.equal(armRunsLabel(groups[0]!), 'trained: 3 runs (1 running, 2 succeeded)');
    assert.deepEqual(groups[0]!.models.map((m) => [m.seed, m.model.modelId]), [[0, 'ft:a'], [2, 'ft:b']]);
    assert.equal(armRunsLabel(groups[1]!), 'trained: 1 run (1 planned)');
  });
});
