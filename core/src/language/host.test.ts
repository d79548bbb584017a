import * as assert from 'node:assert/strict';
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

  it('works for other schemes (remote workspaces)', () => {
    assert.equal(resolveRelative('vscode-remote://h/w/doc.inoc', 'x.jsonl'), 'vscode-remote://h/w/x.jsonl');
  });
});
