// The Host check as `tokengrid serve` configures it: on the loopback default a
// raw request with a rebinding page's Host is refused 421 and writes nothing,
// a name from TOKENGRID_ALLOWED_HOSTS is answered, /health stays open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, serve, stop, type CliWorkspace, type ServerProcess } from '../helpers/cli.js';
import { rawRequest } from '../helpers/raw-http.js';

let workspace: CliWorkspace;
let server: ServerProcess;

beforeAll(async () => {
  workspace = await cliWorkspace('host-check', { from: 'started' });
  server = await serve(workspace, { HOST: '127.0.0.1', TOKENGRID_ALLOWED_HOSTS: 'planner.test' });
}, 180_000);
afterAll(async () => {
  if (server) await stop(server.child);
  await workspace?.cleanup();
});

const raw = (host: string, path: string, body?: string) =>
  rawRequest(server.url, { host, path, ...(body === undefined ? {} : { body }) });

const CREATE_SCENARIO = JSON.stringify({
  query: 'mutation { createScenario(input: { code: "REBOUND", name: "r", overrides: {} }) { __typename } }',
});
const SCENARIO = JSON.stringify({ query: '{ scenario(code: "REBOUND") { code } }' });

describe('tokengrid serve on loopback with TOKENGRID_ALLOWED_HOSTS=planner.test', () => {
  it('Host: evil.example:4000 is refused 421 and writes nothing; planner.test and localhost are answered', async () => {
    const refused = await raw('evil.example:4000', '/graphql', CREATE_SCENARIO);
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body).errors[0].extensions).toEqual({
      code: 'MISDIRECTED_REQUEST',
      host: 'evil.example:4000',
    });
    expect((await raw('evil.example:4000', '/')).status).toBe(421);
    expect((await raw('evil.example:4000', '/health')).status).toBe(200);
    const read = await raw('localhost', '/graphql', SCENARIO);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body).data.scenario).toBeNull();
    const created = await raw('planner.test:4000', '/graphql', CREATE_SCENARIO);
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body).data.createScenario.__typename).toBe('MutationCreateScenarioSuccess');
  }, 60_000);
});
