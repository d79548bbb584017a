/**
 * Serving LoRA adapters for evaluation with vLLM's OpenAI-compatible server:
 * `vllm serve BASE --enable-lora --lora-modules name=path ... --max-lora-rank R --max-loras N`, R the smallest value
 * vLLM allows that is at least every adapter's rank (vLLM refuses a larger adapter; its default is 16), N the number
 * of adapters, one server per base model, each in its own process group on a free port of 127.0.0.1. It is ready
 * when `GET /v1/models` lists every adapter; a server that exits, or never gets there within the startup timeout,
 * fails with the tail of its log. `release` always stops the group (SIGTERM, then SIGKILL), and `ensureServed`
 * stops what it started when it fails or is cancelled.
 *
 * A process that dies without releasing (a crash, SIGKILL) cannot stop its servers, which would hold the GPU and
 * the port: each server gets a marker (`vllm-server-<pid>.json` in the marker folder) naming it and the process that
 * started it, each by pid and start time, so a reused pid is never taken for either. The next `ensureServed` stops
 * the servers whose starter is gone (only a server still running as recorded is signalled) and removes their markers;
 * `release` removes the markers of what it stopped.
 *
 * Models trained by OpenAI or Together (`kind: 'hosted'`) need no serving backend: they are served where they were
 * trained, and evaluation requests their model id from that provider directly. This backend refuses them.
 */
import type { ServeSettings } from '../settings';
import { BackendError, type ServedEndpoint, type ServingBackend, type TrainedModel } from '../types';
import type { CommandHost } from '../command/host';
import { fillArgv, scrubEnvironment, SlotError } from '../command/slots';

/** `--max-lora-rank` values vLLM accepts (vllm/config/lora.py, `MaxLoRARanks`). */
export const VLLM_MAX_LORA_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512] as const;

/** The smallest allowed `--max-lora-rank` that serves every rank in `ranks`. */
export function maxLoraRankFor(ranks: readonly number[]): number {
  const needed = Math.max(1, ...ranks);
  const allowed = VLLM_MAX_LORA_RANKS.find((value) => value >= needed);
  if (allowed === undefined) throw new BackendError('permanent', `vLLM serves LoRA ranks up to ${VLLM_MAX_LORA_RANKS[VLLM_MAX_LORA_RANKS.length - 1]}; an adapter has rank ${needed}`);
  return allowed;
}

/** One `--lora-modules` value: `name=path`, or vLLM's JSON form when either part could be misread. */
export function loraModuleArg(name: string, path: string, baseModel: string): string {
  if (/^[A-Za-z0-9._:/-]+$/.test(name) && !path.includes('=') && !path.startsWith('{') && !/\s/.test(path)) return `${name}=${path}`;
  return JSON.stringify({ name, path, base_model_name: baseModel });
}

/** vLLM's default argument list; `{{loraModules}}` expands to one argument per adapter. */
export const DEFAULT_VLLM_ARGV = [
  'vllm',
  'serve',
  '{{baseModel}}',
  '--host',
  '127.0.0.1',
  '--port',
  '{{port}}',
  '--enable-lora',
  '--max-lora-rank',
  '{{maxLoraRank}}',
  '--max-loras',
  '{{maxLoras}}',
  '--lora-modules',
  '{{loraModules}}',
] as const;

/** The server's argument list for one base model and its adapters. */
export function vllmArgv(settingsArgv: readonly string[] | undefined, baseModel: string, adapters: readonly TrainedModel[], port: number): string[] {
  const argv = settingsArgv?.length ? settingsArgv : DEFAULT_VLLM_ARGV;
  if (!argv.some((element) => /^\{\{\s*loraModules\s*\}\}$/.test(element))) {
    throw new BackendError('permanent', 'train.serve.argv must hold {{loraModules}} as an argument of its own (after --lora-modules)');
  }
  const values = {
    baseModel,
    port: String(port),
    maxLoraRank: String(maxLoraRankFor(adapters.map((adapter) => adapter.loraRank ?? 16))),
    maxLoras: String(adapters.length),
  };
  try {
    return fillArgv(argv, values, { loraModules: adapters.map((adapter) => loraModuleArg(adapter.modelId, adapter.artifact!, baseModel)) });
  } catch (error) {
    if (error instanceof SlotError) throw new BackendError('permanent', `train.serve.argv: ${error.message}`);
    throw error;
  }
}

/** How the vLLM serving backend is built. */
export interface VllmServingOptions {
  host: CommandHost;
  settings: ServeSettings;
  /** Untrusted workspaces never start servers. */
  workspaceTrusted: boolean;
  /** Folder for the servers' logs (`vllm-<port>.log`). */
  workDir: string;
  /** Folder for the markers of running servers (default `workDir`); share it so one run cleans up after another. */
  markerDir?: string;
  /** The process that starts the servers (default this one): a marker outlives it only after a crash. */
  ownerPid?: number;
  /** This process's environment (the server inherits it without model-service keys). */
  env: Readonly<Record<string, string | undefined>>;
  /** Pause between readiness probes (default 1 s). */
  pollIntervalMs?: number;
  /** Grace between SIGTERM and SIGKILL when stopping (default 15 s: vLLM frees GPU memory on SIGTERM). */
  killGraceMs?: number;
}

interface RunningServer {
  pid: number;
  startTime?: number;
  baseUrl: string;
  logFile: string;
  /** Its marker file, while it runs. */
  marker?: string;
}

/** Lines of the server's log quoted when it fails. */
const LOG_TAIL_LINES = 30;

const MARKER_KIND = 'inoculate-vllm-server';
const MARKER_NAME = /^vllm-server-\d+\.json$/;

/** What a server's marker records: the server and the process that started it, each by pid and start time. */
interface ServerMarker {
  kind: typeof MARKER_KIND;
  pid: number;
  startTime: number;
  owner: { pid: number; startTime: number | null };
  baseUrl: string;
  logFile: string;
}

function parseMarker(text: string | undefined): ServerMarker | undefined {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<ServerMarker>;
    const positive = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
    if (parsed.kind !== MARKER_KIND || !positive(parsed.pid) || typeof parsed.startTime !== 'number' || !parsed.owner || !positive(parsed.owner.pid)) return undefined;
    const ownerStart = typeof parsed.owner.startTime === 'number' ? parsed.owner.startTime : null;
    return { kind: MARKER_KIND, pid: parsed.pid, startTime: parsed.startTime, owner: { pid: parsed.owner.pid, startTime: ownerStart }, baseUrl: String(parsed.baseUrl ?? ''), logFile: String(parsed.logFile ?? '') };
  } catch {
    return undefined;
  }
}

export class VllmServingBackend implements ServingBackend {
  readonly id = 'vllm';
  private readonly servers = new Map<string, RunningServer>();
  private readonly env: Record<string, string>;
  /** Servers left by runs that died: stopped once, before this backend starts its first server. */
  private staleCleanup: Promise<string[]> | undefined;

  constructor(private readonly options: VllmServingOptions) {
    this.env = scrubEnvironment(options.env);
  }

  private get markerDir(): string {
    return (this.options.markerDir ?? this.options.workDir).replace(/\/+$/, '');
  }

  private get ownerPid(): number {
    return this.options.ownerPid ?? process.pid;
  }

  /**
   * Stops the servers whose markers name a starter that is gone (a run that crashed or was killed) and removes
   * their markers; returns the markers removed. A server no longer running as recorded is not signalled (its pid
   * may belong to another process now); the markers of live starters (another evaluation) are left alone.
   */
  async removeStaleServers(): Promise<string[]> {
    const { host } = this.options;
    const removed: string[] = [];
    for (const name of (await host.list(this.markerDir)) ?? []) {
      if (!MARKER_NAME.test(name)) continue;
      const path = `${this.markerDir}/${name}`;
      const marker = parseMarker(await host.readText(path, 4096));
      if (!marker) continue;
      const ownerStart = await host.processStartTime(marker.owner.pid);
      const ownerAlive = ownerStart !== undefined && (marker.owner.startTime === null || ownerStart === marker.owner.startTime);
      if (ownerAlive) continue;
      const server: RunningServer = { pid: marker.pid, startTime: marker.startTime, baseUrl: marker.baseUrl, logFile: marker.logFile };
      if (await this.alive(server)) await this.stop(server, { stragglers: false });
      await host.remove(path).catch(() => undefined);
      removed.push(path);
    }
    return removed;
  }

  async ensureServed(models: TrainedModel[], signal?: AbortSignal): Promise<ServedEndpoint[]> {
    if (!this.options.workspaceTrusted) throw new BackendError('permanent', 'this workspace is not trusted: Inoculate starts no model server in it');
    for (const model of models) {
      if (model.kind === 'hosted') {
        throw new BackendError('permanent', `${model.modelId} is served by the service that trained it (OpenAI, Together): evaluate it there; vLLM serves adapters and merged models`);
      }
      if (!model.artifact) throw new BackendError('permanent', `${model.modelId}: no weights to serve (the result has no path)`);
    }
    models = await Promise.all(models.map((model) => this.withRank(model)));
    this.staleCleanup ??= this.removeStaleServers().catch(() => []);
    await this.staleCleanup;
    const names = new Set<string>();
    for (const model of models) {
      if (names.has(model.modelId)) throw new BackendError('permanent', `two models share the name ${model.modelId}: vLLM serves each adapter under its own name`);
      names.add(model.modelId);
    }
    // One server per base model (adapters) and one per merged model.
    const groups = new Map<string, { baseModel: string; adapters: TrainedModel[]; merged?: TrainedModel }>();
    for (const model of models) {
      if (model.kind === 'merged') groups.set(`merged:${model.modelId}`, { baseModel: model.artifact!, adapters: [], merged: model });
      else {
        const group = groups.get(`base:${model.baseModel}`) ?? { baseModel: model.baseModel, adapters: [] };
        group.adapters.push(model);
        groups.set(`base:${model.baseModel}`, group);
      }
    }
    const started: RunningServer[] = [];
    const endpoints: ServedEndpoint[] = [];
    try {
      let index = 0;
      for (const group of groups.values()) {
        const port = this.options.settings.port ? this.options.settings.port + index : await this.options.host.freePort();
        index++;
        const argv = group.merged ? this.mergedArgv(group.merged, port) : vllmArgv(this.options.settings.argv, group.baseModel, group.adapters, port);
        const server = await this.start(argv, port);
        started.push(server);
        const served = group.merged ? [group.merged] : group.adapters;
        await this.waitReady(server, served.map((model) => model.modelId), signal);
        for (const model of served) endpoints.push({ baseUrl: server.baseUrl, model: model.modelId, servedModel: model, billing: 'self' });
      }
      return endpoints;
    } catch (error) {
      await Promise.all(started.map((server) => this.stop(server)));
      throw error;
    }
  }

  /** The adapter with the rank vLLM will read from its `adapter_config.json` (the file wins over the record). */
  private async withRank(model: TrainedModel): Promise<TrainedModel> {
    if (model.kind !== 'lora-adapter') return model;
    const text = await this.options.host.readText(`${model.artifact!.replace(/\/+$/, '')}/adapter_config.json`, 1024 * 1024);
    let rank: unknown;
    try {
      rank = text === undefined ? undefined : (JSON.parse(text) as { r?: unknown }).r;
    } catch {
      rank = undefined;
    }
    if (typeof rank === 'number' && Number.isInteger(rank) && rank > 0) return { ...model, loraRank: rank };
    if (model.loraRank) return model;
    throw new BackendError('permanent', `${model.modelId}: the LoRA rank is unknown (no readable adapter_config.json in ${model.artifact}), so --max-lora-rank cannot be chosen`);
  }

  /** A merged model is served whole, under its name. */
  private mergedArgv(model: TrainedModel, port: number): string[] {
    return ['vllm', 'serve', model.artifact!, '--host', '127.0.0.1', '--port', String(port), '--served-model-name', model.modelId];
  }

  private async start(argv: string[], port: number): Promise<RunningServer> {
    const { host } = this.options;
    const logFile = `${this.options.workDir.replace(/\/+$/, '')}/vllm-${port}.log`;
    await host.mkdir(this.options.workDir);
    let spawned;
    try {
      spawned = await host.spawnDetached(argv, { env: this.env, stdoutFile: logFile, stderrFile: logFile });
    } catch (error) {
      throw new BackendError('permanent', `could not start ${argv[0]}: ${(error as Error).message}`);
    }
    const server: RunningServer = { pid: spawned.pid, baseUrl: `http://127.0.0.1:${port}/v1`, logFile };
    if (spawned.startTime !== undefined) server.startTime = spawned.startTime;
    this.servers.set(server.baseUrl, server);
    if (server.startTime !== undefined) await this.writeMarker(server);
    return server;
  }

  /** Names `server` and this process in a marker, so the next run can stop it if this process dies first. */
  private async writeMarker(server: RunningServer): Promise<void> {
    const { host } = this.options;
    const owner = this.ownerPid;
    const marker: ServerMarker = {
      kind: MARKER_KIND,
      pid: server.pid,
      startTime: server.startTime!,
      owner: { pid: owner, startTime: (await host.processStartTime(owner)) ?? null },
      baseUrl: server.baseUrl,
      logFile: server.logFile,
    };
    const path = `${this.markerDir}/vllm-server-${server.pid}.json`;
    try {
      await host.writeText(path, `${JSON.stringify(marker)}\n`);
      server.marker = path;
    } catch (error) {
      await this.stop(server);
      throw new BackendError('permanent', `could not record the vLLM server in ${path}: ${(error as Error).message}`);
    }
  }

  private async alive(server: RunningServer): Promise<boolean> {
    if (server.startTime === undefined) return false;
    return (await this.options.host.processStartTime(server.pid)) === server.startTime;
  }

  private async logTail(server: RunningServer): Promise<string> {
    const text = (await this.options.host.readText(server.logFile, 16 * 1024)) ?? '';
    return text.replace(/\s+$/, '').split('\n').slice(-LOG_TAIL_LINES).join('\n');
  }

  /** The ids `GET /v1/models` lists, or undefined while the server does not answer. */
  private async listedModels(server: RunningServer, signal?: AbortSignal): Promise<Set<string> | undefined> {
    try {
      const timeout = AbortSignal.timeout(5000);
      const response = await this.options.host.fetch(`${server.baseUrl}/models`, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      if (!response.ok) return undefined;
      const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
      return new Set((body.data ?? []).map((entry) => entry?.id).filter((id): id is string => typeof id === 'string'));
    } catch {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      return undefined;
    }
  }

  private async waitReady(server: RunningServer, names: string[], signal?: AbortSignal): Promise<void> {
    const { host, settings } = this.options;
    const deadline = Date.now() + settings.startupTimeout * 1000;
    const interval = this.options.pollIntervalMs ?? 1000;
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const listed = await this.listedModels(server, signal);
      if (listed && names.every((name) => listed.has(name))) return;
      if (!(await this.alive(server))) {
        throw new BackendError('permanent', `the vLLM server exited before it was ready. Last lines of ${server.logFile}:\n${await this.logTail(server)}`);
      }
      if (Date.now() >= deadline) {
        const missing = listed ? names.filter((name) => !listed.has(name)) : names;
        throw new BackendError(
          'permanent',
          `the vLLM server did not ${listed ? `list ${missing.join(', ')}` : 'answer'} within ${settings.startupTimeout} s (train.serve.startupTimeout). Last lines of ${server.logFile}:\n${await this.logTail(server)}`,
        );
      }
      await host.sleep(interval, signal);
    }
  }

  /** Stops one server's process group: SIGTERM, then SIGKILL after the grace period; then removes its marker. */
  private async stop(server: RunningServer, options: { stragglers?: boolean } = {}): Promise<void> {
    try {
      await this.stopGroup(server, options.stragglers ?? true);
    } finally {
      if (server.marker) await this.options.host.remove(server.marker).catch(() => undefined);
    }
  }

  private async stopGroup(server: RunningServer, stragglers: boolean): Promise<void> {
    const { host } = this.options;
    if (this.servers.get(server.baseUrl) === server) this.servers.delete(server.baseUrl);
    if (!(await this.alive(server))) {
      if (stragglers) await host.signalGroup(server.pid, 'SIGKILL').catch(() => false); // stragglers of a group whose leader exited
      return;
    }
    await host.signalGroup(server.pid, 'SIGTERM').catch(() => false);
    const grace = this.options.killGraceMs ?? 15_000;
    for (let waited = 0; waited < grace; waited += 100) {
      if (!(await this.alive(server))) break;
      await host.sleep(100);
    }
    await host.signalGroup(server.pid, 'SIGKILL').catch(() => false);
  }

  async release(endpoints: ServedEndpoint[]): Promise<void> {
    const urls = new Set(endpoints.map((endpoint) => endpoint.baseUrl));
    await Promise.all([...urls].map((url) => this.servers.get(url)).filter((server): server is RunningServer => !!server).map((server) => this.stop(server)));
  }
}

/** The vLLM serving backend for `train.serve`. */
export function createVllmServing(options: VllmServingOptions): VllmServingBackend {
  return new VllmServingBackend(options);
}
