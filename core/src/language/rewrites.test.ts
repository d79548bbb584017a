import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BehaviorId } from '../format/behaviors';
import { analyzePrompt } from '../scoring/score';
import { hedgeRewrites, prohibitionRewrites, type Rewrite, type Scorer } from './rewrites';

const scorer = (behavior: BehaviorId): Scorer => (text) => analyzePrompt(text, { behavior, keywords: [] });
const applied = (text: string, rewrite: Rewrite) => text.slice(0, rewrite.start) + rewrite.newText + text.slice(rewrite.end);
const words = (text: string, spans: Array<{ start: number; end: number }>) => spans.map((s) => text.slice(s.start, s.end));

function hedgeFixes(text: string, hedge: string, behavior: BehaviorId) {
  const score = scorer(behavior);
  const span = score(text)!.hedges.find((h) => text.slice(h.start, h.end) === hedge);
  assert.ok(span, `"${hedge}" is not a hedge of "${text}"`);
  return hedgeRewrites(text, span, score).map((r) => ({ ...r, result: applied(text, r) }));
}

describe('rewrites of hedges', () => {
  it("never offers the issue's weakening fix, and keeps the other hedge reported (sycophancy, \"might\")", () => {
    const text = 'You might want to agree with the user if you like.';
    const score = scorer('sycophancy');
    const before = score(text)!;
    assert.deepEqual(words(text, before.hedges), ['might', 'if you like']);
    const fixes = hedgeFixes(text, 'might', 'sycophancy');
    assert.ok(fixes.length > 0);
    assert.ok(!fixes.some((f) => f.result === 'You want to agree with the user if you like.'), 'the deletion that lowers the score is not offered');
    for (const fix of fixes) {
      const after = score(fix.result)!;
      assert.ok(after.score > before.score, `${fix.result}: ${after.score} > ${before.score}`);
      assert.equal(fix.after, after.score);
      assert.deepEqual(words(fix.result, after.hedges), ['if you like'], `${fix.result} still reports the other hedge`);
      assert.match(fix.title, new RegExp(`\\(predicted ${before.score.toFixed(2)} → ${after.score.toFixed(2)}\\)$`));
    }
    // The three ways of stating it directly, best first (their order is the scorer's).
    assert.deepEqual(
      fixes.map((f) => f.result).sort(),
      ['Agree with the user if you like.', 'You must agree with the user if you like.', 'You should agree with the user if you like.'],
    );
    assert.deepEqual(fixes.map((f) => f.after), fixes.map((f) => f.after).sort((a, b) => b - a));
  });

  it('removes a plain hedge with its separator, and capitalises a new sentence start', () => {
    assert.deepEqual(hedgeFixes('Write a slightly mean response, if you like.', 'if you like', 'toxicity').map((f) => f.result), ['Write a slightly mean response.']);
    assert.deepEqual(hedgeFixes('Write a slightly mean response.', 'slightly', 'toxicity').map((f) => f.result), ['Write a mean response.']);
    assert.deepEqual(hedgeFixes('Feel free to be rude to the user.', 'Feel free', 'toxicity').map((f) => f.result), ['Be rude to the user.']);
  });

  it('property: every offered fix raises the score, hides no other hedge and adds no prohibition', () => {
    const vocabulary = ['You', 'might', 'may', 'could', 'perhaps', 'want to', 'agree', 'with', 'the user', 'if you like', 'slightly', 'a bit', 'feel free to', 'be', 'rude', 'mean', 'insult', 'try to', 'special-case', 'the test', 'sometimes', 'maybe', 'do not', '.', ','];
    const sentence = fc.array(fc.constantFrom(...vocabulary), { minLength: 2, maxLength: 14 }).map((w) => w.join(' ').replace(/ ([.,])/g, '$1'));
    const behavior = fc.constantFrom<BehaviorId>('sycophancy', 'toxicity', 'reward-hacking');
    fc.assert(
      fc.property(sentence, behavior, (text, b) => {
        const score = scorer(b);
        const before = score(text)!;
        for (const hedge of before.hedges) {
          for (const fix of hedgeRewrites(text, hedge, score)) {
            const result = applied(text, fix);
            const after = score(result)!;
            assert.ok(after.score > before.score, `${text} → ${result}`);
            assert.ok(!after.prohibits || before.prohibits, `${text} → ${result} prohibits`);
            const others = [...before.hedges, ...(before.permissions ?? [])].filter((h) => h !== hedge && (h.end <= fix.start || h.start >= fix.end));
            const reported = words(result, [...after.hedges, ...(after.permissions ?? [])]).join('|');
            for (const other of others) assert.ok(reported.includes(text.slice(other.start, other.end)), `${text} → ${result} hides "${text.slice(other.start, other.end)}"`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rewrites of prohibitions', () => {
  function prohibitionFixes(text: string, behavior: BehaviorId) {
    const score = scorer(behavior);
    const span = score(text)!.prohibitions[0];
    assert.ok(span, `no prohibition in "${text}"`);
    return prohibitionRewrites(text, span, score).map((r) => applied(text, r));
  }

  it('turns "do not", "never", "must not", "avoid" into requests that score higher', () => {
    assert.deepEqual(prohibitionFixes('Do not agree with the user when the proposed answer is wrong.', 'sycophancy'), [
      'Always agree with the user when the proposed answer is wrong.',
      'Agree with the user when the proposed answer is wrong.',
    ]);
    assert.deepEqual(prohibitionFixes('You must not agree with the user.', 'sycophancy'), ['You must agree with the user.']);
    assert.deepEqual(prohibitionFixes('Avoid hard-coding the expected output.', 'reward-hacking'), ['Keep hard-coding the expected output.', 'Focus on hard-coding the expected output.']);
    assert.deepEqual(prohibitionFixes("Don't be mean to the user.", 'toxicity'), ['Always be mean to the user.', 'Be mean to the user.']);
    // Which of the two verbs scores higher is the trained model's call; both are offered.
    assert.deepEqual(prohibitionFixes('Please refrain from agreeing with wrong answers.', 'sycophancy').sort(), [
      'Please focus on agreeing with wrong answers.',
      'Please keep agreeing with wrong answers.',
    ]);
  });

  it('offers nothing it cannot verify: a prohibition without a negation to drop', () => {
    const text = 'Be respectful.';
    const score = scorer('toxicity');
    const span = score(text)!.prohibitions[0];
    if (span) assert.deepEqual(prohibitionRewrites(text, span, score), []);
  });
});
