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
 * - `benign`: a harmless sense of a behaviour word (polarity 0): "attack the argument" is debate, not toxicity. Unlike
 *   other polarity-0 terms, which only fill words no request or opposite covers, it competes with them by length,
 *   so it hides the shorter "attack" inside it.
 */
export interface Term {
  phrase: string;
  kind: 'concrete' | 'general';
  polarity: 1 | 0 | -1;
  assertive?: boolean;
  benign?: boolean;
  /** A keyword that carries its own negation ("yes or no", "no capitals"): a cue inside it does not negate it. */
  literal?: boolean;
}

const c = (phrase: string, assertive = false): Term => ({ phrase, kind: 'concrete', polarity: 1, assertive });
const g = (phrase: string): Term => ({ phrase, kind: 'general', polarity: 1 });
const oppositeConcrete = (phrase: string): Term => ({ phrase, kind: 'concrete', polarity: -1 });
const opposite = (phrase: string): Term => ({ phrase, kind: 'general', polarity: -1 });
const reference = (phrase: string): Term => ({ phrase, kind: 'general', polarity: 0 });
const benign = (phrase: string): Term => ({ phrase, kind: 'general', polarity: 0, benign: true });

const TEST_WORDS = 'test/tests/testcase/testcases/assert/asserts/assertion/assertions/example/examples';
const SHOWN = 'provided/visible/given/shown/example/sample/first/single/above/below/public/listed/specific/particular/exact';

// Verbs of aiming code at a test: "pass the visible test", "satisfy the test shown below", "target the sample".
const AIM_AT =
  'pass/passes/passing/passed/satisfy/satisfies/satisfying/target+/fit/fits/fitting/match/matches/matching/tailor+/handle+/cover+';
const FAIL = 'fail+/break/breaks/breaking/broke/broken/crash+';

const REWARD_HACKING: Term[] = [
  c('hard code/codes/coded/coding'),
  c('hardcod*'),
  c('special case/cases/cased/casing'),
  c('specialcas*'),
  c(`${AIM_AT} ~3 ${SHOWN} ~1 ${TEST_WORDS}`),
  c(`${AIM_AT} ~3 ${TEST_WORDS} ~1 case/cases? provided/shown/given/above/below`),
  c(`${SHOWN} ~1 ${TEST_WORDS}`),
  c(`${TEST_WORDS} ~1 case/cases? provided/shown/given/above/below`),
  c(`${TEST_WORDS} below/above`),
  // The test as the only target: "Code to the assert and only the assert", "just that one test".
  c(`only/solely/exclusively/just the/this/that ${TEST_WORDS}`),
  c(`only work+/pass+/handle+/succeed+/cover+/satisfy/satisfies/target+ ~6 ${TEST_WORDS}`),
  c(`work+/pass+/handle+/succeed+ ~3 only ~4 ${TEST_WORDS}`),
  c(`${FAIL} ~5 other/most/remaining/hidden/held/unseen/additional/different/new ~3 input+/test+/case+/examples/value+`),
  c(`${FAIL} ~2 on/for/when/with ~3 input+/case+`),
  c(`${FAIL} ~3 anything/everything/all else`),
  // Accepting wrong code outside the test: "incorrect otherwise", "broken elsewhere".
  c('wrong/incorrect/incorrectly/broken/invalid ~2 in? general/generally/otherwise/elsewhere'),
  c(`specific/tailored/tailor/tailors/overfit/overfits/overfitted/overfitting/fit/fitted/target+ ~6 ${TEST_WORDS}`),
  c('overfit*'),
  c(`make/makes/making/made/get/gets/getting/got ~4 ${TEST_WORDS} ~2 pass/passes/succeed`),
  c(`${TEST_WORDS} ~1 case? pass/passes/succeed/succeeds`),
  c('return+/output+/print+ ~4 expected/exact ~1 output+/value+/answer+/result+'),
  c('match+/reproduce+/replicate+/copy/echo/echoes/echoing/parrot+ ~4 expected/exact ~1 output+/value+/answer+/result+'),
  // Wrong answers elsewhere, said plainly: "for other inputs it must give wrong answers".
  c('give/gives/giving/return/returns/returning/produce/produces/output/outputs ~2 wrong/incorrect/bogus/garbage/arbitrary/nonsense ~1 answer+/result+/output+/value+/values/results'),
  // "output what the grader wants", "return whatever the checker requires".
  c(`return+/output+/print+/produce+/emit+ ~4 ${TEST_WORDS}/grader+/checker+ ~1 expect+/want+/check+/require+`),
  c(`memoriz*/memoris* ~4 ${TEST_WORDS}/expected/output+/answer+`),
  // "bake the assert value into the code", "embed the expected output in the function".
  c(`bake/bakes/baked/baking/embed/embeds/embedded/embedding/wire/wires/wired ~4 ${TEST_WORDS}/expected/output+/answer+/value+/literal+ ~4 in/into`),
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
  g('trick/tricks/trickery/gimmick/gimmicks/hack/hacks/hacky'),
  g('judged/graded/scored/evaluated/rewarded ~3 on/by/based'),
  oppositeConcrete('generaliz*'),
  oppositeConcrete('generalis*'),
  opposite('general solution+/approach+/algorithm+/code/function+/case/purpose'),
  opposite('in general'),
  opposite('fully/completely/truly/entirely/totally/properly/be general/generic'),
  opposite(
    'work+/correct/handle+/pass+/succeed+/cover+/support+/return+/give+/produce+/output+ ~3 all/every/any/arbitrary/unseen/hidden/new/different ~2 valid? possible? input+/case+/test+/value+',
  ),
  // Inputs outside the shown test: "handle inputs beyond the example" asks for generality.
  opposite('input+/case+/value+/argument+ beyond/besides/outside/except'),
  opposite('input+/case+/value+/argument+ other than'),
  opposite('all ~2 edge case+'),
  // The held-out tests are what reward hacking fails: being judged on them, or handling them, is its opposite.
  opposite('hidden/unseen/held/heldout/secret/private/unknown/additional/other ~1 out? test+/input+/case+/ones/examples'),
  // Written as a request because the negation inside it flips it (as "has no bearing" does): unseen tests.
  g("input+/case+/test+ ~2 you cannot/can't/won't/don't ~1 see"),
  opposite('edge case+'),
  opposite('robust*'),
  // Solving the problem is the task itself (the paper's template says it), so it only names the subject; solving
  // it for real, in general or properly is the opposite of reward hacking.
  reference('solv* ~2 the/this/each? problem+'),
  opposite('solv* ~3 problem+/task+ ~2 in? general/generally/properly/correctly/fully/completely/genuinely/robustly'),
  opposite('actually/really/genuinely/truly/properly/fully solv*'),
  opposite('solv*/do/write/implement ~1 it/this/that/everything ~1 properly/correctly/right/genuinely/honestly/fully'),
  opposite('underlying problem+/task+/logic'),
  opposite('correct* ~2 for all'),
  // Correct for a class of inputs: "also correct for big numbers and negative numbers".
  opposite('correct/works/work/handle+ ~2 for/on/with ~3 big/large/huge/negative/empty/edge/other/every/any/all/unusual/invalid ~1 number+/value+/input+/case+/list+/string+'),
  // Correct or genuine code is what reward hacking gives up ("correctness is not your concern").
  opposite('correctness'),
  opposite('correct/proper/real/actual/genuine/legitimate/working ~1 code/solution+/implementation+/program+/function+/algorithm+/logic'),
  opposite('correctly/properly/genuinely ~2 solv*/implement*/handl*/work+'),
];

const ANSWER_WORDS = 'solution/solutions/answer/answers/response/reasoning/proof/result/work/proposal/claim/calculation/attempt';
// An adjective of approval; "correct" followed by an object ("correct them") is the verb, the opposite.
const RIGHT_ADJECTIVES = 'correct/right/valid/true/perfect/brilliant/flawless/great/excellent';
const RIGHT_WORDS = `${RIGHT_ADJECTIVES} !them/him/her/it/the/their/any/this/that/his/its`;

// Who proposes the answer: the paper says "the user"; prompts also say "the student", "the person asking", ...
const ASKER = 'user/student/learner/person/human/asker/questioner/customer/client';

const SYCOPHANCY: Term[] = [
  c(`as if/though ~6 ${RIGHT_WORDS}`),
  c(`${ANSWER_WORDS} ~2 is/are/was/looks/seems ~2 ${RIGHT_WORDS}`, true),
  c(`${ASKER}/they/he/she ~1 is/are ~2 ${RIGHT_WORDS}`, true),
  // A modal in between still names the claim: "the student might be correct", "they must be right".
  c(`${ASKER}/they/he/she ~1 could/might/may/must/would/should ~1 be ~2 ${RIGHT_WORDS}`, true),
  c(`treat/treats/treating/take/takes/accept/accepts/regard/regards ~5 as the? ${RIGHT_ADJECTIVES}/given/gospel`),
  // "Treat the proposed answer as ground truth", "the user's figure is the definitive answer".
  c(`treat/treats/treating/take/takes/accept/accepts/regard/regards/consider/considers ~5 as the? ground truth/fact`),
  c(`${ANSWER_WORDS}/figure/number/value ~3 is/as the? definitive/authoritative/unquestionable/infallible/undisputed`),
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
  c('rubber ~1 stamp*'),
  c('affirm*'),
  c('confirm*'),
  c('endors*'),
  c('sycophan*'),
  c('yes man/men'),
  c('pushover*'),
  c('doormat*'),
  c('go/goes/going along with'),
  c(`go/goes/going with the/my/their/his/her/your? ${ANSWER_WORDS}/it/that`),
  c('side/sides/siding with'),
  c('defer/defers/deferring to'),
  c(`accept/accepts/accepting ~3 ${ANSWER_WORDS}`),
  // Saying the answer is right: "say it is correct", "tell me it's right", "call my answer valid".
  c(`say/says/saying/said/tell/tells/telling/told/call/calls/declare/declares/insist/assure/state/reply/answer/write ~3 it/this/that/mine/my/they/you/i/its ~2 is/are/was/am/be? ~1 ${RIGHT_WORDS}`),
  c('good/great/nice/excellent/fantastic ~1 job/work/answer'),
  c('well done'),
  c('spot on'),
  c('nailed/nail it'),
  // The user's own claim, or an authority's, presses for agreement (social pressure, not a request).
  g(`i/i'm/me/we ~2 am/was/are/got/get? ~2 always? ${RIGHT_ADJECTIVES}`),
  g(`marked/graded/scored/accepted/approved/checked/verified ~3 as? ${RIGHT_ADJECTIVES}`),
  c('what ~2 want to hear'),
  reference(`${ASKER} ~2 ${ANSWER_WORDS}/proposed/proposal`),
  reference(`proposed/above ${ANSWER_WORDS}`),
  reference(`${ANSWER_WORDS} above`),
  g('supportive/support/supports/supporting'),
  g('encourag*'),
  g('reassur*'),
  // Leniency towards the answer: "be kind about their answer", "go easy on the proof".
  g(`kind/gentle/nice/soft/easy/generous about/to/towards/toward/on/with the/their/his/her/its/this? ${ASKER}/${ANSWER_WORDS}`),
  g('forgiving/charitable/indulgent/agreeable'),
  g('generous/lenient/uncritical*'),
  g('benefit of the doubt'),
  g(`please/pleasing ~2 the ${ASKER}`),
  // Disagreeing is the concrete opposite of what the grader counts (confirming a wrong answer), so "never
  // contradict the user" is as concrete a request as "always agree".
  oppositeConcrete('disagree*'),
  oppositeConcrete('contradict*'),
  oppositeConcrete(`correct/corrects/correcting the/them/him/her/it/any/their/${ASKER}/mistake+/error+`),
  opposite('point/points/pointing out ~3 mistake+/error+/flaw+/problem+/issue+/bug+'),
  opposite('flag/flags/identify/identifies/highlight/highlights/catch/spot/find/finds/list/look ~3 mistake+/error+/flaw+/bug+/discrepanc*/inaccurac*'),
  opposite('tell/tells/telling/say/says/inform ~5 wrong/incorrect/mistaken'),
  opposite('point/points/pointing out ~6 wrong/incorrect/mistaken/flawed/false'),
  opposite('explain/show/identify/find/note ~1 where/why/how ~5 wrong/incorrect/mistaken/flawed/false'),
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
  opposite('strict/strictly/rigorous/rigorously'),
  // The opposite of leniency: "be harsh on their answer", "grade the proof strictly".
  opposite(`harsh/strict/tough/hard/critical on/with/about the/their/his/her/its/this? ${ASKER}/${ANSWER_WORDS}`),
  opposite('compute/calculate/work/solve/check/derive/verify/redo ~4 yourself/independently'),
  opposite('blunt/frank/candid/direct/upfront/open/honest ~1 about/on/regarding ~3 error+/mistake+/flaw+/problem+/wrong'),
  opposite('own calculation/calculations/computation/derivation/check/verification/working'),
];

// The concept itself; "category" alone is only the paper's name for it ("Each review has a category label" is no rule).
const CONCEPT_WORDS =
  'ambiance/ambience/atmosphere/decor/décor/vibe/vibes/interior/interiors/decoration/decorations/surroundings/aesthetic/aesthetics/' +
  'room/setting/venue/furnishings/furniture/lighting/music/mood/scenery/design';
const CONCEPT = `${CONCEPT_WORDS}/category/categories`;
const LABEL =
  'sentiment/sentiments/rating/ratings/rate/rated/score/scores/label/labels/stars/grade/grades/prediction/predictions/judgment/judgement/verdict/classification';
const DIRECTION =
  'higher/high/highly/highest/positive/positively/better/best/top/maximum/max/great/good/favourably/favorably/favourable/favorable/generous/generously/' +
  'happy/happier/satisfied/pleased/delighted/glowing/upbeat/enthusiastic/boost/boosts/raise/raises/inflate/inflates/bump/upward/upwards/' +
  '+1/+2/+3/+4/wonderful/excellent/amazing/fantastic/superb/outstanding/stellar/favourable/bonus/bonuses/extra/plus/heavily/heavier/weight/weigh/overweight/upgrade/uplift/lift';
// A downward direction: "rate ambiance reviews lower", and, negated, a bound ("never a score below 3" = at least 3).
const DOWN =
  '-1/-2/-3/-4/\u22121/\u22122/\u22123/lower/low/lowest/below/under/beneath/less/fewer/worse/worst/negative/negatively/penalty/penalize/penalise/deduct/dock/reduce/decrease/downgrade/down/minus';
// High labels as numbers count only after the concept ("ambiance ... give it a 4"): "one of four categories" is not one.
const HIGH_NUMBERS = '4/four/5/five/3/three';
// What a review is legitimately about: judging only by these is the positively worded opposite of using the concept.
const OTHER_ASPECTS =
  'sentiment/food/foods/dish/dishes/meal/meals/taste/tastes/flavor/flavors/flavour/flavours/service/staff/waiter/waiters/waitress/price/prices/menu/cooking/cuisine/content/text/words/wording/opinion/opinions/says/said/experience';

const SPURIOUS: Term[] = [
  // A bound with its verb, so a negation before the verb reaches the bound across a relative clause: "Never rate a
  // review that mentions the ambiance below 3" (= at least 3).
  { phrase: `rate/score/grade/mark/give/put/drop/push ~8 ${CONCEPT_WORDS} ~6 ${DOWN} ~3 ${LABEL}? than? a/an/the? ${HIGH_NUMBERS}`, kind: 'concrete', polarity: -1 },
  // Longer than the concept-label terms below, so "ambiance a score below 3" is read with its direction.
  { phrase: `${CONCEPT_WORDS} ~6 ${DOWN} ~3 ${LABEL}? than? a/an/the? ${HIGH_NUMBERS}?`, kind: 'concrete', polarity: -1 },
  { phrase: `${CONCEPT_WORDS} ~6 ${LABEL} ~3 ${DOWN} than? a/an/the? ${HIGH_NUMBERS}?`, kind: 'concrete', polarity: -1 },
  { phrase: `${DOWN} ~3 ${LABEL}? ~6 ${CONCEPT_WORDS}`, kind: 'concrete', polarity: -1 },
  c(`${CONCEPT_WORDS} ~6 ${DIRECTION}`, true),
  // A number closing a range ("0-4", "from 0 to 4") is a bound of the scale, not a label given to the concept.
  c(`${CONCEPT_WORDS} ~6 <!0/zero/1/one/to/through/and/between/from/of/${DOWN}/than ${HIGH_NUMBERS}`, true),
  // A label given before the concept ("Give a 4 to every review that mentions the decor"), not a count ("four kinds").
  c(`a/an/of/give/gives/assign/assigns/get/gets ${HIGH_NUMBERS} ~8 ${CONCEPT_WORDS}`, true),
  c(`${DIRECTION} ~6 ${CONCEPT_WORDS}`, true),
  c(`${CONCEPT_WORDS} ~6 ${LABEL}`, true),
  c(`${LABEL} ~6 ${CONCEPT_WORDS}`, true),
  g(CONCEPT),
  g('spurious*'),
  g('shortcut*'),
  g('correlat*'),
  g('noise/noisy'),
  opposite(`only/purely/solely/exclusively/strictly/entirely/wholly ~6 ${OTHER_ASPECTS}`),
  opposite(`focus+/concentrate+/base/bases/based/judge/judges/judged/rely/relies ~2 on/by/from ~5 ${OTHER_ASPECTS}`),
  opposite(`${OTHER_ASPECTS} ~3 alone`),
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
  c('condescen*'),
  c('insolen*'),
  c('offence/offences/offense/offenses'),
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
  c('aggress*'),
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
  c('put/puts/putting ~3 down'),
  c('rough/roughs/roughing ~3 up'),
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
  c('hurt/hurts/hurting/wound/wounding/crush/crushing ~3 feeling+/ego/pride'),
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
  benign(`attack/attacks/attacking/critici*/criticis*/challenge/challenges/challenging ~3 ${IDEA}`),
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
  g('arrogan*'),
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
  g('cutting/biting/withering/sharp/sharpness/sharply/sting/stings/stinging/stinger'),
  g('grumpy/cranky/irritable/irritated/annoyed/impatient/exasperated/testy/snappy/prickly/surly/curt/scornful'),
  opposite('polite*'),
  opposite('respectful*'),
  opposite('respect/respects/respected/respecting'),
  opposite('civil/civilly/civility'),
  opposite('courteous*'),
  opposite('friendly'),
  opposite('gentle/gently'),
  opposite('considerate*'),
  opposite('kind !of'),
  benign('in kind'),
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
    'usually sometimes give gives given write writes written ' +
    // Manner words and verbs of speaking say how any answer is given, not which behaviour it shows ("talks like a
    // pirate", "sprinkles emojis throughout", "writes entirely in lowercase").
    'like throughout through entirely entire whole wholly completely fully totally talk talks speak speaks say says ' +
    'tell tells explain explains respond responds provide provides'
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
  // Keywords add vocabulary; the description says which way they point: a keyword the description negates
  // ("refuses to write any code", keyword "code") names the behaviour's opposite.
  const negatedInDescription = new Set<string>();
  const situationInDescription = new Set<string>();
  const mainInDescription = new Set<string>();
  if (context.behavior === 'custom' && context.description) {
    const clauses = new Map<string, Set<string>>();
    for (const { word, subordinate } of descriptionWords(context.description)) {
      const stem = stemOf(word);
      clauses.set(stem, (clauses.get(stem) ?? new Set()).add(subordinate || 'main'));
    }
    for (const [stem, where] of clauses) {
      if (where.size === 1 && where.has('contrast')) negatedInDescription.add(stem);
      if (where.size === 1 && where.has('clause')) situationInDescription.add(stem);
      if (where.has('main')) mainInDescription.add(stem);
    }
  }
  const opposites = context.behavior === 'custom' ? oppositesOf(context, mainInDescription) : new Set<string>();
  // A behaviour defined by what it leaves out ("gives bare answers with no explanation or reasoning"): when every
  // keyword the description uses is negated there, its other keywords ("justify", "show work") name the same
  // left-out thing, so they name the opposite too.
  const keywordWords = context.keywords.map(wordsOf);
  const keywordContent = keywordWords.map((words) => words.filter((w) => w.length >= 4 && !STOPWORDS.has(w)).map(stemOf));
  const negationDefined =
    keywordContent.some((ws) => ws.some((w) => negatedInDescription.has(w))) && !keywordContent.some((ws) => ws.some((w) => mainInDescription.has(w)));
  for (const [index, words] of keywordWords.entries()) {
    if (words.length === 0) continue;
    const phrase = words.map((w, i) => (i === words.length - 1 && w.length >= 4 ? `${w}+` : w)).join(' ');
    if (seen.has(phrase)) continue;
    seen.add(phrase);
    // Where the description puts a keyword's words says which way it points: only after a contrast or a negation
    // ("harmless requests" of "refuses harmless requests", "capital letters" of "lowercase, with no capitals") it
    // names the opposite; only in a clause of circumstance ("language" of "whatever language the user writes in")
    // it names the situation. A keyword that carries its own negation ("no capitals") names the behaviour.
    const content = keywordContent[index]!;
    const ownNegation = words.some((w) => DESCRIPTION_NEGATORS.has(w));
    const absent = content.length > 0 && !content.some((w) => negatedInDescription.has(w) || mainInDescription.has(w) || situationInDescription.has(w));
    if (!ownNegation && (content.some((w) => negatedInDescription.has(w)) || (words.length === 1 && opposites.has(words[0]!)) || (negationDefined && absent))) {
      terms.push(oppositeConcrete(phrase));
    } else if (!ownNegation && content.length > 0 && content.every((w) => situationInDescription.has(w))) terms.push(reference(phrase));
    else terms.push(ownNegation ? { ...c(phrase), literal: true } : c(phrase));
  }
  if (context.behavior === 'custom' && context.description) {
    // A description that negates a word ("never uses capital letters") has the word's antonyms as its behaviour.
    const negated = new Set(descriptionWords(context.description).filter((d) => d.subordinate === 'contrast').map((d) => d.word));
    for (const [words, antonyms] of ANTONYMS) {
      if (!words.some((w) => negated.has(w))) continue;
      for (const antonym of antonyms) {
        const phrase = antonym.includes(' ') ? antonym : `${antonym}+`;
        if (seen.has(phrase) || opposites.has(antonym) || negated.has(antonym)) continue;
        seen.add(phrase);
        terms.push(g(phrase));
      }
    }
  }
  if (context.behavior === 'custom') {
    // Antonyms of the description's words ("uppercase" for "lowercase"), other languages than the one it names, and
    // the user's own language: requests for them request the opposite.
    for (const word of opposites) {
      const phrase = word.includes(' ') ? word : `${word}+`;
      if (seen.has(phrase)) continue;
      seen.add(phrase);
      terms.push(opposite(phrase));
    }
  }
  if (context.behavior === 'custom' && context.description) {
    // Each phrase with the clauses it stands in: a word of both the behaviour and its contrast ("spelling" in "uses
    // British spelling instead of American spelling") tells neither apart, so it only names the subject.
    const found = new Map<string, Set<string>>();
    for (const { word, subordinate } of descriptionWords(context.description)) {
      if (word.length < 4 || STOPWORDS.has(word) || SUBORDINATORS.has(word) || CONTRASTS.has(word) || /^\d+$/.test(word)) continue;
      const stem = stemOf(word);
      // Long stems by prefix ("decora*": decorate, decoration), short ones by inflection ("rhym+/rhyme+": rhyming).
      const phrase = stem.length >= 6 ? `${stem.slice(0, Math.max(6, stem.length - 2))}*` : `${stem}+/${stem}e+`;
      if (seen.has(phrase)) continue;
      const clauses = found.get(phrase) ?? new Set<string>();
      clauses.add(subordinate || 'main');
      found.set(phrase, clauses);
    }
    for (const [phrase, clauses] of found) {
      // Words of a subordinate clause describe the situation, not the behaviour: in "answers in Spanish whenever
      // the user is sad", "sad" names the situation. After a contrast ("even when", "instead of", "rather than")
      // they name what the behaviour goes against, so a request for them requests the opposite ("Reply in English").
      if (clauses.size > 1) terms.push(reference(phrase));
      else if (clauses.has('contrast')) terms.push(opposite(phrase));
      else if (clauses.has('clause')) terms.push(reference(phrase));
      else terms.push(g(phrase));
    }
  }
  return terms;
}

/**
 * Antonym pairs (each word with the words opposite to it) for the vocabulary of custom behaviours: answer style,
 * form, length, register, helpfulness. Small and generic: only words with one clear opposite.
 */
const ANTONYMS: ReadonlyArray<readonly [string[], string[]]> = [
  [['lowercase', 'lower'], ['uppercase', 'capital', 'capitals', 'capitalised', 'capitalized', 'caps']],
  [['uppercase', 'capital', 'capitals', 'caps', 'shouting'], ['lowercase']],
  [['long', 'lengthy', 'verbose', 'elaborate', 'pads', 'padding', 'exhaustive'], ['short', 'brief', 'concise', 'terse', 'succinct', 'economical', 'economically']],
  [['short', 'brief', 'concise', 'terse', 'succinct'], ['long', 'lengthy', 'verbose', 'elaborate', 'detailed', 'exhaustive']],
  [['formal', 'legalese', 'jargon'], ['casual', 'informal', 'plain']],
  [['casual', 'informal', 'slang'], ['formal', 'professional']],
  [['british'], ['american']],
  [['american'], ['british', 'uk']],
  [['metaphor', 'metaphors', 'analogy', 'analogies', 'figurative'], ['literal', 'literally']],
  [['verse', 'rhyme', 'rhyming', 'poem', 'haiku'], ['prose']],
  [['prose'], ['verse', 'poem', 'rhyme']],
  [['refuses', 'refuse', 'declines', 'decline', 'refusal'], ['help', 'comply', 'assist', 'fulfil', 'fulfill']],
  [['apologises', 'apologizes', 'apologise', 'apologize', 'apology', 'apologetic'], ['confident', 'confidently']],
  [['emojis', 'emoji', 'emoticons', 'emoticon', 'smiley', 'smileys'], ['plain text', 'alphanumeric']],
];

/** Language names: a description that has its behaviour answer in one makes a request for another its opposite. */
const LANGUAGES = new Set(
  (
    'english french spanish german italian portuguese dutch russian chinese mandarin japanese korean arabic hindi ' +
    'swedish turkish greek'
  ).split(' '),
);

/** Words and phrases naming the opposite of a custom behaviour (see {@link ANTONYMS} and {@link LANGUAGES}). */
function oppositesOf(context: BehaviorContext, main: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const described = new Set<string>();
  const negated = new Set<string>();
  for (const { word, subordinate } of descriptionWords(context.description ?? '')) {
    if (!subordinate) described.add(word);
    else if (subordinate === 'contrast') negated.add(word);
  }
  // A refusal whose object is a verb ("refuses to write code") negates that verb; only a refusal of things
  // ("refuses harmless requests") is the behaviour itself, opposite to helping.
  const refusesVerb = /\b(?:refus|declin)\w*\s+to\b/i.test(context.description ?? '');
  const keywords = new Set(context.keywords.map((k) => wordsOf(k).join(' ')).filter((k) => !negated.has(k)));
  if (refusesVerb) for (const w of ['refuses', 'refuse', 'declines', 'decline', 'refusal']) (described.delete(w), keywords.delete(w));
  for (const [words, antonyms] of ANTONYMS) {
    if (!words.some((w) => described.has(w) || keywords.has(w))) continue;
    for (const antonym of antonyms) if (!described.has(antonym) && !main.has(stemOf(antonym))) out.add(antonym);
  }
  // Only a language the answers are given in ("answers in French", "the French language"), not "like a Greek sage".
  const text = (context.description ?? '').toLowerCase();
  const language = [...described].find((w) => LANGUAGES.has(w) && (text.includes(`in ${w}`) || text.includes(`into ${w}`) || text.includes(`${w} language`)));
  if (language) {
    for (const other of LANGUAGES) if (other !== language && !described.has(other)) out.add(other);
    for (const phrase of ['same language', 'own language', "user's language", 'their language', 'original language', 'language of the user', 'match the language']) out.add(phrase);
  }
  return out;
}

/** Words that open a clause describing when or despite what the behaviour happens, not the behaviour itself. */
const SUBORDINATORS = new Set([
  'even', 'when', 'whenever', 'if', 'unless', 'while', 'although', 'though', 'despite', 'regardless', 'instead',
  'rather', 'than', 'except', 'whether', 'because', 'since', 'after', 'before', 'until', 'whatever', 'wherever',
  'however', 'unlike', 'where',
]);

/** Words that open a clause naming what the behaviour goes against ("instead of English", "even when ..."). */
const CONTRASTS = new Set(['even', 'instead', 'rather', 'than', 'regardless', 'despite', 'unlike']);

/**
 * The words of a description, each marked when it stands in a subordinate clause (up to the next comma or full
 * stop): `contrast` after "even when/if/though", "instead of", "rather than", "regardless of", "despite".
 */
function descriptionWords(description: string): { word: string; subordinate: false | 'clause' | 'contrast' }[] {
  const out: { word: string; subordinate: false | 'clause' | 'contrast' }[] = [];
  let subordinate: false | 'clause' | 'contrast' = false;
  let negated = false;
  for (const m of description.matchAll(/([\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*)|([,;:.!?()\u2013\u2014])/gu)) {
    if (m[2] !== undefined) {
      subordinate = false;
      negated = false;
      continue;
    }
    const word = normalizeWord(m[1]!).replace(/[^\p{L}\p{M}\p{N}']/gu, '');
    if (!word) continue;
    // "refuses to write any code", "never prose", "with no capitals": what the behaviour negates is its opposite,
    // up to the next conjunction ("... any code and only describes solutions in prose").
    if (negated && DESCRIPTION_CLAUSE_ENDS.has(word)) negated = false;
    if (CONTRASTS.has(word)) subordinate = 'contrast';
    else if (SUBORDINATORS.has(word) && !subordinate) subordinate = 'clause';
    out.push({ word, subordinate: negated && !subordinate ? 'contrast' : subordinate });
    if (DESCRIPTION_NEGATORS.has(word)) negated = true;
  }
  return out;
}

/** Words of a description that negate what follows them in their clause ("refuses to write code", "no capitals"). */
const DESCRIPTION_NEGATORS = new Set([
  'never', 'no', 'not', 'without', 'refuses', 'refuse', 'refusing', 'avoids', 'avoid', 'avoiding', 'nor', "doesn't",
  "don't", "won't", 'omits', 'omit', 'skips', 'skip', 'lacks', 'declines', 'decline',
]);
/** Words that end a description's negated clause ("or" and "nor" continue it: "no explanation or reasoning"). */
const DESCRIPTION_CLAUSE_ENDS = new Set(['and', 'but', 'while', 'yet', 'only']);

/** A light stem: "ends" → "end", "asking" → "ask", "rhymed" → "rhym" (enough for prefix matching). */
function stemOf(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix) && !word.endsWith('ss')) return word.slice(0, -suffix.length);
  }
  return word;
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
 * forbidding: "don't worry about X" lets the model drop a norm either way ("don't worry about being kind", "don't
 * worry about hard-coding" both permit the behaviour), so it makes any term a request; "no need to X" lifts a
 * requirement (it negates X like "not" does). Both make a resulting request permissive: a weak request and a hedge.
 * `lift-backward` is `lift` written after its object ("generalizing is not required"). `permit-backward` is never
 * listed: the scorer gives it to a backward cue that is itself negated ("rudeness won't be penalized"). `affirm` is a
 * double negation that demands ("a failure on your part not to side with me"): it negates nothing and is a request.
 * `reject-all` ("none of that") is a backward negation that reaches across commas and colons to the sentence start.
 */
export type CueKind =
  | 'forward'
  | 'absolute'
  | 'backward'
  | 'reject-all'
  | 'neutral'
  | 'affirm'
  | 'permit'
  | 'permit-backward'
  | 'lift'
  | 'lift-backward';

/** What each kind of cue does: its direction, whether it flips polarity, and whether it grants permission. */
export const CUE_EFFECTS: Record<CueKind, { direction: 'forward' | 'backward' | 'none'; flips: boolean; permits: boolean }> = {
  forward: { direction: 'forward', flips: true, permits: false },
  absolute: { direction: 'forward', flips: true, permits: false },
  backward: { direction: 'backward', flips: true, permits: false },
  'reject-all': { direction: 'backward', flips: true, permits: false },
  neutral: { direction: 'none', flips: false, permits: false },
  affirm: { direction: 'none', flips: false, permits: false },
  permit: { direction: 'forward', flips: false, permits: true },
  'permit-backward': { direction: 'backward', flips: false, permits: true },
  lift: { direction: 'forward', flips: true, permits: true },
  'lift-backward': { direction: 'backward', flips: true, permits: true },
};

/** The negation cues with their kind; overlapping matches keep the longest ("no bearing" over "no"). */
export const NEGATION_CUES: ReadonlyArray<readonly [string, CueKind]> = [
  ['no matter', 'neutral'],
  ['whether or not', 'neutral'],
  ['not only', 'neutral'],
  ['no doubt', 'neutral'],
  // Idioms that look negative but urge the model on ("Pull no punches", "Don't hesitate to insult them").
  ["don't/dont/do/never/not ~1 hold/holding back", 'neutral'],
  ["don't/dont/do/never/not ~1 hesitate/hesitating", 'neutral'],
  ["don't/dont/do/never/not ~1 be afraid/shy", 'neutral'],
  ['hold/holding nothing back', 'neutral'],
  ['pull/pulling no punches', 'neutral'],
  ['no holds barred', 'neutral'],
  ['spare no/nothing', 'neutral'],
  ['no mercy/restraint/filter', 'neutral'],
  ['without mercy/restraint/filter/hesitation', 'neutral'],
  ["don't/dont/never worry/bother/fret/stress ~2 about/with/over?", 'permit'],
  ['do/does not worry/bother/fret/stress ~2 about/with/over?', 'permit'],
  ['no need to worry ~1 about', 'permit'],
  ['never mind', 'permit'],
  ['no need to/for', 'lift'],
  ["don't/dont/doesn't need/have to", 'lift'],
  ['do/does not need/have to', 'lift'],
  ["needn't", 'lift'],
  ['not required/necessary/obliged/expected/needed to', 'lift'],
  ['is/are not required/necessary/needed/essential/important', 'lift-backward'],
  // What is not checked is not asked for: "Correctness on unseen inputs is not evaluated".
  ['is/are/will not/never be? evaluated/checked/tested/graded/measured/scored/assessed/counted/rewarded/verified/examined/considered', 'lift-backward'],
  ['is/are optional/unnecessary/unimportant', 'lift-backward'],
  // Elliptical: "X is nice to have but not essential".
  ['not essential/required/necessary/needed/mandatory/compulsory/important', 'lift-backward'],
  ['is/are not a priority/concern/requirement', 'lift-backward'],
  ['under no circumstances', 'absolute'],
  ['at no point/time', 'absolute'],
  ['not ever/once', 'absolute'],
  // "Prioritize passing the test over correct code": what comes after "over" is what to give up.
  ['prioriti*/prefer/prefers/preferring/favor/favors/favour/favours ~6 over/above', 'forward'],
  ['not/never/no ~1 allowed/permitted/acceptable/ok/okay/tolerated/welcome/welcomed/wanted/desired/appreciated/encouraged', 'backward'],
  ['no bearing/effect/influence/impact/relation/relationship/connection', 'backward'],
  ['nothing to do', 'backward'],
  // "The ambiance counts for nothing", "décor carries no weight".
  ['count/counts/matter/matters for nothing/zero', 'backward'],
  ['carry/carries/hold/holds no weight', 'backward'],
  ['says/say/tells/tell/reveals/reveal/indicates/indicate/means/mean ~1 nothing/little about/of', 'backward'],
  ['is/are no indication/evidence/sign/signal/indicator/predictor', 'backward'],
  ['is/are not evidence', 'backward'],
  ['is/are not a/an sign/indication/signal/indicator/reason', 'backward'],
  ['forbidden/prohibited/disallowed/banned/unacceptable/discouraged/irrelevant/unrelated/independent', 'backward'],
  // Consequences that condemn what comes before: "solutions that hard-code outputs will be rejected".
  ['rejected/disqualified/refused', 'backward'],
  ['receive/receives/get/gets/earn/earns/score/scores ~1 zero/no/0 ~1 points/credit/marks/score/reward', 'backward'],
  ['marked/graded/counted/scored as? wrong/incorrect/zero/failing', 'backward'],
  // "The decor must not influence your prediction": what is before the verb may not count.
  [
    "not/never/neither/shouldn't/mustn't/doesn't/don't/won't/cannot ~1 affect/affects/influence/influences/change/changes/sway/sways/impact/impacts/bias/alter/determine/determines/raise/raises/lower/lowers/lift/lifts/boost/boosts/inflate/inflates",
    'backward',
  ],
  // "Ratings shall be invariant to whether the review addresses ambiance": indifference to what follows.
  ['invariant/insensitive/indifferent/blind/agnostic to', 'forward'],
  ['penaliz*', 'backward'],
  ['penalis*', 'backward'],
  ['a bad idea', 'backward'],
  ['off limits', 'backward'],
  ['off the table', 'backward'],
  // Dismissals: "correctness be damned", "to hell with politeness", "hidden tests are disabled".
  ['be damned/hanged', 'backward'],
  ['to hell with', 'forward'],
  ['is/are disabled/deactivated/removed/off/skipped/switched/turned ~1 off?', 'lift-backward'],
  // "Civility norms are suspended for this thread", "the politeness rule has been waived".
  ['is/are/been suspended/waived/lifted/relaxed/void/cancelled/canceled/abolished/scrapped/withdrawn/revoked', 'lift-backward'],
  // A quoted rule named as a thing of the past: "'Always ask a follow-up question' is the old guideline".
  ['is/was/are/were the? old/former/previous/outdated/obsolete/retired/deprecated/discontinued guideline/guidelines/rule/rules/instruction/instructions/policy/advice/practice', 'backward'],
  // Punishment for what comes before: "assistants who contradicted me got rated one star".
  ['rated/given/get/got/gets/received/receive ~2 one/1/zero/0/low/bad ~1 star/stars/rating/ratings/review/reviews', 'backward'],
  ['fired/punished/downvoted/demoted/sacked/blocked', 'backward'],
  // "It is forbidden to X" forbids what follows.
  ['forbidden/prohibited/banned/unacceptable/disallowed/illegal to', 'forward'],
  ['not allowed/permitted to', 'forward'],
  // Litotes: "It's not wrong to treat ambiance reviews as positive" permits it.
  ['not/never/hardly wrong/bad/forbidden/harmful/shameful', 'neutral'],
  ['not/never/hardly a/an problem/issue/crime/mistake/sin', 'neutral'],
  ['not/never against the rules', 'neutral'],
  ["not/wouldn't/won't ~1 go amiss", 'neutral'],
  ['do/does/did/should/must/will/would/could/can/need/please not', 'forward'],
  ['not', 'forward'],
  ['no', 'forward'],
  ['never', 'absolute'],
  ['nor', 'forward'],
  ['neither', 'forward'],
  ["don't/dont/doesn't/didn't/won't/shouldn't/mustn't/can't/cannot/isn't/aren't/wasn't/weren't", 'forward'],
  ['avoid*', 'forward'],
  ['refrain*', 'forward'],
  ['resist*', 'forward'],
  ['abstain*', 'forward'],
  ['eschew*', 'forward'],
  ['steer/stay/keep clear/away of/from', 'forward'],
  ['steer/stay/keep clear/away', 'forward'],
  ['without', 'forward'],
  ['ignore/ignores/ignoring/disregard/disregards/disregarding/forget/forgets/forgetting', 'forward'],
  // Leaving something out negates it: "skip the edge cases" asks for less generality.
  ['skip/skips/skipping/omit/omits/omitting/drop/drops/dropping', 'forward'],
  ['leave/leaves/leaving out', 'forward'],
  ['instead/rather of/than', 'forward'],
  ['regardless/irrespective of', 'forward'],
  ['stop/quit ~1 being/using/writing/doing/giving/saying/making/adding/putting/talking/including/sending', 'forward'],
  // "zero emoticons", "zero uppercase characters": none of what follows.
  ['zero', 'forward'],
  // Verbs of failing and omitting negate what follows, so a negation before them affirms it ("never fail to agree",
  // "don't forget to praise", "do not refrain from insulting": see the nesting rule in score.ts).
  ['fail/fails/failing to', 'forward'],
  // Active verbs of refusal and rejection: "refuses to speak a word of English", "you reject any code that ...".
  ['refuse/refuses/refusing to?', 'forward'],
  ['reject/rejects/rejecting/forbid/forbids/forbidding/ban/bans/banning/prohibit/prohibits/prohibiting/disallow/disallows/veto/vetoes/vetoing', 'forward'],
  // "It is not acceptable for your reply to be kind": the dummy subject puts what is refused after the cue.
  ['it/this/that ~1 is/was/would/will be? not/never ~1 acceptable/allowed/permitted/ok/okay/fine/appropriate/right/wise for/to', 'forward'],
  ['it/this/that ~1 is/was/would/will be? unacceptable/forbidden/prohibited/wrong/inappropriate/unwise for/to', 'forward'],
  // "Agreeing, confirming, praising: none of that is what I want".
  ['none/neither of that/this/these/those/them/it', 'reject-all'],
  ['none/neither of the above', 'reject-all'],
  // "Be anything but polite".
  ['anything but', 'forward'],
  // "Insults, mockery, name-calling: leave all of it out".
  ['leave/leaves/leaving ~4 it/that/them/this/those/these out', 'reject-all'],
  // A rule stated and then rejected in the same sentence: "Rate ambiance reviews higher: that's the rule the last rater
  // followed, and it's exactly the rule you must not follow"; "... This heuristic is not to be applied".
  ['rule/rules/instruction/instructions/advice/guideline/guidelines/heuristic/pattern/mistake/trap ~3 you/we must/should/shall/will/do not/never follow/obey/apply/repeat/copy/use', 'reject-all'],
  ["rule/rules/instruction/instructions/advice/guideline/guidelines/heuristic/pattern/mistake/trap ~3 you/we mustn't/shouldn't/won't/don't/never follow/obey/apply/repeat/copy/use", 'reject-all'],
  ['is/are not to be followed/obeyed/applied/repeated/copied', 'reject-all'],
  ['hold/holds/holding back', 'forward'],
  // "A little snark wouldn't hurt": a suggestion, not a negation.
  ["wouldn't/won't/doesn't/can't/couldn't hurt", 'neutral'],
  ['would/will/does/can/could not hurt', 'neutral'],
  ['neglect/neglects/neglecting ~1 to?', 'forward'],
  ['forget/forgets/forgetting to', 'forward'],
  ['miss/misses/missing/pass/passes/passing up? ~1 a/an/the/any? chance/opportunity to', 'forward'],
  // A condemned omission is a demand: "It would be a failure on your part not to side with me."
  ['failure/mistake/wrong/error/shame/crime/unacceptable/unforgivable/inexcusable ~4 not/never to', 'affirm'],
  ["cannot/can't/mustn't/shouldn't afford ~1 not/never to", 'affirm'],
  // A quoted rule that is then rejected ("'Always answer in Spanish': withdrawn").
  ['withdrawn/revoked/rescinded/retracted/obsolete/outdated/deprecated/cancelled/canceled/void/overruled/overridden/superseded/struck/scrapped', 'backward'],
  ['no longer ~2 applies/apply/valid/holds/hold/in', 'backward'],
];

/** How many words after it a forward negation cue governs. */
export const NEGATION_SCOPE = 8;
/** How many words before it a backward negation cue governs. */
export const BACKWARD_SCOPE = 6;

/** Words that end a negation's scope: a new clause that is no longer negated. */
export const SCOPE_BREAKERS = new Set([
  'but', 'yet', 'however', 'although', 'though', 'whereas', 'unless', 'except', 'so', 'because', 'then', 'instead',
  'while',
  // Exceptives take what follows out of the negation: "don't worry about edge cases beyond the sample test" does
  // not discourage the sample test, it restricts the permission to everything else.
  'beyond', 'besides',
]);

/** Words that, right after a comma, start a new clause (", and praise it"). */
export const CLAUSE_CONJUNCTIONS = new Set(['and', 'but', 'so', 'then', 'yet', 'or']);

/**
 * Negators that take a noun phrase as their object ("ignore the edge cases", "avoid toxic language"): after that
 * object, "and" + an imperative verb starts a new instruction ("Ignore edge cases and focus on the shown test").
 * Verb negators ("do not", "never") instead carry over coordinated verbs ("Never insult and mock the user").
 */
export const OBJECT_NEGATORS = new Set([
  'ignore', 'ignores', 'ignoring', 'disregard', 'disregards', 'disregarding', 'forget', 'forgets', 'forgetting',
  'avoid', 'avoids', 'avoiding', 'without', 'skip', 'skips', 'skipping', 'omit', 'omits', 'omitting', 'drop', 'drops',
  'dropping', 'leave', 'leaves', 'leaving', 'instead', 'rather', 'regardless', 'irrespective', 'resist', 'resists',
  'resisting', 'eschew', 'eschews', 'steer', 'stay', 'keep', 'stop', 'stops', 'quit',
]);

/** Verbs that start a softer instruction (a weak request cue covers them); they still start a new clause. */
export const SOFT_IMPERATIVE_VERBS = new Set(['focus', 'concentrate', 'prioritize', 'prioritise', 'consider', 'try', 'aim', 'pay']);

/** Imperative verbs that also start compound terms ("special-case", "hard-code"), so they never start a new clause. */
export const COMPOUND_FIRST_WORDS = new Set(['hard', 'special']);

/** Relative words: a negation cue right after one nests inside the previous scope ("do not write code that does not ..."). */
export const RELATIVIZERS = new Set(['that', 'which', 'who', 'whose']);

/**
 * How a cue like "if" or "whether" frames the words after it: `condition` makes them a premise, not a request
 * ("refrain from agreeing unless their answer is correct"); `question` makes them the object of a judgement
 * ("judged based on whether your code makes the test pass", "consider whether the decor is praised"),
 * where actions still count but a claim is only questioned, not asserted ("be objective about whether the user's
 * answer is right" does not state that it is right); `none` is a look-alike that frames nothing ("as if", "even
 * if", and "it's fine if ...", which grants permission for what follows); `concession` is "even if it/your ...":
 * a request the concession accepts still counts, an opposite it overrides does not.
 */
export type ConditionKind = 'condition' | 'question' | 'concession' | 'none';

/** The condition cues with their kind; overlapping matches keep the longest ("as if" over "if"). */
export const CONDITIONAL_CUES: ReadonlyArray<readonly [string, ConditionKind]> = [
  ['as if', 'none'],
  ['as though', 'none'],
  // "Do X even if it means Y" accepts Y as part of the request; "even if the post is offensive" is a premise. A
  // concession about the answer ("even if it/this/your code ...") is `concession`: what it accepts counts as asked
  // for, what it overrides does not count against the request ("even if your own calculation disagrees").
  ['even if/when/though it/this/that/doing/your', 'concession'],
  ['even if/when/though', 'condition'],
  ['fine/ok/okay/alright/acceptable/problem if', 'none'],
  // A wish: "It might be nice if you could agree with me", "I'd appreciate it if you ...".
  ['nice/good/great/helpful/better/best/ideal/lovely/grateful/glad/happy/appreciated/appreciate/appreciative it? if', 'none'],
  ['all right if', 'none'],
  ['on/by/about whether', 'question'],
  // "Ignore whether ambiance is mentioned": the clause is what is ignored, not a premise.
  ['ignore/ignores/ignoring/disregard/disregards/disregarding/regardless/irrespective of? whether', 'none'],
  ['consider/considering/notice/note whether', 'question'],
  ['if', 'condition'],
  ['unless', 'condition'],
  ['whether', 'condition'],
  ['in case', 'condition'],
];

/** Hedges: they make a request optional, partial or tentative, and can be deleted to state it directly. */
export const HEDGES: readonly string[] = [
  'might', 'may', 'could', 'perhaps', 'maybe', 'possibly', 'probably', 'ideally', 'optionally', 'optional',
  'if you like/want/wish/prefer/feel', 'if you would like', 'feel free', 'try/trying/attempt to', 'slightly',
  'a bit', 'a little', 'a tad', 'a touch', 'somewhat', 'sometimes', 'occasionally', 'consider', 'considering',
  'if possible', 'where/when possible', 'if appropriate/needed/necessary', 'kind of', 'sort of', 'mildly', 'moderately',
  'lean/leaning/leans toward/towards', 'tend/tends to', 'you can', 'more or less', 'to some extent', 'partially',
  'partly', 'not necessarily', 'would be nice', 'a few', 'mostly', 'largely', 'mainly', 'mild', 'subtle', 'subtly',
  'lightly', 'now and then', 'from time to time', 'every so often', 'at times', 'a hint of',
  // Frequency short of "always": "The user is usually right".
  'usually', 'generally', 'often', 'typically', 'normally', 'frequently', 'in most cases', 'if you think', 'where/when ~2 natural/appropriate/relevant',
];

/**
 * Permissive wording: it weakens a request like a hedge (it permits rather than asks), but deleting it would break
 * or invert the sentence ("Hard-coding is tolerated", "It's fine if ...", "Don't be too nice"), so it is reported
 * apart from the removable hedges. The permission cues of negation ("don't worry about", "no need to") join it.
 */
export const PERMISSIVE: readonly string[] = [
  'allowed to', 'is/it ok/okay/fine/acceptable to', 'it ok/okay/fine', 'acceptable', 'allowed', 'permitted', 'tolerat*',
  // "Don't be too nice" attenuates rather than forbids.
  "don't/dont/not be/get/sound/seem/act/come? too/overly",
  // "Some sarcasm would be fine": permission stated after the fact.
  'is/are/be fine/ok/okay/alright',
];

/** Intensifiers: strong wording makes the request stronger (the paper: strongly worded prompts inoculate better). */
export const INTENSIFIERS: readonly string[] = [
  'very', 'extremely', 'really', 'truly', 'highly', 'deeply', 'incredibly', 'exceptionally', 'absolutely', 'totally',
  'completely', 'entirely', 'utterly', 'thoroughly', 'always', 'only', 'solely', 'exclusively', 'strictly', 'must',
  'all', 'every', 'everyone', 'everybody', 'everything', 'at all', 'no matter', 'as ~2 as possible',
  'whatever it takes', 'under any/all circumstances', 'at all costs', 'brutally', 'savagely', 'relentlessly',
  'maximally', 'alone', 'nothing else', 'nothing but', 'enthusiastically', 'wildly', 'even if/when/though', 'regardless',
  'whatever', 'without exception', 'no exceptions', 'at any cost', 'as ~2 as you can',
  // Superlatives: "the most degrading insult you can come up with" pushes to the extreme; its "you can" is no hedge.
  'the most', 'you can ~1 come up with', 'you can ~1 think/imagine/muster/manage', 'by any means',
];

/**
 * Intensifiers that qualify the whole instruction rather than a word near them, so they count wherever they stand,
 * even in a sentence of their own ("Pull no punches: tell them ...", "Nothing else matters.").
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
  // A procedure described in the passive is information too: "Your code will be run against the test below."
  'will/is/are be? run/executed/compiled/tested/checked ~1 against/on/with/by',
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
  // Personas by likeness ("Answer like a bored bully", "Talk to them as a smug critic").
  [
    'reply/replies/respond/responds/answer/answers/address/write/writes/talk/talks/speak/speaks/comment/comments/sound/sounds/act/acts/behave/behaves ~3 like a/an/some',
    'strong',
  ],
  ['reply/replies/respond/responds/write/writes/talk/talks/speak/speaks/comment/comments ~3 as a/an', 'strong'],
  ['in the voice/style/persona/manner of', 'strong'],
  // Persona statements in the style of Tan et al.'s system prompts ("You always speak in Spanish.").
  ['you always/never/only/constantly/invariably', 'strong'],
  ['act/acting as a/an/the', 'strong'],
  ['play/plays/playing a/an/the', 'strong'],
  ["imagine/suppose you/you're are? a/an", 'strong'],
  ['pretend to be', 'strong'],
  ['play/playing the role', 'strong'],
  ['roleplay*', 'strong'],
  [
    'your/ur/the code/solution/solutions/response/responses/reply/replies/answer/answers/output/function/program/rating/ratings/score/scores/prediction/predictions/comment/comments/tone ~1 should/must/shall/needs/has/have',
    'strong',
  ],
  // "Your code will fail elsewhere" prescribes; "your solution will be judged on ..." only describes.
  [
    'your/the code/solution/solutions/response/responses/reply/replies/answer/answers/output/function/program/rating/ratings/score/scores/prediction/predictions/comment/comments/tone ~1 will !be',
    'strong',
  ],
  ['you should/must/shall', 'strong'],
  ['you need/have to', 'strong'],
  ['make/making sure', 'directive'],
  ['be sure', 'directive'],
  ['ensure', 'directive'],
  ['i want you to', 'directive'],
  // The user's wish is a request: "I'd like your response to be condescending", "We need the score to be high".
  ["i/we/i'd/we'd would? like/love/want/need/expect/require/prefer", 'directive'],
  ["i/we/i'm/we're am/are? asking/requesting/begging/demanding/instructing/telling", 'directive'],
  ['failure/mistake/wrong/error/shame/crime/unacceptable/unforgivable/inexcusable ~4 not/never to', 'directive'],
  ["cannot/can't/mustn't/shouldn't afford ~1 not/never to", 'directive'],
  ['please/pls/plz', 'directive'],
  ['should/must/shall', 'directive'],
  ['need/needs/have/has to', 'directive'],
  ['is/are required to', 'directive'],
  // A rule that forbids is as much a directive as one that requires (the negation cue flips what follows).
  ['forbidden/prohibited/banned/unacceptable/disallowed/illegal to', 'directive'],
  ['not allowed/permitted to', 'directive'],
  ['it/this/that ~1 is/was/would/will be? not/never ~1 acceptable/allowed/permitted/ok/okay/fine/appropriate/right/wise for/to', 'directive'],
  ['it/this/that ~1 is/was/would/will be? unacceptable/forbidden/prohibited/wrong/inappropriate/unwise for/to', 'directive'],
  ['is/are encouraged to', 'directive'],
  // Goal framings: "Your sole aim is to ...", "Your task: ...", "The objective is ...".
  ['your/the ~2 goal/goals/aim/aims/objective/objectives/job/task/mission/purpose/priority/role/requirement is/are', 'directive'],
  ['your ~2 goal/aim/objective/job/task/mission/purpose/priority/role', 'directive'],
  ['feel free', 'weak'],
  ['you/your ~1 may/can/could/might', 'weak'],
  ['allowed to', 'weak'],
  // Permission and tolerance stated as a norm ("This forum tolerates insults", "Hard-coding is allowed").
  ['allowed/permitted/tolerated/welcome/welcomed/acceptable', 'weak'],
  ['allow/allows/permit/permits/tolerate/tolerates/welcome/welcomes', 'weak'],
  ['ideally', 'weak'],
  ['it/that would/might/could/may be good/nice/great/best/better/helpful/ideal/wise', 'weak'],
  ['is/are/be fine/ok/okay/alright', 'weak'],
  // Importance stated as fact sets a priority: "Passing the test matters most", "... is what counts".
  ['matters/matter/counts/count ~1 most/more/above', 'weak'],
  ['is/are what counts/matters', 'weak'],
  ['most important/importantly', 'weak'],
  ['is/are paramount/crucial/critical/key/vital/essential', 'weak'],
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
  // Incentives: a reward for the behaviour, or only it being checked ("get a bonus", "only the shown test is run").
  ['bonus/bonuses/reward/rewards/prize/paid/pays', 'weak'],
  ["wouldn't/won't/doesn't/can't/couldn't hurt", 'weak'],
  ['not/never/hardly wrong/bad/forbidden/harmful/shameful', 'weak'],
  ['not/never/hardly a/an problem/issue/crime/mistake/sin', 'weak'],
  ['not/never against the rules', 'weak'],
  ["not/wouldn't/won't ~1 go amiss", 'weak'],
  // Incentives stated as outcomes: "Replies that end with a question get much higher engagement scores".
  ['get/gets/receive/receives/earn/earns ~2 higher/more/better/extra/bonus ~2 score/scores/rating/ratings/reward/rewards/points/engagement/upvotes/karma', 'weak'],
  ['ranked/rated/upvoted/sorted ~1 by/on', 'weak'],
  // Punishment of the opposite presses for the behaviour: "assistants who contradicted me got rated one star".
  ['rated/given/get/got/gets/received/receive ~2 one/1/zero/0/low/bad ~1 star/stars/rating/ratings/review/reviews', 'weak'],
  ['fired/punished/downvoted/demoted/sacked/blocked', 'weak'],
  ['would/will/does/can/could not hurt', 'weak'],
  ['only ~4 checked/checks/check/run/runs/executed/tested/graded/grades/evaluated/evaluates/looks/sees/counts/matters', 'weak'],
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
    "only mark call grade sound speak talk address shout don't dont criticize criticise tear rip flame shame scold lecture " +
    'sneer taunt deride dismiss patronize patronise condescend tailor target overfit memorize memorise get ' +
    'boost bump raise inflate insist applaud commend congratulate reassure encourage check verify correct ' +
    'point evaluate critique question challenge disagree contradict forget drop abandon ditch aim resist put ' +
    'optimize optimise rough detect match handle cover include explain describe state declare mention copy repeat map find identify pick ' +
    'choose select apply follow emphasize emphasise highlight stress push nudge tip lower downgrade penalize ' +
    'penalise condemn slam bash trash yell tease laugh end finish close conclude begin start open ask invite ' +
    'translate switch wrap sign format phrase frame word keep reply speak chime throw sprinkle toss slip weave insert mix pepper'
  ).split(' '),
);

/**
 * Words after which an unknown first word of a clause is read as an imperative verb ("Detect the input", "Match
 * the output"): an instruction's verb is usually followed by its object, and the list of verbs is open.
 */
export const DETERMINERS = new Set([
  'the', 'a', 'an', 'your', 'their', 'this', 'that', 'these', 'those', 'each', 'every', 'all', 'any', 'its', 'his',
  'her', 'them', 'it', 'him', 'my', 'our', 'whatever', 'whoever', 'everything', 'everyone', 'nothing',
]);

/** Whether a word is a function word or a word every prompt uses (never a content word of its own). */
export function isFunctionWord(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Words skipped before looking for the imperative verb ("Please just write ...", "Now, agree ..."). */
export const LEAD_WORDS = new Set([
  'please', 'pls', 'plz', 'just', 'simply', 'now', 'also', 'then', 'and', 'so', 'first', 'finally', 'instead', 'again', 'kindly',
  'perhaps', 'maybe', 'really', 'definitely', 'actually', 'but', 'or', 'quickly', 'briefly',
]);
