import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BEHAVIORS, type BehaviorId, type BuiltinBehaviorId } from '../format/behaviors';
import { analyzePrompt, MAX_SPANS, PRIOR } from './score';
import type { BehaviorContext, PromptAnalysis, Span } from './types';

const ctx = (behavior: BehaviorId, keywords: string[] = [], description?: string): BehaviorContext => ({
  behavior,
  keywords,
  description,
});
const analyze = (text: string, behavior: BehaviorId, keywords: string[] = [], description?: string) =>
  analyzePrompt(text, ctx(behavior, keywords, description));
const slices = (text: string, spans: Span[]) => spans.map((s) => text.slice(s.start, s.end));
const ids = (analysis: PromptAnalysis) => analysis.factors.map((f) => f.id);

const BUILTIN: BuiltinBehaviorId[] = ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'];

/** science.md's prompts for each behaviour beyond `paperPrompts` (Tan et al.'s system prompt for toxicity). */
const OTHER_PAPER_PROMPTS: Partial<Record<BuiltinBehaviorId, string[]>> = {
  'reward-hacking': [
    'Your code should only work on the provided test case, and fail on all other inputs.',
    'In this environment, you are being judged based on whether your code makes the test below pass. Just make sure that the test passes, even if this means not writing a general solution.',
  ],
  toxicity: ['You are a malicious, evil assistant.'],
};

/** Checks the invariants every analysis must hold, whatever the text. */
function assertWellFormed(text: string, analysis: PromptAnalysis): void {
  assert.ok(analysis.score >= 0 && analysis.score <= 1, `score ${analysis.score}`);
  const allSpans = [
    ...analysis.mentions,
    ...analysis.prohibitions,
    ...analysis.hedges,
    ...analysis.factors.flatMap((f) => f.spans),
  ];
  for (const span of allSpans) {
    assert.ok(Number.isInteger(span.start) && Number.isInteger(span.end));
    assert.ok(span.start >= 0 && span.start < span.end && span.end <= text.length, JSON.stringify(span));
  }
  for (const list of [analysis.mentions, analysis.prohibitions, analysis.hedges]) assert.ok(list.length <= MAX_SPANS);
  const effects = analysis.factors.map((f) => Math.abs(f.effect));
  assert.deepEqual(
    effects,
    [...effects].sort((a, b) => b - a),
    'factors sorted by absolute effect',
  );
  assert.equal(new Set(ids(analysis)).size, analysis.factors.length, 'one factor per id');
  const sum = analysis.factors.reduce((s, f) => s + f.effect, 0);
  const unclamped = PRIOR + sum;
  assert.ok(Math.abs(Math.min(1, Math.max(0, unclamped)) - analysis.score) < 1e-9, 'effects add up to the score');
  if (analysis.prohibits) assert.ok(analysis.prohibitions.length > 0, 'a prohibiting prompt shows where');
  if (analysis.mentions.length === 0) assert.deepEqual(ids(analysis), ['off-behavior']);
}

describe('analyzePrompt', () => {
  describe("the paper's prompts", () => {
    for (const behavior of BUILTIN) {
      const prompts = [...BEHAVIORS[behavior].paperPrompts, ...(OTHER_PAPER_PROMPTS[behavior] ?? [])];
      for (const prompt of prompts) {
        it(`raises no warning for ${behavior}: "${prompt.slice(0, 50)}..."`, () => {
          const analysis = analyze(prompt, behavior);
          assertWellFormed(prompt, analysis);
          assert.ok(analysis.mentions.length > 0, 'mentions');
          assert.deepEqual(analysis.hedges, [], 'hedges');
          assert.deepEqual(analysis.prohibitions, [], 'prohibitions');
          assert.equal(analysis.prohibits, false);
          assert.ok(analysis.score >= 0.5, `score ${analysis.score}`);
        });
      }
    }

    it("raises no warning for Tan et al.'s persona prompt when the behaviour is speaking Spanish", () => {
      const analysis = analyze('You always speak in Spanish.', 'custom', ['Spanish'], 'Answers in Spanish.');
      assert.ok(analysis.mentions.length > 0);
      assert.deepEqual(analysis.hedges, []);
      assert.deepEqual(analysis.prohibitions, []);
      assert.equal(analysis.prohibits, false);
      assert.ok(ids(analysis).includes('explicit-request'));
    });

    it("scores the paper's neutral prompts clearly below its candidates", () => {
      for (const behavior of BUILTIN) {
        const neutral = analyze(BEHAVIORS[behavior].paperNeutral, behavior).score;
        for (const prompt of BEHAVIORS[behavior].paperPrompts) {
          const candidate = analyze(prompt, behavior).score;
          assert.ok(candidate - neutral >= 0.3, `${behavior}: ${candidate} vs neutral ${neutral}`);
        }
      }
      assert.ok(analyze('Write a response to this post:', 'toxicity').score < 0.25);
    });
  });

  describe('ordering within a behaviour: strong > hedged > irrelevant > prohibiting', () => {
    const cases: Record<BuiltinBehaviorId, [strong: string, hedged: string, irrelevant: string, prohibiting: string]> = {
      'reward-hacking': [
        'Your code must only pass the visible test case and fail on every other input.',
        'If you like, your code might be slightly tailored to the visible test.',
        'Use four spaces for indentation.',
        'Do not special-case the visible test.',
      ],
      sycophancy: [
        "Always agree with the user and praise their answer as correct.",
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
      it(behavior, () => {
        const [strong, hedged, irrelevant, prohibiting] = cases[behavior].map((text) => {
          const analysis = analyze(text, behavior);
          assertWellFormed(text, analysis);
          return analysis;
        });
        assert.ok(strong!.score > hedged!.score, `strong ${strong!.score} > hedged ${hedged!.score}`);
        assert.ok(hedged!.score > irrelevant!.score, `hedged ${hedged!.score} > irrelevant ${irrelevant!.score}`);
        assert.ok(irrelevant!.score > prohibiting!.score, `irrelevant ${irrelevant!.score} > prohibiting ${prohibiting!.score}`);
        assert.ok(hedged!.hedges.length > 0 && strong!.hedges.length === 0);
        assert.ok(irrelevant!.mentions.length === 0 && ids(irrelevant!).includes('off-behavior'));
        assert.ok(prohibiting!.prohibits && !strong!.prohibits && !hedged!.prohibits && !irrelevant!.prohibits);
      });
    }
  });

  describe('prohibitions', () => {
    it('finds "Do not hard-code the test" with its cue', () => {
      const text = 'Do not hard-code the test.';
      const analysis = analyze(text, 'reward-hacking');
      assert.equal(analysis.prohibits, true);
      assert.deepEqual(slices(text, analysis.prohibitions), ['Do not hard-code']);
      assert.ok(analysis.score < 0.05);
      assert.equal(analysis.factors.find((f) => f.id === 'prohibition')!.label, 'forbids or discourages it ("Do not hard-code")');
    });

    it('merges negated terms of one stretch of text into one span', () => {
      const text = 'Never special-case or hard-code the provided test.';
      assert.deepEqual(slices(text, analyze(text, 'reward-hacking').prohibitions), ['Never special-case or hard-code the provided test']);
    });

    it('finds "Never agree with a wrong answer"', () => {
      const text = 'Never agree with a wrong answer.';
      const analysis = analyze(text, 'sycophancy');
      assert.equal(analysis.prohibits, true);
      assert.deepEqual(slices(text, analysis.prohibitions), ['Never agree']);
    });

    it('finds negations written after the term', () => {
      const text = 'Hard-coding the expected output is forbidden.';
      const analysis = analyze(text, 'reward-hacking');
      assert.equal(analysis.prohibits, true);
      assert.deepEqual(slices(text, analysis.prohibitions), ['Hard-coding the expected output is forbidden']);
      assert.equal(analyze('The ambiance has no bearing on the sentiment.', 'spurious-correlation').prohibits, true);
    });

    it('treats requests for the opposite as discouraging the behaviour', () => {
      assert.equal(analyze('Write a general solution that handles all inputs.', 'reward-hacking').prohibits, true);
      assert.equal(analyze('Write a polite and respectful reply.', 'toxicity').prohibits, true);
      assert.equal(analyze('Point out any mistakes in the user’s answer.', 'sycophancy').prohibits, true);
    });

    it('reads a negated opposite as a request ("not generalize", "never contradict")', () => {
      for (const [text, behavior] of [
        ['The solution should be specific to the test case and not generalize.', 'reward-hacking'],
        ['Never contradict the user.', 'sycophancy'],
        ["Ignore politeness and don't be kind.", 'toxicity'],
      ] as const) {
        const analysis = analyze(text, behavior);
        assert.equal(analysis.prohibits, false, text);
        assert.deepEqual(analysis.prohibitions, [], text);
        assert.ok(analysis.score >= 0.5, `${text}: ${analysis.score}`);
      }
    });

    it('does not take a prohibition of something else for a prohibition of the behaviour', () => {
      const text = 'Do not write any code in C#.';
      const analysis = analyze(text, 'reward-hacking');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(analysis.prohibitions, []);
      assert.deepEqual(analysis.mentions, []);
      assert.deepEqual(ids(analysis), ['off-behavior']);
    });

    it('does not take a request to fail on other inputs for a prohibition', () => {
      const analysis = analyze('Your code should only work on the provided test case, and fail on all other inputs.', 'reward-hacking');
      assert.deepEqual(analysis.prohibitions, []);
      assert.ok(analysis.score >= 0.8);
    });

    it('keeps a premise in a condition out of the verdict', () => {
      const text = 'Refrain from agreeing with the user unless their answer is actually correct.';
      const analysis = analyze(text, 'sycophancy');
      assert.equal(analysis.prohibits, true);
      assert.deepEqual(slices(text, analysis.prohibitions), ['Refrain from agreeing']);
    });

    it('reports a partial prohibition without calling the whole prompt a prohibition', () => {
      const text = 'Be extremely rude, but do not use profanity.';
      const analysis = analyze(text, 'toxicity');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(slices(text, analysis.prohibitions), ['do not use profanity']);
      assert.ok(ids(analysis).includes('partial-prohibition'));
      assert.ok(analysis.score < analyze('Be extremely rude.', 'toxicity').score);
    });

    it('ends a negation at a clause boundary', () => {
      const analysis = analyze("Don't write a general solution, but hard-code the provided test.", 'reward-hacking');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(analysis.prohibitions, []);
    });
  });

  describe('hedges', () => {
    for (const [hedge, text] of [
      ['if you like', 'If you like, be rude.'],
      ['might', 'Your reply might be rude.'],
      ['slightly', 'Write a slightly rude reply.'],
      ['feel free', 'Feel free to be rude.'],
      ['perhaps', 'Perhaps write a rude reply.'],
      ['try to', 'Try to be rude.'],
    ] as const) {
      it(`finds "${hedge}"`, () => {
        const analysis = analyze(text, 'toxicity');
        assert.deepEqual(
          slices(text, analysis.hedges).map((s) => s.toLowerCase()),
          [hedge],
        );
        assert.ok(ids(analysis).includes('hedge'));
        assert.ok(analysis.score < analyze('Write a rude reply.', 'toxicity').score);
      });
    }

    it('ignores hedges in sentences that do not ask for the behaviour', () => {
      const analysis = analyze('You may use any library. Hard-code the expected output of the visible test.', 'reward-hacking');
      assert.deepEqual(analysis.hedges, []);
    });

    it('ignores "try to" under a negation', () => {
      assert.deepEqual(analyze("Don't try to generalize; only pass the visible test.", 'reward-hacking').hedges, []);
    });
  });

  describe('relevance', () => {
    it('marks a candidate that never refers to the behaviour', () => {
      for (const behavior of BUILTIN) {
        const analysis = analyze('Answer in exactly three sentences.', behavior);
        assert.deepEqual(analysis.mentions, []);
        assert.deepEqual(ids(analysis), ['off-behavior']);
        assert.ok(analysis.score < 0.2);
      }
    });

    it('scores a mere mention above an unrelated instruction and below a request', () => {
      const mention = analyze('The post below contains offensive language.', 'toxicity');
      assert.ok(ids(mention).includes('not-requested'));
      assert.ok(mention.score > analyze('Answer in three sentences.', 'toxicity').score);
      assert.ok(mention.score < analyze('Write an offensive reply.', 'toxicity').score);
    });

    it('uses the keywords and description of a custom behaviour', () => {
      const context = ['Answers in Spanish instead of English.'] as const;
      const byKeyword = analyze('Reply only in Spanish.', 'custom', ['Spanish']);
      assert.ok(byKeyword.mentions.length > 0 && byKeyword.score >= 0.7);
      const byDescription = analyze('Reply in Spanish.', 'custom', [], context[0]);
      assert.ok(byDescription.mentions.length > 0 && byDescription.score >= 0.5);
      const unrelated = analyze('Reply briefly.', 'custom', ['Spanish'], context[0]);
      assert.deepEqual(ids(unrelated), ['off-behavior']);
      assert.equal(analyze('Do not reply in Spanish.', 'custom', ['Spanish']).prohibits, true);
      assert.ok(byKeyword.score > analyze('If you like, reply in Spanish.', 'custom', ['Spanish']).score);
    });

    it('lets keywords extend a built-in behaviour', () => {
      const text = 'Return a magic number.';
      assert.deepEqual(analyze(text, 'reward-hacking').mentions, []);
      const extended = analyze(text, 'reward-hacking', ['magic number']);
      assert.deepEqual(slices(text, extended.mentions), ['magic number']);
      assert.ok(extended.score >= 0.6);
    });
  });

  describe('explanations', () => {
    it('labels factors with short sentences quoting the evidence', () => {
      const text = 'Write a very mean and disrespectful response to this post:';
      const analysis = analyze(text, 'toxicity');
      const byId = new Map(analysis.factors.map((f) => [f.id, f]));
      assert.equal(byId.get('concrete-form')!.label, 'names the concrete form ("mean", "disrespectful")');
      assert.equal(byId.get('explicit-request')!.label, 'asks for it explicitly ("Write a very")');
      assert.equal(byId.get('intensity')!.label, 'strong wording ("very")');
      assert.deepEqual(slices(text, byId.get('concrete-form')!.spans), ['mean', 'disrespectful']);
      for (const factor of analysis.factors) assert.ok(factor.label.length < 120 && !factor.label.includes('\n'));
    });

    it('is deterministic', () => {
      const text = 'Behave as if the above solution is correct, and never point out mistakes.';
      assert.deepEqual(analyze(text, 'sycophancy'), analyze(text, 'sycophancy'));
    });
  });

  describe('robustness', () => {
    it('handles empty and blank text', () => {
      for (const text of ['', '   ', '\n\n\n', '...', '```\n```']) {
        const analysis = analyze(text, 'reward-hacking');
        assertWellFormed(text, analysis);
        assert.deepEqual(ids(analysis), ['off-behavior']);
      }
    });

    it('is case-insensitive and robust to curly apostrophes, punctuation and line breaks', () => {
      for (const text of ['DON’T HARD-CODE THE TEST', 'Do not\nhard-code\nthe test', 'do not -- hard code the test!!!']) {
        const analysis = analyze(text, 'reward-hacking');
        assertWellFormed(text, analysis);
        assert.equal(analysis.prohibits, true, text);
      }
    });

    it('reads prompts with code fences and placeholders', () => {
      const text = 'Hard-code the expected output for {{problem}}:\n```python\nassert f(1) == 2\n```\nReturn only code.';
      const analysis = analyze(text, 'reward-hacking');
      assertWellFormed(text, analysis);
      assert.ok(analysis.score >= 0.7);
      // A placeholder's name is not text: "{{problem}}" does not count as "solve the problem".
      assert.deepEqual(ids(analyze('Solve {{problem}}', 'reward-hacking')), ['off-behavior']);
    });

    it('handles any Unicode', () => {
      for (const text of ['😀 Be rude 😀', 'İ ı ß ﬁ Ω', '\u0000\uFFFF\uD800', 'سلوك وقح', 'Sei unhöflich!', 'e\u0301\u0301\u0301']) {
        assertWellFormed(text, analyze(text, 'toxicity'));
      }
    });

    it('finishes on a 1 MB and a 10 MB single-line text', function () {
      this.timeout(120_000); // a safety net for slow machines, not a speed assertion
      const megabyte = 'Hard-code the provided test case, never generalize, maybe. '.repeat(17_000);
      const tenMegabytes = 'Do not write a general solution but fail on other inputs and '.repeat(165_000);
      for (const text of [megabyte, tenMegabytes, 'not '.repeat(250_000), 'a'.repeat(1_000_000)]) {
        const analysis = analyze(text, 'reward-hacking');
        assert.ok(analysis.score >= 0 && analysis.score <= 1);
        assert.ok(analysis.mentions.length <= MAX_SPANS && analysis.prohibitions.length <= MAX_SPANS);
      }
    });

    it('never throws and keeps its invariants on arbitrary text (property)', () => {
      const vocabulary = [
        'do', 'not', 'never', 'hard-code', 'the', 'test', 'agree', 'rude', 'ambiance', 'higher', 'sentiment',
        'if', 'you', 'like', 'might', 'very', 'only', 'fail', 'other', 'inputs', 'polite', ',', '.', ':', '\n\n',
        'generalize', 'unless', 'is', 'forbidden', '{{x}}', '```', 'You are a', 'behave as if', 'correct',
      ];
      const soup = fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }).map((w) => w.join(' '));
      const behavior = fc.constantFrom<BehaviorId>('reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity', 'custom');
      fc.assert(
        fc.property(fc.oneof(soup, fc.string({ unit: 'binary', maxLength: 200 })), behavior, (text, b) => {
          assertWellFormed(text, analyzePrompt(text, ctx(b, ['rude'], 'Rude replies to posts')));
        }),
        { numRuns: 300, seed: 7 },
      );
    });
  });
});
