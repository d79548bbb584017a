/**
 * What a trainer leaves in its run folder, read without trusting it: the loss curve from the trainer's own
 * `trainer_state.json` log history (Hugging Face Trainer; in `<outputDir>/` or its newest `checkpoint-N/`) and an
 * optional streaming `<runDir>/metrics.jsonl` (one log dict per line), progress from `global_step / max_steps`,
 * and the result: `<runDir>/result.json` when a custom trainer writes one, else the adapter's `adapter_config.json`.
 */
import type { MetricPoint, TrainedModel } from '../types';
import type { CommandHost } from './host';
import { runLayout } from './slots';

/** Files larger than this are read in part (their end: the newest log entries). */
const MAX_STATE_BYTES = 16 * 1024 * 1024;

type LogEntry = Record<string, unknown>;

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The folder of the newest `checkpoint-N` under `outputDir`, if any. */
async function newestCheckpoint(host: CommandHost, outputDir: string): Promise<string | undefined> {
  const names = (await host.list(outputDir)) ?? [];
  let best: { step: number; name: string } | undefined;
  for (const name of names) {
    const match = /^checkpoint-(\d+)$/.exec(name);
    if (match && (!best || Number(match[1]) > best.step)) best = { step: Number(match[1]), name };
  }
  return best ? `${outputDir}/${best.name}` : undefined;
}

/** The parsed `trainer_state.json` the trainer wrote last (the final one, else the newest checkpoint's). */
export async function readTrainerState(host: CommandHost, runDir: string): Promise<LogEntry | undefined> {
  const { outputDir } = runLayout(runDir);
  const candidates = [`${outputDir}/trainer_state.json`];
  const checkpoint = await newestCheckpoint(host, outputDir);
  if (checkpoint) candidates.push(`${checkpoint}/trainer_state.json`);
  for (const path of candidates) {
    const text = await host.readText(path, MAX_STATE_BYTES);
    if (text === undefined) continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as LogEntry;
    } catch {
      // Cut short or not JSON: try the next candidate.
    }
  }
  return undefined;
}

/** Training progress in [0, 1] from `global_step / max_steps`, when the trainer has written its state. */
export function progressOf(state: LogEntry | undefined): number | undefined {
  const step = finite(state?.global_step);
  const max = finite(state?.max_steps);
  if (step === undefined || max === undefined || max <= 0) return undefined;
  return Math.min(1, Math.max(0, step / max));
}

/** One log-history entry as a metric point (training or evaluation), or undefined when it holds neither. */
function pointOf(entry: LogEntry): MetricPoint | undefined {
  const step = finite(entry.step) ?? finite(entry.global_step);
  if (step === undefined) return undefined;
  const point: MetricPoint = { step };
  const epoch = finite(entry.epoch);
  const trainLoss = finite(entry.loss);
  const validLoss = finite(entry.eval_loss);
  const learningRate = finite(entry.learning_rate);
  const tokenAccuracy = finite(entry.mean_token_accuracy) ?? finite(entry.eval_mean_token_accuracy);
  if (epoch !== undefined) point.epoch = epoch;
  if (trainLoss !== undefined) point.trainLoss = trainLoss;
  if (validLoss !== undefined) point.validLoss = validLoss;
  if (learningRate !== undefined) point.learningRate = learningRate;
  if (tokenAccuracy !== undefined) point.tokenAccuracy = tokenAccuracy;
  // The final summary ({train_loss, train_runtime...}) is an average, not a point of the curve.
  return trainLoss !== undefined || validLoss !== undefined ? point : undefined;
}

/** Merges points by step (training and evaluation entries of one step become one point), oldest first. */
export function mergePoints(entries: Iterable<LogEntry>): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const point = pointOf(entry);
    if (!point) continue;
    byStep.set(point.step, { ...byStep.get(point.step), ...point });
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Parses a streaming `metrics.jsonl`: bad lines (a line cut by a crash, hostile text) are skipped. */
export function parseMetricsJsonl(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) entries.push(value as LogEntry);
    } catch {
      // Skip.
    }
  }
  return entries;
}

/** The loss curve: `trainer_state.json`'s log history plus any newer points from `metrics.jsonl`. */
export async function readMetrics(host: CommandHost, runDir: string): Promise<MetricPoint[]> {
  const state = await readTrainerState(host, runDir);
  const history = Array.isArray(state?.log_history) ? (state.log_history as LogEntry[]) : [];
  const streamed = parseMetricsJsonl((await host.readText(`${runLayout(runDir).runDir}/metrics.jsonl`, MAX_STATE_BYTES)) ?? '');
  return mergePoints([...history, ...streamed]);
}

/** Thrown when a succeeded job left no usable result. */
export class ResultError extends Error {
  override readonly name = 'ResultError';
}

/** Reads a JSON object file, or undefined when missing; a malformed one is an error naming the file. */
async function readJsonObject(host: CommandHost, path: string): Promise<Record<string, unknown> | undefined> {
  const text = await host.readText(path, 1024 * 1024);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResultError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ResultError(`${path}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** A LoRA rank as PEFT writes it (`r`), checked: a positive integer. */
function rankOf(config: Record<string, unknown>, path: string): number {
  const rank = config.r;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank <= 0) throw new ResultError(`${path}: "r" must be a positive integer (the LoRA rank), found ${JSON.stringify(rank)}`);
  return rank;
}

/**
 * The trained model a succeeded run left: `<runDir>/result.json` (`{kind: lora|merged, path, base_model}`, for
 * trainers of your own) when present, else the adapter in `<runDir>/output` with the rank from its `adapter_config.json`.
 */
export async function readResult(host: CommandHost, runDir: string, fallback: { baseModel: string; modelId: string }): Promise<TrainedModel> {
  const layout = runLayout(runDir);
  const declared = await readJsonObject(host, `${layout.runDir}/result.json`);
  if (declared) {
    const kind = declared.kind;
    const path = typeof declared.path === 'string' ? declared.path : typeof declared.hf_repo === 'string' ? declared.hf_repo : undefined;
    if (kind !== 'lora' && kind !== 'merged') throw new ResultError(`${layout.runDir}/result.json: "kind" must be "lora" or "merged"`);
    if (!path) throw new ResultError(`${layout.runDir}/result.json: "path" (or "hf_repo") is missing`);
    const baseModel = typeof declared.base_model === 'string' ? declared.base_model : fallback.baseModel;
    if (kind === 'merged') return { kind: 'merged', modelId: fallback.modelId, baseModel, artifact: path };
    const config = await readJsonObject(host, `${path}/adapter_config.json`);
    const model: TrainedModel = { kind: 'lora-adapter', modelId: fallback.modelId, baseModel, artifact: path };
    if (config) model.loraRank = rankOf(config, `${path}/adapter_config.json`);
    return model;
  }
  const configPath = `${layout.outputDir}/adapter_config.json`;
  const config = await readJsonObject(host, configPath);
  if (!config) {
    throw new ResultError(
      `the job succeeded but left no adapter: ${configPath} does not exist. The trainer must write its adapter to {{outputDir}} ` +
        `(or a result.json to the run folder), on storage this machine can read (see docs/training.md, "Where outputs land").`,
    );
  }
  // The base is the one we asked the trainer for: PEFT may record a local cache path instead of the model's name.
  return { kind: 'lora-adapter', modelId: fallback.modelId, baseModel: fallback.baseModel, artifact: layout.outputDir, loraRank: rankOf(config, configPath) };
}
