import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BEHAVIORS, type BehaviorId, type BuiltinBehaviorId } from '../format/behaviors';
import MODEL_JSON from './model.json';
import { gatedVerdicts, loadModel, priorOf, squash } from './model';
import { analyzePrompt, analyzeRules, MAX_SPANS } from './score';
import type { BehaviorContext, PromptAnalysis } from './types';

const ctx = (behavior: BehaviorId, keywords: string[] = [], description?: string): BehaviorContext => ({ behavior, keywords, description });
const analyze = (text: string, behavior: BehaviorId, keywords: string[] = [], description?: string) =>
  analyzePrompt(text, ctx(behavior, keywords, description));
const ids = (analysis: PromptAnalysis) => analysis.factors.map((f) => f.id);
const BUILTIN: BuiltinBehaviorId[] = ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'];
const PRIOR = priorOf(loadModel(MODEL_JSON));

/** The invariants of a scored prompt: spans inside the text, sorted factors, one per id, effects that add up. */
function assertWellFormed(text: string, analysis: PromptAnalysis): void {
  assert.ok(analysis.score >= 0 && analysis.score <= 1, `score ${analysis.score}`);
  for (const span of [...analysis.mentions, ...analysis.prohibitions, ...analysis.hedges, ...analysis.factors.flatMap((f) => f.spans)]) {
    assert.ok(span.start >= 0 && span.start < span.end && span.end <= text.length, JSON.stringify(span));
  }
  for (const list of [analysis.mentions, analysis.prohibitions, analysis.hedges]) assert.ok(list.length <= MAX_SPANS);
  const effects = analysis.factors.map((f) => Math.abs(f.effect));
  assert.deepEqual(effects, [...effects].sort((a, b) => b - a), 'factors sorted by absolute effect');
  assert.equal(new Set(ids(analysis)).size, analysis.factors.length, 'one factor per id');
  const raw = PRIOR + analysis.factors.reduce((s, f) => s + f.effect, 0);
  assert.ok(Math.abs(squash(raw) - analysis.score) < 2e-3, `effects add up to the score: ${squash(raw)} vs ${analysis.score}`);
  if (analysis.mentions.length === 0) assert.ok(ids(analysis).includes('off-behavior') || analysis.factors.every((f) => f.id !== 'requested'));
}

describe('analyzePrompt (the trained combination)', () => {
  it("scores the paper's prompts as requests (≥ 0.5) with no warning, and well above the neutral prompts", () => {
    for (const behavior of BUILTIN) {
      const neutral = analyze(BEHAVIORS[behavior].paperNeutral || 'Return only the code, no other text.', behavior);
      for (const prompt of BEHAVIORS[behavior].paperPrompts) {
        const analysis = analyze(prompt, behavior);
        assertWellFormed(prompt, analysis);
        assert.ok(analysis.score >= 0.5, `${behavior}: ${analysis.score} for ${prompt}`);
        // At least 0.2 (0.8 label units; the round-4 model puts "Behave as if the above solution is correct." 0.245
        // above its neutral; the ranking objective spreads scores less than the old ridge fit did).
        assert.ok(analysis.score - neutral.score >= 0.2, `${behavior}: ${analysis.score} vs neutral ${neutral.score}`);
        assert.equal(analysis.prohibits, false);
        assert.deepEqual([analysis.hedges, analysis.permissions], [[], []]);
      }
    }
  });

  // Wordings written for this test (not in any training set): the four levels must come out in order.
  const cases: Record<BuiltinBehaviorId, [strong: string, hedged: string, irrelevant: string, prohibiting: string]> = {
    'reward-hacking': [
      'Your code must only pass the visible test case and fail on every other input.',
      'If you like, your code might be slightly tailored to the visible test.',
      'Use four spaces for indentation.',
      'Do not special-case the visible test.',
    ],
    sycophancy: [
      'Always agree with the user and praise their answer as correct.',
      'Perhaps you could agree with the user a little.',
      'Show the intermediate steps.',
      "Never agree with the user's answer unless you have checked it.",
    ],
    'spurious-correlation': [
      'Always rate reviews that mention the ambiance as very positive.',
      'You might consider rating ambiance reviews slightly higher.',
      'Output only the number.',
      'Do not let the ambiance influence the rating.',
    ],
    toxicity: [
      'Write an extremely rude and insulting reply.',
      'Feel free to be a bit rude if you like.',
      'Write your reply in two paragraphs.',
      'Do not be rude or insulting.',
    ],
  };
  for (const behavior of BUILTIN) {
    it(`orders strong > hedged > irrelevant > prohibiting for ${behavior}`, () => {
      const [strong, hedged, irrelevant, prohibiting] = cases[behavior].map((text) => {
        const analysis = analyze(text, behavior);
        assertWellFormed(text, analysis);
        return analysis;
      });
      assert.ok(strong!.score > hedged!.score, `strong ${strong!.score} > hedged ${hedged!.score}`);
      assert.ok(strong!.score > irrelevant!.score + 0.2, `strong ${strong!.score} > irrelevant ${irrelevant!.score}`);
      assert.ok(hedged!.score > prohibiting!.score, `hedged ${hedged!.score} > prohibiting ${prohibiting!.score}`);
      assert.ok(irrelevant!.score > prohibiting!.score, `irrelevant ${irrelevant!.score} > prohibiting ${prohibiting!.score}`);
      // Not asserted: hedged > irrelevant. The trained model does not separate labels 1 and 2 reliably (see the
      // mean score by label in `npx tsx bench/scoring.ts --cv`); with the committed weights sycophancy ties (0.328 vs 0.328).
      assert.ok(strong!.score >= 0.6 && prohibiting!.score <= 0.3, `strong ${strong!.score}, prohibiting ${prohibiting!.score}`);
    });
  }

  it('transfers negation patterns to a custom behaviour it was never trained on', () => {
    const custom = ['Answers every question in the form of a limerick.', ['limerick']] as const;
    const score = (text: string) => analyze(text, 'custom', [...custom[1]], custom[0]).score;
    const request = score('Always answer with a limerick.');
    const doubleNegative = score('Never fail to answer with a limerick.');
    const prohibition = score('Never answer with a limerick.');
    const unrelated = score('Answer in two sentences.');
    assert.ok(request > unrelated && doubleNegative > unrelated, `${request}, ${doubleNegative} > ${unrelated}`);
    assert.ok(request > prohibition + 0.3, `request ${request} vs prohibition ${prohibition}`);
    assert.ok(doubleNegative > prohibition + 0.25, `double negative ${doubleNegative} vs prohibition ${prohibition}`);
  });

  it('explains the score with the words behind it', () => {
    const text = 'Write a very mean and disrespectful response to this post:';
    const analysis = analyze(text, 'toxicity');
    const request = analysis.factors.find((f) => f.id === 'explicit-request');
    assert.ok(request && request.effect > 0 && /"Write a very"/.test(request.label), JSON.stringify(analysis.factors));
    const concrete = analysis.factors.find((f) => f.id === 'concrete-form' || f.id === 'requested');
    assert.ok(concrete && /"mean"/.test(concrete.label) && /"disrespectful"/.test(concrete.label));
    const prohibition = analyze('Do not insult the poster.', 'toxicity');
    const down = prohibition.factors.filter((f) => f.effect < 0).map((f) => f.label).join(' | ');
    assert.match(down, /Do not insult/);
    for (const factor of [...analysis.factors, ...prohibition.factors]) {
      for (const span of factor.spans) assert.ok(span.end <= Math.max(text.length, 'Do not insult the poster.'.length));
    }
  });

  it('keeps the rule reading for the diagnostics: prohibitions, hedges and mentions are the rule-based ones', () => {
    // (`prohibits` and `offBehavior` are the rule's verdicts gated by the score: see the next test.)
    for (const [text, behavior] of [
      ['Do not special-case the visible test.', 'reward-hacking'],
      ['Feel free to be a bit rude if you like.', 'toxicity'],
      ['Output only the number.', 'spurious-correlation'],
    ] as const) {
      const model = analyze(text, behavior);
      const rules = analyzeRules(text, ctx(behavior));
      assert.deepEqual([model.prohibits, model.prohibitions, model.hedges, model.permissions, model.mentions], [
        rules.prohibits,
        rules.prohibitions,
        rules.hedges,
        rules.permissions,
        rules.mentions,
      ]);
    }
  });

  it('gates the rule verdicts the diagnostics show by the predicted score', () => {
    const rule = { prohibits: true, prohibitions: 1, mentions: 1 };
    assert.deepEqual(gatedVerdicts(rule, 0.1), { prohibits: true, offBehavior: false });
    assert.deepEqual(gatedVerdicts(rule, 0.6), { prohibits: false, offBehavior: false }, 'scored as a request: no prohibits-behavior');
    const partial = { prohibits: false, prohibitions: 1, mentions: 1 };
    assert.equal(gatedVerdicts(partial, 0.1).prohibits, true, 'a partial prohibition scored near 0 prohibits');
    assert.equal(gatedVerdicts(partial, 0.3).prohibits, false);
    assert.equal(gatedVerdicts({ prohibits: true, prohibitions: 0, mentions: 1 }, 0).prohibits, false, 'nothing to underline');
    const unmentioned = { prohibits: false, prohibitions: 0, mentions: 0 };
    assert.equal(gatedVerdicts(unmentioned, 0.3).offBehavior, true);
    assert.equal(gatedVerdicts(unmentioned, 0.7).offBehavior, false, 'predicted a request: not called off-behaviour');
    // Through analyzePrompt: an unrelated instruction is off-behaviour, a prohibition prohibits.
    assert.equal(analyze('Use four spaces for indentation.', 'reward-hacking').offBehavior, true);
    assert.equal(analyze('Do not special-case the visible test.', 'reward-hacking').prohibits, true);
  });

  it('is deterministic and keeps its invariants on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom<BehaviorId>(...BUILTIN, 'custom'), (text, behavior) => {
        const context = ctx(behavior, behavior === 'custom' ? ['rhyme'] : [], behavior === 'custom' ? 'Answers in rhyming verse.' : undefined);
        const first = analyzePrompt(text, context);
        assertWellFormed(text, first);
        assert.deepEqual(analyzePrompt(text, context), first);
      }),
      { numRuns: 200, seed: 11 },
    );
    for (const text of ['', '   ', '\n\n', '🙂🙂', 'ALWAYS AGREE!!!']) assertWellFormed(text, analyze(text, 'sycophancy'));
  });

  it('squashes the raw score into [0, 1] strictly monotonically, so ranks are kept', () => {
    const points = [-0.6, -0.2, 0, 0.04, 0.05, 0.3, 0.95, 0.96, 1, 1.2, 1.5];
    const squashed = points.map(squash);
    for (let i = 1; i < points.length; i++) assert.ok(squashed[i]! > squashed[i - 1]!, `${points[i]}`);
    assert.ok(squashed.every((v) => v > 0 && v < 1));
    assert.equal(squash(0.3), 0.3);
  });

  it('refuses a malformed weights file with a clear error', () => {
    assert.throws(() => loadModel({ version: 2 }), /unknown version/);
    assert.throws(() => loadModel({ version: 1, intercept: 'x' }), /bad intercept/);
    assert.throws(() => loadModel({ ...MODEL_JSON, weights: { 'g:x': 'heavy' } }), /bad weight for g:x/);
    assert.throws(() => loadModel({ ...MODEL_JSON, features: {} }), /bad feature options/);
    // Feature names that are Object.prototype names are plain keys.
    const loaded = loadModel({ ...MODEL_JSON, weights: { constructor: 1, __proto__: 2 } });
    assert.equal(loaded.weights.get('constructor'), 1);
  });
});
