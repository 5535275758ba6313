// Who may call a real server: on loopback with no key every request is the
// local admin (and the server says so); on a network address the server will not
// start without an admin key, and once one exists (made with `tokengrid keys
// create` on the same database) it answers only requests that carry a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, runCli as run, serve as start, stop, type CliWorkspace } from '../helpers/cli.js';

let workspace: CliWorkspace;

beforeAll(async () => {
  workspace = await cliWorkspace('access', { from: 'started' });
});
afterAll(async () => {
  await workspace?.cleanup();
});

const runCli = (args: string[]) => run(workspace, args);
const serve = async (env: Record<string, string>) => {
  const server = await start(workspace, env);
  return { ...server, output: server.output() };
};

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
