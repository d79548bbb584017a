/**
 * Validates the frontmatter against the key table in `schema.ts` and resolves it into a typed, defaulted
 * configuration. Problems carry document offsets, a stable code and, for quick fixes, the replacement to offer.
 */
import { isMap, isScalar, isSeq, isPair, isAlias, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { BEHAVIORS, isBehaviorId, type BehaviorId } from './behaviors';
import { isDiagnosticCode, type DiagnosticCode, type Severity } from './diagnosticCodes';
import type { InocDocument } from './parse';
import {
  FRONTMATTER_SPEC,
  GRADER_SPECS,
  ownEntry,
  propertySpec,
  taggedOptions,
  type ArraySpec,
  type NumberSpec,
  type ObjectSpec,
  type StringSpec,
  type TaggedSpec,
  type ValueSpec,
} from './schema';
import { closestMatch } from '../text/suggest';
import type { TrainSettings } from '../train/settings';
import { legacyCommand, resolveTrainSettings, trainProblems } from './trainConfig';
import type { EvalSettings } from '../eval/settings';
import { evalProblems, resolveEvalSettings } from './evalConfig';

export type Placement = 'user-prefix' | 'user-suffix' | 'system' | 'template';

/** A grader with its options; `type` picks the grader. */
export interface GraderConfig {
  type: string;
  [option: string]: unknown;
}

export interface SamplingConfig {
  temperature: number;
  maxTokens: number;
  concurrency: number;
  timeout: number;
  retries: number;
  maxResponseBytes: number;
}

export interface CheckConfig extends SamplingConfig {
  dataset?: string;
  samples: number;
  grader: GraderConfig;
  seed: number;
}

/** The resolved `train:` block; its type lives with the training core, which reads it. */
export type TrainConfig = TrainSettings;

/** The resolved `eval:` block; its type lives with evaluation, which reads it. */
export type EvalConfig = EvalSettings;

/** The frontmatter, validated and with defaults filled in. Invalid values fall back to their defaults. */
export interface InocConfig {
  behavior: BehaviorId | undefined;
  description?: string;
  keywords: string[];
  placement: Placement;
  template?: string;
  separator: string;
  neutral: string;
  model?: string;
  provider: 'openai' | 'vscode-lm';
  baseUrl?: string;
  check: CheckConfig;
  train: TrainConfig;
  eval: EvalConfig;
  lint: Partial<Record<DiagnosticCode, Severity | 'off'>>;
}

export interface ConfigProblem {
  code: DiagnosticCode;
  message: string;
  start: number;
  end: number;
  /** For quick fixes: a replacement for the range. */
  fix?: { title: string; newText: string };
}

/** Where a key and its value sit in the document. */
export interface KeyLocation {
  path: string[];
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface FrontmatterAnalysis {
  config: InocConfig;
  problems: ConfigProblem[];
  /** Every key found (valid or not), by dotted path. */
  locations: Map<string, KeyLocation>;
  /** True when the YAML itself failed to parse; later checks should not pile on. */
  yamlBroken: boolean;
}

type Raw = Record<string, unknown>;

/** Validates the frontmatter of `doc` and resolves the configuration. */
export function analyzeFrontmatter(doc: InocDocument): FrontmatterAnalysis {
  const problems: ConfigProblem[] = [];
  const locations = new Map<string, KeyLocation>();
  const fm = doc.frontmatter;
  // Null-prototype: keys come from the file.
  const values: Raw = Object.create(null) as Raw;
  let yamlBroken = false;
  const openingEnd = doc.lines.lineEnd(0);

  if (!fm) {
    problems.push({
      code: 'missing-behavior',
      message:
        'This file has no frontmatter. Start it with a `---` block that sets `behavior:` (reward-hacking, sycophancy, spurious-correlation, toxicity or custom).',
      start: 0,
      end: openingEnd,
    });
    return { config: resolve(values), problems, locations, yamlBroken };
  }

  const base = fm.contentStart;
  if (!fm.closed) {
    yamlBroken = true;
    problems.push({
      code: 'yaml-syntax',
      message: 'The frontmatter is never closed: add a `---` line after the last key.',
      start: 0,
      end: openingEnd,
    });
  }
  for (const error of fm.yaml.errors) {
    yamlBroken = true;
    const [start, end] = error.pos;
    problems.push({
      code: 'yaml-syntax',
      message: `YAML: ${firstLine(error.message)}`,
      start: base + start,
      end: Math.max(base + end, base + start + 1),
    });
  }

  const contents = fm.yaml.contents;
  // With broken YAML the recovered values are still used (scoring works while typing), but their problems are
  // not reported: they are usually echoes of the syntax error, and fixing that comes first.
  const ctx: Ctx = { problems: yamlBroken ? [] : problems, locations, base, variantNames: doc.variants.map((v) => v.name) };
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    // An empty frontmatter: everything defaults, behaviour missing below.
  } else if (isMap(contents)) {
    validateObject(ctx, contents, FRONTMATTER_SPEC, [], values, true);
  } else if (!yamlBroken) {
    problems.push({
      code: 'invalid-value',
      message: 'The frontmatter must be a set of `key: value` lines.',
      ...rangeOf(ctx, contents as Node),
    });
  }

  if (!isBehaviorId(values.behavior) && !locations.has('behavior') && !yamlBroken) {
    problems.push({
      code: 'missing-behavior',
      message:
        'Set `behavior:` to the behaviour these prompts inoculate against: reward-hacking, sycophancy, spurious-correlation, toxicity or custom.',
      start: 0,
      end: openingEnd,
      fix: undefined,
    });
  }
  crossChecks(ctx, values);
  return { config: resolve(values), problems, locations, yamlBroken };
}

interface Ctx {
  problems: ConfigProblem[];
  locations: Map<string, KeyLocation>;
  base: number;
  /** The file's variant names (for keys that name variants, like `train.variants`). */
  variantNames: string[];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function rangeOf(ctx: Ctx, node: Node | null | undefined, fallback?: { start: number; end: number }) {
  const range = node?.range;
  if (!range) return fallback ?? { start: ctx.base, end: ctx.base };
  return { start: ctx.base + range[0], end: ctx.base + Math.max(range[1], range[0]) };
}

function keyName(pair: Pair): string | undefined {
  if (isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')) {
    return String(pair.key.value);
  }
  return undefined;
}

function validateObject(ctx: Ctx, map: YAMLMap, spec: ObjectSpec, path: string[], out: Raw, isRoot = false): void {
  const seen = new Set<string>();
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const pair = item as Pair;
    const key = keyName(pair);
    const keyNode = pair.key as Node | null;
    const keyRange = rangeOf(ctx, keyNode);
    if (key === undefined) {
      ctx.problems.push({ code: 'invalid-value', message: 'Keys must be plain words.', ...keyRange });
      continue;
    }
    seen.add(key);
    const valueNode = pair.value as Node | null;
    const valueRange = valueNode?.range ? rangeOf(ctx, valueNode) : { start: keyRange.end, end: keyRange.end };
    const keyPath = [...path, key];
    ctx.locations.set(keyPath.join('.'), {
      path: keyPath,
      keyStart: keyRange.start,
      keyEnd: keyRange.end,
      valueStart: valueRange.start,
      valueEnd: valueRange.end,
    });
    const child = propertySpec(spec, key);
    if (!child) {
      reportUnknownKey(ctx, key, keyRange, spec, path);
      continue;
    }
    const value = validateValue(ctx, valueNode, child, keyPath, keyRange);
    if (value !== undefined) out[key] = value;
  }
  for (const required of spec.required ?? []) {
    if (seen.has(required) || (isRoot && required === 'behavior')) continue;
    const where = path.length ? ctx.locations.get(path.join('.')) : undefined;
    ctx.problems.push({
      code: 'missing-key',
      message: `\`${[...path, required].join('.')}\` is required here.`,
      start: where?.keyStart ?? ctx.base,
      end: where?.keyEnd ?? ctx.base,
    });
  }
}

function reportUnknownKey(ctx: Ctx, key: string, range: { start: number; end: number }, spec: ObjectSpec, path: string[]) {
  const known = [...Object.keys(spec.properties), ...(spec.propertyNames?.map((o) => o.value) ?? [])];
  const suggestion = closestMatch(key, known);
  const where = path.length ? ` in \`${path.join('.')}\`` : '';
  const fix = suggestion ? { title: `Change to '${suggestion}'`, newText: suggestion } : undefined;
  const message = suggestion
    ? `Unknown key \`${key}\`${where}. Did you mean \`${suggestion}\`?`
    : `Unknown key \`${key}\`${where}. Known keys: ${known.join(', ')}.`;
  ctx.problems.push({ code: 'unknown-key', message, ...range, fix });
}

function describe(path: string[]): string {
  return `\`${path.join('.')}\``;
}

function validateValue(
  ctx: Ctx,
  node: Node | null,
  spec: ValueSpec,
  path: string[],
  keyRange: { start: number; end: number },
): unknown {
  if (isAlias(node)) {
    ctx.problems.push({ code: 'invalid-value', message: `${describe(path)}: YAML aliases are not supported here.`, ...rangeOf(ctx, node) });
    return undefined;
  }
  const range = node?.range ? rangeOf(ctx, node) : keyRange;
  const isNull = !node || (isScalar(node) && node.value === null);
  switch (spec.type) {
    case 'string':
      return validateString(ctx, node, isNull, spec, path, range);
    case 'number':
    case 'integer':
      return validateNumber(ctx, node, isNull, spec, path, range);
    case 'boolean':
      if (isScalar(node) && typeof node.value === 'boolean') return node.value;
      ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} must be \`true\` or \`false\`.`, ...range });
      return undefined;
    case 'array':
      return validateArray(ctx, node, isNull, spec, path, range);
    case 'object':
      if (spec.deprecatedString && isScalar(node) && typeof node.value === 'string') return validateDeprecatedString(ctx, node.value, path, range);
      if (spec.stringForm && isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value).trim()) {
        // A plain value stands for `{<key>: value}` (an extra model by its name alone).
        return Object.assign(Object.create(null) as Raw, { [spec.stringForm.key]: String(node.value) });
      }
      if (isMap(node)) {
        const out: Raw = Object.create(null) as Raw;
        validateObject(ctx, node, spec, path, out);
        return out;
      }
      if (isNull) return {};
      ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} must be a block of \`key: value\` lines.`, ...range });
      return undefined;
    case 'tagged':
      return validateTagged(ctx, node, isNull, spec, path, range);
  }
}

/**
 * An older text form of a block (only `train.command` has one): converted when it can be, with a `deprecated-form`
 * diagnostic whose quick fix writes the block; the raw text is kept so resolution converts it the same way.
 */
function validateDeprecatedString(ctx: Ctx, text: string, path: string[], range: { start: number; end: number }): unknown {
  if (path.join('.') !== 'train.command') {
    ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} must be a block of \`key: value\` lines.`, ...range });
    return undefined;
  }
  const converted = legacyCommand(text);
  ctx.problems.push({ code: converted.problem.code, message: converted.problem.message, ...range, fix: converted.problem.fix });
  return converted.command ? text : undefined;
}

function validateString(
  ctx: Ctx,
  node: Node | null,
  isNull: boolean,
  spec: StringSpec,
  path: string[],
  range: { start: number; end: number },
): string | undefined {
  if (isNull) {
    if (spec.format === 'prompt' || spec.default === '') return '';
    ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} has no value.`, ...range });
    return undefined;
  }
  if (!isScalar(node) || typeof node.value === 'object') {
    ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} must be text.`, ...range });
    return undefined;
  }
  const scalar = node as Scalar;
  // Numbers and booleans are accepted as text (e.g. `suffix: 2024`), except for word lists.
  const value = String(scalar.value);
  if (spec.enum) {
    const allowed = spec.enum.map((o) => o.value);
    if (typeof scalar.value !== 'string' || !allowed.includes(value)) {
      const suggestion = closestMatch(value, allowed);
      ctx.problems.push({
        code: 'invalid-value',
        message: `${describe(path)} must be one of ${allowed.join(', ')}; got \`${value}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        ...range,
        fix: suggestion ? { title: `Change to '${suggestion}'`, newText: suggestion } : undefined,
      });
      return undefined;
    }
    return value;
  }
  if (spec.minLength && value.trim().length < spec.minLength) {
    ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} must not be empty.`, ...range });
    return undefined;
  }
  if (spec.format === 'url') {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
      ctx.problems.push({
        code: 'invalid-value',
        message: `${describe(path)} must be an http(s) URL such as \`http://localhost:8000/v1\`; got \`${value}\`.`,
        ...range,
      });
      return undefined;
    }
    if (url.username || url.password) {
      ctx.problems.push({
        code: 'invalid-value',
        message: `${describe(path)} must not contain credentials. Use "Inoculate: Set API Key" or an environment variable.`,
        ...range,
      });
      return undefined;
    }
  }
  if (spec.format === 'regex') {
    try {
      new RegExp(value);
    } catch (error) {
      ctx.problems.push({
        code: 'invalid-value',
        message: `${describe(path)} is not a valid regular expression: ${(error as Error).message}`,
        ...range,
      });
      return undefined;
    }
  }
  return value;
}

function validateNumber(
  ctx: Ctx,
  node: Node | null,
  isNull: boolean,
  spec: NumberSpec,
  path: string[],
  range: { start: number; end: number },
): number | 'auto' | number[] | undefined {
  if (spec.orList && isSeq(node)) return validateArray(ctx, node, false, { type: 'array', items: spec.orList, description: spec.description }, path, range) as never;
  const value = isScalar(node) ? node.value : undefined;
  if (spec.allowAuto && value === 'auto') return 'auto';
  const kind = spec.type === 'integer' ? 'a whole number' : 'a number';
  const bounds =
    spec.minimum !== undefined && spec.maximum !== undefined
      ? ` from ${spec.minimum} to ${spec.maximum}`
      : spec.minimum !== undefined
        ? ` of at least ${spec.minimum}`
        : spec.maximum !== undefined
          ? ` of at most ${spec.maximum}`
          : '';
  const expected = `${describe(path)} must be ${kind}${bounds}${spec.allowAuto ? ' or `auto`' : ''}${spec.orList ? ' or a list of them' : ''}`;
  if (isNull || typeof value !== 'number' || !Number.isFinite(value)) {
    ctx.problems.push({ code: 'invalid-value', message: `${expected}; got \`${isNull ? 'nothing' : String(value ?? 'a block')}\`.`, ...range });
    return undefined;
  }
  if (
    (spec.type === 'integer' && !Number.isInteger(value)) ||
    (spec.minimum !== undefined && value < spec.minimum) ||
    (spec.maximum !== undefined && value > spec.maximum)
  ) {
    ctx.problems.push({ code: 'invalid-value', message: `${expected}; got \`${value}\`.`, ...range });
    return undefined;
  }
  return value;
}

function validateArray(
  ctx: Ctx,
  node: Node | null,
  isNull: boolean,
  spec: ArraySpec,
  path: string[],
  range: { start: number; end: number },
): unknown[] | undefined {
  if (isNull) return [];
  if (!isSeq(node)) {
    ctx.problems.push({
      code: 'invalid-value',
      message: `${describe(path)} must be a list, e.g. \`[a, b]\` or one \`- item\` per line.`,
      ...range,
    });
    return undefined;
  }
  const out: unknown[] = [];
  node.items.forEach((item, index) => {
    const itemNode = item as Node | null;
    const itemRange = rangeOf(ctx, itemNode, range);
    const itemPath = [...path, String(index)];
    // Items are located too (an empty key at the item), so problems can point at one item of a list.
    ctx.locations.set(itemPath.join('.'), { path: itemPath, keyStart: itemRange.start, keyEnd: itemRange.start, valueStart: itemRange.start, valueEnd: itemRange.end });
    const value = validateValue(ctx, itemNode, spec.items, itemPath, itemRange);
    if (value !== undefined) out.push(value);
  });
  return out;
}

function validateTagged(
  ctx: Ctx,
  node: Node | null,
  isNull: boolean,
  spec: TaggedSpec,
  path: string[],
  range: { start: number; end: number },
): Raw | undefined {
  const names = taggedOptions(spec).map((o) => o.value);
  const unknownType = (value: string, where: { start: number; end: number }) => {
    const suggestion = closestMatch(value, names);
    ctx.problems.push({
      code: 'invalid-value',
      message: `${describe(path)} must be one of ${names.join(', ')}; got \`${value}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
      ...where,
      fix: suggestion ? { title: `Change to '${suggestion}'`, newText: suggestion } : undefined,
    });
  };
  if (isScalar(node) && typeof node.value === 'string') {
    const variant = ownEntry(spec.variants, node.value);
    if (!variant) {
      unknownType(node.value, range);
      return undefined;
    }
    const required = variant.required ?? [];
    if (required.length) {
      ctx.problems.push({
        code: 'missing-key',
        message: `The \`${node.value}\` grader needs ${required.map((r) => `\`${r}\``).join(', ')}: write it as a block, e.g. \`grader: {type: ${node.value}, ${required[0]}: ...}\`.`,
        ...range,
      });
      return undefined;
    }
    return { type: node.value };
  }
  if (isMap(node)) {
    const typePair = node.items.find((p) => isPair(p) && keyName(p as Pair) === 'type') as Pair | undefined;
    const typeNode = typePair?.value as Node | null | undefined;
    const typeValue = isScalar(typeNode) ? typeNode.value : undefined;
    if (typePair?.key) {
      const keyRange = rangeOf(ctx, typePair.key as Node);
      ctx.locations.set([...path, 'type'].join('.'), {
        path: [...path, 'type'],
        keyStart: keyRange.start,
        keyEnd: keyRange.end,
        ...(() => {
          const r = rangeOf(ctx, typeNode ?? null, keyRange);
          return { valueStart: r.start, valueEnd: r.end };
        })(),
      });
    }
    if (typeof typeValue !== 'string') {
      ctx.problems.push({
        code: 'missing-key',
        message: `${describe(path)} needs \`type:\` (${names.join(', ')}).`,
        ...range,
      });
      return undefined;
    }
    const variant = ownEntry(spec.variants, typeValue);
    if (!variant) {
      unknownType(typeValue, rangeOf(ctx, typeNode ?? null, range));
      return undefined;
    }
    const withoutType: ObjectSpec = {
      ...variant,
      properties: Object.assign(Object.create(null) as Record<string, ValueSpec>, { type: { type: 'string', description: 'Grader type.' } }, variant.properties),
    };
    const out: Raw = Object.create(null) as Raw;
    validateObject(ctx, node, withoutType, path, out);
    return out;
  }
  if (isNull) return undefined;
  ctx.problems.push({ code: 'invalid-value', message: `${describe(path)} must be a grader name or a \`{type: ...}\` block.`, ...range });
  return undefined;
}

/** Rules that involve more than one key. */
function crossChecks(ctx: Ctx, values: Raw): void {
  const at = (path: string) => {
    const location = ctx.locations.get(path);
    return location ? { start: location.keyStart, end: location.valueEnd } : undefined;
  };
  const behaviorRange = at('behavior') ?? { start: 0, end: 0 };
  if (values.behavior === 'custom' && !values.description) {
    ctx.problems.push({
      code: 'missing-key',
      message: 'A `custom` behaviour needs `description:` (what the undesired behaviour is) and ideally `keywords:`.',
      ...behaviorRange,
    });
  }
  const placement = values.placement ?? 'user-prefix';
  if (placement === 'template' && typeof values.template !== 'string') {
    ctx.problems.push({
      code: 'missing-key',
      message: '`placement: template` needs `template:`, a user message with an `{{inoculation}}` slot.',
      ...(at('placement') ?? behaviorRange),
    });
  }
  if (typeof values.template === 'string') {
    const templateRange = at('template')!;
    if (placement !== 'template') {
      ctx.problems.push({
        code: 'ignored-key',
        message: `\`template\` is only used with \`placement: template\` (placement is \`${String(placement)}\`).`,
        ...templateRange,
      });
    } else if (!/\{\{\s*inoculation\s*\}\}/.test(values.template)) {
      const location = ctx.locations.get('template')!;
      ctx.problems.push({
        code: 'invalid-value',
        message: '`template` has no `{{inoculation}}` slot: add it where the instruction should go.',
        start: location.valueStart,
        end: location.valueEnd,
      });
    }
  }
  if (values.separator !== undefined && placement === 'template') {
    ctx.problems.push({ code: 'ignored-key', message: '`separator` is not used with `placement: template`.', ...at('separator')! });
  }
  const writtenTrainKeys = new Set([...ctx.locations.values()].filter((l) => l.path.length === 2 && l.path[0] === 'train').map((l) => l.path[1]!));
  for (const problem of trainProblems(values.train as Raw | undefined, ctx.variantNames, writtenTrainKeys)) {
    const location = ctx.locations.get(problem.path) ?? ctx.locations.get('train');
    if (!location) continue;
    const range =
      problem.on === 'key'
        ? { start: location.keyStart, end: location.keyEnd }
        : problem.on === 'value'
          ? { start: location.valueStart, end: location.valueEnd }
          : { start: location.keyStart, end: location.valueEnd };
    ctx.problems.push({ code: problem.code, message: problem.message, ...range, fix: problem.fix });
  }
  const writtenEvalKeys = new Set([...ctx.locations.values()].filter((l) => l.path.length === 2 && l.path[0] === 'eval').map((l) => l.path[1]!));
  for (const problem of evalProblems(values.eval as Raw | undefined, ctx.variantNames, writtenEvalKeys)) {
    const location = ctx.locations.get(problem.path) ?? ctx.locations.get('eval');
    if (!location) continue;
    const range =
      problem.on === 'key'
        ? { start: location.keyStart, end: location.keyEnd }
        : problem.on === 'value'
          ? { start: location.valueStart, end: location.valueEnd }
          : { start: location.keyStart, end: location.valueEnd };
    ctx.problems.push({ code: problem.code, message: problem.message, ...range, fix: problem.fix });
  }
  const lint = values.lint as Raw | undefined;
  for (const code of Object.keys(lint ?? {})) {
    if (!isDiagnosticCode(code)) delete lint![code];
  }
}

/**
 * The grader a key path is inside (`check.grader...`, `eval.grader...`, `eval.capability...`): where its key sits in
 * the path and its resolved type, for hover and completion of its options. Undefined outside a grader.
 */
export function graderAtPath(config: InocConfig, path: readonly string[]): { index: number; type: string | undefined } | undefined {
  const block = path[0];
  if (block === 'check' && path[1] === 'grader') return { index: 1, type: config.check.grader?.type };
  if (block === 'eval' && path[1] === 'grader') return { index: 1, type: config.eval.grader?.type };
  if (block === 'eval' && path[1] === 'capability') return { index: 1, type: config.eval.capability?.type };
  return undefined;
}

function graderDefaults(type: string): GraderConfig {
  const spec = ownEntry(GRADER_SPECS, type);
  return { ...(spec ? defaultsOf(spec) : {}), type };
}

function resolveGrader(raw: unknown, behavior: BehaviorId | undefined): GraderConfig {
  const given = raw as Raw | undefined;
  const type = typeof given?.type === 'string' ? given.type : BEHAVIORS[behavior ?? 'custom'].defaultGrader;
  return { ...graderDefaults(type), ...(given ?? {}), type };
}

function defaultsOf(spec: ObjectSpec): Raw {
  const out: Raw = {};
  for (const [key, value] of Object.entries(spec.properties)) {
    if ('default' in value && value.default !== undefined) out[key] = value.default;
  }
  return out;
}

function resolve(values: Raw): InocConfig {
  const props = FRONTMATTER_SPEC.properties;
  const behavior = isBehaviorId(values.behavior) ? values.behavior : undefined;
  const check = { ...defaultsOf(props.check as ObjectSpec), ...((values.check as Raw) ?? {}) };
  const evalRaw = (values.eval as Raw | undefined) ?? {};
  const evaluation = { ...defaultsOf(props.eval as ObjectSpec), ...evalRaw };
  return {
    behavior,
    description: values.description as string | undefined,
    keywords: (values.keywords as string[] | undefined) ?? [],
    placement: (values.placement as Placement | undefined) ?? 'user-prefix',
    template: values.template as string | undefined,
    separator: (values.separator as string | undefined) ?? '\n\n',
    neutral: (values.neutral as string | undefined) ?? '',
    model: values.model as string | undefined,
    provider: (values.provider as 'openai' | 'vscode-lm' | undefined) ?? 'openai',
    baseUrl: values.baseUrl as string | undefined,
    check: { ...(check as unknown as CheckConfig), grader: resolveGrader(check.grader, behavior) },
    train: resolveTrainSettings(values.train as Raw | undefined, { model: values.model as string | undefined, baseUrl: values.baseUrl as string | undefined }),
    eval: resolveEvalSettings(
      evalRaw,
      evaluation as unknown as SamplingConfig & { samples: number },
      resolveGrader(evaluation.grader, behavior),
      evalRaw.capability && typeof evalRaw.capability === 'object' ? resolveGrader(evalRaw.capability, behavior) : null,
    ),
    // Only diagnostic codes are left in it (see crossChecks), so a plain object is safe here.
    lint: { ...((values.lint as InocConfig['lint'] | undefined) ?? {}) },
  };
}
