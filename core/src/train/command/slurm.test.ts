import assert from 'node:assert/strict';
import { scriptedHost, type ScriptedHost } from '../../../../test/support/scriptedHost';
import { STATUS_TABLES } from '../status';
import { BackendError, type JobRef } from '../types';
import type { SchedulerContext } from './scheduler';
import { snapshot } from './scheduler';
import { parseSacct, parseSbatchOutput, SlurmScheduler } from './slurm';

function context(host: ScriptedHost): SchedulerContext {
  return {
    host,
    settings: { preset: 'slurm' },
    env: { PATH: '/bin' },
    baseDir: '/w',
    templatesDir: '/t',
    commandTimeoutMs: 1000,
    submitTimeoutMs: 1000,
    killGraceMs: 10,
    now: () => new Date('2026-08-01T00:00:00Z'),
  };
}

const REF: JobRef = { backend: 'command:slurm', id: '4242', extra: { runDir: '/w/run' } };

describe('train/command/slurm', () => {
  it('reads sbatch --parsable output: id, id;cluster, after warnings; refuses anything else', () => {
    assert.deepEqual(parseSbatchOutput('4242\n'), { id: '4242' });
    assert.deepEqual(parseSbatchOutput('4242;clusterA\n'), { id: '4242', cluster: 'clusterA' });
    assert.deepEqual(parseSbatchOutput('sbatch: warning: partition default\n\n77\n'), { id: '77' });
    assert.equal(parseSbatchOutput('Submitted batch job 4242\n'), undefined);
    assert.equal(parseSbatchOutput(''), undefined);
  });

  it('parses sacct -P rows; an empty output (accounting lag) gives none', () => {
    assert.deepEqual(parseSacct('4242|CANCELLED by 1000|0:15\n'), [{ jobId: '4242', state: 'CANCELLED by 1000', exitCode: '0:15' }]);
    assert.deepEqual(parseSacct('\n  \n'), []);
    assert.deepEqual(parseSacct('4242|RUNNING\n4243|PENDING\n'), [{ jobId: '4242', state: 'RUNNING' }, { jobId: '4243', state: 'PENDING' }]);
  });

  it('maps every Slurm state through the table, and unknown words to unknown', () => {
    for (const [raw, state] of Object.entries(STATUS_TABLES.slurm!.states)) assert.equal(snapshot('slurm', raw, new Date()).state, state, raw);
    assert.equal(snapshot('slurm', 'CANCELLED by 1000', new Date()).state, 'cancelled');
    assert.equal(snapshot('slurm', 'REQUEUED', new Date()).state, 'queued');
    assert.equal(snapshot('slurm', 'NEW_STATE_24_11', new Date()).state, 'unknown');
    assert.equal(snapshot('slurm', '', new Date()).state, 'unknown');
  });

  it('takes the state from sacct and keeps the raw word', async () => {
    const host = scriptedHost();
    host.answers.set('sacct', { stdout: '4242|CANCELLED by 1000|0:15\n' });
    const status = await new SlurmScheduler(context(host)).status(REF);
    assert.equal(status.state, 'cancelled');
    assert.equal(status.raw, 'CANCELLED by 1000');
    assert.deepEqual(host.calls[0]!.argv, ['sacct', '-X', '-n', '-P', '-j', '4242', '-o', 'JobIDRaw,State,ExitCode']);
  });

  it('falls back to squeue when accounting has no row yet, and is unknown (never failed) when neither knows', async () => {
    const host = scriptedHost();
    host.answers.set('sacct', { stdout: '' });
    host.answers.set('squeue', { stdout: 'RUNNING\n' });
    const scheduler = new SlurmScheduler(context(host));
    assert.equal((await scheduler.status(REF)).state, 'running');
    assert.deepEqual(host.calls[1]!.argv, ['squeue', '-h', '-j', '4242', '-o', '%T']);
    host.answers.set('squeue', { exitCode: 1, stderr: 'slurm_load_jobs error: Invalid job id specified' });
    const status = await scheduler.status(REF);
    assert.equal(status.state, 'unknown');
    assert.match(status.message ?? '', /accounting/);
  });

  it('falls back to squeue when sacct fails (accounting down), and reports a scheduler that answers nothing as transient', async () => {
    const host = scriptedHost();
    host.answers.set('sacct', { exitCode: 1, stderr: 'sacct: error: Problem talking to the database' });
    host.answers.set('squeue', { stdout: 'PENDING\n' });
    const scheduler = new SlurmScheduler(context(host));
    assert.equal((await scheduler.status(REF)).state, 'queued');
    host.answers.set('squeue', { exitCode: 1, stderr: 'slurm_load_jobs error: Unable to contact slurm controller' });
    await assert.rejects(scheduler.status(REF), (error: unknown) => error instanceof BackendError && error.kind === 'transient');
  });

  it('addresses the cluster sbatch named in every later call', async () => {
    const host = scriptedHost();
    host.answers.set('sacct', { stdout: '4242|RUNNING|0:0\n' });
    host.answers.set('scancel', {});
    const scheduler = new SlurmScheduler(context(host));
    const ref = { ...REF, extra: { ...REF.extra, cluster: 'clusterA' } };
    await scheduler.cancel(ref);
    assert.deepEqual(host.calls[0]!.argv.slice(-2), ['-M', 'clusterA']);
    assert.deepEqual(host.calls[1]!.argv, ['scancel', '-M', 'clusterA', '4242']);
  });

  it('does not call scancel for a job that already ended', async () => {
    const host = scriptedHost();
    host.answers.set('sacct', { stdout: '4242|COMPLETED|0:0\n' });
    await new SlurmScheduler(context(host)).cancel(REF);
    assert.deepEqual(host.calls.map((call) => call.argv[0]), ['sacct']);
  });

  it('finds a job by its name in accounting and in the queue, newest first', async () => {
    const host = scriptedHost();
    host.answers.set('sacct', { stdout: '4242|FAILED\n' });
    host.answers.set('squeue', { stdout: '4250\n' });
    const found = await new SlurmScheduler(context(host)).find({ spec: { jobName: 'very-mean-s0-abc' } as never, layout: { runDir: '/w/run' } as never, trainerArgv: [], jobEnv: {}, submitArgs: [] });
    assert.equal(found?.id, '4250');
    assert.ok(host.calls[0]!.argv.includes('--name=very-mean-s0-abc'));
    assert.ok(host.calls[0]!.argv.includes('--starttime=2026-06-02'));
  });
});
