/**
 * `module`: the user's own JavaScript module (path relative to the `.inoc` file) exporting
 * `grade(item, response)`, sync or async, returning a boolean or `{behavior, capability?, score?, detail?}`.
 * It runs in the editor's or CLI's process, so it is refused in an untrusted workspace. The module file is loaded
 * afresh by every new grader (every run), so edits apply without a restart.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GraderConfig } from '../../format/config';
import type { Item } from '../../format/dataset';
import { excerpt, graderFingerprint, GraderConfigError, requiredString } from './options';
import type { GradeResult, Grader, GraderEnvironment } from './types';

/** Bump when loading or validation changes (it is part of cache keys). */
const VERSION = 1;
const EXTENSIONS = new Set(['.js', '.cjs', '.mjs']);

type GradeFunction = (item: Item, response: string) => unknown;

let generation = 0;

/** Whether Node treats `file` as an ES module (`.mjs`, or `.js` under a package.json with `"type": "module"`). */
export function isEsModule(file: string): boolean {
  const extension = path.extname(file);
  if (extension === '.mjs') return true;
  if (extension === '.cjs') return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

async function loadFresh(file: string): Promise<Record<string, unknown>> {
  if (isEsModule(file)) {
    // A new URL is a new module instance: the edited file is read again.
    return (await import(`${pathToFileURL(file).href}?inoculate=${Date.now()}-${++generation}`)) as Record<string, unknown>;
  }
  const load = createRequire(file);
  delete load.cache[file];
  return load(file) as Record<string, unknown>;
}

function findGrade(exports: Record<string, unknown>): GradeFunction | undefined {
  const fallback = exports.default as Record<string, unknown> | GradeFunction | undefined;
  if (typeof exports.grade === 'function') return exports.grade as GradeFunction;
  if (typeof fallback === 'function') return fallback;
  if (fallback && typeof fallback === 'object' && typeof fallback.grade === 'function') return fallback.grade as GradeFunction;
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return excerpt(JSON.stringify(value) ?? String(value), 80);
  } catch {
    return String(value);
  }
}

/** Checks what a module's `grade` returned and turns it into a grade; the error names the module. */
export function moduleResult(value: unknown, moduleName: string): GradeResult {
  const expected = 'expected true/false or {behavior: boolean, capability?: boolean, score?: number, detail?: string}';
  if (typeof value === 'boolean') return { behavior: value, detail: `${moduleName}: ${value ? 'behaviour' : 'no behaviour'}` };
  const fail = (why: string): never => {
    throw new Error(`The grader module \`${moduleName}\` returned ${describe(value)} from grade()${why}; ${expected}.`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('');
  const result = value as Record<string, unknown>;
  if (typeof result.behavior !== 'boolean') fail(': `behavior` must be true or false');
  if (result.capability !== undefined && typeof result.capability !== 'boolean') fail(': `capability` must be true or false');
  if (result.score !== undefined && (typeof result.score !== 'number' || !Number.isFinite(result.score))) fail(': `score` must be a number');
  if (result.detail !== undefined && typeof result.detail !== 'string') fail(': `detail` must be text');
  return {
    behavior: result.behavior as boolean,
    ...(result.capability !== undefined ? { capability: result.capability as boolean } : {}),
    ...(result.score !== undefined ? { score: result.score as number } : {}),
    detail: (result.detail as string | undefined) ?? `${moduleName}: ${result.behavior ? 'behaviour' : 'no behaviour'}`,
  };
}

function contentHash(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  } catch {
    return 'unreadable';
  }
}

/** Creates the `module` grader. */
export function createModuleGrader(config: GraderConfig, environment: GraderEnvironment): Grader {
  const given = requiredString(config, 'path', 'graders/mine.js');
  const file = path.resolve(environment.baseDir, given);
  if (!EXTENSIONS.has(path.extname(file))) {
    throw new GraderConfigError(`The \`module\` grader's \`path\` must name a .js, .cjs or .mjs file; got \`${given}\`.`);
  }
  let loaded: Promise<GradeFunction> | undefined;
  const load = async (): Promise<GradeFunction> => {
    if (!existsSync(file)) throw new Error(`The grader module \`${given}\` was not found (looked at ${file}).`);
    let exports: Record<string, unknown>;
    try {
      exports = await loadFresh(file);
    } catch (error) {
      throw new Error(`The grader module \`${given}\` could not be loaded: ${(error as Error).message}`);
    }
    const grade = findGrade(exports);
    if (!grade) throw new Error(`The grader module \`${given}\` does not export a \`grade(item, response)\` function.`);
    return grade;
  };
  return {
    type: 'module',
    // The module's content is part of it: an edited module must not be answered from the cache.
    fingerprint: graderFingerprint({ ...config, content: contentHash(file) }, VERSION),
    itemProblem: () => undefined,
    async grade({ item, response }): Promise<GradeResult> {
      if (!environment.workspaceTrusted) {
        throw new Error(`Refusing to run the grader module \`${given}\`: this workspace is not trusted.`);
      }
      loaded ??= load();
      loaded.catch(() => {
        loaded = undefined;
      });
      const grade = await loaded;
      let value: unknown;
      try {
        value = await grade(item, response);
      } catch (error) {
        throw new Error(`The grader module \`${given}\` threw: ${(error as Error)?.message ?? String(error)}`);
      }
      return moduleResult(value, given);
    },
  };
}
