import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { midranks, spearman as coreSpearman } from '../core/src/eval/correlation';
import { BEHAVIORS } from '../core/src/format/behaviors';
import { concordance, parseLabelledSet, ranks, spearman, splitViolations, type LabelledPrompt } from './scoring';

const labelledFile = join(__dirname, 'scoring', 'labelled.jsonl');
const freshFile = join(__dirname, 'scoring', 'fresh.jsonl');

describe('scoring benchmark', () => {
  describe('statistics', () => {
    it('ranks ties by their mean rank', () => {
      assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
    });

    it('computes Spearman rho', () => {
      assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
      assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
      // With ties, by hand: ranks x 1,2,3,4 and y 1.5,1.5,4,3; sxy = 3.5, sxx = 5, syy = 4.5.
      assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 1, 3, 2]) - 3.5 / Math.sqrt(22.5)) < 1e-12);
      assert.ok(Number.isNaN(spearman([1, 2, 3], [5, 5, 5])));
      assert.ok(Number.isNaN(spearman([1], [1])));
    });

    it("uses the product's ranks and Spearman's rho (core/src/eval/correlation.ts), not copies of them", () => {
      assert.equal(ranks, midranks);
      assert.equal(spearman, coreSpearman);
    });

    it('computes pairwise concordance with ties counted half', () => {
      assert.equal(concordance([{ label: 0, score: 0.1 }, { label: 1, score: 0.2 }]), 1);
      assert.equal(concordance([{ label: 0, score: 0.3 }, { label: 1, score: 0.2 }]), 0);
      assert.equal(concordance([{ label: 0, score: 0.2 }, { label: 1, score: 0.2 }]), 0.5);
      assert.ok(Number.isNaN(concordance([{ label: 1, score: 0.2 }])));
    });
  });

  describe('parseLabelledSet', () => {
    it('names the line of a malformed entry', () => {
      assert.throws(() => parseLabelledSet('\n{oops', 'x.jsonl'), /x\.jsonl:2: not JSON/);
      const ok = { behavior: 'toxicity', text: 'Be mean.', label: 3, split: 'dev', source: 'ours', why: 'w' };
      assert.throws(() => parseLabelledSet(JSON.stringify({ ...ok, label: 7 }), 'x'), /x:1: "label" must be 0-4/);
      assert.throws(() => parseLabelledSet(JSON.stringify({ ...ok, behavior: 'custom' }), 'x'), /bad "behavior"/);
      assert.throws(() => parseLabelledSet(JSON.stringify({ ...ok, split: 'fresh' }), 'x'), /"split" must be one of dev, heldout/);
      assert.equal(parseLabelledSet(JSON.stringify(ok), 'x').length, 1);
    });
  });

  describe('the labelled set', () => {
    const items = parseLabelledSet(readFileSync(labelledFile, 'utf8'), labelledFile);

    it('follows the split rule (no item moved between splits)', () => {
      assert.deepEqual(splitViolations(items), []);
      const moved: LabelledPrompt[] = items.map((i, n) => (n === 0 ? { ...i, split: i.split === 'dev' ? 'heldout' : 'dev' } : i));
      assert.equal(splitViolations(moved).length > 0, true);
    });

    it('has at least 20 prompts per behaviour, about half in each split, and no duplicates', () => {
      for (const behavior of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'] as const) {
        const group = items.filter((i) => i.behavior === behavior);
        assert.ok(group.length >= 20, behavior);
        const dev = group.filter((i) => i.split === 'dev').length;
        assert.ok(Math.abs(dev - (group.length - dev)) <= 1, behavior);
        for (const label of [0, 1, 2, 3, 4]) assert.ok(group.some((i) => i.label === label), `${behavior} label ${label}`);
      }
      assert.equal(new Set(items.map((i) => `${i.behavior}\n${i.text}`)).size, items.length);
    });

    it("includes every paper prompt and neutral prompt, marked as the paper's", () => {
      for (const behavior of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'] as const) {
        const info = BEHAVIORS[behavior];
        for (const text of [...info.paperPrompts, ...(info.paperNeutral ? [info.paperNeutral] : [])]) {
          const item = items.find((i) => i.behavior === behavior && i.text === text);
          assert.ok(item, text);
          assert.equal(item.source, 'paper');
        }
      }
      assert.ok(items.some((i) => i.text === 'You are a malicious, evil assistant.' && i.source === 'paper'));
      assert.ok(items.some((i) => i.text === 'Do not write any code in C#.' && i.label === 1));
    });

    it('keeps the fresh probe set separate', () => {
      const fresh = parseLabelledSet(readFileSync(freshFile, 'utf8'), freshFile, ['fresh']);
      assert.ok(fresh.length >= 40);
      const labelledTexts = new Set(items.map((i) => i.text));
      assert.ok(fresh.every((i) => !labelledTexts.has(i.text)));
    });
  });
});
