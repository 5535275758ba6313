// Plan diffs through GraphQL with real solves on the fixtures: a site made
// expensive loses load in changesFromPrevious; a plan against itself is empty;
// bad `against` ids are errors naming the argument.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { testApi } from '../helpers/api.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

let api: ReturnType<typeof testApi>;
let service: PlanService;

beforeAll(async () => {
  service = await openPlanService();
  ({ api } = service);
});
afterAll(async () => {
  await service?.close();
});

const REQUEST = `mutation ($name: String) { requestPlan(input: { name: $name, wait: true }) {
  ... on MutationRequestPlanSuccess { data { id status sites { siteCode servedTokensPerSecond } } }
} }`;

const DIFF_FIELDS = `fromPlanId toPlanId unchanged
  siteGpus { siteCode gpuTypeCode gpusBusyChange gpusAddedChange tokensPerSecondChange }
  sites { siteCode fromTokensPerSecond toTokensPerSecond tokensPerSecondChange costPerHourChange }
  regions { regionCode workloadClassCode movedTokensPerSecond flows { fromSiteCode toSiteCode tokensPerSecond } }
  flows { regionCode workloadClassCode fromSiteCode toSiteCode tokensPerSecond }
  totals { costPerMillionTokens costPerHour { total energy } servedTokensPerSecond unservedTokensPerSecond gpusBusy }`;

async function solve(name: string) {
  const plan = (await api.data(REQUEST, { name })).requestPlan.data;
  expect(plan.status).toBe('SOLVED');
  return plan as { id: string; sites: { siteCode: string; servedTokensPerSecond: number }[] };
}

describe('plan diffs', () => {
  let first: Awaited<ReturnType<typeof solve>>;
  let busiest: string;

  beforeAll(async () => {
    first = await solve('before');
    busiest = [...first.sites].sort((a, b) => b.servedTokensPerSecond - a.servedTokensPerSecond)[0]!.siteCode;
  });

  it('has no changes from a previous plan for the first plan, and none against itself', async () => {
    const { plan } = await api.data(
      `query ($id: ID!) { plan(id: $id) { changesFromPrevious { unchanged } diff(against: $id) { ${DIFF_FIELDS} } } }`,
      {
        id: first.id,
      },
    );
    expect(plan.changesFromPrevious).toBeNull();
    expect(plan.diff).toMatchObject({
      fromPlanId: first.id,
      toPlanId: first.id,
      unchanged: true,
      siteGpus: [],
      sites: [],
      regions: [],
      flows: [],
    });
    expect(plan.diff.totals).toMatchObject({
      costPerMillionTokens: 0,
      costPerHour: { total: 0 },
      servedTokensPerSecond: 0,
    });
  });

  it('shows load moving away from a site whose power became much dearer', async () => {
    await api.data(`mutation ($input: UpdateSiteInput!) { updateSite(input: $input) { __typename } }`, {
      input: { code: busiest, pricePerKwh: 2 },
    });
    const second = await solve('after');
    const { plan } = await api.data(
      `query ($id: ID!, $site: String!) { plan(id: $id) {
        changesFromPrevious { ${DIFF_FIELDS} }
        leaving: changesFromPrevious { flows(fromSiteCode: $site) { tokensPerSecond toSiteCode } }
        diff(against: "${first.id}") { fromPlanId sites { siteCode tokensPerSecondChange } }
      } }`,
      { id: second.id, site: busiest },
    );
    const changes = plan.changesFromPrevious;
    expect(changes).toMatchObject({ fromPlanId: first.id, toPlanId: second.id, unchanged: false });
    expect(plan.diff.fromPlanId).toBe(first.id);
    expect(plan.diff.sites).toEqual(
      changes.sites.map(({ siteCode, tokensPerSecondChange }: any) => ({ siteCode, tokensPerSecondChange })),
    );

    const site = changes.sites.find((s: any) => s.siteCode === busiest);
    expect(site.tokensPerSecondChange).toBeLessThan(0);
    const leaving = plan.leaving.flows.reduce((sum: number, f: any) => sum + f.tokensPerSecond, 0);
    // every token/s the site lost leaves it as a flow, to another site or to unserved
    expect(leaving).toBeCloseTo(-site.tokensPerSecondChange, 3);
    expect(plan.leaving.flows.some((f: any) => f.toSiteCode !== null && f.toSiteCode !== busiest)).toBe(true);
    expect(changes.siteGpus.some((g: any) => g.siteCode === busiest && g.gpusBusyChange < 0)).toBe(true);
    // largest change first
    const sizes = changes.sites.map((s: any) => Math.abs(s.tokensPerSecondChange));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(changes.totals.costPerMillionTokens).toBeGreaterThan(0);
  });

  it('refuses an `against` that is no plan or has no solution, naming the argument', async () => {
    const missing = await api.graphql(
      `{ latestPlan { diff(against: "00000000-0000-4000-8000-000000000000") { unchanged } } }`,
    );
    expect(missing.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^against: plan .* does not exist/),
      extensions: { code: 'NOT_FOUND' },
    });
    const garbage = await api.graphql(`{ latestPlan { diff(against: "nope") { unchanged } } }`);
    expect(garbage.errors?.[0]?.message).toMatch(/^against: plan "nope" does not exist/);

    const queued = (
      await api.data(
        `mutation { cancelPlan: requestPlan(input: { name: "queued" }) { ... on MutationRequestPlanSuccess { data { id } } } }`,
      )
    ).cancelPlan.data.id;
    await api.data(`mutation ($id: ID!) { cancelPlan(input: { id: $id }) { __typename } }`, { id: queued });
    const unsolved = await api.graphql(`query ($id: ID!) { latestPlan { diff(against: $id) { unchanged } } }`, {
      id: queued,
    });
    expect(unsolved.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^against: plan .* is CANCELLED/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
