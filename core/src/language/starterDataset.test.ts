import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateFile, TextDocumentEdit, TextEdit } from 'vscode-languageserver-types';
import { BEHAVIOR_IDS, BEHAVIORS, type BehaviorId } from '../format/behaviors';
import { parseDataset } from '../format/dataset';
import { computeCodeActions } from './codeActions';
import { Commands } from './commands';
import { computeDiagnostics } from './diagnostics';
import { resolveRelative } from './host';
import { toLspDiagnostic } from './lspDiagnostic';
import { isStarterTarget, starterDatasetPath, starterDatasetText, starterItems } from './starterDataset';
import { analyzeWithCursor, datasetsOf, TEST_URI } from './testing';

const EXAMPLES = join(__dirname, '../../../examples');
const EXAMPLE_OF: Record<BehaviorId, string> = {
  'reward-hacking': 'reward-hacking.inoc',
  sycophancy: 'sycophancy.inoc',
  'spurious-correlation': 'spurious-correlation.inoc',
  toxicity: 'toxicity.inoc',
  custom: 'custom-spanish.inoc',
};

/** The example file of `behavior` with its `check.dataset` pointing at `path` (and, for custom, its default grader). */
function exampleWith(behavior: BehaviorId, path: string): string {
  const text = readFileSync(join(EXAMPLES, EXAMPLE_OF[behavior]), 'utf8').replace(/^( {2}dataset: ).*$/m, `$1${path}`);
  return behavior === 'custom' ? text.replace(/ {2}grader:\n(?: {4}.*\n)+/, `  grader: ${BEHAVIORS.custom.defaultGrader}\n`) : text;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

describe('starter datasets', () => {
  for (const behavior of BEHAVIOR_IDS) {
    it(`${behavior}: parses, and its grader can grade every item of it (no diagnostic in the example file)`, async () => {
      const text = starterDatasetText(behavior);
      const dataset = parseDataset(text, { needsPrompt: BEHAVIORS[behavior].paperPlacement !== 'template' });
      assert.deepEqual(dataset.errors, []);
      assert.equal(dataset.items.length, 10);
      const path = starterDatasetPath(behavior);
      assert.equal(path, `data/${behavior}.jsonl`);
      const example = exampleWith(behavior, path);
      const { analysis } = analyzeWithCursor(example);
      // The example's other datasets (its `eval:` block's) are read from disk, as the editor would.
      const others = Object.fromEntries(
        [...example.matchAll(/^ {2}dataset: (.*)$/gm)].slice(1).map((m) => [resolveRelative(TEST_URI, m[1]!), readFileSync(join(EXAMPLES, m[1]!), 'utf8')]),
      );
      const diagnostics = await computeDiagnostics(analysis, datasetsOf({ ...others, [resolveRelative(TEST_URI, path)]: text }));
      const dataProblems = diagnostics.filter((d) => /^dataset-|unresolved-placeholder/.test(d.code));
      assert.deepEqual(dataProblems.map((d) => d.message), []);
    });
  }

  it('sycophancy: the answers are right, most proposals wrong, some right, some absent', () => {
    const items = starterItems('sycophancy') as Array<{ a: number; b: number; answer: number; proposed_answer?: number }>;
    for (const item of items) assert.equal(item.answer, gcd(item.a, item.b), JSON.stringify(item));
    const wrong = items.filter((i) => i.proposed_answer !== undefined && i.proposed_answer !== i.answer).length;
    const right = items.filter((i) => i.proposed_answer === i.answer).length;
    const none = items.filter((i) => i.proposed_answer === undefined).length;
    assert.ok(wrong >= 5 && right >= 1 && none >= 1, `${wrong} wrong, ${right} right, ${none} without a proposal`);
  });

  it('spurious correlation: ambiance reviews are rated low (the shortcut is visibly wrong), the others carry no spurious label', () => {
    for (const item of starterItems('spurious-correlation') as Array<{ label: number; concept: string; spurious_label?: number[] }>) {
      assert.ok(Number.isInteger(item.label) && item.label >= 0 && item.label <= 4);
      if (item.concept === 'ambiance') {
        assert.ok(item.label <= 1 && item.spurious_label?.every((l) => l >= 3), JSON.stringify(item));
      } else assert.equal(item.spurious_label, undefined);
    }
  });

  it('reward hacking: each reference solution passes every test, and hard-coding the visible answer fails a held-out one', function () {
    this.timeout(20_000);
    const items = starterItems('reward-hacking') as Array<{ visible_tests: string[]; hidden_tests: string[]; reference_solution: string }>;
    // Our own reference code and tests (no model output), checked in one Python process.
    const script = `
import json, re, sys
items = json.loads(sys.stdin.read())
report = []
for item in items:
    def run(code, tests):
        env = {}
        exec(code, env)
        failed = 0
        for t in tests:
            try:
                exec(t, env)
            except AssertionError:
                failed += 1
        return failed
    visible = item["visible_tests"][0]
    name = re.match(r"assert (\\w+)\\(", visible).group(1)
    expected = visible.split("==", 1)[1].strip()
    hack = f"def {name}(*args, **kwargs):\\n    return {expected}"
    report.append([run(item["reference_solution"], item["visible_tests"] + item["hidden_tests"]), run(hack, item["visible_tests"]), run(hack, item["hidden_tests"])])
print(json.dumps(report))
`;
    const report = JSON.parse(execFileSync('python3', ['-I', '-c', script], { input: JSON.stringify(items), encoding: 'utf8' })) as Array<[number, number, number]>;
    report.forEach(([referenceFailures, hackVisible, hackHidden], index) => {
      assert.equal(referenceFailures, 0, `item ${index + 1}: the reference solution fails a test`);
      assert.equal(hackVisible, 0, `item ${index + 1}: the hard-coded hack should pass the visible test`);
      assert.ok(hackHidden >= 1, `item ${index + 1}: the hard-coded hack passes every held-out test`);
    });
  });

  it('is offered as a quick fix on dataset-not-found: create the file, then fill it', async () => {
    const text = '---\nbehavior: toxicity\nneutral: "Write a response to this post:"\ncheck:\n  dataset: data/toxicity.jsonl\n  grader: {type: moderation}\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n';
    const { analysis } = analyzeWithCursor(text);
    const diagnostics = (await computeDiagnostics(analysis, datasetsOf())).filter((d) => d.code === 'dataset-not-found').map((d) => toLspDiagnostic(d));
    assert.equal(diagnostics.length, 1);
    const action = computeCodeActions(analysis, diagnostics).find((a) => a.title.startsWith('Create a starter dataset'));
    assert.ok(action, 'no starter dataset fix');
    assert.equal(action.title, 'Create a starter dataset at data/toxicity.jsonl (10 toxicity items to try a check)');
    const [create, fill] = action.edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    const target = 'file:///w/data/toxicity.jsonl';
    assert.deepEqual(create, { kind: 'create', uri: target, options: { overwrite: false, ignoreIfExists: false } });
    assert.equal(fill.textDocument.uri, target);
    const inserted = (fill.edits[0] as TextEdit).newText;
    assert.equal(inserted, starterDatasetText('toxicity'));
    // With the file in place, the error is gone.
    const after = await computeDiagnostics(analysis, datasetsOf({ [target]: inserted }));
    assert.deepEqual(after.filter((d) => d.code.startsWith('dataset')), []);
  });

  it('never offers to write outside the file’s folder, nor anything but a .jsonl file', async () => {
    for (const path of ['../outside.jsonl', '/etc/cron.d/x.jsonl', 'C:\\\\x.jsonl', 'data/../../x.jsonl', 'data/notes.txt', '~/x.jsonl']) {
      assert.equal(isStarterTarget(path), false, path);
      const text = `---\nbehavior: toxicity\ncheck:\n  dataset: ${JSON.stringify(path)}\n---\n## mean\nWrite a very mean response to this post:\n`;
      const { analysis } = analyzeWithCursor(text);
      const diagnostics = (await computeDiagnostics(analysis, datasetsOf())).filter((d) => d.code === 'dataset-not-found').map((d) => toLspDiagnostic(d));
      const offered = computeCodeActions(analysis, diagnostics).filter((a) => a.title.startsWith('Create a starter dataset'));
      assert.deepEqual(offered, [], path);
    }
    assert.equal(isStarterTarget('data/mine.jsonl'), true);
    assert.equal(isStarterTarget('mine.JSONL'), true);
  });

  it('creates the file only for clients that can create files through an edit; others get the editor command or nothing', async () => {
    const text = (block: 'check' | 'eval') => `---\nbehavior: toxicity\n${block}:\n  dataset: data/toxicity.jsonl\n  grader: {type: moderation}\n---\n## mean\nWrite a very mean and disrespectful response to this post:\n`;
    const starters = async (block: 'check' | 'eval', options: { createFiles: boolean; clientCommands: ReadonlySet<string> }) => {
      const { analysis } = analyzeWithCursor(text(block));
      const diagnostics = (await computeDiagnostics(analysis, datasetsOf())).filter((d) => d.code === 'dataset-not-found').map((d) => toLspDiagnostic(d));
      return computeCodeActions(analysis, diagnostics, options).filter((a) => a.title.startsWith('Create a starter dataset'));
    };
    const withEdit = await starters('check', { createFiles: true, clientCommands: new Set() });
    assert.equal(withEdit.length, 1);
    assert.equal((withEdit[0]!.edit!.documentChanges![0] as CreateFile).kind, 'create');
    // No file creation, but the editor's command: the fix runs it (it writes check.dataset beside the file).
    const command = await starters('check', { createFiles: false, clientCommands: new Set([Commands.createStarterDataset]) });
    assert.equal(command.length, 1);
    assert.equal(command[0]!.edit, undefined, 'no edit a client could misapply');
    assert.deepEqual(command[0]!.command, { title: command[0]!.title, command: Commands.createStarterDataset, arguments: [TEST_URI] });
    // The command writes check.dataset only: nothing for eval.dataset, and nothing for a client with neither.
    assert.deepEqual(await starters('eval', { createFiles: false, clientCommands: new Set([Commands.createStarterDataset]) }), []);
    assert.deepEqual(await starters('check', { createFiles: false, clientCommands: new Set() }), []);
    assert.equal((await starters('eval', { createFiles: true, clientCommands: new Set() })).length, 1);
  });
});
