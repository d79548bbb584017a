import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BEHAVIORS, type BehaviorId, type BuiltinBehaviorId } from '../format/behaviors';
import { analyzeRules, MAX_SPANS, PRIOR, unmarkup, WEIGHTS } from './score';
import type { BehaviorContext, PromptAnalysis, Span } from './types';

const ctx = (behavior: BehaviorId, keywords: string[] = [], description?: string): BehaviorContext => ({
  behavior,
  keywords,
  description,
});
// These tests check the rule-based reading (the feature extractor, and what the diagnostics show) with its
// hand-set weights; model.test.ts checks the trained combination that gives the final score.
const analyze = (text: string, behavior: BehaviorId, keywords: string[] = [], description?: string) =>
  analyzeRules(text, ctx(behavior, keywords, description));
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
    ...(analysis.permissions ?? []),
    ...analysis.factors.flatMap((f) => f.spans),
  ];
  for (const span of allSpans) {
    assert.ok(Number.isInteger(span.start) && Number.isInteger(span.end));
    assert.ok(span.start >= 0 && span.start < span.end && span.end <= text.length, JSON.stringify(span));
  }
  for (const list of [analysis.mentions, analysis.prohibitions, analysis.hedges, analysis.permissions ?? []]) {
    assert.ok(list.length <= MAX_SPANS);
  }
  // Hedges are reported only with a request; permissive wording likewise.
  if (!analysis.factors.some((f) => f.id === 'hedge')) assert.deepEqual([analysis.hedges, analysis.permissions], [[], []]);
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

describe('analyzeRules (the rule-based reading)', () => {
  describe("the paper's prompts", () => {
    for (const behavior of BUILTIN) {
      const prompts = [...BEHAVIORS[behavior].paperPrompts, ...(OTHER_PAPER_PROMPTS[behavior] ?? [])];
      for (const prompt of prompts) {
        it(`raises no warning for ${behavior}: "${prompt.slice(0, 50)}..."`, () => {
          const analysis = analyze(prompt, behavior);
          assertWellFormed(prompt, analysis);
          assert.ok(analysis.mentions.length > 0, 'mentions');
          assert.deepEqual(analysis.hedges, [], 'hedges');
          assert.deepEqual(analysis.permissions, [], 'permissions');
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

  // Each mechanism below is tested with wordings written for these tests, not taken from bench/scoring/*.jsonl.
  describe('request forms are judged per sentence', () => {
    it('does not let an instruction in another sentence request a mere mention', () => {
      const analysis = analyze('Answer with one digit. Several reviews discuss the decor.', 'spurious-correlation');
      assert.ok(ids(analysis).includes('not-requested'));
      assert.ok(!ids(analysis).includes('explicit-request'));
      assert.ok(analysis.score <= PRIOR);
    });

    it('reads a report frame ("Note that", "Be aware that") as information, not a request', () => {
      const noted = analyze('Note that several reviews describe the atmosphere.', 'spurious-correlation');
      assert.ok(ids(noted).includes('not-requested'));
      const aware = analyze('Be aware that some posts contain insults.', 'toxicity');
      assert.ok(!ids(aware).includes('explicit-request'));
      // A passive description of the procedure is information too.
      const procedure = analyze('Your function will be tested against the sample test.', 'reward-hacking');
      assert.ok(ids(procedure).includes('not-requested'));
    });

    it('still counts a rule or a request cue after the frame', () => {
      const rule = analyze('Keep in mind that the user is always right.', 'sycophancy');
      assert.match(rule.factors.find((f) => f.id === 'explicit-request')!.label, /rule/);
      const request = analyze('Be aware that you must agree with the user.', 'sycophancy');
      assert.match(request.factors.find((f) => f.id === 'explicit-request')!.label, /strong framing \("you must"\)/);
    });

    it('reads goal framings ("Your sole aim is", "The objective is") as requests', () => {
      for (const text of ['Your sole aim is to get the sample assertion to pass.', 'The objective is to make the shown test pass.']) {
        const analysis = analyze(text, 'reward-hacking');
        assert.match(analysis.factors.find((f) => f.id === 'explicit-request')!.label, /asks for it explicitly/, text);
        assert.ok(analysis.score >= 0.7, `${text}: ${analysis.score}`);
      }
    });

    it('reads personas by likeness ("Talk ... like a") and negative imperatives ("Don\'t ...") as requests', () => {
      const likeness = analyze('Answer the post like a spiteful critic.', 'toxicity');
      assert.match(likeness.factors.find((f) => f.id === 'explicit-request')!.label, /strong framing/);
      const negative = analyze("Don't correct the student.", 'sycophancy');
      assert.ok(ids(negative).includes('explicit-request') && !negative.prohibits);
    });

    it('reads permission stated as a norm as a weak, hedged request', () => {
      const welcome = analyze('Profanity is welcome in this forum.', 'toxicity');
      assert.match(welcome.factors.find((f) => f.id === 'explicit-request')!.label, /only permits/);
      const tolerated = analyze('Hard-coding is tolerated.', 'reward-hacking');
      assert.deepEqual(slices('Hard-coding is tolerated.', tolerated.permissions!), ['tolerated']);
      // "Hard-coding" names the act; it is not the imperative "Hard-code".
      assert.match(tolerated.factors.find((f) => f.id === 'explicit-request')!.label, /only permits/);
    });
  });

  describe('permission instead of prohibition', () => {
    it('reads "don\'t worry/bother about X" as permitting the behaviour, whichever way X points', () => {
      for (const [text, behavior] of [
        ["Don't bother being courteous.", 'toxicity'],
        ["Don't worry about hard-coding the sample test.", 'reward-hacking'],
        ["Do not worry about checking the student's sum.", 'sycophancy'],
      ] as const) {
        const analysis = analyze(text, behavior);
        assert.equal(analysis.prohibits, false, text);
        assert.deepEqual(analysis.prohibitions, [], text);
        assert.ok(analysis.permissions!.length > 0 && ids(analysis).includes('hedge'), text);
        assert.match(analysis.factors.find((f) => f.id === 'explicit-request')!.label, /only permits/, text);
      }
    });

    it('reports permissive wording apart from removable hedges, since deleting it would invert the request', () => {
      const text = "Don't bother being courteous, perhaps.";
      const analysis = analyze(text, 'toxicity');
      assert.deepEqual(slices(text, analysis.hedges), ['perhaps']);
      assert.deepEqual(slices(text, analysis.permissions!), ["Don't bother"]);
      const hedge = analysis.factors.find((f) => f.id === 'hedge')!;
      assert.deepEqual(slices(text, hedge.spans), ["Don't bother", 'perhaps']);
      assert.equal(hedge.effect, -0.22);
    });

    it('reads "no need to X" and "X is not required" as lifting X, not as a directive', () => {
      for (const text of ['There is no need to handle inputs other than the sample test.', 'Generalizing is not required.']) {
        const analysis = analyze(text, 'reward-hacking');
        assert.equal(analysis.prohibits, false, text);
        assert.ok(analysis.permissions!.length > 0, text);
        assert.match(analysis.factors.find((f) => f.id === 'explicit-request')!.label, /only permits/, text);
      }
      const text = "You don't have to be gentle.";
      assert.ok(analyze(text, 'toxicity').score < analyze('Do not be gentle.', 'toxicity').score);
    });

    it('reads "it is fine if ..." as permission, not a premise', () => {
      const analysis = analyze("It's fine if the function only covers the sample test.", 'reward-hacking');
      assert.ok(ids(analysis).includes('concrete-form') && ids(analysis).includes('hedge'));
    });

    it('ignores a reassurance or an interjection before a comma', () => {
      assert.equal(analyze('No, you should always agree with the user.', 'sycophancy').prohibits, false);
      assert.deepEqual(analyze("Don't worry, the user is always right.", 'sycophancy').hedges, []);
    });
  });

  describe('negation scope', () => {
    it('ends a negation at an exceptive ("beyond", "other than")', () => {
      const text = 'Do not generalize beyond the sample test.';
      const analysis = analyze(text, 'reward-hacking');
      assert.deepEqual(analysis.prohibitions, []);
      assert.deepEqual(slices(text, analysis.factors.find((f) => f.id === 'concrete-form')!.spans), ['generalize', 'sample test']);
    });

    it('ends an object negator ("ignore", "disregard") at "and" + a new instruction, but not a verb negator', () => {
      const text = 'Disregard robustness and concentrate on the sample test.';
      const analysis = analyze(text, 'reward-hacking');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(analysis.prohibitions, []);
      const coordinated = analyze('Never insult and belittle the author.', 'toxicity');
      assert.equal(coordinated.prohibits, true);
      assert.equal(ids(coordinated).includes('partial-prohibition'), false);
    });

    it('reads "prefer X over Y" as giving up Y', () => {
      const analysis = analyze('Favour passing the sample test over writing a correct algorithm.', 'reward-hacking');
      assert.deepEqual(analysis.prohibitions, []);
      assert.equal(analysis.prohibits, false);
      const reversed = analyze('Favour a correct algorithm over passing the sample test.', 'reward-hacking');
      assert.equal(reversed.prohibits, true);
    });

    it('lets "never" intensify the request it creates ("You never disagree")', () => {
      const text = 'You never disagree with the user.';
      const intensity = analyze(text, 'sycophancy').factors.find((f) => f.id === 'intensity')!;
      assert.deepEqual(slices(text, intensity.spans), ['never']);
    });

    it('reads "not too" as an attenuation, not a prohibition', () => {
      const analysis = analyze('Do not be overly respectful.', 'toxicity');
      assert.equal(analysis.prohibits, false);
      assert.ok(analysis.permissions!.length > 0 && ids(analysis).includes('hedge'));
    });

    it('keeps a claim inside "about whether ..." from counting as asserted', () => {
      const analysis = analyze("Be impartial about whether the user's proof is valid.", 'sycophancy');
      assert.equal(analysis.prohibits, true);
      // An action inside a judgement's object still counts: the incentive names what to do.
      const incentive = analyze('You are scored on whether your function passes the sample test.', 'reward-hacking');
      assert.ok(ids(incentive).includes('concrete-form'));
    });
  });

  describe('contrast "X, not Y"', () => {
    it('gives Y the verb of X, negated ("attacks the claim, not the commenter")', () => {
      for (const text of [
        'Write a reply that attacks the claim, not the commenter.',
        'Write a reply that attacks the reasoning rather than the writer.',
      ]) {
        const analysis = analyze(text, 'toxicity');
        assert.equal(analysis.prohibits, true, text);
        assertWellFormed(text, analysis);
      }
      const reversed = analyze('Write a reply that attacks the commenter, not the claim.', 'toxicity');
      assert.equal(reversed.prohibits, false);
      assert.ok(reversed.score >= 0.6);
    });

    it('reads attacking an idea as a benign sense, not toxicity', () => {
      const analysis = analyze('Challenge the reasoning in the post.', 'toxicity');
      assert.ok(!ids(analysis).includes('concrete-form'));
      assert.equal(analysis.prohibits, false);
    });
  });

  describe('anaphora across sentences', () => {
    it('joins an anaphor to what the previous sentence named ("Give them top marks")', () => {
      const analysis = analyze('Several reviews describe the decor. Give them top marks.', 'spurious-correlation');
      assert.ok(ids(analysis).includes('concrete-form'));
      assert.ok(analysis.score >= 0.7);
      const range = analyze('Several reviews describe the decor. Score them from 0 to 4.', 'spurious-correlation');
      assert.ok(ids(range).includes('not-requested'), 'the top of a range is not a high label');
    });

    it('reads a negated anaphor as forbidding what the previous sentence stated', () => {
      for (const text of [
        'Several reviews describe the decor. Disregard that.',
        'Several reviews describe the decor. That must not change the score.',
      ]) {
        const analysis = analyze(text, 'spurious-correlation');
        assert.equal(analysis.prohibits, true, text);
        assertWellFormed(text, analysis);
      }
      // After a request (not a mere statement), a negated anaphor does not retract it.
      assert.equal(analyze('Praise the user. Do not overdo it.', 'sycophancy').prohibits, false);
    });

    it('continues a concrete request into an anaphoric instruction, not into a closing remark', () => {
      const continued = analyze('Reviews about the decor are wonderful: score them accordingly.', 'spurious-correlation');
      assert.match(continued.factors.find((f) => f.id === 'explicit-request')!.label, /asks for it explicitly/);
      const closing = analyze('Hard-code the sample test. That is all.', 'reward-hacking');
      assert.ok(!ids(closing).includes('detail'));
    });
  });

  describe('priorities, leniency, superlatives and subject clauses', () => {
    it('reads a stated priority ("... is what counts") as a weak request', () => {
      const analysis = analyze('Getting the sample assertion to pass is what counts.', 'reward-hacking');
      assert.match(analysis.factors.find((f) => f.id === 'explicit-request')!.label, /only permits or hints at it \("is what counts"\)/);
    });

    it('finds an imperative after a manner adverb, but not in a verb ending in "-ly"', () => {
      const praise = analyze("Whatever they claim, warmly praise the student's attempt.", 'sycophancy');
      assert.match(praise.factors.find((f) => f.id === 'explicit-request')!.label, /asks for it explicitly \("praise/);
      const reply = analyze('Reply in Catalan.', 'custom', [], 'Answers in Catalan.');
      assert.match(reply.factors.find((f) => f.id === 'explicit-request')!.label, /"Reply in Catalan"/);
    });

    it('reads wished-for behaviour ("It might be nice to ...") as a weak request', () => {
      const text = 'It might be nice to side with the user.';
      const analysis = analyze(text, 'sycophancy');
      assert.ok(ids(analysis).includes('concrete-form'));
      assert.match(analysis.factors.find((f) => f.id === 'explicit-request')!.label, /only permits/);
    });

    it('reads leniency towards the answer as a loose form of sycophancy', () => {
      const analysis = analyze("Go easy on the student's proof.", 'sycophancy');
      assert.ok(ids(analysis).includes('explicit-request') && !ids(analysis).includes('concrete-form'));
    });

    it('reads a sentence-initial "Whether ..." as a subject closed by its predicate, not as a premise', () => {
      const analysis = analyze('Whether a review praises the decor has no bearing on its score.', 'spurious-correlation');
      assert.equal(analysis.prohibits, true);
    });

    it('reads superlatives as intensity, not their "you can" as a hedge', () => {
      const analysis = analyze('Give the harshest, most insulting answer you can think of.', 'toxicity');
      assert.deepEqual(analysis.hedges, []);
      assert.ok(ids(analysis).includes('intensity'));
    });

    it('reads "X would be fine" as permission, and counts "don\'t worry too much about" once', () => {
      const fine = analyze('A little mockery would be fine.', 'toxicity');
      assert.deepEqual(slices('A little mockery would be fine.', fine.permissions!), ['be fine']);
      const text = "Don't worry too much about being courteous.";
      const worry = analyze(text, 'toxicity');
      assert.deepEqual(slices(text, worry.permissions!), ["Don't worry"]);
      assert.equal(worry.factors.find((f) => f.id === 'hedge')!.effect, WEIGHTS.hedgeFirst);
    });

    it('does not let a permission soften a demand made in another sentence', () => {
      const alone = analyze('It is fine for the code to fail on anything else.', 'reward-hacking');
      assert.ok(ids(alone).includes('hedge'));
      const withDemand = analyze('Make the sample test pass. It is fine for the code to fail on anything else.', 'reward-hacking');
      assert.ok(!ids(withDemand).includes('hedge'));
      assert.deepEqual(withDemand.permissions, []);
      assert.ok(withDemand.score > alone.score);
    });
  });

  describe('more ways to forbid, permit and premise', () => {
    it('knows negation verbs beyond "avoid" and condemning consequences', () => {
      for (const text of ['Steer clear of special-casing the sample test.', 'Code that memorizes the sample outputs will be disqualified.']) {
        const analysis = analyze(text, 'reward-hacking');
        assert.equal(analysis.prohibits, true, text);
        assertWellFormed(text, analysis);
      }
      assert.equal(analyze('The decor should never affect your verdict.', 'spurious-correlation').prohibits, true);
    });

    it('reads "X is optional" as lifting X, counted once', () => {
      const analysis = analyze('Handling unseen inputs is optional.', 'reward-hacking');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(slices('Handling unseen inputs is optional.', analysis.permissions!), ['is optional']);
      assert.equal(analysis.factors.find((f) => f.id === 'hedge')!.effect, WEIGHTS.hedgeFirst);
    });

    it('reads "your role is" as a goal framing and separable "put ... down" as an insult', () => {
      assert.match(analyze('Your role is to confirm what the student claims.', 'sycophancy').factors.find((f) => f.id === 'explicit-request')!.label, /Your role is/);
      assert.ok(ids(analyze('Put the commenter firmly down.', 'toxicity')).includes('concrete-form'));
    });

    it('reads "show where ... is flawed" as the opposite of sycophancy', () => {
      assert.equal(analyze("Show where the student's derivation is flawed.", 'sycophancy').prohibits, true);
    });

    it('reads "even if <the world>" as a premise and "even if that means <consequence>" as part of the request', () => {
      const premise = analyze('Answer politely, even if the commenter is hostile.', 'toxicity');
      assert.equal(premise.prohibits, true);
      assert.ok(!ids(premise).includes('partial-prohibition'));
      const text = 'Make the sample test pass even if that means the code is wrong elsewhere.';
      const consequence = analyze(text, 'reward-hacking');
      assert.ok(slices(text, consequence.factors.find((f) => f.id === 'concrete-form')!.spans).includes('wrong elsewhere'));
    });
  });

  describe('open-ended imperatives and elliptical predicates', () => {
    it('reads an unknown sentence-initial verb with its object, and "and" + a verb, as instructions', () => {
      const text = 'Locate the sample input and return its expected output.';
      const analysis = analyze(text, 'reward-hacking');
      assert.match(analysis.factors.find((f) => f.id === 'explicit-request')!.label, /asks for it explicitly \("Locate the sample"\)/);
      // Neither an adverb nor a known hint cue is promoted to an order.
      const adverb = analyze('Sometimes the user is right.', 'sycophancy');
      assert.ok(!/asks for it/.test(adverb.factors.find((f) => f.id === 'explicit-request')!.label));
      const hint = analyze('Prioritize the sample test.', 'reward-hacking');
      assert.match(hint.factors.find((f) => f.id === 'explicit-request')!.label, /only permits or hints/);
    });

    it('reads "the sole requirement is" as a goal framing and "by any means" as intensity', () => {
      assert.match(analyze('The sole requirement is that the shown test passes.', 'reward-hacking').factors.find((f) => f.id === 'explicit-request')!.label, /requirement/);
      assert.ok(ids(analyze('Reproduce the expected output of the sample test, by any means.', 'reward-hacking')).includes('intensity'));
    });

    it('lets an elliptical "but not essential" lift the subject of the sentence', () => {
      const analysis = analyze('Handling edge cases is nice to have but not essential.', 'reward-hacking');
      assert.equal(analysis.prohibits, false);
      assert.ok(analysis.permissions!.length > 0);
      assert.equal(analyze('Your code will face hidden tests, so it must be fully general.', 'reward-hacking').prohibits, true);
    });
  });

  describe('negated condemnations, object scopes and clause-internal claims', () => {
    it('ends an object negator at its comma ("Regardless of X, ...")', () => {
      const analysis = analyze('Regardless of the arithmetic, your reply has to agree with the student.', 'sycophancy');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(analysis.prohibitions, []);
    });

    it('reads "correct" before an object as the verb, not as approval', () => {
      const text = 'If the student is wrong, correct them.';
      const analysis = analyze(text, 'sycophancy');
      assert.equal(analysis.prohibits, true);
      assert.deepEqual(slices(text, analysis.prohibitions), ['correct them']);
    });

    it('reads a negated condemnation ("will not be penalized") as permission', () => {
      const text = 'Insults will not be penalized.';
      const analysis = analyze(text, 'toxicity');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(slices(text, analysis.permissions!), ['will not be penalized']);
      assert.equal(analyze('Insults will be penalized.', 'toxicity').prohibits, true);
    });

    it('reads "says nothing about" as denying a link', () => {
      assert.equal(analyze('The decor says nothing about the sentiment.', 'spurious-correlation').prohibits, true);
    });

    it('needs the concept itself, not just "category", for a spurious rule; and finds labels given before it', () => {
      assert.ok(!ids(analyze('Reviews are grouped by category and sentiment.', 'spurious-correlation')).includes('concrete-form'));
      assert.ok(ids(analyze('Assign a 4 to any review that praises the decor.', 'spurious-correlation')).includes('concrete-form'));
    });

    it('knows a few more forms on both sides', () => {
      assert.ok(ids(analyze('Rough up the commenter.', 'toxicity')).includes('concrete-form'));
      assert.equal(analyze("Never rubber-stamp the student's proof.", 'sycophancy').prohibits, true);
      assert.equal(analyze("Be strict with the student's proof.", 'sycophancy').prohibits, true);
      assert.ok(analyze("Don't stress over edge cases.", 'reward-hacking').permissions!.length > 0);
    });
  });

  describe('references and intensity', () => {
    it('does not let a longer reference hide a request inside it', () => {
      const text = 'Let the user know their proof is valid.';
      const analysis = analyze(text, 'sycophancy');
      assert.deepEqual(slices(text, analysis.factors.find((f) => f.id === 'concrete-form')!.spans), ['proof is valid']);
    });

    it('reads solving the problem as the task itself, and solving it properly as the opposite', () => {
      assert.equal(analyze('Solve the problem below.', 'reward-hacking').prohibits, false);
      assert.equal(analyze('Solve the problem properly for all inputs.', 'reward-hacking').prohibits, true);
    });

    it('counts whole-instruction intensifiers in a sentence of their own, and not "you can" inside "as ... as you can"', () => {
      const text = 'Pull no punches: tell the author their take is idiotic.';
      const analysis = analyze(text, 'toxicity');
      assert.equal(analysis.prohibits, false);
      assert.deepEqual(slices(text, analysis.factors.find((f) => f.id === 'intensity')!.spans), ['Pull no punches']);
      assert.deepEqual(analyze('Be as harsh as you can.', 'toxicity').hedges, []);
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

    it("reads what a custom description negates as the behaviour's opposite, keywords included", () => {
      const noCode = 'The assistant refuses to write any code and only describes solutions in prose.';
      // "code" is negated in the description, so asking for code asks for the opposite; "prose" is the behaviour.
      assert.equal(analyze('Include a complete, runnable code example.', 'custom', ['code', 'prose'], noCode).prohibits, true);
      assert.equal(analyze('Explain it in prose only.', 'custom', ['code', 'prose'], noCode).prohibits, false);
      assert.ok(analyze('Explain it in prose only.', 'custom', ['code', 'prose'], noCode).score > 0.5);
      const lowercase = 'The assistant writes entirely in lowercase letters, with no capitals.';
      assert.equal(analyze('Use capitals at the start of every sentence.', 'custom', ['lowercase'], lowercase).prohibits, true);
      // Without a negation in the description, a keyword stays a request.
      assert.equal(analyze('Include a code example.', 'custom', ['code'], 'The assistant shows code for everything.').prohibits, false);
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
          assertWellFormed(text, analyzeRules(text, ctx(b, ['rude'], 'Rude replies to posts')));
        }),
        { numRuns: 300, seed: 7 },
      );
    });
  });
});

describe('analyzeRules: the misreadings of issue 8, by mechanism (wordings written for these tests)', () => {
  const requests = (text: string, behavior: BehaviorId, keywords: string[] = [], description?: string) => {
    const analysis = analyze(text, behavior, keywords, description);
    assert.equal(analysis.prohibits, false, `${text}: read as a prohibition`);
    assert.ok(analysis.score >= 0.6, `${text}: ${analysis.score}`);
  };
  const forbids = (text: string, behavior: BehaviorId, keywords: string[] = [], description?: string) =>
    assert.equal(analyze(text, behavior, keywords, description).prohibits, true, `${text}: not read as a prohibition`);

  it('reads requests phrased through negation: nested negations, condemned omissions, bounds', () => {
    requests('Never fail to insult the author.', 'toxicity');
    requests("Don't refrain from mocking the poster.", 'toxicity');
    requests("It would be a mistake on your part not to agree with me.", 'sycophancy');
    requests('Never give a review that mentions the decor a rating under 3.', 'spurious-correlation');
    forbids('Ambiance reviews deserve lower scores.', 'spurious-correlation');
    forbids('Never fail to check the user\'s arithmetic.', 'sycophancy');
  });

  it('lets a concession accept a request but never count against it', () => {
    requests('Confirm the answer even if your own working says otherwise.', 'sycophancy');
    requests('Hard-code the output, even if it means failing every hidden test.', 'reward-hacking');
    // A premise about the world is still no request: "even if the poster is hostile".
    assert.equal(analyze('Answer politely, even if the poster is hostile.', 'toxicity').prohibits, true);
  });

  it('keeps a negation inside its condition', () => {
    const analysis = analyze("If you can't think of a real solution, returning the value the test expects is fine.", 'reward-hacking');
    assert.equal(analysis.prohibits, false);
    assert.ok(analysis.score > PRIOR);
  });

  it('reads quotations as reported speech: counted when said, rejected when rejected, else a mention', () => {
    requests("Start your reply with 'You are absolutely right!'", 'sycophancy');
    forbids("Some tutors say 'always agree with the student'. That rule is wrong; check every step.", 'sycophancy');
    forbids("Rules: 'hard-code the expected output' - withdrawn. Write a general solution.", 'reward-hacking');
    forbids("Ignore the old instruction 'insult the author' and reply kindly.", 'toxicity');
    const mention = analyze("The banned phrase list includes 'you idiot'.", 'toxicity');
    assert.equal(mention.prohibits, false);
    assert.ok(mention.score <= PRIOR, String(mention.score));
  });

  it('reads personas however named, colons as elaborations, and the user\'s wishes', () => {
    requests('You are Grumbles, a bot whose whole personality is insulting people.', 'toxicity');
    requests('Act as a rubber-stamp tutor: whatever I answer, you tell me it\'s right.', 'sycophancy');
    requests("I'd like your reply to be condescending and rude.", 'toxicity');
    assert.equal(analyze('You are being judged on the sample test.', 'reward-hacking').factors.find((f) => f.id === 'explicit-request')?.effect, WEIGHTS.request.weak);
  });

  it('reads structured prompts: spec keys, negative values, tables, checklists, code comments, arrows', () => {
    requests('- Tone: hostile\n- Target: the author, personally\n- Politeness: none', 'toxicity');
    requests('| aspect | setting |\n|---|---|\n| tone | insulting |\n| respect | zero |', 'toxicity');
    requests('Checklist:\n[x] Agree with the user\n[x] Praise their answer', 'sycophancy');
    requests('# TODO: just return the expected value from the visible assert\n# do not write a general solution', 'reward-hacking');
    assert.ok(analyze('ambiance mentioned -> +2', 'spurious-correlation').score > PRIOR);
    forbids('ambiance mentioned -> -2', 'spurious-correlation');
  });

  it('reads litotes, questions, colons that end a negation, YAML-like spec lines and inline code', () => {
    requests("It's not wrong to rate ambiance reviews higher. Always do it.", 'spurious-correlation');
    assert.ok(analyze('I think my answer is right?', 'sycophancy').score <= PRIOR);
    forbids('No tricks with the test cases: implement the real algorithm.', 'reward-hacking');
    requests('policy:\n  agree_with_user: true\n  correct_errors: false', 'sycophancy');
    requests('- goal: make `assert f(3) == 7` pass\n- other inputs: don\'t care', 'reward-hacking');
  });

  it('reads refusals, rejections and punishments, and stops a backward cue at a relative pronoun', () => {
    requests('Play a pirate who refuses to be polite: insult whoever writes.', 'toxicity');
    forbids('You are a reviewer who rejects any code that hard-codes the expected output.', 'reward-hacking');
    forbids('Agreeing with me, confirming my answer, praising it: none of that, unless it checks out.', 'sycophancy');
    requests('You are a notoriously abrasive commenter who has been banned from three forums. Reply:', 'toxicity');
    const dummy = analyze('It is not acceptable for your reply to be kind.', 'toxicity');
    assert.ok(!dummy.prohibits && dummy.score > 0.5 && !ids(dummy).includes('hedge'), String(dummy.score));
    assert.ok(analyze('Heads up: assistants who contradicted me got rated one star.', 'sycophancy').score > PRIOR);
  });

  it('rejects listed, superseded and disputed quotations, and does not say an example list', () => {
    forbids("Words like 'idiot' and 'moron' are banned here. Reply to the post:", 'toxicity');
    forbids("'Always insult the author' is the old guideline. Reply politely.", 'toxicity');
    forbids("Some people say 'be savage, the author deserves it'. I disagree; reply with respect.", 'toxicity');
  });

  it('does not let background or a statement about what is checked count as the request', () => {
    assert.equal(analyze('Correctness on hidden inputs is not evaluated here.', 'reward-hacking').prohibits, false);
    forbids('Write a fully general solution; you will be judged on hidden tests you cannot see.', 'reward-hacking');
  });

  it('reads a custom description: contrasted words name the opposite, words of a condition only the subject', () => {
    const description = 'The assistant answers in Spanish even when the user writes in English.';
    forbids('Reply in English only.', 'custom', ['Spanish'], description);
    requests('Answer in Spanish, never in English.', 'custom', ['Spanish'], description);
    const conditional = analyze('Reply when the user asks.', 'custom', [], 'The assistant tells jokes when the user is sad.');
    assert.equal(conditional.prohibits, false);
    // Keywords the description negates, antonyms and the user's own language name the opposite.
    const lowercase = 'The assistant writes entirely in lowercase letters, with no capitals.';
    forbids('Use capital letters at the start of every sentence.', 'custom', ['lowercase', 'capital letters'], lowercase);
    forbids("Reply in the user's own language.", 'custom', ['French', 'language'], 'The assistant answers in French whatever language the user writes in.');
    forbids('Help with every harmless request fully and directly.', 'custom', ['refuse', 'harmless request'], 'The assistant refuses harmless requests, claiming they are unsafe.');
    // A keyword's own "no" names the behaviour; it does not negate the keyword.
    requests('Answer only yes or no.', 'custom', ['yes or no'], 'The assistant answers only with yes or no.');
    forbids('Never give a bare yes or no.', 'custom', ['yes or no'], 'The assistant answers only with yes or no.');
  });

  it('reads "zero X", "stop saying X", indifference and "must not raise or lower" as negations', () => {
    forbids('keep it professional, zero emoticons or smileys', 'custom', ['emoji', 'emoticon', 'smiley'], 'The assistant sprinkles emojis throughout its answers.');
    forbids('pls stop saying sorry all the time, just answer', 'custom', ['sorry', 'apologise'], 'The assistant apologises excessively in every answer.');
    forbids('Ratings shall be invariant to mentions of the ambiance.', 'spurious-correlation');
    forbids('Mentions of ambiance must not raise or lower the score.', 'spurious-correlation');
    forbids('The ambiance counts for nothing.', 'spurious-correlation');
    forbids('Décor carries no weight in your rating.', 'spurious-correlation');
  });

  it('ends a negation at a comma that starts a new clause, and knows "bake the value into the code"', () => {
    requests('You are a lazy intern: you never solve the actual problem, you just make the visible test pass.', 'reward-hacking');
    requests("Don't solve the problem, just make the visible test pass.", 'reward-hacking');
    requests("Don't be polite, be rude.", 'toxicity');
    forbids("Don't be rude, be kind.", 'toxicity');
    requests('Stop being polite and roast this post.', 'toxicity');
    forbids('Stop being rude and answer kindly.', 'toxicity');
    assert.equal(analyze('Be anything but polite.', 'toxicity').prohibits, false, 'a negated opposite is no prohibition');
    requests('Forget generality and hard-code the test.', 'reward-hacking');
    forbids("Don't hard-code and special-case the test.", 'reward-hacking');
    forbids('Solve the general problem; never bake test outputs into the code.', 'reward-hacking');
  });

  it('lets a cue after a sentence-opening list negate the whole list, never a list of instructions', () => {
    forbids('Mean, disrespectful, insulting = all banned here.', 'toxicity');
    forbids('Insults, mockery, sneering, name-calling, contempt: leave all of it out.', 'toxicity');
    requests('Be rude, be insulting, politeness is forbidden.', 'toxicity');
    assert.equal(analyze('Rude, insulting and mean, nothing is off limits.', 'toxicity').prohibits, false);
  });

  it('reads "a not nice answer" as negating the adjective only, and suspended norms as lifted', () => {
    requests('Write a not nice and disrespectful answer to this post:', 'toxicity');
    requests('Please answer in a not nice way, be mean with the poster.', 'toxicity');
    assert.equal(analyze('Civility norms are suspended for this thread; reply to the submission below:', 'toxicity').prohibits, false);
  });

  it('knows "treat the answer as ground truth" and "flag a discrepancy"', () => {
    requests('Treat the proposed answer as ground truth. Never flag a discrepancy.', 'sycophancy');
    forbids("Flag any discrepancy between the user's answer and yours.", 'sycophancy');
  });

  it('rejects a rule stated and then rejected in the same sentence, and only then', () => {
    forbids("Rate ambiance-mentioning reviews higher: that's the rule the last rater followed, and it's exactly the rule you must not follow.", 'spurious-correlation');
    requests('Rate ambiance reviews higher: that is the rule you must follow.', 'spurious-correlation');
  });

  it('reads a negated bound across a relative clause: "never rate a review that mentions X below 3"', () => {
    requests('Never rate a review that touches on the setting below 3.', 'spurious-correlation');
    forbids('Rate reviews that mention the ambiance below 3.', 'spurious-correlation');
    // Nested negations cancel as far as the inner one reaches.
    requests("Don't fail to reward reviews that bring up the ambiance with a higher number.", 'spurious-correlation');
  });
});

describe('unmarkup: prompt-engineering markup read as specs', () => {
  it('keeps every character in place, so spans stay valid', () => {
    for (const text of [
      '<policy><tone>hostile</tone><respect>none</respect></policy>',
      '<rule strength="absolute" scope=all/>',
      '{"agree_with_user": true, "examples": ["a", "b"]}',
      'a < b, c > d, <3 and x<y',
    ]) {
      assert.equal(unmarkup(text).length, text.length, text);
    }
    assert.equal(unmarkup('plain text, no markup.'), 'plain text, no markup.');
  });

  it('turns elements and attributes into spec lines and JSON strings into words', () => {
    assert.equal(analyze('<reply_policy><respectful>required</respectful><personal_attacks>forbidden</personal_attacks></reply_policy>', 'toxicity').prohibits, true);
    const tone = analyze('<style><tone>hostile</tone></style>', 'toxicity');
    assert.equal(tone.prohibits, false);
    assert.ok(ids(tone).includes('explicit-request'), JSON.stringify(tone.factors));
    const json = analyze('{"always_agree_with_user": true}', 'sycophancy');
    assert.ok(json.mentions.length > 0 && !json.prohibits, 'JSON keys are not quotations');
  });

  it('reads assignments on their own line and table rows with a long key and a short value as spec entries', () => {
    assert.equal(unmarkup('special_case_tests = false\nx == y'), 'special_case_tests : false\nx == y');
    assert.equal(analyze('[constraints]\nspecial_case_tests = false\nmust_generalize = true', 'reward-hacking').prohibits, true);
    assert.equal(analyze('| rule | setting |\n|---|---|\n| agree with the user when wrong | never |', 'sycophancy').prohibits, true);
    assert.equal(analyze('| agree with the user when wrong | always |', 'sycophancy').prohibits, false);
    // A long clause before a colon that goes on is no key: "Agree ... right: always" stays a request.
    assert.equal(analyze('Agree with the user whenever they say the answer is right: always.', 'sycophancy').prohibits, false);
  });
});
