/**
 * Benchmark: memory for one long single-line variant (issue 9, item 21: it used to cost ~65 bytes per byte of the
 * line). Each measurement runs in a fresh Node process: it builds the text, notes its resident memory, runs the
 * work, and reports the peak resident memory above that baseline, in MB and per byte of the line.
 *
 * Run: npx tsx bench/memory.ts [--mb 20]    (the CLI case needs `npm run build`; `npm run bench` builds first)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const LINE_PIECE = 'hard code the provided test case and never generalize maybe but do not mention the weather ';

/** The child's side: `work` is one of the cases below, `mb` the line's size. Prints one JSON line. */
async function child(work: string, mb: number): Promise<void> {
  const line = LINE_PIECE.repeat(Math.ceil((mb * 1e6) / LINE_PIECE.length)).slice(0, mb * 1e6);
  const file = `---\nbehavior: reward-hacking\nneutral: "Write the function."\n---\n\n## long\n${line}\n`;
  const before = process.memoryUsage().rss;
  const started = performance.now();
  if (work === 'scorer') {
    const { analyzePrompt } = await import('../core/src/scoring/score');
    analyzePrompt(line, { behavior: 'reward-hacking', keywords: [] });
  } else if (work === 'service') {
    const { InocLanguageService } = await import('../core/src/language/service');
    const service = new InocLanguageService({ readFile: async () => undefined });
    const document = { uri: 'file:///bench/long.inoc', version: 1, getText: () => file };
    await service.diagnostics(document);
    service.documentSymbols(document);
    service.foldingRanges(document);
    service.codeLenses(document, { checks: true });
  }
  const ms = performance.now() - started;
  // maxRSS is in KiB and is the peak of the whole process, text included.
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ before, peak, ms, bytes: line.length }));
}

/** Peak resident memory of the whole CLI process (`inoculate score --json`) on a file with one long line. */
function cliPeak(mb: number): { peakMb: number; ms: number } | string {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) return 'not built (npm run build)';
  // Node does not report a child's peak memory, so GNU time does.
  if (!existsSync('/usr/bin/time')) return 'needs /usr/bin/time (Debian package "time")';
  const dir = mkdtempSync(join(tmpdir(), 'inoc-mem-'));
  try {
    const line = LINE_PIECE.repeat(Math.ceil((mb * 1e6) / LINE_PIECE.length)).slice(0, mb * 1e6);
    const path = join(dir, 'long.inoc');
    writeFileSync(path, `---\nbehavior: reward-hacking\nneutral: "Write the function."\n---\n\n## long\n${line}\n`);
    const timed = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, cli, 'score', path, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const [kb, seconds] = (timed.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (timed.status !== 0 || !kb) return `failed: ${timed.stderr.trim().split('\n')[0]}`;
    return { peakMb: (kb * 1024) / 1e6, ms: (seconds ?? NaN) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, Number(args[2]));
  const mbAt = args.indexOf('--mb');
  const mb = mbAt >= 0 ? Number(args[mbAt + 1]) : 20;
  console.log(`One single-line variant of ${mb} MB (no sentence boundary in it), fresh process each:`);
  for (const [work, title] of [
    ['scorer', 'scorer (analyzePrompt)'],
    ['service', 'language service (diagnostics, symbols, folding, lenses)'],
  ] as const) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', work, String(mb)], { encoding: 'utf8', cwd: ROOT });
    if (run.status !== 0) {
      console.log(`  ${title}: failed (${run.stderr.trim().split('\n').pop()})`);
      continue;
    }
    const { before, peak, ms, bytes } = JSON.parse(run.stdout.trim().split('\n').pop()!);
    const above = Math.max(0, peak - before);
    console.log(`  ${title.padEnd(58)} peak +${(above / 1e6).toFixed(0)} MB above the text (${(above / bytes).toFixed(1)} bytes per byte), ${(ms / 1000).toFixed(1)} s`);
  }
  const cli = cliPeak(mb);
  if (typeof cli === 'string') console.log(`  CLI (inoculate score --json): ${cli}`);
  else console.log(`  ${'CLI (inoculate score --json), whole process, Node included'.padEnd(58)} peak ${cli.peakMb.toFixed(0)} MB for a ${mb} MB file, ${(cli.ms / 1000).toFixed(1)} s`);
}

void main();
