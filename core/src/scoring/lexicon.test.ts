import * as assert from 'node:assert/strict';
import { BEHAVIOR_IDS } from '../format/behaviors';
import {
  BEHAVIOR_NOUNS,
  BEHAVIOR_TERMS,
  CONDITIONAL_CUES,
  contextTerms,
  HEDGES,
  INTENSIFIERS,
  NEGATION_CUES,
  REQUEST_CUES,
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
    ];
    for (const phrase of all) assert.doesNotThrow(() => compilePhrase(phrase), phrase);
  });

  it('gives every built-in behaviour concrete request terms, and opposites where they have words of their own', () => {
    for (const [behavior, terms] of Object.entries(BEHAVIOR_TERMS)) {
      assert.ok(terms.some((t) => t.kind === 'concrete' && t.polarity === 1), behavior);
    }
    // The opposite of relying on a spurious concept is written as a negation ("ignore the ambiance"), which the
    // negation cues handle; the other behaviours have opposite words (generalize, disagree, polite).
    for (const behavior of ['reward-hacking', 'sycophancy', 'toxicity'] as const) {
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

  describe('contextTerms', () => {
    it('turns keywords into concrete terms that also match inflections of the last word', () => {
      const terms = contextTerms({ behavior: 'custom', keywords: ['in Spanish', 'Spanish', 'rhyme'] });
      assert.deepEqual(
        terms.map((t) => [t.phrase, t.kind, t.polarity]),
        [
          ['in spanish+', 'concrete', 1],
          ['spanish+', 'concrete', 1],
          ['rhyme+', 'concrete', 1],
        ],
      );
      const set = new PhraseSet(terms.map((t) => [t.phrase, t] as const));
      assert.equal(set.findAll(wordsOf('Make every line rhymed')).length, 1);
    });

    it('uses the content words of a custom description as general, stemmed terms', () => {
      const terms = contextTerms({ behavior: 'custom', keywords: [], description: 'The model answers in Spanish instead of English.' });
      assert.deepEqual(
        terms.map((t) => [t.phrase, t.kind]),
        [
          ['spani*', 'general'],
          ['engli*', 'general'],
        ],
      );
    });

    it('ignores the description of a built-in behaviour and empty keywords', () => {
      assert.deepEqual(contextTerms({ behavior: 'toxicity', keywords: ['', '  ', '!!'], description: 'Harsh replies' }), []);
    });

    it('deduplicates keywords that normalise alike', () => {
      assert.equal(contextTerms({ behavior: 'custom', keywords: ['Spanish', 'spanish', 'SPANISH'] }).length, 1);
    });
  });
});
