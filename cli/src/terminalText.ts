/**
 * Untrusted text on a terminal. File names, `.inoc` text, dataset fields, endpoint errors and judge replies can hold
 * control characters that a terminal obeys: ESC sequences that retitle the window, clear the screen, move the cursor
 * to overwrite a line with a fake "passed", or write the clipboard (OSC 52); a bare CR or a newline that starts a
 * fake line; C1 controls (U+009B is a CSI on some terminals); bidirectional overrides that reorder what is shown.
 * `terminalText` is the one function every human-readable CLI output passes such text through; `terminalJson` is
 * its counterpart for `--json` (still valid JSON).
 */

/** C0 controls and DEL, C1 controls, line/paragraph separators, and bidi marks, embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const UNSAFE_ABOVE_C0 = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function visible(char: string): string {
  if (Object.hasOwn(NAMED, char)) return NAMED[char]!;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with every control character shown as a visible escape (`\e`, `\r`, `\n`, `\x07`, `\u{202e}`): one line, inert. */
export function terminalText(text: string): string {
  return String(text).replace(UNSAFE, visible);
}

/**
 * JSON for a terminal: `JSON.stringify` escapes C0 controls already; this also writes the other characters above as
 * `\uXXXX` escapes. They can only occur inside strings, so the result is the same JSON value.
 */
export function terminalJson(value: unknown, indent = 2): string {
  // Raw C0 characters in the output are only the indentation's line breaks (JSON.stringify escapes those in strings).
  return JSON.stringify(value, null, indent).replace(UNSAFE_ABOVE_C0, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
