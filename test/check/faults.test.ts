// The fault test: 429s with Retry-After, 500s, stalls, connection resets and malformed JSON at random; the check
// still completes with every sample obtained and graded exactly once.
import assert from 'node:assert/strict';
import { runCheck } from '../../core/src/check/engine';
import { checkResultPaths } from '../../core/src/check/layout';
import { nodeResultsFileSystem as fs } from '../../core/src/check/nodeFs';
import { OpenAIProvider } from '../../core/src/check/providers/openai';
import { prepareCheck } from '../../core/src/check/setup';
import { readSampleRecords, type SampleRecord } from '../../core/src/check/store';
import { inocFile, jsonl, makeWorkspace, promptItems, testGrader, type Workspace } from '../support/checkFixtures';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

describe('check under faults', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  let server: OpenAIServer;
  before(async () => {
    server = await startOpenAIServer({
      latencyMs: 2,
      chat: (request) => (lastUserText(request).startsWith('Say YES') ? 'YES' : 'no'),
      faults: { seed: 11, rate429: 0.1, retryAfterSeconds: 0.05, rate500: 0.1, rateStall: 0.03, rateReset: 0.05, rateMalformed: 0.05 },
    });
    workspace = await makeWorkspace({
      // timeout: 1 s (the smallest allowed) so stalls are retried quickly; 12 retries make a sample failing all of
      // them vanishingly unlikely (0.33^13) while every fault kind still occurs many times.
      'prompts.inoc': inocFile({ yes: 'Say YES.', other: 'Say something.' }, ['check:', '  dataset: data.jsonl', '  samples: 100', '  concurrency: 16', '  timeout: 1', '  retries: 12']),
      'data.jsonl': jsonl(promptItems(30)),
    });
  });
  after(async () => {
    await server.close();
    await workspace.cleanup();
  });

  it('completes with every sample graded exactly once', async () => {
    const check = await prepareCheck(fs, workspace.inocPath, { baseUrl: server.baseUrl }, workspace.root);
    const paths = checkResultPaths(workspace.root, workspace.inocPath);
    const grader = testGrader(/YES/);
    let retries = 0;
    const outcome = await runCheck({
      check,
      provider: new OpenAIProvider({ baseUrl: server.baseUrl }),
      grader: grader.factory,
      fs,
      paths,
      retryPolicy: { baseDelayMs: 5, maxDelayMs: 50 },
      onRetry: () => retries++,
    });
    const total = 3 * 100;
    assert.equal(outcome.summary.complete, true, outcome.firstFailure);
    assert.equal(outcome.counts.graded, total);
    assert.equal(grader.calls(), total, 'each sample graded once');
    const records: SampleRecord[] = [];
    await readSampleRecords(fs, paths.samples, (record) => record.run === outcome.runId && records.push(record));
    assert.equal(records.length, total);
    assert.equal(new Set(records.map((record) => `${record.arm}#${record.sample}`)).size, total, 'one record per (arm, draw)');
    assert.ok(records.every((record) => record.grade !== null && record.error === null));
    const [yes, other, neutral] = outcome.summary.arms;
    assert.deepEqual([yes!.k, other!.k, neutral!.k], [100, 0, 0]);

    // Every kind of fault happened, and each cost a retry.
    const faults = new Map<string, number>();
    for (const request of server.requests) if (request.fault) faults.set(request.fault, (faults.get(request.fault) ?? 0) + 1);
    for (const kind of ['rate-limit', 'server-error', 'stall', 'reset', 'malformed']) assert.ok((faults.get(kind) ?? 0) > 0, `${kind} occurred`);
    const faulted = [...faults.values()].reduce((sum, count) => sum + count, 0);
    assert.equal(retries, faulted, 'one retry per faulted request');
    assert.equal(server.requests.length, total + faulted);
    assert.equal(outcome.summary.requests, total);
  });
});
