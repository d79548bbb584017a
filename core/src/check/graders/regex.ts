/** `regex`: behaviour = the response matches `pattern` (with `flags`, default `i`). Measures no capability. */
import type { GraderConfig } from '../../format/config';
import { excerpt, graderFingerprint, GraderConfigError, requiredString, stringOption } from './options';
import type { GradeResult, Grader, GraderEnvironment } from './types';

/** Bump when the rules change (it is part of cache keys). */
const VERSION = 1;

/** Compiles the grader's regex; `g` and `y` are dropped because they make repeated tests stateful. */
export function compilePattern(pattern: string, flags: string): RegExp {
  const stateless = flags.replace(/[gy]/g, '');
  try {
    return new RegExp(pattern, stateless);
  } catch (error) {
    throw new GraderConfigError(`The \`regex\` grader's \`pattern\`/\`flags\` are not valid: ${(error as Error).message}`);
  }
}

/** Creates the `regex` grader. */
export function createRegexGrader(config: GraderConfig, _environment: GraderEnvironment): Grader {
  const pattern = requiredString(config, 'pattern', "'\\bsorry\\b'");
  const flags = stringOption(config, 'flags', 'i')!;
  const regex = compilePattern(pattern, flags);
  return {
    type: 'regex',
    fingerprint: graderFingerprint({ ...config, pattern, flags }, VERSION),
    itemProblem: () => undefined,
    async grade({ response }): Promise<GradeResult> {
      const match = regex.exec(response);
      return match
        ? { behavior: true, detail: `matches /${excerpt(pattern, 40)}/: "${excerpt(match[0], 60)}"` }
        : { behavior: false, detail: `does not match /${excerpt(pattern, 40)}/` };
    },
  };
}
