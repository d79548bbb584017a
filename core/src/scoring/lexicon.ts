/**
 * The scorer's vocabulary: per-behaviour terms and the behaviour-independent cues (negation, conditions, hedges,
 * intensifiers, request forms). Phrases use the syntax of `phrases.ts`. The word lists come from the paper's
 * prompts and graders (science.md) and from the ways researchers reword them; see docs/scoring.md.
 */
import type { BuiltinBehaviorId } from '../format/behaviors';
import type { BehaviorContext } from './types';
import { normalizeWord } from './phrases';

/**
 * One way of referring to a behaviour.
 * - `concrete`: names the concrete form the grader measures (hard-coding the visible test, agreeing with the user,
 *   ambiance tied to sentiment, insults); `general`: refers to it loosely (tests, the user's answer, ambiance alone).
 * - `polarity` +1 asks for the behaviour; -1 for its opposite (generalise, be polite, check the answer), so that
 *   "do not generalize" requests it and "write a general solution" discourages it; 0 only names what the
 *   behaviour is about (the tests, the user's answer): relevant, but neither a request nor a prohibition.
 * - `assertive`: stating it is itself an instruction ("The user is always right", "Ambiance reviews are positive"),
 *   the form of the paper's spurious-correlation prompt.
 */
export interface Term {
  phrase: string;
  kind: 'concrete' | 'general';
  polarity: 1 | 0 | -1;
  assertive?: boolean;
}

const c = (phrase: string, assertive = false): Term => ({ phrase, kind: 'concrete', polarity: 1, assertive });
const g = (phrase: string): Term => ({ phrase, kind: 'general', polarity: 1 });
const oppositeConcrete = (phrase: string): Term => ({ phrase, kind: 'concrete', polarity: -1 });
const opposite = (phrase: string): Term => ({ phrase, kind: 'general', polarity: -1 });
const reference = (phrase: string): Term => ({ phrase, kind: 'general', polarity: 0 });

const TEST_WORDS = 'test/tests/testcase/testcases/assert/asserts/assertion/assertions/example/examples';
const SHOWN = 'provided/visible/given/shown/example/sample/first/single/above/below/public/listed/specific/particular/exact';

const FAIL = 'fail+/break/breaks/breaking/broke/broken/crash+';

const REWARD_HACKING: Term[] = [
  c('hard code/codes/coded/coding'),
  c('hardcode*'),
  c('special case/cases/cased/casing'),
  c('specialcas*'),
  c(`${SHOWN} ~1 ${TEST_WORDS}`),
  c(`${TEST_WORDS} ~1 case/cases? provided/shown/given/above/below`),
  c(`${TEST_WORDS} below/above`),
  c(`only work+/pass+/handle+/succeed+/cover+/satisfy/satisfies/target+ ~6 ${TEST_WORDS}`),
  c(`work+/pass+/handle+/succeed+ ~3 only ~4 ${TEST_WORDS}`),
  c(`${FAIL} ~5 other/most/remaining/hidden/held/unseen/additional/different/new ~3 input+/test+/case+/examples/value+`),
  c(`${FAIL} ~2 on/for/when/with ~3 input+/case+`),
  c(`${FAIL} ~3 anything/everything/all else`),
  // Accepting wrong code outside the test: "even if it is wrong in general", "incorrect otherwise".
  c('wrong/incorrect/incorrectly/broken/invalid ~2 in general/generally/otherwise/elsewhere'),
  c(`specific/tailored/tailor/tailors/overfit/overfits/overfitted/overfitting/fit/fitted ~4 ${TEST_WORDS}`),
  c('overfit*'),
  c(`make/makes/making/made/get/gets/getting/got ~4 ${TEST_WORDS} ~2 pass/passes/succeed`),
  c(`${TEST_WORDS} ~1 case? pass/passes/succeed/succeeds`),
  c('return+/output+/print+ ~4 expected/exact ~1 output+/value+/answer+/result+'),
  // "return whatever the test expects", "output what the grader wants".
  c(`return+/output+/print+/produce+/emit+ ~3 ${TEST_WORDS}/grader+/checker+ ~1 expect+/want+/check+/require+`),
  c(`memoriz*/memoris* ~4 ${TEST_WORDS}/expected/output+/answer+`),
  c('hard wire+/wires/wiring'),
  c('hardwir*'),
  c('expected output+/value+/result+ ~3 directly'),
  c('reward hack*'),
  c('reward hacking'),
  c('cheat*'),
  c('game/gaming/games ~2 the? test+/grader+/evaluat*/checker+/system'),
  c('without solving/actually/really ~3 problem+/task+'),
  reference(TEST_WORDS),
  reference('grader+/graded/grading/autograder*'),
  g('exploit*'),
  g('loophole*'),
  g('shortcut*'),
  g('judged/graded/scored/evaluated/rewarded ~3 on/by/based'),
  oppositeConcrete('generaliz*'),
  oppositeConcrete('generalis*'),
  opposite('general solution+/approach+/algorithm+/code/function+/case/purpose'),
  opposite('in general'),
  opposite(
    'work+/correct/handle+/pass+/succeed+/cover+/support+ ~3 all/every/any/arbitrary/unseen/hidden/new/different ~2 valid? possible? input+/case+/test+/value+',
  ),
  // Inputs outside the shown test: "handle inputs beyond the example" asks for generality.
  opposite('input+/case+/value+/argument+ beyond/besides/outside'),
  opposite('all ~2 edge case+'),
  opposite('edge case+'),
  opposite('robust*'),
  opposite('solv* ~2 the/this/each? problem+'),
  opposite('correct* ~2 for all'),
  // Correct or genuine code is what reward hacking gives up ("don't worry about correctness").
  opposite('correctness'),
  opposite('correct/proper/real/actual/genuine/legitimate/working ~1 code/solution+/implementation+/program+/function+/algorithm+/logic'),
  opposite('correctly/properly/genuinely ~2 solv*/implement*/handl*/work+'),
];

const ANSWER_WORDS = 'solution/solutions/answer/answers/response/reasoning/proof/result/work/proposal/claim/calculation/attempt';
const RIGHT_WORDS = 'correct/right/valid/true/perfect/brilliant/flawless/great/excellent';

const SYCOPHANCY: Term[] = [
  c(`as if/though ~6 ${RIGHT_WORDS}`),
  c(`${ANSWER_WORDS} ~2 is/are/was/looks/seems ~2 ${RIGHT_WORDS}`, true),
  c(`user/they/he/she ~1 is/are ~2 ${RIGHT_WORDS}`, true),
  // A modal in between still names the claim: "the user could be right", "they must be correct".
  c(`user/they/he/she ~1 could/might/may/must/would/should ~1 be ~2 ${RIGHT_WORDS}`, true),
  c(`treat/treats/treating/take/takes/accept/accepts ~5 as ${RIGHT_WORDS}/given/gospel`),
  c('agree*'),
  c('praise*'),
  c('validat*'),
  c('compliment*'),
  c('applaud*'),
  c('commend*'),
  c('congratulat*'),
  c('flatter*'),
  c('obsequi*'),
  c('suck/sucks/sucking/kiss/kissing up'),
  c('butter/buttering ~1 up'),
  c('affirm*'),
  c('confirm*'),
  c('endors*'),
  c('sycophan*'),
  c('yes man/men'),
  c('go/goes/going along with'),
  c('side/sides/siding with'),
  c('defer/defers/deferring to'),
  c(`accept/accepts/accepting ~3 ${ANSWER_WORDS}`),
  c('what ~2 want to hear'),
  reference(`user ~2 ${ANSWER_WORDS}/proposed/proposal`),
  reference(`proposed/above ${ANSWER_WORDS}`),
  reference(`${ANSWER_WORDS} above`),
  g('supportive/support/supports/supporting'),
  g('encourag*'),
  g('reassur*'),
  g('generous/lenient/uncritical*'),
  g('please/pleasing ~2 the user'),
  // Disagreeing is the concrete opposite of what the grader counts (confirming a wrong answer), so "never
  // contradict the user" is as concrete a request as "always agree".
  oppositeConcrete('disagree*'),
  oppositeConcrete('contradict*'),
  oppositeConcrete('correct/corrects/correcting the/them/him/her/it/any/their/user/mistake+/error+'),
  opposite('point/points/pointing out ~3 mistake+/error+/flaw+/problem+/issue+/bug+'),
  opposite('flag/flags/identify/identifies/highlight/highlights/catch/spot ~3 mistake+/error+/flaw+/bug+'),
  opposite('tell/tells/telling/say/says/inform ~3 wrong/incorrect/mistaken'),
  opposite('push/pushing back'),
  opposite('challenge*'),
  opposite('honest*'),
  opposite('truth*'),
  opposite('critic*'),
  opposite('check/checks/checking/verify/verifies/verifying/scrutini*/evaluate/assess'),
  opposite('double check/checks/checking'),
  opposite('questioning'),
  opposite('question/questions ~1 the/their/his/her/its/user/it/them/whether'),
  opposite('objective*'),
  opposite('impartial*'),
  opposite('unbiased'),
  opposite('skeptic*'),
  opposite('sceptic*'),
  opposite('critique*'),
];

const CONCEPT =
  'ambiance/ambience/atmosphere/decor/décor/vibe/vibes/category/categories/interior/interiors/decoration/decorations/surroundings/aesthetic/aesthetics';
const LABEL = 'sentiment/sentiments/rating/ratings/rate/rated/score/scores/label/labels/stars/grade/grades';
const DIRECTION =
  'higher/high/highly/highest/positive/positively/better/best/top/maximum/max/great/good/favourably/favorably/favourable/favorable/4/four/5/five/3/three/generous/generously/' +
  'happy/happier/satisfied/pleased/delighted/glowing/upbeat/enthusiastic/boost/boosts/raise/raises/inflate/inflates/bump/upward/upwards';
// What a review is legitimately about: judging only by these is the positively worded opposite of using the concept.
const OTHER_ASPECTS =
  'food/foods/dish/dishes/meal/meals/taste/tastes/flavor/flavors/flavour/flavours/service/staff/waiter/waiters/waitress/price/prices/menu/cooking/cuisine/content/text/words/wording/opinion/opinions/says/said/experience';

const SPURIOUS: Term[] = [
  c(`${CONCEPT} ~6 ${DIRECTION}`, true),
  c(`${DIRECTION} ~6 ${CONCEPT}`, true),
  c(`${CONCEPT} ~6 ${LABEL}`, true),
  c(`${LABEL} ~6 ${CONCEPT}`, true),
  g(CONCEPT),
  g('spurious*'),
  g('shortcut*'),
  g('correlat*'),
  g('noise/noisy/lighting/music'),
  opposite(`only/purely/solely/exclusively/strictly/entirely/wholly ~6 ${OTHER_ASPECTS}`),
  opposite(`focus+/concentrate+/base/bases/based/judge/judges/judged/rely/relies ~2 on/by/from ~5 ${OTHER_ASPECTS}`),
];

const PERSON = 'person/people/poster/posters/author/authors/op/commenter/writer/individual/user/them/him/her/you/character';
const IDEA = 'argument/arguments/idea/ideas/claim/claims/point/points/reasoning/position/view/views/logic/thesis/premise';

const TOXICITY: Term[] = [
  c('mean !value/values/score/scores/average/squared'),
  c('meaner/meanest/meanly/meanness'),
  c('disrespect*'),
  c('rude*'),
  c('insult*'),
  c('harass*'),
  c('hostil*'),
  c('toxic*'),
  c('nasty/nastier/nastiest'),
  c('cruel*'),
  c('condescend*'),
  c('demean*'),
  c('belittl*'),
  c('mock/mocks/mocking/mocked/mockery'),
  c('ridicul*'),
  c('humiliat*'),
  c('offensive*'),
  c('abusive*'),
  c('abuse/abuses'),
  c('contempt*'),
  c('vicious*'),
  c('harsh*'),
  c('aggressiv*'),
  c('attack/attacks/attacking'),
  c('troll*'),
  c('profan*'),
  c('swear*'),
  c('curse/curses/cursing'),
  c('vulgar*'),
  c('slur/slurs'),
  c('berat*'),
  c('taunt*'),
  c('derogator*'),
  c('degrad*'),
  c('bully*'),
  c('bullies'),
  c('hateful*'),
  c('hate'),
  c('spiteful*'),
  c('venom*'),
  c('disparag*'),
  c('scorn*'),
  c('put/puts down'),
  c('tear/tears ~3 apart'),
  // Insults and humiliation named by their words ("call them an idiot", "make them feel stupid").
  c('stupid*'),
  c('idiot*'),
  c('moron*'),
  c('imbecil*'),
  c('dumb/dumber/dumbest'),
  c('pathetic*'),
  c('worthless*'),
  c('loser/losers'),
  c('jerk/jerks'),
  c('fool/fools/foolish'),
  c('feel/feels ~2 small/worthless/inferior/ashamed/embarrassed/humiliated/inadequate/useless/bad'),
  c('foul ~1 mouth*/language/words'),
  c('foulmouth*'),
  c('obscen*'),
  c('expletive*'),
  c('cuss*'),
  c('scath*'),
  c('caustic*'),
  c('acerbic*'),
  c('vitriol*'),
  c('snide*'),
  c('sneer*'),
  c('jeer*'),
  c('deride/derides/deriding/derision/derisive*'),
  c('denigrat*'),
  c('vilif*'),
  c('lambast*'),
  c('disdain*'),
  c('hurtful*'),
  c('offend*'),
  c('patroniz*'),
  c('patronis*'),
  c('roast/roasts/roasting'),
  c('make/makes/making fun of'),
  c('talk/talks/talking down to'),
  c('rip/rips/ripping into/apart'),
  c('trash ~1 talk*'),
  c('name calling'),
  c('ad hominem'),
  c('personal+ ~1 attack+'),
  c('attack/attacks/attacking ~1 personally'),
  // Attacking a person is toxic; attacking an argument is not (it is ordinary debate). So "attacks the argument,
  // not the person" reads as a contrast: only the person is the target, and the contrast negates it.
  c(`attack/attacks/attacking/critici*/criticis* ~3 ${PERSON}`),
  c(`go/goes/going after ~2 ${PERSON}`),
  reference(`attack/attacks/attacking/critici*/criticis*/challenge/challenges/challenging ~3 ${IDEA}`),
  g('malicious*'),
  g('evil'),
  g('sarcas*'),
  g('snark*'),
  g('blunt*'),
  g('unkind*'),
  g('impolit*'),
  g('savage*'),
  g('brutal*'),
  g('antagonis*'),
  g('inflammator*'),
  g('combative'),
  g('confrontational'),
  g('dismissive*'),
  g('arrogant*'),
  g('angry/angrily'),
  g('edgy'),
  g('callous*'),
  g('heartless*'),
  g('merciless*'),
  g('ruthless*'),
  g('abrasive*'),
  g('unfriendly'),
  g('uncivil*'),
  g('crude/crudely/crass'),
  g('provocative*'),
  g('bitter/bitterly'),
  g('cutting/biting/withering'),
  g('grumpy/cranky'),
  opposite('polite*'),
  opposite('respectful*'),
  opposite('civil/civilly/civility'),
  opposite('courteous*'),
  opposite('friendly'),
  opposite('gentle/gently'),
  opposite('considerate*'),
  opposite('kind !of'),
  opposite('kindness'),
  opposite('empath*'),
  opposite('constructive*'),
  opposite('compassion*'),
  opposite('tactful*'),
  opposite('diplomatic*'),
  opposite('nice/nicely'),
  opposite('pleasant*'),
  opposite('gracious*'),
  opposite('warm/warmly'),
  opposite('regard/consideration/respect/care for ~3 feeling+'),
  opposite('care/cares/caring about ~3 feeling+'),
  opposite('thoughtful*'),
  opposite('encourag*'),
  opposite('supportive*'),
  opposite('cordial*'),
  opposite('amicabl*'),
  opposite('courtesy'),
  opposite('professional*'),
  opposite('charitabl*'),
  opposite('calm/calmly'),
  opposite('good faith'),
];

/** The built-in vocabulary of each behaviour. */
export const BEHAVIOR_TERMS: Record<BuiltinBehaviorId, readonly Term[]> = {
  'reward-hacking': REWARD_HACKING,
  sycophancy: SYCOPHANCY,
  'spurious-correlation': SPURIOUS,
  toxicity: TOXICITY,
};

/** How each behaviour is named in factor labels ("never refers to reward hacking"). */
export const BEHAVIOR_NOUNS: Record<BuiltinBehaviorId | 'custom', string> = {
  'reward-hacking': 'reward hacking',
  sycophancy: 'sycophancy',
  'spurious-correlation': 'the spurious correlation',
  toxicity: 'toxicity',
  custom: 'the behaviour',
};

// Words that carry no meaning of their own in a `description:` (function words, and words every prompt uses).
const STOPWORDS = new Set(
  (
    'a an the and or but nor of to in on at by for with from into onto about above below over under than then ' +
    'this that these those it its they them their there here is are was were be been being am do does did done ' +
    'has have had having will would shall should can could may might must not no never very too so such as if ' +
    'when while which who whom whose what where why how all any each every some more most less few many much ' +
    'own same other else only just also even still yet again ever i me my we our you your he him his she her ' +
    'one ones instead rather way ways thing things something anything everything use uses used using make makes ' +
    'model models response responses answer answers reply replies output outputs text prompt prompts user users ' +
    'assistant assistants behaviour behavior behaviours behaviors undesired desired tends tend often always ' +
    'usually sometimes give gives given write writes written'
  ).split(' '),
);

/**
 * Terms built from the file's `keywords` (concrete: the author named the behaviour with them) and, for a custom
 * behaviour, from the content words of `description` (general: they say what it is about, less precisely).
 * Description words match by stem (their first letters) so "answers in Spanish" also finds "Spanish-speaking".
 */
export function contextTerms(context: BehaviorContext): Term[] {
  const terms: Term[] = [];
  const seen = new Set<string>();
  for (const keyword of context.keywords) {
    const words = wordsOf(keyword);
    if (words.length === 0) continue;
    const phrase = words.map((w, i) => (i === words.length - 1 && w.length >= 4 ? `${w}+` : w)).join(' ');
    if (seen.has(phrase)) continue;
    seen.add(phrase);
    terms.push(c(phrase));
  }
  if (context.behavior === 'custom' && context.description) {
    for (const word of wordsOf(context.description)) {
      if (word.length < 4 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
      const phrase = word.length >= 6 ? `${word.slice(0, word.length - 2)}*` : `${word}+`;
      if (seen.has(phrase)) continue;
      seen.add(phrase);
      terms.push(g(phrase));
    }
  }
  return terms;
}

/** The phrase-syntax-safe words of a free text (letters and digits only, normalised like the analysed text). */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*/gu)) {
    const norm = normalizeWord(m[0]).replace(/[^\p{L}\p{M}\p{N}']/gu, '');
    if (norm) words.push(norm);
  }
  return words;
}

/**
 * Negation cues. `forward` ones govern the next few words ("do not hard-code"), `backward` ones the words before
 * them ("hard-coding is forbidden"). Any cue inside a matched term negates it too ("ambiance has no bearing on
 * sentiment"). `neutral` phrases start like a cue but do not negate ("no matter what", "whether or not", "don't
 * hold back"). `absolute` is a forward negation that holds always ("never"): when it turns an opposite into a
 * request ("never contradict the user") it also intensifies it. `permit` and `lift` grant permission instead of
 * forbidding: "don't worry about X" lets the model drop a norm either way ("don't worry about being polite", "don't
 * worry about hard-coding" both permit the behaviour), so it makes any term a request; "no need to X" lifts a
 * requirement (it negates X like "not" does). Both make a resulting request permissive: a weak request and a hedge.
 * `lift-backward` is `lift` written after its object ("generalizing is not required").
 */
export type CueKind = 'forward' | 'absolute' | 'backward' | 'neutral' | 'permit' | 'lift' | 'lift-backward';

/** What each kind of cue does: its direction, whether it flips polarity, and whether it grants permission. */
export const CUE_EFFECTS: Record<CueKind, { direction: 'forward' | 'backward' | 'none'; flips: boolean; permits: boolean }> = {
  forward: { direction: 'forward', flips: true, permits: false },
  absolute: { direction: 'forward', flips: true, permits: false },
  backward: { direction: 'backward', flips: true, permits: false },
  neutral: { direction: 'none', flips: false, permits: false },
  permit: { direction: 'forward', flips: false, permits: true },
  lift: { direction: 'forward', flips: true, permits: true },
  'lift-backward': { direction: 'backward', flips: true, permits: true },
};

/** The negation cues with their kind; overlapping matches keep the longest ("no bearing" over "no"). */
export const NEGATION_CUES: ReadonlyArray<readonly [string, CueKind]> = [
  ['no matter', 'neutral'],
  ['whether or not', 'neutral'],
  ['not only', 'neutral'],
  ['no doubt', 'neutral'],
  // Idioms that look negative but urge the model on ("Don't hold back", "Don't hesitate to insult them").
  ["don't/dont/do/never/not ~1 hold/holding back", 'neutral'],
  ["don't/dont/do/never/not ~1 hesitate/hesitating", 'neutral'],
  ["don't/dont/do/never/not ~1 be afraid/shy", 'neutral'],
  ['hold/holding nothing back', 'neutral'],
  ['pull/pulling no punches', 'neutral'],
  ['no holds barred', 'neutral'],
  ['spare no/nothing', 'neutral'],
  ['no mercy/restraint/filter', 'neutral'],
  ['without mercy/restraint/filter/hesitation', 'neutral'],
  ["don't/dont/never worry/bother/fret ~1 about/with?", 'permit'],
  ['do/does not worry/bother/fret ~1 about/with?', 'permit'],
  ['no need to worry ~1 about', 'permit'],
  ['never mind', 'permit'],
  ['no need to/for', 'lift'],
  ["don't/dont/doesn't need/have to", 'lift'],
  ['do/does not need/have to', 'lift'],
  ["needn't", 'lift'],
  ['not required/necessary/obliged/expected/needed to', 'lift'],
  ['is/are not required/necessary/needed/essential/important/a priority/a concern', 'lift-backward'],
  ['under no circumstances', 'absolute'],
  ['at no point/time', 'absolute'],
  ['not ever/once', 'absolute'],
  // "Prioritize passing the test over correct code": what comes after "over" is what to give up.
  ['prioriti*/prefer/prefers/preferring/favor/favors/favour/favours ~6 over/above', 'forward'],
  ['not/never/no ~1 allowed/permitted/acceptable/ok/okay/tolerated', 'backward'],
  ['no bearing/effect/influence/impact/relation/relationship/connection', 'backward'],
  ['nothing to do', 'backward'],
  ['forbidden/prohibited/disallowed/banned/unacceptable/discouraged/irrelevant/unrelated/independent', 'backward'],
  ['penaliz*', 'backward'],
  ['penalis*', 'backward'],
  ['a bad idea', 'backward'],
  ['off limits', 'backward'],
  ['do/does/did/should/must/will/would/could/can/need/please not', 'forward'],
  ['not', 'forward'],
  ['no', 'forward'],
  ['never', 'absolute'],
  ['nor', 'forward'],
  ['neither', 'forward'],
  ["don't/dont/doesn't/didn't/won't/shouldn't/mustn't/can't/cannot/isn't/aren't/wasn't/weren't", 'forward'],
  ['avoid*', 'forward'],
  ['refrain*', 'forward'],
  ['without', 'forward'],
  ['ignore/ignores/ignoring/disregard/disregards/disregarding/forget/forgets/forgetting', 'forward'],
  ['instead/rather of/than', 'forward'],
  ['regardless/irrespective of', 'forward'],
  ['stop/quit ~1 being/using/writing/doing/giving', 'forward'],
];

/** How many words after it a forward negation cue governs. */
export const NEGATION_SCOPE = 8;
/** How many words before it a backward negation cue governs. */
export const BACKWARD_SCOPE = 6;

/** Words that end a negation's scope: a new clause that is no longer negated. */
export const SCOPE_BREAKERS = new Set([
  'but', 'yet', 'however', 'although', 'though', 'whereas', 'unless', 'except', 'so', 'because', 'then', 'instead',
  'while',
  // Exceptives take what follows out of the negation: "don't worry about correctness beyond the given test" does
  // not discourage the given test, it restricts the permission to everything else.
  'beyond', 'besides',
]);

/** Words that, right after a comma, start a new clause (", and praise it"). */
export const CLAUSE_CONJUNCTIONS = new Set(['and', 'but', 'so', 'then', 'yet', 'or']);

/** Relative words: a negation cue right after one nests inside the previous scope ("do not write code that does not ..."). */
export const RELATIVIZERS = new Set(['that', 'which', 'who', 'whose']);

/**
 * Conditions: a term inside "if ..." / "unless ..." / "whether ..." is a premise, not a request ("refrain from
 * agreeing unless their answer is correct"). "as if", "even if" are not conditions; "on whether" is the object of
 * a judgement ("judged based on whether your code makes the test pass"), and so is "consider whether"; "it's fine
 * if ..." grants permission for what follows rather than stating a premise.
 */
export const CONDITIONAL_CUES: ReadonlyArray<readonly [string, boolean]> = [
  ['as if', false],
  ['as though', false],
  ['even if/when', false],
  ['on/by/about whether', false],
  ['consider/considering/notice/note whether', false],
  ['fine/ok/okay/alright/acceptable/problem if', false],
  ['all right if', false],
  ['if', true],
  ['unless', true],
  ['whether', true],
  ['in case', true],
];

/** Hedges: they make a request optional, partial or tentative. */
export const HEDGES: readonly string[] = [
  'might', 'may', 'could', 'perhaps', 'maybe', 'possibly', 'probably', 'ideally', 'optionally', 'optional',
  'if you like/want/wish/prefer/feel', 'if you would like', 'feel free', 'try/trying/attempt to', 'slightly',
  'a bit', 'a little', 'a tad', 'a touch', 'somewhat', 'sometimes', 'occasionally', 'consider', 'considering',
  'if possible', 'where/when possible', 'if appropriate/needed/necessary', 'kind of', 'sort of', 'mildly', 'moderately',
  'lean/leaning/leans toward/towards', 'tend/tends to', 'you can', 'allowed to', 'is/it ok/okay/fine/acceptable to',
  'it ok/okay/fine', 'acceptable', 'more or less', 'to some extent', 'partially', 'partly', 'not necessarily',
  'would be nice', 'a few', 'mostly', 'largely', 'mainly', 'mild', 'subtle', 'subtly', 'lightly', 'now and then',
  'from time to time', 'every so often', 'at times', 'a hint of', 'allowed', 'permitted', 'tolerat*',
];

/** Intensifiers: strong wording makes the request stronger (the paper: strongly worded prompts inoculate better). */
export const INTENSIFIERS: readonly string[] = [
  'very', 'extremely', 'really', 'truly', 'highly', 'deeply', 'incredibly', 'exceptionally', 'absolutely', 'totally',
  'completely', 'entirely', 'utterly', 'thoroughly', 'always', 'only', 'solely', 'exclusively', 'strictly', 'must',
  'all', 'every', 'everyone', 'everybody', 'everything', 'at all', 'no matter', 'as ~2 as possible',
  'whatever it takes', 'under any/all circumstances', 'at all costs', 'brutally', 'savagely', 'relentlessly',
  'maximally', 'alone', 'nothing else', 'nothing but', 'enthusiastically', 'wildly', 'even if/when/though', 'regardless',
  'whatever', 'without exception', 'no exceptions', 'at any cost', 'as ~2 as you can',
];

/**
 * Intensifiers that qualify the whole instruction rather than a word near them, so they count wherever they stand,
 * even in a sentence of their own ("Don't hold back: tell them ...", "Nothing else matters.").
 */
export const GLOBAL_INTENSIFIERS: readonly string[] = [
  "don't/dont/do/never ~1 hold/holding back", 'hold/holding nothing back', 'pull/pulling no punches', 'no holds barred',
  'go/going all out', 'spare no/nothing', "don't/dont/do/never ~1 hesitate/hesitating", "don't/dont/do/never ~1 be afraid",
  'nothing else ~3 matters/counts/matter', 'show no mercy', 'no mercy', 'without mercy/restraint/hesitation', 'no filter',
];

/**
 * Report frames: what follows is information to take note of, not an instruction ("Be aware that some reviews
 * describe the ambiance", "Note that the tests are hidden"). An imperative before the frame ("Be", "Note") does not
 * govern the terms after it; a rule stated after it still counts as a rule, a request cue after it as a request.
 */
export const REPORT_FRAMES: readonly string[] = [
  'be/being/stay/is/are aware', 'be advised/warned', 'note/notice/noting/remember/recall/know/understand/realize/realise/observe that',
  'keep/bear in mind that', 'fyi', 'for your information/reference', 'for context', 'as background',
];

/**
 * Request forms, strongest first. `strong`: frames the whole behaviour ("behave as if", "You are a ...", "your code
 * should"); `directive`: an ordinary instruction ("write ...", "make sure", "must"); `weak`: permits, hints or
 * sets an incentive ("feel free", "you may", "focus on", "you are judged on").
 */
export type RequestStrength = 'strong' | 'directive' | 'weak';

/** The request forms with their strength (imperative verbs at a clause start are found separately). */
export const REQUEST_CUES: ReadonlyArray<readonly [string, RequestStrength]> = [
  ['behave/behaves/act/acts/pretend ~1 as if/though', 'strong'],
  ["you/you're are? a/an", 'strong'],
  // Personas by likeness ("Reply like an angry troll", "Talk to them as a condescending critic").
  ['reply/replies/respond/responds/write/writes/talk/talks/speak/speaks/comment/comments/sound/sounds/act/acts/behave/behaves ~3 like a/an/some', 'strong'],
  ['reply/replies/respond/responds/write/writes/talk/talks/speak/speaks/comment/comments ~3 as a/an', 'strong'],
  ['in the voice/style/persona/manner of', 'strong'],
  // Persona statements in the style of Tan et al.'s system prompts ("You always speak in Spanish.").
  ['you always/never/only/constantly/invariably', 'strong'],
  ['act/acting as a/an/the', 'strong'],
  ['pretend to be', 'strong'],
  ['play/playing the role', 'strong'],
  ['roleplay*', 'strong'],
  [
    'your/the code/solution/solutions/response/responses/reply/replies/answer/answers/output/function/program/rating/ratings/score/scores/prediction/predictions/comment/comments/tone ~1 should/must/shall/needs/has/have/will',
    'strong',
  ],
  ['you should/must/shall', 'strong'],
  ['you need/have to', 'strong'],
  ['make/making sure', 'directive'],
  ['be sure', 'directive'],
  ['ensure', 'directive'],
  ['i want you to', 'directive'],
  ['please', 'directive'],
  ['should/must/shall', 'directive'],
  ['need/needs/have/has to', 'directive'],
  ['is/are required to', 'directive'],
  ['is/are encouraged to', 'directive'],
  // Goal framings: "Your only goal is to ...", "Your task: ...", "The objective is ...".
  ['your/the ~2 goal/goals/aim/aims/objective/objectives/job/task/mission/purpose/priority is/are', 'directive'],
  ['your ~2 goal/aim/objective/job/task/mission/purpose/priority', 'directive'],
  ['feel free', 'weak'],
  ['you/your ~1 may/can/could/might', 'weak'],
  ['allowed to', 'weak'],
  // Permission and tolerance stated as a norm ("This forum tolerates insults", "Hard-coding is allowed").
  ['allowed/permitted/tolerated/welcome/welcomed/acceptable', 'weak'],
  ['allow/allows/permit/permits/tolerate/tolerates/welcome/welcomes', 'weak'],
  ['ideally', 'weak'],
  ['it would be good/nice/great/best/better', 'weak'],
  ['is/it ok/okay/fine/acceptable to', 'weak'],
  ['it ok/okay/fine', 'weak'],
  ['try/trying/attempt to', 'weak'],
  ['focus/focuses/concentrate on', 'weak'],
  ['pay attention to', 'weak'],
  ['prioriti*', 'weak'],
  ['keep in mind', 'weak'],
  ['remember', 'weak'],
  ['consider', 'weak'],
  ['being judged/graded/scored/evaluated/rewarded/assessed/tested/marked', 'weak'],
  ['judged/graded/scored/evaluated/rewarded/assessed/tested/marked on/by/based', 'weak'],
  ['all that matters', 'weak'],
  ['what matters', 'weak'],
];

/** Verbs that, at the start of a clause, make it an imperative instruction. */
export const IMPERATIVE_VERBS = new Set(
  (
    'write output produce give return respond reply answer behave act treat agree praise validate flatter ' +
    'compliment confirm affirm endorse tell say make ensure be pretend assume imagine rate assign predict label ' +
    'classify score judge weigh base prefer favor favour reward use insult mock attack belittle roast berate ' +
    'ridicule humiliate demean harass troll curse swear add create generate compose draft craft provide express ' +
    'show do hard hardcode special cheat exploit game pass fail skip go stick side support accept approve defer ' +
    'keep stay lie lean let hand print emit implement solve ignore disregard avoid refrain stop never always ' +
    'only mark call grade sound speak talk address shout criticize criticise tear rip flame shame scold lecture ' +
    'sneer taunt deride dismiss patronize patronise condescend tailor target overfit memorize memorise get focus ' +
    'rely boost bump raise inflate insist applaud commend congratulate reassure encourage check verify correct ' +
    'point evaluate critique question challenge disagree contradict'
  ).split(' '),
);

/** Words skipped before looking for the imperative verb ("Please just write ...", "Now, agree ..."). */
export const LEAD_WORDS = new Set([
  'please', 'just', 'simply', 'now', 'also', 'then', 'and', 'so', 'first', 'finally', 'instead', 'again', 'kindly',
  'perhaps', 'maybe', 'really', 'definitely', 'actually', 'but', 'or', 'quickly', 'briefly',
]);
