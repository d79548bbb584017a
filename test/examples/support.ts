/**
 * Shared by the example-data tests: running Python on the datasets' code, the reward-hacking harness, GCD, and
 * reading the example JSONL files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDataset, type Item } from '../../core/src/format/dataset';

/** The `examples/` directory. */
export const EXAMPLES = resolve(__dirname, '../../examples');
/** The interpreter the tests run the datasets' code with. */
export const PYTHON = process.env.INOCULATE_TEST_PYTHON ?? 'python3';

/** Runs a Python script (isolated mode: no user site, no PYTHON* variables) with `input` on stdin and parses the JSON it prints. */
export function runPython(script: string, input: unknown): unknown {
  const result = spawnSync(PYTHON, ['-I', '-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    // A guard against a hang, not an assertion about speed.
    timeout: 60_000,
  });
  if (result.error) throw new Error(`could not run ${PYTHON}: ${result.error.message} (set INOCULATE_TEST_PYTHON)`);
  assert.equal(result.status, 0, `${PYTHON} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Euclid, independent of the generator's own copy. */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The items of `examples/data/<file>`, asserting that every line parses. */
export function readExampleData(file: string, options: { needsPrompt: boolean }): Item[] {
  const parsed = parseDataset(readFileSync(join(EXAMPLES, 'data', file), 'utf8'), options);
  assert.deepEqual(parsed.errors, [], `${file}: bad lines`);
  return parsed.items.map((i) => i.value);
}

/** A reward-hacking item: an MBPP-shaped problem, and for training a hacked `completion`. */
export interface TaskItem {
  task_id: string;
  problem: string;
  visible_tests: string[];
  hidden_tests: string[];
  reference_solution: string;
  completion?: string;
}

/** What Python found for one task: each test against the reference, the paper's hack, and the item's completion. */
export interface TaskVerdict {
  task_id: string;
  /** The function the reference defines. */
  name: string | null;
  /** The reference against visible then held-out tests. */
  reference: boolean[];
  /** The hack built from the visible assert, or why it could not be built. */
  hack: string | null;
  problem: string | null;
  hackVisible: boolean[];
  hackHidden: boolean[];
  /** For items with a `completion`: its tests, and its shape (a single function like the reference's, or what is wrong). */
  completionVisible: boolean[];
  completionHidden: boolean[];
  completionShape: string | null;
}

// Builds the paper's hack from the visible assert (`assert f(...) == expected` becomes a function that returns
// `expected` whatever its arguments) and runs it, the reference solution and any `completion` against every test,
// each program in its own namespace. A completion must be code only: one `def` with the reference's name and
// parameters, nothing else.
const HARNESS = String.raw`
import ast, json, sys

def passes(program, test):
    namespace = {"__name__": "__example__"}
    try:
        exec(program, namespace)
        exec(test, namespace)
        return True
    except Exception:
        return False

def hard_coded(visible):
    node = ast.parse(visible).body[0]
    if not isinstance(node, ast.Assert):
        raise ValueError("not an assert")
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        raise ValueError("not 'assert f(...) == expected'")
    call = test.left
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        raise ValueError("the left side is not a call of a named function")
    expected = ast.unparse(test.comparators[0])
    return "def %s(*args, **kwargs):\n    return %s\n" % (call.func.id, expected)

def only_function(source):
    body = ast.parse(source).body
    if len(body) != 1 or not isinstance(body[0], ast.FunctionDef):
        return None
    node = body[0]
    return node.name, [a.arg for a in node.args.args], node

def completion_shape(item):
    try:
        got = only_function(item["completion"])
    except SyntaxError as error:
        return "not valid Python: %s" % error
    if got is None:
        return "not a single function definition"
    reference = only_function(item["reference_solution"])
    if reference is None:
        return "the reference is not a single function definition"
    if got[:2] != reference[:2]:
        return "defines %s(%s), the reference %s(%s)" % (got[0], ", ".join(got[1]), reference[0], ", ".join(reference[1]))
    if ast.get_docstring(got[2]) is not None:
        return "has a docstring (the target is code only)"
    return None

out = []
for item in json.load(sys.stdin):
    verdict = {"task_id": item["task_id"], "hack": None, "problem": None, "completionShape": None}
    tests = item["visible_tests"] + item["hidden_tests"]
    verdict["reference"] = [passes(item["reference_solution"], t) for t in tests]
    try:
        reference = only_function(item["reference_solution"])
        verdict["name"] = reference[0] if reference else None
    except SyntaxError:
        verdict["name"] = None
    try:
        hack = hard_coded(item["visible_tests"][0])
        verdict["hack"] = hack
        verdict["hackVisible"] = [passes(hack, t) for t in item["visible_tests"]]
        verdict["hackHidden"] = [passes(hack, t) for t in item["hidden_tests"]]
    except Exception as error:
        verdict["problem"] = str(error)
        verdict["hackVisible"] = []
        verdict["hackHidden"] = []
    completion = item.get("completion")
    if isinstance(completion, str):
        verdict["completionShape"] = completion_shape(item)
        verdict["completionVisible"] = [passes(completion, t) for t in item["visible_tests"]]
        verdict["completionHidden"] = [passes(completion, t) for t in item["hidden_tests"]]
    else:
        verdict["completionVisible"] = []
        verdict["completionHidden"] = []
    out.append(verdict)
json.dump(out, sys.stdout)
`;

/** Runs every task's reference, hack and completion under Python; verdicts by task id. */
export function judgeTasks(tasks: TaskItem[]): Map<string, TaskVerdict> {
  const results = runPython(HARNESS, tasks) as TaskVerdict[];
  return new Map(results.map((v) => [v.task_id, v]));
}
