/**
 * Checks of `syntaxes/inoculation.tmLanguage.json` without VS Code: valid JSON, the scopes the editor relies on, and
 * every regex compiling (translated from Oniguruma where the syntax differs) and matching the lines it is for. The
 * end-to-end suite tokenizes a whole file with VS Code's own TextMate engine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  name?: string;
  contentName?: string;
  match?: string;
  begin?: string;
  end?: string;
  patterns?: Rule[];
  include?: string;
  captures?: Record<string, { name: string }>;
  beginCaptures?: Record<string, { name: string }>;
}

const grammar = JSON.parse(readFileSync(join(__dirname, '../../syntaxes/inoculation.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
  injections: Record<string, Rule>;
};

/** Oniguruma → JavaScript for the constructs this grammar uses: `\A` (start of document) and back-references in `end` to `begin`'s groups. */
function toJs(pattern: string, beginGroup?: string): RegExp {
  const translated = pattern.replace(/\\A/g, '^').replace(/\\1/g, beginGroup ?? '```');
  return new RegExp(translated);
}

function allRules(): Array<[string, Rule]> {
  const found: Array<[string, Rule]> = [];
  const visit = (path: string, rule: Rule) => {
    found.push([path, rule]);
    rule.patterns?.forEach((child, i) => visit(`${path}.patterns[${i}]`, child));
  };
  for (const [name, rule] of Object.entries(grammar.repository)) visit(name, rule);
  for (const [selector, rule] of Object.entries(grammar.injections)) visit(`injection ${selector}`, rule);
  return found;
}

const rule = (name: string) => grammar.repository[name]!;

describe('the TextMate grammar', () => {
  it('is source.inoc and includes only rules it defines (or other grammars by scope)', () => {
    assert.equal(grammar.scopeName, 'source.inoc');
    for (const [path, r] of allRules()) {
      if (!r.include) continue;
      if (r.include.startsWith('#')) assert.ok(grammar.repository[r.include.slice(1)], `${path}: ${r.include} is not defined`);
      else assert.match(r.include, /^source\.(yaml|python)$/, path);
    }
    for (const top of grammar.patterns) assert.ok(grammar.repository[top.include!.slice(1)], top.include);
  });

  it('has regexes that compile', () => {
    for (const [path, r] of allRules()) {
      for (const key of ['match', 'begin', 'end'] as const) {
        if (r[key] === undefined) continue;
        assert.doesNotThrow(() => toJs(r[key]!), `${path}.${key}: ${r[key]}`);
      }
    }
  });

  it('embeds the frontmatter as YAML only from the first line to the closing fence', () => {
    const frontmatter = rule('frontmatter');
    assert.equal(frontmatter.contentName, 'meta.embedded.block.yaml');
    assert.deepEqual(frontmatter.patterns, [{ include: 'source.yaml' }]);
    assert.match(frontmatter.begin!, /^\\A/);
    assert.ok(toJs(frontmatter.begin!).test('---'));
    assert.ok(!toJs(frontmatter.begin!).test('--- x'));
    assert.ok(toJs(frontmatter.end!).test('---'));
    assert.ok(toJs(frontmatter.end!).test('...'));
    assert.ok(!toJs(frontmatter.end!).test('----'));
  });

  it('scopes the variant name and the (control) marker of headings', () => {
    const heading = rule('variant-heading');
    const match = (line: string) => toJs(heading.match!).exec(line);
    assert.equal(heading.captures!['2']!.name, 'entity.name.section.variant.inoc');
    assert.equal(heading.captures!['4']!.name, 'storage.modifier.control.inoc');
    assert.deepEqual([...match('## test-specific')!].slice(2, 5), ['test-specific', undefined, undefined]);
    assert.deepEqual([...match('## irrelevant (control)')!].slice(2, 5), ['irrelevant', '(', 'control']);
    assert.deepEqual([...match('##   two words  (Control) ##')!].slice(2, 5), ['two words', '(', 'Control']);
    assert.equal(match('##')![2], '');
    assert.equal(match('#  h1'), null);
    assert.equal(match('### h3'), null);
    assert.equal(match('##no-space'), null);
    assert.equal(match('    ## indented code'), null);
  });

  it('embeds Python in ```python fences and closes a fence only with one at least as long', () => {
    const python = rule('fenced-python');
    assert.equal(python.contentName, 'meta.embedded.block.python');
    assert.deepEqual(python.patterns, [{ include: 'source.python' }]);
    const begin = toJs(python.begin!);
    for (const line of ['```python', '```py', '````Python3 title', '``` python']) assert.ok(begin.test(line), line);
    for (const line of ['```pythonic', '```js', '``python']) assert.ok(!begin.test(line), line);
    const end = toJs(python.end!, '````');
    assert.ok(end.test('````') && end.test('`````'));
    assert.ok(!end.test('```'));
    const plain = rule('fenced-code');
    assert.ok(toJs(plain.begin!).test('```') && toJs(plain.begin!).test('```text'));
  });

  it('marks inoculate-disable directives and their codes inside comments', () => {
    const directive = rule('directive-comment');
    const begin = toJs(directive.begin!);
    assert.equal(begin.exec('<!-- inoculate-disable hedged-request -->')![2], 'inoculate-disable');
    assert.ok(!begin.test('<!-- a note -->'));
    const code = toJs(directive.patterns![0]!.match!);
    assert.equal(code.exec(' hedged-request, off-behavior')![0], 'hedged-request');
    assert.equal(directive.patterns![0]!.name, 'constant.other.diagnostic-code.inoc');
    assert.equal(rule('comment').name, 'comment.block.html.inoc');
  });

  it('scopes {{placeholders}} as variables, in the body and in frontmatter strings', () => {
    const [inoculation, field] = rule('placeholder').patterns!;
    assert.equal(toJs(inoculation!.match!).exec('a {{ inoculation }} b')![2], 'inoculation');
    assert.equal(inoculation!.captures!['2']!.name, 'variable.language.inoculation.inoc');
    assert.equal(toJs(field!.match!).exec('{{test_list[0]}}')![2], 'test_list[0]');
    assert.equal(toJs(field!.match!).exec('{{meta.title}}')![2], 'meta.title');
    assert.equal(toJs(field!.match!).exec('{{ 1bad }}'), null);
    assert.equal(field!.captures!['2']!.name, 'variable.other.placeholder.inoc');
    assert.deepEqual(Object.values(grammar.injections)[0]!.patterns, [{ include: '#placeholder' }]);
  });
});
