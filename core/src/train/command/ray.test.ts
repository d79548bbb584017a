import assert from 'node:assert/strict';
import { scriptedHost } from '../../../../test/support/scriptedHost';
import { STATUS_TABLES } from '../status';
import { BackendError } from '../types';
import { RAY_ENTRYPOINT, rayAddress, rayResources, RayScheduler, submissionIdOf } from './ray';
import { snapshot, type SchedulerContext, type SubmitInput } from './scheduler';

describe('train/command/ray', () => {
  it('maps every Ray job status (STOPPED is a cancellation)', () => {
    for (const [raw, state] of Object.entries(STATUS_TABLES.ray!.states)) assert.equal(snapshot('ray', raw, new Date()).state, state, raw);
    assert.equal(snapshot('ray', 'STOPPED', new Date()).state, 'cancelled');
  });

  it('finds the dashboard address: the setting, else RAY_API_SERVER_ADDRESS / RAY_ADDRESS when HTTP', () => {
    assert.equal(rayAddress('http://head:8265/', {}), 'http://head:8265');
    assert.equal(rayAddress(undefined, { RAY_ADDRESS: 'ray://head:10001', RAY_API_SERVER_ADDRESS: 'http://api:8265' }), 'http://api:8265');
    assert.equal(rayAddress(undefined, { RAY_ADDRESS: 'auto' }), 'http://127.0.0.1:8265');
    assert.throws(() => rayAddress('head:8265', {}), /HTTP address/);
  });

  it('takes entrypoint resources from ray-job-submit-style flags (one GPU by default)', () => {
    assert.deepEqual(rayResources([]), { entrypoint_num_gpus: 1 });
    assert.deepEqual(rayResources(['--entrypoint-num-gpus=2', '--entrypoint-num-cpus', '8']), { entrypoint_num_gpus: 2, entrypoint_num_cpus: 8 });
    assert.throws(() => rayResources(['--working-dir=.']), /understands/);
    assert.throws(() => rayResources(['--entrypoint-num-gpus=lots']), /needs a number/);
  });

  it('keeps the entrypoint fixed: no run value is ever part of the shell string', () => {
    assert.equal(RAY_ENTRYPOINT, `python3 -c 'import json, os; argv = json.loads(os.environ["INOCULATE_TRAINER_ARGV"]); os.execvp(argv[0], argv)'`);
    assert.equal(submissionIdOf('abc/def 1'), 'abc-def-1');
  });

  it('posts to /api/jobs/ with the run id as submission id, and takes "already exists" as this run\'s job', async () => {
    const requests: Array<{ url: string; init?: RequestInit }> = [];
    const host = scriptedHost({
      fetch: async (url, init) => {
        requests.push({ url: String(url), init });
        return new Response('ValueError: Job with submission_id run1 already exists. Please use a different submission_id.', { status: 400 });
      },
    });
    const context: SchedulerContext = { host, settings: { preset: 'ray', address: 'http://head:8265' }, env: {}, baseDir: '/w', templatesDir: '/t', commandTimeoutMs: 1000, submitTimeoutMs: 1000, killGraceMs: 10, now: () => new Date() };
    const hostile = "m'; rm -rf / #";
    const ref = await new RayScheduler(context).submit({
      spec: { runId: 'run1', submissionKey: 'run1', jobName: 'j', metadata: { variant: 'very-mean' } },
      layout: { runDir: '/w/r' },
      trainerArgv: ['trl', 'sft', '--model_name_or_path', hostile],
      jobEnv: { INOCULATE_BASE_MODEL: hostile },
      submitArgs: [],
    } as unknown as SubmitInput);
    assert.deepEqual(ref, { backend: 'command:ray', id: 'run1', extra: { runDir: '/w/r', address: 'http://head:8265' } });
    assert.equal(requests[0]!.url, 'http://head:8265/api/jobs/');
    const body = JSON.parse(String(requests[0]!.init!.body)) as { entrypoint: string; submission_id: string; runtime_env: { env_vars: Record<string, string> }; metadata: Record<string, string> };
    assert.equal(body.submission_id, 'run1');
    assert.equal(body.entrypoint, RAY_ENTRYPOINT);
    assert.deepEqual(JSON.parse(body.runtime_env.env_vars.INOCULATE_TRAINER_ARGV!), ['trl', 'sft', '--model_name_or_path', hostile]);
    assert.equal(body.metadata.variant, 'very-mean');
    assert.equal(body.metadata.inoculate_run_id, 'run1');
  });

  it('treats an unreachable dashboard and 5xx as transient, other refusals as permanent', async () => {
    let answer: () => Promise<Response> = async () => {
      throw new TypeError('fetch failed');
    };
    const host = scriptedHost({ fetch: () => answer() });
    const context: SchedulerContext = { host, settings: { preset: 'ray' }, env: {}, baseDir: '/w', templatesDir: '/t', commandTimeoutMs: 1000, submitTimeoutMs: 1000, killGraceMs: 10, now: () => new Date() };
    const scheduler = new RayScheduler(context);
    const ref = { backend: 'command:ray', id: 'run1', extra: { runDir: '/w/r', address: 'http://127.0.0.1:1' } };
    await assert.rejects(scheduler.status(ref), (error: unknown) => error instanceof BackendError && error.kind === 'transient');
    answer = async () => new Response('boom', { status: 503 });
    await assert.rejects(scheduler.status(ref), (error: unknown) => error instanceof BackendError && error.kind === 'transient');
    answer = async () => new Response('forbidden', { status: 403 });
    await assert.rejects(scheduler.status(ref), (error: unknown) => error instanceof BackendError && error.kind === 'permanent');
    answer = async () => new Response(JSON.stringify({ status: 'SOMETHING_NEW', message: 'hi' }), { status: 200 });
    const status = await scheduler.status(ref);
    assert.equal(status.state, 'unknown');
    assert.equal(status.raw, 'SOMETHING_NEW');
    answer = async () => new Response('Job run1 does not exist.', { status: 404 });
    assert.equal((await scheduler.status(ref)).state, 'unknown');
  });
});
