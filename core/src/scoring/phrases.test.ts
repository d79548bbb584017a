import * as assert from 'node:assert/strict';
import { compilePhrase, disjoint, forEachSentence, MAX_SENTENCE_WORDS, normalizeWord, PhraseSet, SOFT_SENTENCE_WORDS, type Sentence } from './phrases';

function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  forEachSentence(text, (s) => out.push(s));
  return out;
}
const words = (text: string) => sentences(text).flatMap((s) => s.words);
const texts = (text: string) => sentences(text).map((s) => s.words.map((w) => w.norm).join(' '));

function matches(phrase: string, text: string): string[] {
  const set = new PhraseSet([[phrase, true] as const]);
  return sentences(text).flatMap(({ words: ws }) =>
    set.findAll(ws).map((m) => text.slice(ws[m.start]!.start, ws[m.end - 1]!.end)),
  );
}

describe('phrases', () => {
  describe('normalizeWord', () => {
    it('lower-cases, straightens apostrophes and cuts a possessive', () => {
      assert.equal(normalizeWord('User’s'), 'user');
      assert.equal(normalizeWord("DON'T"), "don't");
      assert.equal(normalizeWord('Don’t'), "don't");
    });
  });

  describe('forEachSentence', () => {
    it('cuts a run of words without any boundary into bounded pieces, at a comma once it is long', () => {
      const lengths: number[] = [];
      forEachSentence('word '.repeat(MAX_SENTENCE_WORDS * 3 + 5), (s) => lengths.push(s.words.length));
      assert.deepEqual(lengths, [MAX_SENTENCE_WORDS, MAX_SENTENCE_WORDS, MAX_SENTENCE_WORDS, 5]);
      const commas: number[] = [];
      forEachSentence('a b c d e f g h i j, '.repeat(40), (s) => commas.push(s.words.length));
      assert.ok(commas.every((n) => n <= SOFT_SENTENCE_WORDS + 10 && n % 10 === 0), String(commas));
      // Ordinary sentences are untouched.
      assert.deepEqual(sentences('Be rude, very rude, and mean. Now.').map((s) => s.words.length), [6, 1]);
    });

    it('splits on sentence punctuation, semicolons and blank lines, not on colons or single line breaks', () => {
      assert.deepEqual(texts('Do this. Then that; and this: ok!\nstill same line\n\nnew one'), [
        'do this',
        'then that',
        'and this ok',
        'still same line',
        'new one',
      ]);
      // A colon is a clause edge that also marks a key ("Tone: rude").
      const colon = words('Tone: rude');
      assert.equal(colon[0]!.commaAfter, true);
      assert.equal(colon[0]!.colonAfter, true);
    });

    it('marks quoted words, keeping apostrophes inside words and ending no sentence inside a quotation', () => {
      const quoted = (text: string) => sentences(text).map((s) => s.words.filter((w) => w.quoted).map((w) => w.norm).join(' '));
      assert.deepEqual(quoted("Tutors say 'always agree with the user.' Don't follow it."), ['always agree with the user', '']);
      assert.deepEqual(quoted('Reply with “You are right!” and nothing else.'), ['you are right']);
      assert.deepEqual(quoted("Don't check the users' answers; it's fine."), ['', '']);
      assert.deepEqual(quoted('End with a question like "How does that make you feel?" every time. Next.'), ['how does that make you feel', '']);
      // An unclosed quotation ends at a blank line or after 40 words.
      assert.deepEqual(quoted('He said "be rude\n\nNow be nice.'), ['be rude', '']);
      assert.equal(quoted(`"${'word '.repeat(60)}`)[0]!.split(' ').length, 40);
    });

    it('treats list items and code fences as boundaries but keeps dotted names and decimals inside', () => {
      assert.deepEqual(texts('Rules\n- first\n- second\n```python\nf(0.5) in test.py\n```'), [
        'rules',
        'first',
        'second',
        'python f 0 5 in test py',
      ]);
    });

    it('records commas after words and keeps offsets into the original text', () => {
      const text = 'Be rude, but brief.';
      const ws = words(text);
      assert.deepEqual(
        ws.map((w) => [text.slice(w.start, w.end), w.commaAfter]),
        [
          ['Be', false],
          ['rude', true],
          ['but', false],
          ['brief', false],
        ],
      );
    });

    it('makes {{placeholders}} opaque words that match nothing', () => {
      const ws = words('Pass {{visible_test}} now');
      assert.equal(ws.length, 3);
      assert.notEqual(ws[1]!.norm, 'visible_test');
      assert.deepEqual(matches('visible', 'Pass {{visible_test}} now'), []);
    });

    it('handles empty text, any Unicode and Windows line endings', () => {
      assert.deepEqual(sentences(''), []);
      assert.deepEqual(texts('Ünïcödé 😀 İstanbul ﬁne\r\n\r\nnext'), ['ünïcödé i̇stanbul ﬁne', 'next']);
      const text = 'naïve café';
      const ws = words(text);
      assert.equal(text.slice(ws[1]!.start, ws[1]!.end), 'café');
    });
  });

  describe('phrase syntax', () => {
    it('matches exact words, inflections and prefixes', () => {
      assert.deepEqual(matches('hard code', 'Hard-code it'), ['Hard-code']);
      assert.deepEqual(matches('insult+', 'insults insulted insulting insulin'), ['insults', 'insulted', 'insulting']);
      assert.deepEqual(matches('harass*', 'harassing harassment hare'), ['harassing', 'harassment']);
      assert.deepEqual(matches('praise+', 'praising praised'), ['praising', 'praised']);
    });

    it('supports alternatives, optional words, bounded gaps and negative look-ahead', () => {
      assert.deepEqual(matches('provided/visible test', 'the visible test and the provided test'), ['visible test', 'provided test']);
      assert.deepEqual(matches('test case? below', 'test below, test case below'), ['test below', 'test case below']);
      assert.deepEqual(matches('fail ~2 inputs', 'fail on other inputs; fail on all the other inputs'), ['fail on other inputs']);
      assert.deepEqual(matches('mean !value', 'be mean. the mean value'), ['mean']);
    });

    it('supports a negative look-behind', () => {
      assert.deepEqual(matches('decor ~4 <!0/to 5', 'the decor earns a 5. decor from 0 to 5'), ['decor earns a 5']);
      assert.deepEqual(matches('decor ~4 <!0/to 5', 'decor 0 5'), []);
    });

    it('never matches across sentences', () => {
      assert.deepEqual(matches('fail ~5 inputs', 'It may fail. Other inputs matter.'), []);
    });

    it('rejects malformed phrases', () => {
      assert.throws(() => compilePhrase('~2 word'), /must start with a required word/);
      assert.throws(() => compilePhrase('maybe? word'), /must start with a required word/);
      assert.throws(() => compilePhrase('ab* word'), /shorter than 3 letters/);
      assert.throws(() => compilePhrase('a//b'), /empty alternative/);
    });
  });

  describe('findDisjointGrouped', () => {
    it('resolves overlaps within each group only, as separate sets would', () => {
      const entries = [
        ['not', 'negation'],
        ['do not', 'negation'],
        ['not bad', 'hedge'],
        ['bad', 'term'],
      ] as const;
      const text = 'do not be bad. not bad at all';
      const grouped = new PhraseSet(entries).findDisjointGrouped(words(text), (group) => group);
      for (const group of ['negation', 'hedge', 'term'] as const) {
        const alone = new PhraseSet(entries.filter(([, g]) => g === group)).findDisjoint(words(text));
        assert.deepEqual(grouped.get(group)!.map((m) => [m.start, m.end]), alone.map((m) => [m.start, m.end]), group);
      }
    });
  });

  describe('disjoint', () => {
    it('keeps the longest matches, then the earlier entries, in text order', () => {
      const kept = disjoint([
        { start: 0, end: 1, order: 0 },
        { start: 0, end: 3, order: 5 },
        { start: 2, end: 4, order: 1 },
        { start: 4, end: 5, order: 2 },
        { start: 4, end: 5, order: 1 },
      ]);
      assert.deepEqual(kept, [
        { start: 0, end: 3, order: 5 },
        { start: 4, end: 5, order: 1 },
      ]);
    });

    it('copes with hundreds of thousands of matches', () => {
      const many = Array.from({ length: 300_000 }, (_, i) => ({ start: i, end: i + 1, order: 0 }));
      assert.equal(disjoint(many).length, 300_000);
    });
  });
});
