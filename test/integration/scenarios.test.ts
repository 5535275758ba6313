// Scenarios through GraphQL on the fixtures, with real solves: create → request
// a plan with the scenario → compare with the baseline; a bad override writes
// nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import type { Jobs } from '../../src/jobs/runtime.js';
import type { PlanningInput } from '../../src/optimizer/types.js';
import type { testApi } from '../helpers/api.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

let db: Database;
let jobs: Jobs;
let api: ReturnType<typeof testApi>;
let fixtures: PlanningInput;

let service: PlanService;

beforeAll(async () => {
  service = await openPlanService();
  ({ db, jobs, api } = service);
  fixtures = await planningInputFromDatabase(db);
});
afterAll(async () => {
  await service?.close();
});

const CREATE = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) {
  __typename
  ... on MutationCreateScenarioSuccess { data { id code name overridesJson summary
    overrides { priceMultipliers { scope code multiplier } demandGrowth { regionCode workloadClassCode multiplier } sitesOut carbonPricePerTonne planOptions } } }
  ... on ValidationError { issues { path message } }
  ... on ConflictError { message }
} }`;

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { id status options scenario { code } scenarioApplied
    sites { siteCode servedTokensPerSecond } unserved { regionCode workloadClassCode unservedTokensPerSecond reason explanation } } }
  ... on ValidationError { issues { path message } }
  ... on NotFoundError { message }
} }`;

const COMPARE = `query ($ids: [ID!]!) { compareScenarios(planIds: $ids) {
  planId scenarioCode costPerMillionTokens costPerHour energyCostPerHour capexCostPerHour tokensPerJoule facilityPowerMw
  carbonKgPerHour unservedTokensPerSecond siteChanges { siteCode baseTokensPerSecond tokensPerSecond changeTokensPerSecond }
} }`;

async function create(input: Record<string, unknown>) {
  return (await api.data(CREATE, { input })).createScenario;
}
async function request(input: Record<string, unknown>) {
  return (await api.data(REQUEST, { input: { wait: true, ...input } })).requestPlan;
}
const loadIn = (plan: Record<string, any>, country: string) =>
  plan.sites
    .filter((s: { siteCode: string }) => fixtures.sites.find((site) => site.code === s.siteCode)!.country === country)
    .reduce((sum: number, s: { servedTokensPerSecond: number }) => sum + s.servedTokensPerSecond, 0);

describe('scenarios', () => {
  let baseline: Record<string, any>;

  it('price ×1.5 in the US moves load away from US sites, and compareScenarios shows it', async () => {
    // at the fixtures' demand the fleet is nearly full and load has nowhere to go: both plans run at half demand
    const halfDemand = { demandGrowth: [{ multiplier: 0.5 }] };
    await create({ code: 'HALF-DEMAND', name: 'half demand', overrides: halfDemand });
    baseline = (await request({ name: 'half-demand', scenario: 'HALF-DEMAND' })).data;
    const scenario = await create({
      code: 'US-PRICE-150',
      name: 'US power +50 %',
      overrides: { ...halfDemand, priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.5 }] },
    });
    expect(scenario.__typename).toBe('MutationCreateScenarioSuccess');
    expect(scenario.data.summary).toEqual([
      'electricity price ×1.5 for sites in US',
      'demand ×0.5 for every class in every region',
    ]);
    // stored as given (GraphQL's nulls for fields left out are not stored), read back typed
    expect(scenario.data.overridesJson).toEqual({
      ...halfDemand,
      priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.5 }],
    });
    expect(scenario.data.overrides).toEqual({
      priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.5 }],
      demandGrowth: [{ regionCode: null, workloadClassCode: null, multiplier: 0.5 }],
      sitesOut: [],
      carbonPricePerTonne: null,
      planOptions: null,
    });

    const result = await request({ name: 'us-price', scenario: 'US-PRICE-150' });
    const plan = result.data;
    expect(plan).toMatchObject({ status: 'SOLVED', scenario: { code: 'US-PRICE-150' } });
    expect(plan.scenarioApplied).toEqual({
      code: 'US-PRICE-150',
      overrides: { ...halfDemand, priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.5 }] },
    });
    expect(loadIn(plan, 'US')).toBeLessThan(loadIn(baseline, 'US') - 1);

    const { compareScenarios } = await api.data(COMPARE, { ids: [baseline.id, plan.id] });
    expect(compareScenarios.map((row: { planId: string }) => row.planId)).toEqual([baseline.id, plan.id]);
    expect(compareScenarios[0]).toMatchObject({ scenarioCode: 'HALF-DEMAND', siteChanges: [] });
    expect(compareScenarios[1].scenarioCode).toBe('US-PRICE-150');
    expect(compareScenarios[1].costPerMillionTokens).toBeGreaterThan(compareScenarios[0].costPerMillionTokens);
    expect(compareScenarios[1].facilityPowerMw).toBeGreaterThan(0);
    const changes = compareScenarios[1].siteChanges;
    expect(changes.length).toBeGreaterThan(0);
    // largest change first, and some US site lost load
    const sizes = changes.map((c: { changeTokensPerSecond: number }) => Math.abs(c.changeTokensPerSecond));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(
      changes.some(
        (c: { siteCode: string; changeTokensPerSecond: number }) =>
          c.siteCode.startsWith('US-') && c.changeTokensPerSecond < 0,
      ),
    ).toBe(true);

    // by scenario code: the latest SOLVED plan of each, the same rows
    const byCode = await api.data(
      `{ compareScenarios(scenarioCodes: ["HALF-DEMAND", "US-PRICE-150"]) { planId costPerMillionTokens } }`,
    );
    expect(byCode.compareScenarios.map((row: { planId: string }) => row.planId)).toEqual([baseline.id, plan.id]);
    const missing = await api.graphql(`{ compareScenarios(scenarioCodes: ["NO-SUCH"]) { planId } }`);
    expect(missing.errors?.[0]?.message).toMatch(/scenarioCodes\[0\]: scenario "NO-SUCH" has no SOLVED plan/);
    const both = await api.graphql(`{ compareScenarios(planIds: [], scenarioCodes: []) { planId } }`);
    expect(both.errors?.[0]?.message).toMatch(/exactly one of planIds or scenarioCodes/);

    // plans of one scenario, and latestPlan by scenario
    const listed =
      await api.data(`{ plans(first: 10, filter: { scenarioCode: "US-PRICE-150" }) { totalCount edges { node { id } } }
      latestPlan(scenario: "HALF-DEMAND") { id } }`);
    expect(listed.plans.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([plan.id]);
    expect(listed.latestPlan.id).toBe(baseline.id);
    const window = await api.data(
      `query ($after: DateTime) { plans(first: 10, filter: { requestedAfter: $after }) { totalCount } }`,
      {
        after: new Date(Date.now() + 60_000).toISOString(),
      },
    );
    expect(window.plans.totalCount).toBe(0);
  });

  it('taking out every site in interactive reach of a region leaves its interactive demand unserved, with the reason', async () => {
    const regionCode = 'US-EAST';
    const interactive = fixtures.workloadClasses.find((c) => c.code === 'INTERACTIVE')!;
    const row = fixtures.regions
      .find((r) => r.code === regionCode)!
      .demand.find((d) => d.workloadClassCode === 'INTERACTIVE')!;
    const budgetMs = row.rttBudgetMs ?? interactive.rttBudgetMs!;
    const inReach = fixtures.latencies
      .filter((l) => l.regionCode === regionCode && l.rttMs <= budgetMs)
      .map((l) => l.siteCode);
    expect(inReach.length).toBeGreaterThan(0);

    expect(
      (await create({ code: 'EAST-OUT', name: 'US East outage', overrides: { sitesOut: inReach } })).__typename,
    ).toBe('MutationCreateScenarioSuccess');
    const plan = (await request({ scenario: 'EAST-OUT' })).data;
    expect(plan.status).toBe('SOLVED');
    expect(plan.sites.map((s: { siteCode: string }) => s.siteCode)).not.toEqual(expect.arrayContaining([inReach[0]]));
    const unserved = plan.unserved.find(
      (u: { regionCode: string; workloadClassCode: string }) =>
        u.regionCode === regionCode && u.workloadClassCode === 'INTERACTIVE',
    );
    expect(unserved).toBeDefined();
    expect(unserved.unservedTokensPerSecond).toBeCloseTo(row.tokensPerSecond, 0);
    expect(unserved.reason).toBe('NO_SITE_WITHIN_LATENCY');
    expect(unserved.explanation.length).toBeGreaterThan(0);
  });

  it('merges the scenario plan options under the request options', async () => {
    await create({
      code: 'OPTS',
      name: 'options',
      overrides: { carbonPricePerTonne: 50, planOptions: { targetUtilization: 0.7, maxSiteShare: 0.5 } },
    });
    const result = await api.data(REQUEST, { input: { scenario: 'OPTS', options: { targetUtilization: 0.9 } } });
    expect(result.requestPlan.data.options).toMatchObject({
      targetUtilization: 0.9,
      maxSiteShare: 0.5,
      carbonPricePerTonne: 50,
    });
    await jobs.plans.cancel(result.requestPlan.data.id);
  });

  it('refuses bad overrides with a ValidationError naming the path, and writes nothing', async () => {
    const before = await db.prisma.scenario.count();
    const badShape = await create({
      code: 'BAD',
      name: 'bad',
      overrides: { priceMultipliers: [{ scope: 'SITE', code: 'US-ASH', multiplier: -2 }] },
    });
    expect(badShape.__typename).toBe('ValidationError');
    expect(badShape.issues).toEqual([
      { path: 'input.overrides.priceMultipliers[0].multiplier', message: 'multiplier must be in [0, 100]' },
    ]);
    const unknown = await create({
      code: 'BAD',
      name: 'bad',
      overrides: { sitesOut: ['US-ASH', 'NO-SUCH'], demandGrowth: [{ regionCode: 'MARS', multiplier: 2 }] },
    });
    expect(unknown.__typename).toBe('ValidationError');
    expect(unknown.issues).toEqual([
      { path: 'input.overrides.demandGrowth[0].regionCode', message: 'no region MARS' },
      { path: 'input.overrides.sitesOut[1]', message: 'no site NO-SUCH' },
    ]);
    const badCode = await create({ code: 'bad code', name: 'bad', overrides: {} });
    expect(badCode.issues.map((i: { path: string }) => i.path)).toEqual(['input.code']);
    expect(await db.prisma.scenario.count()).toBe(before);
  });

  it('reports a scenario that no longer fits the data at request time, and queues no plan', async () => {
    await create({ code: 'GONE-SITE', name: 'refers to a site deleted later', overrides: { sitesOut: ['US-PHX'] } });
    await db.prisma.site.delete({ where: { code: 'US-PHX' } });
    const plans = await db.prisma.plan.count();
    const result = await request({ scenario: 'GONE-SITE' });
    expect(result).toEqual({
      __typename: 'ValidationError',
      issues: [{ path: 'input.scenario.overrides.sitesOut[0]', message: 'no site US-PHX' }],
    });
    expect((await request({ scenario: 'NOPE' })).__typename).toBe('NotFoundError');
    expect(await db.prisma.plan.count()).toBe(plans);
  });

  it('refuses a scenario that leaves nothing to plan, saying the scenario did it, and queues no plan', async () => {
    const sitesOut = (await planningInputFromDatabase(db)).sites.map((site) => site.code);
    await create({ code: 'ALL-OUT', name: 'every site out', overrides: { sitesOut } });
    const plans = await db.prisma.plan.count();
    const result = await request({ scenario: 'ALL-OUT' });
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues).toEqual([
      {
        path: 'input',
        message: expect.stringMatching(/^with scenario ALL-OUT applied, nothing to plan: the database has no ACTIVE/),
      },
    ]);
    expect(await db.prisma.plan.count()).toBe(plans);
    await db.prisma.scenario.delete({ where: { code: 'ALL-OUT' } }); // the list below counts the scenarios
  });

  it('updates, lists and deletes scenarios; plans keep the overrides they were solved with', async () => {
    const update = await api.data(
      `mutation { updateScenario(input: { code: "US-PRICE-150", name: "US power +80 %", overrides: { priceMultipliers: [{ scope: COUNTRY, code: "US", multiplier: 1.8 }] } }) {
        ... on MutationUpdateScenarioSuccess { data { name summary overrides { priceMultipliers { scope code multiplier } demandGrowth { multiplier } } } } } }`,
    );
    expect(update.updateScenario.data).toEqual({
      name: 'US power +80 %',
      summary: ['electricity price ×1.8 for sites in US'],
      overrides: { priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.8 }], demandGrowth: [] },
    });
    const list = await api.data(
      `{ scenarios(first: 2) { totalCount edges { node { code } } pageInfo { hasNextPage } } scenario(code: "OPTS") { code } }`,
    );
    expect(list.scenarios.totalCount).toBe(5);
    expect(list.scenarios.edges.map((e: { node: { code: string } }) => e.node.code)).toEqual(['EAST-OUT', 'GONE-SITE']);
    expect(list.scenario).toEqual({ code: 'OPTS' });

    const deleted = await api.data(
      `mutation { deleteScenario(input: { code: "US-PRICE-150" }) { __typename ... on MutationDeleteScenarioSuccess { data { code } } } }`,
    );
    expect(deleted.deleteScenario.data).toEqual({ code: 'US-PRICE-150' });
    const plans = await api.data(`{ plans(first: 20) { edges { node { name scenario { code } scenarioApplied } } } }`);
    const usPrice = plans.plans.edges.find((e: { node: { name: string } }) => e.node.name === 'us-price').node;
    expect(usPrice.scenario).toBeNull();
    expect(usPrice.scenarioApplied.overrides.priceMultipliers[0].multiplier).toBe(1.5);
  });
});
