/**
 * Where check results live: `<workspace>/.inoculate/checks/<slug>/{samples.jsonl,summary.json}` and the shared
 * response cache `<workspace>/.inoculate/cache/responses.jsonl`. The language server uses `checkResultPaths` to
 * find a file's `summary.json`.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ResultsFileSystem } from './resultsFs';

/** The results folder's name under the workspace root. */
export const RESULTS_DIR_NAME = '.inoculate';

/** Every path of one file's check results. */
export interface CheckResultPaths {
  /** `<workspace>/.inoculate` (or the `--results-dir` given). */
  resultsRoot: string;
  /**
   * The folder the user chose, below which no part of a results path may be a symbolic link: the workspace root
   * (so `.inoculate/` itself is checked), or the `--results-dir` given (which itself may be a link).
   */
  trustedRoot: string;
  /** The `.inoc` file relative to the workspace root, with forward slashes (absolute when outside it). */
  relativeFile: string;
  /** `<resultsRoot>/checks/<slug>` */
  checkDir: string;
  /** One append-only record per sample, across runs. */
  samples: string;
  /** The latest `CheckSummary`, replaced atomically. */
  summary: string;
  /** The response cache shared by every file of the workspace. */
  cache: string;
}

/** The line to add to `.gitignore` so results and the cache stay out of version control (offered by the editor). */
export function gitignoreEntry(): string {
  return `${RESULTS_DIR_NAME}/`;
}

/** `inocFile` relative to `workspaceRoot` with forward slashes; the absolute path when it lies outside. */
export function relativeInocPath(workspaceRoot: string, inocFile: string): string {
  const absolute = resolve(workspaceRoot, inocFile);
  const rel = relative(resolve(workspaceRoot), absolute);
  const outside = rel === '' || rel.startsWith('..') || isAbsolute(rel);
  return (outside ? absolute : rel).split(sep).join('/');
}

/**
 * A readable, collision-free folder name for a file's results: the relative path with unsafe characters turned
 * into dashes (capped), plus 8 hex characters of its sha256, e.g. `examples-sycophancy-1f0c2a9b`.
 */
export function checkSlug(relativeFile: string): string {
  const readable = relativeFile
    .replace(/\.inoc$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  const hash = createHash('sha256').update(relativeFile, 'utf8').digest('hex').slice(0, 8);
  return `${readable || 'file'}-${hash}`;
}

/** Where the results of the check of `inocFile` go. `resultsRoot` overrides `<workspaceRoot>/.inoculate`. */
export function checkResultPaths(workspaceRoot: string, inocFile: string, resultsRoot?: string): CheckResultPaths {
  const root = resolve(resultsRoot ?? join(workspaceRoot, RESULTS_DIR_NAME));
  const relativeFile = relativeInocPath(workspaceRoot, inocFile);
  const checkDir = join(root, 'checks', checkSlug(relativeFile));
  return {
    resultsRoot: root,
    trustedRoot: resultsRoot === undefined ? resolve(workspaceRoot) : root,
    relativeFile,
    checkDir,
    samples: join(checkDir, 'samples.jsonl'),
    summary: join(checkDir, 'summary.json'),
    cache: join(root, 'cache', 'responses.jsonl'),
  };
}

/**
 * Refuses, before anything is written, results paths in which a folder below `paths.trustedRoot` or the file itself
 * is a symbolic link or of the wrong type (ResultsFileError, see `ResultsFileSystem.checkResultsPath`).
 */
export async function checkResultPathsSafe(fs: Pick<ResultsFileSystem, 'checkResultsPath'>, paths: CheckResultPaths): Promise<void> {
  for (const path of [paths.samples, paths.summary, paths.cache]) await fs.checkResultsPath(paths.trustedRoot, path);
}

/** Markers of a project's root: its results folder or its repository. The nearest one wins. */
const ROOT_MARKERS = [RESULTS_DIR_NAME, '.git'];
/** A package's manifest marks a root only when no folder above holds a root marker (a package of a monorepo is not one). */
const PACKAGE_MARKER = 'package.json';

const isInside = (folder: string, path: string) => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * The workspace root of `inocFile`, under which its results (`.inoculate/`) live; the editor and the CLI both ask
 * this, so they record in the same place:
 * - inside one of `workspaceFolders` (the editor's open folders; the innermost when nested): that folder, where
 *   the editor's views read results;
 * - else the nearest ancestor holding `.inoculate/` or `.git` (the repository's root when it is the folder opened
 *   in the editor, even if a subfolder has its own `package.json`);
 * - else the nearest ancestor holding `package.json`;
 * - else `fallback` (the current directory).
 */
export async function findWorkspaceRoot(fs: Pick<ResultsFileSystem, 'exists'>, inocFile: string, fallback: string, workspaceFolders: readonly string[] = []): Promise<string> {
  const file = resolve(inocFile);
  const folder = workspaceFolders
    .map((f) => resolve(f))
    .filter((f) => isInside(f, file))
    .sort((a, b) => b.length - a.length)[0];
  if (folder) return folder;
  let nearestPackage: string | undefined;
  let dir = dirname(file);
  for (;;) {
    for (const marker of ROOT_MARKERS) {
      if (await fs.exists(join(dir, marker))) return dir;
    }
    if (nearestPackage === undefined && (await fs.exists(join(dir, PACKAGE_MARKER)))) nearestPackage = dir;
    const parent = dirname(dir);
    if (parent === dir) return nearestPackage ?? resolve(fallback);
    dir = parent;
  }
}
