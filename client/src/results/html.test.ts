import assert from 'node:assert/strict';
import { resultsCsp, resultsHtml } from './html';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dist/results.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/results.css',
  nonce: 'q1w2e3r4t5y6u7i8o9p0aA==',
};

describe('resultsCsp', () => {
  it('allows nothing by default, styles from the extension only and scripts with the nonce only', () => {
    const csp = resultsCsp(options.cspSource, options.nonce);
    const directives = new Map(csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values] as const;
    }));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('style-src'), [options.cspSource]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${options.nonce}'`]);
    assert.deepEqual(directives.get('img-src'), [options.cspSource, 'data:']);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });
});

describe('resultsHtml', () => {
  it('puts the CSP first in the head, then the stylesheet, and one script carrying the nonce', () => {
    const html = resultsHtml(options);
    const csp = html.indexOf('http-equiv="Content-Security-Policy"');
    assert.ok(csp > 0 && csp < html.indexOf('<link rel="stylesheet"'), 'the CSP must come before anything it governs');
    assert.ok(html.includes(`content="${resultsCsp(options.cspSource, options.nonce)}"`));
    assert.ok(html.includes(`<link rel="stylesheet" href="${options.styleUri}">`));
    assert.equal(html.match(/<script\b/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${options.nonce}" src="${options.scriptUri}"></script>`));
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler');
  });

  it('has a language, a main landmark and a polite live region for announcements', () => {
    const html = resultsHtml(options);
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<main id="root"/);
    assert.match(html, /<div id="status" role="status" aria-live="polite"><\/div>/);
  });

  it('escapes what it puts in attributes', () => {
    const html = resultsHtml({ ...options, scriptUri: 'https://x/a.js?x=1&y="2"', styleUri: 'https://x/a.css?<b>' });
    assert.ok(html.includes('src="https://x/a.js?x=1&amp;y=&quot;2&quot;"'));
    assert.ok(html.includes('href="https://x/a.css?&lt;b&gt;"'));
  });
});
