/**
 * Which models an evaluation compares, found from the training runs' records without the user copying ids: the base
 * model, the no-inoculation baseline fine-tune and every inoculated fine-tune (by variant and seed; only runs that
 * succeeded), plus the extra models the file names. Runs still queued or running, failed or cancelled ones, and
 * models trained on an instruction that has been edited since are reported, not silently used or dropped.
 *
 * Per (arm, seed) the model is the latest succeeded run trained on the arm's current instruction; when there is none
 * but an older succeeded run trained on an earlier text of the variant, that one is used and marked `stale` (its own
 * instruction, from its record, is the one inserted in the `inoculated` condition).
 */
import type { InocConfig } from '../format/config';
import { instructionHash } from '../check/arms';
import { currentAttempt, type RunState } from '../train/runStore';
import { baseSnapshotOf } from '../train/modelDates';
import type { TrainedModel } from '../train/types';
import type { EvalModelRole } from './records';
import { BASE_MODEL_NAME, BASELINE_MODEL_NAME, type ExtraModel } from './settings';

/** How a model is reached for evaluation. */
export type ModelServing =
  /** At an OpenAI-compatible endpoint that already serves it (the file's endpoint, an extra model's). */
  | 'endpoint'
  /** Served by the service that trained it (OpenAI, Together): requested there by its model id. */
  | 'hosted'
  /** Weights trained by a command backend: served by vLLM for the evaluation (started before, stopped after). */
  | 'vllm';

/** One model of an evaluation. */
export interface EvalModel {
  /** Unique in an evaluation: role, seed and name (`inoculated:0:very-mean`). */
  key: string;
  /** Its name in results: `base`, `baseline`, the variant's name, or the extra model's name. */
  name: string;
  role: EvalModelRole;
  seed: number | null;
  /** The training run (`.inoculate/runs/<id>/`), for fine-tunes. */
  runId: string | null;
  /** The instruction it was trained with (fine-tunes; '' or the neutral prompt for the baseline), and its hash. */
  trainedInstruction: string | null;
  trainedInstructionHash: string | null;
  /** Trained on an instruction that differs from the variant's current text. */
  stale: boolean;
  /** The model id to request (after serving: the served name). */
  model: string;
  /** Its endpoint; undefined: the file's endpoint (flag, file, environment, OpenAI's). */
  baseUrl: string | undefined;
  serving: ModelServing;
  /** The training backend (`openai`, `together`, `command:local`...), for fine-tunes. */
  backend: string | null;
  /** The trained model as recorded (for serving). */
  trained: TrainedModel | null;
  /** The base model the fine-tune was trained from. */
  baseModel: string | null;
}

/** A run that gives no model to evaluate yet (or ever), with why. */
export interface UnusableRun {
  runId: string;
  arm: string;
  seed: number;
  /** `queued`, `running`, `unknown`, `planned` (no job), `failed`, `cancelled`, or `succeeded` without a model. */
  state: string;
  message: string;
}

/** What model discovery found. */
export interface FoundModels {
  models: EvalModel[];
  /** Runs still queued or running, or failed, cancelled: nothing to evaluate from them. */
  unusable: UnusableRun[];
  /** Things the reader should know (stale fine-tunes, a base model that differs from the fine-tunes'). */
  notes: string[];
}

/** What discovery needs: the file's settings, the variants' current texts, the runs of the file, and filters. */
export interface FindModelsInput {
  config: Pick<InocConfig, 'model' | 'neutral' | 'baseUrl'>;
  /** The file's variants (candidates and controls): name → current instruction. */
  variants: ReadonlyMap<string, string>;
  runs: readonly RunState[];
  extraModels: readonly ExtraModel[];
  /** Include the base model. */
  base: boolean;
  /** Only these variants' fine-tunes (the baseline is always included). Empty: every variant with runs. */
  onlyVariants?: readonly string[];
  /** Only models with these names (`base`, `baseline`, variant or extra names). Empty: all. */
  onlyModels?: readonly string[];
}

/** The key of a model (see `EvalModel.key`). */
export function modelKey(role: EvalModelRole, seed: number | null, name: string): string {
  return `${role}:${seed ?? '-'}:${name}`;
}

function servingOf(backend: string, result: TrainedModel): ModelServing {
  if (result.kind === 'hosted') return 'hosted';
  return backend.startsWith('command:') || result.kind === 'lora-adapter' || result.kind === 'merged' ? 'vllm' : 'hosted';
}

/** Finds the models to evaluate; see the module comment. */
export function findEvalModels(input: FindModelsInput): FoundModels {
  const models: EvalModel[] = [];
  const unusable: UnusableRun[] = [];
  const notes: string[] = [];
  const wantVariant = (name: string) => !input.onlyVariants?.length || input.onlyVariants.includes(name);

  // Runs grouped by (arm, seed), newest first.
  const groups = new Map<string, RunState[]>();
  for (const run of input.runs) {
    const p = run.provenance;
    if (p.arm.kind === 'variant' && !wantVariant(p.arm.name)) continue;
    const key = JSON.stringify([p.arm.kind, p.arm.name, p.seed]);
    const group = groups.get(key) ?? [];
    group.push(run);
    groups.set(key, group);
  }
  const byNewest = (a: RunState, b: RunState) => (a.provenance.createdAt < b.provenance.createdAt ? 1 : a.provenance.createdAt > b.provenance.createdAt ? -1 : 0);
  const fineTunes: EvalModel[] = [];
  for (const group of groups.values()) {
    group.sort(byNewest);
    const first = group[0]!.provenance;
    const isBaseline = first.arm.kind === 'baseline';
    const current = isBaseline ? input.config.neutral : input.variants.get(first.arm.name);
    if (current === undefined) {
      notes.push(`runs of '${first.arm.name}' (seed ${first.seed}) were left out: the file has no variant of that name any more`);
      continue;
    }
    const currentHash = instructionHash(current);
    const succeeded = group.filter((run) => currentAttempt(run)?.result && currentAttempt(run)?.status?.state === 'succeeded');
    const chosen = succeeded.find((run) => run.provenance.arm.instructionHash === currentHash) ?? succeeded[0];
    if (!chosen) {
      for (const run of group) {
        const attempt = currentAttempt(run);
        const state = !attempt?.job ? 'planned' : (attempt.status?.state ?? 'queued');
        const finished = state === 'failed' || state === 'cancelled';
        const lastError = attempt?.errors[attempt.errors.length - 1]?.message ?? attempt?.status?.message;
        unusable.push({
          runId: run.runId,
          arm: run.provenance.arm.name,
          seed: run.provenance.seed,
          state: state === 'succeeded' ? 'succeeded without a model' : state,
          message:
            state === 'succeeded'
              ? 'the job succeeded but no model was recorded'
              : finished
                ? `the job ${state}${lastError ? `: ${lastError}` : ''}`
                : `not finished yet (${state} as last recorded; \`inoculate jobs\` refreshes it)`,
        });
      }
      continue;
    }
    const p = chosen.provenance;
    const result = currentAttempt(chosen)!.result!;
    const stale = p.arm.instructionHash !== currentHash;
    if (stale) {
      notes.push(
        `${isBaseline ? 'the baseline' : `'${p.arm.name}'`} seed ${p.seed} was trained on an earlier text of ${isBaseline ? 'the neutral prompt' : 'the variant'} (run ${p.runId}); it is evaluated with the instruction it was trained on`,
      );
    }
    const serving = servingOf(p.backend, result);
    const role: EvalModelRole = isBaseline ? 'baseline' : 'inoculated';
    const name = isBaseline ? BASELINE_MODEL_NAME : p.arm.name;
    fineTunes.push({
      key: modelKey(role, p.seed, name),
      name,
      role,
      seed: p.seed,
      runId: p.runId,
      trainedInstruction: p.arm.instruction,
      trainedInstructionHash: p.arm.instructionHash,
      stale,
      model: result.modelId,
      baseUrl: serving === 'hosted' ? hostedEndpoint(p.backend, p.target) : undefined,
      serving,
      backend: p.backend,
      trained: result,
      baseModel: p.baseModel,
    });
  }
  // Baseline first, then variants in file order, seeds ascending.
  const order = [...input.variants.keys()];
  fineTunes.sort((a, b) => {
    const rank = (m: EvalModel) => (m.role === 'baseline' ? -1 : order.indexOf(m.name));
    return rank(a) - rank(b) || (a.seed ?? 0) - (b.seed ?? 0);
  });

  if (input.base && input.config.model) {
    models.push({
      key: modelKey('base', null, BASE_MODEL_NAME),
      name: BASE_MODEL_NAME,
      role: 'base',
      seed: null,
      runId: null,
      trainedInstruction: null,
      trainedInstructionHash: null,
      stale: false,
      model: input.config.model,
      baseUrl: undefined,
      serving: 'endpoint',
      backend: null,
      trained: null,
      baseModel: null,
    });
    const bases = new Set(fineTunes.map((m) => m.baseModel).filter((b): b is string => !!b));
    const differing = [...bases].filter((b) => baseSnapshotOf(b) !== baseSnapshotOf(input.config.model!));
    if (differing.length) {
      notes.push(`the fine-tunes were trained from ${differing.join(', ')}, not from the file's model ${input.config.model}, which is evaluated as the base model`);
    }
  }
  if (!fineTunes.length && !unusable.length) {
    notes.push('no fine-tune of this file was found under .inoculate/runs/ (`inoculate train` makes them): only the base and extra models are evaluated');
  }
  models.push(...fineTunes);
  for (const extra of input.extraModels) {
    models.push({
      key: modelKey('extra', null, extra.name),
      name: extra.name,
      role: 'extra',
      seed: null,
      runId: null,
      trainedInstruction: null,
      trainedInstructionHash: null,
      stale: false,
      model: extra.model,
      baseUrl: extra.baseUrl,
      serving: 'endpoint',
      backend: null,
      trained: null,
      baseModel: null,
    });
  }
  const wanted = input.onlyModels?.length ? models.filter((model) => input.onlyModels!.includes(model.name)) : models;
  return { models: wanted, unusable, notes };
}

/** Where a hosted fine-tune is requested: the API it was trained through (OpenAI's serves its `ft:` models; Together's API base serves its fine-tunes). */
function hostedEndpoint(_backend: string, target: string): string {
  return target.replace(/\/+$/, '');
}
