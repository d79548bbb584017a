/**
 * Property test: every `Object.prototype` name (`constructor`, `toString`, `__proto__`, ...) in every position a
 * `.inoc` file or a dataset can put a name (a key at any level, a word value, a grader type, a field name, a lint
 * code, a placeholder, a variant name) is an ordinary unknown word: it never crashes parsing, validation, any
 * language feature or the check set-up, and it never passes as a known key or value.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGrader } from '../check/graders/index';
import { testEnvironment } from '../check/graders/testEnvironment';
import { nodeResultsFileSystem } from '../check/nodeFs';
import { CheckSetupError, checkItems, prepareCheck } from '../check/setup';
import { InocLanguageService } from '../language/service';
import { analyzePrompt } from '../scoring/score';
import { analyzeFrontmatter, type ConfigProblem } from './config';
import { parseInocDocument } from './parse';
import { specAt } from './schema';
import { fillTemplate, lookupPath } from './placeholders';
import { scalarField } from '../check/graders/options';

/** Every own property name of Object.prototype, `__proto__` included. */
const NAMES = Object.getOwnPropertyNames(Object.prototype);

interface Case {
  /** Where the name goes. */
  position: string;
  text: (name: string) => string;
  /** A problem the validation must report about the name (undefined: only "must not crash"). */
  expect?: ConfigProblem['code'];
}

const header = (lines: string[]) => ['---', ...lines, '---', '', '## ask', 'Be very rude and insult the user.', '', '## plain (control)', 'Answer the post.', ''].join('\n');
const base = ['behavior: toxicity', 'model: m'];

const CASES: Case[] = [
  { position: 'top-level key', text: (n) => header([...base, `${n}: 1`]), expect: 'unknown-key' },
  { position: 'key under check', text: (n) => header([...base, 'check:', `  ${n}: 1`]), expect: 'unknown-key' },
  { position: 'key under train', text: (n) => header([...base, 'train:', `  ${n}: 1`]), expect: 'unknown-key' },
  { position: 'key under eval', text: (n) => header([...base, 'eval:', `  ${n}: 1`]), expect: 'unknown-key' },
  { position: 'lint code', text: (n) => header([...base, 'lint:', `  ${n}: off`]), expect: 'unknown-key' },
  { position: 'lint severity', text: (n) => header([...base, 'lint:', `  off-behavior: ${n}`]), expect: 'invalid-value' },
  { position: 'behavior', text: (n) => header([`behavior: ${n}`, 'model: m']), expect: 'invalid-value' },
  { position: 'placement', text: (n) => header([...base, `placement: ${n}`]), expect: 'invalid-value' },
  { position: 'provider', text: (n) => header([...base, `provider: ${n}`]), expect: 'invalid-value' },
  { position: 'grader shorthand', text: (n) => header([...base, 'check:', `  grader: ${n}`]), expect: 'invalid-value' },
  { position: 'grader type', text: (n) => header([...base, 'check:', `  grader: {type: ${n}}`]), expect: 'invalid-value' },
  { position: 'eval grader type', text: (n) => header([...base, 'eval:', `  grader: {type: ${n}}`]), expect: 'invalid-value' },
  { position: 'grader option', text: (n) => header([...base, 'check:', `  grader: {type: regex, pattern: x, ${n}: 1}`]), expect: 'unknown-key' },
  { position: 'train backend', text: (n) => header([...base, 'train:', `  backend: ${n}`]), expect: 'invalid-value' },
  { position: 'field option', text: (n) => header([...base, 'check:', '  dataset: data.jsonl', `  grader: {type: sycophancy, proposedField: ${n}, answerField: ${n}}`]) },
  { position: 'label field', text: (n) => header([...base, 'check:', '  dataset: data.jsonl', `  grader: {type: label, labelField: ${n}, spuriousField: ${n}}`]) },
  { position: 'placeholder', text: (n) => ['---', ...base, 'placement: template', `template: "{{${n}}} {{inoculation}}"`, 'check:', '  dataset: data.jsonl', '---', '', '## ask', `Insult {{${n}}}.`, ''].join('\n') },
  { position: 'variant name', text: (n) => header(base).replace('## ask', `## ${n}`) },
  { position: 'disable comment', text: (n) => header(base).replace('Be very rude', `<!-- inoculate-disable ${n} -->\nBe very rude`) },
  { position: 'custom keyword', text: (n) => header(['behavior: custom', `description: ${n}`, `keywords: [${n}]`, 'model: m']) },
];

describe('Object.prototype names anywhere in a file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inoculate-proto-'));
    // Items whose fields are Object.prototype names too (JSON.parse makes them own properties).
    const item = Object.fromEntries(NAMES.map((name) => [name, name]));
    await writeFile(join(dir, 'data.jsonl'), `${JSON.stringify({ prompt: 'hi', answer: '1', label: '1', ...item })}\n{"prompt": "plain", "answer": "2", "label": "2"}\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const testCase of CASES) {
    it(`never crashes and is never a known word: ${testCase.position}`, async () => {
      for (const name of NAMES) {
        const text = testCase.text(name);
        const where = `${testCase.position} = ${name}`;
        const doc = parseInocDocument('file:///w/a.inoc', text);
        const analysis = analyzeFrontmatter(doc);
        if (testCase.expect) {
          assert.ok(
            analysis.problems.some((problem) => problem.code === testCase.expect && text.slice(problem.start, problem.end).includes(name)),
            `${where}: expected ${testCase.expect}, got ${JSON.stringify(analysis.problems)}`,
          );
        }
        // Every language feature of the file, at every line.
        const uri = `file://${join(dir, 'a.inoc')}`;
        const service = new InocLanguageService({ readFile: async (u) => (u.endsWith('data.jsonl') ? `{"prompt": "p", "answer": "1", "label": "1", "${name}": "x"}\n` : undefined) });
        const document = { uri, version: 1, getText: () => text };
        const diagnostics = await service.diagnostics(document);
        for (let line = 0; line < doc.lines.lineCount; line++) {
          for (const character of [0, 2, 8]) {
            await service.hover(document, { line, character });
            await service.completions(document, { line, character });
          }
        }
        service.documentSymbols(document);
        service.foldingRanges(document);
        service.codeLenses(document, { checks: true });
        service.codeActions(document, diagnostics.map((d) => ({ range: d.range, message: d.message, code: d.code, severity: 1 })));
        service.variantScores(document);
        for (const variant of doc.variants) analyzePrompt(variant.text, { behavior: analysis.config.behavior ?? 'custom', description: name, keywords: [name] });
        // The check set-up: a clear CheckSetupError or a check, never another exception.
        await writeFile(join(dir, 'a.inoc'), text);
        try {
          const check = await prepareCheck(nodeResultsFileSystem, join(dir, 'a.inoc'), {}, dir);
          const grader = createGrader(check.grader, testEnvironment({ baseDir: dir }));
          checkItems(check, (item) => grader.itemProblem(item), grader.type);
        } catch (error) {
          if (!(error instanceof CheckSetupError) && (error as Error).name !== 'GraderConfigError') throw new Error(`${where}: ${(error as Error).stack}`);
        }
      }
    });
  }

  it('finds no spec under any of these names, at any path', () => {
    for (const name of NAMES) {
      for (const path of [[name], ['check', name], ['check', 'grader', name], ['lint', name], ['train', name], ['eval', 'grader', name]]) {
        assert.equal(specAt(path, 'regex'), undefined, path.join('.'));
        assert.equal(specAt(path, name), undefined, path.join('.'));
      }
    }
  });

  it('never reads a dataset field that the item does not own', async () => {
    for (const name of NAMES) {
      assert.equal(lookupPath({}, name), undefined, name);
      assert.equal(lookupPath({ a: {} }, `a.${name}`), undefined, name);
      assert.throws(() => fillTemplate(`{{${name}}} {{inoculation}}`, {}, 'x'), /has no field/, name);
      assert.equal(scalarField({}, name), undefined, name);
      const label = createGrader({ type: 'label', labelField: name, spuriousField: name }, testEnvironment());
      assert.match(label.itemProblem({ prompt: 'p' }) ?? '', /no `/, name);
      const sycophancy = createGrader({ type: 'sycophancy', answerField: name, proposedField: name }, testEnvironment());
      assert.match(sycophancy.itemProblem({ prompt: 'p' }) ?? '', /no `/, name);
      const own = JSON.parse(`{"${name}": "4", "label": "4", "answer": "6"}`) as Record<string, unknown>;
      assert.equal(lookupPath(own, name), '4', `an own field called ${name} still counts`);
    }
  });

  it('never names a grader', () => {
    for (const name of NAMES) assert.throws(() => createGrader({ type: name }, testEnvironment()), /Unknown grader type/);
  });
});
