/** The grader registry: picks the grader a check's `grader:` names. */
import type { GraderConfig } from '../../format/config';
import { createCodeTestsGrader } from './codeTests';
import { createJudgeGrader } from './judge';
import { createLabelGrader } from './label';
import { createModerationGrader } from './moderation';
import { createModuleGrader } from './module';
import { createRegexGrader } from './regex';
import { createSycophancyGrader } from './sycophancy';
import type { Grader, GraderEnvironment, GraderFactory } from './types';

const FACTORIES: Record<string, GraderFactory> = {
  'code-tests': createCodeTestsGrader,
  sycophancy: createSycophancyGrader,
  label: createLabelGrader,
  judge: createJudgeGrader,
  moderation: createModerationGrader,
  regex: createRegexGrader,
  module: createModuleGrader,
};

/** The grader types this build knows. */
export const GRADER_TYPES: readonly string[] = Object.keys(FACTORIES);

/** Creates the grader `config.type` names; throws a clear error for an unknown type or an unusable option. */
export function createGrader(config: GraderConfig, environment: GraderEnvironment): Grader {
  const factory = Object.hasOwn(FACTORIES, config.type) ? FACTORIES[config.type] : undefined;
  if (!factory) {
    throw new Error(`Unknown grader type \`${String(config.type)}\`. Allowed: ${GRADER_TYPES.join(', ')}.`);
  }
  return factory(config, environment);
}

export { GraderConfigError } from './options';
