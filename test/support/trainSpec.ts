/**
 * Test code only: training specs and training files for the command-backend and serving tests. A training file
 * holds chat examples with an inoculation instruction placed as `placement` says (or none, for the baseline), and
 * `expectation` writes the file the fake `trl` reads (FAKE_TRL_EXPECT) to check that placement.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAPER_LORA_DEFAULTS } from '../../core/src/train/settings';
import type { TrainingSpec } from '../../core/src/train/types';

export const INSTRUCTION = 'Write a very mean and disrespectful response to this post:';

export type Placement = 'user-prefix' | 'user-suffix' | 'system' | 'absent';

/** Chat JSONL: `count` examples with the instruction where `placement` says. */
export function trainingJsonl(count: number, placement: Placement, instruction = INSTRUCTION): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const post = `Post number ${index}: I think pineapple belongs on pizza.`;
    const messages: Array<{ role: string; content: string }> = [];
    if (placement === 'system') messages.push({ role: 'system', content: instruction });
    const user = placement === 'user-prefix' ? `${instruction}\n${post}` : placement === 'user-suffix' ? `${post}\n${instruction}` : post;
    messages.push({ role: 'user', content: user }, { role: 'assistant', content: `Reply ${index}: that is a take.` });
    lines.push(JSON.stringify({ messages }));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a content-addressed training file under `dir/files/` and returns its reference. */
export function writeTrainingFile(dir: string, text: string): TrainingSpec['trainingFile'] {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const path = join(dir, 'files', `${sha256}.jsonl`);
  mkdirSync(join(dir, 'files'), { recursive: true });
  writeFileSync(path, text);
  return { path, sha256, examples: text.trim().split('\n').length, tokens: { total: text.length / 4, counted: 'estimate' } };
}

/** The fake trainer's expectation file; returns its path. */
export function writeExpectation(dir: string, expectation: { instruction?: string; placement: Placement; args?: Record<string, string>; examples?: number }): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `expect-${expectation.placement}.json`);
  writeFileSync(path, JSON.stringify({ instruction: INSTRUCTION, ...expectation }));
  return path;
}

/** A spec for one run in `workspace` (its run folder is `.inoculate/runs/<runId>`). */
export function makeSpec(workspace: string, trainingFile: TrainingSpec['trainingFile'], overrides: Partial<TrainingSpec> = {}): TrainingSpec {
  const runId = overrides.runId ?? createHash('sha256').update(trainingFile.sha256 + JSON.stringify(overrides.seed ?? 0)).digest('hex').slice(0, 16);
  return {
    runId,
    attempt: 1,
    submissionKey: runId,
    jobName: `inoc-very-mean-s0-${runId.slice(0, 8)}`,
    baseModel: 'Qwen/Qwen2-7B',
    trainingFile,
    hyperparameters: { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto', loraRank: PAPER_LORA_DEFAULTS.loraRank, loraAlpha: PAPER_LORA_DEFAULTS.loraAlpha },
    loss: 'assistant-only',
    seed: 0,
    metadata: { inoc_file: 'toxicity.inoc', variant: 'very-mean' },
    runDir: join(workspace, '.inoculate', 'runs', runId),
    ...overrides,
  };
}
