// Resume: the real CLI in a child process, killed mid-run (SIGKILL) or interrupted (SIGINT); the next run sends
// only the requests that had not been answered, and no record is corrupted.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkResultPaths } from '../../core/src/check/layout';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../support/checkFixtures';
import { ensureBuiltCli, runCli, startCli, waitFor } from '../support/checkCli';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

const TOTAL = 3 * 40;

/** Lines of a JSONL file: the parsed records, and the lines that do not parse (at most a cut one is allowed). */
async function jsonlLines(path: string): Promise<{ records: Array<Record<string, unknown>>; broken: string[] }> {
  const records: Array<Record<string, unknown>> = [];
  const broken: string[] = [];
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      broken.push(line);
    }
  }
  return { records, broken };
}

describe('check resume after an interruption (CLI)', function () {
  this.timeout(120_000);
  let server: OpenAIServer;
  let workspace: Workspace;
  const chatRequests = () => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

  before(() => ensureBuiltCli());
  beforeEach(async () => {
    server = await startOpenAIServer({ latencyMs: 15, chat: (request) => (lastUserText(request).startsWith('Say YES') ? 'YES' : 'no') });
    workspace = await makeWorkspace({
      'prompts.inoc': inocFile({ yes: 'Say YES.', other: 'Say something.' }, ['check:', '  dataset: data.jsonl', '  samples: 40', '  concurrency: 4', '  grader: {type: regex, pattern: "^YES$"}']),
      'data.jsonl': jsonl(promptItems(25)),
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  const args = () => ['check', 'prompts.inoc', '--base-url', server.baseUrl, '--json'];

  it('after SIGKILL, the restart requests only the missing samples and nothing is corrupted', async () => {
    const first = startCli(args(), { cwd: workspace.root });
    await waitFor(() => chatRequests() >= 40);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const sentBefore = chatRequests();
    assert.ok(sentBefore < TOTAL, 'killed before the end');

    const paths = checkResultPaths(workspace.root, workspace.inocPath);
    const cacheAfterKill = await jsonlLines(paths.cache);
    assert.ok(cacheAfterKill.broken.length <= 1, 'at most the last line was cut');
    const answered = cacheAfterKill.records.filter((record) => typeof (record.value as { text?: unknown }).text === 'string').length;
    assert.ok(answered > 0);

    const second = await runCli(args(), { cwd: workspace.root });
    assert.equal(second.status, 0, second.stderr);
    const result = JSON.parse(second.stdout);
    assert.equal(result.cacheHits, answered, 'every answer obtained before the kill is reused');
    assert.equal(result.requests, TOTAL - answered, 'only the missing samples are requested');
    assert.equal(chatRequests() - sentBefore, result.requests, 'counted at the server');
    assert.deepEqual(
      result.arms.map((arm: { n: number; k: number }) => [arm.n, arm.k]),
      [
        [40, 40],
        [40, 0],
        [40, 0],
      ],
    );

    // No record is corrupted: every line parses except at most one line cut by the kill, and it stayed on its own.
    for (const path of [paths.samples, paths.cache]) {
      const { broken } = await jsonlLines(path);
      assert.ok(broken.length <= 1, `${path}: ${broken.length} broken lines`);
    }
    const samples = await jsonlLines(paths.samples);
    const runs = [...new Set(samples.records.map((record) => record.run))];
    const lastRun = samples.records.filter((record) => record.run === runs[runs.length - 1]);
    assert.equal(lastRun.length, TOTAL);
    assert.equal(new Set(lastRun.map((record) => `${record.arm}#${record.sample}`)).size, TOTAL);
  });

  it('on Ctrl+C (SIGINT) stops cleanly with exit 130, keeps finished samples, and a re-run completes', async () => {
    const first = startCli(args(), { cwd: workspace.root });
    await waitFor(() => chatRequests() >= 40);
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    assert.equal(interrupted.status, 130, interrupted.stderr);
    assert.match(interrupted.stderr, /interrupted; \d+ of 120 samples finished and kept\. Run again to finish/);
    const partial = JSON.parse(interrupted.stdout);
    const kept = partial.arms.reduce((sum: number, arm: { n: number }) => sum + arm.n, 0);
    assert.ok(kept >= 30 && kept < TOTAL, `${kept} kept`);
    const sentBefore = chatRequests();

    const second = await runCli(args(), { cwd: workspace.root });
    assert.equal(second.status, 0, second.stderr);
    const result = JSON.parse(second.stdout);
    assert.ok(result.cacheHits >= kept);
    assert.equal(result.requests + result.cacheHits, TOTAL);
    assert.equal(chatRequests() - sentBefore, result.requests);
  });
});
