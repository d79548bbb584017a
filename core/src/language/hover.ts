/** Hovers: frontmatter keys and values, behaviours, placeholders, and each variant's score and its reasons. */
import type { Hover, Position, Range } from 'vscode-languageserver-types';
import { BEHAVIORS, isBehaviorId } from '../format/behaviors';
import { graderAtPath, type KeyLocation } from '../format/config';
import { findPlaceholders, formatValue, INOCULATION_SLOT, lookupPath } from '../format/placeholders';
import { specAt, taggedOptions, type ValueSpec } from '../format/schema';
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';
import type { DatasetCache } from './datasets';
import { resolveRelative } from './host';
import { formatMeasurement } from '../check/formatMeasurement';
import { code, joinMarkdown, md, ours, type Markdown } from './markdown';
import { age, foundElsewhere, percent, type MeasurementSource } from './measurements';
import { variantTextToDocumentOffset, type Variant } from '../format/parse';

/** A Markdown hover (the value is safe: built with `md`, which escapes text from files). */
function hover(value: Markdown, range: Range): Hover {
  return { contents: { kind: 'markdown', value: value.value }, range };
}

/** The hover at `position`, or null. */
export async function computeHover(
  analysis: DocumentAnalysis,
  position: Position,
  datasets: DatasetCache,
  measurements: MeasurementSource,
): Promise<Hover | null> {
  const { doc } = analysis;
  const offset = doc.lines.offsetAt(position);
  const fm = doc.frontmatter;
  if (fm && offset >= fm.contentStart && offset <= fm.contentEnd) {
    return frontmatterHover(analysis, offset, datasets);
  }
  const variant = doc.variants.find((v) => offset >= v.headingStart && offset <= v.headingEnd);
  if (variant) {
    return hover(variantHover(analysis, variant, measurements), doc.lines.rangeOf(variant.headingStart, variant.headingEnd));
  }
  const inside = doc.variants.find((v) => offset > v.headingEnd && offset < v.sectionEnd);
  if (inside) return placeholderHover(analysis, inside, offset, datasets);
  return null;
}

function deepestLocationAt(analysis: DocumentAnalysis, offset: number): { location: KeyLocation; onKey: boolean } | undefined {
  let best: { location: KeyLocation; onKey: boolean } | undefined;
  for (const location of analysis.frontmatter.locations.values()) {
    const onKey = offset >= location.keyStart && offset <= location.keyEnd;
    const onValue = offset >= location.valueStart && offset <= location.valueEnd && location.valueEnd > location.valueStart;
    if (!onKey && !onValue) continue;
    if (!best || location.path.length > best.location.path.length) best = { location, onKey };
  }
  return best;
}

async function frontmatterHover(analysis: DocumentAnalysis, offset: number, datasets: DatasetCache): Promise<Hover | null> {
  const found = deepestLocationAt(analysis, offset);
  if (!found) return null;
  const { location, onKey } = found;
  const { doc } = analysis;
  const path = location.path.filter((step) => !/^\d+$/.test(step));
  const graderType = graderTypeAt(analysis, path);
  const listSpec = specAt(path, graderType);
  // On an item of a list (`- inoculated`), the item's own spec: its words are explained one by one.
  const spec = listSpec?.type === 'array' && /^\d+$/.test(location.path[location.path.length - 1] ?? '') ? listSpec.items : listSpec;
  const range = onKey
    ? doc.lines.rangeOf(location.keyStart, location.keyEnd)
    : doc.lines.rangeOf(location.valueStart, location.valueEnd);
  const key = location.path.join('.');
  if (onKey) {
    if (!spec) return null;
    return hover(keyHover(key, spec), range);
  }
  const raw = doc.text.slice(location.valueStart, location.valueEnd).replace(/^["']|["']$/g, '');
  if (key === 'behavior' && isBehaviorId(raw)) {
    return hover(behaviorHover(raw), range);
  }
  if (path[path.length - 1] === 'dataset') {
    const value = await datasetHover(analysis, raw, analysis.frontmatter.config.placement !== 'template', datasets);
    if (value) return hover(value, range);
  }
  if (spec?.type === 'string' && spec.enum) {
    const option = spec.enum.find((o) => o.value === raw);
    if (option) return hover(md`${code(option.value)}: ${ours(option.description)}`, range);
  }
  if (spec?.type === 'tagged' || (path[path.length - 1] === 'type' && graderAtPath(analysis.frontmatter.config, path) !== undefined)) {
    const graderSpec = specAt(path.filter((p) => p !== 'type'));
    if (graderSpec?.type === 'tagged') {
      const option = taggedOptions(graderSpec).find((o) => o.value === raw);
      if (option) return hover(md`**Grader ${code(option.value)}**\n\n${ours(option.description)}`, range);
    }
  }
  if (!spec) return null;
  return hover(keyHover(key, spec), range);
}

function graderTypeAt(analysis: DocumentAnalysis, path: string[]): string | undefined {
  return graderAtPath(analysis.frontmatter.config, path)?.type;
}

function typeName(spec: ValueSpec): Markdown {
  const options = (values: string[]) => joinMarkdown(values.map(code), ' | ');
  switch (spec.type) {
    case 'string':
      return spec.enum ? options(spec.enum.map((o) => o.value)) : md`text`;
    case 'integer':
      return md`whole number${spec.allowAuto ? md` or ${code('auto')}` : md``}${spec.orList ? md` or a list of them` : md``}`;
    case 'number':
      return spec.allowAuto ? md`number or ${code('auto')}` : md`number`;
    case 'boolean':
      return options(['true', 'false']);
    case 'array':
      return md`list`;
    case 'object':
      return spec.stringForm ? md`text or block` : md`block`;
    case 'tagged':
      return md`${options(taggedOptions(spec).map((o) => o.value))} or ${code('{type: ..., ...}')}`;
  }
}

function keyHover(key: string, spec: ValueSpec): Markdown {
  // `key` is read from the file (e.g. a `lint:` entry), so it is escaped like any file text.
  const lines = [md`**${code(key)}** (${typeName(spec)})`, md``, ours(spec.description)];
  if ('default' in spec && spec.default !== undefined) lines.push(md``, md`Default: ${code(JSON.stringify(spec.default))}`);
  if ((spec.type === 'number' || spec.type === 'integer') && (spec.minimum !== undefined || spec.maximum !== undefined)) {
    lines.push(md``, md`Range: ${spec.minimum ?? '−∞'} to ${spec.maximum ?? '∞'}`);
  }
  if (spec.type === 'string' && spec.enum) {
    lines.push(md``, ...spec.enum.map((o) => md`- ${code(o.value)}: ${ours(o.description)}`));
  }
  if (spec.type === 'object' && Object.keys(spec.properties).length) {
    lines.push(md``, md`Keys: ${joinMarkdown(Object.keys(spec.properties).map(code), ', ')}`);
  }
  return joinMarkdown(lines, '\n');
}

/** The behaviour card: what B and C are, how B is graded, the paper's prompts. */
export function behaviorHover(id: keyof typeof BEHAVIORS): Markdown {
  const info = BEHAVIORS[id];
  const lines = [
    md`**${info.title}**`,
    md``,
    md`- Undesired: ${info.undesired}`,
    md`- Desired: ${info.desired}`,
    md`- Graded: ${info.grading} (default grader ${code(info.defaultGrader)})`,
    md`- The paper placed the instruction: ${code(info.paperPlacement)}`,
  ];
  if (info.paperPrompts.length) {
    lines.push(md``, md`The paper's inoculation prompts:`, ...info.paperPrompts.map((p) => md`> ${p}\n`));
  }
  if (info.paperNeutral) lines.push(md``, md`Neutral (test-time) prompt: "${info.paperNeutral}"`);
  return joinMarkdown(lines, '\n');
}

function signed(value: number): string {
  const rounded = value.toFixed(2);
  return value >= 0 ? `+${rounded}` : `−${rounded.slice(1)}`;
}

/** The Markdown shown when hovering a variant heading: prediction, its reasons, and any measurement. */
export function variantHover(analysis: DocumentAnalysis, variant: Variant, measurements: MeasurementSource): Markdown {
  const title = variant.name || '(unnamed)';
  const lines: Markdown[] = [];
  const blank = md``;
  const measured = measurements.forVariant(analysis.doc.uri, variant.name, variant.text);
  if (variant.control) {
    lines.push(md`**${title}** · control arm`, blank, md`Compared against, never an inoculation candidate; exempt from the behaviour rules.`);
  } else if (!analysis.behavior) {
    lines.push(md`**${title}**`, blank, md`Set ${code('behavior:')} in the frontmatter to score this candidate.`);
  } else if (!variant.text) {
    lines.push(md`**${title}**`, blank, md`Empty: write the instruction below the heading.`);
  } else {
    const score = analysis.scoreOf(variant)!;
    lines.push(md`**${title}** · predicted elicitation **${score.score.toFixed(2)}** (${strengthLabel(score.score)})`);
    const calibration = measurements.calibrationFor(analysis.behavior.behavior);
    if (calibration) {
      lines.push(blank, md`Calibrated: **${percent(calibration.apply(score.score))}** expected rate (${calibration.describe()}).`);
    }
    // Factor labels quote the variant's own words: escaped like the rest.
    const raised = score.factors.filter((f) => f.effect > 0);
    const lowered = score.factors.filter((f) => f.effect < 0);
    if (raised.length) lines.push(blank, md`Raised by:`, ...raised.map((f) => md`- ${signed(f.effect)} ${f.label}`));
    if (lowered.length) lines.push(blank, md`Lowered by:`, ...lowered.map((f) => md`- ${signed(f.effect)} ${f.label}`));
  }
  if (measured) {
    const stale = measured.stale ? md` · **stale**: the text changed since` : md``;
    lines.push(
      blank,
      foundElsewhere(measured)
        ? md`Measured elsewhere: **${formatMeasurement(measured)}** on ${code(measured.model)}, ${age(measured.finishedAt)}${stale} · found in ${code('.inoculate/')}, not measured by you; calibration ignores it`
        : md`Measured: **${formatMeasurement(measured)}** on ${code(measured.model)}, ${age(measured.finishedAt)}${stale}`,
    );
  } else if (!variant.control && analysis.behavior && variant.text) {
    lines.push(blank, md`_A heuristic for an instruction-following model before fine-tuning; run a check to measure it._`);
  }
  return joinMarkdown(lines, '\n');
}

async function datasetHover(analysis: DocumentAnalysis, path: string, needsPrompt: boolean, datasets: DatasetCache): Promise<Markdown | undefined> {
  if (!path) return undefined;
  const lookup = await datasets.get(resolveRelative(analysis.doc.uri, path), needsPrompt, { from: analysis.doc.uri });
  if (lookup.kind === 'missing') return md`No file at ${code(path)}.`;
  if (lookup.kind === 'refused') return md`${code(path)} is outside the workspace: not read in an untrusted workspace.`;
  if (lookup.kind === 'unreadable') return md`${code(path)} ${lookup.reason}.`;
  const { items, errors, fields } = lookup.dataset;
  const bad = errors.length ? md`, ${errors.length} bad line${errors.length === 1 ? '' : 's'}` : md``;
  const lines = [md`**${code(path)}**: ${items.length} item${items.length === 1 ? '' : 's'}${bad}`];
  if (fields.size) lines.push(md``, md`Fields: ${joinMarkdown([...fields].map(code), ', ')}`);
  return joinMarkdown(lines, '\n');
}

async function placeholderHover(analysis: DocumentAnalysis, variant: Variant, offset: number, datasets: DatasetCache): Promise<Hover | null> {
  const { doc } = analysis;
  for (const placeholder of findPlaceholders(variant.text)) {
    const from = variantTextToDocumentOffset(variant, placeholder.start);
    const to = variantTextToDocumentOffset(variant, placeholder.end - 1) + 1;
    if (offset < from || offset > to) continue;
    const range = doc.lines.rangeOf(from, to);
    if (placeholder.name === INOCULATION_SLOT) {
      return hover(md`${code('{{inoculation}}')} belongs in ${code('template')}, not in a variant.`, range);
    }
    const path = analysis.frontmatter.config.check.dataset;
    let example = md``;
    if (path) {
      const lookup = await datasets.get(resolveRelative(doc.uri, path), analysis.frontmatter.config.placement !== 'template', { from: doc.uri });
      const first = lookup.kind === 'parsed' ? lookup.dataset.items[0] : undefined;
      const value = first ? lookupPath(first.value, placeholder.name) : undefined;
      if (value !== undefined) example = md`\n\nFirst item (line ${first!.line}): ${code(formatValue(value).slice(0, 120))}`;
    }
    return hover(md`Filled from the field ${code(placeholder.name)} of each dataset item.${example}`, range);
  }
  return null;
}
