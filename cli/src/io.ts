/** What a CLI command may touch: its streams, environment and working directory (injected for tests). */
import { styleText } from 'node:util';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires when the user interrupts (Ctrl+C); commands stop cleanly and keep finished work. */
  signal: AbortSignal;
}

/** `io` whose output streams pass every write through `redact` (keys never reach a terminal or a captured log). */
export function withRedaction(io: CliIO, redact: (text: string) => string): CliIO {
  const redacted = (stream: OutputStream): OutputStream => ({ isTTY: stream.isTTY, columns: stream.columns, write: (text: string) => stream.write(redact(text)) });
  return { ...io, stdout: redacted(io.stdout), stderr: redacted(io.stderr) };
}

/** A command: arguments after its name in, exit status out (0 ok, 1 failed, 2 usage or file error). */
export type Command = (args: string[], io: CliIO) => Promise<number>;

/** Thrown for bad arguments; the dispatcher prints the message (escaped: it may quote arguments) and `help`, and exits with 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command's help, printed after the message as is. */
    readonly help?: string,
  ) {
    super(message);
  }
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorizer(stream: OutputStream, env: NodeJS.ProcessEnv) {
  const enabled = !!stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb' || !!env.FORCE_COLOR && env.FORCE_COLOR !== '0';
  type Format = Parameters<typeof styleText>[0];
  const paint = (format: Format) => (text: string) => (enabled ? styleText(format, text) : text);
  return {
    enabled,
    red: paint('red'),
    yellow: paint('yellow'),
    blue: paint('blue'),
    cyan: paint('cyan'),
    green: paint('green'),
    dim: paint('dim'),
    bold: paint('bold'),
    underline: paint('underline'),
  };
}
