// Test code only. Runs one fake scheduler's job in the background (see state.mjs): waits the job's `pendingMs`
// (the job is PENDING, as in a queue), runs its payload in its own process group with the payload's environment,
// output to the job's log, and records RUNNING, then COMPLETED or FAILED with the exit code. A job cancelled
// meanwhile (scancel, sky jobs cancel, kubectl delete) keeps its CANCELLED state.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { readJob, TERMINAL, updateJob } from './state.mjs';

const [kind, id] = process.argv.slice(2);
// Started just before the record is written (see newJob): wait for it; no record means no job.
let job = readJob(kind, id);
for (let waited = 0; !job && waited < 10_000; waited += 20) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  job = readJob(kind, id);
}
if (!job) process.exit(1);

const deadline = Date.now() + (job.pendingMs ?? 0);
while (Date.now() < deadline) {
  if (TERMINAL.has(readJob(kind, id)?.state)) process.exit(0);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
if (TERMINAL.has(readJob(kind, id)?.state)) process.exit(0);

const { argv, env, cwd, log } = job.payload;
mkdirSync(dirname(log), { recursive: true });
const out = openSync(log, 'a');
const child = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['ignore', out, out], detached: true });
closeSync(out);
child.on('error', (error) => {
  updateJob(kind, id, (current) => (TERMINAL.has(current.state) ? undefined : { ...current, state: 'FAILED', exitCode: 127, error: String(error), endedAt: Date.now() }));
  process.exit(0);
});
const started = updateJob(kind, id, (current) => (current.state === 'PENDING' ? { ...current, state: 'RUNNING', payloadPid: child.pid, startedAt: Date.now() } : undefined));
if (started && TERMINAL.has(started.state)) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Gone.
  }
}
child.on('exit', (code, signal) => {
  updateJob(kind, id, (current) =>
    TERMINAL.has(current.state) ? undefined : { ...current, state: code === 0 ? 'COMPLETED' : 'FAILED', exitCode: code ?? 128, signal, endedAt: Date.now() },
  );
  process.exit(0);
});
