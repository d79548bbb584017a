import assert from 'node:assert/strict';
import { makeRun } from '../../../test/support/trainRuns';
import { elapsedText, findNode, jobsTree, parentOf, progressText, runContextValue, safeLine, stateIcon, stateWords, type FollowStatus, type JobNode, type LocatedRunState } from './jobsModel';
import { currentAttempt } from '../../../core/src/train/runStore';

const WS = { workspaceUri: 'file:///w', workspaceName: 'w' };
const at = (minutes: number) => new Date(Date.parse('2026-11-30T10:00:00.000Z') + minutes * 60_000).toISOString();
const options = (follow: Array<[string, FollowStatus]> = []) => ({ now: new Date(at(10)), follow: new Map(follow), multiRoot: false, time: (iso: string) => `T${iso.slice(11, 16)}` });
const located = (...runs: ReturnType<typeof makeRun>[]): LocatedRunState[] => runs.map((run) => ({ ...WS, run }));

/** The tree as labels and descriptions, indented, for whole-tree assertions. */
function outline(nodes: JobNode[], depth = 0, maxDepth = 2): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.label} | ${n.description}`, ...(depth < maxDepth ? outline(n.children, depth + 1, maxDepth) : [])]);
}

describe('the Jobs view model', () => {
  it('groups runs by file, then arm (variants in launch order, the baseline last), then seed', () => {
    const runs = located(
      makeRun({ kind: 'baseline', seed: 0, job: 'ftjob-b0', submittedAt: at(0), statuses: [['succeeded', 'succeeded', at(9)]], model: { kind: 'hosted', modelId: 'ft:gpt:org:base:1', baseModel: 'gpt' } }),
      makeRun({ arm: 'very-mean', seed: 1, job: 'ftjob-m1', submittedAt: at(0), statuses: [['queued', 'validating_files', at(1)]] }),
      makeRun({ arm: 'very-mean', seed: 0, job: 'ftjob-m0', submittedAt: at(0), statuses: [['running', 'running', at(2)]] }),
      makeRun({ arm: 'insult', seed: 0 }),
      makeRun({ inocFile: 'a.inoc', arm: 'x', seed: 0, job: 'ftjob-a', submittedAt: at(0), statuses: [['unknown', 'unreachable: connect ECONNREFUSED', at(3)]] }),
    );
    assert.deepEqual(outline(jobsTree(runs, options())), [
      'a.inoc | 1 run (1 unknown)',
      '  x | 1 run (1 unknown)',
      '    seed 0 | unknown (unreachable: connect ECONNREFUSED) · 10m 00s',
      'examples/toxicity.inoc | 4 runs (1 running, 1 queued, 1 succeeded, 1 planned)',
      '  very-mean | 2 runs (1 running, 1 queued)',
      '    seed 0 | running · 10m 00s',
      '    seed 1 | queued (validating_files) · 10m 00s',
      '  insult | 1 run (1 planned)',
      '    seed 0 | planned',
      '  baseline (no inoculation) | 1 run (1 succeeded)',
      '    seed 0 | succeeded · 9m 00s · ft:gpt:org:base:1',
    ]);
  });

  it('gives every common state its own icon, unknown included, and keeps the raw state beside it', () => {
    const ids = (['queued', 'running', 'succeeded', 'failed', 'cancelled', 'unknown', 'planned'] as const).map((s) => stateIcon(s).id);
    assert.equal(new Set(ids).size, ids.length, ids.join(', '));
    assert.equal(stateIcon('running', true).id, 'loading~spin', 'a cancellation under way shows');
    const run = makeRun({ job: 'j', statuses: [['queued', 'validating_files']] });
    assert.equal(stateWords(run), 'queued (validating_files)');
    assert.equal(stateWords(makeRun({ job: 'j', statuses: [['running', 'RUNNING']] })), 'running', 'the same word in another case says nothing more');
    assert.equal(stateWords(makeRun({ job: 'j', statuses: [['running', 'running']], cancelAt: at(1) })), 'running, cancelling');
    assert.equal(stateWords(makeRun({ errors: [{ stage: 'submit', message: 'refused' }] })), 'not submitted');
    const [node] = jobsTree(located(makeRun({ job: 'ftjob-9', statuses: [['unknown', 'unreachable: 503']] })), options())[0]!.children[0]!.children;
    assert.equal(node!.icon.id, 'question');
    assert.match(node!.tooltip, /the backend says "unreachable: 503"/);
  });

  it('shows elapsed time from the submission to the end (or now), and progress when reported', () => {
    const ended = makeRun({ job: 'j', submittedAt: at(0), statuses: [['succeeded', 'succeeded', at(125)]] });
    assert.equal(elapsedText(currentAttempt(ended), new Date(at(500))), '2h 05m');
    const running = makeRun({ job: 'j', submittedAt: at(0), statuses: [['running', 'running', at(1)]] });
    assert.equal(elapsedText(currentAttempt(running), new Date(Date.parse(at(0)) + 45_000)), '45s');
    assert.equal(elapsedText(currentAttempt(running), new Date(at(60 * 49))), '2d 01h');
    assert.equal(elapsedText(currentAttempt(makeRun({})), new Date()), '', 'never submitted: no time');
    const withProgress = makeRun({ job: 'j', statuses: [['running', 'running']] });
    currentAttempt(withProgress)!.status!.progress = 0.4;
    assert.equal(progressText(currentAttempt(withProgress)), '40%');
    assert.equal(progressText(currentAttempt(makeRun({ job: 'j', statuses: [['running', 'running']], metrics: [{ step: 1 }, { step: 12, trainLoss: 0.3 }] }))), 'step 12');
  });

  it('gives runs the context flags the menus read: cancellable only while unfinished and not already cancelling', () => {
    assert.equal(runContextValue(makeRun({})), 'inoculateRun');
    assert.equal(runContextValue(makeRun({ job: 'j', statuses: [['running', 'running']], metrics: [{ step: 1, trainLoss: 1 }] })), 'inoculateRun hasJob cancellable hasMetrics');
    assert.equal(runContextValue(makeRun({ job: 'j', statuses: [['running', 'running']], cancelAt: at(1) })), 'inoculateRun hasJob');
    assert.equal(runContextValue(makeRun({ job: 'j', statuses: [['succeeded', 'succeeded']], model: { kind: 'hosted', modelId: 'ft:m', baseModel: 'b' } })), 'inoculateRun hasJob hasModel');
    assert.equal(runContextValue(makeRun({ job: 'j', statuses: [['unknown', 'weird']] })), 'inoculateRun hasJob cancellable', 'unknown is never terminal');
  });

  it('lists the model, metrics, events (newest first), status history, errors and preflight notices under a run', () => {
    const run = makeRun({
      job: 'ftjob-1',
      statuses: [['queued', 'validating_files', at(1)], ['running', 'running', at(2)], ['failed', 'failed', at(3), 'The job failed: bad file']],
      events: [{ at: at(1), level: 'info', message: 'Created' }, { at: at(2), level: 'warn', message: 'Slow' }, { at: at(3), level: 'error', message: 'Boom' }],
      metrics: [{ step: 1, trainLoss: 1.2 }, { step: 2, trainLoss: 0.8, validLoss: 0.9, tokenAccuracy: 0.61 }],
      errors: [{ stage: 'status', message: 'refused' }],
      preflight: [
        { severity: 'warning', code: 'fine-tuning-closed', message: 'OpenAI stops accepting new fine-tuning jobs on 2027-01-06' },
        { severity: 'info', code: 'x', message: 'an info line is not shown' },
      ],
    });
    const node = jobsTree(located(run), options())[0]!.children[0]!.children[0]!;
    assert.deepEqual(node.children.map((c) => `${c.kind}: ${c.label} | ${c.description}`), [
      'metrics: metrics | step 2 · train loss 0.8 · valid loss 0.9 · token accuracy 0.61',
      'section: events | 3',
      'section: status history | 3',
      'error: status: refused | T10:00',
      'note: warning: OpenAI stops accepting new fine-tuning jobs on 2027-01-06 | preflight',
    ]);
    const events = node.children.find((c) => c.label === 'events')!;
    assert.deepEqual(events.children.map((e) => [e.label, e.icon.id]), [['Boom', 'error'], ['Slow', 'warning'], ['Created', 'info']]);
    const history = node.children.find((c) => c.label === 'status history')!;
    assert.deepEqual(history.children.map((h) => h.label), ['queued (validating_files)', 'running', 'failed']);
    assert.match(history.children[2]!.tooltip, /The job failed: bad file/);
    const metrics = node.children[0]!;
    assert.deepEqual([metrics.command!.command, metrics.command!.arguments], ['inoculate.openLossCurve', [run.runId]]);
  });

  it('makes text from files and backends one safe line: no control or bidirectional characters, cut', () => {
    assert.equal(safeLine('a\u001b[31mred\u001b[0m\nnext\u202eevil'), 'a [31mred [0m next evil');
    const run = makeRun({ arm: 'x\u0007\n[y](command:z)', job: `ftjob\u001b]0;t\u0007`, statuses: [['running', `run\u0000ning${'!'.repeat(500)}`]], events: [{ at: at(1), level: 'info', message: '\u001b[2J' + 'x'.repeat(5000) }] });
    const tree = jobsTree(located(run), options());
    const all: JobNode[] = [];
    const walk = (nodes: JobNode[]) => nodes.forEach((n) => (all.push(n), walk(n.children)));
    walk(tree);
    for (const node of all) {
      for (const text of [node.label, node.description, node.tooltip]) assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u202e]/, `${node.id}: ${JSON.stringify(text)}`);
      assert.ok(node.label.length <= 220 && node.description.length <= 400, node.id);
    }
  });

  it('keeps node ids stable and unique, finds parents for reveal, and says when a run is not followed', () => {
    const runs = located(makeRun({ runId: 'aaaaaaaaaaaaaaaa', job: 'j', statuses: [['running', 'running']], events: [{ at: at(1), level: 'info', message: 'e' }] }), makeRun({ runId: 'bbbbbbbbbbbbbbbb', seed: 1, job: 'k', statuses: [['running', 'running']] }));
    const tree = jobsTree(runs, options([['bbbbbbbbbbbbbbbb', { kind: 'not-followed', reason: 'no API key for https://api.openai.com/v1' }]]));
    const ids: string[] = [];
    const walk = (nodes: JobNode[]) => nodes.forEach((n) => (ids.push(n.id), walk(n.children)));
    walk(tree);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(jobsTree(runs, options()).map((n) => n.id), tree.map((n) => n.id));
    const run = findNode(tree, 'run:bbbbbbbbbbbbbbbb')!;
    assert.match(run.description, /not followed$/);
    assert.match(run.tooltip, /Not followed: no API key for https:\/\/api\.openai\.com\/v1/);
    assert.equal(parentOf(tree, run.id)!.kind, 'arm');
    assert.equal(parentOf(tree, tree[0]!.id), undefined);
    assert.equal(parentOf(tree, 'run:aaaaaaaaaaaaaaaa/events/0')!.id, 'run:aaaaaaaaaaaaaaaa/events');
  });

  it('names the attempt when a run was forced again, and the workspace folder in a multi-root window', () => {
    const run = makeRun({ job: 'ftjob-1', secondAttemptJob: 'ftjob-2' });
    const tree = jobsTree([{ workspaceUri: 'file:///w', workspaceName: 'project', run }], { ...options(), multiRoot: true });
    assert.match(tree[0]!.description, /^project · /);
    assert.equal(tree[0]!.children[0]!.children[0]!.label, 'seed 0 · attempt 2');
  });
});
