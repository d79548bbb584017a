/** The arms of an elicitation check: every variant of a `.inoc` file, plus a synthetic control when it has none. */
import { createHash } from 'node:crypto';
import type { InocConfig } from '../format/config';
import type { InocDocument } from '../format/parse';

/** One arm: an instruction inserted into every sampled item. */
export interface Arm {
  name: string;
  control: boolean;
  /** The text inserted (the variant's text, or the file's `neutral` for the synthetic control). */
  instruction: string;
  /** `instructionHash(instruction)`; the editor shows a result only while the text still matches. */
  instructionHash: string;
  /** True for the control added from `neutral` because no variant is marked `(control)`. */
  synthetic: boolean;
}

/** Name of the control arm added when no variant is marked `(control)`. */
export const NEUTRAL_ARM = 'neutral';

/** Thrown when the arms cannot be formed (no variants, a nameless or duplicate variant, an unknown `--variant`). */
export class ArmsError extends Error {}

/** sha256 of the instruction text, hex, first 16 characters. */
export function instructionHash(instruction: string): string {
  return createHash('sha256').update(instruction, 'utf8').digest('hex').slice(0, 16);
}

/**
 * The arms of `doc` in file order, controls included; the synthetic `neutral` control (when there is no
 * `(control)` variant) comes last. `only` keeps the named variants, plus the first control, which every lift
 * is measured against. The first control arm in the result is the reference arm.
 */
export function armsOf(doc: InocDocument, config: Pick<InocConfig, 'neutral'>, only: readonly string[] = []): Arm[] {
  const where = doc.uri ? ` in ${doc.uri}` : '';
  if (doc.variants.length === 0) {
    throw new ArmsError(`There are no variants${where}: add at least one \`## name\` section with a candidate prompt.`);
  }
  const seen = new Set<string>();
  const arms: Arm[] = [];
  for (const variant of doc.variants) {
    const line = doc.lines.positionAt(variant.headingStart).line + 1;
    if (!variant.name) throw new ArmsError(`The \`##\` heading on line ${line}${where} has no name.`);
    if (seen.has(variant.name)) {
      throw new ArmsError(`Two variants are named '${variant.name}'${where} (line ${line}): rename one, results are kept by name.`);
    }
    seen.add(variant.name);
    arms.push(makeArm(variant.name, variant.control, variant.text, false));
  }
  if (!arms.some((arm) => arm.control)) {
    // A variant may already be called `neutral`; the synthetic arm must not take its name.
    let name = NEUTRAL_ARM;
    while (seen.has(name)) name = `(${name})`;
    arms.push(makeArm(name, true, config.neutral, true));
  }
  if (only.length === 0) return arms;
  const available = arms.map((arm) => arm.name);
  for (const wanted of only) {
    if (!available.includes(wanted)) {
      throw new ArmsError(`No variant named '${wanted}'${where}. Variants: ${available.map((name) => `'${name}'`).join(', ')}.`);
    }
  }
  const reference = arms.find((arm) => arm.control)!;
  return arms.filter((arm) => arm === reference || only.includes(arm.name));
}

/** The arm every lift is measured against: the first control. */
export function referenceArm(arms: readonly Arm[]): Arm | undefined {
  return arms.find((arm) => arm.control);
}

function makeArm(name: string, control: boolean, instruction: string, synthetic: boolean): Arm {
  return { name, control, instruction, instructionHash: instructionHash(instruction), synthetic };
}
