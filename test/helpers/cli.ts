// The real `tokengrid` command in a child process, for end-to-end tests: its own
// data directory (and, on a PostgreSQL run, its own database), fresh or from one
// of the run's templates, a `serve` that resolves once it prints its URL, and an
// orderly stop.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { StartingPoint } from '../global-setup.js';
import { BIN, ensureBuilt } from '../cli/run.js';
import { adminQuery, withDatabaseName } from './postgres.js';

/** node's arguments that run `tokengrid <args>`: the built bin, as `npx tokengrid` runs it (built by cliWorkspace when stale) */
export const tokengridArgs = (args: string[]): string[] => [BIN, ...args];

export interface CliWorkspace {
  /** the environment every command of this workspace runs with */
  env: Record<string, string>;
  /** true when the commands run against PostgreSQL */
  postgres: boolean;
  cleanup(): Promise<void>;
}

export interface CliWorkspaceOptions {
  /**
   * where the database starts, when a new one is not what the test is about (it saves
   * the initdb, and the migrations and seed where named): `blank` as initdb leaves it,
   * `migrated`, or `started` as a first start leaves it (migrated, fixtures and example
   * scenarios loaded). Default: a new, empty data directory (or database).
   */
  from?: StartingPoint;
}

export async function cliWorkspace(prefix: string, options: CliWorkspaceOptions = {}): Promise<CliWorkspace> {
  await ensureBuilt();
  const target = inject('testDatabase');
  const dataDir = await mkdtemp(join(tmpdir(), `tokengrid-${prefix}-`));
  const database = `tokengrid_${prefix.replace(/\W/g, '_')}_${randomBytes(6).toString('hex')}`;
  if (target.kind === 'postgres') {
    const template = { blank: null, migrated: target.templates.empty, started: target.templates.started };
    const from = options.from ? template[options.from] : null;
    await adminQuery(target.url, `CREATE DATABASE "${database}"${from ? ` TEMPLATE "${from}"` : ''}`);
  } else if (options.from) {
    // the data directory is the template's dump, unpacked (a copy of a closed PGlite directory)
    await promisify(execFile)('tar', ['-xf', target.dataDirs[options.from], '-C', dataDir]);
  }
  return {
    env: {
      NODE_ENV: 'production',
      PORT: '0',
      TOKENGRID_DATA_DIR: dataDir,
      ...(target.kind === 'postgres' ? { DATABASE_URL: withDatabaseName(target.url, database) } : {}),
    },
    postgres: target.kind === 'postgres',
    async cleanup() {
      await rm(dataDir, { recursive: true, force: true });
      if (target.kind === 'postgres')
        await adminQuery(target.url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    },
  };
}

/** Runs a command to its end. */
export function runCli(
  workspace: CliWorkspace,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, tokengridArgs(args), {
    env: { ...process.env, ...workspace.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

export interface ServerProcess {
  child: ChildProcess;
  /** http://host:port, as the server printed it */
  url: string;
  /** everything printed so far */
  output(): string;
}

/** Starts `tokengrid serve`; resolves when it prints the GraphiQL URL, rejects (with its output) if it exits first. */
export function serve(
  workspace: CliWorkspace,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, tokengridArgs(['serve', ...args]), {
    env: { ...process.env, HOST: '127.0.0.1', ...workspace.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL: (http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        // a server bound to every address is reached on loopback
        resolve({ child, url: match[1]!.replace(/\/\/(0\.0\.0\.0|\[::\])/, '//127.0.0.1'), output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}:\n${output}`), { code, output }));
    });
  });
}

/** SIGTERM, and the exit code once it has stopped. */
export function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
