/** `inoculate`: lint, score, check, train and evaluate inoculation prompts from a terminal or CI. */
import { UsageError, type CliIO, type Command } from './io';
import { terminalText } from './terminalText';

declare const __VERSION__: string | undefined;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  lint: { summary: 'Report problems in .inoc files (exit 1 when any error).', load: async () => (await import('./lint')).lintCommand },
  score: { summary: "Print each candidate's predicted elicitation strength.", load: async () => (await import('./score')).scoreCommand },
  check: { summary: 'Sample the model with each candidate vs. the control and grade it.', load: async () => (await import('./check')).checkCommand },
  train: { summary: 'Build, preview and submit fine-tuning jobs for candidates and the baseline.', load: async () => (await import('./train')).trainCommand },
  jobs: { summary: 'List, follow, cancel and show the logs of training runs.', load: async () => (await import('./jobs')).jobsCommand },
  eval: { summary: 'Evaluate the fine-tunes against the baseline: behaviour, capability, the figure.', load: async () => (await import('./eval')).evalCommand },
  report: { summary: "Write an evaluation's results as HTML, Markdown (+ SVG) or JSON.", load: async () => (await import('./report')).reportCommand },
};

const USAGE = `Usage: inoculate <command> [options] <files...>

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)}${command.summary}`)
  .join('\n')}

Run \`inoculate <command> --help\` for a command's options.
`;

/** Runs the CLI and resolves to the exit status. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr).write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`inoculate: unknown command '${terminalText(name)}'.\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`inoculate ${name}: ${terminalText(error.message)}\n${error.help ? `\n${error.help}` : ''}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    // First Ctrl+C stops cleanly (finished samples are kept); a second one exits at once.
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  });
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  }).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`inoculate: internal error: ${text.split('\n').map(terminalText).join('\n')}\n`);
      process.exitCode = 2;
    },
  );
}
