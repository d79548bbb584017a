/**
 * The Jobs view as data: training runs grouped by `.inoc` file, then arm (variant or baseline), then seed, each run
 * with its state (an icon per common state, `unknown` included, and the backend's raw word beside it), elapsed time
 * and progress, and children for its model, metrics, events, status history and errors. Pure: the tree data provider
 * (`client/src/jobsView.ts`) turns these into `TreeItem`s, and the end-to-end tests read the same data through the
 * extension's API. Every text that came from a file or a backend is made one safe line (no control characters) and cut.
 */
import { armRunsLabel, runsByArm } from '../../../core/src/train/runSummary';
import { currentAttempt, type AttemptState, type RunState } from '../../../core/src/train/runStore';
import { isTerminal, type JobEvent, type MetricPoint, type ObservedState } from '../../../core/src/train/types';

/** A run and the workspace folder its records live in. */
export interface LocatedRunState {
  /** The workspace folder (a `file:` URI string). */
  workspaceUri: string;
  /** Its name, shown when the window has several folders. */
  workspaceName: string;
  run: RunState;
}

/** What the editor does about following a run (only in a trusted workspace). */
export type FollowStatus =
  | { kind: 'following' }
  | { kind: 'not-followed'; reason: string }
  | { kind: 'stopped'; reason: string };

/** A theme icon by id, with an optional theme colour id. */
export interface IconSpec {
  id: string;
  color?: string;
}

/** One node of the tree. */
export interface JobNode {
  /** Stable across refreshes (the tree keeps expansion and selection by it). */
  id: string;
  kind: 'file' | 'arm' | 'run' | 'model' | 'metrics' | 'section' | 'event' | 'status' | 'error' | 'note';
  label: string;
  description: string;
  tooltip: string;
  icon: IconSpec;
  /** `when` clauses of the menus read it (`viewItem =~ /\bcancellable\b/`). */
  contextValue: string;
  collapsed: 'none' | 'collapsed' | 'expanded';
  /** The command a click runs, with its arguments. */
  command?: { command: string; title: string; arguments: unknown[] };
  /** The run the node belongs to (run and its children). */
  runId?: string;
  /** The `.inoc` file (relative to its workspace folder) and the workspace folder, for file, arm and run nodes. */
  file?: { workspaceUri: string; inocFile: string; arm?: string };
  children: JobNode[];
}

/** Words and icons per state; `planned` is a run without a job yet (never submitted, or interrupted). */
export type RunPhase = ObservedState | 'planned' | 'submitting' | 'submitted';

const STATE_ICONS: Readonly<Record<RunPhase, IconSpec>> = {
  queued: { id: 'clock', color: 'charts.yellow' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  succeeded: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  unknown: { id: 'question', color: 'editorWarning.foreground' },
  planned: { id: 'circle-outline' },
  submitting: { id: 'cloud-upload', color: 'editorWarning.foreground' },
  submitted: { id: 'cloud-upload', color: 'charts.blue' },
};

/** The icon of a state. */
export function stateIcon(phase: RunPhase, cancelRequested = false): IconSpec {
  if (cancelRequested && (phase === 'queued' || phase === 'running' || phase === 'unknown')) return { id: 'loading~spin', color: 'editorWarning.foreground' };
  return STATE_ICONS[phase];
}

/** Text from a file or a backend as one safe line: control and bidirectional characters become spaces, then cut. */
export function safeLine(text: string, max = 200): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The phase of a run's current attempt. */
export function runPhase(run: RunState): RunPhase {
  const attempt = currentAttempt(run);
  if (!attempt?.job) return attempt?.submittingAt && !attempt.errors.length ? 'submitting' : 'planned';
  return attempt.status?.state ?? 'submitted';
}

/** The state in words, with the backend's raw word when it says more: `queued (validating_files)`. */
export function stateWords(run: RunState): string {
  const attempt = currentAttempt(run);
  const phase = runPhase(run);
  if (phase === 'planned') return attempt?.errors.length ? 'not submitted' : 'planned';
  if (phase === 'submitting') return 'submitting (interrupted? launch again to recover the job)';
  if (phase === 'submitted') return 'submitted';
  const status = attempt!.status!;
  const raw = status.raw && status.raw.toLowerCase() !== status.state ? ` (${safeLine(status.raw, 60)})` : '';
  const cancelling = attempt!.cancelRequestedAt && !isTerminal(status.state) ? ', cancelling' : '';
  return `${status.state}${raw}${cancelling}`;
}

/** Elapsed time of the current attempt, from its submission to its end (or `now`): `45s`, `4m 05s`, `1h 02m`, `2d 03h`. */
export function elapsedText(attempt: AttemptState | undefined, now: Date): string {
  const start = attempt?.submittingAt ?? attempt?.startedAt;
  if (!start || !attempt?.job) return '';
  const ended = attempt.status && isTerminal(attempt.status.state) ? Date.parse(attempt.status.observedAt) : now.getTime();
  const seconds = Math.max(0, Math.round((ended - Date.parse(start)) / 1000));
  if (!Number.isFinite(seconds)) return '';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d) return `${d}d ${String(h).padStart(2, '0')}h`;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Progress as the backend reports it (`40%`), else the last training step (`step 12`), else ''. */
export function progressText(attempt: AttemptState | undefined): string {
  const progress = attempt?.status?.progress;
  if (typeof progress === 'number' && Number.isFinite(progress)) return `${Math.round(Math.min(1, Math.max(0, progress)) * 100)}%`;
  const last = attempt?.metrics[attempt.metrics.length - 1];
  return last && !isTerminal(attempt?.status?.state ?? 'unknown') ? `step ${last.step}` : '';
}

const fmt = (value: number | undefined, digits = 3) => (value === undefined || !Number.isFinite(value) ? undefined : Number(value.toFixed(digits)).toString());

/** The latest point of a curve in words: `step 12 · train loss 0.31 · valid loss 0.4 · token accuracy 0.82`. */
export function metricsText(point: MetricPoint): string {
  const parts = [`step ${point.step}`];
  if (fmt(point.epoch) !== undefined) parts.push(`epoch ${fmt(point.epoch, 2)}`);
  if (fmt(point.trainLoss) !== undefined) parts.push(`train loss ${fmt(point.trainLoss)}`);
  if (fmt(point.validLoss) !== undefined) parts.push(`valid loss ${fmt(point.validLoss)}`);
  if (fmt(point.tokenAccuracy) !== undefined) parts.push(`token accuracy ${fmt(point.tokenAccuracy)}`);
  return parts.join(' · ');
}

const EVENT_ICONS: Readonly<Record<JobEvent['level'], IconSpec>> = {
  info: { id: 'info' },
  warn: { id: 'warning', color: 'editorWarning.foreground' },
  error: { id: 'error', color: 'errorForeground' },
};

/** Options of the tree. */
export interface TreeOptions {
  now: Date;
  /** Following, per run id (absent: the editor does not follow it: ended, or an untrusted workspace). */
  follow: ReadonlyMap<string, FollowStatus>;
  /** Several workspace folders: file nodes name theirs. */
  multiRoot: boolean;
  /** Shows local times (the tests pass a fixed one). */
  time?: (iso: string) => string;
  /** Events shown per run (newest first). Default 200. */
  maxEvents?: number;
}

const defaultTime = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

/** The context value of a run node: its flags for the menus. */
export function runContextValue(run: RunState): string {
  const attempt = currentAttempt(run);
  const flags = ['inoculateRun'];
  if (attempt?.job) flags.push('hasJob');
  if (attempt?.job && !(attempt.status && isTerminal(attempt.status.state)) && !attempt.cancelRequestedAt) flags.push('cancellable');
  if (attempt?.result?.modelId) flags.push('hasModel');
  if (attempt?.metrics.length) flags.push('hasMetrics');
  return flags.join(' ');
}

/** Sections and details under a run. */
function runChildren(run: RunState, options: TreeOptions): JobNode[] {
  const attempt = currentAttempt(run);
  const time = options.time ?? defaultTime;
  const id = `run:${run.runId}`;
  const base = { runId: run.runId, collapsed: 'none' as const, children: [] };
  const children: JobNode[] = [];
  if (attempt?.result) {
    const model = attempt.result;
    children.push({
      ...base,
      id: `${id}/model`,
      kind: 'model',
      label: `model: ${safeLine(model.modelId, 160)}`,
      description: model.kind === 'hosted' ? 'hosted' : model.artifact ? safeLine(model.artifact, 80) : model.kind,
      tooltip: `The trained model (${model.kind}), based on ${safeLine(model.baseModel, 120)}.${model.artifact ? `\nArtifact: ${safeLine(model.artifact, 300)}` : ''}\nClick to copy its id.`,
      icon: { id: 'symbol-class', color: 'testing.iconPassed' },
      contextValue: 'inoculateRunModel hasModel',
      command: { command: 'inoculate.copyModelId', title: 'Copy Model ID', arguments: [run.runId] },
    });
  }
  if (attempt?.metrics.length) {
    const last = attempt.metrics[attempt.metrics.length - 1]!;
    children.push({
      ...base,
      id: `${id}/metrics`,
      kind: 'metrics',
      label: 'metrics',
      description: metricsText(last),
      tooltip: `${attempt.metrics.length} point${attempt.metrics.length === 1 ? '' : 's'}; the latest: ${metricsText(last)}.\nClick to open the loss curve.`,
      icon: { id: 'graph-line' },
      contextValue: 'inoculateRunMetrics hasMetrics',
      command: { command: 'inoculate.openLossCurve', title: 'Open Loss Curve', arguments: [run.runId] },
    });
  }
  const events = attempt?.events ?? [];
  if (events.length) {
    const shown = events.slice(-(options.maxEvents ?? 200)).reverse();
    children.push({
      ...base,
      id: `${id}/events`,
      kind: 'section',
      label: 'events',
      description: `${events.length}${shown.length < events.length ? `, the latest ${shown.length} shown` : ''}`,
      tooltip: "The backend's events, newest first.",
      icon: { id: 'list-unordered' },
      contextValue: 'inoculateRunEvents',
      collapsed: 'collapsed',
      children: shown.map((event, index) => ({
        ...base,
        id: `${id}/events/${events.length - 1 - index}`,
        kind: 'event' as const,
        label: safeLine(event.message, 200),
        description: time(event.at),
        tooltip: `${event.level}: ${safeLine(event.message, 2000)}`,
        icon: EVENT_ICONS[event.level] ?? EVENT_ICONS.info,
        contextValue: 'inoculateRunEvent',
      })),
    });
  }
  const history = attempt?.statusHistory ?? [];
  if (history.length) {
    children.push({
      ...base,
      id: `${id}/history`,
      kind: 'section',
      label: 'status history',
      description: String(history.length),
      tooltip: 'Every state the backend reported, oldest first, with its own word.',
      icon: { id: 'history' },
      contextValue: 'inoculateRunHistory',
      collapsed: 'collapsed',
      children: history.map((status, index) => ({
        ...base,
        id: `${id}/history/${index}`,
        kind: 'status' as const,
        label: `${status.state}${status.raw && status.raw.toLowerCase() !== status.state ? ` (${safeLine(status.raw, 80)})` : ''}`,
        description: time(status.observedAt),
        tooltip: `${status.state}, raw state: ${safeLine(status.raw, 300)}${status.message ? `\n${safeLine(status.message, 2000)}` : ''}`,
        icon: stateIcon(status.state),
        contextValue: 'inoculateRunStatus',
      })),
    });
  }
  for (const [index, error] of (attempt?.errors ?? []).entries()) {
    children.push({
      ...base,
      id: `${id}/errors/${index}`,
      kind: 'error',
      label: `${error.stage}: ${safeLine(error.message, 200)}`,
      description: time(error.at),
      tooltip: safeLine(error.message, 2000),
      icon: { id: 'error', color: 'errorForeground' },
      contextValue: 'inoculateRunError',
    });
  }
  const notices = (attempt?.preflight ?? []).filter((issue) => issue.severity !== 'info');
  for (const [index, issue] of notices.entries()) {
    children.push({
      ...base,
      id: `${id}/preflight/${index}`,
      kind: 'note',
      label: `${issue.severity}: ${safeLine(issue.message, 200)}`,
      description: 'preflight',
      tooltip: safeLine(issue.message, 2000),
      icon: issue.severity === 'error' ? { id: 'error', color: 'errorForeground' } : { id: 'warning', color: 'editorWarning.foreground' },
      contextValue: 'inoculateRunNotice',
    });
  }
  return children;
}

/** A run's node. */
export function runNode(located: LocatedRunState, options: TreeOptions, attemptsShown: boolean): JobNode {
  const { run } = located;
  const p = run.provenance;
  const attempt = currentAttempt(run);
  const phase = runPhase(run);
  const follow = options.follow.get(run.runId);
  const parts = [stateWords(run), elapsedText(attempt, options.now), progressText(attempt)];
  if (attempt?.result) parts.push(safeLine(attempt.result.modelId, 80));
  if (follow?.kind === 'not-followed') parts.push('not followed');
  if (follow?.kind === 'stopped') parts.push('following stopped');
  const status = attempt?.status;
  const tooltip = [
    `Run ${run.runId}, ${safeLine(p.arm.name, 80)}, seed ${p.seed}${run.attempts.length > 1 ? `, attempt ${attempt?.attempt}` : ''}`,
    `State: ${status ? `${status.state}; the backend says "${safeLine(status.raw, 120)}"; observed ${(options.time ?? defaultTime)(status.observedAt)}` : stateWords(run)}`,
    ...(status?.message ? [`Message: ${safeLine(status.message, 500)}`] : []),
    `Backend: ${safeLine(p.backend, 40)} at ${safeLine(p.target, 200)}`,
    `Base model: ${safeLine(p.baseModel, 120)}`,
    ...(attempt?.job ? [`Job: ${safeLine(attempt.job.id, 120)}`] : []),
    ...(attempt?.result ? [`Model: ${safeLine(attempt.result.modelId, 200)}`] : []),
    ...(follow?.kind === 'following' ? ['Followed: polled with backoff until it ends.'] : []),
    ...(follow && follow.kind !== 'following' ? [`${follow.kind === 'stopped' ? 'Following stopped' : 'Not followed'}: ${safeLine(follow.reason, 400)}`] : []),
  ].join('\n');
  return {
    id: `run:${run.runId}`,
    kind: 'run',
    label: `seed ${p.seed}${attemptsShown && attempt ? ` · attempt ${attempt.attempt}` : ''}`,
    description: parts.filter(Boolean).join(' · '),
    tooltip,
    icon: stateIcon(phase, !!attempt?.cancelRequestedAt),
    contextValue: runContextValue(run),
    collapsed: 'collapsed',
    runId: run.runId,
    file: { workspaceUri: located.workspaceUri, inocFile: p.inocFile, arm: p.arm.name },
    children: runChildren(run, options),
  };
}

/** The counts of a group of runs in words: `3 runs (1 running, 2 succeeded)`. */
function countsText(runs: RunState[]): string {
  return armRunsLabel(runsByArm(runs.map((run) => ({ ...run, provenance: { ...run.provenance, arm: { ...run.provenance.arm, name: '' } } })))[0]!).replace(/^trained: /, '');
}

/** The whole tree: file nodes, each with its arms (variants in launch order, the baseline last), each with its runs by seed. */
export function jobsTree(runs: readonly LocatedRunState[], options: TreeOptions): JobNode[] {
  const files = new Map<string, LocatedRunState[]>();
  for (const located of runs) {
    const key = `${located.workspaceUri}\u0000${located.run.provenance.inocFile}`;
    const list = files.get(key) ?? [];
    list.push(located);
    files.set(key, list);
  }
  const nodes: JobNode[] = [];
  for (const list of files.values()) {
    const { workspaceUri, workspaceName } = list[0]!;
    const inocFile = list[0]!.run.provenance.inocFile;
    const fileId = `file:${workspaceUri}/${inocFile}`;
    const byArm = new Map<string, LocatedRunState[]>();
    for (const located of list) {
      const arm = located.run.provenance.arm;
      const key = `${arm.kind}\u0000${arm.kind === 'baseline' ? '' : arm.name}`;
      const group = byArm.get(key) ?? [];
      group.push(located);
      byArm.set(key, group);
    }
    const armNodes = [...byArm.entries()]
      .sort(([a], [b]) => (a.startsWith('baseline') ? 1 : 0) - (b.startsWith('baseline') ? 1 : 0))
      .map(([key, group]) => {
        const arm = group[group.length - 1]!.run.provenance.arm;
        const sorted = [...group].sort((a, b) => a.run.provenance.seed - b.run.provenance.seed || a.run.provenance.createdAt.localeCompare(b.run.provenance.createdAt));
        const seeds = new Map<number, number>();
        for (const g of sorted) seeds.set(g.run.provenance.seed, (seeds.get(g.run.provenance.seed) ?? 0) + 1);
        const texts = new Set(group.map((g) => g.run.provenance.arm.instructionHash)).size;
        const isBaseline = arm.kind === 'baseline';
        return {
          id: `arm:${fileId}#${key.replace('\u0000', ':')}`,
          kind: 'arm' as const,
          label: isBaseline ? 'baseline (no inoculation)' : safeLine(arm.name, 100),
          description: `${countsText(group.map((g) => g.run))}${texts > 1 ? ` · ${texts} texts` : ''}`,
          tooltip: `${isBaseline ? 'The no-inoculation baseline (the neutral prompt)' : `Variant ${safeLine(arm.name, 100)}`}${arm.instruction ? `: ${safeLine(arm.instruction, 500)}` : ' (no instruction)'}\nInstruction hash ${arm.instructionHash}${texts > 1 ? `\nRuns of ${texts} different texts of this arm (see each run's provenance).` : ''}`,
          icon: isBaseline ? { id: 'circle-large-outline' } : { id: 'beaker' },
          contextValue: isBaseline ? 'inoculateArm baseline' : 'inoculateArm',
          collapsed: 'expanded' as const,
          file: { workspaceUri, inocFile, arm: isBaseline ? 'baseline' : arm.name },
          children: sorted.map((g) => runNode(g, options, (seeds.get(g.run.provenance.seed) ?? 0) > 1 || g.run.attempts.length > 1)),
        };
      });
    nodes.push({
      id: fileId,
      kind: 'file',
      label: safeLine(inocFile, 200),
      description: `${options.multiRoot ? `${safeLine(workspaceName, 40)} · ` : ''}${countsText(list.map((l) => l.run))}`,
      tooltip: `${safeLine(inocFile, 300)} in ${safeLine(workspaceName, 100)}`,
      icon: { id: 'file' },
      contextValue: 'inoculateFile',
      collapsed: 'expanded',
      file: { workspaceUri, inocFile },
      children: armNodes,
    });
  }
  return nodes.sort((a, b) => a.label.localeCompare(b.label) || a.description.localeCompare(b.description));
}

/** Finds a node by id (depth first). */
export function findNode(nodes: readonly JobNode[], id: string): JobNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findNode(node.children, id);
    if (found) return found;
  }
  return undefined;
}

/** The parent of a node by id, for `TreeView.reveal`. */
export function parentOf(nodes: readonly JobNode[], id: string, parent?: JobNode): JobNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return parent;
    const found = parentOf(node.children, id, node);
    if (found) return found;
  }
  return undefined;
}
