// Warm re-solves end to end: plans requested through GraphQL, solved by the job
// on the fixtures database. After a site's price changes, the next plan starts
// from the first plan's stored basis and says so; a plan with a site excluded
// (another structure) and a plan asking warmStart: false start cold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPlanSummary } from '../../src/cli/plan.js';
import { decodeBasis } from '../../src/db/plan-basis.js';
import { storedPlanResult } from '../../src/db/plan-store.js';
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

const REQUEST = `mutation ($name: String, $options: PlanOptionsInput) {
  requestPlan(input: { name: $name, options: $options, wait: true }) {
    ... on MutationRequestPlanSuccess { data { id status solver message structureKey costPerHour
      warmStart { used fromPlanId coldReason simplexIterations fromPlanSolveMs } } }
    ... on ValidationError { issues { path message } }
  }
}`;

interface SolvedPlan {
  id: string;
  status: string;
  solver: string;
  message: string | null;
  structureKey: string;
  costPerHour: number;
  warmStart: {
    used: boolean;
    fromPlanId: string | null;
    coldReason: string | null;
    simplexIterations: number | null;
    fromPlanSolveMs: number | null;
  };
}

async function solve(name: string, options: Record<string, unknown> = {}): Promise<SolvedPlan> {
  const plan = (await api.data(REQUEST, { name, options })).requestPlan.data as SolvedPlan;
  expect(plan.status).toBe('SOLVED');
  // the first plan of a structure goes to CLP where it is installed (auto); a warm start is HiGHS's
  expect(['highs', 'clp']).toContain(plan.solver);
  return plan;
}

describe('warm re-solves through GraphQL and the solve job', () => {
  let first: SolvedPlan;

  beforeAll(async () => {
    first = await solve('first');
  });

  it('the first plan starts cold and stores its basis with its structure key', async () => {
    expect(first.warmStart).toMatchObject({
      used: false,
      fromPlanId: null,
      coldReason: 'no earlier plan of this structure has a stored basis',
    });
    expect(first.warmStart.simplexIterations).toBeGreaterThan(0);
    const row = await service.db.prisma.plan.findUniqueOrThrow({
      where: { id: first.id },
      select: { structureKey: true, basis: true, modelVariables: true, modelConstraints: true },
    });
    expect(row.structureKey).toBe(first.structureKey);
    const basis = decodeBasis(row.basis!);
    expect(basis?.columnStatus).toHaveLength(row.modelVariables!);
    expect(basis?.rowStatus).toHaveLength(row.modelConstraints!);
    expect(row.basis!.length).toBeLessThan(2000);
  });

  it('after a site’s price changes 5 %, the next plan starts warm from the first and says so', async () => {
    const { site } = await api.data(`query { site(code: "US-ASH") { pricePerKwh } }`);
    await api.data(`mutation ($input: UpdateSiteInput!) { updateSite(input: $input) { __typename } }`, {
      input: { code: 'US-ASH', pricePerKwh: site.pricePerKwh * 1.05 },
    });
    const second = await solve('second');
    expect(second.structureKey).toBe(first.structureKey);
    expect(second.warmStart).toMatchObject({ used: true, fromPlanId: first.id, coldReason: null });
    expect(second.warmStart.fromPlanSolveMs).toBeGreaterThan(0);
    expect(second.warmStart.simplexIterations).toBeLessThan(first.warmStart.simplexIterations!);
    expect(second.message).toContain(`warm start from plan ${first.id}'s basis`);
    // the CLI's summary (tokengrid plan --wait, plans show) says it on its Solver line
    const stored = await service.db.prisma.plan.findUniqueOrThrow({
      where: { id: second.id },
      select: { result: true },
    });
    const solverLine = formatPlanSummary(storedPlanResult(stored.result)!)
      .split('\n')
      .find((line) => line.startsWith('Solver: '));
    expect(solverLine).toMatch(new RegExp(`; warm start from plan ${first.id} \\(\\d+ simplex iterations\\)$`));
    // the next one starts from the newest plan of the structure
    const third = await solve('third');
    expect(third.warmStart).toMatchObject({ used: true, fromPlanId: second.id });
    expect(Math.abs(third.costPerHour - second.costPerHour) / second.costPerHour).toBeLessThan(1e-7);
  });

  it('a site excluded is another structure: that plan starts cold', async () => {
    const plan = await solve('without US-ASH', { excludeSites: ['US-ASH'] });
    expect(plan.structureKey).not.toBe(first.structureKey);
    expect(plan.warmStart).toMatchObject({
      used: false,
      fromPlanId: null,
      coldReason: 'no earlier plan of this structure has a stored basis',
    });
  });

  it('warmStart: false starts cold; a bad value is refused naming the field', async () => {
    const plan = await solve('cold on request', { warmStart: false });
    expect(plan.warmStart).toMatchObject({ used: false, fromPlanId: null, coldReason: 'warmStart is off' });
    const refused = await api.graphql(REQUEST, { name: 'bad', options: { warmStart: 'yes' } });
    expect(JSON.stringify(refused.errors)).toContain('warmStart');
  });
});
