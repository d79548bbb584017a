// Test code only: fake Slurm client tools (sbatch, sacct, squeue, scancel) over the fake scheduler state. sbatch
// records the job and runs its script in the background with the submitter's environment (sbatch's default
// --export=ALL) plus SLURM_JOB_ID / SLURM_JOB_NAME, output to --output (%j = the id), in --chdir.
// Test switches (files in $FAKE_SCHEDULER_DIR): `sacct-lag` (accounting has no rows yet), `sacct-down` (sacct fails),
// `sbatch-cluster` (sbatch prints `id;cluster`), `sbatch-hold-ms` (sbatch holds still after registering the job, to
// be killed mid-submit; `sbatch-hold` holds until the flag is removed), `pending-ms` (jobs stay PENDING that long).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, flag, killJob, listJobs, newJob, readJob, recordCall, sleepSync, stateDir, TERMINAL } from './state.mjs';

const [tool, ...argv] = process.argv.slice(2);
recordCall(tool, argv);
const number = (name, fallback) => (flag(name) ? Number(readFileSync(join(stateDir(), name), 'utf8').trim()) || fallback : fallback);

/** `--name=value` / `--name value` / `-n value` options and the positional arguments. */
function parseOptions(args, takesValue, stopAtFirstPositional = false) {
  const options = {};
  const positional = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (stopAtFirstPositional && positional.length) {
      positional.push(arg);
      continue;
    }
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      if (eq > 0) options[arg.slice(0, eq)] = arg.slice(eq + 1);
      else if (takesValue.has(arg)) options[arg] = args[++index];
      else options[arg] = true;
    } else positional.push(arg);
  }
  return { options, positional };
}

function slurmState(job) {
  if (job.state === 'CANCELLED') return 'CANCELLED by 1000';
  return job.state;
}

if (tool === 'sbatch') {
  const { options, positional } = parseOptions(argv, new Set(['-J', '--job-name', '-o', '--output', '-D', '--chdir', '-p', '--partition', '-M', '--clusters']), true);
  const [script, ...scriptArgs] = positional;
  if (!options['--parsable']) fail('fake sbatch: Inoculate must call sbatch with --parsable');
  if (!script) fail('sbatch: error: Batch job submission failed: no script');
  const name = options['--job-name'] ?? options['-J'] ?? 'sbatch';
  const cwd = options['--chdir'] ?? options['-D'] ?? process.cwd();
  const job = newJob('slurm', (id) => {
    const log = (options['--output'] ?? options['-o'] ?? join(cwd, 'slurm-%j.out')).replaceAll('%j', id);
    const env = { ...process.env, SLURM_JOB_ID: id, SLURM_JOB_NAME: name }; // --export=ALL: the submitter's environment
    return { name, pendingMs: number('pending-ms', 0), payload: { argv: ['/bin/sh', script, ...scriptArgs], env, cwd, log }, log, argv };
  });
  const hold = number('sbatch-hold-ms', 0);
  if (hold) sleepSync(hold);
  // `sbatch-hold`: hold still (the job exists) until the test removes the flag.
  for (let waited = 0; flag('sbatch-hold') && waited < 120_000; waited += 50) sleepSync(50);
  process.stdout.write(flag('sbatch-cluster') ? `${job.id};fakecluster\n` : `${job.id}\n`);
} else if (tool === 'sacct') {
  if (flag('sacct-down')) fail('sacct: error: Problem talking to the database: Connection refused');
  const { options } = parseOptions(argv, new Set(['-j', '--jobs', '-o', '--format', '-S', '--starttime', '--name', '-M', '--clusters']));
  const fields = String(options['-o'] ?? options['--format'] ?? 'JobIDRaw,State').split(',');
  if (!options['-X'] || !options['-n'] || !options['-P']) fail('fake sacct: Inoculate must call sacct with -X -n -P');
  if (flag('sacct-lag')) process.exit(0);
  const id = options['-j'] ?? options['--jobs'];
  const name = options['--name'];
  const jobs = listJobs('slurm').filter((job) => (id ? job.id === id : name ? job.name === name : true));
  for (const job of jobs) {
    const row = fields.map((field) => (field === 'JobIDRaw' ? job.id : field === 'State' ? slurmState(job) : field === 'ExitCode' ? `${job.exitCode ?? 0}:0` : ''));
    process.stdout.write(`${row.join('|')}\n`);
  }
} else if (tool === 'squeue') {
  const { options } = parseOptions(argv, new Set(['-j', '--jobs', '-o', '--format', '--name', '-n', '-M', '--clusters']));
  const id = options['-j'] ?? options['--jobs'];
  const name = options['--name'] ?? options['-n'];
  const format = options['-o'] ?? options['--format'];
  const live = listJobs('slurm').filter((job) => !TERMINAL.has(job.state));
  if (id && !live.some((job) => job.id === id)) fail('slurm_load_jobs error: Invalid job id specified');
  for (const job of live.filter((candidate) => (id ? candidate.id === id : name ? candidate.name === name : true))) {
    process.stdout.write(`${format === '%i' ? job.id : job.state}\n`);
  }
} else if (tool === 'scancel') {
  const { positional } = parseOptions(argv, new Set(['-M', '--clusters']));
  for (const id of positional) {
    const job = readJob('slurm', id);
    if (!job) fail(`scancel: error: Kill job error on job id ${id}: Invalid job id specified`);
    if (TERMINAL.has(job.state)) fail(`scancel: error: Kill job error on job id ${id}: Job/step already completing or completed`);
    killJob('slurm', id, 'CANCELLED');
  }
} else {
  fail(`fake slurm: unknown tool ${tool}`);
}
