// The real program over real HTTP: `tokengrid serve` on a fresh data directory,
// then again on the same directory, with a graceful SIGTERM in between.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminQuery, withDatabaseName } from '../helpers/postgres.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const target = inject('testDatabase');
let dataDir: string;
/** on a PostgreSQL run the server gets an empty database of its own */
let databaseEnv: Record<string, string> = {};
const pgDatabase = `tokengrid_e2e_${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tokengrid-e2e-'));
  if (target.kind === 'postgres') {
    await adminQuery(target.url, `CREATE DATABASE "${pgDatabase}"`);
    databaseEnv = { DATABASE_URL: withDatabaseName(target.url, pgDatabase) };
  }
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  if (target.kind === 'postgres') await adminQuery(target.url, `DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
});

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', TOKENGRID_DATA_DIR: dataDir, ...databaseEnv, ...env },
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
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function graphql(url: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-test-1' },
    body: JSON.stringify({ query }),
  });
  return { response, body: (await response.json()) as any };
}

describe('tokengrid serve', () => {
  it('starts on a fresh data directory, loads the fixtures, serves them and stops on SIGTERM', async () => {
    const server = await start({});
    expect(server.output()).toMatch(/loaded the bundled fixtures/);
    const { response, body } = await graphql(server.url, '{ sites(first: 100) { totalCount } fleet { gpusInstalled } }');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('e2e-test-1');
    expect(body.data.sites.totalCount).toBe(36);
    expect(body.data.fleet.gpusInstalled).toBeGreaterThan(0);
    const created = await graphql(server.url, `mutation { updateSite(input: { code: "US-ASH", notes: "changed in e2e" }) { __typename } }`);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.updateSite.__typename).toBe('MutationUpdateSiteSuccess');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    const graphiql = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);
    expect(await stop(server.child)).toBe(0);
  });

  it('restarts on the same data directory without reloading the fixtures, keeping changes', async () => {
    const server = await start({});
    expect(server.output()).toMatch(/schema up to date/);
    expect(server.output()).not.toMatch(/loaded the bundled fixtures/);
    const { body } = await graphql(server.url, '{ site(code: "US-ASH") { notes } }');
    expect(body.data.site.notes).toBe('changed in e2e');
    expect(await stop(server.child)).toBe(0);
  });

  it('refuses to start with a bad environment variable, naming it', async () => {
    const error = await start({ PORT: 'eighty' }).catch((e: Error) => e);
    expect(String(error)).toMatch(/PORT/);
  });
});
