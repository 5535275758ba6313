// A first start killed while it loads the fixtures (issue 9 item 5): the seed is one
// transaction, so nothing of it stays, and the next start seeds the database again.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, serve, stop, tokengridArgs, type CliWorkspace } from '../helpers/cli.js';

let workspace: CliWorkspace;

beforeAll(async () => {
  // migrated, never seeded: its first start seeds (initdb and migrations are not what this is about)
  workspace = await cliWorkspace('seed-kill', { from: 'migrated' });
});
afterAll(async () => {
  await workspace?.cleanup();
});

/** Starts `tokengrid serve` and SIGKILLs it the moment it says the seeding began; resolves with its pid and output. */
function serveAndKillWhileSeeding(): Promise<{ pid: number; output: string }> {
  const child = spawn(process.execPath, tokengridArgs(['serve']), {
    env: { ...process.env, HOST: '127.0.0.1', ...workspace.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/loading the bundled fixtures/.test(output)) child.kill('SIGKILL');
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ pid: child.pid!, output });
      else reject(new Error(`serve exited with ${code} before it was killed:\n${output}`));
    });
  });
}

async function graphql(url: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data: any; errors?: unknown };
}

describe('a first start killed while seeding', () => {
  it('leaves no half-loaded data, and the next start loads the 36 fixture sites and says so', async () => {
    const killed = await serveAndKillWhileSeeding();
    expect(killed.output).not.toMatch(/GraphiQL:/);
    const lock = join(workspace.env.TOKENGRID_DATA_DIR!, 'tokengrid.lock');
    if (!workspace.postgres) {
      // a SIGKILL runs no exit handler: the lock stays behind, naming a dead process
      expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(killed.pid);
    }

    const server = await serve(workspace);
    try {
      expect(server.output()).toMatch(/loaded the bundled fixtures/);
      const body = await graphql(server.url, '{ sites(first: 100) { totalCount } gpuTypes { code } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.sites.totalCount).toBe(36);
      if (!workspace.postgres) expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(server.child.pid);
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
    if (!workspace.postgres) expect(existsSync(lock)).toBe(false);
  }, 180_000);
});
