import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveRelative } from './host';

describe('resolveRelative', () => {
  it('resolves paths against the folder of the document', () => {
    assert.equal(resolveRelative('file:///w/sub/doc.inoc', 'data/x.jsonl'), 'file:///w/sub/data/x.jsonl');
    assert.equal(resolveRelative('file:///w/sub/doc.inoc', '../x.jsonl'), 'file:///w/x.jsonl');
    assert.equal(resolveRelative('file:///w/sub/doc.inoc', 'data\\x.jsonl'), 'file:///w/sub/data/x.jsonl');
  });

  it('keeps absolute paths', () => {
    assert.equal(resolveRelative('file:///w/doc.inoc', '/data/x.jsonl'), 'file:///data/x.jsonl');
  });

  it('reads three or more leading slashes as the root instead of throwing (hostile file text)', () => {
    assert.equal(resolveRelative('file:///w/doc.inoc', '////[x](command:inoculate.runCheck).jsonl'), 'file:///%5Bx%5D%28command%3Ainoculate.runCheck%29.jsonl');
    assert.equal(resolveRelative('file:///w/doc.inoc', '///data/x.jsonl'), 'file:///data/x.jsonl');
  });

  it('property: never throws on any path a file may write', () => {
    const pieces = fc.constantFrom('/', '\\', 'C:', '.', '..', '%', '#', '?', '[x]', ':', '//', 'a', '\\\\');
    const path = fc.oneof(fc.string({ maxLength: 20 }), fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(path, (written) => {
        resolveRelative('file:///w/doc.inoc', written);
        resolveRelative('vscode-remote://h/w/doc.inoc', written);
      }),
      { numRuns: 2000 },
    );
  });

  it('works for other schemes (remote workspaces)', () => {
    assert.equal(resolveRelative('vscode-remote://h/w/doc.inoc', 'x.jsonl'), 'vscode-remote://h/w/x.jsonl');
  });
});
