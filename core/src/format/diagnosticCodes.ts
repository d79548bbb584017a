/** Every diagnostic the language service reports: stable codes, default severities and one-line docs. */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface DiagnosticCodeInfo {
  severity: Severity;
  /** One line for docs, hover and the `lint` key's completion. */
  summary: string;
}

export const DIAGNOSTIC_CODES = {
  'yaml-syntax': { severity: 'error', summary: 'The frontmatter is not valid YAML, or is never closed with `---`.' },
  'missing-behavior': { severity: 'error', summary: 'The file has no `behavior:` (or no frontmatter at all).' },
  'missing-key': { severity: 'error', summary: 'A key required by another setting is missing (e.g. `description` for `custom`).' },
  'unknown-key': { severity: 'warning', summary: 'A key this format does not know (a quick fix offers the closest one).' },
  'invalid-value': { severity: 'error', summary: 'A value has the wrong type, is out of range or is not one of the allowed words.' },
  'ignored-key': { severity: 'warning', summary: 'A key that has no effect with the other settings.' },
  'deprecated-form': { severity: 'warning', summary: 'An older form that still works but has a newer one (a quick fix rewrites it).' },
  'no-variants': { severity: 'error', summary: 'The file has no `## name` variant.' },
  'no-candidates': { severity: 'warning', summary: 'Every variant is a `(control)`: nothing to inoculate with.' },
  'missing-variant-name': { severity: 'error', summary: 'A `##` heading without a name.' },
  'duplicate-variant': { severity: 'error', summary: 'Two variants share a name.' },
  'empty-variant': { severity: 'warning', summary: 'A candidate variant with no text (controls may be empty).' },
  'text-before-variant': { severity: 'warning', summary: 'Text between the frontmatter and the first `##` belongs to no variant and is ignored.' },
  'dataset-not-found': { severity: 'error', summary: 'A `dataset:` path that does not exist (relative to the `.inoc` file).' },
  'dataset-invalid': { severity: 'error', summary: 'A dataset line that is not a valid item (first bad line, with its number).' },
  'unresolved-placeholder': { severity: 'error', summary: 'A `{{slot}}` that no dataset field (or the inoculation) fills.' },
  'prohibits-behavior': { severity: 'warning', summary: 'The variant forbids or discourages the behaviour; inoculation works by requesting it.' },
  'off-behavior': { severity: 'warning', summary: 'The candidate never refers to the behaviour, so it will barely elicit it.' },
  'hedged-request': { severity: 'warning', summary: 'Hedges ("might", "if you like", "slightly") weaken the request.' },
  'neutral-leak': { severity: 'error', summary: 'The neutral (test-time) prompt contains a candidate: the inoculation would be present at test time.' },
  'model-shutdown': { severity: 'warning', summary: 'The model (or the fine-tunes built on it) stops being served on a known date.' },
  'fine-tuning-closed': { severity: 'warning', summary: 'The training backend stops accepting new fine-tuning jobs on a known date.' },
  'system-placement': { severity: 'information', summary: 'The paper found user-message placement costs less capability than the system message.' },
} as const satisfies Record<string, DiagnosticCodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export const DIAGNOSTIC_CODE_NAMES = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

export function isDiagnosticCode(value: unknown): value is DiagnosticCode {
  return typeof value === 'string' && Object.hasOwn(DIAGNOSTIC_CODES, value);
}
