/** Diagnostics for a `.inoc` file: format, frontmatter, datasets, placeholders and the inoculation rules. */
import type { Range } from 'vscode-languageserver-types';
import { URI, Utils } from 'vscode-uri';
import { BEHAVIORS } from '../format/behaviors';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_CODE_NAMES, isDiagnosticCode, type DiagnosticCode, type Severity } from '../format/diagnosticCodes';
import type { GraderConfig } from '../format/config';
import type { ParsedDataset } from '../format/dataset';
import { createGrader } from '../check/graders';
import type { GraderEnvironment } from '../check/graders/types';
import { variantTextRange, type Variant } from '../format/parse';
import { findPlaceholders, INOCULATION_SLOT, placeholderField } from '../format/placeholders';
import type { DocumentAnalysis } from './analysis';
import { analyzeRules, PRIOR } from '../scoring/score';
import type { BehaviorContext } from '../scoring/types';
import type { DatasetCache } from './datasets';
import { resolveRelative } from './host';
import { isStarterTarget } from './starterDataset';
import { closestMatch } from '../text/suggest';
import type { ModelDatesCache } from '../train/modelDates';
import { checkTrainingDates } from './trainDates';

/** A quick fix carried by a diagnostic: replace `range` with `newText`. */
export interface DiagnosticFix {
  title: string;
  range: Range;
  newText: string;
}

export interface InocDiagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
  /** Set when the diagnostic sits inside a variant (used by "disable for this variant"). */
  variant?: string;
  fixes?: DiagnosticFix[];
  /** Marks text that has no effect (shown faded). */
  unnecessary?: boolean;
  /** On `dataset-not-found`: a starter dataset may be created there (missing, and inside the file's folder, links resolved). */
  starter?: boolean;
}

export interface DiagnosticOptions {
  /** Severity overrides from settings (`inoculate.diagnostics.severity`); the file's `lint:` wins over these. */
  severityOverrides?: Partial<Record<string, Severity | 'off'>>;
  /** Today, for dated diagnostics (tests pass a fixed day). */
  today?: Date;
  /** What training preflights learned about model shutdown dates (`.inoculate/train/models.json`). */
  modelDates?: ModelDatesCache;
}

export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

/** Every diagnostic for the analysed document, after suppressions and severity overrides. */
export async function computeDiagnostics(
  analysis: DocumentAnalysis,
  datasets: DatasetCache,
  options: DiagnosticOptions = {},
  token?: CancellationLike,
): Promise<InocDiagnostic[]> {
  const found: InocDiagnostic[] = [];
  const { doc } = analysis;
  const report = (code: DiagnosticCode, message: string, range: Range, extra: Partial<InocDiagnostic> = {}) => {
    found.push({ code, severity: DIAGNOSTIC_CODES[code].severity, message, range, ...extra });
  };

  for (const problem of analysis.frontmatter.problems) {
    const range = doc.lines.rangeOf(problem.start, problem.end);
    report(problem.code, problem.message, range, {
      fixes: problem.fix ? [{ title: problem.fix.title, range, newText: problem.fix.newText }] : undefined,
    });
  }
  checkStructure(analysis, report);
  if (!(await checkInoculationRules(analysis, report, token))) return [];
  checkNeutralLeak(analysis, report);
  checkTrainingDates(analysis, report, options.today ?? new Date(), options.modelDates);
  if (token?.isCancellationRequested) return [];
  await checkDatasetsAndPlaceholders(analysis, datasets, report);
  if (token?.isCancellationRequested) return [];
  return applySuppressions(analysis, found, options);
}

type Report = (code: DiagnosticCode, message: string, range: Range, extra?: Partial<InocDiagnostic>) => void;

function headingRange(analysis: DocumentAnalysis, variant: Variant): Range {
  return analysis.doc.lines.rangeOf(variant.headingStart, variant.headingEnd);
}

function nameRange(analysis: DocumentAnalysis, variant: Variant): Range {
  if (variant.nameEnd > variant.nameStart) return analysis.doc.lines.rangeOf(variant.nameStart, variant.nameEnd);
  return headingRange(analysis, variant);
}

function checkStructure(analysis: DocumentAnalysis, report: Report): void {
  const { doc } = analysis;
  if (doc.variants.length === 0) {
    const at = doc.lines.rangeOf(doc.bodyStart, doc.bodyStart);
    report('no-variants', 'No candidates: add a line `## name` followed by the instruction text.', at);
  } else if (doc.variants.every((v) => v.control)) {
    report(
      'no-candidates',
      'Every variant is a `(control)`: add at least one candidate instruction that requests the behaviour.',
      headingRange(analysis, doc.variants[0]!),
    );
  }
  const seen = new Map<string, Variant>();
  const taken = new Set(doc.variants.map((v) => v.name.toLowerCase()));
  const nextSuffix = new Map<string, number>();
  for (const variant of doc.variants) {
    if (!variant.name) {
      report('missing-variant-name', 'This heading has no name: write `## name` (add ` (control)` for a control arm).', headingRange(analysis, variant), {
        fixes: [{ title: 'Name it', range: headingRange(analysis, variant), newText: `## variant-${variant.index + 1}` }],
      });
      continue;
    }
    const key = variant.name.toLowerCase();
    const first = seen.get(key);
    if (first) {
      const line = doc.lines.positionAt(first.headingStart).line + 1;
      const unique = uniqueName(variant.name, taken, nextSuffix);
      taken.add(unique.toLowerCase());
      report('duplicate-variant', `Another variant is already named '${first.name}' (line ${line}): names must be unique.`, nameRange(analysis, variant), {
        variant: variant.name,
        fixes: [{ title: `Rename to '${unique}'`, range: nameRange(analysis, variant), newText: unique }],
      });
    } else {
      seen.set(key, variant);
    }
    if (!variant.control && !variant.text) {
      report('empty-variant', `'${variant.name}' has no text: write the instruction below the heading, or remove it.`, nameRange(analysis, variant), {
        variant: variant.name,
      });
    }
  }
  for (const comment of doc.comments) {
    for (const code of comment.disables) {
      if (isDiagnosticCode(code)) continue;
      const suggestion = closestMatch(code, DIAGNOSTIC_CODE_NAMES);
      report(
        'unknown-key',
        `\`inoculate-disable\` names an unknown diagnostic code \`${code}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        doc.lines.rangeOf(comment.start, comment.end),
      );
    }
  }
  for (const stray of doc.strayText) {
    const range = doc.lines.rangeOf(stray.start, stray.end);
    report(
      'text-before-variant',
      'This text belongs to no variant and is ignored: move it under a `## name` heading, or make it a `<!-- comment -->`.',
      range,
      {
        unnecessary: true,
        fixes: [{ title: 'Turn into a comment', range, newText: `<!-- ${doc.text.slice(stray.start, stray.end).replace(/--+>?/g, '-')} -->` }],
      },
    );
  }
}

/** `name-2`, `name-3`, ...: the first not taken; `next` remembers where each name got to, keeping this linear. */
function uniqueName(name: string, taken: Set<string>, next: Map<string, number>): string {
  for (let i = next.get(name) ?? 2; ; i++) {
    const candidate = `${name}-${i}`;
    if (!taken.has(candidate.toLowerCase())) {
      next.set(name, i + 1);
      return candidate;
    }
  }
}

/** A paper prompt to cite as an example of a request, if the behaviour has one. */
function examplePrompt(analysis: DocumentAnalysis): string | undefined {
  const behavior = analysis.behavior?.behavior;
  return behavior ? BEHAVIORS[behavior].paperPrompts[0] : undefined;
}

function behaviorName(analysis: DocumentAnalysis): string {
  const behavior = analysis.behavior!;
  if (behavior.behavior === 'custom') return behavior.description ? `the behaviour ("${truncate(behavior.description, 60)}")` : 'the behaviour';
  return BEHAVIORS[behavior.behavior].title.replace(/ \(.*\)$/, '').toLowerCase();
}

function truncate(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** Scoring a large file takes a while: hand the event loop back this often so requests and edits get through. */
const YIELD_EVERY_MS = 10;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reports the behaviour rules; resolves false when cancelled part-way (a newer version arrived). */
async function checkInoculationRules(analysis: DocumentAnalysis, report: Report, token?: CancellationLike): Promise<boolean> {
  const { doc } = analysis;
  if (!analysis.behavior) return true;
  const example = examplePrompt(analysis);
  let slice = performance.now();
  for (const variant of doc.variants) {
    if (performance.now() - slice > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      if (token?.isCancellationRequested) return false;
      slice = performance.now();
    }
    if (variant.control || !variant.text || !variant.name) continue;
    const score = analysis.scoreOf(variant);
    if (!score) continue;
    if (score.prohibits && score.prohibitions.length) {
      const span = score.prohibitions[0]!;
      const quote = truncate(variant.text.slice(span.start, span.end), 60);
      report(
        'prohibits-behavior',
        `'${variant.name}' discourages ${behaviorName(analysis)} ("${quote}"). Inoculation works by requesting the behaviour: rephrase it as a request${example ? `, e.g. "${truncate(example, 80)}"` : ''}, or mark the variant \`(control)\`.`,
        variantTextRange(doc, variant, span.start, span.end),
        { variant: variant.name },
      );
    } else if (score.offBehavior ?? score.mentions.length === 0) {
      const keywords = analysis.behavior.keywords.length ? ` (${analysis.behavior.keywords.slice(0, 4).join(', ')})` : '';
      report(
        'off-behavior',
        `'${variant.name}' never refers to ${behaviorName(analysis)}${keywords}, so it will barely elicit it. Name the behaviour you want to request${example ? `, as in "${truncate(example, 80)}"` : ''}, or mark it \`(control)\` if it is a baseline.`,
        nameRange(analysis, variant),
        { variant: variant.name },
      );
    }
    // Permissive wording ("Don't worry about being polite") asks for the behaviour only weakly; deleting it would
    // invert the instruction, so this one comes without a removal fix.
    for (const permission of score.permissions ?? []) {
      const words = variant.text.slice(permission.start, permission.end);
      report(
        'hedged-request',
        `"${truncate(words, 40)}" only permits the behaviour, which elicits it weakly: request it directly instead.`,
        variantTextRange(doc, variant, permission.start, permission.end),
        { variant: variant.name },
      );
    }
    // Their fixes are rewrites verified with the scorer, computed when the editor asks for code actions.
    for (const hedge of score.hedges) {
      const word = variant.text.slice(hedge.start, hedge.end);
      const range = variantTextRange(doc, variant, hedge.start, hedge.end);
      report('hedged-request', `"${truncate(word, 40)}" hedges the request and weakens elicitation: state it directly.`, range, {
        variant: variant.name,
      });
    }
  }
  if (analysis.frontmatter.config.placement === 'system') {
    const location = analysis.frontmatter.locations.get('placement');
    if (location) {
      report(
        'system-placement',
        'In the paper, instructions in the system message cost more capability than in the user message; consider `user-prefix` or `user-suffix`.',
        doc.lines.rangeOf(location.valueStart, location.valueEnd),
      );
    }
  }
  return true;
}

/** Lower-case words only, so "Write a response." and "write a response" compare equal. */
function normalize(text: string): string {
  if (text.length <= NORMALIZE_CHUNK) return normalizeChunk(text).trim();
  const parts: string[] = [];
  for (const piece of normalizedPieces(text)) {
    // A run of separators cut in two would leave two spaces.
    parts.push(parts.length > 0 && piece.startsWith(' ') && parts[parts.length - 1]!.endsWith(' ') ? piece.slice(1) : piece);
  }
  return parts.join('').trim();
}

/**
 * `text` normalised in pieces (not trimmed): one regex replace over a 20 MB line holds millions of match records at
 * once (issue 9, item 21). Pieces never split a surrogate pair.
 */
function* normalizedPieces(text: string): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + NORMALIZE_CHUNK);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end++;
    yield normalizeChunk(text.slice(start, end));
    start = end;
  }
}

const NORMALIZE_CHUNK = 1 << 16;

function normalizeChunk(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}{}#]+/gu, ' ');
}

/** Whether normalised `text` contains normalised `part` as whole words. */
function containsWords(text: string, part: string): boolean {
  return part.length <= text.length && !part.includes(NO_MATCH) && ` ${text} `.includes(` ${part} `);
}

/** Whether normalised `text` has at least `count` words, without splitting it (a 20 MB line would be 3M strings). */
function hasWords(text: string, count: number): boolean {
  let words = text ? 1 : 0;
  for (let at = text.indexOf(' '); at >= 0 && words < count; at = text.indexOf(' ', at + 1)) words++;
  return words >= count;
}

function rawSentences(text: string): string[] {
  return text.split(/(?<=[.!?:])\s+|\n+/);
}

function sentences(text: string): string[] {
  return rawSentences(text).map(normalize).filter(Boolean);
}

/**
 * The part of a candidate that inoculates: what it adds to the test-time text. The paper's spurious-correlation
 * training prompt is the neutral prompt plus the inoculation sentence, so a candidate that repeats the neutral (or
 * some of its sentences) only adds the rest. Returns the added part as normalised sentences.
 */
function inoculatingPart(candidate: string, testTime: string): string[] {
  const shared = normalize(testTime);
  // The candidate repeats the whole test-time text: what is left around it is the inoculation. A candidate far
  // longer than the test-time text is searched piece by piece, never normalised whole (a 20 MB line), and what it
  // adds is too long to be in the test-time text.
  if (shared && longerThan(candidate, 2 * shared.length + LONG_CANDIDATE)) {
    if (containsNormalized(candidate, shared)) return [NO_MATCH];
  } else if (shared) {
    const whole = normalize(candidate);
    if (containsWords(whole, shared)) {
      const rest = normalize(whole.replace(shared, ' '));
      return rest ? [rest] : [];
    }
  }
  // Otherwise, sentence by sentence: those the test-time text also has are shared, the others are added. A sentence
  // with more letters than the whole test-time text is added and cannot be in it: it stays a marker that matches
  // nothing, so a 20 MB line is not normalised again.
  const testTimeSentences = new Set(sentences(testTime));
  const added: string[] = [];
  for (const raw of rawSentences(candidate)) {
    if (longerThan(raw, shared.length)) added.push(NO_MATCH);
    else {
      const sentence = normalize(raw);
      if (sentence && !testTimeSentences.has(sentence)) added.push(sentence);
    }
  }
  return added;
}

/** Stands for a sentence too long to be found in the test-time text; it contains no word, so it matches nothing. */
const NO_MATCH = '\u0000';

/** Letters beyond twice the test-time text from which a candidate is searched piece by piece. */
const LONG_CANDIDATE = 4096;

/** Whether normalise(`text`) contains the normalised `part` as whole words, normalising `text` one piece at a time. */
function containsNormalized(text: string, part: string): boolean {
  const needle = ` ${part} `;
  let tail = ' ';
  for (const piece of normalizedPieces(text)) {
    const window = tail.endsWith(' ') && piece.startsWith(' ') ? tail + piece.slice(1) : tail + piece;
    if (window.includes(needle)) return true;
    tail = window.slice(-needle.length);
  }
  return `${tail} `.includes(needle);
}

/** Whether `raw` has more than `max` ASCII letters and digits (a lower bound of its normalised length), without copying it. */
function longerThan(raw: string, max: number): boolean {
  let count = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i) | 0x20;
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) {
      if (++count > max) return true;
    }
  }
  return false;
}

/**
 * A sentence the candidate shares with the test-time text that itself requests the behaviour (its rule-based
 * reading scores above the prior on its own: it refers to the behaviour and asks for it): repeating the neutral is
 * normal, but a neutral that carries a request inoculates at test time. The rule reading, not the learned score, is
 * the test here: it says *whether* a sentence asks, where the learned score only ranks how strongly.
 */
function sharedRequest(candidate: string, haystack: string, behavior: BehaviorContext | undefined): string | undefined {
  if (!behavior) return undefined;
  for (const raw of rawSentences(candidate)) {
    if (longerThan(raw, haystack.length)) continue;
    const sentence = normalize(raw);
    if (!containsWords(haystack, sentence) || !hasWords(sentence, 4)) continue;
    if (analyzeRules(raw, behavior).score > PRIOR) return raw;
  }
  return undefined;
}

/**
 * `neutral-leak`: the test-time text (the neutral prompt, or the template) contains the candidate's inoculating
 * part, so the inoculation would be present at test time too. A candidate that extends the neutral is the normal
 * case and is not a leak.
 */
function checkNeutralLeak(analysis: DocumentAnalysis, report: Report): void {
  const { doc, frontmatter } = analysis;
  const config = frontmatter.config;
  const places: Array<{ key: string; text: string }> = [{ key: 'neutral', text: config.neutral }];
  if (config.placement === 'template' && config.template) places.push({ key: 'template', text: config.template });
  for (const place of places) {
    const haystack = normalize(place.text);
    if (!haystack) continue;
    const location = frontmatter.locations.get(place.key);
    if (!location) continue;
    for (const variant of doc.variants) {
      if (variant.control || !variant.text) continue;
      if (!/[\p{L}\p{N}{}#]/u.test(variant.text)) continue;
      const added = inoculatingPart(variant.text, place.text);
      // Nothing added (every sentence is test-time text), or the test-time text already holds what it adds: all of
      // it, or one of its sentences of at least four words.
      const leaked =
        added.length === 0
          ? variant.text
          : containsWords(haystack, added.join(' '))
            ? added.join(' ')
            : (added.find((s) => containsWords(haystack, s) && hasWords(s, 4)) ??
              sharedRequest(variant.text, haystack, analysis.behavior));
      if (!leaked) continue;
      report(
        'neutral-leak',
        `\`${place.key}\` contains the candidate '${variant.name}' ("${truncate(leaked, 60)}"): it is present at test time, so the inoculation would be too, which defeats it. Remove it from \`${place.key}\`.`,
        doc.lines.rangeOf(location.valueStart, location.valueEnd),
      );
    }
  }
}

async function checkDatasetsAndPlaceholders(analysis: DocumentAnalysis, datasets: DatasetCache, report: Report): Promise<void> {
  const { doc, frontmatter } = analysis;
  const config = frontmatter.config;
  const needsPrompt = config.placement !== 'template';
  let checkFields: Set<string> | undefined;
  for (const block of ['check', 'train', 'eval'] as const) {
    const path = config[block].dataset;
    const location = frontmatter.locations.get(`${block}.dataset`);
    if (!path || !location) continue;
    const range = doc.lines.rangeOf(location.valueStart, location.valueEnd);
    // Fresh: a dataset created or edited since the last check counts now, whether or not the editor watches files.
    const lookup = await datasets.get(resolveRelative(doc.uri, path), needsPrompt, { from: doc.uri, fresh: true });
    if (lookup.kind === 'missing') {
      // The starter quick fix may create it only where it would really land in this file's folder: a committed
      // link (a folder or a dangling file link) must not make it write elsewhere.
      const target = resolveRelative(doc.uri, path);
      const starter = block !== 'train' && isStarterTarget(path) && (await datasets.createsInside(target, Utils.dirname(URI.parse(doc.uri)).toString()));
      report('dataset-not-found', `\`${block}.dataset\`: no file at '${path}' (relative to this file).`, range, starter ? { starter } : {});
      continue;
    }
    if (lookup.kind === 'refused') {
      report(
        'dataset-not-found',
        `\`${block}.dataset\`: '${path}' is outside the workspace, and this workspace is not trusted, so it is not read. Trust the workspace to use it, or move the dataset into the workspace.`,
        range,
      );
      continue;
    }
    if (lookup.kind === 'unreadable') {
      report('dataset-invalid', `\`${block}.dataset\`: '${path}' ${lookup.reason}: name a JSONL file.`, range);
      continue;
    }
    const graders = block === 'train' ? [] : block === 'eval' && config.eval.capability ? [config.eval.grader, config.eval.capability] : [config[block].grader];
    const firstError = firstDatasetError(lookup.dataset) ?? graders.map((grader) => firstGraderProblem(grader, lookup.dataset)).find(Boolean);
    if (firstError) {
      report('dataset-invalid', `\`${block}.dataset\` '${path}', line ${firstError.line}: ${firstError.message}.`, range);
    } else if (lookup.dataset.items.length === 0) {
      report('dataset-invalid', `\`${block}.dataset\` '${path}' has no items.`, range);
    }
    if (block === 'check') checkFields = lookup.dataset.fields;
  }
  checkPlaceholders(analysis, checkFields, report);
}

function firstDatasetError(dataset: ParsedDataset): { line: number; message: string } | undefined {
  return dataset.errors[0];
}

/** Grading needs no model or sandbox to say whether an item has its fields; this environment only answers that. */
const LINT_ONLY_ENVIRONMENT: GraderEnvironment = {
  baseDir: '.',
  workspaceTrusted: false,
  chat: () => Promise.reject(new Error('not available while linting')),
  moderate: () => Promise.reject(new Error('not available while linting')),
  warn: () => undefined,
};

/** The first item the configured grader cannot use (missing tests, no proposed answer field...). */
function firstGraderProblem(config: GraderConfig, dataset: ParsedDataset): { line: number; message: string } | undefined {
  let grader;
  try {
    grader = createGrader(config, LINT_ONLY_ENVIRONMENT);
  } catch {
    return undefined; // an unusable grader configuration is reported on the grader itself
  }
  for (const item of dataset.items) {
    const problem = grader.itemProblem(item.value);
    if (problem) return { line: item.line, message: `${problem} (the \`${config.type}\` grader needs it)` };
  }
  return undefined;
}

function checkPlaceholders(analysis: DocumentAnalysis, fields: Set<string> | undefined, report: Report): void {
  const { doc, frontmatter } = analysis;
  const config = frontmatter.config;
  const available = new Set(fields ?? []);
  // Chat items also fill `{{prompt}}` from their last user message.
  if (available.has('messages')) available.add('prompt');
  const describeMissing = (name: string) =>
    fields
      ? `No item of \`check.dataset\` has a field \`${placeholderField(name)}\` for \`{{${name}}}\`${available.size ? ` (fields: ${[...available].slice(0, 8).join(', ')})` : ''}.`
      : `\`{{${name}}}\` needs a \`check.dataset\` whose items have a field \`${placeholderField(name)}\`.`;

  const templateLocation = frontmatter.locations.get('template');
  if (config.placement === 'template' && config.template && templateLocation) {
    const range = doc.lines.rangeOf(templateLocation.valueStart, templateLocation.valueEnd);
    for (const placeholder of findPlaceholders(config.template)) {
      if (placeholder.name === INOCULATION_SLOT || available.has(placeholderField(placeholder.name))) continue;
      report('unresolved-placeholder', describeMissing(placeholder.name), range);
    }
  }
  const neutralLocation = frontmatter.locations.get('neutral');
  if (config.neutral && neutralLocation) {
    const range = doc.lines.rangeOf(neutralLocation.valueStart, neutralLocation.valueEnd);
    for (const placeholder of findPlaceholders(config.neutral)) {
      if (placeholder.name === INOCULATION_SLOT) {
        report('unresolved-placeholder', '`{{inoculation}}` only belongs in `template`.', range);
      } else if (!available.has(placeholderField(placeholder.name))) {
        report('unresolved-placeholder', describeMissing(placeholder.name), range);
      }
    }
  }
  for (const variant of doc.variants) {
    for (const placeholder of findPlaceholders(variant.text)) {
      const range = variantTextRange(doc, variant, placeholder.start, placeholder.end);
      if (placeholder.name === INOCULATION_SLOT) {
        report('unresolved-placeholder', '`{{inoculation}}` only belongs in `template`: a variant is the text that fills it.', range, {
          variant: variant.name,
        });
      } else if (!available.has(placeholderField(placeholder.name))) {
        report('unresolved-placeholder', describeMissing(placeholder.name), range, { variant: variant.name });
      }
    }
  }
}

/** Applies inline `inoculate-disable` comments, the file's `lint:` map and the settings' overrides. */
function applySuppressions(analysis: DocumentAnalysis, found: InocDiagnostic[], options: DiagnosticOptions): InocDiagnostic[] {
  const { doc, frontmatter } = analysis;
  const fileDisabled = new Set(doc.fileDisabled);
  const fileLint = frontmatter.config.lint;
  const out: InocDiagnostic[] = [];
  const variantsByName = new Map<string, Variant>();
  for (const variant of doc.variants) if (!variantsByName.has(variant.name)) variantsByName.set(variant.name, variant);
  for (const diagnostic of found) {
    const code = diagnostic.code;
    if (fileDisabled.has(code)) continue;
    const variant = diagnostic.variant !== undefined ? variantsByName.get(diagnostic.variant) : undefined;
    if (variant?.disabled.includes(code)) continue;
    const setting = fileLint[code] ?? options.severityOverrides?.[code];
    if (setting === 'off') continue;
    // Syntax errors stay errors: hiding them would hide why nothing else works.
    if (setting && code !== 'yaml-syntax') diagnostic.severity = setting;
    out.push(diagnostic);
  }
  return out;
}
