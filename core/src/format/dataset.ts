/** JSONL datasets: one item a line, `{"messages": [...]}` or `{"prompt": "..."}` plus grader fields. */

export type Item = Record<string, unknown>;

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

export interface DatasetItem {
  /** 1-based line number in the file. */
  line: number;
  value: Item;
}

export interface DatasetError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedDataset {
  items: DatasetItem[];
  /** Every bad line, in file order (the first one is what diagnostics show). */
  errors: DatasetError[];
  /** Top-level fields seen in any item (for placeholder checks and completion). */
  fields: Set<string>;
}

export interface DatasetShape {
  /** Items must carry their own prompt (`messages` or `prompt`); false when a template builds it from fields. */
  needsPrompt: boolean;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

/** Parses JSONL text; never throws. */
export function parseDataset(text: string, shape: DatasetShape): ParsedDataset {
  const items: DatasetItem[] = [];
  const errors: DatasetError[] = [];
  const fields = new Set<string>();
  let line = 0;
  let at = 0;
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Any line ending: LF, CRLF or a lone CR (JSON text never holds a raw CR or LF inside a value).
  const breaks = /\r\n?|\n/g;
  while (at <= withoutBom.length) {
    breaks.lastIndex = at;
    const lineBreak = breaks.exec(withoutBom);
    const next = lineBreak ? lineBreak.index : withoutBom.length;
    line++;
    const raw = withoutBom.slice(at, next);
    at = next + (lineBreak ? lineBreak[0].length : 1);
    if (!raw.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      errors.push({ line, message: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    const problem = itemShapeProblem(value, shape);
    if (problem) {
      errors.push({ line, message: problem });
      continue;
    }
    for (const key of Object.keys(value as Item)) fields.add(key);
    items.push({ line, value: value as Item });
  }
  return { items, errors, fields };
}

/** Why `value` is not a usable item, or undefined when it is. */
export function itemShapeProblem(value: unknown, shape: DatasetShape): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'each line must be a JSON object';
  const item = value as Item;
  if ('messages' in item) {
    const messages = item.messages;
    if (!Array.isArray(messages) || messages.length === 0) return '`messages` must be a non-empty list';
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as Record<string, unknown> | null;
      if (!message || typeof message !== 'object') return `\`messages[${i}]\` must be an object with \`role\` and \`content\``;
      if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
        return `\`messages[${i}].role\` must be system, developer, user or assistant`;
      }
      if (typeof message.content !== 'string') return `\`messages[${i}].content\` must be text`;
    }
    if (!messages.some((m) => (m as ChatMessage).role === 'user')) return '`messages` has no user message';
    return undefined;
  }
  if ('prompt' in item) {
    return typeof item.prompt === 'string' ? undefined : '`prompt` must be text';
  }
  return shape.needsPrompt ? 'an item needs `messages` (a chat) or `prompt` (text)' : undefined;
}

/** The messages an item sends: a trailing assistant message is the training target and is dropped. */
export function itemMessages(item: Item): ChatMessage[] {
  if (Array.isArray(item.messages)) {
    const messages = (item.messages as ChatMessage[]).map((m) => ({ role: m.role, content: m.content }));
    while (messages.length && messages[messages.length - 1]!.role === 'assistant') messages.pop();
    return messages;
  }
  if (typeof item.prompt === 'string') return [{ role: 'user', content: item.prompt }];
  return [];
}

/** The training target of a chat item (its trailing assistant message), if any. */
export function itemTarget(item: Item): string | undefined {
  if (!Array.isArray(item.messages)) return typeof item.completion === 'string' ? item.completion : undefined;
  const last = (item.messages as ChatMessage[])[item.messages.length - 1];
  return last?.role === 'assistant' ? last.content : undefined;
}
