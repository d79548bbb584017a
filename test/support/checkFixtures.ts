/** Fixtures for check tests: a throwaway workspace with a `.inoc` file and its dataset, and simple graders. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Grader, GraderEnvironment } from '../../core/src/check/graders/types';

/** A throwaway workspace on disk. */
export interface Workspace {
  root: string;
  inocPath: string;
  /** Writes (or rewrites) a file relative to the root. */
  write(relativePath: string, text: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A temporary workspace (with a `package.json`, so it is its own root) holding `files`. */
export async function makeWorkspace(files: Record<string, string>, inocName = 'prompts.inoc'): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'inoculate-check-'));
  const write = async (relativePath: string, text: string) => {
    await mkdir(dirname(join(root, relativePath)), { recursive: true });
    await writeFile(join(root, relativePath), text);
  };
  await write('package.json', '{"private": true}\n');
  for (const [path, text] of Object.entries(files)) await write(path, text);
  return { root, inocPath: join(root, inocName), write, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** JSONL text of `items`. */
export function jsonl(items: unknown[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + '\n';
}

/** `count` prompt items `{prompt: "question i"}`. */
export function promptItems(count: number): Array<{ prompt: string }> {
  return Array.from({ length: count }, (_, i) => ({ prompt: `question ${i + 1}` }));
}

/** A `.inoc` file with the given variants (`name` → text) and frontmatter extras. */
export function inocFile(variants: Record<string, string>, frontmatter: string[] = []): string {
  const header = ['---', 'behavior: custom', 'description: Says YES no matter what.', 'model: test-model', 'placement: user-prefix', ...frontmatter, '---', ''];
  const body = Object.entries(variants).map(([name, text]) => `## ${name}\n${text}\n`);
  return header.join('\n') + body.join('\n');
}

/**
 * A grader for tests: behaviour when the response matches `pattern`; capability when it matches `capability`.
 * Counts its calls so tests can check that every sample is graded exactly once.
 */
export function testGrader(pattern: RegExp, capability?: RegExp): { factory: (environment: GraderEnvironment) => Grader; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    factory: () => ({
      type: 'test-regex',
      fingerprint: `test-regex:${pattern.source}:${capability?.source ?? ''}`,
      itemProblem: (item) => (typeof item.prompt === 'string' || Array.isArray(item.messages) ? undefined : 'the item has no prompt'),
      grade: async ({ response }) => {
        calls++;
        const behavior = pattern.test(response);
        return { behavior, ...(capability ? { capability: capability.test(response) } : {}), detail: behavior ? 'matched' : 'no match' };
      },
    }),
  };
}
