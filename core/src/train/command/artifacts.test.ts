import assert from 'node:assert/strict';
import { scriptedHost } from '../../../../test/support/scriptedHost';
import { mergePoints, parseMetricsJsonl, progressOf, readMetrics, readResult, ResultError } from './artifacts';

const RUN = '/w/.inoculate/runs/r1';

describe('train/command/artifacts', () => {
  it("turns the trainer's log history into points: train and eval entries of a step merged, the summary left out", () => {
    const points = mergePoints([
      { loss: 2.1, learning_rate: 2e-5, epoch: 0.1, step: 1, mean_token_accuracy: 0.4, grad_norm: 1 },
      { loss: 1.7, learning_rate: 1.8e-5, epoch: 0.2, step: 2 },
      { eval_loss: 1.9, epoch: 0.2, step: 2 },
      { train_runtime: 12, train_loss: 1.9, epoch: 1, step: 2 },
      { loss: Number.NaN, step: 3 },
      { loss: 'high', step: 4 } as never,
      { loss: 1.5 } as never,
    ]);
    assert.deepEqual(points, [
      { step: 1, epoch: 0.1, trainLoss: 2.1, learningRate: 2e-5, tokenAccuracy: 0.4 },
      { step: 2, epoch: 0.2, trainLoss: 1.7, learningRate: 1.8e-5, validLoss: 1.9 },
    ]);
  });

  it('skips the bad lines of a streaming metrics.jsonl (a line cut by a crash, hostile text)', () => {
    assert.deepEqual(parseMetricsJsonl('{"loss": 1, "step": 1}\n{"loss": 0.9, "st\n[1,2]\n<script>\n{"loss": 0.8, "step": 3}\n'), [
      { loss: 1, step: 1 },
      { loss: 0.8, step: 3 },
    ]);
  });

  it('reads the newest checkpoint, prefers the final trainer_state.json, and adds newer streamed points', async () => {
    const host = scriptedHost();
    host.files.set(`${RUN}/output/checkpoint-10/trainer_state.json`, JSON.stringify({ global_step: 10, max_steps: 40, log_history: [{ loss: 3, step: 10 }] }));
    host.files.set(`${RUN}/output/checkpoint-20/trainer_state.json`, JSON.stringify({ global_step: 20, max_steps: 40, log_history: [{ loss: 3, step: 10 }, { loss: 2, step: 20 }] }));
    host.files.set(`${RUN}/output/checkpoint-3/trainer_state.json`, '{"global_step": 3');
    host.files.set(`${RUN}/metrics.jsonl`, '{"loss": 1.5, "step": 25}\n');
    assert.deepEqual(await readMetrics(host, RUN), [
      { step: 10, trainLoss: 3 },
      { step: 20, trainLoss: 2 },
      { step: 25, trainLoss: 1.5 },
    ]);
    host.files.set(`${RUN}/output/trainer_state.json`, JSON.stringify({ global_step: 40, max_steps: 40, log_history: [{ loss: 1, step: 40 }] }));
    assert.deepEqual((await readMetrics(host, RUN)).map((point) => point.step), [25, 40]);
    assert.deepEqual(await readMetrics(scriptedHost(), RUN), []);
  });

  it('computes progress from global_step / max_steps, clamped, and nothing from nonsense', () => {
    assert.equal(progressOf({ global_step: 10, max_steps: 40 }), 0.25);
    assert.equal(progressOf({ global_step: 50, max_steps: 40 }), 1);
    assert.equal(progressOf({ global_step: 1, max_steps: 0 }), undefined);
    assert.equal(progressOf({ global_step: '1', max_steps: 4 }), undefined);
    assert.equal(progressOf(undefined), undefined);
  });

  it('finds the adapter and its rank', async () => {
    const host = scriptedHost();
    host.files.set(`${RUN}/output/adapter_config.json`, JSON.stringify({ r: 8, lora_alpha: 16, base_model_name_or_path: '/cache/models--Qwen--Qwen2-7B/snapshots/x' }));
    assert.deepEqual(await readResult(host, RUN, { baseModel: 'Qwen/Qwen2-7B', modelId: 'very-mean-s0' }), {
      kind: 'lora-adapter',
      modelId: 'very-mean-s0',
      baseModel: 'Qwen/Qwen2-7B',
      artifact: `${RUN}/output`,
      loraRank: 8,
    });
  });

  it("honours a custom trainer's result.json, and rejects bad ranks, bad JSON and a missing adapter with the file named", async () => {
    const host = scriptedHost();
    host.files.set(`${RUN}/result.json`, JSON.stringify({ kind: 'merged', path: '/models/merged', base_model: 'Qwen/Qwen2-7B' }));
    assert.deepEqual(await readResult(host, RUN, { baseModel: 'b', modelId: 'm' }), { kind: 'merged', modelId: 'm', baseModel: 'Qwen/Qwen2-7B', artifact: '/models/merged' });
    host.files.set(`${RUN}/result.json`, JSON.stringify({ kind: 'lora', path: '/adapters/a' }));
    host.files.set('/adapters/a/adapter_config.json', JSON.stringify({ r: 32 }));
    assert.equal((await readResult(host, RUN, { baseModel: 'b', modelId: 'm' })).loraRank, 32);
    host.files.set(`${RUN}/result.json`, JSON.stringify({ kind: 'weights' }));
    await assert.rejects(readResult(host, RUN, { baseModel: 'b', modelId: 'm' }), (error: unknown) => error instanceof ResultError && /result\.json.*kind/.test(error.message));
    host.files.delete(`${RUN}/result.json`);
    await assert.rejects(readResult(host, RUN, { baseModel: 'b', modelId: 'm' }), /output\/adapter_config\.json does not exist/);
    host.files.set(`${RUN}/output/adapter_config.json`, '{"r": 8');
    await assert.rejects(readResult(host, RUN, { baseModel: 'b', modelId: 'm' }), /not valid JSON/);
    host.files.set(`${RUN}/output/adapter_config.json`, '{"r": 0}');
    await assert.rejects(readResult(host, RUN, { baseModel: 'b', modelId: 'm' }), /positive integer/);
  });
});
