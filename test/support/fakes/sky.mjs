// Test code only: a fake SkyPilot CLI (`sky jobs launch|cancel|logs|queue`) over the fake scheduler state. `launch`
// reads the task YAML, uploads its local file_mounts (a copy), and runs `setup` then `run` with bash in the
// background with the task's `envs` (and only PATH/HOME from here: a cloud VM does not inherit your shell). Managed
// job states follow SkyPilot's names (PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED); the Python SDK fake
// (test/support/fakeSkySdk) reads them for the JSON status route. Test switches: `sky-hold-ms` (launch holds still
// after registering the job), `pending-ms`.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fail, flag, killJob, listJobs, newJob, readJob, recordCall, sleepSync, stateDir, TERMINAL } from './state.mjs';

const argv = process.argv.slice(2);
recordCall('sky', argv);
const number = (name, fallback) => (flag(name) ? Number(readFileSync(join(stateDir(), name), 'utf8').trim()) || fallback : fallback);
const [group, command, ...rest] = argv;
if (group !== 'jobs') fail(`fake sky: only "sky jobs ..." is faked, not ${group}`);

const skyState = (job) => ({ COMPLETED: 'SUCCEEDED' })[job.state] ?? job.state;

if (command === 'launch') {
  let name;
  let yes = false;
  let detach = false;
  const positional = [];
  const envOverrides = {};
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index];
    if (arg === '-n' || arg === '--name') name = rest[++index];
    else if (arg === '-y' || arg === '--yes') yes = true;
    else if (arg === '-d' || arg === '--detach-run') detach = true;
    else if (arg === '--env') {
      const [key, ...value] = rest[++index].split('=');
      envOverrides[key] = value.join('=');
    } else if (arg.startsWith('-')) index++; // --gpus H100:1, --infra k8s...: accepted, ignored
    else positional.push(arg);
  }
  if (!yes || !detach) fail('fake sky: Inoculate must launch with -y -d (no prompt, detached)');
  const taskPath = positional[0];
  if (!taskPath || !existsSync(taskPath)) fail(`fake sky: no task file ${taskPath}`);
  const task = parse(readFileSync(taskPath, 'utf8'));
  for (const [destination, source] of Object.entries(task.file_mounts ?? {})) {
    if (typeof source !== 'string') continue;
    if (!existsSync(source)) fail(`sky: file_mounts source ${source} does not exist`);
    if (source !== destination) cpSync(source, destination, { recursive: true });
  }
  const envs = { ...Object.fromEntries(Object.entries(task.envs ?? {}).map(([key, value]) => [key, String(value ?? '')])), ...envOverrides };
  const script = `${task.setup ?? ''}\n${task.run ?? ''}`;
  const job = newJob('sky', (id) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONPATH: process.env.PYTHONPATH ?? '', SKYPILOT_TASK_ID: `sky-managed-${id}`, ...envs };
    const log = join(stateDir(), `sky-${id}.log`);
    return { name: name ?? task.name ?? 'sky-job', pendingMs: number('pending-ms', 0), payload: { argv: ['bash', '-c', script], env, cwd: stateDir(), log }, log, task: taskPath };
  }, 1);
  const hold = number('sky-hold-ms', 0);
  if (hold) sleepSync(hold);
  process.stdout.write(`Launching a managed job '${job.name}'.\n\u001b[1mManaged Job ID: ${job.id}\u001b[0m\n📋 Useful Commands\n├── To cancel the job:\t\tsky jobs cancel ${job.id}\n`);
} else if (command === 'cancel') {
  const ids = rest.filter((arg) => /^\d+$/.test(arg));
  if (!rest.includes('-y') && !rest.includes('--yes')) fail('fake sky: Inoculate must cancel with -y');
  for (const id of ids) {
    const job = readJob('sky', id);
    if (!job) fail(`Jobs not found: ${id}`);
    if (TERMINAL.has(job.state)) process.stdout.write(`Job ${id} is already in terminal state ${skyState(job)}. Skipped.\n`);
    else killJob('sky', id, 'CANCELLED');
  }
} else if (command === 'logs') {
  const id = rest.find((arg) => /^\d+$/.test(arg));
  if (!rest.includes('--no-follow')) fail('fake sky: Inoculate must read logs with --no-follow');
  const job = id && readJob('sky', id);
  if (!job) fail(`No managed job ${id} found`);
  process.stdout.write(existsSync(job.log) ? readFileSync(job.log, 'utf8') : '');
} else if (command === 'queue') {
  process.stdout.write('ID  TASK  NAME  REQUESTED  SUBMITTED  TOT. DURATION  JOB DURATION  #RECOVERIES  STATUS\n');
  for (const job of listJobs('sky')) process.stdout.write(`${job.id}  -  ${job.name}  1x[GPU:1]  now  1s  1s  0  ${skyState(job)}\n`);
} else {
  fail(`fake sky: unknown command jobs ${command}`);
}
