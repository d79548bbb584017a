// Test code only: a fake kubectl for batch/v1 Jobs over the fake scheduler state: `create -f - -o name` (refuses a
// second Job of the same name with AlreadyExists), `get job NAME -o json` (status fields and conditions as the API
// server reports them), `get pods -l job-name=NAME -o json`, `logs job/NAME`, `delete job NAME`, `config
// current-context`. The Job's first container runs in the background with the manifest's env (plus PATH/HOME: a pod
// does not inherit your shell), its command + args as given (no shell added). hostPath volumes are mounted where
// they already are (same path), so the container sees the run folder. Test switches: `pending-ms`, `k8s-no-ready`
// (the API server omits .status.ready, as before Kubernetes 1.24: queued vs running comes from the pods).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fail, flag, killJob, listJobs, newJob, recordCall, stateDir, TERMINAL, updateJob } from './state.mjs';

const raw = process.argv.slice(2);
recordCall('kubectl', raw);
const number = (name, fallback) => (flag(name) ? Number(readFileSync(join(stateDir(), name), 'utf8').trim()) || fallback : fallback);

let namespace = 'default';
let context = process.env.FAKE_KUBE_CONTEXT ?? 'fake-context';
const args = [];
for (let index = 0; index < raw.length; index++) {
  if (raw[index] === '-n' || raw[index] === '--namespace') namespace = raw[++index];
  else if (raw[index] === '--context') context = raw[++index];
  else if (raw[index].startsWith('--namespace=')) namespace = raw[index].slice(12);
  else args.push(raw[index]);
}
const [verb, ...rest] = args;
const find = (name) => listJobs('k8s').find((job) => job.name === name && job.namespace === namespace && job.context === context && !job.deleted);
const notFound = (name) => fail(`Error from server (NotFound): jobs.batch "${name}" not found`);

function jobJson(job) {
  const status = { startTime: new Date(job.submittedAt).toISOString() };
  if (job.state === 'PENDING') status.active = 1;
  if (job.state === 'RUNNING') {
    status.active = 1;
    if (!flag('k8s-no-ready')) status.ready = 1;
  }
  if (job.state === 'COMPLETED') {
    status.succeeded = 1;
    status.conditions = [
      { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
    ];
  }
  if (job.state === 'FAILED') {
    status.failed = 1;
    status.conditions = [
      { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' },
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
    ];
  }
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...job.manifest.metadata, name: job.name, namespace: job.namespace, uid: `uid-${job.id}` }, spec: job.manifest.spec, status };
}

if (verb === 'config' && rest[0] === 'current-context') {
  process.stdout.write(`${context}\n`);
} else if (verb === 'create') {
  if (rest[0] !== '-f' || rest[1] !== '-' || !rest.includes('-o') || rest[rest.indexOf('-o') + 1] !== 'name') fail('fake kubectl: Inoculate must create with -f - -o name');
  const input = readFileSync(0, 'utf8');
  const manifest = parse(input);
  if (manifest?.kind !== 'Job' || manifest.apiVersion !== 'batch/v1') fail('error: fake kubectl creates batch/v1 Jobs only');
  const name = manifest.metadata?.name;
  if (!name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) fail(`The Job "${name}" is invalid: metadata.name: Invalid value`);
  if (manifest.metadata.namespace && manifest.metadata.namespace !== namespace) fail('error: the namespace from the provided object does not match the namespace sent on the request');
  if (find(name)) fail(`Error from server (AlreadyExists): error when creating "STDIN": jobs.batch "${name}" already exists`);
  const container = manifest.spec.template.spec.containers[0];
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const entry of container.env ?? []) env[entry.name] = String(entry.value ?? '');
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (!argv.length) fail('fake kubectl: the container has no command (the fake has no image entrypoints)');
  for (const volume of manifest.spec.template.spec.volumes ?? []) {
    if (volume.hostPath && !existsSync(volume.hostPath.path)) fail(`fake kubectl: hostPath ${volume.hostPath.path} does not exist (the pod would fail to start)`);
  }
  newJob('k8s', (id) => {
    const log = join(stateDir(), `k8s-${id}.log`);
    return { name, namespace, context, pendingMs: number('pending-ms', 0), manifest, payload: { argv, env, cwd: stateDir(), log }, log };
  }, 1);
  process.stdout.write(`job.batch/${name}\n`);
} else if (verb === 'get' && rest[0] === 'job') {
  const job = find(rest[1]);
  if (!job) notFound(rest[1]);
  process.stdout.write(`${JSON.stringify(jobJson(job), null, 2)}\n`);
} else if (verb === 'get' && rest[0] === 'pods') {
  const selector = rest[rest.indexOf('-l') + 1] ?? '';
  const name = selector.replace(/^job-name=/, '');
  const job = find(name);
  const phase = { PENDING: 'Pending', RUNNING: 'Running', COMPLETED: 'Succeeded', FAILED: 'Failed' }[job?.state];
  const items = job && phase ? [{ metadata: { name: `${name}-abcde`, labels: { 'job-name': name } }, status: { phase, containerStatuses: phase === 'Pending' ? [{ name: 'trainer', state: { waiting: { reason: 'ContainerCreating' } } }] : [] } }] : [];
  process.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items })}\n`);
} else if (verb === 'logs') {
  const target = rest.find((arg) => arg.startsWith('job/'));
  const job = target && find(target.slice(4));
  if (!job) fail(`Error from server (NotFound): jobs.batch "${target?.slice(4)}" not found`);
  if (job.state === 'PENDING') fail(`Error from server (BadRequest): container "trainer" in pod "${job.name}-abcde" is waiting to start: ContainerCreating`);
  process.stdout.write(existsSync(job.log) ? readFileSync(job.log, 'utf8') : '');
} else if (verb === 'delete' && rest[0] === 'job') {
  const job = find(rest[1]);
  if (!job) {
    if (rest.some((arg) => arg === '--ignore-not-found' || arg === '--ignore-not-found=true')) process.exit(0);
    notFound(rest[1]);
  }
  if (!TERMINAL.has(job.state)) killJob('k8s', job.id, 'CANCELLED');
  updateJob('k8s', job.id, (current) => ({ ...current, deleted: true }));
  process.stdout.write(`job.batch "${job.name}" deleted\n`);
} else {
  fail(`fake kubectl: unsupported command ${args.join(' ')}`);
}
