import assert from 'node:assert/strict';
import { terminalJson, terminalText } from './terminalText';

/** Every character a terminal may act on, and that must never be printed raw. */
const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
];
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminalText', () => {
  it('shows every control character as a visible escape and leaves other text alone', () => {
    for (const char of CONTROLS) {
      const shown = terminalText(`a${char}b`);
      assert.doesNotMatch(shown, RAW, `U+${char.charCodeAt(0).toString(16)}`);
      assert.ok(shown.length > 3);
    }
    assert.equal(terminalText('\u001b]0;pwned\u0007\r\u001b[2Kall 12 passed\n'), '\\e]0;pwned\\x07\\r\\e[2Kall 12 passed\\n');
    assert.equal(terminalText('\u202eevil'), '\\u{202e}evil');
    assert.equal(terminalText('héllo 日本語 ✔ — "quotes" C:\\path'), 'héllo 日本語 ✔ — "quotes" C:\\path');
  });

  it('keeps JSON valid and equal to the value, with no raw control character', () => {
    const value = { name: CONTROLS.join(''), nested: [{ text: '\u001b[31mred\u009b2J\u2028' }], plain: 'ok' };
    const json = terminalJson(value);
    assert.doesNotMatch(json.replace(/\n/g, ''), RAW);
    assert.deepEqual(JSON.parse(json), value);
    assert.equal(terminalJson('x', 0), '"x"');
  });
});
