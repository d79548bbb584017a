/**
 * Test code only: a fake Ray dashboard serving the Ray Jobs REST API on 127.0.0.1 (node:http): `POST /api/jobs/`
 * (trailing slash required, as in Ray; a duplicate `submission_id` is refused with 400 like Ray's job manager),
 * `GET /api/jobs/{id}`, `GET /api/jobs/{id}/logs`, `POST /api/jobs/{id}/stop`. The entrypoint runs for real through
 * `sh -c` (Ray runs it with a shell) in its own process group with `runtime_env.env_vars`; states follow Ray's
 * JobStatus (PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One job as the fake keeps it. */
export interface FakeRayJob {
  submissionId: string;
  entrypoint: string;
  envVars: Record<string, string>;
  metadata: Record<string, string>;
  resources: Record<string, unknown>;
  status: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  message: string;
  exitCode?: number;
  logs: string;
  child?: ChildProcess;
}

export interface FakeRay {
  /** E.g. `http://127.0.0.1:40123` (the dashboard address). */
  address: string;
  jobs: Map<string, FakeRayJob>;
  /** Every request: method and path. */
  requests: Array<{ method: string; path: string; body?: unknown }>;
  close(): Promise<void>;
}

export interface FakeRayOptions {
  /** Milliseconds a job stays PENDING before its entrypoint starts. */
  pendingMs?: number;
  /** PATH (and anything else) the entrypoint's shell inherits; default this process's PATH and HOME. */
  baseEnv?: Record<string, string>;
}

/** Starts the fake dashboard; resolves once it listens. */
export async function startFakeRay(options: FakeRayOptions = {}): Promise<FakeRay> {
  const jobs = new Map<string, FakeRayJob>();
  const requests: FakeRay['requests'] = [];
  const sockets = new Set<Socket>();
  const baseEnv = options.baseEnv ?? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(text);
  };
  const details = (job: FakeRayJob) => ({
    type: 'SUBMISSION',
    job_id: null,
    submission_id: job.submissionId,
    status: job.status,
    message: job.message,
    driver_exit_code: job.exitCode ?? null,
    entrypoint: job.entrypoint,
    metadata: job.metadata,
    runtime_env: { env_vars: job.envVars },
  });
  const run = (job: FakeRayJob) => {
    if (job.status !== 'PENDING') return;
    const child = spawn('sh', ['-c', job.entrypoint], { env: { ...baseEnv, ...job.envVars }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    job.child = child;
    job.status = 'RUNNING';
    job.message = 'Job is currently running.';
    child.stdout!.on('data', (chunk: Buffer) => (job.logs += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (job.logs += chunk.toString('utf8')));
    child.on('exit', (code) => {
      job.child = undefined;
      if (job.status !== 'RUNNING') return;
      job.exitCode = code ?? -1;
      job.status = code === 0 ? 'SUCCEEDED' : 'FAILED';
      job.message = code === 0 ? 'Job finished successfully.' : `Job entrypoint command failed with exit code ${code}`;
    });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', path, body });
      if (req.method === 'POST' && path === '/api/jobs/') {
        const request = (body ?? {}) as { entrypoint?: string; submission_id?: string; runtime_env?: { env_vars?: Record<string, string> }; metadata?: Record<string, string>; [key: string]: unknown };
        if (typeof request.entrypoint !== 'string') return send(res, 400, 'entrypoint is required');
        const id = request.submission_id ?? `raysubmit_${jobs.size + 1}`;
        if (jobs.has(id)) return send(res, 400, `Traceback (most recent call last):\nValueError: Job with submission_id ${id} already exists. Please use a different submission_id.`);
        const job: FakeRayJob = {
          submissionId: id,
          entrypoint: request.entrypoint,
          envVars: request.runtime_env?.env_vars ?? {},
          metadata: request.metadata ?? {},
          resources: { entrypoint_num_gpus: request.entrypoint_num_gpus, entrypoint_num_cpus: request.entrypoint_num_cpus },
          status: 'PENDING',
          message: 'Job has not started yet.',
          logs: '',
        };
        jobs.set(id, job);
        setTimeout(() => run(job), options.pendingMs ?? 0);
        return send(res, 200, { job_id: null, submission_id: id });
      }
      const match = /^\/api\/jobs\/([^/]+)(\/logs|\/stop)?$/.exec(path);
      const job = match ? jobs.get(decodeURIComponent(match[1]!)) : undefined;
      if (match && !job) return send(res, 404, `Job ${decodeURIComponent(match[1]!)} does not exist.`);
      if (job && req.method === 'GET' && !match![2]) return send(res, 200, details(job));
      if (job && req.method === 'GET' && match![2] === '/logs') return send(res, 200, { logs: job.logs });
      if (job && req.method === 'POST' && match![2] === '/stop') {
        const live = job.status === 'PENDING' || job.status === 'RUNNING';
        if (live) {
          job.status = 'STOPPED';
          job.message = 'Job was intentionally stopped.';
          if (job.child?.pid) {
            try {
              process.kill(-job.child.pid, 'SIGTERM');
            } catch {
              // Gone.
            }
          }
        }
        return send(res, 200, { stopped: live });
      }
      return send(res, 404, 'Not Found');
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    jobs,
    requests,
    close: async () => {
      for (const job of jobs.values()) {
        if (job.child?.pid) {
          try {
            process.kill(-job.child.pid, 'SIGKILL');
          } catch {
            // Gone.
          }
        }
      }
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
