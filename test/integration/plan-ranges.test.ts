// Sensitivity ranges through GraphQL (issue 14 item 4): a plan solved by the
// job worker answers each site's price and power-cap range and each GPU pool's
// range, the same numbers the optimizer gives for the same data; a plan without
// an optimal basis answers null ranges and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { id status rangesUnavailableReason
    sites { siteCode ranges { pricePerKwh { low high } powerCapKw { low high } } gpus { gpuTypeCode gpusRange { low high } } }
  } }
  ... on ValidationError { issues { path message } }
} }`;

let service: PlanService;
beforeAll(async () => {
  service = await openPlanService();
});
afterAll(async () => {
  await service?.close();
});

async function requestPlan(options: Record<string, unknown>) {
  const answer = await service.api.data(REQUEST, { input: { wait: true, options } });
  expect(answer.requestPlan.__typename, JSON.stringify(answer.requestPlan)).toBe('MutationRequestPlanSuccess');
  return answer.requestPlan.data;
}

describe('Plan sensitivity ranges in GraphQL', () => {
  it('a HiGHS LP plan: every site and pool ranged, as the optimizer ranges the same data', async () => {
    const plan = await requestPlan({ solver: 'HIGHS' });
    expect(plan.status).toBe('SOLVED');
    expect(plan.rangesUnavailableReason).toBeNull();
    const direct = await solvePlacement(await planningInputFromDatabase(service.db), { solver: 'highs' });
    expect(plan.sites).toHaveLength(direct.sites.length);
    for (const site of plan.sites) {
      const expected = direct.sites.find((s) => s.siteCode === site.siteCode)!;
      expect(site.ranges).toEqual(expected.ranges);
      expect(site.gpus.map((g: { gpusRange: unknown }) => g.gpusRange)).toEqual(expected.gpus.map((g) => g.gpusRange));
      // the price a site has lies inside its range
      const { low, high } = site.ranges.pricePerKwh;
      expect(low).toBeGreaterThanOrEqual(0);
      if (high !== null) expect(high).toBeGreaterThanOrEqual(low);
    }
    expect(
      plan.sites.some((s: { ranges: { pricePerKwh: { high: number | null } } }) => s.ranges.pricePerKwh.high !== null),
    ).toBe(true);
  }, 300_000);

  it('an integer plan: null ranges and the reason', async () => {
    const plan = await requestPlan({ integerGpus: true, timeLimitSeconds: 30 });
    expect(plan.sites.every((s: { ranges: unknown }) => s.ranges === null)).toBe(true);
    expect(
      plan.sites
        .flatMap((s: { gpus: { gpusRange: unknown }[] }) => s.gpus)
        .every((g: { gpusRange: unknown }) => g.gpusRange === null),
    ).toBe(true);
    expect(plan.rangesUnavailableReason).toMatch(/^no optimal basis to range: integer plans have no dual values/);
  }, 300_000);
});
