/** `inoculate lint <files...> [--json] [--quiet] [--max-warnings N]`: report diagnostics, like eslint or tsc. */
import { parseArgs } from 'node:util';
import type { InocDiagnostic } from '../../core/src/language/diagnostics';
import { InocLanguageService } from '../../core/src/language/service';
import { nodeHost } from '../../core/src/node/fileHost';
import { collectFiles, readDocument } from './files';
import { colorizer, UsageError, type CliIO, type Command } from './io';
import { terminalJson, terminalText } from './terminalText';

const HELP = `Usage: inoculate lint [options] <files or folders...>

Report problems in .inoc files. Exit status: 0 no errors, 1 errors (or too many warnings), 2 usage error.

Options:
  --json              Print [{"file", "diagnostics": [{"code", "severity", "message", "range"}]}] (0-based positions)
  --quiet             Report errors only
  --max-warnings N    Also fail when there are more than N warnings
  -h, --help          Show this help
`;

export interface FileDiagnostics {
  file: string;
  diagnostics: Array<Pick<InocDiagnostic, 'code' | 'severity' | 'message' | 'range'>>;
}

/** Lints every file; shared by `lint` and tests. */
export async function lintFiles(paths: string[], cwd: string): Promise<Array<FileDiagnostics & { text: string }>> {
  const service = new InocLanguageService(nodeHost);
  const results: Array<FileDiagnostics & { text: string }> = [];
  for (const file of collectFiles(paths, cwd)) {
    const document = readDocument(file);
    const diagnostics = await service.diagnostics(document);
    diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    results.push({
      file: file.display,
      text: document.getText(),
      diagnostics: diagnostics.map(({ code, severity, message, range }) => ({ code, severity, message, range })),
    });
  }
  return results;
}

export const lintCommand: Command = async (args: string[], io: CliIO) => {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
  if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0)) {
    throw new UsageError(`--max-warnings needs a whole number, got '${values['max-warnings']}'`);
  }
  const results = await lintFiles(positionals, io.cwd);
  for (const result of results) {
    if (values.quiet) result.diagnostics = result.diagnostics.filter((d) => d.severity === 'error');
  }
  const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  if (values.json) {
    io.stdout.write(terminalJson(results.map(({ file, diagnostics }) => ({ file, diagnostics }))) + '\n');
  } else {
    printHuman(results, io);
  }
  return errors > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? 1 : 0;
};

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        'max-warnings': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, HELP);
  }
}

function printHuman(results: Array<FileDiagnostics & { text: string }>, io: CliIO): void {
  const c = colorizer(io.stdout, io.env);
  const counts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const result of results) {
    const lines = result.text.split(/\r\n|\r|\n/);
    for (const d of result.diagnostics) {
      counts[d.severity]++;
      // File names, messages (which quote the file) and source lines are untrusted: escaped.
      const where = `${c.cyan(terminalText(result.file))}:${c.yellow(String(d.range.start.line + 1))}:${c.yellow(String(d.range.start.character + 1))}`;
      const severity = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue(d.severity);
      io.stdout.write(`${where} - ${severity} ${c.dim(d.code)}: ${terminalText(d.message)}\n`);
      if (c.enabled) io.stdout.write(codeFrame(lines, d.range, c) + '\n');
    }
  }
  const total = counts.error + counts.warning + counts.information + counts.hint;
  const files = results.length === 1 ? '1 file' : `${results.length} files`;
  if (total === 0) {
    io.stdout.write(`${c.green('✔')} ${files} checked, no problems.\n`);
    return;
  }
  const parts = [`${counts.error} error${counts.error === 1 ? '' : 's'}`, `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`];
  if (counts.information + counts.hint) parts.push(`${counts.information + counts.hint} info`);
  const mark = counts.error ? c.red('✖') : c.yellow('⚠');
  io.stdout.write(`\n${mark} ${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')}) in ${files}.\n`);
}

/** The offending line with its number and a `~~~` underline, as tsc --pretty shows it. */
function codeFrame(lines: string[], range: FileDiagnostics['diagnostics'][number]['range'], c: ReturnType<typeof colorizer>): string {
  const line = lines[range.start.line] ?? '';
  if (line.length > 200) return '';
  const number = String(range.start.line + 1);
  const end = range.end.line === range.start.line ? Math.max(range.end.character, range.start.character + 1) : line.length;
  // The underline is measured on the escaped text, so it stays under the same characters.
  const before = terminalText(line.slice(0, range.start.character)).length;
  const marked = terminalText(line.slice(range.start.character, Math.max(range.start.character + 1, Math.min(end, line.length)))).length;
  const underline = ' '.repeat(before) + '~'.repeat(Math.max(1, marked));
  return `\n${c.dim(number)} ${terminalText(line)}\n${' '.repeat(number.length)} ${c.red(underline)}\n`;
}
