// Plan sweeps through GraphQL on the fixtures, with real solves: one plan per
// value, each equal to the plan a scenario with that value gives; a bad value
// or scope writes nothing; a sweep counts as its number of plan requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/limits-config.js';
import { testApi } from '../helpers/api.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';
import { until } from '../helpers/until.js';

let service: PlanService;
let api: PlanService['api'];

beforeAll(async () => {
  service = await openPlanService();
  api = service.api;
});
afterAll(async () => {
  await service?.close();
});

const ERRORS = '... on ValidationError { issues { path message } } ... on NotFoundError { message }';
const REQUEST_SWEEP = `mutation ($input: RequestPlanSweepInput!) { requestPlanSweep(input: $input) {
  __typename ... on MutationRequestPlanSweepSuccess { data { id parameter values status pointsFinal points { value index status } } } ${ERRORS} } }`;
const SWEEP = `query ($id: ID!) { planSweep(id: $id) { id name parameter values scope scenarioCode status pointsFinal
  points { value index status costPerMillionTokens costPerHour carbonKgPerHour carbonKgPerMillionTokens servedTokensPerSecond unservedTokensPerSecond
    plan { id name status costPerMillionTokens totals { carbonKgPerHour carbonKgPerMillionTokens } scenarioApplied } } } }`;
const REQUEST_PLAN = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename ... on MutationRequestPlanSuccess { data { id status costPerMillionTokens costPerHour unservedTokensPerSecond totals { carbonKgPerHour } } } ${ERRORS} } }`;
const CREATE_SCENARIO = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) { __typename } }`;

async function requestSweep(input: Record<string, unknown>, client = api) {
  const result = await client.graphql(REQUEST_SWEEP, { input });
  return result.data?.requestPlanSweep ?? result;
}

async function finished(id: string) {
  return until(
    `sweep ${id} to finish`,
    async () => {
      const { planSweep } = await api.data(SWEEP, { id });
      return planSweep.status === 'FINISHED' ? planSweep : null;
    },
    180_000,
  );
}

async function counts() {
  const [plans, sweeps] = await Promise.all([service.db.prisma.plan.count(), service.db.prisma.planSweep.count()]);
  return { plans, sweeps };
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));

describe('requestPlanSweep', () => {
  it('solves one plan per price multiplier, each the plan that scenario gives', async () => {
    const requested = await requestSweep({
      name: 'price',
      parameter: 'PRICE_MULTIPLIER',
      values: [1.2, 0.8, 1],
      scope: { country: 'US' },
    });
    expect(requested.__typename).toBe('MutationRequestPlanSweepSuccess');
    expect(requested.data.values).toEqual([1.2, 0.8, 1]);
    expect(requested.data.points.map((p: { value: number }) => p.value)).toEqual([1.2, 0.8, 1]);
    const sweep = await finished(requested.data.id);
    expect(sweep.pointsFinal).toBe(3);
    expect(sweep.scope).toEqual({ country: 'US' });
    for (const point of sweep.points) {
      expect(point.status).toBe('SOLVED');
      expect(point.plan.name).toBe(`price: PRICE_MULTIPLIER ${point.value}`);
      // the curve's columns are the plan's result
      close(point.costPerMillionTokens, point.plan.costPerMillionTokens);
      close(point.carbonKgPerHour, point.plan.totals.carbonKgPerHour);
      close(point.carbonKgPerMillionTokens, point.plan.totals.carbonKgPerMillionTokens);
    }
    const at = (value: number) => sweep.points.find((p: { value: number }) => p.value === value);
    // dearer electricity in the US never makes the plan cheaper
    expect(at(0.8).costPerHour).toBeLessThanOrEqual(at(1).costPerHour + 1e-6);
    expect(at(1).costPerHour).toBeLessThanOrEqual(at(1.2).costPerHour + 1e-6);
    expect(at(1.2).costPerHour).toBeGreaterThan(at(0.8).costPerHour);

    // the point at 1.2 is the plan a stored scenario with the same multiplier gives; the point at 1 the plain plan
    await api.data(CREATE_SCENARIO, {
      input: {
        code: 'US-PRICE-1-2',
        name: 'US ×1.2',
        overrides: { priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.2 }] },
      },
    });
    const withScenario = (await api.data(REQUEST_PLAN, { input: { scenario: 'US-PRICE-1-2', wait: true } }))
      .requestPlan;
    close(at(1.2).costPerHour, withScenario.data.costPerHour);
    const plain = (await api.data(REQUEST_PLAN, { input: { wait: true } })).requestPlan;
    close(at(1).costPerHour, plain.data.costPerHour);
    close(at(1).carbonKgPerHour, plain.data.totals.carbonKgPerHour);
  });

  it('sweeps a region’s latency budget: a tighter budget never serves more', async () => {
    const requested = await requestSweep({
      parameter: 'LATENCY_BUDGET_MS',
      values: [5, 200],
      scope: { regionCode: 'US-EAST', workloadClassCode: 'INTERACTIVE' },
      options: { unservedPenaltyPerMillionTokens: 50 },
    });
    expect(requested.__typename).toBe('MutationRequestPlanSweepSuccess');
    const sweep = await finished(requested.data.id);
    const [tight, loose] = sweep.points;
    expect(tight.value).toBe(5);
    expect(tight.status).toBe('SOLVED');
    expect(tight.unservedTokensPerSecond).toBeGreaterThan(loose.unservedTokensPerSecond);
    expect(tight.plan.scenarioApplied).toBeNull();
  });

  it('refuses bad values and scopes with one line naming the field, and writes nothing', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ parameter: 'PRICE_MULTIPLIER', values: [1] }, 'input.values', /2 to 50 values \(got 1\)/],
      [
        { parameter: 'PRICE_MULTIPLIER', values: Array.from({ length: 51 }, (_, i) => i / 10) },
        'input.values',
        /got 51/,
      ],
      [{ parameter: 'PRICE_MULTIPLIER', values: [1, 2, 1] }, 'input.values[2]', /already values\[0\]/],
      [{ parameter: 'DEMAND_GROWTH', values: [1, -0.5] }, 'input.values[1]', /between 0 and 100/],
      [{ parameter: 'LATENCY_BUDGET_MS', values: [20, 2500] }, 'input.values[1]', /between 0 and 2000/],
      [
        { parameter: 'PRICE_MULTIPLIER', values: [1, 2], scope: { regionCode: 'US-EAST' } },
        'input.scope.regionCode',
        /does not apply to PRICE_MULTIPLIER/,
      ],
      [
        { parameter: 'PRICE_MULTIPLIER', values: [1, 2], scope: { siteCode: 'XX-NOPE' } },
        'input.scope.siteCode',
        /no site XX-NOPE/,
      ],
      [
        { parameter: 'DEMAND_GROWTH', values: [1, 2], scope: { workloadClassCode: 'NOPE' } },
        'input.scope.workloadClassCode',
        /no workload class NOPE/,
      ],
      [{ parameter: 'DEMAND_GROWTH', values: [0, 1] }, 'input.values[0]', /^with demand ×0 .*, /],
      [
        { parameter: 'PRICE_MULTIPLIER', values: [1, 2], options: { targetUtilization: 7 } },
        'input.options.targetUtilization',
        /./,
      ],
    ];
    for (const [input, path, message] of cases) {
      const answer = await requestSweep(input);
      expect(answer.__typename, JSON.stringify(input)).toBe('ValidationError');
      const issue = answer.issues.find((i: { path: string }) => i.path === path);
      expect(issue, `${path} in ${JSON.stringify(answer.issues)}`).toBeDefined();
      expect(issue.message).toMatch(message);
      expect(issue.message).not.toContain('\n');
    }
    const missing = await requestSweep({ parameter: 'PRICE_MULTIPLIER', values: [1, 2], scenario: 'NO-SUCH' });
    expect(missing.__typename).toBe('NotFoundError');
    expect(await counts()).toEqual(before);
  });

  it('is one request against the plan-request rate limit, whatever its number of values', async () => {
    const limited = testApi(service.db, {
      jobs: service.jobs,
      limits: { ...DEFAULT_LIMITS, planRequestRate: { perMinute: 1, burst: 2 } },
    });
    // six values past a burst of two: one request
    const six = await requestSweep({ parameter: 'PRICE_MULTIPLIER', values: [1, 2, 3, 4, 5, 6] }, limited);
    expect(six.__typename).toBe('MutationRequestPlanSweepSuccess');
    const plan = await limited.graphql(REQUEST_PLAN, { input: {} });
    expect(plan.data?.requestPlan.__typename).toBe('MutationRequestPlanSuccess');
    // the bucket is empty now: the next sweep waits like any plan request
    const refused = await limited.graphql(REQUEST_SWEEP, { input: { parameter: 'PRICE_MULTIPLIER', values: [1, 2] } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toMatch(
      /^Too many plan requests: the limit is 1 per minute, at most 2 at once; retry in \d+ s\.$/,
    );
    await finished(six.data.id);
  });

  it('lists sweeps newest first', async () => {
    const { planSweeps } = await api.data(
      '{ planSweeps(first: 2) { totalCount edges { node { id parameter status points { value } } } } }',
    );
    expect(planSweeps.totalCount).toBe(3);
    expect(planSweeps.edges[0].node.points.map((p: { value: number }) => p.value)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(planSweeps.edges[1].node.parameter).toBe('LATENCY_BUDGET_MS');
  });
});
