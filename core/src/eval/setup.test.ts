import assert from 'node:assert/strict';
import { jsonl, makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { nodeResultsFileSystem as fs } from '../check/nodeFs';
import { CheckSetupError } from '../check/setup';
import { prepareEvaluation } from './setup';

const file = (evalBlock: string[], extra: string[] = []) =>
  ['---', 'behavior: custom', 'description: d', 'model: m', 'placement: template', 'template: "Q: {{question}} {{inoculation}}"', ...extra, 'eval:', ...evalBlock, '---', '## strong', 'Say YES.', '', '## off (control)', 'No C#.', ''].join('\n');

describe('preparing an evaluation', () => {
  let workspace: Workspace;
  afterEach(() => workspace?.cleanup());
  const prepare = async (text: string, data = jsonl([{ question: 'a' }, { question: 'b' }]), overrides = {}) => {
    workspace = await makeWorkspace({ 'prompts.inoc': text, 'eval.jsonl': data });
    return prepareEvaluation(fs, workspace.inocPath, overrides, workspace.root);
  };
  const refused = async (promise: Promise<unknown>, pattern: RegExp) => assert.rejects(promise, (error: unknown) => error instanceof CheckSetupError && pattern.test(error.message));

  it('reads the block, the variants, the dataset, and applies overrides', async () => {
    const evaluation = await prepare(file(['  dataset: eval.jsonl', '  samples: 4', '  conditions: [neutral, inoculated]', '  capability: {type: regex, pattern: ok}']), undefined, { samples: 2, conditions: ['inoculated'], variants: ['strong'], batch: true });
    assert.equal(evaluation.samplesPerItem, 2);
    assert.deepEqual(evaluation.conditions, ['inoculated']);
    assert.deepEqual([...evaluation.variants.keys()], ['strong', 'off']);
    assert.deepEqual(evaluation.candidates.map((c) => c.name), ['strong']);
    assert.equal(evaluation.items.length, 2);
    assert.equal(evaluation.graders.capability?.type, 'regex');
    assert.equal(evaluation.batch, true);
    assert.match(evaluation.datasetSha256, /^[0-9a-f]{64}$/);
  });

  it('refuses, before anything is sent: no dataset, a missing one, a bad line, an item a condition cannot build, an unknown variant', async () => {
    await refused(prepare(file(['  samples: 2'])), /no evaluation dataset: set `eval.dataset:`/);
    await refused(prepare(file(['  dataset: missing.jsonl'])), /prompts.inoc:\d+: eval.dataset 'missing.jsonl' not found/);
    await refused(prepare(file(['  dataset: eval.jsonl']), '{"question": "a"}\nnot json\n'), /eval.jsonl:2: not valid JSON/);
    await refused(prepare(file(['  dataset: eval.jsonl']), jsonl([{ other: 1 }])), /eval.jsonl:1: cannot build the prompt/);
    await refused(prepare(file(['  dataset: eval.jsonl']), undefined, { variants: ['nope'] }), /No variant named 'nope'/);
    await refused(prepare(file(['  dataset: eval.jsonl', '  conditions: [safety]'])), /safety.*needs `eval.safetyPrompt`/);
  });

  it('ignores problems under other blocks (a check or train block being edited does not stop an evaluation)', async () => {
    const evaluation = await prepare(file(['  dataset: eval.jsonl'], ['check:', '  samples: -1']));
    assert.equal(evaluation.items.length, 2);
  });
});
