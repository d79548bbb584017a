/** Fixtures for evaluation tests: models as discovery would find them, and a prepared evaluation in a workspace. */
import { createGrader } from '../../core/src/check/graders/index';
import { nodeResultsFileSystem as fs } from '../../core/src/check/nodeFs';
import { OpenAIProvider } from '../../core/src/check/providers/openai';
import type { RunEvaluationOptions } from '../../core/src/eval/engine';
import { evalResultPaths } from '../../core/src/eval/layout';
import { modelKey, type EvalModel, type FoundModels } from '../../core/src/eval/models';
import type { EvalModelRole } from '../../core/src/eval/records';
import { prepareEvaluation, type EvalOverrides } from '../../core/src/eval/setup';
import { instructionHash } from '../../core/src/check/arms';
import type { Workspace } from './checkFixtures';

/** A model as `findEvalModels` would return it (hosted at `baseUrl`, or the file's endpoint when undefined). */
export function evalModel(role: EvalModelRole, name: string, model: string, options: Partial<EvalModel> = {}): EvalModel {
  const seed = options.seed !== undefined ? options.seed : role === 'baseline' || role === 'inoculated' ? 0 : null;
  const trainedInstruction = options.trainedInstruction !== undefined ? options.trainedInstruction : role === 'baseline' ? '' : null;
  return {
    key: modelKey(role, seed, name),
    name,
    role,
    seed,
    runId: role === 'baseline' || role === 'inoculated' ? `${name.replace(/[^a-f0-9]/g, 'a').padEnd(12, '0').slice(0, 12)}${String(seed).padStart(4, '0')}` : null,
    trainedInstruction,
    trainedInstructionHash: trainedInstruction === null ? null : instructionHash(trainedInstruction),
    stale: false,
    model,
    baseUrl: undefined,
    serving: role === 'base' || role === 'extra' ? 'endpoint' : 'hosted',
    backend: role === 'base' || role === 'extra' ? null : 'openai',
    trained: null,
    baseModel: null,
    ...options,
  };
}

/** Found models without notes or unusable runs. */
export function found(models: EvalModel[]): FoundModels {
  return { models, unusable: [], notes: [] };
}

/** The options of `runEvaluation` for the workspace's file against `baseUrl` (graders from the file). */
export async function evaluationOptions(workspace: Workspace, baseUrl: string, models: EvalModel[], overrides: EvalOverrides = {}): Promise<RunEvaluationOptions> {
  const evaluation = await prepareEvaluation(fs, workspace.inocPath, { baseUrl, ...overrides }, workspace.root);
  return {
    evaluation,
    found: found(models),
    provider: new OpenAIProvider({ baseUrl }),
    providerFor: (url) => new OpenAIProvider({ baseUrl: url }),
    graders: {
      behavior: (environment) => createGrader(evaluation.graders.behavior, environment),
      capability: evaluation.graders.capability ? (environment) => createGrader(evaluation.graders.capability!, environment) : null,
    },
    fs,
    paths: evalResultPaths(workspace.root, workspace.inocPath),
    retryPolicy: { baseDelayMs: 1, maxDelayMs: 5 },
  };
}
