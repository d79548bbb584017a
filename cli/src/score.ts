/** `inoculate score <files...> [--json] [--explain]`: each candidate's predicted elicitation strength. */
import { parseArgs } from 'node:util';
import { InocLanguageService } from '../../core/src/language/service';
import { nodeHost } from '../../core/src/node/fileHost';
import { collectFiles, readDocument } from './files';
import { colorizer, UsageError, type CliIO, type Command } from './io';
import { terminalJson, terminalText } from './terminalText';

const HELP = `Usage: inoculate score [options] <files or folders...>

Print each candidate's predicted elicitation strength (0-1): how strongly it should elicit the behaviour from an
instruction-following model before fine-tuning. Controls are listed without a score.

Options:
  --json       Print [{"file", "behavior", "variants": [{"name", "control", "predicted", "explanation"}]}]
  --explain    Also list what raised and lowered each score
  -h, --help   Show this help
`;

export interface ScoreReport {
  file: string;
  behavior: string | null;
  variants: Array<{
    name: string;
    control: boolean;
    line: number;
    predicted: number | null;
    explanation: Array<{ factor: string; label: string; effect: number }>;
  }>;
}

/** Scores every file; shared by `score` and tests. */
export function scoreFiles(paths: string[], cwd: string): ScoreReport[] {
  const service = new InocLanguageService(nodeHost);
  return collectFiles(paths, cwd).map((file) => {
    const document = readDocument(file);
    const analysis = service.analyze(document);
    return {
      file: file.display,
      behavior: analysis.frontmatter.config.behavior ?? null,
      variants: service.variantScores(document).map((v) => ({
        name: v.name,
        control: v.control,
        line: v.line,
        predicted: v.predicted === null ? null : Math.round(v.predicted * 1000) / 1000,
        explanation: v.explanation.map((f) => ({ factor: f.id, label: f.label, effect: Math.round(f.effect * 1000) / 1000 })),
      })),
    };
  });
}

export const scoreCommand: Command = async (args: string[], io: CliIO) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, explain: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const reports = scoreFiles(positionals, io.cwd);
  if (values.json) {
    io.stdout.write(terminalJson(reports.map(({ file, behavior, variants }) => ({ file, behavior, variants: variants.map(({ line: _line, ...v }) => v) }))) + '\n');
    return 0;
  }
  const c = colorizer(io.stdout, io.env);
  for (const report of reports) {
    // File names, variant names and explanation labels (which may quote the prompt) are untrusted: escaped.
    const file = terminalText(report.file);
    io.stdout.write(`${c.bold(file)} ${c.dim(`(${report.behavior ?? 'no behavior set'})`)}\n`);
    const names = new Map(report.variants.map((v) => [v, terminalText(v.name)]));
    const width = Math.max(4, ...[...names.values()].map((name) => name.length));
    const ranked = [...report.variants].sort((a, b) => (b.predicted ?? -1) - (a.predicted ?? -1));
    for (const v of ranked) {
      const name = names.get(v)!;
      const where = c.dim(`${file}:${v.line + 1}`);
      if (v.control || v.predicted === null) {
        io.stdout.write(`  ${'   —'}  ${''.padEnd(20)}  ${name.padEnd(width)}  ${c.dim(v.control ? 'control' : 'not scored')}  ${where}\n`);
        continue;
      }
      const bar = '█'.repeat(Math.round(v.predicted * 20)).padEnd(20, '·');
      const paint = v.predicted >= 0.75 ? c.green : v.predicted >= 0.5 ? c.yellow : c.red;
      io.stdout.write(`  ${paint(v.predicted.toFixed(2))}  ${paint(bar)}  ${name.padEnd(width)}  ${where}\n`);
      if (values.explain) {
        for (const f of v.explanation) io.stdout.write(`        ${f.effect >= 0 ? c.green(`+${f.effect.toFixed(2)}`) : c.red(f.effect.toFixed(2))} ${terminalText(f.label)}\n`);
      }
    }
    io.stdout.write('\n');
  }
  return 0;
};
