// What is particular to each command preset, against its fake scheduler: Slurm's accounting lag and clusters,
// SkyPilot's JSON status route and task file, Kubernetes' queued-vs-running from pods and saved logs, Ray's API use,
// and the local preset's defence against a reused pid.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RAY_ENTRYPOINT } from '../../core/src/train/command/ray';
import type { JobRef } from '../../core/src/train/types';
import { processExists, waitForStatus, workspace, type Workspace } from './commandHarness';

describe('command presets: scheduler specifics (fakes)', function () {
  this.timeout(90_000);
  let ws: Workspace | undefined;
  afterEach(async () => {
    await ws?.close();
    ws = undefined;
  });

  async function submit(): Promise<JobRef> {
    return ws!.backend.submit(ws!.spec, await ws!.backend.prepare(ws!.spec));
  }

  it('slurm: submits with --parsable, the job name, the run folder and the script copy; SLURM_JOB_ID reaches the trainer', async () => {
    ws = await workspace('slurm', { settings: { submitArgs: ['--partition=gpu', '--comment={{runId}}'] } });
    const ref = await submit();
    assert.equal((await waitForStatus(ws.backend, ref)).state, 'succeeded');
    const sbatch = ws.calls().find((call) => call.tool === 'sbatch')!.argv as string[];
    const runDir = ws.spec.runDir;
    assert.deepEqual(sbatch.slice(0, 9), ['--parsable', `--job-name=${ws.spec.jobName}`, `--output=${runDir}/slurm-%j.out`, `--chdir=${runDir}`, '--export=ALL', '--partition=gpu', `--comment=${ws.spec.runId}`, `${runDir}/job.sbatch`, 'trl']);
    assert.equal(readFileSync(`${runDir}/job.sbatch`, 'utf8'), readFileSync(join(__dirname, '../../templates/train/slurm.sbatch'), 'utf8'));
    const trl = ws.calls().find((call) => call.tool === 'trl') as unknown as { env: { SLURM_JOB_ID: string } };
    assert.equal(trl.env.SLURM_JOB_ID, ref.id, 'the trainer ran inside the Slurm job');
    assert.match(readFileSync(`${runDir}/slurm-${ref.id}.out`, 'utf8'), /Training completed/);
    assert.equal(readFileSync(`${runDir}/exit_code`, 'utf8').trim(), '0');
  });

  it('slurm: while accounting lags, squeue tells; with neither answering the state is unknown, never failed', async () => {
    ws = await workspace('slurm', { stepMs: 400 });
    ws.flag('pending-ms', '1500');
    ws.flag('sacct-lag');
    const ref = await submit();
    const queued = await ws.backend.status(ref);
    assert.equal(queued.state, 'queued');
    assert.equal(queued.raw, 'PENDING');
    const running = await waitForStatus(ws.backend, ref, (status) => status.state === 'running');
    assert.equal(running.raw, 'RUNNING');
    const lagging = await waitForStatus(ws.backend, ref, (status) => status.state !== 'running');
    assert.equal(lagging.state, 'unknown', 'a finished job missing from accounting is not failed');
    ws.unflag('sacct-lag');
    const done = await ws.backend.status(ref);
    assert.deepEqual([done.state, done.raw], ['succeeded', 'COMPLETED']);
    const sacctCalls = ws.calls().filter((call) => call.tool === 'sacct').length;
    const squeueCalls = ws.calls().filter((call) => call.tool === 'squeue').length;
    assert.ok(sacctCalls > 2 && squeueCalls > 2, `${sacctCalls} sacct, ${squeueCalls} squeue`);
  });

  it('slurm: a cancelled job reads "CANCELLED by 1000"; `id;cluster` output addresses that cluster afterwards', async () => {
    ws = await workspace('slurm', { stepMs: 3000 });
    ws.flag('sbatch-cluster');
    const ref = await submit();
    assert.equal(ref.extra.cluster, 'fakecluster');
    await waitForStatus(ws.backend, ref, (status) => status.state === 'running');
    await ws.backend.cancel(ref);
    const final = await waitForStatus(ws.backend, ref);
    assert.deepEqual([final.state, final.raw], ['cancelled', 'CANCELLED by 1000']);
    const scancel = ws.calls().find((call) => call.tool === 'scancel')!.argv;
    assert.deepEqual(scancel, ['-M', 'fakecluster', ref.id]);
    assert.ok(ws.calls().filter((call) => call.tool === 'sacct').every((call) => call.argv.includes('fakecluster') || call.argv.some((arg) => String(arg).startsWith('--name='))));
  });

  it('skypilot: status comes through the SDK as JSON; the task holds the values in envs and uploads the data', async () => {
    ws = await workspace('skypilot', { settings: { image: 'ghcr.io/me/trl:1' } });
    const ref = await submit();
    assert.equal((await waitForStatus(ws.backend, ref)).state, 'succeeded');
    assert.ok(ws.calls().some((call) => call.tool === 'sky-sdk'), 'the JSON route (SkyPilot SDK) was used');
    assert.deepEqual(ws.calls().find((call) => call.tool === 'sky')!.argv, ['jobs', 'launch', '-n', ws.spec.jobName, `${ws.spec.runDir}/task.yaml`, '-y', '-d']);
    const task = parse(readFileSync(`${ws.spec.runDir}/task.yaml`, 'utf8')) as { name: string; envs: Record<string, string>; file_mounts: Record<string, string>; run: string; resources: Record<string, unknown> };
    assert.equal(task.resources.image_id, 'docker:ghcr.io/me/trl:1');
    assert.ok(task.resources.accelerators, "the template's resources are kept");
    const shipped = parse(readFileSync(join(__dirname, '../../templates/train/skypilot.yaml'), 'utf8')) as { run: string; setup: string };
    assert.equal(task.name, ws.spec.jobName);
    assert.equal(task.run, shipped.run, 'the run script is the template text, untouched');
    assert.equal(task.envs.INOCULATE_BASE_MODEL, 'Qwen/Qwen2-7B');
    assert.equal(JSON.parse(task.envs.INOCULATE_TRAINER_ARGV!)[0], 'trl');
    assert.deepEqual(task.file_mounts, { [`${ws.spec.runDir}/data`]: `${ws.spec.runDir}/data` });
    assert.ok(!Object.keys(task.envs).includes('OPENAI_API_KEY'));
  });

  it('kubernetes: queued until a pod runs (pods tell when .status.ready is absent); logs survive the cancel that deletes the Job', async () => {
    ws = await workspace('kubernetes', { stepMs: 3000 });
    ws.flag('k8s-no-ready');
    ws.flag('pending-ms', '1500');
    const ref = await submit();
    assert.deepEqual(ref.extra, { runDir: ws.spec.runDir, context: 'fake-context', baseModel: 'Qwen/Qwen2-7B', modelName: ws.spec.jobName });
    const queued = await ws.backend.status(ref);
    assert.deepEqual([queued.state, queued.raw, queued.message], ['queued', 'Pending', 'ContainerCreating']);
    await waitForStatus(ws.backend, ref, (status) => status.state === 'running' && status.raw === 'Running');
    assert.ok(ws.calls().some((call) => call.tool === 'kubectl' && call.argv.includes('pods')));
    await waitForStatus(ws.backend, ref, () => Number(readFileSafe(`${ws!.spec.runDir}/output/fake-trl.pid`)) > 0);
    await ws.backend.cancel(ref);
    assert.equal((await waitForStatus(ws.backend, ref)).state, 'cancelled');
    assert.match(await ws.backend.logs(ref), /warning: fake trl/);
    const calls = ws.calls().filter((call) => call.tool === 'kubectl' && call.argv[0] !== 'config');
    assert.deepEqual(ws.calls().filter((call) => call.tool === 'kubectl' && call.argv[0] === 'config').length, 1, 'the context is read once, at submission');
    assert.ok(calls.every((call) => call.argv[0] === '--context' && call.argv[1] === 'fake-context'), 'every call names the recorded context');
  });

  it('ray: one POST /api/jobs/ with the run id, fixed entrypoint, the trainer argv in env_vars, one GPU', async () => {
    ws = await workspace('ray');
    const ref = await submit();
    assert.equal((await waitForStatus(ws.backend, ref)).state, 'succeeded');
    const posts = ws.ray!.requests.filter((request) => request.method === 'POST');
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.path, '/api/jobs/');
    const job = ws.ray!.jobs.get(ws.spec.runId)!;
    assert.equal(job.entrypoint, RAY_ENTRYPOINT);
    assert.equal(job.resources.entrypoint_num_gpus, 1);
    assert.equal(job.metadata.variant, 'very-mean');
    assert.equal(JSON.parse(job.envVars.INOCULATE_TRAINER_ARGV!)[1], 'sft');
    assert.equal(ref.id, ws.spec.runId);
  });

  it('local: a live process that reuses the pid is not the trainer (start times differ)', async () => {
    ws = await workspace('local');
    const ref = await submit();
    assert.equal((await waitForStatus(ws.backend, ref)).state, 'succeeded');
    // Same run folder, but the recorded pid now belongs to someone else (this test process) and no exit code is left.
    const { rmSync } = await import('node:fs');
    rmSync(`${ws.spec.runDir}/exit_code`);
    const reused: JobRef = { ...ref, extra: { ...ref.extra, pid: String(process.pid) } };
    const status = await ws.backend.status(reused);
    assert.deepEqual([status.state, status.raw], ['failed', 'vanished']);
    await ws.backend.cancel(reused);
    assert.ok(processExists(process.pid), 'cancel never signals a process that is not ours');
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '0';
  }
}
