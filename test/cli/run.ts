// The built `tokengrid` bin (dist/src/cli/main.js) in a child process: rebuilt
// by tsc when a source file is newer, so the tests run what `npx tokengrid` runs.
import { execFile, spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
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
  const built = await stat(BIN).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > (await newestSource(join(ROOT, 'src')))) return;
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT },
  );
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/chmod-bin.mjs')], { cwd: ROOT });
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
