/** `{{slot}}` placeholders: finding them (for diagnostics) and filling them from dataset items. */

export const INOCULATION_SLOT = 'inoculation';

export interface Placeholder {
  /** The path inside the braces, trimmed: `problem`, `test_list[0]`, `meta.title`. */
  name: string;
  /** Offsets of `{{ ... }}` in the searched text. */
  start: number;
  end: number;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*)\s*\}\}/g;

/** Every `{{name}}` in `text`. */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    found.push({ name: match[1]!, start: match.index!, end: match.index! + match[0].length });
  }
  return found;
}

/** The top-level field a placeholder reads (`test_list[0]` reads `test_list`). */
export function placeholderField(name: string): string {
  return /^[A-Za-z_][\w-]*/.exec(name)![0];
}

/** Looks up `test_list[0]` / `meta.title` in an item; undefined when any step is missing. */
export function lookupPath(item: unknown, name: string): unknown {
  let value: unknown = item;
  for (const step of name.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '')) {
    // Own properties only: `{{constructor}}` must not read Object.prototype's.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** How a field value reads inside a prompt: lists one entry a line, objects as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(formatValue).join('\n');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Fills `template` from `item`; `{{inoculation}}` takes `instruction`. When the instruction is empty the slot
 * and one following space vanish, so "problem. {{inoculation}} Return only" reads "problem. Return only".
 * Throws on a slot the item cannot fill, naming it.
 */
export function fillTemplate(template: string, item: Record<string, unknown>, instruction: string): string {
  let out = '';
  let at = 0;
  for (const placeholder of findPlaceholders(template)) {
    out += template.slice(at, placeholder.start);
    at = placeholder.end;
    if (placeholder.name === INOCULATION_SLOT) {
      if (instruction) out += instruction;
      else if (template[at] === ' ') at++;
      continue;
    }
    const value = lookupPath(item, placeholder.name);
    if (value === undefined || value === null) {
      throw new Error(`the item has no field \`${placeholder.name}\` for \`{{${placeholder.name}}}\``);
    }
    out += formatValue(value);
  }
  return out + template.slice(at);
}
