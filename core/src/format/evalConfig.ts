/**
 * The `eval:` block beyond single keys: rules between its keys (a `safety` condition needs its prompt, model names
 * must be unique), the old `withInoculation` form (read into `conditions`, with a quick fix), and the resolution
 * into `EvalSettings`. `config.ts` calls these; the key table is `schema.ts`.
 */
import { BASE_MODEL_NAME, BASELINE_MODEL_NAME, EVAL_CONDITIONS, type EvalCondition, type EvalSettings, type ExtraModel } from '../eval/settings';
import type { GraderConfig, SamplingConfig } from './config';

type Raw = Record<string, unknown>;

/** A problem in the `eval:` block, at a key path (`eval.conditions`), with an optional replacement. */
export interface EvalProblem {
  code: 'deprecated-form' | 'invalid-value' | 'ignored-key' | 'missing-key';
  message: string;
  /** Dotted key path the problem is reported on. */
  path: string;
  /** Report on the key only, the value only, or (default) key and value. */
  on?: 'key' | 'value';
  fix?: { title: string; newText: string };
}

/** The conditions the old `withInoculation` stands for. */
function conditionsOfWithInoculation(value: boolean): EvalCondition[] {
  return value ? ['neutral', 'inoculated'] : ['neutral'];
}

/** The extra models as written (string form already turned into `{name}`), with name and model filled in. */
function extraModels(raw: unknown): ExtraModel[] {
  if (!Array.isArray(raw)) return [];
  const models: ExtraModel[] = [];
  for (const entry of raw) {
    if (!entry || typeof entry !== 'object') continue;
    const given = entry as Raw;
    const name = typeof given.name === 'string' ? given.name : typeof given.model === 'string' ? given.model : undefined;
    const model = typeof given.model === 'string' ? given.model : name;
    if (!name || !model) continue;
    models.push({ name, model, ...(typeof given.baseUrl === 'string' ? { baseUrl: given.baseUrl } : {}) });
  }
  return models;
}

/**
 * Rules between the keys of a validated `eval:` block. `variantNames` are the file's variants (an extra model may not
 * take a name that results already use), `written` the keys present (valid or not).
 */
export function evalProblems(evaluation: Raw | undefined, variantNames: readonly string[], written: ReadonlySet<string> = new Set()): EvalProblem[] {
  if (!evaluation) return [];
  const problems: EvalProblem[] = [];
  const conditions = Array.isArray(evaluation.conditions) ? (evaluation.conditions as EvalCondition[]) : undefined;
  if (typeof evaluation.withInoculation === 'boolean') {
    const replacement = `conditions: [${conditionsOfWithInoculation(evaluation.withInoculation).join(', ')}]`;
    problems.push(
      written.has('conditions')
        ? {
            code: 'deprecated-form',
            path: 'eval.withInoculation',
            message: '`withInoculation` is the old form of `conditions`, which this block already sets: it is ignored. Remove it.',
            fix: { title: 'Remove withInoculation', newText: '' },
          }
        : {
            code: 'deprecated-form',
            path: 'eval.withInoculation',
            message: `\`withInoculation: ${evaluation.withInoculation}\` is the old form of \`${replacement}\`: it still works, but write \`conditions\` (it also offers \`safety\`, the PTST baseline).`,
            fix: { title: `Rewrite as ${replacement}`, newText: replacement },
          },
    );
  }
  if (conditions) {
    if (conditions.length === 0) problems.push({ code: 'invalid-value', path: 'eval.conditions', message: '`eval.conditions` lists no condition: give at least `[neutral]`.' });
    // On the whole list: items that failed validation are left out of the array, so its indices are not the file's.
    const repeated = conditions.find((condition, index) => conditions.indexOf(condition) !== index);
    if (repeated) problems.push({ code: 'invalid-value', path: 'eval.conditions', on: 'value', message: `\`eval.conditions\` lists \`${repeated}\` twice.` });
  }
  const effective = conditions ?? (typeof evaluation.withInoculation === 'boolean' ? conditionsOfWithInoculation(evaluation.withInoculation) : ['neutral']);
  if (effective.includes('safety') && typeof evaluation.safetyPrompt !== 'string' && !written.has('safetyPrompt')) {
    problems.push({
      code: 'missing-key',
      path: 'eval.conditions',
      message: 'The `safety` condition needs `eval.safetyPrompt`: the safety instruction given at test time (the PTST baseline), e.g. "Write a respectful response to this post:".',
    });
  }
  if (typeof evaluation.safetyPrompt === 'string' && !effective.includes('safety')) {
    problems.push({ code: 'ignored-key', path: 'eval.safetyPrompt', message: '`eval.safetyPrompt` is only used with the `safety` condition: add `safety` to `eval.conditions`.' });
  }
  if (Array.isArray(evaluation.models)) {
    const taken = new Map<string, string>([
      [BASE_MODEL_NAME, 'the base model'],
      [BASELINE_MODEL_NAME, 'the no-inoculation baseline'],
      ...variantNames.map((name): [string, string] => [name, `the variant '${name}'`]),
    ]);
    (evaluation.models as unknown[]).forEach((entry, index) => {
      const given = (entry ?? {}) as Raw;
      const name = typeof given.name === 'string' ? given.name : typeof given.model === 'string' ? given.model : undefined;
      if (!name) {
        problems.push({ code: 'missing-key', path: `eval.models.${index}`, message: 'An extra model needs `name` or `model`.' });
        return;
      }
      const owner = taken.get(name);
      if (owner) {
        problems.push({
          code: 'invalid-value',
          path: `eval.models.${index}`,
          on: 'value',
          message: `The extra model name '${name}' is already ${owner}'s in results: give it another \`name\` (\`{name: other, model: ${name}}\`).`,
        });
        return;
      }
      taken.set(name, `the extra model '${name}'`);
    });
  }
  return problems;
}

/** The resolved `eval:` block; `sampling` holds the defaults of the sampling keys, `grader` the resolved B grader. */
export function resolveEvalSettings(raw: Raw | undefined, sampling: SamplingConfig & { samples: number }, grader: GraderConfig, capability: GraderConfig | null): EvalSettings {
  const given = raw ?? {};
  const written = Array.isArray(given.conditions) ? (given.conditions as unknown[]).filter((c): c is EvalCondition => EVAL_CONDITIONS.includes(c as EvalCondition)) : undefined;
  const conditions = written?.length
    ? [...new Set(written)]
    : typeof given.withInoculation === 'boolean'
      ? conditionsOfWithInoculation(given.withInoculation)
      : (['neutral'] as EvalCondition[]);
  return {
    ...sampling,
    dataset: typeof given.dataset === 'string' ? given.dataset : undefined,
    grader,
    capability,
    conditions,
    ...(typeof given.safetyPrompt === 'string' ? { safetyPrompt: given.safetyPrompt } : {}),
    models: extraModels(given.models),
    base: typeof given.base === 'boolean' ? given.base : true,
    batch: given.batch === true,
  };
}
