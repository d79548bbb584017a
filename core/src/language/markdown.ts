/**
 * Markdown for hovers and completion documentation, built so that text from files, datasets, check summaries or
 * models can never become markup: every interpolated value is escaped unless it is itself built here. A variant
 * named `[x](command:...)` or `![i](https://...)` shows as those characters, never as a link, an image, HTML or a
 * command URI, in any CommonMark/GFM renderer (VS Code's, Neovim's, Emacs' markdown-mode).
 */

/** Markdown that is safe to show: our own markup around escaped text. Only the helpers below create it. */
export class Markdown {
  /** @internal Use {@link md}, {@link code} or {@link escaped}. */
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** Control characters, bidirectional overrides and other invisible format characters: shown as U+FFFD. */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Plain text as Markdown that renders as that text. Backslash-escaped (CommonMark allows it for any punctuation):
 * what can open markup: `[` `]` (links, images), `<` `>` (HTML, autolinks, quotes), `` ` `` `*` `_` `~` `#` `|` `&` `\`;
 * `@` (GFM e-mail autolinks); the `:` of `://` and the `.` of `www.` (GFM bare-URL autolinks). Line breaks become
 * spaces, so no block can start; a leading list or heading marker is escaped too. Ordinary prose punctuation
 * (`.`, `,`, `:`, `(`, `)`, `"`) stays as it is, so clients that show Markdown unrendered stay readable.
 */
export function escapeMarkdown(text: string, atLineStart = true): string {
  const inline = text
    .replace(INVISIBLE, '\ufffd')
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
    .replace(/[\\`*_~[\]<>#|&@]|:(?=\/\/)|(?<=www)\./gi, (c) => `\\${c}`);
  if (!atLineStart) return inline;
  // At the start of a line: four spaces would open a code block; `- `, `+ `, `1. ` a list; `---`, `===` a rule or heading.
  return inline
    .replace(/^[ \t]+/, ' ')
    .replace(/^(\s*)([+*](?=\s|$)|-(?=[\s-]|$)|=|\d+(?=[.)](?:\s|$)))/, (_all, space: string, marker: string) =>
      `${space}${/^\d/.test(marker) ? `${marker}\\` : `\\${marker}`}`,
    );
}

/** Plain text wrapped as safe Markdown. */
export function escaped(text: string): Markdown {
  return new Markdown(escapeMarkdown(text));
}

/**
 * An inline code span of `text` (paths, names, values): inside a code span nothing is markup, provided the fence is
 * longer than any run of backticks in the text. Line breaks become spaces (a code span never ends a block).
 */
export function code(text: string): Markdown {
  const flat = text.replace(INVISIBLE, '\ufffd').replace(/\r\n?|\n|\u2028|\u2029/g, ' ');
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  // A leading or trailing backtick (or space) would merge with the fence or be stripped: pad with one space.
  const pad = /^[`\s]|[`\s]$/.test(flat) || flat === '' ? ' ' : '';
  return new Markdown(`${fence}${pad}${flat}${pad}${fence}`);
}

/** Safe Markdown from a template: literal parts are ours (markup), every `${value}` is escaped unless it is {@link Markdown}. */
export function md(strings: TemplateStringsArray, ...values: Array<string | number | Markdown>): Markdown {
  let out = strings[0]!;
  values.forEach((value, i) => {
    // After nothing but block markers on its line (`> `, `- `, `1. `), a value could open a block of its own.
    const lineSoFar = out.slice(out.lastIndexOf('\n') + 1);
    const atLineStart = /^(?:\s*(?:[>*+-]|\d+[.)])(?:\s+|$))*\s*$/.test(lineSoFar);
    out += value instanceof Markdown ? value.value : escapeMarkdown(String(value), atLineStart);
    out += strings[i + 1]!;
  });
  return new Markdown(out);
}

/** Joins safe Markdown pieces (lines, list items) with `separator`, which is ours. */
export function joinMarkdown(parts: Array<Markdown>, separator: string): Markdown {
  return new Markdown(parts.map((p) => p.value).join(separator));
}

/** Markdown we wrote ourselves (schema descriptions, behaviour cards): never pass text from a file, dataset or model. */
export function ours(markdown: string): Markdown {
  return new Markdown(markdown);
}
