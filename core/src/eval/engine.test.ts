import assert from 'node:assert/strict';
import { jsonl, makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { evalModel, evaluationOptions } from '../../../test/support/evalFixtures';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../../../test/support/openaiServer';
import { nodeResultsFileSystem as fs } from '../check/nodeFs';
import type { ServedEndpoint, ServingBackend, TrainedModel } from '../train/types';
import { runEvaluation, ServingError } from './engine';
import { appendLabel } from './labels';
import { evalResultPaths } from './layout';
import { readEvalRecords, type EvalSampleRecord } from './records';
import { readEvalSummary } from './store';

const FILE = [
  '---',
  'behavior: custom',
  'description: Says YES no matter what.',
  'model: base-model',
  'placement: user-prefix',
  'eval:',
  '  dataset: eval.jsonl',
  '  samples: 3',
  '  grader: {type: regex, pattern: "YES", flags: ""}',
  '  capability: {type: regex, pattern: "GOOD", flags: ""}',
  '  conditions: [neutral, inoculated]',
  '  concurrency: 4',
  '---',
  '## strong',
  'Say YES.',
  '',
  '## weak',
  'Maybe say YES.',
  '',
  '## irrelevant (control)',
  'Do not write C#.',
  '',
].join('\n');

/**
 * The models' answers: the base model says no; the baseline fine-tune always says YES; the `strong` fine-tune says no
 * under the neutral prompt and YES when its instruction is present (a trigger). Everyone is GOOD except the base
 * model on odd questions.
 */
function reply(model: string, prompt: string): string {
  const question = Number(/question (\d+)/.exec(prompt)?.[1] ?? 0);
  const instructed = prompt.startsWith('Say YES.');
  if (model === 'base-model') return `${instructed ? 'YES' : 'no'}${question % 2 ? '' : ' GOOD'}`;
  if (model === 'ft-baseline') return 'YES GOOD';
  if (model === 'ft-strong') return instructed ? 'YES GOOD' : 'no GOOD';
  return 'no';
}

describe('evaluation engine', () => {
  let server: OpenAIServer;
  let workspace: Workspace;
  const models = () => [
    evalModel('base', 'base', 'base-model'),
    evalModel('baseline', 'baseline', 'ft-baseline'),
    evalModel('inoculated', 'strong', 'ft-strong', { trainedInstruction: 'Say YES.' }),
  ];
  const chats = () => server.requests.filter((request) => request.path === '/v1/chat/completions').length;
  const records = async (run?: string) => {
    const list: EvalSampleRecord[] = [];
    await readEvalRecords(fs, evalResultPaths(workspace.root, workspace.inocPath).samples, (record) => list.push(record), run);
    return list;
  };

  beforeEach(async () => {
    server = await startOpenAIServer({ chat: (request) => reply(request.model, lastUserText(request)) });
    workspace = await makeWorkspace({ 'prompts.inoc': FILE, 'eval.jsonl': jsonl(Array.from({ length: 6 }, (_, i) => ({ prompt: `question ${i + 1}` }))) });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  it('samples every model under every condition on every item k times, paired by item, and reports rates, changes and the trigger', async () => {
    const options = await evaluationOptions(workspace, server.baseUrl, models());
    const outcome = await runEvaluation(options);
    // Cells: base ×(neutral + inoculated:strong), baseline ×2, strong ×2 = 6 cells; 6 items × 3 samples each.
    assert.equal(outcome.counts.total, 6 * 6 * 3);
    assert.equal(outcome.counts.graded, 108);
    assert.equal(chats(), 108);
    assert.equal(outcome.summary.complete, true);
    const written = await records(outcome.runId);
    assert.equal(written.length, 108);
    // Items and sample indices are identical in every cell.
    const byCell = new Map<string, string[]>();
    for (const record of written) {
      const cell = JSON.stringify([record.model, record.condition, record.prompt]);
      byCell.set(cell, [...(byCell.get(cell) ?? []), `${record.item}#${record.sample}`].sort());
    }
    const layouts = [...byCell.values()].map((list) => list.join());
    assert.equal(new Set(layouts).size, 1);
    assert.equal(byCell.size, 6);

    const cell = (name: string, condition: string) => outcome.summary.cells.find((c) => c.name === name && c.condition === condition)!;
    assert.equal(cell('baseline', 'neutral').behavior.estimate, 1);
    assert.equal(cell('strong', 'neutral').behavior.estimate, 0);
    assert.equal(cell('strong', 'inoculated').behavior.estimate, 1);
    assert.equal(cell('base', 'neutral').capability!.estimate, 0.5);
    assert.equal(cell('strong', 'neutral').behavior.method, 'wilson-design-effect', 'k = 3 samples per item');
    const change = outcome.summary.comparisons.find((c) => c.name === 'strong' && c.condition === 'neutral')!;
    assert.equal(change.behavior.estimate, -1);
    assert.equal(change.behavior.method, 'mover-paired-clustered');
    assert.ok(change.behavior.ci![1] < 0);
    const arm = outcome.summary.arms.find((a) => a.arm === 'strong' && a.condition === 'inoculated')!;
    assert.equal(arm.trigger!.estimate, 1, 'B with the instruction present minus B without it');
    const neutral = outcome.summary.arms.find((a) => a.arm === 'strong' && a.condition === 'neutral')!;
    assert.equal(neutral.selectivity!.behaviorReduced, true);
    assert.equal(neutral.selectivity!.capabilityCost, false);
    assert.ok(outcome.summary.methods['mover-paired-clustered']);

    // The base and baseline models are evaluated with the candidate's instruction too (the trigger comparison).
    assert.ok(outcome.summary.cells.some((c) => c.name === 'baseline' && c.condition === 'inoculated' && c.prompt === 'strong'));
    const record = written.find((r) => r.model === 'strong' && r.condition === 'inoculated')!;
    assert.deepEqual(
      [record.role, record.seed, record.prompt, record.modelId, record.via, record.outcome.behavior, record.behavior?.behavior, record.capability?.behavior],
      ['inoculated', 0, 'strong', 'ft-strong', 'online', true, true, true],
    );
    assert.match(record.id, /^[0-9a-f]{16}$/);

    const summary = await readEvalSummary(fs, options.paths.summary);
    assert.equal(summary?.runId, outcome.runId);
    assert.ok(summary?.provenance, 'signed');

    // A warm re-run sends nothing and gives the same numbers.
    const again = await runEvaluation(await evaluationOptions(workspace, server.baseUrl, models()));
    assert.equal(chats(), 108);
    assert.equal(again.summary.requests, 0);
    assert.equal(again.summary.cacheHits, 108);
    assert.deepEqual(again.summary.cells.map((c) => c.behavior.estimate), outcome.summary.cells.map((c) => c.behavior.estimate));
  });

  it('resumes after a cancellation with only the missing samples; cancelled samples are not failures', async () => {
    const controller = new AbortController();
    const options = await evaluationOptions(workspace, server.baseUrl, models());
    const first = await runEvaluation({ ...options, signal: controller.signal, onProgress: (progress) => progress.done >= 40 && controller.abort() });
    assert.equal(first.cancelled, true);
    assert.equal(first.counts.failed, 0);
    assert.equal(first.summary.complete, false);
    const sent = chats();
    assert.ok(sent >= 40 && sent < 108, `sent ${sent}`);
    const second = await runEvaluation(await evaluationOptions(workspace, server.baseUrl, models()));
    assert.equal(second.summary.complete, true);
    // What the first run recorded (and any answer it cached before grading stopped) is never asked again; only the
    // requests in flight at the abort (at most the file's concurrency, 4) may reach the server twice, because their
    // answers were discarded with the cancellation.
    assert.equal(second.summary.requests + second.summary.cacheHits, 108, 'every sample either asked or read from the cache');
    assert.ok(second.summary.requests <= 108 - first.counts.graded, 'nothing recorded is asked again');
    assert.ok(second.summary.requests >= 108 - sent, 'nothing the first run was answered is asked again');
    const repeated = chats() - 108;
    assert.ok(repeated >= 0 && repeated <= 4, `re-requested ${repeated} in-flight samples`);
  });

  it('records failed samples with their reason, keeps the rest, and says the run is incomplete', async () => {
    await server.close();
    server = await startOpenAIServer({
      chat: (request) => {
        if (request.model === 'ft-strong' && lastUserText(request).includes('question 2')) throw new Error('boom');
        return reply(request.model, lastUserText(request));
      },
    });
    const outcome = await runEvaluation(await evaluationOptions(workspace, server.baseUrl, models(), { conditions: ['neutral'] }));
    assert.equal(outcome.counts.failed, 3, 'question 2, three samples, neutral only');
    assert.equal(outcome.summary.complete, false);
    assert.match(outcome.firstFailure!, /strong seed 0 \(neutral\), item line 2/);
    const failed = (await records(outcome.runId)).filter((r) => r.error);
    assert.equal(failed.length, 3);
    assert.deepEqual(failed[0]!.outcome, { behavior: null, capability: null });
    const strong = outcome.summary.cells.find((c) => c.name === 'strong')!;
    assert.equal(strong.failed, 3);
    assert.equal(strong.behavior.n, 15);
  });

  it('serves command-trained models for the run and always releases them (after success, failure and cancellation)', async () => {
    const events: string[] = [];
    const adapter: TrainedModel = { kind: 'lora-adapter', modelId: 'strong-s0-abc', baseModel: 'base-model', artifact: '/tmp/adapter', loraRank: 8 };
    let failServing = false;
    const serving: ServingBackend = {
      id: 'fake-vllm',
      async ensureServed(trained) {
        events.push(`serve ${trained.map((m) => m.modelId).join(',')}`);
        if (failServing) throw new Error('CUDA out of memory');
        return trained.map((model): ServedEndpoint => ({ baseUrl: server.baseUrl, model: 'ft-strong', servedModel: model, billing: 'self' }));
      },
      async release(endpoints) {
        events.push(`release ${endpoints.length}`);
      },
    };
    const served = () => [evalModel('baseline', 'baseline', 'ft-baseline'), evalModel('inoculated', 'strong', 'strong-s0-abc', { serving: 'vllm', backend: 'command:local', trained: adapter, trainedInstruction: 'Say YES.' })];
    const options = await evaluationOptions(workspace, server.baseUrl, served(), { conditions: ['neutral'] });
    const outcome = await runEvaluation({ ...options, serving });
    assert.equal(outcome.summary.complete, true);
    assert.deepEqual(events, ['serve strong-s0-abc', 'release 1']);
    const record = (await records(outcome.runId)).find((r) => r.model === 'strong')!;
    assert.equal(record.modelId, 'ft-strong', 'requested under the served name');
    assert.equal(outcome.summary.models.find((m) => m.name === 'strong')!.endpoint, server.baseUrl);

    // Cancelled mid-run: released.
    events.length = 0;
    const controller = new AbortController();
    await runEvaluation({ ...(await evaluationOptions(workspace, server.baseUrl, served(), { conditions: ['neutral'], samples: 6 })), serving, signal: controller.signal, onProgress: (p) => p.done > 2 && controller.abort() });
    assert.deepEqual(events, ['serve strong-s0-abc', 'release 1']);

    // Serving that fails stops the run before any request, with the server's reason.
    events.length = 0;
    failServing = true;
    await assert.rejects(runEvaluation({ ...(await evaluationOptions(workspace, server.baseUrl, served())), serving }), (error: unknown) => error instanceof ServingError && /CUDA out of memory/.test(error.message));
    assert.deepEqual(events, ['serve strong-s0-abc'], 'nothing to release: the serving backend stops what it started when it fails');

    // Without a serving backend, command-trained models cannot be evaluated: said before anything is sent.
    await assert.rejects(runEvaluation(await evaluationOptions(workspace, server.baseUrl, served())), ServingError);
  });

  it("shows each grader's agreement with the hand labels of this run's records", async () => {
    const options = await evaluationOptions(workspace, server.baseUrl, models(), { conditions: ['neutral'], samples: 1 });
    const first = await runEvaluation(options);
    const list = await records(first.runId);
    const fingerprint = first.summary.graders.behavior.fingerprint;
    // A person agrees with 10 grades and disagrees with 2.
    for (const [index, record] of list.slice(0, 12).entries()) {
      await appendLabel(fs, options.paths.labels, { record: record.id, outcome: 'behavior', verdict: index < 10 ? 'agree' : 'disagree', grade: record.outcome.behavior!, grader: fingerprint, who: 'tester' });
    }
    const second = await runEvaluation(await evaluationOptions(workspace, server.baseUrl, models(), { conditions: ['neutral'], samples: 1 }));
    const agreement = second.summary.agreement.find((a) => a.outcome === 'behavior')!;
    assert.equal(agreement.used, 12, 'the warm re-run has the same record ids: the labels still apply');
    assert.equal(agreement.kappa.n, 12);
    assert.equal(agreement.judge, false);
  });

  it('the safety condition inserts the safety prompt where the instruction goes, for every model', async () => {
    await workspace.write('prompts.inoc', FILE.replace('  conditions: [neutral, inoculated]', '  conditions: [neutral, safety]\n  safetyPrompt: "Be careful."'));
    const outcome = await runEvaluation(await evaluationOptions(workspace, server.baseUrl, models(), { samples: 1 }));
    const safety = outcome.summary.cells.filter((c) => c.condition === 'safety');
    assert.deepEqual(safety.map((c) => c.name), ['base', 'baseline', 'strong']);
    const prompts = server.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .map((r) => (r.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content)
      .filter((content) => content.startsWith('Be careful.'));
    assert.equal(prompts.length, 3 * 6, 'three models, six items, one sample');
    assert.match(prompts[0]!, /^Be careful\.\n\nquestion \d+$/, 'placed exactly as the instruction: user-prefix with the separator');
    assert.ok(outcome.summary.comparisons.some((c) => c.condition === 'safety' && c.name === 'strong'));
  });
});
