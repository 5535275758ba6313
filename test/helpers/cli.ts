// The real `tokengrid` command in a child process, for end-to-end tests: its own
// empty data directory (and, on a PostgreSQL run, its own empty database), a
// `serve` that resolves once it prints its URL, and an orderly stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { adminQuery, withDatabaseName } from './postgres.js';

export const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

export interface CliWorkspace {
  /** the environment every command of this workspace runs with */
  env: Record<string, string>;
  /** true when the commands run against PostgreSQL */
  postgres: boolean;
  cleanup(): Promise<void>;
}

export async function cliWorkspace(prefix: string): Promise<CliWorkspace> {
  const target = inject('testDatabase');
  const dataDir = await mkdtemp(join(tmpdir(), `tokengrid-${prefix}-`));
  const database = `tokengrid_${prefix.replace(/\W/g, '_')}_${randomBytes(6).toString('hex')}`;
  if (target.kind === 'postgres') await adminQuery(target.url, `CREATE DATABASE "${database}"`);
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
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
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
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', ...args], {
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
