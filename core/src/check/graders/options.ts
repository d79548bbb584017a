/** Reading grader options and item fields with clear errors, and the fingerprint every grader exposes. */
import type { GraderConfig } from '../../format/config';
import type { Item } from '../../format/dataset';

/** A grader configuration error: the message names the grader and the option. */
export class GraderConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraderConfigError';
  }
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A string option; `fallback` when absent, an error when it is not text. */
export function stringOption(config: GraderConfig, name: string, fallback?: string): string | undefined {
  const value = Object.hasOwn(config, name) ? config[name] : undefined;
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') {
    throw new GraderConfigError(`The \`${config.type}\` grader's \`${name}\` must be text; got ${describeValue(value)}.`);
  }
  return value;
}

/** A string option that must be present and non-empty. */
export function requiredString(config: GraderConfig, name: string, example: string): string {
  const value = stringOption(config, name);
  if (value === undefined || value.trim() === '') {
    throw new GraderConfigError(
      `The \`${config.type}\` grader needs \`${name}\`, e.g. \`grader: {type: ${config.type}, ${name}: ${example}}\`.`,
    );
  }
  return value;
}

/** A finite number option within [min, max]. */
export function numberOption(config: GraderConfig, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const value = Object.hasOwn(config, name) ? config[name] : undefined;
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = Number.isFinite(min) && Number.isFinite(max) ? ` from ${min} to ${max}` : Number.isFinite(min) ? ` of at least ${min}` : '';
    throw new GraderConfigError(`The \`${config.type}\` grader's \`${name}\` must be a number${range}; got ${describeValue(value)}.`);
  }
  return value;
}

/** A list-of-strings option (numbers are accepted as text). */
export function stringListOption(config: GraderConfig, name: string): string[] | undefined {
  const value = Object.hasOwn(config, name) ? config[name] : undefined;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    throw new GraderConfigError(`The \`${config.type}\` grader's \`${name}\` must be a list of labels; got ${describeValue(value)}.`);
  }
  return value.map((v) => String(v));
}

/** Changes whenever the grading could change: grader type, version and every option (keys sorted). */
export function graderFingerprint(config: GraderConfig, version: number): string {
  return `${config.type}@${version}:${stableJson(config)}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An item's own field (never one of `Object.prototype`'s, whatever name the file gives), or undefined. */
export function itemField(item: Item, field: string): unknown {
  return Object.hasOwn(item, field) ? item[field] : undefined;
}

/** An item field as a scalar label/answer text (trimmed), or undefined when absent or empty. */
export function scalarField(item: Item, field: string): string | undefined {
  const value = itemField(item, field);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

/** Collapses whitespace and keeps at most `max` characters, for one-line details. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
