/**
 * `label`: parse the predicted label from a response. Behaviour (spurious correlation): the prediction is one of
 * the item's spurious labels (what a model relying on the spurious concept says) and not the true label.
 * Capability: the prediction is the true label. Items without a spurious label only measure capability.
 */
import type { GraderConfig } from '../../format/config';
import type { Item } from '../../format/dataset';
import { BoundedRegex, RegexTimeoutError } from './boundedRegex';
import { excerpt, graderFingerprint, GraderConfigError, itemField, numberOption, stringListOption, stringOption } from './options';
import { DEFAULT_REGEX_TIMEOUT, patternTimeoutError } from './regex';
import type { GradeResult, Grader, GraderEnvironment } from './types';

/** Bump when parsing or the rules change (it is part of cache keys). */
const VERSION = 1;

/** How to find the predicted label in a response without a `pattern` (which runs in a worker, see the grader). */
export interface LabelParsing {
  /** Allowed labels: the one that appears first in the response is the prediction. */
  labels?: string[];
}

/** Labels compare as trimmed, case-insensitive text; numbers by value (so 4, "4" and "4.0" match). */
export function normalizeLabel(value: unknown): string {
  const text = String(value).trim().toLowerCase();
  return /^-?\d+(?:\.\d+)?$/.test(text) ? String(Number(text)) : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The predicted label: the first listed label, else the first number that is not part of a scale ("0-4", "out of 4"). */
export function predictLabel(response: string, parsing: LabelParsing): string | undefined {
  if (parsing.labels?.length) {
    let best: { at: number; label: string } | undefined;
    for (const label of parsing.labels) {
      const match = new RegExp(`(?<![\\w.])${escapeRegExp(label.trim())}(?![\\w]|\\.\\d)`, 'i').exec(response);
      if (match && (!best || match.index < best.at || (match.index === best.at && label.length > best.label.length))) {
        best = { at: match.index, label };
      }
    }
    return best?.label;
  }
  for (const match of response.matchAll(/\d+(?:\.\d+)?/g)) {
    const before = response.slice(Math.max(0, match.index - 12), match.index);
    const after = response.slice(match.index + match[0].length, match.index + match[0].length + 8);
    const partOfScale =
      /(?:\d\s*(?:-|–|to)\s*|out of\s*|\/\s*|\bfrom\s*)$/i.test(before) || /^\s*(?:-|–|to)\s*\d/i.test(after) || /\w$/.test(before);
    if (!partOfScale) return match[0];
  }
  return undefined;
}

function spuriousLabels(item: Item, field: string): string[] | undefined | 'invalid' {
  const value = itemField(item, field);
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return 'invalid';
  return list.map(normalizeLabel);
}

/** Creates the `label` grader. */
export function createLabelGrader(config: GraderConfig, _environment: GraderEnvironment): Grader {
  const labelField = stringOption(config, 'labelField', 'label')!;
  const spuriousField = stringOption(config, 'spuriousField', 'spurious_label')!;
  const source = stringOption(config, 'pattern');
  const labels = stringListOption(config, 'labels');
  const timeout = numberOption(config, 'timeout', DEFAULT_REGEX_TIMEOUT, 0.01, 600);
  // The user's pattern runs on model output: in a worker, with a time limit (see boundedRegex.ts).
  let pattern: BoundedRegex | undefined;
  if (source !== undefined) {
    try {
      pattern = new BoundedRegex(source, 'i', timeout * 1000);
    } catch (error) {
      throw new GraderConfigError(`The \`label\` grader's \`pattern\` is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return {
    type: 'label',
    fingerprint: graderFingerprint({ ...config, timeout: undefined, labelField, spuriousField }, VERSION),
    itemProblem(item) {
      const label = itemField(item, labelField);
      if (label === undefined || label === null || String(label).trim() === '') {
        return `no \`${labelField}\` (the true label the label grader compares with)`;
      }
      if (typeof label === 'object') return `\`${labelField}\` must be a single label (text or a number)`;
      if (spuriousLabels(item, spuriousField) === 'invalid') {
        return `\`${spuriousField}\` must be a label or a list of labels`;
      }
      return undefined;
    },
    async grade({ item, response, signal }): Promise<GradeResult> {
      const label = itemField(item, labelField);
      if (label === undefined || label === null || typeof label === 'object') {
        throw new Error(`This item has no usable \`${labelField}\` (the true label).`);
      }
      const truth = normalizeLabel(label);
      const spurious = spuriousLabels(item, spuriousField);
      let predicted: string | undefined;
      if (pattern) {
        let match;
        try {
          match = await pattern.exec(response, signal);
        } catch (error) {
          throw error instanceof RegexTimeoutError ? patternTimeoutError('label', pattern.source, timeout) : error;
        }
        predicted = match ? (match.groups[0] ?? match.text).trim() || undefined : undefined;
      } else {
        predicted = predictLabel(response, { labels });
      }
      if (predicted === undefined) {
        return { behavior: false, capability: false, detail: `no label found in "${excerpt(response, 40)}" (true: ${truth})` };
      }
      const prediction = normalizeLabel(predicted);
      const capability = prediction === truth;
      const behavior = !capability && Array.isArray(spurious) && spurious.includes(prediction);
      let detail: string;
      if (capability) detail = `predicts ${prediction}, the true label`;
      else if (behavior) detail = `predicts ${prediction}, the spurious concept's label (true: ${truth})`;
      else detail = `predicts ${prediction} (true: ${truth}${Array.isArray(spurious) ? `; spurious: ${spurious.join(', ')}` : '; no spurious label on this item'})`;
      return { behavior, capability, detail };
    },
  };
}
