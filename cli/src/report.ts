/**
 * `inoculate report <file>`: the evaluation's results as a self-contained report to paste into a paper or a PR: HTML
 * with the charts as inline SVG, Markdown with the charts as SVG files beside it, or JSON. Judge agreement is
 * recomputed from the hand labels as they are now (labels added after the run count).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '../../core/src/check/layout';
import { nodeResultsFileSystem } from '../../core/src/check/nodeFs';
import { ResultsFileError } from '../../core/src/check/resultsFs';
import { labelledGraders } from '../../core/src/eval/engine';
import { evalJson } from '../../core/src/eval/json';
import { graderAgreement, readLabels } from '../../core/src/eval/labels';
import { evalResultPaths } from '../../core/src/eval/layout';
import { readEvalRecords, type EvalSampleRecord } from '../../core/src/eval/records';
import { renderHtmlReport } from '../../core/src/eval/report/html';
import { renderMarkdownReport } from '../../core/src/eval/report/markdown';
import { evalSummaryOrigin, readEvalSummary } from '../../core/src/eval/store';
import type { EvalSummary } from '../../core/src/eval/summary';
import { UsageError, type CliIO, type Command } from './io';
import { terminalJson, terminalText } from './terminalText';

const HELP = `Usage: inoculate report [options] <file.inoc>

Write the latest evaluation of the file (inoculate eval) as a report: HTML with the charts inline, Markdown with the
charts as SVG files beside it, or JSON. Judge agreement is recomputed from the hand labels as they are now.

Options:
  --format F          html (default), md or json
  --out PATH          Where to write it (default: .inoculate/evals/<file>/report.html or report.md; JSON: standard
                      output). '-' writes HTML or JSON to standard output.
  --results-dir DIR   Where results are (default: .inoculate/ in the workspace root)
  -h, --help          Show this help

Exit status: 0 written, 2 bad arguments, no evaluation results, or a file that cannot be written.
`;

type Format = 'html' | 'md' | 'json';

function parseOptions(args: string[]): { file: string; format: Format; out?: string; resultsDir?: string } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string' }, out: { type: 'string' }, 'results-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`${positionals.length ? 'give one .inoc file at a time' : 'which .inoc file? Give its path'}.`, HELP);
  const format = (values.format ?? 'html') as Format;
  if (!['html', 'md', 'json'].includes(format)) throw new UsageError(`--format must be html, md or json; got '${values.format}'.`);
  if (values.out === '-' && format === 'md') throw new UsageError('--format md writes SVG files beside the report: give --out a file path, not -.');
  return { file: positionals[0]!, format, out: values.out, resultsDir: values['results-dir'] };
}

/** The `report` command. */
export const reportCommand: Command = async (args: string[], io: CliIO) => {
  const options = parseOptions(args);
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const fs = nodeResultsFileSystem;
  const inocPath = resolve(io.cwd, options.file);
  const root = await findWorkspaceRoot(fs, inocPath, io.cwd);
  const paths = evalResultPaths(root, inocPath, options.resultsDir ? resolve(io.cwd, options.resultsDir) : undefined);
  let summary: EvalSummary | undefined;
  try {
    await fs.checkResultsPath(paths.trustedRoot, paths.summary);
    summary = await readEvalSummary(fs, paths.summary);
  } catch (error) {
    if (error instanceof ResultsFileError) return fail(io, error.message);
    throw error;
  }
  if (!summary) return fail(io, `no evaluation results for ${paths.relativeFile} (looked for ${paths.summary}): run \`inoculate eval ${paths.relativeFile}\` first.`);
  const origin = evalSummaryOrigin(summary, await fs.userProvenance?.());
  // Judge agreement as the labels are now (the editor's sample browser adds labels after the run).
  try {
    const records: Array<Pick<EvalSampleRecord, 'id' | 'outcome'>> = [];
    await readEvalRecords(fs, paths.samples, (record) => records.push({ id: record.id, outcome: record.outcome }), summary.runId);
    const labels = await readLabels(fs, paths.labels);
    if (labels.length) summary = { ...summary, agreement: graderAgreement(records, labels, labelledGraders(summary.graders)) };
  } catch {
    // A summary from elsewhere may not fit its records: the agreement it carries is shown as it is.
  }
  const generatedAt = new Date().toISOString();
  try {
    if (options.format === 'json') {
      const text = `${terminalJson({ ...evalJson(summary), origin })}\n`;
      if (!options.out || options.out === '-') {
        io.stdout.write(text);
        return 0;
      }
      await writeOut(resolve(io.cwd, options.out), text);
      io.stdout.write(`inoculate report: wrote ${terminalText(resolve(io.cwd, options.out))}\n`);
      return 0;
    }
    if (options.format === 'html') {
      const html = renderHtmlReport({ summary, origin, generatedAt });
      if (options.out === '-') {
        io.stdout.write(html);
        return 0;
      }
      const out = options.out ? resolve(io.cwd, options.out) : join(paths.evalDir, 'report.html');
      await writeReport(out, html, !options.out, paths.trustedRoot);
      io.stdout.write(`inoculate report: wrote ${terminalText(out)}\n`);
      return 0;
    }
    const out = options.out ? resolve(io.cwd, options.out) : join(paths.evalDir, 'report.md');
    const prefix = basename(out, extname(out));
    const report = renderMarkdownReport({ summary, origin, generatedAt }, prefix);
    await writeReport(out, report.markdown, !options.out, paths.trustedRoot);
    for (const file of report.files) await writeReport(join(dirname(out), file.name), file.svg, !options.out, paths.trustedRoot);
    io.stdout.write(`inoculate report: wrote ${terminalText(out)} and ${report.files.length} SVG file(s) beside it\n`);
    return 0;
  } catch (error) {
    if (error instanceof ResultsFileError) return fail(io, error.message);
    if (error instanceof TypeError || error instanceof RangeError) {
      return fail(io, `the evaluation summary ${paths.summary} is malformed (${error.message}): run \`inoculate eval\` again to rewrite it.`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) return fail(io, `could not write the report (${code}): ${(error as Error).message}`);
    throw error;
  }
};

/** Writes inside the results folder through the results file system (no link followed), elsewhere where the user said. */
async function writeReport(path: string, text: string, inResults: boolean, trustedRoot: string): Promise<void> {
  if (inResults) {
    await nodeResultsFileSystem.checkResultsPath(trustedRoot, path);
    await nodeResultsFileSystem.writeAtomic(path, text);
    return;
  }
  await writeOut(path, text);
}

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

function fail(io: CliIO, message: string): number {
  io.stderr.write(`inoculate report: ${terminalText(message)}\n`);
  return 2;
}
