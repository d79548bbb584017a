/**
 * The `kubernetes` preset: a batch/v1 Job named after the run (`kubectl create -f - -o name`; AlreadyExists means a
 * rerun of a submit that got through), its state from `kubectl get job -o json` (conditions Complete / Failed /
 * Suspended; queued vs running from `.status.ready` or the pods' phase, since conditions only appear at the end),
 * logs with `kubectl logs job/NAME`, cancel = save the logs to the run folder, then delete the Job. The kubectl
 * context at submission is recorded and used for every later call, so switching contexts never loses the job.
 */
import { BackendError, type JobRef, type StatusSnapshot } from '../types';
import { commandFailed, firstLine, LOG_TAIL_BYTES, runCommand, snapshot, type Scheduler, type SchedulerContext, type SubmitInput } from './scheduler';
import { isObject, parseYamlTemplate, resolveTemplate, type YamlObject } from './templates';

/** The label every Job carries with (the start of) its submission key (the run id, `<runId>-<n>` when forced). */
export const RUN_ID_LABEL = 'inoculate.dev/run-id';

/** One derived Job state (a key of the `kubernetes` status table) and why. */
export interface KubernetesJobState {
  raw: 'Pending' | 'Suspended' | 'Running' | 'Complete' | 'Failed';
  message?: string;
  /** The Job is being deleted (our cancellation). */
  deleting?: boolean;
  /** The pods' phases are needed to tell queued from running. */
  needsPods?: boolean;
}

/** Derives the Job's state from `kubectl get job -o json`. */
export function jobStateOf(job: unknown): KubernetesJobState {
  const status = isObject(job) && isObject(job.status) ? job.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
  const condition = (type: string) => conditions.find((entry) => entry.type === type && entry.status === 'True');
  const explain = (entry: YamlObject | undefined) => [entry?.reason, entry?.message].filter((part) => typeof part === 'string' && part).join(': ') || undefined;
  const deleting = isObject(job) && isObject(job.metadata) && typeof job.metadata.deletionTimestamp === 'string';
  const withDeleting = (state: KubernetesJobState): KubernetesJobState => (deleting ? { ...state, deleting: true } : state);
  const complete = condition('Complete');
  if (complete) return withDeleting({ raw: 'Complete' });
  const failed = condition('Failed');
  if (failed) {
    const message = explain(failed);
    return withDeleting(message ? { raw: 'Failed', message } : { raw: 'Failed' });
  }
  if (condition('Suspended')) return withDeleting({ raw: 'Suspended' });
  // Kubernetes >= 1.31 sets these interim conditions while the pods are being terminated; the final one follows.
  if (condition('FailureTarget') || condition('SuccessCriteriaMet')) return withDeleting({ raw: 'Running', message: explain(condition('FailureTarget')) ?? 'finishing' });
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  if (count(status.ready) > 0) return withDeleting({ raw: 'Running' });
  if (count(status.active) > 0) return withDeleting({ raw: 'Pending', needsPods: true });
  return withDeleting({ raw: 'Pending' });
}

/** True when any pod in `kubectl get pods -o json` has started running (or already finished). */
export function anyPodStarted(pods: unknown): boolean {
  const items = isObject(pods) && Array.isArray(pods.items) ? pods.items : [];
  return items.some((pod) => isObject(pod) && isObject(pod.status) && ['Running', 'Succeeded', 'Failed'].includes(String(pod.status.phase)));
}

/** Why pods are waiting (`ImagePullBackOff`, `Unschedulable`...), for the status message. */
export function podWaitingReason(pods: unknown): string | undefined {
  const items = isObject(pods) && Array.isArray(pods.items) ? pods.items : [];
  for (const pod of items) {
    if (!isObject(pod) || !isObject(pod.status)) continue;
    const containers = Array.isArray(pod.status.containerStatuses) ? pod.status.containerStatuses : [];
    for (const container of containers) {
      const waiting = isObject(container) && isObject(container.state) && isObject(container.state.waiting) ? container.state.waiting : undefined;
      if (waiting && typeof waiting.reason === 'string') return waiting.reason;
    }
    const conditions = Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
    for (const condition of conditions) if (isObject(condition) && condition.status === 'False' && typeof condition.reason === 'string') return condition.reason;
  }
  return undefined;
}

/** The container that runs the trainer: the one named `trainer`, else the first. */
function trainerContainer(manifest: YamlObject, path: string): YamlObject {
  const spec = isObject(manifest.spec) && isObject(manifest.spec.template) && isObject(manifest.spec.template.spec) ? manifest.spec.template.spec : undefined;
  const containers = spec && Array.isArray(spec.containers) ? spec.containers.filter(isObject) : [];
  const container = containers.find((entry) => entry.name === 'trainer') ?? containers[0];
  if (!container) throw new BackendError('permanent', `${path}: the Job has no containers (spec.template.spec.containers)`);
  return container;
}

/**
 * Fills a Job manifest for one run, in its parsed form: name, namespace, labels, the trainer container's image,
 * arguments and environment, and the `inoculate-run` volume's path (the run folder, at the same path in the pod).
 */
export function buildJobManifest(template: YamlObject, path: string, input: SubmitInput, options: { namespace?: string; image?: string }): YamlObject {
  const manifest = structuredClone(template);
  if (manifest.kind !== 'Job') throw new BackendError('permanent', `${path}: expected "kind: Job", found ${JSON.stringify(manifest.kind)}`);
  const metadata = isObject(manifest.metadata) ? manifest.metadata : (manifest.metadata = {});
  metadata.name = input.spec.jobName;
  delete metadata.generateName;
  if (options.namespace) metadata.namespace = options.namespace;
  const labels = isObject(metadata.labels) ? metadata.labels : (metadata.labels = {});
  labels[RUN_ID_LABEL] = input.spec.submissionKey.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'run';
  const container = trainerContainer(manifest, path);
  if (options.image) container.image = options.image;
  container.args = [...input.trainerArgv];
  const env = (Array.isArray(container.env) ? container.env.filter(isObject) : []).filter((entry) => typeof entry.name !== 'string' || !(entry.name in input.jobEnv));
  for (const [name, value] of Object.entries(input.jobEnv)) env.push({ name, value });
  container.env = env;
  const runDir = input.layout.runDir;
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts.filter(isObject) : [];
  for (const mount of mounts) if (mount.name === 'inoculate-run') mount.mountPath = runDir;
  const podSpec = (manifest.spec as YamlObject).template as YamlObject;
  const volumes = isObject(podSpec.spec) && Array.isArray(podSpec.spec.volumes) ? podSpec.spec.volumes.filter(isObject) : [];
  for (const volume of volumes) if (volume.name === 'inoculate-run' && isObject(volume.hostPath)) volume.hostPath.path = runDir;
  return manifest;
}

export class KubernetesScheduler implements Scheduler {
  readonly preset = 'kubernetes' as const;
  readonly executables = ['kubectl'] as const;
  /** The context read for a run folder not yet submitted (find, then submit, read it once). */
  private readonly scopes = new Map<string, { context?: string; namespace?: string }>();
  constructor(private readonly context: SchedulerContext) {}

  private scope(ref: JobRef): string[] {
    return [...(ref.extra.context ? ['--context', ref.extra.context] : []), ...(ref.extra.namespace ? ['-n', ref.extra.namespace] : [])];
  }

  private ref(runDir: string, name: string, scope: { context?: string; namespace?: string }): JobRef {
    const extra: Record<string, string> = { runDir };
    if (scope.context) extra.context = scope.context;
    if (scope.namespace) extra.namespace = scope.namespace;
    return { backend: 'command:kubernetes', id: name, extra };
  }

  /** The kubectl context and namespace this run uses (recorded at submission). */
  private async currentScope(runDir: string, signal?: AbortSignal): Promise<{ context?: string; namespace?: string }> {
    const recorded = await this.context.host.readText(`${runDir}/kubernetes.json`);
    if (recorded) {
      try {
        const parsed = JSON.parse(recorded) as { context?: unknown; namespace?: unknown };
        return { context: typeof parsed.context === 'string' ? parsed.context : undefined, namespace: typeof parsed.namespace === 'string' ? parsed.namespace : undefined };
      } catch {
        // Cut short: read the current context again.
      }
    }
    const known = this.scopes.get(runDir);
    if (known) return known;
    const result = await runCommand(this.context, ['kubectl', 'config', 'current-context'], { signal });
    const context = result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
    const scope = { context, namespace: this.context.settings.namespace };
    this.scopes.set(runDir, scope);
    return scope;
  }

  async submit(input: SubmitInput, signal?: AbortSignal): Promise<JobRef> {
    const { host } = this.context;
    const runDir = input.layout.runDir;
    const scope = await this.currentScope(runDir, signal);
    await host.writeText(`${runDir}/kubernetes.json`, `${JSON.stringify(scope)}\n`);
    const template = await resolveTemplate(this.context, 'kubernetes.yaml');
    const manifest = buildJobManifest(parseYamlTemplate(template.path, template.text), template.path, input, { namespace: scope.namespace, image: this.context.settings.image });
    const text = JSON.stringify(manifest, null, 2);
    await host.writeText(`${runDir}/job.k8s.json`, `${text}\n`);
    const ref = this.ref(runDir, input.spec.jobName, scope);
    const argv = ['kubectl', ...this.scope(ref), 'create', '-f', '-', '-o', 'name'];
    const result = await runCommand(this.context, argv, { input: text, timeoutMs: this.context.submitTimeoutMs, signal });
    if (result.exitCode !== 0) {
      // The Job's name is the run's: it exists because an earlier submit of this run got through.
      if (/AlreadyExists|already exists/.test(result.stderr)) return ref;
      throw commandFailed(argv, result, /Unable to connect|connection refused|i\/o timeout|TLS handshake/i.test(result.stderr) ? 'transient' : 'permanent');
    }
    return ref;
  }

  async find(input: SubmitInput, signal?: AbortSignal): Promise<JobRef | undefined> {
    const runDir = input.layout.runDir;
    const scope = await this.currentScope(runDir, signal);
    const ref = this.ref(runDir, input.spec.jobName, scope);
    const job = await this.getJob(ref, signal);
    return job === 'NotFound' ? undefined : ref;
  }

  private async getJob(ref: JobRef, signal?: AbortSignal): Promise<unknown | 'NotFound'> {
    const argv = ['kubectl', ...this.scope(ref), 'get', 'job', ref.id, '-o', 'json'];
    const result = await runCommand(this.context, argv, { signal });
    if (result.exitCode !== 0) {
      if (/NotFound|not found/.test(result.stderr)) return 'NotFound';
      throw commandFailed(argv, result);
    }
    try {
      return JSON.parse(result.stdout) as unknown;
    } catch {
      throw new BackendError('transient', `kubectl get job ${ref.id} printed no JSON: ${firstLine(result)}`);
    }
  }

  async status(ref: JobRef, signal?: AbortSignal): Promise<StatusSnapshot> {
    const { host } = this.context;
    const now = this.context.now();
    const runDir = ref.extra.runDir ?? '';
    const cancelled = (await host.readText(`${runDir}/cancelled`)) !== undefined;
    const job = await this.getJob(ref, signal);
    if (job === 'NotFound') {
      // Gone: deleted by our cancel, or by someone else / a TTL. The in-job wrapper's exit code says how it ended.
      const exitText = await host.readText(`${runDir}/exit_code`);
      if (exitText !== undefined && /^\s*0\s*$/.test(exitText)) return snapshot('kubernetes', 'Complete', now, { message: 'the Job was deleted after it completed' });
      if (cancelled) return snapshot('kubernetes', 'Deleted', now, { message: 'cancelled: the Job was deleted' });
      if (exitText !== undefined) return snapshot('kubernetes', 'Failed', now, { message: `the Job was deleted; the trainer had exited with code ${exitText.trim()}` });
      return snapshot('kubernetes', 'NotFound', now, { message: `the Job ${ref.id} no longer exists and left no exit code (deleted outside Inoculate?); cancel the run to stop following it` });
    }
    const state = jobStateOf(job);
    let raw = state.raw;
    let message = state.message;
    if (state.needsPods) {
      const argv = ['kubectl', ...this.scope(ref), 'get', 'pods', '-l', `job-name=${ref.id}`, '-o', 'json'];
      const result = await runCommand(this.context, argv, { signal });
      if (result.exitCode === 0) {
        let pods: unknown;
        try {
          pods = JSON.parse(result.stdout);
        } catch {
          pods = undefined;
        }
        if (anyPodStarted(pods)) raw = 'Running';
        else message = podWaitingReason(pods) ?? message;
      }
    }
    // Our deletion under way: the Job still exists (finalizers, pods terminating) but will not run to its end.
    const cancelRequested = (cancelled || state.deleting === true) && raw !== 'Complete' && raw !== 'Failed';
    return snapshot('kubernetes', raw, now, { ...(message ? { message } : {}), ...(cancelRequested ? { cancelRequested: true } : {}) });
  }

  async cancel(ref: JobRef, signal?: AbortSignal): Promise<void> {
    const { host } = this.context;
    const current = await this.status(ref, signal);
    if (current.state === 'succeeded' || current.state === 'failed' || current.state === 'cancelled') return;
    const runDir = ref.extra.runDir ?? '';
    await host.writeText(`${runDir}/cancelled`, `${this.context.now().toISOString()}\n`);
    // Deleting the Job deletes its pods and their logs: keep them first.
    const logs = await runCommand(this.context, ['kubectl', ...this.scope(ref), 'logs', `job/${ref.id}`, '--all-containers=true', '--tail=-1'], { signal });
    if (logs.exitCode === 0 && logs.stdout) await host.writeText(`${runDir}/kubernetes.log`, logs.stdout);
    const argv = ['kubectl', ...this.scope(ref), 'delete', 'job', ref.id, '--ignore-not-found=true', '--wait=false', '--cascade=background'];
    const result = await runCommand(this.context, argv, { signal });
    if (result.exitCode !== 0) throw commandFailed(argv, result);
  }

  async logs(ref: JobRef, signal?: AbortSignal): Promise<string> {
    const argv = ['kubectl', ...this.scope(ref), 'logs', `job/${ref.id}`, '--all-containers=true', `--limit-bytes=${LOG_TAIL_BYTES}`, '--tail=2000'];
    const result = await runCommand(this.context, argv, { signal });
    if (result.exitCode === 0) return result.stdout;
    // The Job is gone (cancelled): its logs were saved to the run folder first.
    const saved = await this.context.host.readText(`${ref.extra.runDir ?? ''}/kubernetes.log`, LOG_TAIL_BYTES);
    if (saved !== undefined) return saved;
    throw commandFailed(argv, result);
  }
}
