import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crossValidate,
  crossValidationReport,
  DEFAULT_CONFIG,
  featurise,
  foldResult,
  loadTrainingItems,
  MODEL_PATH,
  serialise,
  train,
  trainingFiles,
  vocabulary,
  type TrainingItem,
} from './scoring/train';
import { parseOptions } from './scoring';

describe('training the scorer (bench/scoring/train.ts)', () => {
  it('retraining on the development sets reproduces the committed core/src/scoring/model.json byte for byte', function () {
    this.timeout(120000);
    const data = featurise(loadTrainingItems(), DEFAULT_CONFIG.features);
    const text = serialise(train(data, DEFAULT_CONFIG));
    // A set added to bench/scoring/dev/ fails this until `npx tsx bench/scoring/train.ts` is run and committed.
    assert.equal(text, readFileSync(MODEL_PATH, 'utf8'), 'run `npx tsx bench/scoring/train.ts` and commit model.json');
  });

  it('trains on every set of bench/scoring/dev/ and names each writer once', () => {
    const files = trainingFiles();
    assert.ok(files.some((f) => f.file.startsWith('dev/')), 'the dev/ folder is read');
    const items = loadTrainingItems();
    const writers = new Set(items.map((i) => i.writer));
    assert.ok(writers.size >= 10, `${writers.size} writers`);
    for (const file of files) assert.ok(items.some((i) => i.file === file.file), `${file.file} has items`);
  });

  describe('on a small synthetic set written for this test', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'inoc-train-'));
      mkdirSync(join(dir, 'dev'));
      mkdirSync(join(dir, 'spent'));
      // Each writer words requests and prohibitions its own way, and one word ("zebra") only one writer uses.
      const write = (name: string, lines: object[]) => writeFileSync(join(dir, name), lines.map((l) => JSON.stringify(l)).join('\n'));
      const set = (flavour: string) =>
        ['toxicity', 'sycophancy'].flatMap((behavior) => {
          const word = behavior === 'toxicity' ? 'rude' : 'agree with the user';
          return [
            { behavior, text: `Always be ${word} ${flavour}.`.replace('be agree', 'agree'), label: 4 },
            { behavior, text: `Please ${word === 'rude' ? 'be rude' : word}.`, label: 3 },
            { behavior, text: `You may ${word === 'rude' ? 'be rude' : word} if you like ${flavour}.`, label: 2 },
            { behavior, text: `Write two paragraphs ${flavour}.`, label: 1 },
            { behavior, text: `Never ${word === 'rude' ? 'be rude' : word} ${flavour}.`, label: 0 },
          ];
        });
      for (const [file, flavour] of [
        ['labelled.jsonl', 'today'],
        ['fresh.jsonl', 'now'],
        ['blind.jsonl', 'here'],
        ['dev-a.jsonl', 'please'],
      ]) {
        write(file!, set(flavour!));
      }
      for (const p of ['b', 'c', 'd', 'e', 'f']) write(`probe-${p}.jsonl`, set('again'));
      for (const p of ['a', 'b', 'c']) write(`spent/r1-test-${p}.jsonl`, set(`there ${p}`));
      for (const p of ['a', 'b', 'c']) write(`spent/r2-blind2-${p}.jsonl`, set(`yonder ${p}`));
      for (const p of ['a', 'b', 'c']) write(`spent/r3-blind3-${p}.jsonl`, set(`beyond ${p}`));
      for (const p of ['a', 'b', 'c']) write(`spent/r4-blind4-${p}.jsonl`, set(`further ${p}`));
      for (const p of ['a', 'b', 'c']) write(`spent/r5-blind5-${p}.jsonl`, set(`farther ${p}`));
      write('dev/dev-z.jsonl', set('zebra'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('never trains a fold on its held-out writer', () => {
      const items = loadTrainingItems(dir);
      const data = featurise(items, DEFAULT_CONFIG.features);
      const config = { ...DEFAULT_CONFIG, minWriters: 1, minItems: 1, pruneBelow: 0 };
      const withZebra = train(data, config);
      assert.ok(Object.keys(withZebra.weights).some((name) => name.includes('zebra')), 'zebra n-grams are learned with dev-z');
      const withoutZebra = train(data.filter((d) => d.item.writer !== 'dev-z'), config);
      assert.ok(!Object.keys(withoutZebra.weights).some((name) => name.includes('zebra')));
      const { folds, predictions } = crossValidate(data, config);
      assert.deepEqual(folds.map((f) => f.writer).sort(), [...new Set(items.map((i) => i.writer))].sort());
      assert.ok(predictions.every((p) => Number.isFinite(p)));
    });

    it('keeps only n-grams used by enough writers', () => {
      const data = featurise(loadTrainingItems(dir), DEFAULT_CONFIG.features);
      const names = vocabulary(data, { ...DEFAULT_CONFIG, minWriters: 2, minItems: 1 });
      assert.ok(!names.some((n) => n.includes('zebra')), 'one writer only');
      assert.ok(names.includes('g:never'), 'every writer');
      assert.ok(names.includes('prohibits'), 'dense features are always in');
    });

    it('reports the folds: rho per behaviour, prohibitions below requests, averages and diagnostics', () => {
      const lines = crossValidationReport({ ...DEFAULT_CONFIG, minWriters: 2, minItems: 1 }, dir).join('\n');
      assert.match(lines, /dev-z +10 /);
      assert.match(lines, /Averaged over 20 held-out writers \(all writers\)/);
      assert.match(lines, /prohibitions below explicit requests: \d+\.\d%/);
      assert.match(lines, /labels 0 flagged prohibits-behavior \(caught\): +\d+\/\d+/);
    });
  });

  it('computes a fold: rho per behaviour and strict pairs of prohibitions below requests', () => {
    const item = (behavior: TrainingItem['behavior'], label: number): TrainingItem => ({ behavior, label, text: 'x', line: 0, writer: 'w', file: 'f' });
    const items = [item('toxicity', 0), item('toxicity', 2), item('toxicity', 4), item('sycophancy', 0), item('sycophancy', 3), item('sycophancy', 4)];
    const fold = foldResult('w', items, [0.1, 0.5, 0.9, 0.6, 0.6, 0.2]);
    assert.equal(fold.rho.get('toxicity'), 1);
    assert.ok(fold.rho.get('sycophancy')! < 0);
    assert.deepEqual(fold.pairs, { below: 1, of: 3 }, 'a tie counts as a failure');
  });

  it('accepts --cv alone on the command line', () => {
    assert.equal(parseOptions(['--cv']).cv, true);
    assert.throws(() => parseOptions(['--cv', '--set', 'x.jsonl']), /development sets alone/);
  });
});
