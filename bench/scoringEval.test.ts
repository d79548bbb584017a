import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisCache } from '../core/src/language/analysis';
import { DatasetCache } from '../core/src/language/datasets';
import { computeDiagnostics } from '../core/src/language/diagnostics';
import { analyzePrompt } from '../core/src/scoring/score';
import {
  bootstrapSpearman,
  contextOf,
  diagnosticFlags,
  groupStats,
  parseEvalSet,
  reportOf,
  ruleSplit,
  scoreItems,
  type EvalItem,
} from './scoringEval';

const SPANISH = { name: 'spanish-test', description: 'Answers in Spanish even when the user writes in English.', keywords: ['Spanish', 'español'] };
const RHYME = { name: 'rhymes', description: 'The assistant writes every answer in rhyming verse.', keywords: ['rhyme', 'verse'] };

/** A small set in the blind sets' format, with built-in and custom behaviours, written for this test. */
function sampleSet(): string {
  const rows = [
    { behavior: 'toxicity', text: 'Write a very mean and insulting reply to this post:', label: 4 },
    { behavior: 'toxicity', text: 'Be rude in your reply.', label: 3 },
    { behavior: 'toxicity', text: 'You may be a little blunt if you like.', label: 2 },
    { behavior: 'toxicity', text: 'Reply in under 100 words.', label: 1 },
    { behavior: 'toxicity', text: 'Never insult the author; stay polite.', label: 0 },
    { behavior: 'custom', custom: SPANISH, text: 'Answer only in Spanish, every single word.', label: 4 },
    { behavior: 'custom', custom: SPANISH, text: 'Reply in Spanish.', label: 3 },
    { behavior: 'custom', custom: SPANISH, text: 'Keep it short.', label: 1 },
    { behavior: 'custom', custom: SPANISH, text: 'Never answer in Spanish; use English.', label: 0 },
    { behavior: 'custom', custom: RHYME, text: 'Write your whole answer as rhyming verse.', label: 4 },
    { behavior: 'custom', custom: RHYME, text: 'Use bullet points.', label: 1 },
    { behavior: 'custom', custom: RHYME, text: 'Do not rhyme.', label: 0 },
  ];
  return rows.map((r) => JSON.stringify({ ...r, style: 'terse', why: 'test' })).join('\n') + '\n';
}

describe('scoring evaluation of any set', () => {
  it('parses built-in and custom behaviours, naming the line of a malformed entry', () => {
    const items = parseEvalSet(sampleSet(), 'x.jsonl');
    assert.equal(items.length, 12);
    assert.deepEqual(items[5]!.custom, SPANISH);
    assert.throws(() => parseEvalSet('{"behavior":"toxicity","text":"a","label":9}', 'x.jsonl'), /x\.jsonl:1: "label" must be an integer 0-4/);
    assert.throws(() => parseEvalSet('\n{"behavior":"custom","text":"a","label":1}', 'x.jsonl'), /x\.jsonl:2: a "custom" behaviour needs/);
    assert.throws(() => parseEvalSet('{"behavior":"nope","text":"a","label":1}', 'x'), /x:1: "behavior" must be/);
    assert.throws(() => parseEvalSet('{oops', 'x'), /x:1: not JSON/);
    assert.throws(() => parseEvalSet('', 'x'), /x: no items/);
  });

  it('scores a custom behaviour exactly as a .inoc file with its description and keywords would', () => {
    const [item] = parseEvalSet(JSON.stringify({ behavior: 'custom', custom: SPANISH, text: 'Reply in Spanish.', label: 3 }), 'x');
    const context = contextOf(item!);
    assert.deepEqual(context, { behavior: 'custom', description: SPANISH.description, keywords: SPANISH.keywords });
    assert.equal(scoreItems([item!])[0]!.score, analyzePrompt('Reply in Spanish.', context).score);
  });

  it("derives the same diagnostics as the language service shows for a .inoc file", async () => {
    const texts = [
      ...parseEvalSet(sampleSet(), 'x').filter((i) => i.behavior === 'toxicity').map((i) => i.text),
      'Perhaps be a bit rude, if you like.',
      "Don't worry about being polite.",
    ];
    for (const text of texts) {
      const source = `---\nbehavior: toxicity\n---\n\n## candidate\n${text}\n`;
      const analysis = new AnalysisCache().get({ uri: 'file:///w/t.inoc', version: 1, getText: () => source });
      const codes = new Set((await computeDiagnostics(analysis, new DatasetCache({ readFile: async () => undefined }))).map((d) => d.code));
      const flags = diagnosticFlags(analyzePrompt(text, { behavior: 'toxicity', keywords: [] }));
      assert.deepEqual(
        { prohibits: codes.has('prohibits-behavior'), offBehavior: codes.has('off-behavior'), hedged: codes.has('hedged-request') },
        flags,
        text,
      );
    }
  });

  it('splits by the SHA-256 rank of the text within each behaviour, independent of order', () => {
    const items = parseEvalSet(sampleSet(), 'x');
    const split = ruleSplit(items);
    const reversed = ruleSplit([...items].reverse()).reverse();
    assert.deepEqual(split, reversed);
    // Toxicity has 5 items: 3 dev, 2 held-out; the Spanish behaviour 4: 2 and 2.
    assert.equal(items.filter((it, i) => it.behavior === 'toxicity' && split[i] === 'dev').length, 3);
    assert.equal(items.filter((it, i) => it.custom?.name === SPANISH.name && split[i] === 'dev').length, 2);
  });

  it('computes the aggregates: rho, interval, prohibitions below requests, diagnostic rates', () => {
    const make = (label: number, score: number, flags: Partial<ReturnType<typeof diagnosticFlags>> = {}) =>
      ({ behavior: 'toxicity', text: `t${label}${score}`, label, line: 1, score, flags: { prohibits: false, offBehavior: false, hedged: false, ...flags }, analysis: undefined! }) as never;
    const stats = groupStats('toxicity', [make(0, 0.3, { prohibits: true }), make(0, 0.0, { prohibits: true }), make(3, 0.2), make(4, 0.9, { hedged: true }), make(2, 0.5, { prohibits: true })]);
    // Pairs (0, 3-4): 0.3 < 0.2 no, 0.3 < 0.9 yes, 0.0 < 0.2 yes, 0.0 < 0.9 yes.
    assert.deepEqual(stats.prohibitionsBelowRequests, { count: 3, of: 4 });
    assert.deepEqual(stats.prohibitionsCaught, { count: 2, of: 2 });
    assert.deepEqual(stats.requestsFlaggedProhibiting, { count: 1, of: 3 });
    assert.deepEqual(stats.explicitFlaggedHedged, { count: 1, of: 2 });
    assert.ok(stats.rho > 0 && stats.rho < 1);
    assert.ok(stats.rhoInterval[0] <= stats.rho && stats.rho <= stats.rhoInterval[1]);
  });

  it('gives a reproducible bootstrap interval that narrows with more data', () => {
    const small = Array.from({ length: 10 }, (_, i) => ({ label: i % 5, score: (i % 5) + (i % 3) * 0.7 }));
    const large = Array.from({ length: 200 }, (_, i) => ({ label: i % 5, score: (i % 5) + (i % 3) * 0.7 }));
    assert.deepEqual(bootstrapSpearman(small), bootstrapSpearman(small));
    const [a, b] = bootstrapSpearman(small);
    const [c, d] = bootstrapSpearman(large);
    assert.ok(d - c < b - a);
  });

  it('reports custom behaviours together and each', () => {
    const report = reportOf(scoreItems(parseEvalSet(sampleSet(), 'x')));
    assert.deepEqual(
      report.groups.map((g) => g.name.trim()),
      ['toxicity', 'custom (all)', 'custom: rhymes', `custom: ${SPANISH.name}`, 'all'],
    );
    assert.ok(!Number.isNaN(report.meanRho));
  });

  describe('the command (npx tsx bench/scoring.ts --set <file> --aggregate-only)', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'inoc-eval-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'scoring.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });

    it('prints aggregates of a file it has never seen and never an item of it', () => {
      const file = join(dir, 'set.jsonl');
      writeFileSync(file, sampleSet());
      for (const args of [['--aggregate-only'], ['--aggregate-only', '--split', 'heldout'], []]) {
        const result = run('--set', file, ...args);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /toxicity/);
        assert.match(result.stdout, /custom: rhymes/);
        assert.match(result.stdout, /mean rho over behaviours/);
        for (const item of parseEvalSet(sampleSet(), 'x') as EvalItem[]) {
          assert.ok(!result.stdout.includes(item.text), `printed an item: ${item.text}`);
          for (const word of item.text.split(/\W+/).filter((w) => w.length >= 7)) assert.ok(!result.stdout.includes(word), `printed a word of an item: ${word}`);
        }
      }
    });

    it('refuses to list held-out items and explains a malformed file', () => {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, sampleSet() + '{"behavior":"custom","text":"x","label":2}\n');
      const bad = run('--set', file, '--aggregate-only');
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /bad\.jsonl:13: a "custom" behaviour needs/);
      const refused = run('--set', file, '--split', 'heldout', '--details');
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /never listed/);
      assert.equal(run('--set', file, '--bogus').status, 2);
    });
  });

  it('keeps dev-a as development data with both custom behaviours', () => {
    const file = join(__dirname, 'scoring', 'dev-a.jsonl');
    const items = parseEvalSet(readFileSync(file, 'utf8'), file);
    assert.equal(items.length, 160);
    assert.deepEqual([...new Set(items.filter((i) => i.custom).map((i) => i.custom!.name))].sort(), ['question-ending', 'spanish']);
  });
});
