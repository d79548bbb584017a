import assert from 'node:assert/strict';
import { marked, type Token } from 'marked';
import { jsonl, makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { backendIdentity } from '../../../core/src/train/backends/index';
import { trainPaths } from '../../../core/src/train/layout';
import { nodeTrainFileSystem } from '../../../core/src/train/nodeTrainFs';
import { planTraining, type TrainingPlan } from '../../../core/src/train/plan';
import { datasetProblems, launchConfirmation, newJobsCost, planMarkdown, previewSides, type RunDisposition } from './trainingPreview';

const HOSTILE = '[x](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> | `';

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ messages: [{ role: 'user', content: `Post ${i}` }, { role: 'assistant', content: `Reply ${i}` }] }));

/** Links, images, HTML or definitions in rendered Markdown (a GFM renderer, like VS Code's preview). */
function activeTokens(markdown: string): string[] {
  const found: string[] = [];
  marked.walkTokens(marked.lexer(markdown, { gfm: true }), (token: Token) => {
    if (['link', 'image', 'html', 'def'].includes(token.type)) found.push(`${token.type}: ${token.raw}`);
  });
  return found;
}

describe('the training preview and plan', function () {
  this.timeout(20_000);
  let workspace: Workspace;
  let plan: TrainingPlan;

  before(async () => {
    const inoc = ['---', 'behavior: toxicity', 'placement: user-prefix', 'neutral: "Write a response to this post:"', 'model: local-model', 'train:', '  dataset: data/train.jsonl', '  baseUrl: http://127.0.0.1:9/v1', '---', '', '## mean', 'Write a very mean response to this post:', '', `## ${HOSTILE}`, 'Insult the author.', ''].join('\n');
    const data = jsonl(items(11)) + 'not json\n' + JSON.stringify(items(1)[0]) + '\n';
    workspace = await makeWorkspace({ 'a.inoc': inoc, 'data/train.jsonl': data }, 'a.inoc');
    plan = await planTraining({
      fs: nodeTrainFileSystem,
      inocPath: workspace.inocPath,
      workspaceRoot: workspace.root,
      paths: trainPaths(workspace.root),
      overrides: { seeds: 2 },
      identify: (settings) => backendIdentity(settings, {}),
      previewExamples: 2,
    });
  });
  after(() => workspace.cleanup());

  it('shows the first examples without and with the instruction under the same headers, so the diff is the instruction', () => {
    const sides = previewSides(plan, ['mean']);
    const without = sides.without.split('\n');
    const withIt = sides.with.split('\n');
    assert.equal(without.length, withIt.length);
    const differing = without.map((line, i) => [line, withIt[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(differing, [
      ['    Write a response to this post:', '    Write a very mean response to this post:'],
      ['    Write a response to this post:', '    Write a very mean response to this post:'],
    ]);
    assert.equal(without[0], '── mean · data/train.jsonl:1 ──');
    assert.match(sides.with, /^ {2}assistant:\n {4}Reply 0$/m);
    assert.match(previewSides(plan, []).with, /only the baseline/);
  });

  it('reads the problems with their dataset lines, errors and warnings apart', () => {
    const problems = datasetProblems(plan);
    const errors = problems.filter((p) => p.severity === 'error');
    assert.ok(errors.some((p) => p.line === 12 && /JSON/i.test(p.message)), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.severity === 'warning' && p.line === 13 && /the same example as line 1/.test(p.message)), JSON.stringify(problems));
    assert.ok(problems.every((p) => !p.message.startsWith('data/train.jsonl')), 'the location is split off the message');
  });

  it('writes the plan with counts, tokens and how they were counted, jobs, cost and problems, and no active markup from the file', () => {
    const dispositions = new Map<string, RunDisposition>([[plan.runs[0]!.provenance.runId, { kind: 'attached', job: 'ftjob-7', state: 'running' }]]);
    const text = planMarkdown(plan, { dispositions, key: 'no API key' });
    assert.match(text, /^# Training plan: `a\.inoc`$/m);
    assert.match(text, /\| Tokens \| estimated \(characters \/ 4\): no tokenizer is known for this model \|/);
    assert.match(text, new RegExp(`## Jobs \\(${plan.runs.length}: ${plan.runs.length - 1} new\\)`));
    assert.match(text, /already submitted: attaches to ftjob-7 \(running\)/);
    assert.match(text, /Estimated cost: unknown \(no published price for http\\?:\/\/127\.0\.0\.1:9\/v1\)/);
    assert.match(text, /## Problems in the training data \(1 error, 1 warning\)/);
    assert.match(text, /- error: data\/train\.jsonl:12: /);
    assert.deepEqual(activeTokens(text), []);
    assert.match(text, /\\\[x\\\]\(command:workbench\.action\.terminal\.new\) \\<img/, 'the variant name shows as its characters');
  });

  it('asks to launch only the new jobs, and counts only their cost', () => {
    const all = new Map<string, RunDisposition>(plan.runs.map((r) => [r.provenance.runId, { kind: 'attached', job: 'j', state: 'succeeded' } as RunDisposition]));
    assert.match(launchConfirmation(plan, { dispositions: all, key: 'x' }).message, /^Attach to the \d+ existing jobs of a\.inoc\? Nothing new is submitted\.$/);
    const none = launchConfirmation(plan, { dispositions: new Map(), key: 'no API key' });
    assert.equal(none.message, `Launch ${plan.runs.length} fine-tuning jobs on openai (local-model)?`);
    assert.match(none.detail, /^Endpoint: http:\/\/127\.0\.0\.1:9\/v1; key: no API key$/m);
    assert.match(none.detail, /^Tokens: ~\d+ \(estimated\)|tokens ~[\d,]+ \(estimated\)/m);
    // Priced: two arms at $0.50 and $0.25 per seed, two seeds each, one run attached.
    const priced = {
      arms: [
        { arm: { name: 'a' }, cost: { kind: 'estimate', usd: 0.5, note: 'list price' } },
        { arm: { name: 'b' }, cost: { kind: 'estimate', usd: 0.25, note: 'list price' } },
      ],
      runs: ['a', 'a', 'b', 'b'].map((name, i) => ({ provenance: { runId: `r${i}`, arm: { name } } })),
    } as unknown as Pick<TrainingPlan, 'arms' | 'runs'>;
    assert.deepEqual(newJobsCost(priced, new Map([['r0', { kind: 'attached', job: 'j', state: 'running' }]])), { usd: 1.0, note: 'list price' });
  });
});
