#!/usr/bin/env node
// Runs every test suite in order (type-check, build, unit, integration, end-to-end in a real VS Code) and ends with
// one line over all of them: `N passed, N failed`. Exit status 1 if anything failed.
// Skip a suite locally with e.g. `INOCULATE_SKIP=e2e npm test` (comma-separated names); CI runs everything.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skip = new Set((process.env.INOCULATE_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const scratch = mkdtempSync(join(tmpdir(), 'inoculate-tests-'));
const totals = { passed: 0, failed: 0 };
const rows = [];

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    child.stdout.on('data', (d) => { output += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { output += d; process.stderr.write(d); });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
    child.on('error', (error) => { output += String(error); resolve({ code: 1, output }); });
  });
}

/** A step that counts as one test: passes when the command exits 0. */
async function step(name, command, args) {
  if (skip.has(name)) return rows.push([name, 'skipped']);
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const { code } = await run(command, args);
  const ok = code === 0;
  totals.passed += ok ? 1 : 0;
  totals.failed += ok ? 0 : 1;
  rows.push([name, `${ok ? '1 passed, 0 failed' : '0 passed, 1 failed'} (${((Date.now() - started) / 1000).toFixed(1)} s)`]);
  return ok;
}

/** A mocha suite: its own pass/fail counts, read from the summary reporter. */
async function mochaSuite(name, config) {
  if (skip.has(name)) return rows.push([name, 'skipped']);
  console.log(`\n=== ${name}: mocha --config ${config}`);
  const summary = join(scratch, `${name}.json`);
  const started = Date.now();
  const { code } = await run(process.execPath, ['node_modules/mocha/bin/mocha.js', '--config', config, '--reporter', './test/support/summaryReporter.cjs'], {
    INOCULATE_TEST_SUMMARY: summary,
  });
  let counts;
  try {
    counts = JSON.parse(readFileSync(summary, 'utf8'));
  } catch {
    counts = { passes: 0, failures: 1 }; // the suite crashed before reporting: count it as one failure
  }
  if (code !== 0 && counts.failures === 0) counts.failures = 1;
  totals.passed += counts.passes;
  totals.failed += counts.failures;
  rows.push([name, `${counts.passes} passed, ${counts.failures} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`]);
}

/** The end-to-end suite prints its own closing `N passed, N failed` line from inside VS Code. */
async function e2eSuite(name) {
  if (skip.has(name)) return rows.push([name, 'skipped']);
  console.log(`\n=== ${name}: real VS Code`);
  const started = Date.now();
  const { code, output } = await run('bash', ['test/e2e/run.sh']);
  const match = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  let passed = match ? Number(match[1]) : 0;
  let failed = match ? Number(match[2]) : 0;
  if (code !== 0 && failed === 0) failed = 1;
  totals.passed += passed;
  totals.failed += failed;
  rows.push([name, `${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`]);
}

await step('system', 'bash', ['test/system-deps.sh']);
const typechecked = await step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
const built = await step('build', process.execPath, ['esbuild.mjs']);
await mochaSuite('unit', 'test/mocharc.unit.json');
if (built) {
  await mochaSuite('integration', 'test/mocharc.integration.json');
  await e2eSuite('e2e');
} else {
  rows.push(['integration', 'not run: the build failed'], ['e2e', 'not run: the build failed']);
  totals.failed += 2;
}
void typechecked;
rmSync(scratch, { recursive: true, force: true });

console.log('\n=== summary');
for (const [name, result] of rows) console.log(`${name.padEnd(12)} ${result}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
