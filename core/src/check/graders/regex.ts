/**
 * `regex`: behaviour = the response matches `pattern` (with `flags`, default `i`). Measures no capability. The match
 * runs in a worker thread with a time limit (`timeout`, seconds) and stops when the check is cancelled: a pattern
 * that backtracks catastrophically on some response fails that sample instead of hanging the check.
 */
import type { GraderConfig } from '../../format/config';
import { BoundedRegex, RegexTimeoutError } from './boundedRegex';
import { excerpt, graderFingerprint, GraderConfigError, numberOption, requiredString, stringOption } from './options';
import type { GradeResult, Grader, GraderEnvironment } from './types';

/** Bump when the rules change (it is part of cache keys). */
const VERSION = 1;

/** Seconds one match may take by default: a normal pattern needs milliseconds even on a 4 MB response. */
export const DEFAULT_REGEX_TIMEOUT = 2;

/** Compiles the grader's regex for matching in a worker; `g` and `y` are dropped because they make repeated tests stateful. */
export function compilePattern(pattern: string, flags: string, timeoutSeconds = DEFAULT_REGEX_TIMEOUT, grader = 'regex'): BoundedRegex {
  const stateless = flags.replace(/[gy]/g, '');
  try {
    return new BoundedRegex(pattern, stateless, timeoutSeconds * 1000);
  } catch (error) {
    throw new GraderConfigError(`The \`${grader}\` grader's \`pattern\`${grader === 'regex' ? '/`flags`' : ''} are not valid: ${(error as Error).message}`);
  }
}

/** The error for a match that ran out of time, saying what to do. */
export function patternTimeoutError(grader: string, pattern: string, timeoutSeconds: number): Error {
  return new Error(
    `The \`${grader}\` grader's pattern /${excerpt(pattern, 40)}/ did not finish within ${timeoutSeconds} s on this response: it backtracks catastrophically (nested quantifiers such as (a+)+ or (.*)*). Simplify it, or raise \`timeout\`.`,
  );
}

/** Creates the `regex` grader. */
export function createRegexGrader(config: GraderConfig, _environment: GraderEnvironment): Grader {
  const pattern = requiredString(config, 'pattern', "'\\bsorry\\b'");
  const flags = stringOption(config, 'flags', 'i')!;
  const timeout = numberOption(config, 'timeout', DEFAULT_REGEX_TIMEOUT, 0.01, 600);
  const regex = compilePattern(pattern, flags, timeout);
  return {
    type: 'regex',
    // The time limit does not change a verdict, only whether there is one: not part of the fingerprint.
    fingerprint: graderFingerprint({ ...config, timeout: undefined, pattern, flags }, VERSION),
    itemProblem: () => undefined,
    async grade({ response, signal }): Promise<GradeResult> {
      let match;
      try {
        match = await regex.exec(response, signal);
      } catch (error) {
        throw error instanceof RegexTimeoutError ? patternTimeoutError('regex', pattern, timeout) : error;
      }
      return match
        ? { behavior: true, detail: `matches /${excerpt(pattern, 40)}/: "${excerpt(match.text, 60)}"` }
        : { behavior: false, detail: `does not match /${excerpt(pattern, 40)}/` };
    },
  };
}
