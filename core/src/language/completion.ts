/**
 * Completion: frontmatter keys and values (from the key table), variant headings and the paper's prompts,
 * ` (control)`, and `{{field}}` placeholders from the check dataset. Works on half-typed, invalid YAML.
 */
import { COMMAND_SLOTS } from '../train/settings';
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type Position,
} from 'vscode-languageserver-types';
import { BEHAVIORS } from '../format/behaviors';
import { INOCULATION_SLOT } from '../format/placeholders';
import { ownEntry, specAt, taggedOptions, type EnumOption, type ValueSpec } from '../format/schema';
import { graderAtPath } from '../format/config';
import type { DocumentAnalysis } from './analysis';
import type { DatasetCache } from './datasets';
import { resolveRelative } from './host';
import { md, ours } from './markdown';

/** Model names offered for `model:`; any name the endpoint knows works. */
const COMMON_MODELS = ['gpt-4.1-mini', 'gpt-4.1', 'gpt-4.1-nano', 'gpt-4o-mini', 'gpt-4o', 'Qwen/Qwen2-7B-Instruct', 'meta-llama/Meta-Llama-3-8B-Instruct', 'google/gemma-2b-it'];

/** What the client can do with completion items. */
export interface CompletionOptions {
  /** The client expands snippets (`completionItem.snippetSupport`); without it, items insert plain text. */
  snippets: boolean;
  /** Commands the client itself runs (e.g. VS Code's `editor.action.triggerSuggest`); no other command is attached. */
  clientCommands: ReadonlySet<string>;
}

const TRIGGER_SUGGEST = 'editor.action.triggerSuggest';

/** What VS Code's client declares; the default for direct callers (tests, the CLI). */
export const VSCODE_COMPLETION_OPTIONS: CompletionOptions = { snippets: true, clientCommands: new Set([TRIGGER_SUGGEST]) };

/** Completion items at `position`. */
export async function computeCompletions(
  analysis: DocumentAnalysis,
  position: Position,
  datasets: DatasetCache,
  options: CompletionOptions = VSCODE_COMPLETION_OPTIONS,
): Promise<CompletionList> {
  const items = await completionItems(analysis, position, datasets, options);
  return { isIncomplete: false, items: options.snippets ? items : items.map(withoutSnippet) };
}

async function completionItems(analysis: DocumentAnalysis, position: Position, datasets: DatasetCache, options: CompletionOptions): Promise<CompletionItem[]> {
  const { doc } = analysis;
  const offset = doc.lines.offsetAt(position);
  const fm = doc.frontmatter;
  const before = doc.lines.lineText(position.line).slice(0, position.character);
  const slot = /\{\{\s*([\w.[\]-]*)$/.exec(before);
  if (slot) return placeholderItems(analysis, position, slot[1]!.length, datasets);
  return fm && offset >= fm.contentStart && offset <= fm.contentEnd && position.line > 0
    ? frontmatterCompletions(analysis, position, options)
    : bodyCompletions(analysis, position);
}

/** The item with its snippet turned into the plain text it would insert with every placeholder left as is. */
function withoutSnippet(item: CompletionItem): CompletionItem {
  if (item.insertTextFormat !== InsertTextFormat.Snippet) return item;
  const plain: CompletionItem = { ...item, insertTextFormat: InsertTextFormat.PlainText };
  if (item.textEdit) plain.textEdit = { ...item.textEdit, newText: snippetToPlainText(item.textEdit.newText) };
  if (item.insertText !== undefined) plain.insertText = snippetToPlainText(item.insertText);
  return plain;
}

/**
 * The text a snippet inserts when nothing is typed into it: `${1:name}` gives `name`, tab stops (`$1`, `${2}`) and
 * choices (`${1|a,b|}`: no choice is better than an arbitrary one) give nothing, escapes (`\$`, `\}`, `\\`) their
 * character. For clients without snippet support (Eglot without yasnippet, Helix...), which insert text literally.
 */
export function snippetToPlainText(snippet: string): string {
  let i = 0;
  const parse = (inPlaceholder: boolean): string => {
    let text = '';
    while (i < snippet.length) {
      const c = snippet[i]!;
      if (c === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1]!)) {
        text += snippet[i + 1];
        i += 2;
      } else if (inPlaceholder && c === '}') {
        return text;
      } else if (c === '$' && /^\d/.test(snippet.slice(i + 1))) {
        i += 1 + /^\d+/.exec(snippet.slice(i + 1))![0].length;
      } else if (c === '$' && /^\{\d+/.test(snippet.slice(i + 1))) {
        const head = /^\{\d+(:|\||\})/.exec(snippet.slice(i + 1));
        i += 1 + (head ? head[0].length : 1);
        if (!head || head[1] === '}') continue;
        if (head[1] === ':') {
          text += parse(true);
          i++; // the closing brace
        } else {
          // A choice: skip to its closing `|}`.
          const close = snippet.indexOf('|}', i);
          i = close < 0 ? snippet.length : close + 2;
        }
      } else {
        text += c;
        i++;
      }
    }
    return text;
  };
  return parse(false);
}

// ---------------------------------------------------------------------------------------------------------------
// Frontmatter

interface YamlContext {
  kind: 'key' | 'value';
  /** For keys: the parent block's path; for values: the key's path. */
  path: string[];
  /** Column where the word being completed starts. */
  start: number;
  /** The indentation of the line (for inserting nested blocks). */
  indent: number;
}

const BLOCK_KEY = /^(\s*)(?:-\s+)?([\w-]+):\s*(#.*)?$/;

/** Where in the YAML the cursor is, read from the lines above (the YAML may not parse while typing). */
function yamlContextAt(analysis: DocumentAnalysis, position: Position): YamlContext | undefined {
  const { lines } = analysis.doc;
  const firstLine = 1;
  const before = lines.lineText(position.line).slice(0, position.character);
  if (/^\s*#/.test(before)) return undefined;
  const indent = /^\s*/.exec(before)![0].length;
  const parentPath = (line: number, column: number): string[] => {
    for (let l = line - 1; l >= firstLine; l--) {
      const text = lines.lineText(l);
      if (!text.trim() || /^\s*#/.test(text)) continue;
      const lineIndent = /^\s*/.exec(text)![0].length;
      if (lineIndent >= column) continue;
      const block = BLOCK_KEY.exec(text);
      if (!block) return [];
      return [...parentPath(l, lineIndent), block[2]!];
    }
    return [];
  };
  const base = indent === 0 ? [] : parentPath(position.line, indent);

  // Inside a flow map on this line: `grader: {type: re|`.
  const brace = before.lastIndexOf('{');
  if (brace >= 0 && before.indexOf('}', brace) < 0) {
    const owner = /([\w-]+):\s*\{[^{]*$/.exec(before);
    const inner = before.slice(brace + 1).split(',').pop()!;
    const flowPath = owner ? [...base, owner[1]!] : base;
    const innerValue = /^\s*([\w-]+):\s*([\w-]*)$/.exec(inner);
    if (innerValue) return { kind: 'value', path: [...flowPath, innerValue[1]!], start: position.character - innerValue[2]!.length, indent };
    const innerKey = /^\s*([\w-]*)$/.exec(inner);
    if (innerKey) return { kind: 'key', path: flowPath, start: position.character - innerKey[1]!.length, indent };
    return undefined;
  }
  const keyOnly = /^(\s*)(-\s+)?([\w-]*)$/.exec(before);
  if (keyOnly) {
    if (keyOnly[2]) {
      // A list item: `keywords:` items are values of the list.
      return { kind: 'value', path: [...parentPath(position.line, indent + 1), '0'], start: position.character - keyOnly[3]!.length, indent };
    }
    return { kind: 'key', path: base, start: indent, indent };
  }
  const value = /^(\s*)([\w-]+):\s*["']?([^"'#]*)$/.exec(before);
  if (value) return { kind: 'value', path: [...base, value[2]!], start: position.character - value[3]!.length, indent };
  return undefined;
}

function frontmatterCompletions(analysis: DocumentAnalysis, position: Position, options: CompletionOptions): CompletionItem[] {
  const context = yamlContextAt(analysis, position);
  if (!context) return [];
  const path = context.path.filter((step) => !/^\d+$/.test(step));
  const graderType = graderAtPath(analysis.frontmatter.config, path)?.type;
  const range = { start: { line: position.line, character: context.start }, end: position };
  if (context.kind === 'key') {
    const spec = specAt(path, graderType);
    return keyItems(analysis, spec, context, range, options);
  }
  const spec = specAt(path, graderType);
  if (!spec) return [];
  return valueItems(path, spec, range);
}

function keyItems(
  analysis: DocumentAnalysis,
  spec: ValueSpec | undefined,
  context: YamlContext,
  range: { start: Position; end: Position },
  options: CompletionOptions,
): CompletionItem[] {
  // Opening the value list right away is VS Code's own command: other clients would send it back to the server.
  const suggestValues = options.clientCommands.has(TRIGGER_SUGGEST);
  if (!spec) return [];
  // Own entries only, in a table without a prototype: the grader type is read from the file, and a name such as
  // `constructor` must find nothing (not Object.prototype's members, nor anything a polluted prototype carries).
  const properties: Record<string, ValueSpec> = Object.create(null) as Record<string, ValueSpec>;
  let names: EnumOption[] = [];
  if (spec.type === 'object') {
    for (const key of Object.keys(spec.properties)) properties[key] = ownEntry(spec.properties, key)!;
    names = spec.propertyNames ?? [];
  } else if (spec.type === 'tagged') {
    const graderPath = context.path.join('.');
    const type = [...analysis.frontmatter.locations.keys()].includes(`${graderPath}.type`)
      ? graderAtPath(analysis.frontmatter.config, context.path)?.type
      : undefined;
    properties.type = { type: 'string', enum: taggedOptions(spec), description: 'Which grader.' };
    const variant = type ? ownEntry(spec.variants, type) : undefined;
    if (variant) for (const key of Object.keys(variant.properties)) properties[key] = ownEntry(variant.properties, key)!;
  } else {
    return [];
  }
  const present = new Set(
    [...analysis.frontmatter.locations.values()]
      .filter((l) => l.path.length === context.path.length + 1 && l.path.slice(0, -1).join('.') === context.path.join('.'))
      .map((l) => l.path[l.path.length - 1]!),
  );
  const childIndent = ' '.repeat(context.indent + 2);
  const items: CompletionItem[] = [];
  for (const [key, child] of Object.entries(properties)) {
    if (present.has(key)) continue;
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: summaryOf(child),
      documentation: { kind: 'markdown', value: ours(child.description).value },
      textEdit: { range, newText: keySnippet(key, child, childIndent) },
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: (key === 'behavior' ? '0' : '1') + key,
      command: suggestValues && child.type === 'string' && child.enum ? { title: 'Suggest', command: TRIGGER_SUGGEST } : undefined,
    });
  }
  for (const option of names) {
    if (present.has(option.value)) continue;
    items.push({
      label: option.value,
      kind: CompletionItemKind.Property,
      documentation: { kind: 'markdown', value: ours(option.description).value },
      textEdit: { range, newText: `${option.value}: \${1|off,error,warning,information,hint|}` },
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  return items;
}

function summaryOf(spec: ValueSpec): string {
  if (spec.type === 'string' && spec.enum) return spec.enum.map((o) => o.value).join(' | ');
  if (spec.type === 'tagged') return taggedOptions(spec).map((o) => o.value).join(' | ');
  return spec.type === 'object' ? 'block' : spec.type;
}

function escapeChoice(value: string): string {
  return value.replace(/[,|\\$}]/g, (c) => `\\${c}`);
}

function keySnippet(key: string, spec: ValueSpec, childIndent: string): string {
  switch (spec.type) {
    case 'string':
      if (spec.enum) return `${key}: \${1|${spec.enum.map((o) => escapeChoice(o.value)).join(',')}|}`;
      return `${key}: $0`;
    case 'boolean':
      return `${key}: \${1|true,false|}`;
    case 'tagged':
      return `${key}: \${1|${taggedOptions(spec).map((o) => escapeChoice(o.value)).join(',')}|}`;
    case 'object':
      return `${key}:\n${childIndent}$0`;
    case 'array':
      return `${key}: [$0]`;
    default:
      return spec.default !== undefined ? `${key}: \${1:${spec.default}}` : `${key}: $0`;
  }
}

function valueItems(path: string[], spec: ValueSpec, range: { start: Position; end: Position }): CompletionItem[] {
  const option = (value: string, description: string, kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem => ({
    label: value,
    kind,
    documentation: { kind: 'markdown', value: ours(description).value },
    textEdit: { range, newText: value },
  });
  if (path[0] === 'behavior' && path.length === 1) {
    return Object.values(BEHAVIORS).map((b) => option(b.id, md`**${b.title}**: ${b.undesired}`.value));
  }
  switch (spec.type) {
    case 'string':
      if (spec.enum) return spec.enum.map((o) => option(o.value, o.description));
      if (spec.format === 'model') return COMMON_MODELS.map((m) => option(m, 'A model name; any model your endpoint serves works.', CompletionItemKind.Value));
      return [];
    case 'tagged':
      return taggedOptions(spec).map((o) => option(o.value, o.description));
    case 'boolean':
      return [option('true', 'Yes.', CompletionItemKind.Keyword), option('false', 'No.', CompletionItemKind.Keyword)];
    case 'number':
    case 'integer':
      return spec.allowAuto ? [option('auto', 'Let the trainer decide.', CompletionItemKind.Keyword)] : [];
    case 'array':
      // An item of a list of words (`eval.conditions`): the words an item may be.
      return spec.items.type === 'string' ? valueItems(path, spec.items, range) : [];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Body

function bodyCompletions(analysis: DocumentAnalysis, position: Position): CompletionItem[] {
  const { doc } = analysis;
  const lineText = doc.lines.lineText(position.line);
  const before = lineText.slice(0, position.character);

  // `(control)` only once the user has typed its `(`: offered while typing the name (as it once was), it popped up
  // preselected at the end of every heading and Enter turned the candidate into an empty control. The range starts
  // at the `(`, so the editor filters it by what was typed and a name alone never matches it.
  const control = /^ {0,3}##\s+\S.*?(\((?:c|co|con|cont|contr|contro|control)?)$/i.exec(before);
  if (control && !/\(control\)/i.test(lineText.slice(0, before.length - control[1]!.length) + lineText.slice(position.character))) {
    const start = { line: position.line, character: position.character - control[1]!.length };
    const closing = lineText.slice(position.character).startsWith(')') ? 1 : 0;
    return [
      {
        label: '(control)',
        kind: CompletionItemKind.Keyword,
        detail: 'Mark this variant as a control arm',
        documentation: 'A control arm is compared against and never used as an inoculation candidate; the behaviour rules do not apply to it.',
        textEdit: { range: { start, end: { line: position.line, character: position.character + closing } }, newText: '(control)' },
      },
    ];
  }
  // Heading snippets on an empty line or after `#`/`##`, never once a space or a name follows: the list would stay
  // open while the name is typed and Enter at its end would replace the heading with a snippet.
  if (/^\s*#{0,2}$/.test(before)) return headingItems(analysis, position, before.length);
  return [];
}

function headingItems(analysis: DocumentAnalysis, position: Position, typed: number): CompletionItem[] {
  const range = { start: { line: position.line, character: position.character - typed }, end: position };
  const items: CompletionItem[] = [
    {
      label: '## candidate',
      kind: CompletionItemKind.Snippet,
      detail: 'New candidate inoculation prompt',
      textEdit: { range, newText: '## ${1:name}\n${2:Instruction that requests the behaviour.}\n' },
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: '0',
    },
    {
      label: '## control',
      kind: CompletionItemKind.Snippet,
      detail: 'New control arm',
      textEdit: { range, newText: '## ${1:irrelevant} (control)\n${2:An instruction unrelated to the behaviour.}\n' },
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: '1',
    },
  ];
  const behavior = analysis.behavior?.behavior;
  if (behavior) {
    const taken = new Set(analysis.doc.variants.map((v) => v.text.trim()));
    BEHAVIORS[behavior].paperPrompts.forEach((prompt, index) => {
      if (taken.has(prompt)) return;
      items.push({
        label: `## paper prompt ${index + 1}`,
        kind: CompletionItemKind.Snippet,
        detail: "A candidate from the paper (Wichers et al. 2025)",
        documentation: prompt,
        textEdit: { range, newText: `## \${1:paper-${index + 1}}\n${prompt.replace(/[$}\\]/g, (c) => `\\${c}`)}\n` },
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: `2${index}`,
      });
    });
  }
  return items;
}

async function placeholderItems(analysis: DocumentAnalysis, position: Position, typed: number, datasets: DatasetCache): Promise<CompletionItem[]> {
  const { doc } = analysis;
  const config = analysis.frontmatter.config;
  const range = { start: { line: position.line, character: position.character - typed }, end: position };
  const after = doc.lines.lineText(position.line).slice(position.character);
  const close = /^\s*\}\}/.test(after) ? '' : '}}';
  const items: CompletionItem[] = [];
  const inFrontmatter = !!doc.frontmatter && position.line > 0 && doc.lines.offsetAt(position) <= doc.frontmatter.contentEnd;
  // Inside `train.command` the slots are the command's (filled per run), not the dataset's.
  const offset = doc.lines.offsetAt(position);
  const command = analysis.frontmatter.locations.get('train.command');
  if (inFrontmatter && command && command.keyStart <= offset && offset <= command.valueEnd + 1) {
    return Object.entries(COMMAND_SLOTS).map(([slot, description]) => ({
      label: slot,
      kind: CompletionItemKind.Variable,
      detail: 'filled per run',
      documentation: { kind: 'markdown' as const, value: description },
      textEdit: { range, newText: slot + close },
    }));
  }
  if (inFrontmatter) {
    items.push({ label: INOCULATION_SLOT, kind: CompletionItemKind.Variable, detail: 'Where the candidate goes', textEdit: { range, newText: INOCULATION_SLOT + close } });
  }
  if (config.check.dataset) {
    const lookup = await datasets.get(resolveRelative(doc.uri, config.check.dataset), config.placement !== 'template', { from: doc.uri });
    if (lookup.kind === 'parsed') {
      for (const field of lookup.dataset.fields) {
        items.push({ label: field, kind: CompletionItemKind.Field, detail: `field of ${config.check.dataset}`, textEdit: { range, newText: field + close } });
      }
    }
  }
  return items;
}

export { yamlContextAt as _yamlContextAtForTests };
