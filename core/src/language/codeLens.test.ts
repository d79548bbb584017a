import * as assert from 'node:assert/strict';
import { computeCodeLenses } from './codeLens';
import { Commands, ServerCommands } from './commands';
import { NO_MEASUREMENTS, type MeasurementSource } from './measurements';
import { analyzeWithCursor } from './testing';
import { trainedRunsSourceFrom } from './trainedRuns';
import { makeRun } from '../../../test/support/trainRuns';

const DOC = '---\nbehavior: toxicity\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n## empty\n## formal (control)\nBe formal.\n';

describe('code lenses', () => {
  it('shows the predicted score per candidate and marks controls', () => {
    const { analysis } = analyzeWithCursor(DOC);
    const lenses = computeCodeLenses(analysis, NO_MEASUREMENTS, { checks: false });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command!.title.replace(/\d\.\d\d \(\w+( \w+)?\)/, 'N')]),
      [
        [3, 'predicted N'],
        [5, 'empty'],
        [6, 'control arm'],
      ],
    );
    assert.deepEqual(lenses[0]!.command!.arguments, ['file:///w/doc.inoc', 3]);
    assert.equal(lenses[0]!.command!.command, Commands.explainScore);
  });

  it('offers "▶ Check" only when checks can run, and shows measurements', () => {
    const measured: MeasurementSource = {
      forVariant: (_u, name) => (name === 'mean' ? { rate: 0.5, ci: [0.36, 0.64], n: 50, k: 25, lift: null, liftCi: null, model: 'm', finishedAt: new Date().toISOString(), stale: true } : undefined),
      calibrationFor: () => undefined,
    };
    const { analysis } = analyzeWithCursor(DOC);
    const titles = computeCodeLenses(analysis, measured, { checks: true }).map((l) => l.command!.title);
    assert.ok(titles.includes('measured 50% [36%, 64%] (25/50) (stale)'), titles.join(' | '));
    assert.equal(titles.filter((t) => t === '▶ Check').length, 2, 'the candidate with text and the control');
  });

  it('asks for a behaviour before scoring', () => {
    const { analysis } = analyzeWithCursor('## a\nBe mean.');
    assert.deepEqual(computeCodeLenses(analysis, NO_MEASUREMENTS, { checks: true }).map((l) => l.command!.title), ['set behavior: to score']);
  });
});

describe('code lenses in editors without the VS Code extension', () => {
  it('run the server\'s own explain command and offer no "▶ Check" or results view they cannot open', () => {
    const measured: MeasurementSource = {
      forVariant: (_u, name) => (name === 'mean' ? { rate: 0.5, ci: [0.36, 0.64], n: 50, k: 25, lift: null, liftCi: null, model: 'm', finishedAt: new Date().toISOString(), stale: false } : undefined),
      calibrationFor: () => undefined,
    };
    const { analysis } = analyzeWithCursor(DOC);
    const lenses = computeCodeLenses(analysis, measured, { checks: true, clientCommands: new Set() });
    assert.deepEqual([...new Set(lenses.map((l) => l.command!.command))], [ServerCommands.explainScore]);
    assert.ok(!lenses.some((l) => l.command!.title === '▶ Check'));
    assert.ok(lenses.some((l) => l.command!.title.startsWith('measured 50%')));
    for (const lens of lenses) assert.deepEqual(lens.command!.arguments, ['file:///w/doc.inoc', lens.range.start.line]);
  });

  it('use each client command the client declared, and only those', () => {
    const { analysis } = analyzeWithCursor(DOC);
    const lenses = computeCodeLenses(analysis, NO_MEASUREMENTS, { checks: true, clientCommands: new Set([Commands.explainScore]) });
    assert.deepEqual([...new Set(lenses.map((l) => l.command!.command))], [Commands.explainScore]);
  });
});

describe('training lenses', () => {
  const TRAIN_DOC = [
    '---',
    'behavior: toxicity',
    'neutral: "Write a response to this post:"',
    'train:',
    '  dataset: data/train.jsonl',
    '---',
    '## very-mean',
    'Write a very mean and disrespectful response to this post:',
    '## formal (control)',
    'Be formal.',
    '',
  ].join('\n');
  const runs = trainedRunsSourceFrom([
    { workspaceUri: 'file:///w', run: makeRun({ inocFile: 'doc.inoc', job: 'ftjob-1', statuses: [['running', 'running']] }) },
    { workspaceUri: 'file:///w', run: makeRun({ inocFile: 'doc.inoc', seed: 1, job: 'ftjob-2', statuses: [['succeeded', 'succeeded']] }) },
    { workspaceUri: 'file:///w', run: makeRun({ inocFile: 'doc.inoc', kind: 'baseline', job: 'ftjob-3', statuses: [['failed', 'failed']] }) },
  ]);
  const lensesOf = (options: Parameters<typeof computeCodeLenses>[2]) => computeCodeLenses(analyzeWithCursor(TRAIN_DOC).analysis, NO_MEASUREMENTS, { trainedRuns: runs, ...options });

  it('offers "▶ Train" above train: and each candidate, and shows the runs per variant and of the baseline above neutral:', () => {
    const lenses = lensesOf({ checks: true });
    const at = (line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command!.title);
    assert.deepEqual(at(3), ['▶ Train']);
    assert.deepEqual(at(2), ['baseline trained: 1 run (1 failed)']);
    assert.deepEqual(at(6).slice(1), ['▶ Check', '▶ Train', 'trained: 2 runs (1 running, 1 succeeded)']);
    assert.ok(!at(8).includes('▶ Train'), 'a control is not offered for training');
    const train = lenses.find((l) => l.range.start.line === 6 && l.command!.title === '▶ Train')!;
    assert.deepEqual([train.command!.command, train.command!.arguments], [Commands.launchTraining, ['file:///w/doc.inoc', 'very-mean']]);
    const trained = lenses.find((l) => l.command!.title.startsWith('trained:'))!;
    assert.deepEqual([trained.command!.command, trained.command!.arguments], [Commands.showJobs, ['file:///w/doc.inoc', 'very-mean']]);
    assert.deepEqual(lenses.find((l) => l.command!.title.startsWith('baseline trained'))!.command!.arguments, ['file:///w/doc.inoc', 'baseline']);
  });

  it('offers no "▶ Train" where checks cannot run (untrusted), without a dataset, or to a client without the command; runs still show', () => {
    const untrusted = lensesOf({ checks: false }).map((l) => l.command!.title);
    assert.ok(!untrusted.includes('▶ Train'));
    assert.ok(untrusted.includes('trained: 2 runs (1 running, 1 succeeded)'), 'the records are shown read-only');
    const noData = computeCodeLenses(analyzeWithCursor(TRAIN_DOC.replace('  dataset: data/train.jsonl\n', '  seeds: 2\n')).analysis, NO_MEASUREMENTS, { checks: true });
    assert.ok(!noData.some((l) => l.command!.title === '▶ Train'));
    const neovim = lensesOf({ checks: true, clientCommands: new Set() });
    assert.ok(!neovim.some((l) => l.command!.title === '▶ Train'));
    const trained = neovim.find((l) => l.command!.title.startsWith('trained:'))!;
    assert.deepEqual([trained.command!.command, trained.command!.arguments], [ServerCommands.explainScore, ['file:///w/doc.inoc', 6]]);
  });
});
