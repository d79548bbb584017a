/**
 * Training sets: from `train.dataset`, one training file per arm (each chosen variant, and the no-inoculation
 * baseline) with the instruction inserted exactly as a check inserts it (`buildMessages`: same placement, same
 * template slot), the target appended as the final assistant message. Files are OpenAI chat JSONL, named by the
 * sha256 of their bytes under `.inoculate/train/files/`, so identical inputs are never built twice.
 */
import { createHash } from 'node:crypto';
import { itemTarget, parseDataset, type ChatMessage, type DatasetItem } from '../format/dataset';
import { buildMessages, type PlacementSettings } from '../format/prompt';
import { trainingFilePath, type TrainPaths } from './layout';
import type { TrainFileSystem } from './trainFs';

/** One training example and the dataset line it came from. */
export interface TrainingExample {
  /** 1-based line of the dataset item. */
  line: number;
  /** The conversation with the instruction inserted and the target as the last (assistant) message. */
  messages: ChatMessage[];
}

/** A problem with one dataset line (or the whole set when `line` is 0). */
export interface ExampleProblem {
  line: number;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

/** The parsed training dataset. */
export interface TrainingItems {
  items: DatasetItem[];
  problems: ExampleProblem[];
  sha256: string;
}

/** sha256 (hex) of text as UTF-8. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parses the training dataset: chat items whose last message is the assistant target, or records (filled into
 * `template`, or `prompt` items) whose target is `completion`. Lines that are not JSON objects are errors.
 */
export function parseTrainingItems(text: string, placement: PlacementSettings): TrainingItems {
  const parsed = parseDataset(text, { needsPrompt: placement.placement !== 'template' });
  const problems: ExampleProblem[] = parsed.errors.map((error) => ({ line: error.line, severity: 'error', code: 'invalid-item', message: error.message }));
  return { items: parsed.items, problems, sha256: sha256Hex(text) };
}

/** Training uses system, user and assistant roles; `developer` (the newer name) is sent as `system`. */
function trainingRole(role: ChatMessage['role']): ChatMessage['role'] {
  return role === 'developer' ? 'system' : role;
}

/**
 * The examples of one arm: each item with `instruction` inserted per `placement`, plus its target. Items without a
 * target, or that the template cannot fill, are problems naming their line (the other items still build).
 */
export function buildTrainingExamples(items: readonly DatasetItem[], instruction: string, placement: PlacementSettings): { examples: TrainingExample[]; problems: ExampleProblem[] } {
  const examples: TrainingExample[] = [];
  const problems: ExampleProblem[] = [];
  for (const item of items) {
    const target = itemTarget(item.value);
    if (target === undefined) {
      problems.push({ line: item.line, severity: 'error', code: 'no-target', message: 'no target: end a chat item with an assistant message, or give a record a `completion`' });
      continue;
    }
    let messages: ChatMessage[];
    try {
      messages = buildMessages(item.value, instruction, placement);
    } catch (error) {
      problems.push({ line: item.line, severity: 'error', code: 'unbuildable', message: (error as Error).message });
      continue;
    }
    examples.push({ line: item.line, messages: [...messages.map((m) => ({ role: trainingRole(m.role), content: m.content })), { role: 'assistant', content: target }] });
  }
  return { examples, problems };
}

/** The training file's text: OpenAI chat JSONL, one `{"messages": [...]}` per line. */
export function trainingFileText(examples: readonly TrainingExample[]): string {
  return examples.map((example) => JSON.stringify({ messages: example.messages })).join('\n') + (examples.length ? '\n' : '');
}

/**
 * Writes the file under its content hash unless it is already there (same bytes, same name: never built twice).
 * Resolves to its path, hash, and whether it was written now.
 */
export async function storeTrainingFile(fs: TrainFileSystem, paths: TrainPaths, text: string): Promise<{ path: string; sha256: string; written: boolean }> {
  const sha256 = sha256Hex(text);
  const path = trainingFilePath(paths, sha256);
  const existing = await fs.readText(path);
  if (existing !== undefined && sha256Hex(existing) === sha256) return { path, sha256, written: false };
  await fs.writeAtomic(path, text);
  return { path, sha256, written: true };
}
