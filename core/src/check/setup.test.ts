import assert from 'node:assert/strict';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../../../test/support/checkFixtures';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { CheckSetupError, checkItems, prepareCheck, sampleRequest } from './setup';

describe('check setup', () => {
  let workspace: Workspace;
  afterEach(() => workspace?.cleanup());

  const setup = async (files: Record<string, string>, overrides = {}) => {
    workspace = await makeWorkspace(files);
    return prepareCheck(fs, 'prompts.inoc', overrides, workspace.root);
  };
  const rejects = async (files: Record<string, string>, message: string | RegExp, overrides = {}) => {
    await assert.rejects(setup(files, overrides), (error: unknown) => {
      assert.ok(error instanceof CheckSetupError, String(error));
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  };
  const DATA = { 'data.jsonl': jsonl(promptItems(3)) };
  const CHECK = ['check:', '  dataset: data.jsonl', '  samples: 4'];

  it('resolves settings, arms, items and the draw plan, with overrides winning over the file', async () => {
    const check = await setup({ 'prompts.inoc': inocFile({ a: 'Say YES.', b: 'Say it.' }, [...CHECK, '  temperature: 0.3', '  timeout: 7']), ...DATA }, { samples: 6, concurrency: 2, model: 'other', variants: ['b'] });
    assert.equal(check.model, 'other');
    assert.equal(check.samplesPerArm, 6);
    assert.equal(check.draws.length, 6);
    assert.equal(check.sampling.concurrency, 2);
    assert.equal(check.sampling.temperature, 0.3);
    assert.equal(check.sampling.timeoutMs, 7000);
    assert.deepEqual(
      check.arms.map((arm) => arm.name),
      ['b', 'neutral'],
    );
    assert.equal(check.allArms.length, 3);
    assert.equal(check.filtered, true);
    assert.equal(check.items.length, 3);
    assert.equal(check.baseUrl, undefined);
    assert.deepEqual(sampleRequest(check, check.arms[0]!, 0).messages, [{ role: 'user', content: `Say it.\n\n${check.items[check.draws[0]!]!.value.prompt}` }]);
  });

  it('names a missing file', async () => {
    workspace = await makeWorkspace({});
    await assert.rejects(prepareCheck(fs, 'nope.inoc', {}, workspace.root), /^Error: nope\.inoc: no such file\.$/);
  });

  it('names the line and column of a frontmatter error', async () => {
    await rejects({ 'prompts.inoc': '---\nbehavior: sycophancy\nplacement: sideways\n---\n## a\nx\n' }, /^prompts\.inoc:3:12: `placement` must be one of/);
  });

  it('ignores problems in keys a check does not use (train, eval)', async () => {
    const check = await setup({ 'prompts.inoc': inocFile({ a: 'x' }, [...CHECK, 'train:', '  backend: command']), ...DATA });
    assert.equal(check.arms.length, 2);
  });

  it('asks for a model when neither the file nor --model gives one', async () => {
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, CHECK).replace('model: test-model\n', ''), ...DATA }, 'prompts.inoc: no model configured: set `model:` in the frontmatter or pass --model.');
  });

  it('asks for a dataset, and names the line of a dataset path that does not exist', async () => {
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }) }, /no check dataset: set `check.dataset:`/);
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, ['check:', '  dataset: data/missing.jsonl']) }, /^prompts\.inoc:7: check\.dataset 'data\/missing\.jsonl' not found \(looked for data\/missing\.jsonl\)\.$/);
  });

  it('names the first bad dataset line, and says how many more there are', async () => {
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, CHECK), 'data.jsonl': '{"prompt": "ok"}\n{nope\n[1]\n' }, /^data\.jsonl:2: not valid JSON .* \(and 1 more bad lines\)\.$/);
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, CHECK), 'data.jsonl': '\n\n' }, 'data.jsonl: the dataset has no items.');
  });

  it('names the item a template cannot be filled from', async () => {
    const inoc = inocFile({ a: 'x' }, [...CHECK, 'template: "{{inoculation}} Solve {{problem}}"']).replace('placement: user-prefix', 'placement: template');
    await rejects({ 'prompts.inoc': inoc, 'data.jsonl': jsonl([{ problem: 'p1' }, { question: 'q' }]) }, 'data.jsonl:2: cannot build the prompt: the item has no field `problem` for `{{problem}}`.');
  });

  it('refuses provider: vscode-lm outside the editor unless a base URL is given', async () => {
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, [...CHECK, 'provider: vscode-lm']), ...DATA }, /works only in the editor/);
    const check = await setup({ 'prompts.inoc': inocFile({ a: 'x' }, [...CHECK, 'provider: vscode-lm']), ...DATA }, { baseUrl: 'http://localhost:8000/v1' });
    assert.equal(check.baseUrl, 'http://localhost:8000/v1');
  });

  it('rejects --variant names that do not exist, and bad sample counts', async () => {
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, CHECK), ...DATA }, /No variant named 'zz'.*Variants: 'a', 'neutral'/, { variants: ['zz'] });
    await rejects({ 'prompts.inoc': inocFile({ a: 'x' }, CHECK), ...DATA }, /--samples must be a whole number of at least 1, got 0/, { samples: 0 });
  });

  it('checkItems names the first item the grader cannot use', async () => {
    const check = await setup({ 'prompts.inoc': inocFile({ a: 'x' }, CHECK), ...DATA });
    assert.throws(() => checkItems(check, (item) => (item.prompt === 'question 2' ? 'no answer field' : undefined), 'label'), /^Error: data\.jsonl:2: no answer field \(needed by the `label` grader\)\.$/);
    checkItems(check, () => undefined);
  });
});
