import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptedHost } from '../../../../test/support/scriptedHost';
import { STATUS_TABLES } from '../status';
import { anyPodStarted, buildJobManifest, jobStateOf, KubernetesScheduler, podWaitingReason } from './kubernetes';
import { snapshot, type SchedulerContext, type SubmitInput } from './scheduler';
import { parseYamlTemplate, type YamlObject } from './templates';

const TEMPLATE = join(__dirname, '../../../../templates/train/kubernetes.yaml');

const condition = (type: string, status = 'True', reason?: string, message?: string) => ({ type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) });

describe('train/command/kubernetes', () => {
  it('derives the state from conditions, ready pods and pod phases', () => {
    assert.deepEqual(jobStateOf({ status: { conditions: [condition('SuccessCriteriaMet'), condition('Complete')] } }), { raw: 'Complete' });
    assert.deepEqual(jobStateOf({ status: { conditions: [condition('FailureTarget'), condition('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] } }), {
      raw: 'Failed',
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    assert.equal(jobStateOf({ status: { conditions: [condition('Suspended')] } }).raw, 'Suspended');
    assert.equal(jobStateOf({ status: { conditions: [condition('FailureTarget', 'True', 'DeadlineExceeded')] } }).raw, 'Running');
    assert.equal(jobStateOf({ status: { conditions: [condition('Complete', 'False')] , active: 1, ready: 1 } }).raw, 'Running');
    assert.deepEqual(jobStateOf({ status: { active: 1 } }), { raw: 'Pending', needsPods: true });
    assert.deepEqual(jobStateOf({ status: {} }), { raw: 'Pending' });
    assert.deepEqual(jobStateOf('not a job'), { raw: 'Pending' });
    assert.equal(jobStateOf({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { active: 1, ready: 1 } }).deleting, true);
    for (const [raw, state] of Object.entries(STATUS_TABLES.kubernetes!.states)) assert.equal(snapshot('kubernetes', raw, new Date()).state, state, raw);
  });

  it('tells queued from running by the pods', () => {
    assert.equal(anyPodStarted({ items: [{ status: { phase: 'Pending' } }] }), false);
    assert.equal(anyPodStarted({ items: [{ status: { phase: 'Running' } }] }), true);
    assert.equal(anyPodStarted({ items: 'drift' }), false);
    assert.equal(podWaitingReason({ items: [{ status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] } }] }), 'ImagePullBackOff');
    assert.equal(podWaitingReason({ items: [{ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } }] }), 'Unschedulable');
  });

  it('fills the shipped manifest structurally: hostile values stay single env values and arguments', () => {
    const template = parseYamlTemplate(TEMPLATE, readFileSync(TEMPLATE, 'utf8'));
    const hostile = 'evil"\n  - name: INJECTED\n    value: x; $(touch /tmp/pwned)';
    const input = {
      spec: { runId: 'r1', submissionKey: 'run/with:odd chars', jobName: 'very-mean-s0-abc' },
      layout: { runDir: '/w/.inoculate/runs/r1', dataDir: '/w/.inoculate/runs/r1/data', trainingFile: '/w/.inoculate/runs/r1/data/train.jsonl', outputDir: '/w/.inoculate/runs/r1/output' },
      trainerArgv: ['trl', 'sft', '--model_name_or_path', hostile],
      jobEnv: { INOCULATE_BASE_MODEL: hostile, INOCULATE_RUN_DIR: '/w/.inoculate/runs/r1' },
      submitArgs: [],
    } as unknown as SubmitInput;
    const manifest = buildJobManifest(template, TEMPLATE, input, { namespace: 'ml', image: 'ghcr.io/me/trl:1' });
    const spec = manifest.spec as { template: { spec: { containers: YamlObject[]; volumes: YamlObject[] } } };
    const container = spec.template.spec.containers[0]!;
    assert.equal((manifest.metadata as YamlObject).name, 'very-mean-s0-abc');
    assert.equal((manifest.metadata as YamlObject).namespace, 'ml');
    assert.equal(((manifest.metadata as YamlObject).labels as YamlObject)['inoculate.dev/run-id'], 'run-with-odd-chars');
    assert.equal(container.image, 'ghcr.io/me/trl:1');
    assert.deepEqual(container.args, ['trl', 'sft', '--model_name_or_path', hostile]);
    assert.deepEqual(container.env, [
      { name: 'INOCULATE_BASE_MODEL', value: hostile },
      { name: 'INOCULATE_RUN_DIR', value: '/w/.inoculate/runs/r1' },
    ]);
    // The script text is the template's own, untouched: values reach it only as "$@" and environment variables.
    assert.equal((container.command as string[])[2], ((parseYamlTemplate(TEMPLATE, readFileSync(TEMPLATE, 'utf8')).spec as never as typeof spec).template.spec.containers[0]!.command as string[])[2]);
    assert.ok(!JSON.stringify(container.command).includes('evil'));
    assert.deepEqual(container.volumeMounts, [{ name: 'inoculate-run', mountPath: '/w/.inoculate/runs/r1' }]);
    assert.equal((spec.template.spec.volumes[0]!.hostPath as YamlObject).path, '/w/.inoculate/runs/r1');
    // The template itself is left as it was.
    assert.equal((template.metadata as YamlObject).name, 'inoculate-train');
  });

  it('treats AlreadyExists as the job of an earlier submit of the same run', async () => {
    const host = scriptedHost();
    host.files.set('/t/kubernetes.yaml', readFileSync(TEMPLATE, 'utf8'));
    host.answers.set('kubectl config current-context', { stdout: 'kind-gpu\n' });
    host.answers.set('kubectl --context kind-gpu create', { exitCode: 1, stderr: 'Error from server (AlreadyExists): error when creating "STDIN": jobs.batch "very-mean-s0-abc" already exists' });
    const context: SchedulerContext = { host, settings: { preset: 'kubernetes' }, env: {}, baseDir: '/w', templatesDir: '/t', commandTimeoutMs: 1000, submitTimeoutMs: 1000, killGraceMs: 10, now: () => new Date() };
    const ref = await new KubernetesScheduler(context).submit({
      spec: { runId: 'r1', submissionKey: 'r1', jobName: 'very-mean-s0-abc' },
      layout: { runDir: '/w/r1', dataDir: '/w/r1/data', trainingFile: '/w/r1/data/train.jsonl', outputDir: '/w/r1/output' },
      trainerArgv: ['trl', 'sft'],
      jobEnv: {},
      submitArgs: [],
    } as unknown as SubmitInput);
    assert.deepEqual(ref, { backend: 'command:kubernetes', id: 'very-mean-s0-abc', extra: { runDir: '/w/r1', context: 'kind-gpu' } });
    const create = host.calls.find((call) => call.argv.includes('create'))!;
    assert.deepEqual(create.argv, ['kubectl', '--context', 'kind-gpu', 'create', '-f', '-', '-o', 'name']);
    assert.equal((JSON.parse(create.input!) as YamlObject).kind, 'Job');
  });

  it('reports a Job deleted by our cancel as cancelled, and one gone without a trace as unknown', async () => {
    const host = scriptedHost();
    host.answers.set('kubectl', { exitCode: 1, stderr: 'Error from server (NotFound): jobs.batch "x" not found' });
    const context: SchedulerContext = { host, settings: { preset: 'kubernetes' }, env: {}, baseDir: '/w', templatesDir: '/t', commandTimeoutMs: 1000, submitTimeoutMs: 1000, killGraceMs: 10, now: () => new Date() };
    const scheduler = new KubernetesScheduler(context);
    const ref = { backend: 'command:kubernetes', id: 'x', extra: { runDir: '/w/r1' } };
    assert.equal((await scheduler.status(ref)).state, 'unknown');
    host.files.set('/w/r1/exit_code', '0\n');
    assert.equal((await scheduler.status(ref)).state, 'succeeded');
    host.files.delete('/w/r1/exit_code');
    host.files.set('/w/r1/cancelled', 'now');
    assert.equal((await scheduler.status(ref)).state, 'cancelled');
  });
});
