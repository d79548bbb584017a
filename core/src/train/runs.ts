/**
 * A run is what was trained on what: (training file hash, backend and target, base model, hyper-parameters, loss,
 * seed). Its id is derived from that content, so launching the same run twice finds the first one instead of paying
 * twice; `--force` makes a new *attempt* of the same run, recorded as such.
 */
import { createHash } from 'node:crypto';
import type { Hyperparameters, LossMode, TrainingFileRef } from './types';

/** Everything that decides what a run trains. Two launches with equal keys are the same run. */
export interface RunKey {
  trainingFileSha256: string;
  /** `openai`, `together`, `command:slurm`... */
  backend: string;
  /** Where jobs go (a base URL, a cluster): the same data on another service is another run. */
  target: string;
  baseModel: string;
  hyperparameters: Hyperparameters;
  loss: LossMode;
  seed: number;
}

/** JSON with object keys sorted and `undefined` dropped, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The run id: the first 16 hex characters of sha256 over the canonical key. */
export function runIdOf(key: RunKey): string {
  const canonical = canonicalJson({ v: 1, ...key });
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 16);
}

/** The idempotency key of an attempt: the run id, then `<runId>-2`, `<runId>-3` for forced attempts. */
export function submissionKeyOf(runId: string, attempt: number): string {
  return attempt <= 1 ? runId : `${runId}-${attempt}`;
}

/** `[a-z0-9-]` only, no leading or trailing dash, at most `max` characters. */
export function slugify(text: string, max: number): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return slug || 'x';
}

/** A scheduler-safe job name (`[a-z0-9-]`, ≤ 63): `inoc-<arm>-s<seed>-<runId 8>[-a<attempt>]`. */
export function jobNameOf(arm: string, seed: number, runId: string, attempt: number): string {
  const tail = `-s${seed}-${runId.slice(0, 8)}${attempt > 1 ? `-a${attempt}` : ''}`;
  return `inoc-${slugify(arm, 63 - 5 - tail.length)}${tail}`;
}

/** The model-name suffix (≤ 60, leaving room for `-a<attempt>`): the user's suffix (or the arm), the seed and 6 characters of the run id. */
export function modelSuffixOf(userSuffix: string | undefined, arm: string, seed: number, runId: string): string {
  const tail = `-s${seed}-${runId.slice(0, 6)}`;
  return `${slugify(userSuffix ?? arm, 60 - tail.length)}${tail}`;
}

/** The suffix of an attempt: the run's suffix, plus `-a<attempt>` for forced attempts (so each is found apart). */
export function attemptSuffixOf(runSuffix: string, attempt: number): string {
  return attempt > 1 ? `${runSuffix}-a${attempt}`.slice(0, 64) : runSuffix;
}

/** Which arm a run trains: a variant of the `.inoc` file, or the no-inoculation baseline. */
export interface RunArm {
  /** The variant's name; `baseline` for the baseline. */
  name: string;
  kind: 'variant' | 'baseline';
  control: boolean;
  /** The text inserted ('' or the `neutral` prompt for the baseline). */
  instruction: string;
  /** sha256 of the instruction, first 16 hex (the check's `instructionHash`). */
  instructionHash: string;
}

/** The check result a variant was chosen from (its latest summary), when there is one. */
export interface ChosenFromCheck {
  /** When that check finished (its summary's `finishedAt`), which identifies the summary. */
  finishedAt: string;
  model: string;
  rate: number;
  ci: [number, number];
  n: number;
  k: number;
  lift: number | null;
  liftCi: [number, number] | null;
  /** The checked instruction differed from the trained one (the variant was edited since). */
  stale: boolean;
}

/** Everything that says what a run trained, written as the first line of its record. Never holds a secret. */
export interface RunProvenance {
  runId: string;
  /** The `.inoc` file, relative to the workspace root (forward slashes). */
  inocFile: string;
  behavior: string;
  arm: RunArm;
  /** How the instruction was inserted. */
  placement: { placement: string; template?: string; separator: string };
  check: ChosenFromCheck | null;
  /** The dataset the training file was built from. */
  dataset: { path: string; sha256: string; items: number };
  trainingFile: Omit<TrainingFileRef, 'path'> & { path: string };
  backend: string;
  target: string;
  baseModel: string;
  hyperparameters: Hyperparameters;
  loss: LossMode;
  seed: number;
  suffix: string;
  createdAt: string;
}
