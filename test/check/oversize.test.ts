// An endpoint that answers with 100 MB: the built CLI reads at most `check.maxResponseBytes` (4 MiB by default) of it,
// records the cut in the sample record, fails that sample with a clear message, and stays small in memory.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkResultPaths } from '../../core/src/check/layout';
import type { SampleRecord } from '../../core/src/check/store';
import { ensureBuiltCli, startCli } from '../support/checkCli';
import { inocFile, jsonl, makeWorkspace, promptItems, type Workspace } from '../support/checkFixtures';

/** Peak resident memory of a running process, polled from /proc (Linux). */
function peakRss(pid: number): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    void readFile(`/proc/${pid}/status`, 'utf8').then(
      (status) => {
        const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
      },
      () => undefined,
    );
  }, 10);
  return { stop: () => (clearInterval(timer), peak) };
}

describe('check with a 100 MB answer (CLI)', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  let server: Server;
  let baseUrl: string;
  before(async function () {
    if (process.platform !== 'linux') this.skip();
    ensureBuiltCli();
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const prompt = (JSON.parse(body) as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
        response.writeHead(200, { 'content-type': 'application/json' });
        if (!prompt.startsWith('Say YES')) {
          response.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'no' }, finish_reason: 'stop' }] }));
          return;
        }
        // 100 MB of answer, generated as it is sent (chunked, no length), then a proper end.
        response.write('{"choices": [{"message": {"role": "assistant", "content": "');
        const chunk = 'YES '.repeat(16 * 1024);
        let left = 100 * 1024 * 1024;
        const pump = () => {
          while (left > 0 && !response.destroyed) {
            left -= chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          if (!response.destroyed) response.end('"}, "finish_reason": "stop"}]}');
        };
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  beforeEach(async () => {
    workspace = await makeWorkspace({
      'prompts.inoc': inocFile({ yes: 'Say YES.', other: 'Say something.' }, ['check:', '  dataset: data.jsonl', '  samples: 2', '  retries: 0', '  grader: {type: regex, pattern: "YES"}']),
      'data.jsonl': jsonl(promptItems(2)),
    });
  });
  afterEach(() => workspace.cleanup());
  after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

  const records = async (): Promise<SampleRecord[]> => {
    const paths = checkResultPaths(workspace.root, workspace.inocPath);
    return (await readFile(paths.samples, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as SampleRecord);
  };

  it('reads at most 4 MiB of it, fails those samples saying so, records the cut, and stays small', async () => {
    const run = startCli(['check', 'prompts.inoc', '--base-url', baseUrl], { cwd: workspace.root });
    const memory = peakRss(run.child.pid!);
    const result = await run.done;
    const peak = memory.stop();
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /sent more than 4,194,304 bytes for one answer; reading stopped there and the answer was not used\. Raise `check\.maxResponseBytes` \(or --max-response-bytes\)/);
    const all = await records();
    const yes = all.filter((record) => record.arm === 'yes');
    assert.equal(yes.length, 2);
    for (const record of yes) {
      assert.equal(record.truncated, true);
      assert.equal(record.response, null);
      assert.match(record.error ?? '', /more than 4,194,304 bytes/);
    }
    for (const record of all.filter((r) => r.arm !== 'yes')) assert.equal(record.truncated, false);
    // Before the cap, the CLI held the answer several times over (1.4 GB for 100 MB).
    assert.ok(peak < 250 * 1024 * 1024, `peak resident memory ${Math.round(peak / 1024 / 1024)} MB`);
    // Nothing of the answer reached the cache.
    const cache = await readFile(checkResultPaths(workspace.root, workspace.inocPath).cache, 'utf8');
    assert.ok(cache.length < 100_000, `${cache.length} bytes of cache`);
  });

  it('takes the limit from the file and from --max-response-bytes', async () => {
    await workspace.write('prompts.inoc', inocFile({ yes: 'Say YES.', other: 'Say something.' }, ['check:', '  dataset: data.jsonl', '  samples: 1', '  retries: 0', '  maxResponseBytes: 1024', '  grader: {type: regex, pattern: "YES"}']));
    const fromFile = await startCli(['check', 'prompts.inoc', '--base-url', baseUrl], { cwd: workspace.root }).done;
    assert.equal(fromFile.status, 1);
    assert.match(fromFile.stderr, /more than 1,024 bytes/);
    const fromFlag = await startCli(['check', 'prompts.inoc', '--base-url', baseUrl, '--max-response-bytes', '2048', '--no-cache'], { cwd: workspace.root }).done;
    assert.match(fromFlag.stderr, /more than 2,048 bytes/);
    const bad = await startCli(['check', 'prompts.inoc', '--max-response-bytes', '10'], { cwd: workspace.root }).done;
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-response-bytes must be a whole number from 1024/);
  });
});
