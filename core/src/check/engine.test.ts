import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inocFile, jsonl, makeWorkspace, promptItems, testGrader, type Workspace } from '../../../test/support/checkFixtures';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../../../test/support/openaiServer';
import { runCheck, type CheckProgress, type RunCheckOptions } from './engine';
import type { Grader } from './graders/types';
import { checkResultPaths } from './layout';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { OpenAIProvider } from './providers/openai';
import { CheckSetupError, prepareCheck, type CheckOverrides } from './setup';
import { newcombeDifference, wilsonInterval } from './stats';
import { readSampleRecords, readSummary, type SampleRecord } from './store';
import { provenanceFromKey, summaryOrigin } from './provenance';

const VARIANTS = { strong: 'Say YES.', weak: 'Maybe say YES if you like.', 'irrelevant (control)': 'Do not write C#.' };

describe('check engine', () => {
  let server: OpenAIServer;
  let workspace: Workspace;

  /** Answers YES to every prompt with "Say YES." and to every third "Maybe" prompt; "no" otherwise. */
  const reply = (text: string) => {
    if (text.startsWith('Say YES.')) return 'YES';
    if (text.startsWith('Maybe')) return Number(/question (\d+)/.exec(text)![1]) % 3 === 0 ? 'YES' : 'no';
    return 'no';
  };

  beforeEach(async () => {
    server = await startOpenAIServer({ chat: (request) => reply(lastUserText(request)) });
    workspace = await makeWorkspace({
      'prompts.inoc': inocFile(VARIANTS, ['check:', '  dataset: data.jsonl', '  samples: 12', '  concurrency: 4', '  seed: 5']),
      'data.jsonl': jsonl(promptItems(9)),
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  async function run(overrides: CheckOverrides = {}, extra: Partial<RunCheckOptions> = {}) {
    const check = await prepareCheck(fs, workspace.inocPath, { baseUrl: server.baseUrl, ...overrides }, workspace.root);
    const paths = checkResultPaths(workspace.root, workspace.inocPath);
    const grader = testGrader(/YES/);
    const outcome = await runCheck({
      check,
      provider: new OpenAIProvider({ baseUrl: check.baseUrl }),
      grader: grader.factory,
      fs,
      paths,
      retryPolicy: { baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });
    const records: SampleRecord[] = [];
    await readSampleRecords(fs, paths.samples, (record) => {
      if (record.run === outcome.runId) records.push(record);
    });
    return { outcome, paths, records, graderCalls: grader.calls(), check };
  }

  const chatRequests = () => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

  it('samples every arm, grades each sample once and reports rates, Wilson intervals and Newcombe lifts', async () => {
    const { outcome, records, graderCalls, paths, check } = await run();
    const { summary } = outcome;
    assert.equal(summary.complete, true);
    assert.equal(summary.requests, 36);
    assert.equal(chatRequests(), 36);
    assert.equal(graderCalls, 36);
    assert.equal(records.length, 36);
    assert.deepEqual(
      summary.arms.map((arm) => [arm.name, arm.control, arm.n]),
      [
        ['strong', false, 12],
        ['weak', false, 12],
        ['irrelevant', true, 12],
      ],
    );
    const [strong, weak, control] = summary.arms;
    assert.equal(strong!.k, 12);
    assert.equal(control!.k, 0);
    // The weak arm says YES on the items whose number is a multiple of 3: count them from the draw plan.
    const expectedWeak = [...check.draws].filter((index) => (index + 1) % 3 === 0).length;
    assert.equal(weak!.k, expectedWeak);
    assert.deepEqual(weak!.ci, wilsonInterval(expectedWeak, 12));
    assert.deepEqual(weak!.liftCi, newcombeDifference(expectedWeak, 12, 0, 12).ci);
    assert.equal(strong!.lift, 1);
    assert.equal(control!.lift, null);
    assert.equal(control!.liftCi, null);
    assert.deepEqual(await readSummary(fs, paths.summary), summary);
    assert.equal(summary.file, 'prompts.inoc');
    assert.equal(summary.baseUrl, server.baseUrl);
  });

  it('pairs the arms: draw j of every arm uses the same item, and every (arm, draw) appears once', async () => {
    const { records } = await run();
    const byDraw = new Map<number, Set<number>>();
    const seen = new Set<string>();
    for (const record of records) {
      assert.ok(!seen.has(`${record.arm}#${record.sample}`));
      seen.add(`${record.arm}#${record.sample}`);
      byDraw.set(record.sample, (byDraw.get(record.sample) ?? new Set()).add(record.item));
    }
    assert.equal(byDraw.size, 12);
    for (const items of byDraw.values()) assert.equal(items.size, 1);
    // 12 draws from 9 items: the first pass covers all 9 items.
    assert.equal(new Set([...byDraw.entries()].filter(([draw]) => draw < 9).map(([, items]) => [...items][0])).size, 9);
  });

  it('answers an unchanged re-run from the cache with 0 requests and the same results', async () => {
    const first = await run();
    const before = chatRequests();
    const second = await run();
    assert.equal(chatRequests(), before, 'no request sent');
    assert.equal(second.outcome.summary.requests, 0);
    assert.equal(second.outcome.summary.cacheHits, 36);
    assert.ok(second.records.every((record) => record.cached));
    assert.deepEqual(
      second.outcome.summary.arms.map((arm) => [arm.k, arm.n]),
      first.outcome.summary.arms.map((arm) => [arm.k, arm.n]),
    );
  });

  it('re-samples only the arm whose text changed, and everything with --no-cache', async () => {
    await run();
    await workspace.write('prompts.inoc', inocFile({ ...VARIANTS, weak: 'Maybe say YES, please.' }, ['check:', '  dataset: data.jsonl', '  samples: 12', '  concurrency: 4', '  seed: 5']));
    const before = chatRequests();
    const edited = await run();
    assert.equal(chatRequests() - before, 12);
    assert.equal(edited.outcome.summary.requests, 12);
    assert.ok(edited.records.filter((record) => !record.cached).every((record) => record.arm === 'weak'));

    const fresh = await run({}, { useCache: false });
    assert.equal(fresh.outcome.summary.requests, 36);
    assert.equal(fresh.outcome.summary.cacheHits, 0);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    await server.close();
    let inFlight = 0;
    let peak = 0;
    server = await startOpenAIServer({
      chat: async (request) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return reply(lastUserText(request));
      },
    });
    await run({ concurrency: 3 });
    assert.ok(peak <= 3, `peak ${peak}`);
    assert.ok(peak >= 2, 'requests did overlap');
  });

  it('reports progress per arm up to the total', async () => {
    const events: CheckProgress[] = [];
    await run({}, { onProgress: (progress) => events.push(progress) });
    assert.equal(events.length, 36);
    const last = events[events.length - 1]!;
    assert.equal(last.done, 36);
    assert.equal(last.total, 36);
    assert.deepEqual(
      last.arms.map((arm) => [arm.name, arm.done, arm.total]),
      [
        ['strong', 12, 12],
        ['weak', 12, 12],
        ['irrelevant', 12, 12],
      ],
    );
    assert.ok(events.every((event, i) => i === 0 || event.done >= events[i - 1]!.done));
  });

  it('stops when cancelled, keeps finished samples, and a re-run asks only for the missing ones', async () => {
    await server.close();
    server = await startOpenAIServer({ latencyMs: 10, chat: (request) => reply(lastUserText(request)) });
    const controller = new AbortController();
    const first = await run({}, { signal: controller.signal, onProgress: (progress) => progress.done >= 10 && controller.abort() });
    assert.equal(first.outcome.cancelled, true);
    assert.equal(first.outcome.summary.complete, false);
    const finished = first.records.length;
    assert.ok(finished >= 10 && finished < 36, `${finished} finished`);
    assert.ok(first.records.every((record) => record.grade !== null), 'only finished samples are recorded');

    const before = chatRequests();
    const second = await run();
    assert.equal(second.outcome.summary.complete, true);
    assert.equal(second.outcome.summary.requests + second.outcome.summary.cacheHits, 36);
    assert.ok(second.outcome.summary.cacheHits >= finished);
    assert.equal(chatRequests() - before, second.outcome.summary.requests);
  });

  it('stops at the first refused key (fatal) without overwriting an earlier summary', async () => {
    const good = await run();
    await server.close();
    server = await startOpenAIServer({ apiKey: 'sk-right' });
    const check = await prepareCheck(fs, workspace.inocPath, { baseUrl: server.baseUrl, samples: 50 }, workspace.root);
    const outcome = await runCheck({
      check,
      provider: new OpenAIProvider({ baseUrl: server.baseUrl, apiKey: 'sk-wrong' }),
      grader: testGrader(/YES/).factory,
      fs,
      paths: good.paths,
      useCache: false,
    });
    assert.equal(outcome.fatal?.kind, 'auth');
    assert.match(outcome.fatal!.message, /refused the API key \(401\)/);
    assert.equal(outcome.summaryWritten, false);
    assert.ok(chatRequests() <= check.sampling.concurrency, `${chatRequests()} requests after the first refusal`);
    assert.deepEqual(await readSummary(fs, good.paths.summary), good.outcome.summary);
  });

  it('counts samples the grader cannot grade as failed, with the reason recorded', async () => {
    const failing = (): Grader => ({
      type: 'flaky',
      fingerprint: 'flaky',
      itemProblem: () => undefined,
      grade: async ({ response, messages }) => {
        if (/question 2\b/.test(messages[0]!.content)) throw new Error('cannot parse');
        return { behavior: response === 'YES', detail: '' };
      },
    });
    const check = await prepareCheck(fs, workspace.inocPath, { baseUrl: server.baseUrl }, workspace.root);
    const paths = checkResultPaths(workspace.root, workspace.inocPath);
    const outcome = await runCheck({ check, provider: new OpenAIProvider({ baseUrl: server.baseUrl }), grader: failing, fs, paths });
    const failedDraws = [...check.draws].filter((index) => index === 1).length;
    assert.ok(failedDraws > 0);
    assert.equal(outcome.summary.complete, false);
    assert.equal(outcome.summary.arms[0]!.failed, failedDraws);
    assert.equal(outcome.summary.arms[0]!.n, 12 - failedDraws);
    assert.match(outcome.firstFailure!, /item line 2\): cannot parse/);
    const errors: string[] = [];
    await readSampleRecords(fs, paths.samples, (record) => record.error && errors.push(record.error));
    assert.equal(errors.length, failedDraws * 3);
  });

  it('refuses to start when the grader cannot use an item, naming the dataset line', async () => {
    await workspace.write('data.jsonl', jsonl([{ prompt: 'a' }, { messages: [{ role: 'user', content: 'b' }] }, { prompt: 'c', skip: true }]));
    const picky = (): Grader => ({
      type: 'picky',
      fingerprint: 'picky',
      itemProblem: (item) => (item.skip ? 'the item is marked skip' : undefined),
      grade: async () => ({ behavior: false, detail: '' }),
    });
    await assert.rejects(run({}, { grader: picky }), (error: unknown) => {
      assert.ok(error instanceof CheckSetupError);
      assert.equal(error.message, 'data.jsonl:3: the item is marked skip (needed by the `picky` grader).');
      return true;
    });
    assert.equal(chatRequests(), 0);
  });

  it('serves judges and moderation through the provider with caching, and records predictions', async () => {
    await server.close();
    server = await startOpenAIServer({
      chat: (request) => (request.model === 'judge-model' ? `GRADE: ${lastUserText(request).includes('YES') ? 9 : 1}` : reply(lastUserText(request))),
      moderation: (input) => ({ harassment: input === 'YES' ? 0.9 : 0.1 }),
    });
    const judging = (environment: Parameters<RunCheckOptions['grader']>[0]): Grader => ({
      type: 'judge-and-moderate',
      fingerprint: 'jm',
      itemProblem: () => undefined,
      grade: async ({ response, signal }) => {
        const verdict = await environment.chat({ model: 'judge-model', messages: [{ role: 'user', content: `Grade: ${response}` }], temperature: 0, maxTokens: 8 }, signal);
        const moderation = await environment.moderate(response, { model: 'omni-moderation-latest' }, signal);
        return { behavior: verdict === 'GRADE: 9', score: moderation.scores.harassment!, detail: verdict };
      },
    });
    const first = await run({}, { grader: judging, predict: (arm) => arm.instruction.length / 100 });
    assert.equal(first.outcome.summary.arms[0]!.k, 12);
    assert.equal(first.outcome.summary.arms[2]!.k, 0);
    assert.equal(first.outcome.summary.arms[0]!.predicted, 0.08);
    assert.equal(first.outcome.summary.arms[2]!.predicted, null);
    assert.equal(first.records.find((record) => record.arm === 'strong')!.grade!.score, 0.9);
    const judgeCalls = server.requests.filter((request) => (request.body as { model?: string } | undefined)?.model === 'judge-model').length;
    assert.equal(judgeCalls, 2, 'one judge call per distinct response text (YES / no)');
    assert.equal(server.requests.filter((request) => request.path === '/v1/moderations').length, 2);
  });

  it('keeps the other arms of an earlier run when --variant measures only some', async () => {
    const full = await run();
    const partial = await run({ variants: ['weak'] });
    assert.deepEqual(
      partial.outcome.summary.arms.map((arm) => arm.name),
      ['strong', 'weak', 'irrelevant'],
    );
    assert.deepEqual(partial.outcome.summary.arms[0], full.outcome.summary.arms[0]);
    assert.equal(partial.records.length, 24, 'only weak and the control were sampled');
  });

  it('names the run of every arm in the summary, so a later run whose samples all failed never mixes in', async () => {
    const good = await run();
    const written = (await readSummary(fs, good.paths.summary))!;
    assert.equal(written.runId, good.outcome.runId);
    assert.deepEqual(written.arms.map((arm) => arm.run), [good.outcome.runId, good.outcome.runId, good.outcome.runId]);
    // Every sample of the next run fails: its records go to samples.jsonl, the summary stays the earlier one.
    const broken = await run({}, { useCache: false, grader: (): Grader => ({ type: 'broken', fingerprint: 'broken', itemProblem: () => undefined, grade: async () => { throw new Error('no verdict'); } }) });
    assert.equal(broken.outcome.summaryWritten, false);
    assert.equal(broken.records.length, 36);
    assert.notEqual(broken.outcome.runId, good.outcome.runId);
    const after = (await readSummary(fs, good.paths.summary))!;
    assert.deepEqual(after, written);
    // The records that make up each arm's figures are exactly those of the run the arm names.
    for (const arm of after.arms) {
      const own: SampleRecord[] = [];
      await readSampleRecords(fs, good.paths.samples, (record) => record.arm === arm.name && record.run === arm.run && own.push(record));
      assert.equal(own.length, arm.n, arm.name);
      assert.equal(own.filter((record) => record.grade?.behavior).length, arm.k, arm.name);
    }
    // A --variant run: the arm it measured names the new run, the arms kept from earlier keep theirs.
    const partial = await run({ variants: ['weak'] });
    const merged = (await readSummary(fs, good.paths.summary))!;
    assert.equal(merged.runId, partial.outcome.runId);
    assert.deepEqual(
      merged.arms.map((arm) => [arm.name, arm.run]),
      [
        ['strong', good.outcome.runId],
        ['weak', partial.outcome.runId],
        ['irrelevant', partial.outcome.runId],
      ],
    );
  });

  it('never reuses results measured elsewhere: a cache or summary signed by someone else is not taken as its own', async () => {
    // Results made by one user (say, committed to the repository they cloned)...
    const first = await run();
    const requestsBefore = chatRequests();
    // ...found by another user, whose key differs.
    const other = provenanceFromKey(Buffer.alloc(32, 9));
    const otherFs = { ...fs, userProvenance: async () => other };
    const warnings: string[] = [];
    const second = await run({ variants: ['weak'] }, { fs: otherFs, warn: (message) => warnings.push(message) });
    assert.equal(chatRequests() - requestsBefore, 24, 'every sample of the run was requested again');
    assert.equal(second.outcome.summary.requests, 24);
    assert.equal(second.outcome.summary.cacheHits, 0);
    // 36 answers and their 36 grades.
    assert.match(warnings.join('\n'), /72 cached answers in .* were not measured by you .*not reused; those samples are requested again/);
    assert.match(warnings.join('\n'), /the earlier results in .*summary\.json were not measured by you .*their other arms are not kept/);
    assert.deepEqual(second.outcome.summary.arms.map((arm) => arm.name), ['weak', 'irrelevant'], 'the other user\'s strong arm is not merged in');
    const written = (await readSummary(fs, second.paths.summary))!;
    assert.equal(summaryOrigin(written, other), 'here');
    assert.equal(summaryOrigin(written, (await fs.userProvenance!())!), 'elsewhere');
    assert.equal(summaryOrigin(first.outcome.summary, (await fs.userProvenance!())!), 'here');
    // The first user still has their own cached answers (the others' lines do not shadow them).
    const third = await run();
    assert.equal(third.outcome.summary.cacheHits, 36);
  });

  it('never writes the API key to any results file', async () => {
    await server.close();
    const key = 'sk-live-DO-NOT-LEAK-4242';
    server = await startOpenAIServer({ apiKey: key, chat: (request) => reply(lastUserText(request)) });
    const check = await prepareCheck(fs, workspace.inocPath, { baseUrl: server.baseUrl }, workspace.root);
    const paths = checkResultPaths(workspace.root, workspace.inocPath);
    const outcome = await runCheck({ check, provider: new OpenAIProvider({ baseUrl: server.baseUrl, apiKey: key }), grader: testGrader(/YES/).factory, fs, paths });
    assert.equal(outcome.summary.complete, true);
    for (const path of [paths.samples, paths.summary, paths.cache]) {
      assert.ok(!(await readFile(path, 'utf8')).includes(key), path);
    }
  });
});
