// What every tokengrid command shares: commander parses, help never acts, bad
// usage exits 2, a failure exits 1 with one line on stderr (`tokengrid <cmd>:
// <message>`; the stack only with TOKENGRID_DEBUG=1), progress only on a TTY.
import { access } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Bad usage found after parsing (a missing or contradictory argument): exit 2. */
export class UsageError extends Error {}

/** A failure the command has already explained, or explains in `message`: exit `exitCode` (default 1). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** `tokengrid plans` for `plans list`: errors are named after the top-level command. */
export function commandLabel(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  if (names[0] === 'tokengrid') names.shift();
  return names.length > 0 ? `tokengrid ${names[0]}` : 'tokengrid';
}

const exitCodes = new WeakMap<Command, number>();
const outputs = new WeakMap<Command, Output>();

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/** The output the command runs with (set by runCommand). */
export function outputOf(command: Command): Output {
  return outputs.get(rootOf(command)) ?? processOutput;
}

/** One line per error: the message's first line, or the whole stack when debugging. */
export function errorLine(error: unknown): string {
  if (process.env.TOKENGRID_DEBUG === '1' && error instanceof Error && error.stack) return error.stack;
  const message = error instanceof Error ? (systemErrorMessage(error) ?? error.message) : String(error);
  // a multi-line message (e.g. "Invalid environment:\n  PORT: …") is joined into one line
  const line = message
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
  return line || (error instanceof Error ? error.name : 'failed');
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/** A file system error in words with its path ("/x/y.json: no such file or directory"), not Node's "ENOENT: …, open '…'". */
function systemErrorMessage(error: Error): string | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  return code && path && code in SYSTEM_ERRORS ? `${path}: ${SYSTEM_ERRORS[code]}` : undefined;
}

/**
 * Sets the command's action: `run` gets the parsed arguments and options and
 * answers the exit code; a UsageError answers 2, any other error 1, each as one line.
 */
export function onAction<O>(
  command: Command,
  run: (args: string[], options: O, io: Output) => Promise<number>,
): Command {
  return command.action(async function (this: Command) {
    const io = outputOf(this);
    let code: number;
    try {
      code = await run(this.processedArgs as string[], this.opts<O & Record<string, unknown>>(), io);
    } catch (error) {
      if (error instanceof CommandFailure && error.message === '') code = error.exitCode;
      else {
        io.err(`${commandLabel(this)}: ${errorLine(error)}\n`);
        code = error instanceof UsageError ? 2 : error instanceof CommandFailure ? error.exitCode : 1;
      }
    }
    exitCodes.set(rootOf(this), code);
  });
}

function configure(command: Command, io: Output): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: io.out,
    writeErr: io.err,
    // commander's "error: unknown option '--x'" becomes "tokengrid plan: unknown option '--x'"
    outputError: (text, write) => write(`${commandLabel(command)}: ${text.replace(/^error: /, '')}`),
  });
  for (const sub of command.commands) configure(sub, io);
}

/**
 * Parses `argv` (the arguments after the program name) and runs the chosen
 * action. Answers the exit code: 0 done (help included), 1 failed, 2 bad usage.
 */
export async function runCommand(program: Command, argv: string[], io: Output = processOutput): Promise<number> {
  configure(program, io);
  outputs.set(program, io);
  exitCodes.delete(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // help and version exit 0; a command group without its subcommand prints its help and is bad usage
    return error.exitCode === 0 ? 0 : 2;
  }
  return exitCodes.get(program) ?? 0;
}

/** Fails with `no such file: PATH` (exit 1) when nothing is at `path`. */
export async function requireFile(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new CommandFailure(`no such file: ${path}`);
  }
}

/** A whole number in [min, max] from an option's text, or a UsageError naming the option. */
export function wholeNumber(
  option: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}`);
  return n;
}

/**
 * Progress on stderr: a live line (with escape codes) on a terminal; nothing
 * in a log or a pipe, where only the final line (`done`) is written.
 */
export function progressLine(io: Output, interactive = process.stderr.isTTY === true) {
  return {
    interactive,
    update(message: string) {
      if (interactive) io.err(`\r\x1b[K${message}`);
    },
    done(message: string) {
      io.err(interactive ? `\r\x1b[K${message}\n` : `${message}\n`);
    },
    clear() {
      if (interactive) io.err('\r\x1b[K');
    },
  };
}
