/** Hovers: frontmatter keys and values, behaviours, placeholders, and each variant's score and its reasons. */
import type { Hover, Position } from 'vscode-languageserver-types';
import { BEHAVIORS, isBehaviorId } from '../format/behaviors';
import type { KeyLocation } from '../format/config';
import { findPlaceholders, formatValue, INOCULATION_SLOT, lookupPath } from '../format/placeholders';
import { specAt, taggedOptions, type ValueSpec } from '../format/schema';
import type { DocumentAnalysis } from './analysis';
import { strengthLabel } from './analysis';
import type { DatasetCache } from './datasets';
import { resolveRelative } from './host';
import { age, percent, type MeasurementSource } from './measurements';
import { variantTextToDocumentOffset, type Variant } from '../format/parse';

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
    return {
      contents: { kind: 'markdown', value: variantHover(analysis, variant, measurements) },
      range: doc.lines.rangeOf(variant.headingStart, variant.headingEnd),
    };
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
  const spec = specAt(path, graderType);
  const range = onKey
    ? doc.lines.rangeOf(location.keyStart, location.keyEnd)
    : doc.lines.rangeOf(location.valueStart, location.valueEnd);
  const key = location.path.join('.');
  if (onKey) {
    if (!spec) return null;
    return { contents: { kind: 'markdown', value: keyHover(key, spec) }, range };
  }
  const raw = doc.text.slice(location.valueStart, location.valueEnd).replace(/^["']|["']$/g, '');
  if (key === 'behavior' && isBehaviorId(raw)) {
    return { contents: { kind: 'markdown', value: behaviorHover(raw) }, range };
  }
  if (path[path.length - 1] === 'dataset') {
    const value = await datasetHover(analysis, raw, analysis.frontmatter.config.placement !== 'template', datasets);
    if (value) return { contents: { kind: 'markdown', value }, range };
  }
  if (spec?.type === 'string' && spec.enum) {
    const option = spec.enum.find((o) => o.value === raw);
    if (option) return { contents: { kind: 'markdown', value: `\`${option.value}\`: ${option.description}` }, range };
  }
  if (spec?.type === 'tagged' || (path[path.length - 1] === 'type' && path.includes('grader'))) {
    const graderSpec = specAt(path.filter((p) => p !== 'type'));
    if (graderSpec?.type === 'tagged') {
      const option = taggedOptions(graderSpec).find((o) => o.value === raw);
      if (option) return { contents: { kind: 'markdown', value: `**Grader \`${option.value}\`**\n\n${option.description}` }, range };
    }
  }
  if (!spec) return null;
  return { contents: { kind: 'markdown', value: keyHover(key, spec) }, range };
}

function graderTypeAt(analysis: DocumentAnalysis, path: string[]): string | undefined {
  const at = path.indexOf('grader');
  if (at < 0) return undefined;
  const block = path[0] as 'check' | 'eval';
  return analysis.frontmatter.config[block]?.grader?.type;
}

function typeName(spec: ValueSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.enum ? spec.enum.map((o) => `\`${o.value}\``).join(' | ') : 'text';
    case 'integer':
      return `whole number${spec.allowAuto ? ' or `auto`' : ''}${spec.orList ? ' or a list of them' : ''}`;
    case 'number':
      return spec.allowAuto ? 'number or `auto`' : 'number';
    case 'boolean':
      return '`true` | `false`';
    case 'array':
      return 'list';
    case 'object':
      return 'block';
    case 'tagged':
      return `${taggedOptions(spec).map((o) => `\`${o.value}\``).join(' | ')} or \`{type: ..., ...}\``;
  }
}

function keyHover(key: string, spec: ValueSpec): string {
  const lines = [`**\`${key}\`** (${typeName(spec)})`, '', spec.description];
  if ('default' in spec && spec.default !== undefined) lines.push('', `Default: \`${JSON.stringify(spec.default)}\``);
  if ((spec.type === 'number' || spec.type === 'integer') && (spec.minimum !== undefined || spec.maximum !== undefined)) {
    lines.push('', `Range: ${spec.minimum ?? '−∞'} to ${spec.maximum ?? '∞'}`);
  }
  if (spec.type === 'string' && spec.enum) {
    lines.push('', ...spec.enum.map((o) => `- \`${o.value}\`: ${o.description}`));
  }
  if (spec.type === 'object' && Object.keys(spec.properties).length) {
    lines.push('', 'Keys: ' + Object.keys(spec.properties).map((k) => `\`${k}\``).join(', '));
  }
  return lines.join('\n');
}

/** The behaviour card: what B and C are, how B is graded, the paper's prompts. */
export function behaviorHover(id: keyof typeof BEHAVIORS): string {
  const info = BEHAVIORS[id];
  const lines = [
    `**${info.title}**`,
    '',
    `- Undesired: ${info.undesired}`,
    `- Desired: ${info.desired}`,
    `- Graded: ${info.grading} (default grader \`${info.defaultGrader}\`)`,
    `- The paper placed the instruction: \`${info.paperPlacement}\``,
  ];
  if (info.paperPrompts.length) {
    lines.push('', "The paper's inoculation prompts:", ...info.paperPrompts.map((p) => `> ${p}\n`));
  }
  if (info.paperNeutral) lines.push('', `Neutral (test-time) prompt: "${info.paperNeutral}"`);
  return lines.join('\n');
}

function signed(value: number): string {
  const rounded = value.toFixed(2);
  return value >= 0 ? `+${rounded}` : `−${rounded.slice(1)}`;
}

/** The markdown shown when hovering a variant heading: prediction, its reasons, and any measurement. */
export function variantHover(analysis: DocumentAnalysis, variant: Variant, measurements: MeasurementSource): string {
  const title = variant.name || '(unnamed)';
  const lines: string[] = [];
  const measured = measurements.forVariant(analysis.doc.uri, variant.name, variant.text);
  if (variant.control) {
    lines.push(`**${title}** · control arm`, '', 'Compared against, never an inoculation candidate; exempt from the behaviour rules.');
  } else if (!analysis.behavior) {
    lines.push(`**${title}**`, '', 'Set `behavior:` in the frontmatter to score this candidate.');
  } else if (!variant.text) {
    lines.push(`**${title}**`, '', 'Empty: write the instruction below the heading.');
  } else {
    const score = analysis.scoreOf(variant)!;
    lines.push(`**${title}** · predicted elicitation **${score.score.toFixed(2)}** (${strengthLabel(score.score)})`);
    const calibration = measurements.calibrationFor(analysis.behavior.behavior);
    if (calibration) {
      lines.push('', `Calibrated: **${percent(calibration.apply(score.score))}** expected rate (${calibration.describe()}).`);
    }
    const raised = score.factors.filter((f) => f.effect > 0);
    const lowered = score.factors.filter((f) => f.effect < 0);
    if (raised.length) lines.push('', 'Raised by:', ...raised.map((f) => `- ${signed(f.effect)} ${f.label}`));
    if (lowered.length) lines.push('', 'Lowered by:', ...lowered.map((f) => `- ${signed(f.effect)} ${f.label}`));
  }
  if (measured) {
    const lift =
      measured.lift !== null && measured.liftCi
        ? ` · lift ${signed(measured.lift * 100).replace('.00', '')} pts [${Math.round(measured.liftCi[0] * 100)}, ${Math.round(measured.liftCi[1] * 100)}]`
        : '';
    lines.push(
      '',
      `Measured: **${percent(measured.rate)}** [${percent(measured.ci[0])}, ${percent(measured.ci[1])}] (${measured.k}/${measured.n}) on \`${measured.model}\`, ${age(measured.finishedAt)}${lift}${measured.stale ? ' · **stale**: the text changed since' : ''}`,
    );
  } else if (!variant.control && analysis.behavior && variant.text) {
    lines.push('', '_A heuristic for an instruction-following model before fine-tuning; run a check to measure it._');
  }
  return lines.join('\n');
}

async function datasetHover(analysis: DocumentAnalysis, path: string, needsPrompt: boolean, datasets: DatasetCache): Promise<string | undefined> {
  if (!path) return undefined;
  const lookup = await datasets.get(resolveRelative(analysis.doc.uri, path), needsPrompt);
  if (lookup.kind === 'missing') return `No file at \`${path}\`.`;
  const { items, errors, fields } = lookup.dataset;
  const lines = [`**\`${path}\`**: ${items.length} item${items.length === 1 ? '' : 's'}${errors.length ? `, ${errors.length} bad line${errors.length === 1 ? '' : 's'}` : ''}`];
  if (fields.size) lines.push('', `Fields: ${[...fields].map((f) => `\`${f}\``).join(', ')}`);
  return lines.join('\n');
}

async function placeholderHover(analysis: DocumentAnalysis, variant: Variant, offset: number, datasets: DatasetCache): Promise<Hover | null> {
  const { doc } = analysis;
  for (const placeholder of findPlaceholders(variant.text)) {
    const from = variantTextToDocumentOffset(variant, placeholder.start);
    const to = variantTextToDocumentOffset(variant, placeholder.end - 1) + 1;
    if (offset < from || offset > to) continue;
    const range = doc.lines.rangeOf(from, to);
    if (placeholder.name === INOCULATION_SLOT) {
      return { contents: { kind: 'markdown', value: '`{{inoculation}}` belongs in `template`, not in a variant.' }, range };
    }
    const path = analysis.frontmatter.config.check.dataset;
    let example = '';
    if (path) {
      const lookup = await datasets.get(resolveRelative(doc.uri, path), analysis.frontmatter.config.placement !== 'template');
      const first = lookup.kind === 'parsed' ? lookup.dataset.items[0] : undefined;
      const value = first ? lookupPath(first.value, placeholder.name) : undefined;
      if (value !== undefined) example = `\n\nFirst item (line ${first!.line}): \`${formatValue(value).slice(0, 120).replace(/`/g, "'")}\``;
    }
    return { contents: { kind: 'markdown', value: `Filled from the field \`${placeholder.name}\` of each dataset item.${example}` }, range };
  }
  return null;
}
