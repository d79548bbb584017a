// Every command preset against its fake scheduler (test/fakebin: sbatch/sacct/squeue/scancel, sky + the SkyPilot SDK
// fake, kubectl; the fake Ray dashboard), with real processes: the shipped templates run the fake `trl`, which fails
// unless the instruction sits where the placement says, and writes trainer_state.json and an adapter.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, type JobRef, type TrainedModel } from '../../core/src/train/types';
import { PRESETS, processExists, runDriver, waitForStatus, workspace, type Workspace } from './commandHarness';

/** Scheduler calls that cancel a job, per preset (none may happen for a job that already ended). */
function cancelCalls(ws: Workspace): unknown[] {
  const fromFakes = ws.calls().filter((call) => call.tool === 'scancel' || (call.tool === 'sky' && call.argv[1] === 'cancel') || (call.tool === 'kubectl' && call.argv.includes('delete')));
  const fromRay = ws.ray?.requests.filter((request) => request.path.endsWith('/stop')) ?? [];
  return [...fromFakes, ...fromRay];
}

/** Jobs each scheduler was asked to create. */
function submissions(ws: Workspace): number {
  if (ws.preset === 'ray') return ws.ray!.requests.filter((request) => request.method === 'POST' && request.path === '/api/jobs/').length;
  if (ws.preset === 'local') return existsSync(join(ws.spec.runDir, 'job.json')) ? 1 : 0;
  return ws.calls().filter((call) => call.tool === 'sbatch' || (call.tool === 'sky' && call.argv[1] === 'launch') || (call.tool === 'kubectl' && call.argv.includes('create'))).length;
}

async function submit(ws: Workspace): Promise<JobRef> {
  const prepared = await ws.backend.prepare(ws.spec);
  return ws.backend.submit(ws.spec, prepared);
}

for (const preset of PRESETS) {
  describe(`command backend: ${preset} preset (fake scheduler)`, function () {
    this.timeout(90_000);
    let ws: Workspace | undefined;
    afterEach(async () => {
      await ws?.close();
      ws = undefined;
    });

    it('submit → poll → result: the adapter with its rank, the loss curve from trainer_state.json, logs and events', async () => {
      ws = await workspace(preset, { expectArgs: { assistant_only_loss: 'true', lora_r: '8', lora_alpha: '16', learning_rate: '0.00002', num_train_epochs: '1', per_device_train_batch_size: '16' } });
      const ref = await submit(ws);
      assert.equal(ref.backend, `command:${preset}`);
      const final = await waitForStatus(ws.backend, ref);
      assert.equal(final.state, 'succeeded', `${final.raw}: ${final.message ?? ''}\n${await ws.backend.logs(ref).catch(String)}`);
      const model = await ws.backend.result(ref);
      assert.deepEqual(model, { kind: 'lora-adapter', modelId: ws.spec.jobName, baseModel: 'Qwen/Qwen2-7B', artifact: join(ws.spec.runDir, 'output'), loraRank: 8 } satisfies TrainedModel);
      assert.ok(existsSync(join(model.artifact!, 'adapter_model.safetensors')));
      const metrics = await ws.backend.metrics(ref);
      assert.equal(metrics.length, 3, JSON.stringify(metrics)); // 40 examples, batch 16, one epoch
      assert.deepEqual(metrics.map((point) => point.step), [1, 2, 3]);
      assert.ok(metrics[0]!.trainLoss! > metrics[2]!.trainLoss!, 'the loss falls');
      const logs = await ws.backend.logs(ref);
      assert.match(logs, /Training completed/);
      const { events, cursor } = await ws.backend.events(ref, undefined);
      assert.ok(events.some((event) => event.message.includes('Training completed')), JSON.stringify(events));
      assert.ok(events.some((event) => event.level === 'warn'), 'a warning line becomes a warn event');
      assert.deepEqual((await ws.backend.events(ref, cursor)).events, [], 'no event twice');
      // The job never saw the model-service key of the process that submitted it.
      const command = readFileSync(join(ws.spec.runDir, 'command.json'), 'utf8');
      assert.ok(!command.includes('sk-must-never'), command);
    });

    it('fails the run when the instruction is not where the placement says (the fake trainer checks), with the reason in the logs', async () => {
      ws = await workspace(preset, { placement: 'user-suffix', expect: 'user-prefix' });
      const ref = await submit(ws);
      const final = await waitForStatus(ws.backend, ref);
      assert.equal(final.state, 'failed', `${final.raw}: ${final.message ?? ''}`);
      assert.match(await ws.backend.logs(ref), /does not start with the instruction/);
      await assert.rejects(ws.backend.result(ref), (error: unknown) => error instanceof BackendError && /has not succeeded/.test(error.message));
    });

    it('cancel mid-run stops the trainer and ends cancelled; cancelling again is a no-op', async () => {
      ws = await workspace(preset, { stepMs: 3000 });
      const ref = await submit(ws);
      await waitForStatus(ws.backend, ref, (status) => status.state === 'running' && existsSync(join(ws!.spec.runDir, 'output', 'fake-trl.pid')));
      const trainerPid = Number(readFileSync(join(ws.spec.runDir, 'output', 'fake-trl.pid'), 'utf8'));
      assert.ok(processExists(trainerPid));
      await ws.backend.cancel(ref);
      const final = await waitForStatus(ws.backend, ref);
      assert.equal(final.state, 'cancelled', `${final.raw}: ${final.message ?? ''}`);
      await waitForStatus(ws.backend, ref, () => !processExists(trainerPid), 10_000).catch(() => assert.fail(`the trainer (pid ${trainerPid}) still runs after the cancel`));
      const calls = cancelCalls(ws).length;
      await ws.backend.cancel(ref);
      assert.equal(cancelCalls(ws).length, calls, 'no second cancellation sent');
      assert.equal((await ws.backend.status(ref)).state, 'cancelled');
      assert.ok(!existsSync(join(ws.spec.runDir, 'output', 'adapter_config.json')), 'no adapter from a cancelled run');
    });

    it('cancel after the end is a no-op: nothing sent to the scheduler, the run stays succeeded', async () => {
      ws = await workspace(preset);
      const ref = await submit(ws);
      assert.equal((await waitForStatus(ws.backend, ref)).state, 'succeeded');
      await ws.backend.cancel(ref);
      assert.deepEqual(cancelCalls(ws), []);
      assert.equal((await ws.backend.status(ref)).state, 'succeeded');
      assert.equal((await ws.backend.result(ref)).loraRank, 8);
    });

    it('re-attaches from a new process with the recorded job reference', async () => {
      ws = await workspace(preset, { stepMs: 200 });
      const ref = await submit(ws);
      const { answer, code, stderr } = await runDriver(ws, { action: 'wait', ref });
      assert.equal(code, 0, stderr);
      const { status, result, metrics } = answer as { status: { state: string }; result: TrainedModel; metrics: unknown[] };
      assert.equal(status.state, 'succeeded');
      assert.equal(result.loraRank, 8);
      assert.equal(metrics.length, 3);
    });

    it('a submit killed right after the scheduler accepted the job: the rerun finds that job, no duplicate', async () => {
      ws = await workspace(preset, { stepMs: 100 });
      const dieAfter = { local: 'spawn', slurm: 'sbatch', skypilot: 'sky', kubernetes: 'kubectl', ray: 'POST' }[preset];
      const killed = await runDriver(ws, { action: 'submit', spec: ws.spec, dieAfter });
      assert.equal(killed.signal ?? (killed.code === 137 ? 'SIGKILL' : null), 'SIGKILL', `the driver should have died: ${killed.code} ${killed.stderr}`);
      assert.equal(submissions(ws), preset === 'local' ? 0 : 1, 'the scheduler got the job before the submitter died');
      const found = await ws.freshBackend().find(ws.spec);
      assert.ok(found, 'find() returns the job the killed submit left');
      // Even a caller that submits again without asking first gets that job back.
      const again = await ws.freshBackend().submit(ws.spec, {});
      assert.deepEqual({ id: again.id, backend: again.backend }, { id: found.id, backend: found.backend });
      if (preset !== 'local') assert.equal(submissions(ws), 1, 'no duplicate job');
      assert.equal((await waitForStatus(ws.backend, found)).state, 'succeeded');
      assert.equal((await ws.backend.result(found)).loraRank, 8);
    });
  });
}
