// The built `tokengrid` bin (dist/src/cli/main.js) in a child process: rebuilt
// by tsc when a source file is newer, so the tests run what `npx tokengrid` runs.
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '../..');
/** TOKENGRID_CLI_BIN points the tests at another build (e.g. an older one, to see them fail there) */
export const BIN = process.env.TOKENGRID_CLI_BIN ?? join(ROOT, 'dist/src/cli/main.js');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts'))
      newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Compiles src/ to dist/ (and sets the bin's mode) when dist is missing or older than a source file. */
export async function ensureBuilt(): Promise<void> {
  if (process.env.TOKENGRID_CLI_BIN) return;
  if (await builtIsCurrent()) return;
  // test files run in parallel: one builds while the others wait, then find it current
  const lock = join(ROOT, 'dist.build-lock');
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // a build takes well under two minutes: an older lock was left by a killed run
      const taken = await stat(lock).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - taken > 120_000) await rmdir(lock).catch(() => {});
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (await builtIsCurrent()) return;
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT },
    );
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/chmod-bin.mjs')], { cwd: ROOT });
  } finally {
    await rmdir(lock);
  }
}

async function builtIsCurrent(): Promise<boolean> {
  const built = await stat(BIN).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return built > (await newestSource(join(ROOT, 'src')));
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the bin to its end with stdout and stderr piped to this process. */
export function run(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}
