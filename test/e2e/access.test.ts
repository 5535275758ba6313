// Who may call a real server: on loopback with no key every request is the
// local admin (and the server says so); on a network address the server will not
// start without an admin key, and once one exists (made with `tokengrid keys
// create` on the same database) it answers only requests that carry a key.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminQuery, withDatabaseName } from '../helpers/postgres.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const target = inject('testDatabase');
let dataDir: string;
let databaseEnv: Record<string, string> = {};
const pgDatabase = `tokengrid_e2e_${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tokengrid-access-'));
  if (target.kind === 'postgres') {
    await adminQuery(target.url, `CREATE DATABASE "${pgDatabase}"`);
    databaseEnv = { DATABASE_URL: withDatabaseName(target.url, pgDatabase) };
  }
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  if (target.kind === 'postgres') await adminQuery(target.url, `DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
});

const env = (extra: Record<string, string>) => ({ ...process.env, NODE_ENV: 'production', PORT: '0', TOKENGRID_DATA_DIR: dataDir, ...databaseEnv, ...extra });

/** Runs the CLI to its end. */
function runCli(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

/** Starts `serve` and resolves once it prints its URL (with everything printed so far). */
function serve(extra: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL: http:\/\/\S+:(\d+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}`, output });
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

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const fleet = (url: string, key?: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: '{ fleet { sites } }' }),
  });

describe('access at start', () => {
  it('loopback without keys: requests act as admin and the server says so', async () => {
    const server = await serve({ HOST: '127.0.0.1' });
    try {
      expect(server.output).toContain('every request acts as admin');
      const response = await fleet(server.url);
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).data.fleet.sites).toBeGreaterThan(0);
    } finally {
      await stop(server.child);
    }
  }, 120_000);

  it('a network address without an admin key: refuses to start and says how to create one; with one, keys are required', async () => {
    const refused = await serve({ HOST: '0.0.0.0' }).then(
      () => null,
      (error: { code: number; output: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.output).toContain('tokengrid keys create --role admin --name');

    const created = await runCli(['keys', 'create', '--role', 'admin', '--name', 'first-admin']);
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^tgk_/);

    const server = await serve({ HOST: '0.0.0.0' });
    try {
      expect(server.output).toContain('API keys required');
      const anonymous = await fleet(server.url);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const keyed = await fleet(server.url, key);
      expect(keyed.status).toBe(200);
      expect(((await keyed.json()) as any).data.fleet.sites).toBeGreaterThan(0);
    } finally {
      await stop(server.child);
    }
    const listed = await runCli(['keys', 'list']);
    expect(listed.out).toMatch(/first-admin\s+admin/);
  }, 240_000);
});
