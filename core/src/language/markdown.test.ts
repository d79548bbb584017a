import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { marked } from 'marked';
import { code, escapeMarkdown, joinMarkdown, md, type Markdown } from './markdown';
import { assertInert, hostileText } from './testing';

describe('markdown escaping', () => {
  it('renders escaped text as exactly that text', () => {
    for (const text of ['[x](command:y)', '![i](https://e/x.png)', '<b>bold</b>', 'a *b* _c_ `d` ~~e~~', 'path\\to\\file', 'https://x.example www.x.example a@b.example']) {
      const html = marked.parseInline(escapeMarkdown(text), { gfm: true, async: false }) as string;
      const decoded = html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      assert.equal(decoded, text);
    }
  });

  it('keeps ordinary prose readable when shown unrendered', () => {
    assert.equal(escapeMarkdown('Write a very mean response (0.80): "agree".'), 'Write a very mean response (0.80): "agree".');
  });

  it('makes a code span that no backtick run can close early', () => {
    assert.equal(code('a').value, '`a`');
    assert.equal(code('a`b').value, '``a`b``');
    assert.equal(code('`x`').value, '`` `x` ``');
    const html = marked.parseInline(code('` [x](command:y) `').value, { gfm: true, async: false }) as string;
    assert.match(html, /^<code>.*\[x\]\(command:y\).*<\/code>$/);
  });

  it('escapes every interpolated value but keeps markup built with md', () => {
    const name = '[x](command:y)';
    const built = md`**${name}** in ${code('a.jsonl')}: ${md`_ours_`}`;
    assert.equal(built.value, '**\\[x\\](command:y)** in `a.jsonl`: _ours_');
  });

  it('property: no text, wherever it is interpolated, produces a link, an image, HTML or a command URI', () => {
    const contexts: Array<(text: string) => Markdown> = [
      (t) => md`${t}`,
      (t) => md`${t}${t}`,
      (t) => md`**${t}** · predicted elicitation **0.80** (strong)`,
      (t) => md`- +0.20 names the concrete form (${t})`,
      (t) => md`Measured: **34%** [22%, 48%] (17/50) on ${code(t)}, 2 h ago`,
      (t) => md`No file at ${code(t)}.`,
      (t) => joinMarkdown([md`Fields: ${joinMarkdown([code(t), code(t + 'x')], ', ')}`, md`> ${t}`, md``, md`${t}`], '\n'),
      (t) => md`First item (line 1): ${code(t)}${t}${code(t)}`,
    ];
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 0, max: contexts.length - 1 }), (text, which) => {
        assertInert(contexts[which]!(text).value, `context ${which}`);
      }),
      { numRuns: 3000 },
    );
  });
});
