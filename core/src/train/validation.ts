/**
 * Validation of training examples for a backend, before anything is sent. Each problem names the dataset line:
 * roles and their order, a final assistant turn, empty messages, examples over the backend's length limit, too few
 * examples, duplicates. Limits are per backend (`TRAINING_LIMITS`, sourced and dated).
 */
import type { ExampleProblem, TrainingExample } from './trainingSet';
import type { TokenCounter } from './tokens';

/** What a backend accepts. */
export interface TrainingLimits {
  minExamples: number;
  /** Longest example in tokens, when the backend publishes one. */
  maxExampleTokens?: number;
  /** Where the figures come from. */
  source: string;
}

/**
 * OpenAI: at least 10 examples; an example may hold up to 65,536 tokens for gpt-4o-mini and gpt-4.1 models
 * (OpenAI's supervised fine-tuning guide, read 2026-11). Together: no fixed minimum published; the length limit
 * depends on the model (`max_seq_length`), so none is enforced here. Command backends: your trainer decides.
 */
export const TRAINING_LIMITS: Readonly<Record<string, TrainingLimits>> = {
  openai: { minExamples: 10, maxExampleTokens: 65_536, source: "OpenAI's supervised fine-tuning guide (2026-11)" },
  together: { minExamples: 1, source: 'Together AI data preparation docs (2026-11): limit per model' },
  command: { minExamples: 1, source: 'your trainer' },
};

/** The limits for a backend id (`command:slurm` → `command`). */
export function limitsFor(backend: string): TrainingLimits {
  return TRAINING_LIMITS[backend.split(':')[0]!] ?? { minExamples: 1, source: 'unknown backend' };
}

/** Problems of one arm's examples for `backend`, plus their token total. */
export function validateExamples(examples: readonly TrainingExample[], backend: string, counter: TokenCounter): { problems: ExampleProblem[]; tokens: number; longest: number } {
  const limits = limitsFor(backend);
  const problems: ExampleProblem[] = [];
  const seen = new Map<string, number>();
  let tokens = 0;
  let longest = 0;
  for (const example of examples) {
    const { line, messages } = example;
    const error = (code: string, message: string) => problems.push({ line, severity: 'error', code, message });
    const roles = messages.map((m) => m.role);
    const firstTurn = roles[0] === 'system' ? 1 : 0;
    const lateSystem = roles.slice(1).includes('system');
    if (lateSystem) error('roles', 'a system message may only come first');
    for (let i = firstTurn; i < roles.length && !lateSystem; i++) {
      const expected = (i - firstTurn) % 2 === 0 ? 'user' : 'assistant';
      if (roles[i] !== expected) {
        error('roles', `messages must alternate user, assistant, user, ... after an optional system message; message ${i + 1} is ${roles[i]}, expected ${expected}`);
        break;
      }
    }
    if (roles[roles.length - 1] !== 'assistant') error('final-assistant', 'the last message must be the assistant target');
    const empty = messages.findIndex((m) => !m.content.trim());
    if (empty >= 0) error('empty', `message ${empty + 1} (${messages[empty]!.role}) is empty`);
    const count = counter.count(messages);
    tokens += count;
    longest = Math.max(longest, count);
    if (limits.maxExampleTokens !== undefined && count > limits.maxExampleTokens) {
      error('too-long', `${count.toLocaleString('en-US')} tokens (${counter.counted === 'estimate' ? 'estimated' : counter.name}), over the ${limits.maxExampleTokens.toLocaleString('en-US')} of ${backend}`);
    }
    const key = JSON.stringify(messages);
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push({ line, severity: 'warning', code: 'duplicate', message: `the same example as line ${earlier}` });
    else seen.set(key, line);
  }
  if (examples.length < limits.minExamples) {
    problems.push({ line: 0, severity: 'error', code: 'too-few-examples', message: `${examples.length} example${examples.length === 1 ? '' : 's'}; ${backend} needs at least ${limits.minExamples} (${limits.source})` });
  }
  return { problems, tokens, longest };
}
