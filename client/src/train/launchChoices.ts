/**
 * What "Launch Training" offers before anything is built: the variants (the best measured candidates preselected
 * from the file's latest check, the no-inoculation baseline always offered and preselected), the seeds, and the
 * backends (the file's first; the command backend with the file's preset). Pure: the command turns these into
 * QuickPick items, and the tests read them as data.
 */
import { formatMeasurement, liftAboveZero } from '../../../core/src/check/formatMeasurement';
import type { CheckSummary } from '../../../core/src/check/types';
import type { CommandPreset, TrainSettings } from '../../../core/src/train/settings';

/** The name the baseline item carries in a pick (never a variant name: those cannot contain a newline). */
export const BASELINE_CHOICE = '\n(baseline)';

/** One item of the variants pick. */
export interface ArmChoice {
  /** The variant's name, or {@link BASELINE_CHOICE}. */
  name: string;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

/** A variant of the file as the pick needs it. */
export interface VariantInfo {
  name: string;
  control: boolean;
  text: string;
  /** Its current instruction hash (to tell whether the check measured this text). */
  instructionHash: string;
  /** Predicted elicitation strength, when scored. */
  predicted: number | null;
}

/** Why the preselection is what it is, said once above the list. */
export type PreselectionReason = 'requested' | 'file' | 'measured' | 'all';

const oneLine = (text: string, max = 120) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * The candidates to preselect: `requested` (a code lens's variant) if given; else the file's `train.variants`; else the
 * measured candidates whose lift over the control lies above 0 (the best measured; a stale measurement does not
 * count), or the highest measured rate when none does; else every candidate, as the CLI would.
 */
export function preselectedVariants(
  variants: readonly VariantInfo[],
  fileVariants: readonly string[] | undefined,
  summary: CheckSummary | undefined,
  requested?: string,
): { names: string[]; reason: PreselectionReason } {
  const names = new Set(variants.map((v) => v.name));
  if (requested !== undefined && names.has(requested)) return { names: [requested], reason: 'requested' };
  const fromFile = (fileVariants ?? []).filter((name) => names.has(name));
  if (fromFile.length) return { names: fromFile, reason: 'file' };
  const candidates = variants.filter((v) => !v.control && v.text);
  const measured = candidates
    .map((v) => ({ variant: v, arm: summary?.arms.find((a) => a.name === v.name && !a.control && a.n > 0 && a.instructionHash === v.instructionHash) }))
    .filter((m): m is { variant: VariantInfo; arm: NonNullable<typeof m.arm> } => !!m.arm);
  const above = measured.filter((m) => liftAboveZero(m.arm.liftCi)).map((m) => m.variant.name);
  if (above.length) return { names: above, reason: 'measured' };
  if (measured.length) {
    const best = [...measured].sort((a, b) => b.arm.rate - a.arm.rate)[0]!;
    return { names: [best.variant.name], reason: 'measured' };
  }
  return { names: candidates.map((v) => v.name), reason: 'all' };
}

/** The items of the variants pick: candidates first (best measured first), then controls, then the baseline. */
export function armChoices(variants: readonly VariantInfo[], neutral: string, summary: CheckSummary | undefined, preselected: readonly string[]): ArmChoice[] {
  const measuredOf = (v: VariantInfo) => summary?.arms.find((a) => a.name === v.name && a.n > 0);
  const rateOf = (v: VariantInfo) => {
    const arm = measuredOf(v);
    return arm && arm.instructionHash === v.instructionHash ? arm.rate : -1;
  };
  const ordered = [...variants.filter((v) => !v.control && v.text)].sort((a, b) => rateOf(b) - rateOf(a));
  const controls = variants.filter((v) => v.control);
  const items: ArmChoice[] = [...ordered, ...controls].map((v) => {
    const arm = measuredOf(v);
    const parts: string[] = [];
    if (arm) {
      const stale = arm.instructionHash !== v.instructionHash;
      parts.push(`measured ${formatMeasurement(arm)}${!v.control && liftAboveZero(arm.liftCi) ? ', above 0' : ''}${stale ? ' (edited since the check)' : ''}`);
    } else if (!v.control) parts.push('not measured');
    if (v.predicted !== null) parts.push(`predicted ${v.predicted.toFixed(2)}`);
    return {
      name: v.name,
      label: v.control ? `${v.name} (control)` : v.name,
      description: parts.join(' · '),
      detail: oneLine(v.text || '(empty)'),
      picked: preselected.includes(v.name),
    };
  });
  items.push({
    name: BASELINE_CHOICE,
    label: 'baseline (no inoculation)',
    description: 'every comparison needs it',
    detail: oneLine(neutral ? `the neutral prompt: ${neutral}` : 'the training data without any instruction'),
    picked: true,
  });
  return items;
}

/** What the pick says above the list about the preselection. */
export function preselectionNote(reason: PreselectionReason): string {
  switch (reason) {
    case 'requested':
      return 'The variant you chose and the baseline are selected.';
    case 'file':
      return "Selected: the file's train.variants and the baseline.";
    case 'measured':
      return "Selected: the best measured candidates of the file's latest check and the baseline.";
    case 'all':
      return 'Selected: every candidate (no check measured them yet) and the baseline.';
  }
}

/** Seeds as the input box shows them: a count (`3` for 0, 1, 2) or a list (`1, 5`). */
export function seedsText(seeds: readonly number[]): string {
  return seeds.every((seed, index) => seed === index) ? String(seeds.length) : seeds.join(', ');
}

/** Reads the seeds typed: a count from 1 to 100 (seeds 0..N-1) or a list of distinct whole numbers; else an error. */
export function parseSeeds(input: string): number[] | { error: string } {
  const text = input.trim();
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 1 || count > 100) return { error: 'Give from 1 to 100 seeds.' };
    return Array.from({ length: count }, (_, i) => i);
  }
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return { error: 'Give a number of seeds (3 means seeds 0, 1, 2) or the seeds themselves (1, 5, 9).' };
  if (parts.some((p) => !/^\d+$/.test(p))) return { error: 'Seeds are whole numbers: a count (3) or a list (1, 5, 9).' };
  const seeds = parts.map(Number);
  if (seeds.some((seed) => seed > 2 ** 31 - 1)) return { error: 'Seeds must be below 2147483648.' };
  if (new Set(seeds).size !== seeds.length) return { error: 'Each seed once: a seed is one run.' };
  if (seeds.length > 100) return { error: 'Give at most 100 seeds.' };
  return seeds;
}

/** What each preset of the command backend runs on (the only client-side knowledge of presets). */
export const PRESET_TITLES: Readonly<Record<CommandPreset, string>> = {
  local: 'a process on this machine',
  slurm: 'a Slurm job (sbatch)',
  skypilot: 'a SkyPilot managed job',
  kubernetes: 'a Kubernetes Job (kubectl)',
  ray: 'a Ray job',
};

/** One item of the backend pick. */
export interface BackendChoice {
  backend: TrainSettings['backend'];
  label: string;
  description: string;
  detail: string;
}

const BACKEND_DETAILS: Readonly<Record<'openai' | 'together', { label: string; detail: string }>> = {
  openai: { label: 'openai', detail: "OpenAI's fine-tuning API (or a service implementing it): a hosted ft: model" },
  together: { label: 'together', detail: "Together's fine-tuning API (LoRA): a hosted model, its adapter downloadable" },
};

/**
 * The backends to offer: the file's first (marked), then the other hosted APIs, then the command backend when the
 * file describes one (`train.command`: it needs the trainer and its preset from the file).
 */
export function backendChoices(settings: TrainSettings, fileTarget: string): BackendChoice[] {
  const choices: BackendChoice[] = [];
  const command = settings.command;
  const commandChoice = (): BackendChoice | undefined =>
    command ? { backend: 'command', label: `command: ${command.preset}`, description: '', detail: `Your trainer on ${PRESET_TITLES[command.preset] ?? command.preset}, from train.command` } : undefined;
  const of = (backend: TrainSettings['backend']): BackendChoice | undefined =>
    backend === 'command' ? commandChoice() : { backend, label: BACKEND_DETAILS[backend].label, description: '', detail: BACKEND_DETAILS[backend].detail };
  const first = of(settings.backend);
  if (first) choices.push({ ...first, description: `from the file · ${fileTarget}` });
  for (const backend of ['openai', 'together', 'command'] as const) {
    if (backend === settings.backend) continue;
    const choice = of(backend);
    if (choice) choices.push(choice);
  }
  return choices;
}
