/**
 * Batch mode for models trained by a command backend: vLLM's offline batch runner, through the command runner (never
 * a shell), one run per base model with its adapters:
 *
 *   vllm run-batch -i <in.jsonl> -o <out.jsonl> --model <base> [--enable-lora --max-lora-rank R --max-loras N
 *                  --lora-modules name=path ...]
 *
 * The input is the OpenAI Batch API's format (`batchInputLine`), kept under `evals/<slug>/batch/vllm-<sha256>.jsonl`,
 * the output read back line by line and mapped to samples by `custom_id` (only ids that were asked for). A run that
 * was killed leaves its output file: the next run reads what is there before running the rest (no answer is paid
 * for twice, in GPU time). The runner's stderr tail is kept for the failure message.
 */
import { createHash } from 'node:crypto';
import type { CommandHost } from '../../train/command/host';
import { loraModuleArg, maxLoraRankFor } from '../../train/serving/vllm';
import type { TrainedModel } from '../../train/types';
import { parseBatchOutputLine } from './output';
import { batchInputLine, type BatchGroupResult, type BatchRequest } from './types';

/** What one batch run needs. */
export interface VllmBatchOptions {
  host: Pick<CommandHost, 'run' | 'readText' | 'writeText' | 'mkdir'>;
  baseModel: string;
  /** The adapters of `baseModel` among the requests' models (merged models are run as their own base). */
  adapters: readonly TrainedModel[];
  requests: BatchRequest[];
  /** `evals/<slug>/batch/`. */
  workDir: string;
  /** The runner's environment (already scrubbed of model-service keys). */
  env: Record<string, string>;
  signal: AbortSignal;
  /** The most a run may take (default 24 h). */
  timeoutMs?: number;
  /** The most bytes of the output file read (default 4 GiB). */
  maxOutputBytes?: number;
}

/** The LoRA rank an adapter's `adapter_config.json` gives (vLLM reads it from there), else the recorded one. */
async function rankOf(host: VllmBatchOptions['host'], adapter: TrainedModel): Promise<number> {
  const text = adapter.artifact ? await host.readText(`${adapter.artifact.replace(/\/+$/, '')}/adapter_config.json`, 1024 * 1024) : undefined;
  try {
    const rank = text === undefined ? undefined : (JSON.parse(text) as { r?: unknown }).r;
    if (typeof rank === 'number' && Number.isInteger(rank) && rank > 0) return rank;
  } catch {
    // fall back to the record
  }
  if (adapter.loraRank) return adapter.loraRank;
  throw new Error(`${adapter.modelId}: the LoRA rank is unknown (no readable adapter_config.json in ${adapter.artifact}), so --max-lora-rank cannot be chosen`);
}

/** The runner's argument list. */
export async function vllmBatchArgv(host: VllmBatchOptions['host'], baseModel: string, adapters: readonly TrainedModel[], input: string, output: string): Promise<string[]> {
  const argv = ['vllm', 'run-batch', '-i', input, '-o', output, '--model', baseModel];
  if (!adapters.length) return argv;
  const ranks = await Promise.all(adapters.map((adapter) => rankOf(host, adapter)));
  argv.push('--enable-lora', '--max-lora-rank', String(maxLoraRankFor(ranks)), '--max-loras', String(adapters.length), '--lora-modules');
  for (const adapter of adapters) argv.push(loraModuleArg(adapter.modelId, adapter.artifact!, baseModel));
  return argv;
}

/** Runs the requests through `vllm run-batch`; see the module comment. */
export async function runVllmBatch(options: VllmBatchOptions): Promise<BatchGroupResult> {
  const { host, signal } = options;
  const result: BatchGroupResult = { answers: new Map(), errors: new Map(), batches: [] };
  const requested = new Set(options.requests.map((request) => request.customId));
  const text = `${options.requests.map(batchInputLine).join('\n')}\n`;
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  const dir = options.workDir.replace(/\/+$/, '');
  const input = `${dir}/vllm-${digest}.jsonl`;
  const output = `${dir}/vllm-${digest}.out.jsonl`;
  await host.mkdir(dir);
  const collect = async (): Promise<void> => {
    const out = await host.readText(output, options.maxOutputBytes ?? 4 * 1024 * 1024 * 1024);
    for (const line of (out ?? '').split('\n')) {
      const outcome = parseBatchOutputLine(line, requested, `vllm run-batch (${options.baseModel})`);
      if (!outcome || result.answers.has(outcome.customId)) continue;
      if ('response' in outcome) result.answers.set(outcome.customId, outcome.response);
      else result.errors.set(outcome.customId, outcome.error);
    }
  };
  // What a run killed earlier already answered is read first; only the rest is run.
  await collect();
  const rest = options.requests.filter((request) => !result.answers.has(request.customId));
  let status = 'completed';
  let why = '';
  if (rest.length) {
    const restText = `${rest.map(batchInputLine).join('\n')}\n`;
    await host.writeText(input, restText);
    const argv = await vllmBatchArgv(host, options.baseModel, options.adapters, input, output);
    const run = await host.run(argv, { env: options.env, timeoutMs: options.timeoutMs ?? 24 * 60 * 60 * 1000, signal, maxOutputBytes: 256 * 1024 });
    if (signal.aborted) return result;
    await collect();
    if (run.exitCode !== 0) {
      status = run.timedOut ? 'timed out' : 'failed';
      why = `: ${run.timedOut ? 'it ran past its time limit' : `exit ${run.exitCode ?? run.signal}`}; ${run.stderr.trim().split('\n').slice(-5).join(' | ').slice(0, 600)}`;
    }
  }
  for (const request of options.requests) {
    if (!result.answers.has(request.customId) && !result.errors.has(request.customId)) result.errors.set(request.customId, `vllm run-batch gave no answer for this request${why || ''}`);
  }
  result.batches.push({ id: `vllm-${digest.slice(0, 12)}`, endpoint: `vllm run-batch ${options.baseModel}`, requests: options.requests.length, status });
  return result;
}
