/**
 * The `train:` block beyond single keys: rules between its keys, the old `command: "<string>"` form, and the
 * resolution into `TrainSettings` (defaults per backend). `config.ts` calls these; the key table is `schema.ts`.
 */
import { parse as parseShellWords } from 'shell-quote';
import { parse as parseYaml } from 'yaml';
import { findPlaceholders } from './placeholders';
import {
  COMMAND_SLOTS,
  LEGACY_COMMAND_SLOTS,
  PAPER_LORA_DEFAULTS,
  SERVE_DEFAULTS,
  type CommandPreset,
  type CommandSettings,
  type ServeSettings,
  type TrainSettings,
} from '../train/settings';
import type { Hyperparameters, LossMode } from '../train/types';
import { closestMatch } from '../text/suggest';

type Raw = Record<string, unknown>;

/** A problem in the `train:` block, at a key path (`train.command`), with an optional replacement of its value or key. */
export interface TrainProblem {
  code: 'deprecated-form' | 'invalid-value' | 'ignored-key' | 'missing-key';
  message: string;
  /** Dotted key path the problem is reported on. */
  path: string;
  /** Report on the key (e.g. a rename) rather than key and value. */
  on?: 'key' | 'value';
  fix?: { title: string; newText: string };
}

/** What the old string form of `train.command` becomes. */
export interface LegacyCommand {
  /** The converted block, when the string is a plain command (no shell syntax). */
  command?: CommandSettings;
  problem: Omit<TrainProblem, 'path'>;
}

const PLAIN_YAML_WORD = /^[A-Za-z0-9_./=:@%+-]+$/;

/** `value` as a YAML flow-sequence item: plain when YAML reads it back as the same string, else a JSON string. */
function flowItem(value: string): string {
  if (PLAIN_YAML_WORD.test(value)) {
    try {
      const back = parseYaml(`[${value}]`) as unknown;
      if (Array.isArray(back) && back.length === 1 && back[0] === value) return value;
    } catch {
      // not plain-safe: quote it
    }
  }
  return JSON.stringify(value);
}

/** The converted block in YAML flow style, for the quick fix. */
export function commandFlowText(command: CommandSettings): string {
  return `{preset: ${command.preset}, argv: [${(command.argv ?? []).map(flowItem).join(', ')}]}`;
}

/** Renames the old slots (`{{dataset}}` → `{{trainingFile}}`...) inside one argument. */
function renameLegacySlots(argument: string): string {
  return argument.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(LEGACY_COMMAND_SLOTS, name) ? `{{${LEGACY_COMMAND_SLOTS[name]}}}` : whole,
  );
}

/**
 * The old `command: "<string>"` form, tokenised like a POSIX shell would split it (shell-quote), never run through
 * a shell. A string with shell syntax (pipes, redirections, `;`, globs, `$VARIABLES`) cannot become an argument list
 * without changing its meaning, so it is refused with what to do instead.
 */
export function legacyCommand(text: string): LegacyCommand {
  const expansions: string[] = [];
  let tokens: ReturnType<typeof parseShellWords>;
  try {
    // `{{ model }}` is one slot: close up the spaces first so the split keeps it whole.
    const slotsClosed = text.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, '{{$1}}');
    tokens = parseShellWords(slotsClosed, (name: string) => {
      expansions.push(name);
      return `$${name}`;
    });
  } catch (error) {
    return { problem: { code: 'invalid-value', message: `\`train.command\` could not be split into arguments: ${(error as Error).message}. Write it as \`{preset: local, argv: [...]}\`.` } };
  }
  const shellSyntax = tokens.find((token) => typeof token !== 'string');
  if (shellSyntax || expansions.length) {
    const op = shellSyntax && 'op' in (shellSyntax as object) ? (shellSyntax as { op: string }).op : undefined;
    const what = expansions.length
      ? `\`$${expansions[0]}\``
      : op && op !== 'glob'
        ? `\`${op}\``
        : 'comment' in (shellSyntax as object)
          ? 'a `#` comment'
          : 'a glob pattern';
    return {
      problem: {
        code: 'invalid-value',
        message: `\`train.command\` uses shell syntax (${what}), and commands never run through a shell. Put the pipeline in a script and write \`command: {preset: local, argv: [bash, your-script.sh, "{{trainingFile}}", "{{outputDir}}"]}\`.`,
      },
    };
  }
  const argv = (tokens as string[]).map(renameLegacySlots);
  if (argv.length === 0) return { problem: { code: 'invalid-value', message: '`train.command` is empty: give the trainer as `{preset: local, argv: [...]}`.' } };
  const command: CommandSettings = { preset: 'local', argv };
  return {
    command,
    problem: {
      code: 'deprecated-form',
      message:
        '`train.command` as one string is the old form: it still runs (as `preset: local`, split like a shell would, never through one), but write it as an argument list; slots `{{dataset}}`, `{{model}}`, `{{output}}` are now `{{trainingFile}}`, `{{baseModel}}`, `{{outputDir}}`.',
      fix: { title: 'Rewrite as {preset: local, argv: [...]}', newText: commandFlowText(command) },
    },
  };
}

/** Which keys each backend honours (the others are reported as ignored). */
const BACKEND_KEYS: Readonly<Record<TrainSettings['backend'], ReadonlySet<string>>> = {
  openai: new Set(['epochs', 'learningRateMultiplier', 'batchSize', 'suffix', 'baseUrl']),
  together: new Set(['epochs', 'learningRate', 'batchSize', 'loraRank', 'loraAlpha', 'loraDropout', 'suffix', 'baseUrl']),
  command: new Set(['epochs', 'learningRate', 'batchSize', 'loraRank', 'loraAlpha', 'loraDropout', 'command', 'serve']),
};

const HYPERPARAMETER_KEYS = ['epochs', 'learningRate', 'learningRateMultiplier', 'batchSize', 'loraRank', 'loraAlpha', 'loraDropout', 'suffix', 'baseUrl', 'command', 'serve'];

/** Keys of `command` that only some presets read. */
const PRESET_KEYS: Readonly<Record<string, readonly CommandPreset[]>> = {
  template: ['slurm', 'skypilot', 'kubernetes'],
  address: ['ray'],
  namespace: ['kubernetes'],
  image: ['kubernetes', 'skypilot'],
};

/** Rules between the keys of a validated `train:` block; `variantNames` are the file's variants, `written` the keys present (valid or not). */
export function trainProblems(train: Raw | undefined, variantNames: readonly string[], written: ReadonlySet<string> = new Set()): TrainProblem[] {
  if (!train) return [];
  const problems: TrainProblem[] = [];
  const backend = (train.backend as TrainSettings['backend'] | undefined) ?? 'openai';
  const honoured = BACKEND_KEYS[backend];
  for (const key of HYPERPARAMETER_KEYS) {
    if (train[key] === undefined || honoured.has(key)) continue;
    if (key === 'learningRate' && backend === 'openai') {
      // Before `learningRateMultiplier` existed, `learningRate` meant OpenAI's multiplier: still read that way.
      if (train.learningRateMultiplier === undefined) {
        problems.push({
          code: 'deprecated-form',
          path: 'train.learningRate',
          on: 'key',
          message: "With `backend: openai`, `learningRate` is read as OpenAI's learning-rate multiplier (the old meaning); call it `learningRateMultiplier`. `learningRate` is now the absolute rate of LoRA backends.",
          fix: { title: "Rename to 'learningRateMultiplier'", newText: 'learningRateMultiplier' },
        });
        continue;
      }
    }
    const why =
      key === 'command' || key === 'serve'
        ? `is only used with \`backend: command\``
        : key === 'learningRateMultiplier'
          ? 'is OpenAI\'s; LoRA backends take the absolute `learningRate`'
          : key === 'learningRate'
            ? 'is not used by OpenAI, which takes `learningRateMultiplier`'
            : key.startsWith('lora')
              ? `has no effect with \`backend: ${backend}\`${backend === 'openai' ? ' (OpenAI fine-tuning has no LoRA settings)' : ''}`
              : `has no effect with \`backend: ${backend}\``;
    problems.push({ code: 'ignored-key', path: `train.${key}`, message: `\`train.${key}\` ${why}.` });
  }
  if (backend === 'command' && train.command === undefined && !written.has('command')) {
    problems.push({ code: 'missing-key', path: 'train.backend', message: '`train.backend: command` needs `train.command`, e.g. `{preset: slurm}` (the shipped TRL trainer) or `{preset: local, argv: [...]}`.' });
  }
  if (backend === 'openai' && train.loss === 'all') {
    problems.push({ code: 'invalid-value', path: 'train.loss', message: 'OpenAI fine-tuning always trains on the assistant messages only: `loss: all` is not available with `backend: openai`.' });
  }
  if (typeof train.suffix === 'string' && train.suffix.length > 40) {
    problems.push({ code: 'invalid-value', path: 'train.suffix', message: `\`train.suffix\` is ${train.suffix.length} characters; keep it to 40 (backends allow 64, and the seed and a short run id are appended).` });
  }
  if (backend !== 'openai' && typeof train.learningRate === 'number' && train.learningRate >= 1) {
    problems.push({ code: 'invalid-value', path: 'train.learningRate', message: `\`train.learningRate\` is the absolute learning rate (the paper used 2e-5); ${train.learningRate} would diverge. Was it meant as OpenAI's multiplier?` });
  }
  const seeds = train.seeds;
  if (Array.isArray(seeds)) {
    if (seeds.length === 0) problems.push({ code: 'invalid-value', path: 'train.seeds', message: '`train.seeds` lists no seed: give a count (`3`) or seeds (`[0, 1, 2]`).' });
    const duplicate = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
    if (duplicate !== undefined) problems.push({ code: 'invalid-value', path: 'train.seeds', message: `\`train.seeds\` lists ${String(duplicate)} twice: each seed is one run.` });
  }
  const variants = train.variants as string[] | undefined;
  for (const [index, name] of (variants ?? []).entries()) {
    if (variantNames.includes(name)) continue;
    const suggestion = closestMatch(name, [...variantNames]);
    problems.push({
      code: 'invalid-value',
      path: `train.variants.${index}`,
      on: 'value',
      message: `No variant named '${name}' in this file.${suggestion ? ` Did you mean '${suggestion}'?` : ` Variants: ${variantNames.map((v) => `'${v}'`).join(', ')}.`}`,
      fix: suggestion ? { title: `Change to '${suggestion}'`, newText: suggestion } : undefined,
    });
  }
  const command = train.command as Raw | undefined;
  if (command && typeof command === 'object') {
    const preset = (command.preset as CommandPreset | undefined) ?? 'local';
    for (const [key, presets] of Object.entries(PRESET_KEYS)) {
      if (command[key] !== undefined && !presets.includes(preset)) {
        problems.push({ code: 'ignored-key', path: `train.command.${key}`, message: `\`command.${key}\` is only read by the ${presets.join(', ')} preset${presets.length > 1 ? 's' : ''} (preset is \`${preset}\`).` });
      }
    }
    for (const [index, argument] of ((command.argv as string[] | undefined) ?? []).entries()) {
      for (const slot of findPlaceholders(argument)) {
        if (Object.prototype.hasOwnProperty.call(COMMAND_SLOTS, slot.name)) continue;
        const renamed = LEGACY_COMMAND_SLOTS[slot.name];
        const suggestion = renamed ?? closestMatch(slot.name, Object.keys(COMMAND_SLOTS));
        problems.push({
          code: 'invalid-value',
          path: `train.command.argv.${index}`,
          on: 'value',
          message: `\`{{${slot.name}}}\` is not a command slot.${suggestion ? ` Did you mean \`{{${suggestion}}}\`?` : ''} Slots: ${Object.keys(COMMAND_SLOTS).join(', ')}.`,
        });
      }
    }
  }
  return problems;
}

/** Hyper-parameters with the backend's defaults: the paper's LoRA settings for LoRA backends, `auto` for OpenAI. */
export function defaultHyperparameters(backend: TrainSettings['backend']): Hyperparameters {
  if (backend === 'openai') return { epochs: 'auto', learningRate: 'auto', learningRateMultiplier: 'auto', batchSize: 'auto' };
  return {
    epochs: PAPER_LORA_DEFAULTS.epochs,
    learningRate: PAPER_LORA_DEFAULTS.learningRate,
    learningRateMultiplier: 'auto',
    batchSize: PAPER_LORA_DEFAULTS.batchSize,
    loraRank: PAPER_LORA_DEFAULTS.loraRank,
    loraAlpha: PAPER_LORA_DEFAULTS.loraAlpha,
    loraDropout: PAPER_LORA_DEFAULTS.loraDropout,
  };
}

/** The file-level values the `train:` block falls back to. */
export interface TrainFileDefaults {
  model?: string;
  baseUrl?: string;
}

/** Resolves a validated `train:` block (invalid values already dropped) into `TrainSettings`. */
export function resolveTrainSettings(raw: Raw | undefined, file: TrainFileDefaults): TrainSettings {
  const train = raw ?? {};
  const backend = (train.backend as TrainSettings['backend'] | undefined) ?? 'openai';
  const hyperparameters = defaultHyperparameters(backend);
  for (const key of ['epochs', 'learningRate', 'learningRateMultiplier', 'batchSize'] as const) {
    if (train[key] !== undefined) (hyperparameters as unknown as Raw)[key] = train[key];
  }
  if (backend === 'openai' && train.learningRate !== undefined && train.learningRateMultiplier === undefined) {
    hyperparameters.learningRateMultiplier = train.learningRate as number | 'auto';
  }
  if (backend === 'openai') hyperparameters.learningRate = 'auto';
  if (backend !== 'openai') {
    for (const key of ['loraRank', 'loraAlpha', 'loraDropout'] as const) if (typeof train[key] === 'number') hyperparameters[key] = train[key] as number;
  }
  const seedsValue = train.seeds;
  const seeds = Array.isArray(seedsValue) && seedsValue.length
    ? [...new Set(seedsValue as number[])]
    : Array.from({ length: typeof seedsValue === 'number' ? seedsValue : 1 }, (_, i) => i);
  const settings: TrainSettings = {
    dataset: train.dataset as string | undefined,
    backend,
    model: (train.model as string | undefined) ?? file.model,
    baseUrl: (train.baseUrl as string | undefined) ?? (backend === 'openai' ? file.baseUrl : undefined),
    variants: train.variants as string[] | undefined,
    baseline: (train.baseline as boolean | undefined) ?? true,
    seeds,
    loss: (train.loss as LossMode | undefined) ?? 'assistant-only',
    hyperparameters,
    suffix: train.suffix as string | undefined,
  };
  const command = train.command;
  if (typeof command === 'string') {
    settings.command = legacyCommand(command).command;
  } else if (command && typeof command === 'object') {
    const block = command as Raw;
    settings.command = { ...(block as unknown as CommandSettings), preset: (block.preset as CommandPreset | undefined) ?? 'local' };
  }
  const serve = train.serve as Raw | undefined;
  if (serve || backend === 'command') {
    settings.serve = {
      ...((serve ?? {}) as unknown as ServeSettings),
      preset: 'vllm',
      port: (serve?.port as number | undefined) ?? SERVE_DEFAULTS.port,
      startupTimeout: (serve?.startupTimeout as number | undefined) ?? SERVE_DEFAULTS.startupTimeout,
    };
  }
  return settings;
}
