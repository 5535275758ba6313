// Two API processes (`tokengrid serve --no-worker` twice) on one PostgreSQL
// database share each caller's rate-limit bucket: with a burst of 5 the sixth
// requestPlan is refused, whichever process it reaches. (Buckets kept in each
// process gave a caller the limit once per process.) The embedded database
// has one process, so there is nothing to share.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { cliWorkspace, serve, stop, type CliWorkspace, type ServerProcess } from '../helpers/cli.js';
import { describeIf } from '../helpers/skip.js';

const onPostgres = inject('testDatabase').kind === 'postgres';
let workspace: CliWorkspace | undefined;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  workspace = await cliWorkspace('rate-shared', { from: 'started' });
  // a slow refill (1 a minute), so the test's few seconds give back no whole token
  const env = { TOKENGRID_PLAN_REQUESTS_PER_MINUTE: '1', TOKENGRID_PLAN_REQUEST_BURST: '5' };
  servers.push(
    ...(await Promise.all([serve(workspace, env, ['--no-worker']), serve(workspace, env, ['--no-worker'])])),
  );
}, 180_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => stop(server.child)));
  await workspace?.cleanup();
});

async function requestPlan(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: 'mutation { requestPlan(input: {}) { __typename } }' }),
  });
  return { status: response.status, body: await response.json() };
}

describeIf(
  onPostgres,
  'rate limits across two API processes',
  'needs PostgreSQL (two processes on one database)',
  () => {
    it('burst 5 across two processes: 3 on one and 2 on the other pass, the 6th is RATE_LIMITED on either', async () => {
      const [a, b] = servers.map((server) => server.url) as [string, string];
      expect(a).not.toBe(b);
      for (const url of [a, b, a, b, a]) {
        const passed = await requestPlan(url);
        expect(passed.status, JSON.stringify(passed.body)).toBe(200);
        expect(passed.body.data.requestPlan.__typename).toBe('MutationRequestPlanSuccess');
      }
      for (const url of [b, a]) {
        const refused = await requestPlan(url);
        expect(refused.status).toBe(429);
        expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
        expect(refused.body.errors[0].message).toMatch(
          /^Too many plan requests: the limit is 1 per minute, at most 5 at once; retry in \d+ s\.$/,
        );
      }
    }, 60_000);
  },
);
