import assert from 'node:assert/strict';
import { comparisonHtml } from './comparisonHtml';

describe('comparisonHtml', () => {
  it('allows only its own nonce-carrying script and the extension\'s styles, and escapes the URIs', () => {
    const html = comparisonHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/c.js?a=1&b="2"', styleUri: 'https://x/c.css', nonce: 'n0+/=' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    assert.equal(csp, "default-src 'none'; style-src https://x.vscode-cdn.net; script-src 'nonce-n0+/='; img-src https://x.vscode-cdn.net data:");
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="n0\+\/=" src="https:\/\/x\/c\.js\?a=1&amp;b=&quot;2&quot;"><\/script>/);
    assert.doesNotMatch(html, /style=/);
    assert.match(html, /role="status" aria-live="polite"/);
  });
});
