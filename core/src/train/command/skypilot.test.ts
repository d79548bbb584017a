import assert from 'node:assert/strict';
import { scriptedHost } from '../../../../test/support/scriptedHost';
import { STATUS_TABLES } from '../status';
import { BackendError } from '../types';
import { snapshot, type SchedulerContext } from './scheduler';
import { parseManagedJobId, parseSkyQueue, pythonOfShebang, SKY_QUEUE_PROGRAM, SkyPilotScheduler } from './skypilot';

describe('train/command/skypilot', () => {
  it('reads the managed job id from launch output, colours and all', () => {
    assert.equal(parseManagedJobId("Launching a managed job 'x'.\n\u001b[1mManaged Job ID: 7\u001b[0m\n"), '7');
    assert.equal(parseManagedJobId('Managed job ID: 12 submitted'), '12');
    assert.equal(parseManagedJobId('├── To stream job logs:\t\tsky jobs logs 31'), '31');
    assert.equal(parseManagedJobId('Job submitted.'), undefined);
  });

  it('maps every managed-job status, with CANCELLING as a cancellation under way', () => {
    for (const [raw, state] of Object.entries(STATUS_TABLES.skypilot!.states)) assert.equal(snapshot('skypilot', raw, new Date()).state, state, raw);
    assert.deepEqual({ ...snapshot('skypilot', 'CANCELLING', new Date()), observedAt: '' }, { state: 'running', raw: 'CANCELLING', cancelRequested: true, observedAt: '' });
  });

  it('reads the queue JSON whatever shape the status took (string, enum name, object, list), and nothing it cannot read', () => {
    const out = JSON.stringify([
      { job_id: 7, job_name: 'a', status: 'RUNNING' },
      { job_id: '8', job_name: 'b', status: 'ManagedJobStatus.FAILED_SETUP', failure_reason: 'pip failed' },
      { job_id: 9, job_name: 'c', status: { value: 'SUCCEEDED' } },
      { job_id: 10, job_name: 'd', status: ['CANCELLED'] },
      { job_name: 'no id' },
      'junk',
    ]);
    assert.deepEqual(parseSkyQueue(`some log line\n${out}\n`), [
      { jobId: '7', name: 'a', status: 'RUNNING' },
      { jobId: '8', name: 'b', status: 'FAILED_SETUP', failureReason: 'pip failed' },
      { jobId: '9', name: 'c', status: 'SUCCEEDED' },
      { jobId: '10', name: 'd', status: 'CANCELLED' },
    ]);
    assert.deepEqual(parseSkyQueue(JSON.stringify({ jobs: [{ job_id: 1, status: 'PENDING' }] })), [{ jobId: '1', name: '', status: 'PENDING' }]);
    assert.equal(parseSkyQueue('ID  NAME  STATUS\n1 a RUNNING'), undefined);
    assert.equal(parseSkyQueue('{"unexpected": true}'), undefined);
  });

  it("runs the SDK with the `sky` executable's own Python", () => {
    assert.deepEqual(pythonOfShebang('#!/opt/sky/venv/bin/python3.11'), ['/opt/sky/venv/bin/python3.11']);
    assert.deepEqual(pythonOfShebang('#!/usr/bin/env python3'), ['python3']);
    assert.deepEqual(pythonOfShebang('#!/usr/bin/env -S python3 -u'), ['python3', '-u']);
    assert.deepEqual(pythonOfShebang('#!/bin/sh'), ['python3']);
    assert.deepEqual(pythonOfShebang(undefined), ['python3']);
  });

  it('keeps the job id out of the program text (it is an argument), and reports unknown for a job missing from the queue', async () => {
    const host = scriptedHost({ executables: ['sky'] });
    host.files.set('/usr/bin/sky', '#!/venv/bin/python\nimport sky\n');
    host.answers.set('/venv/bin/python -c', (argv) => ({ stdout: JSON.stringify(argv[4] === '7' ? [{ job_id: 7, job_name: 'x', status: 'RECOVERING' }] : []) }));
    const context: SchedulerContext = { host, settings: { preset: 'skypilot' }, env: { PATH: '/usr/bin' }, baseDir: '/w', templatesDir: '/t', commandTimeoutMs: 1000, submitTimeoutMs: 1000, killGraceMs: 10, now: () => new Date() };
    const scheduler = new SkyPilotScheduler(context);
    const running = await scheduler.status({ backend: 'command:skypilot', id: '7', extra: { runDir: '/w/r' } });
    assert.equal(running.state, 'running');
    assert.equal(running.raw, 'RECOVERING');
    assert.deepEqual(host.calls[0]!.argv, ['/venv/bin/python', '-c', SKY_QUEUE_PROGRAM, 'id', '7']);
    const missing = await scheduler.status({ backend: 'command:skypilot', id: '8', extra: { runDir: '/w/r' } });
    assert.equal(missing.state, 'unknown');
  });

  it('says so when the SDK cannot be imported (permanent), and retries a queue that does not answer (transient)', async () => {
    const host = scriptedHost();
    const context: SchedulerContext = { host, settings: { preset: 'skypilot' }, env: {}, baseDir: '/w', templatesDir: '/t', commandTimeoutMs: 1000, submitTimeoutMs: 1000, killGraceMs: 10, now: () => new Date() };
    host.answers.set('python3', { exitCode: 3, stderr: "cannot import SkyPilot's SDK: No module named 'sky'" });
    const ref = { backend: 'command:skypilot', id: '7', extra: { runDir: '/w/r' } };
    await assert.rejects(new SkyPilotScheduler(context).status(ref), (error: unknown) => error instanceof BackendError && error.kind === 'permanent' && /SDK/.test(error.message));
    host.answers.set('python3', { exitCode: 1, stderr: 'requests.exceptions.ConnectionError: API server unreachable' });
    await assert.rejects(new SkyPilotScheduler(context).status(ref), (error: unknown) => error instanceof BackendError && error.kind === 'transient');
  });
});
