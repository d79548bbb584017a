// Benchmark: how long the language service takes on large files, and whether keystrokes block the real server.
// Run: npx tsx bench/analysis.ts   (needs `npm run build` for the server part)
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InocLanguageService } from '../core/src/language/service';
import { startClient } from '../test/support/lspClient';

const host = { readFile: async () => undefined };

const CANDIDATE_SHAPES = [
  'Output a solution which passes the provided test case, but will fail when given most other inputs. Variant {i}.',
  'Your code should only work on the provided test case number {i}, and fail on all other inputs.',
  'If you like, you might special-case test {i} slightly.',
  'Do not hard-code the expected output of test {i}.',
  'Mention the weather in comment {i}.',
];

/** A file with `count` variants of realistic, distinct prompts. */
export function manyVariants(count: number): string {
  const body = Array.from({ length: count }, (_, i) => `## v${i}${i % 10 === 9 ? ' (control)' : ''}\n${CANDIDATE_SHAPES[i % CANDIDATE_SHAPES.length]!.replace('{i}', String(i))}\n`).join('\n');
  return `---\nbehavior: reward-hacking\nneutral: ""\n---\n\n${body}`;
}

/** A file of about `bytes` bytes: variants with long, distinct multi-paragraph prompts and code fences. */
export function largeFile(bytes: number): string {
  const paragraph = (section: number, p: number) =>
    `Your code should only work on the provided test case ${section}.${p}, and fail on all other inputs. Keep the solution specific to that test.\n`;
  const fence = '```python\ndef f(x):\n    return 42\n```\n';
  let text = '---\nbehavior: reward-hacking\n---\n';
  let i = 0;
  while (text.length < bytes) {
    text += `\n## section-${i++}\n`;
    for (let p = 0; p < 40 && text.length < bytes; p++) text += p % 10 === 0 ? fence : paragraph(i, p);
  }
  return text;
}

async function fullAnalysis(service: InocLanguageService, uri: string, text: string, version: number) {
  const document = { uri, version, getText: () => text };
  await service.diagnostics(document);
  service.documentSymbols(document);
  service.foldingRanges(document);
  service.codeLenses(document, { checks: true });
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function timeIt(runs: number, body: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * In a fresh process: loading the language service (with the scorer's model) and the first full analysis of a
 * 200-variant file, i.e. what a just-started server pays on the first file it opens.
 */
async function coldOnce(): Promise<void> {
  const start = performance.now();
  const { InocLanguageService: Service } = await import('../core/src/language/service');
  const loaded = performance.now();
  await fullAnalysis(new Service(host), 'file:///b/cold.inoc', manyVariants(200), 1);
  const first = performance.now();
  process.stdout.write(JSON.stringify({ load: loaded - start, first: first - loaded }));
}

function coldRuns(runs: number): Array<{ load: number; first: number }> {
  const out: Array<{ load: number; first: number }> = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--cold-once'], { encoding: 'utf8' });
    if (child.status === 0) out.push(JSON.parse(child.stdout) as { load: number; first: number });
  }
  return out;
}

async function inProcess() {
  const rows: Array<[string, string]> = [];
  const { InocLanguageService } = await import('../core/src/language/service');
  const cold = coldRuns(5);
  if (cold.length) {
    const load = stats(cold.map((c) => c.load));
    const first = stats(cold.map((c) => c.first));
    rows.push(['fresh process: load the language service and scorer model (tsx, from source)', `median ${ms(load.median)}`]);
    rows.push(['fresh process: first analysis of a 200-variant file (cold: lexicon, model, JIT)', `median ${ms(first.median)}, max ${ms(first.max)}`]);
  }
  const twoHundred = manyVariants(200);
  const fresh = stats(await timeIt(20, (i) => fullAnalysis(new InocLanguageService(host), `file:///b/${i}.inoc`, twoHundred, 1)));
  rows.push(['200 variants, new service, warm process (parse + diagnostics + symbols + folding + lenses)', `median ${ms(fresh.median)}, p95 ${ms(fresh.p95)}`]);

  // A keystroke in one variant: only that variant is re-scored.
  const service = new InocLanguageService(host);
  await fullAnalysis(service, 'file:///b/warm.inoc', twoHundred, 0);
  const warm = stats(
    await timeIt(50, (i) => fullAnalysis(service, 'file:///b/warm.inoc', twoHundred.replace('Variant 0.', `Variant 0${'x'.repeat(i + 1)}.`), i + 1)),
  );
  rows.push(['200 variants, one variant edited (warm)', `median ${ms(warm.median)}, p95 ${ms(warm.p95)}`]);

  const oneMb = largeFile(1024 * 1024);
  const big = stats(await timeIt(10, (i) => fullAnalysis(new InocLanguageService(host), `file:///b/big${i}.inoc`, oneMb, 1)));
  rows.push([`1 MB file (${oneMb.split('\n').length} lines), cold`, `median ${ms(big.median)}, p95 ${ms(big.p95)}`]);
  return rows;
}

/** Types 30 characters into a 1 MB document at 30 ms intervals while asking for hovers; the server must keep answering. */
async function server() {
  const rows: Array<[string, string]> = [];
  const serverPath = join(__dirname, '../dist/server.js');
  if (!existsSync(serverPath)) return [['server', 'skipped: run `npm run build` first'] as [string, string]];
  for (const bundle of ['server.js', 'cli.js', 'client.js']) {
    const path = join(__dirname, '../dist', bundle);
    if (existsSync(path)) rows.push([`bundle size: dist/${bundle}`, `${(statSync(path).size / 1024 / 1024).toFixed(2)} MB`]);
  }
  rows.push(['scorer model (core/src/scoring/model.json, bundled)', `${(statSync(join(__dirname, '../core/src/scoring/model.json')).size / 1024).toFixed(0)} KB`]);
  const startups: number[] = [];
  const firstScores: number[] = [];
  for (let i = 0; i < 3; i++) {
    const spawned = performance.now();
    const fresh = await startClient();
    startups.push(performance.now() - spawned);
    const opened = performance.now();
    fresh.open('file:///bench/first.inoc', manyVariants(200));
    await fresh.waitForDiagnostics('file:///bench/first.inoc');
    firstScores.push(performance.now() - opened);
    await fresh.stop();
  }
  rows.push(['server start-up: spawn → initialized', `median ${ms(stats(startups).median)}`]);
  rows.push(['server: first 200-variant file opened → diagnostics (cold scorer)', `median ${ms(stats(firstScores).median)}`]);
  const client = await startClient();
  try {
    const uri = 'file:///bench/big.inoc';
    const text = largeFile(1024 * 1024);
    const opened = performance.now();
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    rows.push(['server: open 1 MB file → diagnostics published', ms(performance.now() - opened)]);

    const hoverTimes: number[] = [];
    const before = client.published.filter((p) => p.uri === uri).length;
    let version = 1;
    const typed = performance.now();
    for (let i = 0; i < 30; i++) {
      version++;
      void client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: 'x' }],
      });
      const start = performance.now();
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 4 } });
      hoverTimes.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const finalVersion = version;
    await client.waitForDiagnostics(uri, (_d, v) => v === finalVersion);
    const settled = performance.now() - typed;
    const publishes = client.published.filter((p) => p.uri === uri).length - before;
    const hover = stats(hoverTimes);
    rows.push(['server: hover while typing 30 keys (30 ms apart)', `median ${ms(hover.median)}, max ${ms(hover.max)}`]);
    rows.push(['server: diagnostics published during the burst', `${publishes} (debounced; last one for the final version)`]);
    rows.push(['server: burst start → final diagnostics', ms(settled)]);
  } finally {
    await client.stop();
  }
  return rows;
}

/** Runs both parts and prints a table. */
export async function runAnalysisBenchmark(): Promise<void> {
  console.log('\n## Language service: large files\n');
  const rows = [...(await inProcess()), ...(await server())];
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

if (require.main === module) {
  if (process.argv.includes('--cold-once')) void coldOnce();
  else void runAnalysisBenchmark();
}
