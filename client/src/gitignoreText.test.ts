import assert from 'node:assert/strict';
import { ignoresEntry, withEntry } from './gitignoreText';

describe('.gitignore entry', () => {
  it('recognises the entry however it is written', () => {
    for (const text of ['.inoculate/\n', 'node_modules\n.inoculate\n', '/.inoculate/', 'a\r\n  .inoculate/  \r\n']) assert.ok(ignoresEntry(text, '.inoculate/'), JSON.stringify(text));
    for (const text of ['', '# .inoculate/\n', '.inoculate/checks/\n', 'x.inoculate/']) assert.ok(!ignoresEntry(text, '.inoculate/'), JSON.stringify(text));
  });

  it('appends on a line of its own, keeping the line endings, and creates a file holding only it', () => {
    assert.equal(withEntry(undefined, '.inoculate/'), '.inoculate/\n');
    assert.equal(withEntry('', '.inoculate/'), '.inoculate/\n');
    assert.equal(withEntry('dist/', '.inoculate/'), 'dist/\n.inoculate/\n');
    assert.equal(withEntry('dist/\n', '.inoculate/'), 'dist/\n.inoculate/\n');
    assert.equal(withEntry('dist/\r\nout/', '.inoculate/'), 'dist/\r\nout/\r\n.inoculate/\r\n');
  });
});
