// Plan.siteLoadsByPeriod and Plan.siteRegionFlows through GraphQL on a real
// database: each aggregate recomputed from the plan's allocations (paged
// through the API as a client would) and from its site and region summaries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename ... on MutationRequestPlanSuccess { data { id status } } } }`;

const AGGREGATES = `query ($id: ID!) { plan(id: $id) {
  options
  sites { siteCode facilityPowerKw peakFacilityPowerKw utilization gpus { installed gpusAdded gpusBusy } }
  regions { regionCode sources { siteCode tokensPerSecond } }
  siteLoadsByPeriod { siteCode period tokensPerSecond gpusBusy facilityPowerKw }
  siteRegionFlows { siteCode regionCode meanTokensPerSecond peakTokensPerSecond peakPeriod }
} }`;

const ALLOCATIONS = `query ($id: ID!, $after: String) { plan(id: $id) { allocations(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { siteCode regionCode period tokensPerSecond } } } } }`;

interface Row {
  siteCode: string;
  regionCode: string;
  period: number;
  tokensPerSecond: number;
}

let service: PlanService;

beforeAll(async () => {
  service = await openPlanService();
}, 120_000);
afterAll(async () => {
  await service?.close();
});

async function solvedPlan(periods: 1 | 24): Promise<string> {
  const answer = await service.api.data(REQUEST, { input: { wait: true, options: { periods } } });
  expect(answer.requestPlan.data.status).toBe('SOLVED');
  return answer.requestPlan.data.id;
}

async function allocations(id: string): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = (await service.api.data(ALLOCATIONS, { id, after })).plan.allocations;
    rows.push(...page.edges.map((edge: { node: Row }) => edge.node));
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

/** sum of the rows' tokens/s by key */
function sumBy(rows: Row[], key: (row: Row) => string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + row.tokensPerSecond);
  return sums;
}

const close = (actual: number, expected: number, what: string) =>
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(expected)),
  );

describe.each([24, 1] as const)('the aggregates of a %i-period fixture plan', (periods) => {
  let id: string;
  let plan: any;
  let rows: Row[];

  beforeAll(async () => {
    id = await solvedPlan(periods);
    plan = (await service.api.data(AGGREGATES, { id })).plan;
    rows = await allocations(id);
    expect(plan.options.periods).toBe(periods);
    expect(rows.length).toBeGreaterThan(periods === 24 ? 1000 : 20);
  }, 300_000);

  it('siteLoadsByPeriod: every period of every loaded site, its tokens/s the sum of its allocations', () => {
    const loads: any[] = plan.siteLoadsByPeriod;
    const bySitePeriod = sumBy(rows, (row) => `${row.siteCode} ${row.period}`);
    const loadedSites = [...new Set(rows.map((row) => row.siteCode))].sort();
    // one row per site and period, ordered by site and period, zeros kept
    expect(loads.map((l) => `${l.siteCode} ${l.period}`)).toEqual(
      loadedSites.flatMap((site) => Array.from({ length: periods }, (_, t) => `${site} ${t}`)),
    );
    for (const load of loads)
      close(load.tokensPerSecond, bySitePeriod.get(`${load.siteCode} ${load.period}`) ?? 0, 'tokens/s');
  });

  it("siteLoadsByPeriod: facility kW averages to the site's facilityPowerKw and peaks at its peakFacilityPowerKw; GPUs match its gpus", () => {
    const loads: any[] = plan.siteLoadsByPeriod;
    for (const site of plan.sites) {
      const own = loads.filter((l) => l.siteCode === site.siteCode);
      if (own.length === 0) {
        expect(site.facilityPowerKw).toBe(0);
        continue;
      }
      const mean = (key: string) => own.reduce((sum, l) => sum + l[key], 0) / periods;
      const peak = (key: string) => Math.max(...own.map((l) => l[key]));
      close(mean('facilityPowerKw'), site.facilityPowerKw, `${site.siteCode} mean kW`);
      close(peak('facilityPowerKw'), site.peakFacilityPowerKw, `${site.siteCode} peak kW`);
      close(
        mean('gpusBusy'),
        site.gpus.reduce((sum: number, g: any) => sum + g.gpusBusy, 0),
        `${site.siteCode} GPUs`,
      );
      // the site's utilization is its peak busy GPUs over all its GPUs
      const available = site.gpus.reduce((sum: number, g: any) => sum + g.installed + g.gpusAdded, 0);
      close(peak('gpusBusy') / available, site.utilization, `${site.siteCode} utilization`);
    }
  });

  it('siteRegionFlows: mean and peak over the periods from the allocations; the mean is the region source', () => {
    const flows: any[] = plan.siteRegionFlows;
    const byPairPeriod = sumBy(rows, (row) => `${row.siteCode} ${row.regionCode} ${row.period}`);
    const pairs = [...new Set(rows.map((row) => `${row.siteCode} ${row.regionCode}`))].sort();
    expect(flows.map((f) => `${f.siteCode} ${f.regionCode}`)).toEqual(pairs);
    for (const flow of flows) {
      const hours = Array.from(
        { length: periods },
        (_, t) => byPairPeriod.get(`${flow.siteCode} ${flow.regionCode} ${t}`) ?? 0,
      );
      const pair = `${flow.siteCode} → ${flow.regionCode}`;
      close(flow.meanTokensPerSecond, hours.reduce((a, b) => a + b, 0) / periods, `${pair} mean`);
      close(flow.peakTokensPerSecond, Math.max(...hours), `${pair} peak`);
      close(hours[flow.peakPeriod]!, Math.max(...hours), `${pair} peak period`);
      const source = plan.regions
        .find((r: any) => r.regionCode === flow.regionCode)
        .sources.find((s: any) => s.siteCode === flow.siteCode);
      close(flow.meanTokensPerSecond, source.tokensPerSecond, `${pair} as the region's source`);
    }
    if (periods === 24) expect(flows.some((f) => f.peakTokensPerSecond > f.meanTokensPerSecond * 1.05)).toBe(true);
    else for (const flow of flows) expect(flow.peakTokensPerSecond).toBe(flow.meanTokensPerSecond);
  });

  it('siteRegionFlows(modelCodes): data without models is all DEFAULT; a model the plan does not name has no flows', async () => {
    const { plan: filtered } = await service.api.data(
      `query ($id: ID!) { plan(id: $id) {
        default: siteRegionFlows(modelCodes: ["DEFAULT"]) { siteCode regionCode meanTokensPerSecond peakTokensPerSecond peakPeriod }
        other: siteRegionFlows(modelCodes: ["NO-SUCH-MODEL"]) { siteCode }
      } }`,
      { id },
    );
    expect(filtered.default).toEqual(plan.siteRegionFlows);
    expect(filtered.other).toEqual([]);
  });
});

it('a plan without a solution has no aggregates', async () => {
  const answer = await service.api.data(REQUEST, { input: { options: { periods: 24 } } });
  const id = answer.requestPlan.data.id;
  await service.api.data(`mutation ($id: ID!) { cancelPlan(input: { id: $id }) { __typename } }`, { id });
  const { plan } = await service.api.data(
    `query ($id: ID!) { plan(id: $id) { status siteLoadsByPeriod { siteCode } siteRegionFlows { siteCode } } }`,
    { id },
  );
  // cancelled within milliseconds of its request: a 24-hour solve takes seconds
  expect(plan).toEqual({ status: 'CANCELLED', siteLoadsByPeriod: [], siteRegionFlows: [] });
});
