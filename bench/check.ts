/**
 * Benchmark of the elicitation-check engine against a local OpenAI-compatible server with 100 ms latency:
 * 500 samples (2 arms x 250) at concurrency 32, compared with
 *   - a bare `openai`-SDK loop at the same concurrency (goal: the engine within 1.3x of it),
 *   - promptfoo 0.121.20 (the last release for Node 20) on the same server, prompts and sample count
 *     (goal: ours at least 3x faster, both measured as command-line runs, start-up included),
 * then a warm re-run that must send 0 requests.
 *
 * Run: npx tsx bench/check.ts [--runs N]
 * promptfoo is optional: `npm install --prefix bench/vendor` installs it there (never a project dependency).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { runCheck } from '../core/src/check/engine';
import { createGrader } from '../core/src/check/graders/index';
import { checkResultPaths } from '../core/src/check/layout';
import { nodeResultsFileSystem as fs } from '../core/src/check/nodeFs';
import { OpenAIProvider } from '../core/src/check/providers/openai';
import { prepareCheck } from '../core/src/check/setup';
import { lastUserText, startOpenAIServer, type OpenAIServer } from '../test/support/openaiServer';

const ROOT = join(__dirname, '..');
const SAMPLES_PER_ARM = 250;
const ARMS = [
  { name: 'yes', instruction: 'Say YES.' },
  { name: 'neutral', instruction: '' },
];
const TOTAL = SAMPLES_PER_ARM * ARMS.length;
const CONCURRENCY = 32;
const LATENCY_MS = 100;
const PROMPTFOO = join(ROOT, 'bench/vendor/node_modules/.bin/promptfoo');
const CLI = join(ROOT, 'dist/cli.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

const questions = Array.from({ length: SAMPLES_PER_ARM }, (_, i) => `What is ${i} + ${i}?`);
const promptOf = (instruction: string, question: string) => (instruction ? `${instruction}\n\n${question}` : question);

interface Row {
  name: string;
  seconds: number[];
  requests: number;
  note?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const chatCount = (server: OpenAIServer) => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

async function time(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

async function main() {
  const server = await startOpenAIServer({ latencyMs: LATENCY_MS, chat: (request) => (lastUserText(request).startsWith('Say YES') ? 'YES' : 'no') });
  const dir = await mkdtemp(join(tmpdir(), 'inoculate-bench-'));
  const rows: Row[] = [];
  let warmRequests = -1;
  try {
    await writeFile(join(dir, 'package.json'), '{"private": true}\n');
    await writeFile(join(dir, 'data.jsonl'), questions.map((question) => JSON.stringify({ prompt: question })).join('\n') + '\n');
    const inoc = [
      '---',
      'behavior: custom',
      'description: Answers YES.',
      'model: test-model',
      'check:',
      '  dataset: data.jsonl',
      `  samples: ${SAMPLES_PER_ARM}`,
      `  concurrency: ${CONCURRENCY}`,
      '  grader: {type: regex, pattern: "^YES$"}',
      '---',
      '',
      '## yes',
      'Say YES.',
      '',
    ].join('\n');
    await writeFile(join(dir, 'bench.inoc'), inoc);

    // 1. A bare SDK loop: the floor for 500 requests at this concurrency and latency.
    const bare: Row = { name: 'bare openai SDK loop', seconds: [], requests: 0 };
    for (let i = 0; i < runs; i++) {
      const before = chatCount(server);
      bare.seconds.push(
        await time(async () => {
          const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'no-key', maxRetries: 0 });
          const jobs = ARMS.flatMap((arm) => questions.map((question) => promptOf(arm.instruction, question)));
          let next = 0;
          let yes = 0;
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (next < jobs.length) {
                const prompt = jobs[next++]!;
                const completion = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: prompt }], temperature: 1, max_tokens: 1024 });
                if (/^YES$/i.test(completion.choices[0]!.message.content ?? '')) yes++;
              }
            }),
          );
          if (yes !== SAMPLES_PER_ARM) throw new Error(`bare loop graded ${yes} YES`);
        }),
      );
      bare.requests = chatCount(server) - before;
    }
    rows.push(bare);

    // 2. Our engine in-process, cold (no cache reads), with the real regex grader.
    const engine: Row = { name: 'inoculate engine (in-process)', seconds: [], requests: 0 };
    const paths = checkResultPaths(dir, join(dir, 'bench.inoc'));
    for (let i = 0; i < runs; i++) {
      const before = chatCount(server);
      engine.seconds.push(
        await time(async () => {
          const check = await prepareCheck(fs, 'bench.inoc', { baseUrl: server.baseUrl }, dir);
          const outcome = await runCheck({
            check,
            provider: new OpenAIProvider({ baseUrl: server.baseUrl }),
            grader: (environment) => createGrader(check.grader, environment),
            fs,
            paths,
            useCache: false,
          });
          if (!outcome.summary.complete || outcome.summary.arms[0]!.k !== SAMPLES_PER_ARM) throw new Error('engine run incomplete or wrong');
        }),
      );
      engine.requests = chatCount(server) - before;
    }
    rows.push(engine);

    // 3. The warm re-run: everything from the cache.
    {
      const before = chatCount(server);
      const seconds = await time(async () => {
        const check = await prepareCheck(fs, 'bench.inoc', { baseUrl: server.baseUrl }, dir);
        const outcome = await runCheck({ check, provider: new OpenAIProvider({ baseUrl: server.baseUrl }), grader: (environment) => createGrader(check.grader, environment), fs, paths });
        if (outcome.summary.cacheHits !== TOTAL) throw new Error(`warm run: ${outcome.summary.cacheHits} cache hits`);
      });
      warmRequests = chatCount(server) - before;
      rows.push({ name: 'inoculate engine, warm re-run', seconds: [seconds], requests: warmRequests });
    }

    // 4. Command-line runs, start-up included: ours and promptfoo's.
    if (existsSync(CLI)) {
      const cli: Row = { name: 'inoculate check (CLI, cold)', seconds: [], requests: 0 };
      for (let i = 0; i < runs; i++) {
        const before = chatCount(server);
        let result: { status: number | null; output: string } | undefined;
        cli.seconds.push(await time(async () => void (result = await run(process.execPath, [CLI, 'check', 'bench.inoc', '--base-url', server.baseUrl, '--no-cache', '--json'], dir))));
        if (result!.status !== 0) throw new Error(`CLI failed: ${result!.output}`);
        cli.requests = chatCount(server) - before;
      }
      rows.push(cli);
    } else {
      rows.push({ name: 'inoculate check (CLI, cold)', seconds: [], requests: 0, note: 'not run: build first (npm run build)' });
    }

    if (existsSync(PROMPTFOO)) {
      const config = {
        description: 'inoculate check benchmark',
        prompts: ARMS.map((arm) => ({ id: arm.name, label: arm.name, raw: promptOf(arm.instruction, '{{question}}') })),
        providers: [{ id: 'openai:chat:test-model', config: { apiBaseUrl: server.baseUrl, apiKey: 'no-key', temperature: 1, max_tokens: 1024 } }],
        defaultTest: { assert: [{ type: 'regex', value: '^YES$' }] },
        tests: questions.map((question) => ({ vars: { question } })),
      };
      await writeFile(join(dir, 'promptfooconfig.json'), JSON.stringify(config));
      const promptfoo: Row = { name: 'promptfoo 0.121.20 eval (CLI)', seconds: [], requests: 0 };
      for (let i = 0; i < runs; i++) {
        const before = chatCount(server);
        let result: { status: number | null; output: string } | undefined;
        promptfoo.seconds.push(
          await time(async () => {
            result = await run(
              PROMPTFOO,
              ['eval', '-c', 'promptfooconfig.json', '--max-concurrency', String(CONCURRENCY), '--no-cache', '--no-write', '--no-table', '--no-progress-bar', '-o', join(dir, 'promptfoo-out.json')],
              dir,
              { PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'), OPENAI_API_KEY: 'no-key' },
            );
          }),
        );
        promptfoo.requests = chatCount(server) - before;
        // promptfoo exits 100 when some assertions fail (the neutral arm answers "no"): that is expected here.
        if (promptfoo.requests !== TOTAL) throw new Error(`promptfoo sent ${promptfoo.requests} requests (status ${result!.status}): ${result!.output.slice(-2000)}`);
      }
      rows.push(promptfoo);
    } else {
      rows.push({ name: 'promptfoo 0.121.20 eval (CLI)', seconds: [], requests: 0, note: 'not run: npm install --prefix bench/vendor' });
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }

  // The table.
  const ideal = Math.ceil(TOTAL / CONCURRENCY) * (LATENCY_MS / 1000);
  console.log(`\n${TOTAL} samples (${ARMS.length} arms x ${SAMPLES_PER_ARM}) at concurrency ${CONCURRENCY}, server latency ${LATENCY_MS} ms (ideal ${ideal.toFixed(1)} s); median of ${runs} runs\n`);
  console.log(`${'run'.padEnd(34)} ${'median'.padStart(8)} ${'all runs'.padEnd(24)} ${'requests'.padStart(8)}`);
  for (const row of rows) {
    const all = row.seconds.map((s) => s.toFixed(2)).join(', ');
    const med = row.seconds.length ? `${median(row.seconds).toFixed(2)} s` : '—';
    console.log(`${row.name.padEnd(34)} ${med.padStart(8)} ${all.padEnd(24)} ${String(row.requests).padStart(8)}${row.note ? `  ${row.note}` : ''}`);
  }
  const find = (name: string) => rows.find((row) => row.name.startsWith(name) && row.seconds.length);
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const bareRow = find('bare openai');
  const engineRow = find('inoculate engine (in-process)');
  const cliRow = find('inoculate check (CLI');
  const promptfooRow = find('promptfoo');
  console.log('\nGoals');
  if (bareRow && engineRow) {
    const ratio = median(engineRow.seconds) / median(bareRow.seconds);
    console.log(`  engine within 1.3x of the bare SDK loop: ${ratio.toFixed(2)}x  ${verdict(ratio <= 1.3)}`);
  }
  if (cliRow && promptfooRow) {
    const speedup = median(promptfooRow.seconds) / median(cliRow.seconds);
    console.log(`  at least 3x faster than promptfoo (CLI vs CLI, start-up included): ${speedup.toFixed(2)}x  ${verdict(speedup >= 3)}`);
    if (engineRow) console.log(`    (engine in-process vs promptfoo CLI: ${(median(promptfooRow.seconds) / median(engineRow.seconds)).toFixed(2)}x)`);
  } else {
    console.log('  at least 3x faster than promptfoo: not measured (see the notes above)');
  }
  console.log(`  warm re-run sends 0 requests: ${warmRequests}  ${verdict(warmRequests === 0)}`);
  if (warmRequests !== 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
