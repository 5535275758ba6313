// The real program over real HTTP: `tokengrid serve` on a fresh data directory,
// then again on the same directory, with a graceful SIGTERM in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, serve, stop, type CliWorkspace } from '../helpers/cli.js';

let workspace: CliWorkspace;

beforeAll(async () => {
  workspace = await cliWorkspace('e2e');
});
afterAll(async () => {
  await workspace?.cleanup();
});

const start = (env: Record<string, string>) => serve(workspace, env);

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
    const { response, body } = await graphql(
      server.url,
      '{ sites(first: 100) { totalCount } fleet { gpusInstalled } }',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('e2e-test-1');
    expect(body.data.sites.totalCount).toBe(36);
    expect(body.data.fleet.gpusInstalled).toBeGreaterThan(0);
    const created = await graphql(
      server.url,
      `
        mutation {
          updateSite(input: { code: "US-ASH", notes: "changed in e2e" }) {
            __typename
          }
        }
      `,
    );
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
