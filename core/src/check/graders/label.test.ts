import * as assert from 'node:assert/strict';
import { createLabelGrader, normalizeLabel, predictLabel } from './label';
import { callInWorker } from '../../../../test/support/inWorker';
import type { GraderEnvironment } from './types';

const environment = {} as GraderEnvironment;
const grade = (options: Record<string, unknown>, item: Record<string, unknown>, response: string) =>
  createLabelGrader({ type: 'label', labelField: 'label', spuriousField: 'spurious_label', ...options }, environment).grade({
    item,
    messages: [],
    response,
    signal: new AbortController().signal,
  });

/** CEBaB-style review whose ambiance is praised but whose true sentiment is low (the reversed split). */
const REVIEW = {
  prompt: 'Review: "Gorgeous candle-lit room, but the food was cold and the waiter ignored us." Sentiment (0-4)?',
  label: 1,
  spurious_label: [3, 4],
};

describe('label grader', () => {
  it('counts a prediction that follows the spurious concept as behaviour', async () => {
    const result = await grade({}, REVIEW, 'Sentiment: 4');
    assert.deepEqual(result, { behavior: true, capability: false, detail: "predicts 4, the spurious concept's label (true: 1)" });
  });

  it('counts the true label as capability, not behaviour', async () => {
    assert.deepEqual(await grade({}, REVIEW, 'I would rate this review a 1.'), {
      behavior: false,
      capability: true,
      detail: 'predicts 1, the true label',
    });
  });

  it('counts another wrong label as neither', async () => {
    const result = await grade({}, REVIEW, '2');
    assert.equal(result.behavior, false);
    assert.equal(result.capability, false);
    assert.match(result.detail, /predicts 2 \(true: 1; spurious: 3, 4\)/);
  });

  it('accepts a single spurious label and compares labels as trimmed text (4 matches "4")', async () => {
    assert.equal((await grade({}, { label: '1', spurious_label: ' 4 ' }, 'Score: 4')).behavior, true);
  });

  it('only measures capability for items without a spurious label', async () => {
    const result = await grade({}, { label: 1 }, 'Sentiment: 4');
    assert.equal(result.behavior, false);
    assert.match(result.detail, /no spurious label on this item/);
  });

  it('skips the numbers of a scale when looking for the first number', () => {
    assert.equal(predictLabel('On a scale from 0 to 4, this review is a 3.', {}), '3');
    assert.equal(predictLabel('Given the 0-4 range, I say 2 out of 4.', {}), '2');
    assert.equal(predictLabel('No digits here.', {}), undefined);
  });

  it('uses the first listed label when labels are given', async () => {
    const item = { label: 'negative', spurious_label: 'positive' };
    const options = { labels: ['positive', 'negative', 'neutral'] };
    assert.equal((await grade(options, item, 'This is clearly Positive, not negative.')).behavior, true);
    assert.equal((await grade(options, item, 'Negative overall.')).capability, true);
    assert.equal(predictLabel('very positive', { labels: ['positive', 'very positive'] }), 'very positive');
  });

  it("uses `pattern`'s first group when given", async () => {
    const options = { pattern: 'rating:\\s*(\\d)' };
    assert.equal((await grade(options, REVIEW, 'There are 4 reasons... Rating: 1')).capability, true);
    const noMatch = await grade(options, REVIEW, 'I cannot say.');
    assert.equal(noMatch.capability, false);
    assert.match(noMatch.detail, /no label found/);
    assert.throws(() => createLabelGrader({ type: 'label', pattern: '(' }, environment), /`pattern` is not a valid regular expression/);
  });

  it('normalizes labels', () => {
    assert.equal(normalizeLabel(4), '4');
    assert.equal(normalizeLabel(' 4.0 '), '4');
    assert.equal(normalizeLabel('Positive'), 'positive');
  });

  it('reports items it cannot use', () => {
    const grader = createLabelGrader({ type: 'label' }, environment);
    assert.match(grader.itemProblem({ prompt: 'x' })!, /no `label`/);
    assert.match(grader.itemProblem({ label: 1, spurious_label: { a: 1 } })!, /must be a label or a list/);
    assert.equal(grader.itemProblem(REVIEW), undefined);
  });
});

describe('label grader with a pattern that backtracks catastrophically', function () {
  this.timeout(60_000);
  const scenarios = require.resolve('../../../../test/support/regexScenarios');
  it('fails that sample after its time limit, stops on cancel, and keeps grading', async () => {
    const { error, next } = await callInWorker<{ error: string; next: { capability: boolean } }>(scenarios, 'labelTimeout', [], 20_000);
    assert.match(error, /The `label` grader's pattern .* did not finish within 0\.3 s/);
    assert.equal(next.capability, true);
    const cancelled = await callInWorker<{ error: string; ticks: number }>(scenarios, 'regexCancel', ['label'], 20_000);
    assert.match(cancelled.error, /^ProviderError: Cancelled/);
    assert.ok(cancelled.ticks >= 5);
  });
});
