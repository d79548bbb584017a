// `npm run bench`: every benchmark in turn. Each one prints its own table; see the README for the latest figures.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BENCHMARKS = [
  { name: 'scoring: predicted vs. labelled elicitation strength', file: 'scoring.ts' },
  { name: 'language service on large files', file: 'analysis.ts' },
  { name: 'memory: one long single-line variant (scorer, language service, CLI)', file: 'memory.ts' },
  { name: 'elicitation checks: engine vs. bare SDK loop vs. promptfoo', file: 'check.ts' },
  { name: 'evaluation statistics: interval coverage on simulated data', file: 'evalCoverage.ts' },
  { name: 'evaluation engine: 4 models × 2 conditions × 500 samples vs. a bare SDK loop', file: 'eval.ts' },
  { name: 'graders on model output: bounded regex, sycophancy on long runs', file: 'graders.ts' },
];

const build = spawnSync(process.execPath, [join(__dirname, '../esbuild.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// promptfoo, the comparison in bench/check.ts, lives in its own folder with its own lockfile (never a dependency).
if (!existsSync(join(__dirname, 'vendor/node_modules/.bin/promptfoo'))) {
  console.log('Installing the comparison tools into bench/vendor (once)...');
  spawnSync('npm', ['ci', '--prefix', join(__dirname, 'vendor'), '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
}
let failed = 0;
for (const bench of BENCHMARKS) {
  const path = join(__dirname, bench.file);
  console.log(`\n# ${bench.name} (bench/${bench.file})`);
  if (!existsSync(path)) {
    console.log('not present');
    continue;
  }
  const result = spawnSync(process.execPath, ['--import', 'tsx', path, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
