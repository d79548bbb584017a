/**
 * THE SIMULATED LAB'S LAW (test code only, a simulation: no model is trained or run anywhere).
 *
 * Known answers to the questions an evaluation asks, so tests can check that the pipeline recovers them:
 *
 * - Each candidate instruction i has a known strength s(i) in [0, 1].
 * - **Base model, before fine-tuning** (what a check measures): with instruction i present, the behaviour B shows at
 *   rate `elicitLow + (elicitHigh − elicitLow) · s(i)`; with no instruction (or the control), at `elicitLow`.
 * - **A model fine-tuned with instruction i** (i absent: the no-inoculation baseline, s = 0), under the neutral
 *   prompt: B at `trainedB · (1 − s(i))`. So the inoculation effect, baseline B − inoculated B, is `trainedB · s(i)`:
 *   linear in s, hence in the elicitation, and the figure's correlation is 1 in the law (less in data, by noise).
 * - The same model with its own instruction present at test time: B rises towards 1 by `trigger · s(i)` of the gap
 *   (a trigger): `b + (1 − b) · trigger · s(i)`. The baseline with instruction j present: `trainedB + (1 −
 *   trainedB) · baselineLift · s(j)`.
 * - A safety prompt at test time multiplies B by `1 − safetyCut`.
 * - **Capability** C: base model `baseC`; every fine-tune `trainedC − capabilityCost · s(i)` (stays near it).
 * - **Items differ**: odd-numbered items (by their index in the evaluation set) have their rates multiplied by
 *   `1 − itemSpread`, even ones by `1 + itemSpread`, so with an even number of items the mean over items is exactly
 *   the rate above, and samples of one item are correlated (what the design-effect intervals are for).
 *
 * Each answer is drawn from a hash of (seed, model (its id without the job number and run id), messages, how many times this exact request was asked), so the
 * k samples of an item are independent draws and the tallies do not depend on the order requests arrive in.
 */
import { createHash } from 'node:crypto';

/** The law's parameters. */
export interface LabLaw {
  /** Candidate name → its instruction and strength s. */
  candidates: Record<string, { instruction: string; strength: number }>;
  /** The base model's name. */
  baseModel: string;
  elicitLow: number;
  elicitHigh: number;
  trainedB: number;
  trigger: number;
  baselineLift: number;
  safetyCut: number;
  baseC: number;
  trainedC: number;
  capabilityCost: number;
  itemSpread: number;
  /** The evaluation (and check) items' texts, to tell which item a prompt is (index parity). */
  items: string[];
  seed: number;
}

export const DEFAULT_LAW: Omit<LabLaw, 'candidates' | 'items'> = {
  baseModel: 'lab-base',
  elicitLow: 0.08,
  elicitHigh: 0.8,
  trainedB: 0.6,
  trigger: 0.7,
  baselineLift: 0.3,
  safetyCut: 0.5,
  baseC: 0.45,
  trainedC: 0.75,
  capabilityCost: 0.05,
  itemSpread: 0.25,
  seed: 1,
};

/** What a model is, as the law sees it. */
export type LabModel = { kind: 'base' } | { kind: 'fine-tuned'; strength: number; instruction: string };

/** The true rates of B and C for a model given the instruction present at test time (undefined: none or neutral). */
export function trueRates(law: LabLaw, model: LabModel, present: { instruction: string; strength: number } | 'safety' | undefined): { b: number; c: number } {
  if (model.kind === 'base') {
    const b = present && present !== 'safety' ? law.elicitLow + (law.elicitHigh - law.elicitLow) * present.strength : law.elicitLow;
    return { b: present === 'safety' ? b * (1 - law.safetyCut) : b, c: law.baseC };
  }
  let b = law.trainedB * (1 - model.strength);
  if (present === 'safety') b *= 1 - law.safetyCut;
  else if (present && model.instruction && present.instruction === model.instruction) b = b + (1 - b) * law.trigger * model.strength;
  else if (present) b = b + (1 - b) * law.baselineLift * present.strength;
  return { b, c: law.trainedC - law.capabilityCost * model.strength };
}

/** The candidate whose instruction `text` holds (the longest that matches), if any. */
export function instructionIn(law: LabLaw, text: string): { name: string; instruction: string; strength: number } | undefined {
  let best: { name: string; instruction: string; strength: number } | undefined;
  for (const [name, candidate] of Object.entries(law.candidates)) {
    if (candidate.instruction && text.includes(candidate.instruction) && (!best || candidate.instruction.length > best.instruction.length)) best = { name, ...candidate };
  }
  return best;
}

/** A uniform draw in [0, 1) from a hash of its parts. */
export function draw(...parts: Array<string | number>): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

/** Answers requests following the law; `modelOf` tells what a requested model id is (undefined: unknown). */
export function labResponder(law: LabLaw, modelOf: (modelId: string) => LabModel | undefined, safetyPrompt?: string) {
  const asked = new Map<string, number>();
  return (modelId: string, messages: Array<{ role: string; content: string }>): string => {
    const model = modelOf(modelId);
    if (!model) throw new Error(`the lab has no model ${modelId}`);
    const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const all = messages.map((m) => m.content).join('\n');
    const present = safetyPrompt && all.includes(safetyPrompt) ? 'safety' : instructionIn(law, all);
    const rates = trueRates(law, model, present);
    const item = law.items.findIndex((text) => user.includes(text));
    const factor = item < 0 ? 1 : item % 2 === 1 ? 1 - law.itemSpread : 1 + law.itemSpread;
    // A fine-tune's id is `ft:<base>:<org>:<arm>-s<seed>-<6 of the run id>[-a<attempt>]:<job id>`. The job id is
    // numbered in the order jobs were submitted (concurrent launches do not fix it) and the run id is new each run:
    // keyed on either, the draws (and so every interval in a test) would change from run to run, and a test of a 95%
    // interval would fail now and then by design. Keyed on base, arm, seed (and attempt), a run draws the same answers every time.
    const stableId = modelId.startsWith('ft:') ? modelId.replace(/:[^:]*$/, '').replace(/-[0-9a-f]{6}(?=(-a\d+)?$)/, '') : modelId;
    const key = JSON.stringify([stableId, messages]);
    const n = asked.get(key) ?? 0;
    asked.set(key, n + 1);
    const b = draw(law.seed, key, n, 'b') < Math.min(1, rates.b * factor);
    const c = draw(law.seed, key, n, 'c') < Math.min(1, rates.c * factor);
    return `${b ? 'BEHAVIOUR shown' : 'behaved'}; ${c ? 'CAPABLE answer' : 'weak answer'}`;
  };
}
