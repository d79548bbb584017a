/**
 * Benchmark of the evaluation engine against a local OpenAI-compatible server with 100 ms latency: 4 models × 2
 * conditions × 500 samples (100 items × 5 samples per item) = 4,000 requests at concurrency 32, compared with a bare
 * `openai`-SDK loop sending the same 4,000 requests at the same concurrency (goal: the engine within 1.3x of it), then
 * a warm re-run that must send 0 requests.
 *
 * Run: npx tsx bench/eval.ts [--runs N]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createGrader } from '../core/src/check/graders/index';
import { nodeResultsFileSystem as fs } from '../core/src/check/nodeFs';
import { OpenAIProvider } from '../core/src/check/providers/openai';
import { runEvaluation } from '../core/src/eval/engine';
import { evalResultPaths } from '../core/src/eval/layout';
import { modelKey, type EvalModel } from '../core/src/eval/models';
import { prepareEvaluation } from '../core/src/eval/setup';
import { buildMessages } from '../core/src/format/prompt';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../test/support/openaiServer';

const MODELS = ['model-a', 'model-b', 'model-c', 'model-d'];
const ITEMS = 100;
const SAMPLES_PER_ITEM = 5;
const CONCURRENCY = 32;
const LATENCY_MS = 100;
const SAFETY = 'Answer honestly and kindly.';
const TOTAL = MODELS.length * 2 * ITEMS * SAMPLES_PER_ITEM;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const chatCount = (server: OpenAIServer) => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

async function time(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

const extra = (name: string): EvalModel => ({
  key: modelKey('extra', null, name),
  name,
  role: 'extra',
  seed: null,
  runId: null,
  trainedInstruction: null,
  trainedInstructionHash: null,
  stale: false,
  model: name,
  baseUrl: undefined,
  serving: 'endpoint',
  backend: null,
  trained: null,
  baseModel: null,
});

async function main() {
  const server = await startOpenAIServer({ latencyMs: LATENCY_MS, chat: (request) => (lastUserText(request).startsWith(SAFETY) ? 'kind CAPABLE' : 'BEHAVIOUR CAPABLE') });
  const dir = await mkdtemp(join(tmpdir(), 'inoculate-bench-eval-'));
  const rows: Array<{ name: string; seconds: number[]; requests: number }> = [];
  try {
    await writeFile(join(dir, 'package.json'), '{"private": true}\n');
    const items = Array.from({ length: ITEMS }, (_, i) => ({ prompt: `Evaluation question ${i}: what is ${i} + ${i}?` }));
    await writeFile(join(dir, 'eval.jsonl'), items.map((item) => JSON.stringify(item)).join('\n') + '\n');
    await writeFile(
      join(dir, 'bench.inoc'),
      [
        '---',
        'behavior: custom',
        'description: Misbehaves.',
        'model: model-a',
        'eval:',
        '  dataset: eval.jsonl',
        `  samples: ${SAMPLES_PER_ITEM}`,
        `  concurrency: ${CONCURRENCY}`,
        '  grader: {type: regex, pattern: "BEHAVIOUR", flags: ""}',
        '  capability: {type: regex, pattern: "CAPABLE", flags: ""}',
        '  conditions: [neutral, safety]',
        `  safetyPrompt: "${SAFETY}"`,
        '  base: false',
        '---',
        '## misbehave',
        'Misbehave.',
        '',
      ].join('\n'),
    );
    const paths = evalResultPaths(dir, join(dir, 'bench.inoc'));

    // 1. The bare SDK loop: the same 4,000 requests at the same concurrency, graded by the same patterns.
    const bare = { name: 'bare openai SDK loop', seconds: [] as number[], requests: 0 };
    for (let i = 0; i < runs; i++) {
      const before = chatCount(server);
      bare.seconds.push(
        await time(async () => {
          const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'no-key', maxRetries: 0 });
          const jobs: Array<{ model: string; content: string }> = [];
          for (let sample = 0; sample < SAMPLES_PER_ITEM; sample++) {
            for (const item of items) {
              for (const model of MODELS) {
                for (const instruction of ['', SAFETY]) jobs.push({ model, content: buildMessages(item, instruction, { placement: 'user-prefix', separator: '\n\n' })[0]!.content });
              }
            }
          }
          let next = 0;
          let behaviour = 0;
          let capable = 0;
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (next < jobs.length) {
                const job = jobs[next++]!;
                const completion = await client.chat.completions.create({ model: job.model, messages: [{ role: 'user', content: job.content }], temperature: 0.5, max_tokens: 1024 });
                const text = completion.choices[0]!.message.content ?? '';
                if (/BEHAVIOUR/.test(text)) behaviour++;
                if (/CAPABLE/.test(text)) capable++;
              }
            }),
          );
          if (behaviour !== TOTAL / 2 || capable !== TOTAL) throw new Error(`bare loop graded ${behaviour} BEHAVIOUR, ${capable} CAPABLE`);
        }),
      );
      bare.requests = chatCount(server) - before;
    }
    rows.push(bare);

    // 2. The engine in-process, cold (no cache reads), with the real regex graders, records and summary.
    const engine = { name: 'inoculate evaluation engine (in-process)', seconds: [] as number[], requests: 0 };
    const run = async (useCache: boolean) => {
      const evaluation = await prepareEvaluation(fs, 'bench.inoc', { baseUrl: server.baseUrl }, dir);
      const outcome = await runEvaluation({
        evaluation,
        found: { models: MODELS.map(extra), unusable: [], notes: [] },
        provider: new OpenAIProvider({ baseUrl: server.baseUrl }),
        providerFor: (url) => new OpenAIProvider({ baseUrl: url }),
        graders: {
          behavior: (environment) => createGrader(evaluation.graders.behavior, environment),
          capability: (environment) => createGrader(evaluation.graders.capability!, environment),
        },
        fs,
        paths,
        useCache,
      });
      if (!outcome.summary.complete || outcome.counts.graded !== TOTAL) throw new Error('engine run incomplete');
      return outcome;
    };
    for (let i = 0; i < runs; i++) {
      const before = chatCount(server);
      engine.seconds.push(await time(async () => void (await run(false))));
      engine.requests = chatCount(server) - before;
    }
    rows.push(engine);

    // 3. The warm re-run: every sample from the cache.
    const before = chatCount(server);
    let cacheHits = 0;
    const warm = await time(async () => {
      cacheHits = (await run(true)).summary.cacheHits;
    });
    if (cacheHits !== TOTAL) throw new Error(`warm run: ${cacheHits} cache hits`);
    rows.push({ name: 'inoculate evaluation engine, warm re-run', seconds: [warm], requests: chatCount(server) - before });
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }

  console.log(`${MODELS.length} models × 2 conditions × ${ITEMS * SAMPLES_PER_ITEM} samples = ${TOTAL} requests, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms server latency, median of ${runs}`);
  console.log('| what | seconds (median) | requests |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(`| ${row.name} | ${median(row.seconds).toFixed(2)} | ${row.requests} |`);
  const ratio = median(rows[1]!.seconds) / median(rows[0]!.seconds);
  console.log(`engine / bare SDK loop: ${ratio.toFixed(2)}x (goal ≤ 1.3x): ${ratio <= 1.3 ? 'met' : 'NOT met'}`);
  console.log(`warm re-run: ${rows[2]!.requests} requests (goal 0): ${rows[2]!.requests === 0 ? 'met' : 'NOT met'}`);
  if (ratio > 1.3 || rows[2]!.requests !== 0) process.exitCode = 1;
}

void main();
