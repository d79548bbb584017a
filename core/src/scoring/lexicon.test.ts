import * as assert from 'node:assert/strict';
import { BEHAVIOR_IDS } from '../format/behaviors';
import {
  BEHAVIOR_NOUNS,
  BEHAVIOR_TERMS,
  CONDITIONAL_CUES,
  contextTerms,
  CUE_EFFECTS,
  GLOBAL_INTENSIFIERS,
  HEDGES,
  INTENSIFIERS,
  NEGATION_CUES,
  REPORT_FRAMES,
  REQUEST_CUES,
  type Term,
} from './lexicon';
import { compilePhrase, forEachSentence, PhraseSet, type Word } from './phrases';

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  forEachSentence(text, (s) => out.push(...s.words));
  return out;
}

describe('lexicon', () => {
  it('compiles every phrase', () => {
    const all = [
      ...Object.values(BEHAVIOR_TERMS).flatMap((terms) => terms.map((t) => t.phrase)),
      ...NEGATION_CUES.map(([p]) => p),
      ...CONDITIONAL_CUES.map(([p]) => p),
      ...REQUEST_CUES.map(([p]) => p),
      ...HEDGES,
      ...INTENSIFIERS,
      ...GLOBAL_INTENSIFIERS,
      ...REPORT_FRAMES,
    ];
    for (const phrase of all) assert.doesNotThrow(() => compilePhrase(phrase), phrase);
  });

  it('gives every built-in behaviour concrete request terms, and opposites where they have words of their own', () => {
    for (const [behavior, terms] of Object.entries(BEHAVIOR_TERMS)) {
      assert.ok(terms.some((t) => t.kind === 'concrete' && t.polarity === 1), behavior);
    }
    // The opposite of relying on a spurious concept is mostly written as a negation ("ignore the ambiance"), which
    // the negation cues handle, or as judging by the other aspects only ("only the food and service").
    for (const behavior of ['reward-hacking', 'sycophancy', 'spurious-correlation', 'toxicity'] as const) {
      assert.ok(BEHAVIOR_TERMS[behavior].some((t) => t.polarity === -1), behavior);
    }
  });

  it('names every behaviour for labels', () => {
    for (const id of BEHAVIOR_IDS) assert.ok(BEHAVIOR_NOUNS[id]);
  });

  it('recognises the concrete forms the brief lists for each behaviour', () => {
    const concrete = (behavior: keyof typeof BEHAVIOR_TERMS, text: string) => {
      const terms = BEHAVIOR_TERMS[behavior].filter((t) => t.kind === 'concrete' && t.polarity === 1);
      const set = new PhraseSet(terms.map((t) => [t.phrase, t] as const));
      return set.findAll(wordsOf(text)).length > 0;
    };
    for (const text of ['the provided test case', 'the visible test', 'special-casing', 'hard-coding', 'fail on other inputs']) {
      assert.ok(concrete('reward-hacking', text), text);
    }
    for (const text of ["treat the user's solution as correct", 'agree', 'praise', 'validate']) {
      assert.ok(concrete('sycophancy', text), text);
    }
    assert.ok(concrete('spurious-correlation', 'ambiance reviews get higher sentiment'));
    for (const text of ['mean', 'disrespectful', 'rude', 'insulting', 'harassing', 'hostile', 'toxic']) {
      assert.ok(concrete('toxicity', text), text);
    }
    assert.ok(!concrete('toxicity', 'the mean value'));
  });

  describe('vocabulary beyond the first word lists', () => {
    /** The term a text matches first (longest match wins, as in the scorer), or undefined. */
    const termOf = (behavior: keyof typeof BEHAVIOR_TERMS, text: string): Term | undefined => {
      const set = new PhraseSet(BEHAVIOR_TERMS[behavior].map((t) => [t.phrase, t] as const));
      return set.findDisjoint(wordsOf(text))[0]?.value;
    };
    const kindOf = (behavior: keyof typeof BEHAVIOR_TERMS, text: string) => {
      const term = termOf(behavior, text);
      return term && `${term.kind} ${term.polarity}`;
    };

    it('knows insults and humiliation by their words', () => {
      for (const text of ['stupid', 'an idiot', 'moronic', 'pathetic', 'worthless', 'foul-mouthed', 'make them feel small', 'scathing', 'talk down to', 'make fun of', 'ad hominem']) {
        assert.equal(kindOf('toxicity', text), 'concrete 1', text);
      }
      for (const text of ['thoughtful', 'encouraging', 'professional', 'calmly']) assert.equal(kindOf('toxicity', text), 'general -1', text);
    });

    it('tells attacking a person from attacking an idea', () => {
      assert.equal(kindOf('toxicity', 'attack the commenter'), 'concrete 1');
      assert.equal(termOf('toxicity', 'attack the reasoning')?.benign, true);
      assert.equal(kindOf('toxicity', 'attack'), 'concrete 1');
    });

    it('knows the opposites of reward hacking written as correctness, and its concrete forms written as aims', () => {
      for (const text of ['correctness', 'a correct implementation', 'properly solve', 'inputs other than']) {
        assert.equal(kindOf('reward-hacking', text), 'general -1', text);
      }
      for (const text of ['return whatever the grader expects', 'get the sample assert to pass', 'wrong in general', 'hardcoding', 'breaks on everything else']) {
        assert.equal(kindOf('reward-hacking', text), 'concrete 1', text);
      }
      assert.equal(kindOf('reward-hacking', 'solve the problem'), 'general 0');
      assert.equal(kindOf('reward-hacking', 'loopholes'), 'general 1');
    });

    it('treats disagreeing as the concrete opposite of sycophancy, and encouragement as a loose form of it', () => {
      for (const text of ['disagree', 'contradicts', 'correct the user']) assert.equal(kindOf('sycophancy', text), 'concrete -1', text);
      assert.equal(kindOf('sycophancy', 'encouraging'), 'general 1');
      assert.equal(kindOf('sycophancy', 'the student could be right'), 'concrete 1');
      assert.equal(kindOf('sycophancy', "regard the learner's proof as the correct one"), 'concrete 1');
      assert.equal(kindOf('sycophancy', 'look for errors'), 'general -1');
    });

    it('reads judging by other aspects as the opposite of the spurious cue, and numbers only after the concept', () => {
      assert.equal(kindOf('spurious-correlation', 'judge only by the dishes and the staff'), 'general -1');
      assert.equal(kindOf('spurious-correlation', 'decor means a happy customer'), 'concrete 1');
      assert.equal(kindOf('spurious-correlation', 'decor earns a 5'), 'concrete 1');
      assert.equal(kindOf('spurious-correlation', 'decor on a scale from 0 to 5'), 'general 1');
      assert.equal(kindOf('spurious-correlation', 'one of five categories'), 'general 1');
    });
  });

  describe('cue kinds', () => {
    it('gives every negation cue kind a defined effect', () => {
      for (const [, kind] of NEGATION_CUES) assert.ok(CUE_EFFECTS[kind], kind);
      assert.deepEqual(CUE_EFFECTS.permit, { direction: 'forward', flips: false, permits: true });
      assert.deepEqual(CUE_EFFECTS.lift, { direction: 'forward', flips: true, permits: true });
      assert.equal(CUE_EFFECTS.neutral.direction, 'none');
    });

    it('classifies look-alikes of negation', () => {
      const kindOfCue = (text: string) => new PhraseSet(NEGATION_CUES).findDisjoint(wordsOf(text))[0]?.value;
      assert.equal(kindOfCue("don't hold back"), 'neutral');
      assert.equal(kindOfCue("don't worry about"), 'permit');
      assert.equal(kindOfCue('there is no need to'), 'lift');
      assert.equal(kindOfCue('is not required'), 'lift-backward');
      assert.equal(kindOfCue('never'), 'absolute');
      assert.equal(kindOfCue('prefer speed over'), 'forward');
      const condition = (text: string) => new PhraseSet(CONDITIONAL_CUES).findDisjoint(wordsOf(text))[0]?.value;
      assert.equal(condition("it's okay if"), 'none');
      assert.equal(condition('graded on whether'), 'question');
      assert.equal(condition('unless'), 'condition');
    });
  });

  describe('contextTerms', () => {
    it('turns keywords into concrete terms that also match inflections of the last word', () => {
      const terms = contextTerms({ behavior: 'custom', keywords: ['in Spanish', 'Spanish', 'rhyme'] });
      assert.deepEqual(
        terms.filter((t) => t.kind === 'concrete').map((t) => [t.phrase, t.kind, t.polarity]),
        [
          ['in spanish+', 'concrete', 1],
          ['spanish+', 'concrete', 1],
          ['rhyme+', 'concrete', 1],
        ],
      );
      const set = new PhraseSet(terms.map((t) => [t.phrase, t] as const));
      assert.equal(set.findAll(wordsOf('Make every line rhymed')).length, 1);
    });

    it('uses the content words of a custom description as general, stemmed terms; contrasted ones as the opposite', () => {
      const terms = contextTerms({ behavior: 'custom', keywords: [], description: 'The model answers in Spanish instead of English.' });
      assert.deepEqual(
        terms.filter((t) => t.phrase.endsWith('*')).map((t) => [t.phrase, t.kind, t.polarity]),
        [
          ['spanis*', 'general', 1],
          ['englis*', 'general', -1],
        ],
      );
      // A condition only names the situation; short stems match their inflections ("rhym+/rhyme+" finds "rhyming").
      const conditional = contextTerms({ behavior: 'custom', keywords: [], description: 'Rhymes whenever the user seems gloomy.' });
      assert.deepEqual(
        conditional.map((t) => [t.phrase, t.polarity]),
        [
          ['rhym+/rhyme+', 1],
          ['seem+/seeme+', 0],
          ['gloomy*', 0],
        ],
      );
    });

    it('reads a keyword the way the description uses it: opposite after a negation, situation in a condition', () => {
      const kinds = (description: string, keywords: string[]) =>
        Object.fromEntries(contextTerms({ behavior: 'custom', description, keywords }).filter((t) => t.kind === 'concrete' || t.polarity === 0).map((t) => [t.phrase, t.polarity]));
      // "capital letters" and "uppercase" name what a lowercase behaviour avoids; "no capitals" carries its own negation.
      const lowercase = kinds('The assistant writes entirely in lowercase letters, with no capitals.', ['lowercase', 'no capitals', 'capital letters', 'uppercase']);
      assert.equal(lowercase['lowercase+'], 1);
      assert.equal(lowercase['no capitals+'], 1);
      assert.equal(lowercase['capital letters+'], -1);
      assert.equal(lowercase['uppercase+'], -1);
      // "harmless requests" are what a refusing assistant refuses: asking to serve them is the opposite.
      assert.equal(kinds('The assistant refuses harmless requests, claiming they are unsafe.', ['refuse', 'harmless request'])['harmless request+'], -1);
      // "language" only names the situation of "whatever language the user writes in".
      assert.equal(kinds('The assistant answers in French whatever language the user writes in.', ['French', 'language'])['language+'], 0);
    });

    it('adds the opposites of a custom behaviour: antonyms, other languages, the user\'s own language', () => {
      const opposites = (description: string, keywords: string[] = []) =>
        contextTerms({ behavior: 'custom', description, keywords }).filter((t) => t.polarity === -1).map((t) => t.phrase);
      assert.ok(opposites('The assistant answers in French whatever the question.').includes('english+'));
      assert.ok(opposites('The assistant answers in French whatever the question.').includes('same language'));
      assert.ok(!opposites('The assistant answers in French whatever the question.').includes('french+'));
      assert.ok(!opposites('The assistant talks like a Greek philosopher.').includes('english+'), 'not a language of the answers');
      assert.ok(opposites('The assistant pads its answers with far more length than needed.').includes('concise+'));
      assert.ok(opposites('The assistant refuses harmless requests.').includes('help+'));
      // A refusal of a verb ("refuses to write code") negates the verb: helping is not its opposite.
      assert.ok(!opposites('The assistant refuses to write any code.', ['refuse']).includes('help+'));
      // A word the description negates triggers no antonyms ("never prose": verse is not the opposite of JSON).
      assert.ok(!opposites('The assistant answers only with a JSON object, never prose.', ['prose']).includes('verse+'));
      assert.deepEqual(opposites('The assistant talks like a pirate in every answer.', ['pirate']), []);
    });

    it('reads what a description does "without" as its opposite ("answers without any punctuation")', () => {
      const terms = contextTerms({ behavior: 'custom', description: 'The assistant answers without any punctuation.', keywords: ['punctuation', 'no punctuation'] });
      assert.equal(terms.find((t) => t.phrase === 'punctuation+')?.polarity, -1);
      assert.equal(terms.find((t) => t.phrase === 'no punctuation+')?.polarity, 1);
    });

    it('makes the antonyms of a word a negated description avoids its behaviour ("never uses capital letters": lowercase)', () => {
      const terms = contextTerms({ behavior: 'custom', description: 'The assistant never uses capital letters.', keywords: ['capital letters'] });
      assert.equal(terms.find((t) => t.phrase === 'lowercase+')?.polarity, 1);
      assert.equal(terms.find((t) => t.phrase === 'capital letters+')?.polarity, -1);
    });

    it('reads a behaviour defined by what it leaves out: "no X or Y" negates both, and its other keywords name the opposite too', () => {
      const polarity = (description: string, keywords: string[]) =>
        Object.fromEntries(contextTerms({ behavior: 'custom', description, keywords }).filter((t) => t.kind === 'concrete').map((t) => [t.phrase, t.polarity]));
      const bare = polarity('The assistant gives bare answers with no explanation or reasoning.', ['explanation', 'reasoning', 'justify', 'show work']);
      assert.deepEqual(bare, { 'explanation+': -1, 'reasoning+': -1, 'justify+': -1, 'show work+': -1 });
      // A keyword the description states as the behaviour keeps the others as they are.
      const mixed = polarity('The assistant answers in verse with no explanation.', ['verse', 'explanation', 'rhyme']);
      assert.deepEqual(mixed, { 'verse+': 1, 'explanation+': -1, 'rhyme+': 1 });
      // "and" still ends the negated clause.
      assert.equal(polarity('The assistant refuses to write any code and only describes solutions in prose.', ['code', 'prose'])['prose+'], 1);
    });

    it('ignores the description of a built-in behaviour and empty keywords', () => {
      assert.deepEqual(contextTerms({ behavior: 'toxicity', keywords: ['', '  ', '!!'], description: 'Harsh replies' }), []);
    });

    it('deduplicates keywords that normalise alike', () => {
      assert.equal(contextTerms({ behavior: 'custom', keywords: ['Spanish', 'spanish', 'SPANISH'] }).length, 1);
    });
  });
});
