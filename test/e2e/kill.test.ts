// SIGKILL of a real `tokengrid serve` (the built bin) while writes and solves are
// in flight, several times, restarting it each time; then: every acknowledged
// write is there, the data reads back whole (every site with its fields, /ready,
// a full export), and no plan is left RUNNING or QUEUED once the lost-solve
// interval has passed (a short heartbeat here, so the test waits seconds, not minutes).
// On the embedded database and, on a PostgreSQL run, on PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliWorkspace, runCli, serve, stop, type CliWorkspace, type ServerProcess } from '../helpers/cli.js';

const KILLS = 3;
const ENV = {
  TOKENGRID_SOLVE_HEARTBEAT_SECONDS: '1',
  TOKENGRID_SOLVE_LOST_SECONDS: '3',
  TOKENGRID_QUEUE_MAINTENANCE_SECONDS: '2',
  LOG_LEVEL: 'warn',
  // not a rate-limit test: on PostgreSQL the buckets outlive the killed processes
  TOKENGRID_PLAN_REQUESTS_PER_MINUTE: '0',
  TOKENGRID_IMPORTS_PER_MINUTE: '0',
};

let workspace: CliWorkspace;
let server: ServerProcess | null = null;
beforeAll(async () => {
  workspace = await cliWorkspace('kill', { from: 'started' });
}, 120_000);
afterAll(async () => {
  if (server) await stop(server.child);
  await workspace?.cleanup();
});

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string }[] };
}

const CREATE_SITE = `mutation ($input: CreateSiteInput!) { createSite(input: $input) {
  __typename ... on MutationCreateSiteSuccess { data { code pricePerKwh } } } }`;
const REQUEST_PLAN = `mutation { requestPlan(input: { name: "in flight", options: { periods: 24 } }) {
  __typename ... on MutationRequestPlanSuccess { data { id status } } } }`;

const siteInput = (code: string, pricePerKwh: number) => ({
  code,
  name: `Kill test ${code}`,
  country: 'DE',
  regionLabel: 'Kill test',
  latitude: 50,
  longitude: 8,
  coolingType: 'AIR',
  pricePerKwh,
  powerCapKw: 1000,
  carbonGramsPerKwh: 300,
});

it(
  `${KILLS} SIGKILLs during writes and solves: every acknowledged write is there, nothing corrupt, no plan left RUNNING`,
  { timeout: 150_000 },
  async () => {
    const started = Date.now();
    const sites = new Map<string, number>();
    const plans = new Set<string>();
    let attempted = 0;
    let runningAtKills = 0;
    for (let round = 1; round <= KILLS; round++) {
      server = await serve(workspace, ENV);
      const url = server.url;
      let killed = false;
      const roundPlans = new Set<string>();
      // two writers and a planner, each going on until the process is gone
      const writer = async (lane: number) => {
        for (let i = 0; !killed; i++) {
          const code = `KT-${round}-${lane}-${i}`;
          const price = Math.round((0.05 + Math.random() / 10) * 1e4) / 1e4;
          attempted += 1;
          const answer = await graphql(url, CREATE_SITE, { input: siteInput(code, price) }).catch(() => null);
          if (answer?.data?.createSite?.__typename === 'MutationCreateSiteSuccess') sites.set(code, price);
          else if (answer) throw new Error(`createSite ${code}: ${JSON.stringify(answer)}`);
        }
      };
      const planner = async () => {
        for (let i = 0; !killed && i < 3; i++) {
          attempted += 1;
          const answer = await graphql(url, REQUEST_PLAN).catch(() => null);
          const id = answer?.data?.requestPlan?.data?.id;
          if (id) {
            plans.add(id);
            roundPlans.add(id);
          } else if (answer) throw new Error(`requestPlan: ${JSON.stringify(answer)}`);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      };
      const load = Promise.all([writer(1), writer(2), planner()]);
      // the kill comes after 1.5 s of writes, once a plan of this round is RUNNING (or after 6 s)
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const waitUntil = Date.now() + 4_500;
      let runningAtKill = 0;
      while (Date.now() < waitUntil && runningAtKill === 0) {
        for (const id of roundPlans) {
          const one = await graphql(
            url,
            `
              query ($id: ID!) {
                plan(id: $id) {
                  status
                }
              }
            `,
            { id },
          ).catch(() => null);
          if (one?.data?.plan?.status === 'RUNNING') runningAtKill += 1;
        }
        if (runningAtKill === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
      runningAtKills += runningAtKill;
      const exited = new Promise((resolve) => server!.child.once('exit', resolve));
      server.child.kill('SIGKILL');
      await exited;
      killed = true;
      server = null;
      await load;
    }

    // the last start: plans in flight at the kills are taken up again and finish
    server = await serve(workspace, ENV);
    const url = server.url;
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const unfinished = async () =>
      (
        await graphql(
          url,
          `
            {
              plans(first: 100) {
                edges {
                  node {
                    id
                    status
                  }
                }
              }
            }
          `,
        )
      )
        .data!.plans.edges.map((edge: { node: { id: string; status: string } }) => edge.node)
        .filter((plan: { status: string }) => plan.status === 'RUNNING' || plan.status === 'QUEUED');
    const deadline = Date.now() + 45_000;
    let left = await unfinished();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      left = await unfinished();
    }
    const settledMs = Date.now() - (deadline - 45_000);

    // every acknowledged write, with the value acknowledged: page by page (a page holds at most
    // 100 sites, and a fast machine acknowledges more than that; small pages so paging is always on)
    const stored = new Map<string, number>();
    let totalCount = 0;
    for (let after: string | null = null; ;) {
      const listed = await graphql(
        url,
        `
          query ($after: String) {
            sites(first: 25, after: $after, filter: { regionLabel: ["Kill test"] }) {
              totalCount
              pageInfo {
                hasNextPage
                endCursor
              }
              edges {
                node {
                  code
                  pricePerKwh
                  name
                  country
                }
              }
            }
          }
        `,
        { after },
      );
      expect(listed.errors).toBeUndefined();
      totalCount = listed.data.sites.totalCount;
      for (const { node } of listed.data.sites.edges) stored.set(node.code, node.pricePerKwh);
      if (!listed.data.sites.pageInfo.hasNextPage) break;
      after = listed.data.sites.pageInfo.endCursor;
    }
    expect(stored.size, 'every page of sites read').toBe(totalCount);
    const missingSites = [...sites].filter(([code, price]) => stored.get(code) !== price);
    const missingPlans: string[] = [];
    const statuses = new Map<string, number>();
    const failures = new Set<string>();
    for (const id of plans) {
      const one = await graphql(
        url,
        `
          query ($id: ID!) {
            plan(id: $id) {
              id
              status
              errorMessage
            }
          }
        `,
        { id },
      );
      const status = one.data?.plan?.status as string | undefined;
      if (!status) missingPlans.push(id);
      else statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 'FAILED') failures.add(one.data.plan.errorMessage);
    }
    // nothing corrupt: the whole data set reads back and exports
    const lastOutput = server.output();
    expect(await stop(server.child)).toBe(0);
    server = null;
    const exported = await runCli(workspace, ['export']);
    expect(exported.code, exported.err).toBe(0);
    const dataset = JSON.parse(exported.out) as { sites: { code: string; pricePerKwh: number }[] };
    const exportedSites = new Map(dataset.sites.map((site) => [site.code, site.pricePerKwh]));
    const missingFromExport = [...sites].filter(([code, price]) => exportedSites.get(code) !== price);

    console.log(
      `kill test (${workspace.postgres ? 'PostgreSQL' : 'embedded PGlite'}): ${KILLS} kills, ${attempted} writes tried, ` +
        `${runningAtKills} plan(s) seen RUNNING just before a kill, ${sites.size + plans.size} acknowledged (${sites.size} sites, ${plans.size} plans), missing ${missingSites.length + missingPlans.length} (${missingFromExport.length} from the export), ` +
        `plans left RUNNING or QUEUED ${left.length} (all final ${(settledMs / 1000).toFixed(1)} s after the last start: ` +
        `${[...statuses].map(([status, n]) => `${n} ${status}`).join(', ')}${failures.size ? `; failed: ${[...failures].join(' / ')}` : ''}); ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
    );
    expect(sites.size).toBeGreaterThan(0);
    expect(plans.size).toBeGreaterThan(0);
    expect(missingSites, 'acknowledged sites missing through GraphQL after the last start').toEqual([]);
    expect(missingFromExport, 'acknowledged sites missing from the export after a clean stop').toEqual([]);
    expect(missingPlans).toEqual([]);
    expect(left, lastOutput).toEqual([]);
  },
);
