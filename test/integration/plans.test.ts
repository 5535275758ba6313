// Plans as a service, through GraphQL against a real database: request → solve
// job → stored plan; cancel; failure recorded; snapshot reproducibility; a job
// that runs twice writes once; bad options write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createPlanRow, markRunning, snapshotHash } from '../../src/db/plan-store.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { solvePlan } from '../../src/jobs/solve-plan.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { DEFAULT_PLAN_OPTIONS, type PlanningInput } from '../../src/optimizer/types.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
/** enqueues only: its plans stay QUEUED until the solving instance below starts */
let enqueueOnly: Jobs;
let queueApi: ReturnType<typeof testApi>;
let solving: Jobs | undefined;
let api: ReturnType<typeof testApi>;

const QUEUE = { supervise: false, pollingIntervalSeconds: 0.5 };

beforeAll(async () => {
  db = await openTestDatabase();
  enqueueOnly = await startJobs(db, { worker: false, queue: QUEUE });
  queueApi = testApi(db, { jobs: enqueueOnly });
});
afterAll(async () => {
  await solving?.stop({ graceMs: 0 });
  await enqueueOnly?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

const PLAN_FIELDS = `id name status final inputHash options requestedAt startedAt finishedAt solver
  modelVariables modelConstraints modelNonzeros buildMs solveMs mipGap errorMessage message
  costPerMillionTokens costPerHour servedTokensPerSecond unservedTokensPerSecond itPowerKw facilityPowerKw
  sourcePlan { id }`;

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { ${PLAN_FIELDS} } }
  ... on ValidationError { issues { path message } }
} }`;

const RESOLVE = `mutation ($input: ResolvePlanInput!) { resolvePlan(input: $input) {
  __typename
  ... on MutationResolvePlanSuccess { data { ${PLAN_FIELDS} } }
  ... on NotFoundError { message }
} }`;

const CANCEL = `mutation ($id: ID!) { cancelPlan(input: { id: $id }) {
  __typename
  ... on MutationCancelPlanSuccess { data { id status finishedAt } }
  ... on NotFoundError { message }
} }`;

const PLAN = `query ($id: ID!) { plan(id: $id) { ${PLAN_FIELDS} } }`;

async function planCount(): Promise<number> {
  return db.prisma.plan.count();
}

describe('before any worker runs', () => {
  it('refuses bad options with a ValidationError naming each field, and creates no plan', async () => {
    const before = await planCount();
    const result = await queueApi.data(REQUEST, {
      input: { options: { targetUtilization: 1.5, periods: 7, integerGpus: true, solver: 'JSLP' } },
    });
    expect(result.requestPlan.__typename).toBe('ValidationError');
    const paths = result.requestPlan.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['input.options.targetUtilization', 'input.options.periods']));
    expect(await planCount()).toBe(before);
  });

  it('queues a plan with its snapshot and cancels it at once; its job then does nothing', async () => {
    const result = await queueApi.data(REQUEST, { input: { name: 'to cancel' } });
    const plan = result.requestPlan.data;
    expect(plan).toMatchObject({ name: 'to cancel', status: 'QUEUED', final: false, startedAt: null });
    expect(plan.options).toEqual(DEFAULT_PLAN_OPTIONS);
    expect(plan.inputHash).toBe(snapshotHash(await planningInputFromDatabase(db)));
    // the job exists beside the plan (same transaction)
    const jobs = await db.query<{ data: { planId: string } }>(`SELECT data FROM pgboss.job WHERE name = 'solve-plan'`);
    expect(jobs.map((j) => j.data.planId)).toContain(plan.id);

    const cancelled = await queueApi.data(CANCEL, { id: plan.id });
    expect(cancelled.cancelPlan.data).toMatchObject({ id: plan.id, status: 'CANCELLED' });
    expect(await solvePlan(db, { planId: plan.id })).toBe('skipped');
    const after = await queueApi.data(PLAN, { id: plan.id });
    expect(after.plan).toMatchObject({ status: 'CANCELLED', final: true, startedAt: null, costPerMillionTokens: null });
  });

  it('answers NotFoundError for a plan that does not exist', async () => {
    const result = await queueApi.data(CANCEL, { id: '00000000-0000-4000-8000-000000000000' });
    expect(result.cancelPlan.__typename).toBe('NotFoundError');
    expect((await queueApi.data(PLAN, { id: 'not-a-uuid' })).plan).toBeNull();
  });
});

describe('with a solving worker', () => {
  let solved: Record<string, any>;

  beforeAll(async () => {
    solving = await startJobs(db, { queue: QUEUE });
    api = testApi(db, { jobs: solving });
  });

  it('request → wait → a SOLVED plan costing what a direct solve of the same data costs', async () => {
    const direct = await solvePlacement(await planningInputFromDatabase(db), DEFAULT_PLAN_OPTIONS);
    const result = await api.data(REQUEST, { input: { name: 'baseline', wait: true } });
    solved = result.requestPlan.data;
    expect(solved).toMatchObject({
      name: 'baseline',
      status: 'SOLVED',
      final: true,
      errorMessage: null,
      sourcePlan: null,
    });
    expect(solved.costPerMillionTokens).toBeCloseTo(direct.totals!.costPerMillionTokens!, 9);
    expect(solved.servedTokensPerSecond).toBeCloseTo(direct.totals!.servedTokensPerSecond, 6);
    expect(solved.solver).toBe(direct.solver);
    expect(solved.modelVariables).toBe(direct.modelSize.variables);
    expect(solved.modelConstraints).toBe(direct.modelSize.constraints);
    expect(new Date(solved.finishedAt) >= new Date(solved.startedAt)).toBe(true);
    expect(new Date(solved.startedAt) >= new Date(solved.requestedAt)).toBe(true);
  });

  it('exposes the result rows, allocations paginated and filtered', async () => {
    const query = `query ($id: ID!, $site: String!) { plan(id: $id) {
      totals { costPerMillionTokens servedTokensPerSecond costPerHour { total penalty } }
      sites { siteCode servedTokensPerSecond gpus { gpuTypeCode gpusBusy } }
      regions { regionCode servedTokensPerSecond sources { siteCode share } }
      unserved { regionCode reason explanation }
      shadowPrices { gpus { siteCode valuePerGpuPerHour } power { siteCode } demand { regionCode } }
      all: allocations(first: 100) { totalCount edges { cursor node { siteCode regionCode workloadClassCode tokensPerSecond } } }
      atSite: allocations(filter: { siteCodes: [$site] }, first: 100) { totalCount edges { node { siteCode } } }
    } }`;
    const busiest = (await db.prisma.plan.findUniqueOrThrow({ where: { id: solved.id } })).result as any;
    const site = [...busiest.sites].sort((a: any, b: any) => b.servedTokensPerSecond - a.servedTokensPerSecond)[0]
      .siteCode;
    const { plan } = await api.data(query, { id: solved.id, site });
    expect(plan.totals.costPerMillionTokens).toBe(solved.costPerMillionTokens);
    expect(plan.sites.length).toBeGreaterThan(0);
    expect(plan.regions.length).toBeGreaterThan(0);
    expect(plan.all.totalCount).toBe(busiest.allocations.length);
    // the page after the second row starts at the third
    const after = plan.all.edges[1].cursor;
    const page2 = await api.data(
      `query ($id: ID!, $after: String) { plan(id: $id) { allocations(first: 2, after: $after) {
      pageInfo { hasNextPage } edges { node { siteCode regionCode workloadClassCode } } } } }`,
      { id: solved.id, after },
    );
    expect(page2.plan.allocations.edges.map((e: any) => e.node)).toEqual(
      plan.all.edges.slice(2, 4).map(({ node: { tokensPerSecond: _, ...row } }: any) => row),
    );
    expect(plan.atSite.totalCount).toBeGreaterThan(0);
    expect(plan.atSite.edges.every((edge: { node: { siteCode: string } }) => edge.node.siteCode === site)).toBe(true);
    const bad = await api.graphql(`query ($id: ID!) { plan(id: $id) { allocations(first: 500) { totalCount } } }`, {
      id: solved.id,
    });
    expect(bad.errors?.[0]?.message).toMatch(/first must be between 1 and 100/);
  });

  it('lists plans newest first, filters by status, and finds the latest solved one', async () => {
    const { plans, latestPlan, cancelled } = await api.data(`{
      plans(first: 10) { totalCount edges { node { id status requestedAt } } }
      cancelled: plans(first: 10, filter: { status: [CANCELLED] }) { totalCount }
      latestPlan { id }
    }`);
    const times = plans.edges.map((e: any) => Date.parse(e.node.requestedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(cancelled.totalCount).toBe(1);
    expect(latestPlan.id).toBe(solved.id);
  });

  it('re-solves a stored snapshot to the same cost after the data changed; a fresh plan differs', async () => {
    const result = (await db.prisma.plan.findUniqueOrThrow({ where: { id: solved.id } })).result as any;
    const busiest = [...result.sites].sort((a: any, b: any) => b.servedTokensPerSecond - a.servedTokensPerSecond)[0]
      .siteCode;
    const site = await db.prisma.site.findUniqueOrThrow({ where: { code: busiest } });
    await api.data(`mutation ($input: UpdateSiteInput!) { updateSite(input: $input) { __typename } }`, {
      input: { code: busiest, pricePerKwh: Math.min(2, site.pricePerKwh * 10) },
    });

    const again = (await api.data(RESOLVE, { input: { sourcePlanId: solved.id, wait: true } })).resolvePlan.data;
    expect(again).toMatchObject({ status: 'SOLVED', inputHash: solved.inputHash, sourcePlan: { id: solved.id } });
    expect(again.id).not.toBe(solved.id);
    expect(again.costPerMillionTokens).toBeCloseTo(solved.costPerMillionTokens, 9);

    const fresh = (await api.data(REQUEST, { input: { wait: true } })).requestPlan.data;
    expect(fresh.status).toBe('SOLVED');
    expect(fresh.inputHash).not.toBe(solved.inputHash);
    expect(fresh.costPerMillionTokens).toBeGreaterThan(solved.costPerMillionTokens * 1.0001);

    const missing = await api.data(RESOLVE, { input: { sourcePlanId: '00000000-0000-4000-8000-000000000000' } });
    expect(missing.resolvePlan.__typename).toBe('NotFoundError');
  });

  it('records a snapshot the solver rejects as FAILED with its message', async () => {
    const snapshot = await planningInputFromDatabase(db);
    const broken: PlanningInput = { ...snapshot, sites: [...snapshot.sites, snapshot.sites[0]!] };
    const plan = await solving!.plans.enqueue({
      name: 'broken',
      options: { ...DEFAULT_PLAN_OPTIONS },
      snapshot: broken,
    });
    await solving!.plans.waitForFinal(plan.id, { timeoutMs: 30_000 });
    const { plan: failed } = await api.data(PLAN, { id: plan.id });
    expect(failed).toMatchObject({ status: 'FAILED', final: true, costPerMillionTokens: null });
    expect(failed.errorMessage).toMatch(/duplicate site code/);
  });

  it('cancels a running plan: the solve is stopped and no result is written', async () => {
    const options = { periods: 24, integerGpus: true, mipGapRelative: 0, timeLimitSeconds: 120 };
    const plan = (await api.data(REQUEST, { input: { name: 'long', options } })).requestPlan.data;
    await waitForStatus(plan.id, 'RUNNING');
    const cancelled = await api.data(CANCEL, { id: plan.id });
    expect(cancelled.cancelPlan.data.status).toBe('CANCELLED');
    await solving!.plans.waitForFinal(plan.id, { timeoutMs: 5_000 });
    // the aborted job has returned (or will) without writing: the row stays as the cancel left it
    await new Promise((resolve) => setTimeout(resolve, 300));
    const row = await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(row.status).toBe('CANCELLED');
    expect(row.result).toBeNull();
  });

  it('writes a plan once when its job runs twice, at the same time or after it finished', async () => {
    const snapshot = await planningInputFromDatabase(db);
    // a row without a queued job, so only the runs below touch it
    const plan = await createPlanRow(db.prisma, { name: 'twice', options: { ...DEFAULT_PLAN_OPTIONS }, snapshot });
    const outcomes = await Promise.all([solvePlan(db, { planId: plan.id }), solvePlan(db, { planId: plan.id })]);
    expect(outcomes.sort()).toEqual(['recorded', 'skipped']);
    const written = await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(written.status).toBe('SOLVED');
    expect(await solvePlan(db, { planId: plan.id }, { takeOverRunning: true })).toBe('skipped');
    expect((await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).updatedAt).toEqual(written.updatedAt);

    // two attempts that both take over a RUNNING plan (a worker died): both solve, one writes
    const taken = await createPlanRow(db.prisma, {
      name: 'taken over',
      options: { ...DEFAULT_PLAN_OPTIONS },
      snapshot,
    });
    expect(await markRunning(db.prisma, taken.id)).toBe(true);
    const takeovers = await Promise.all([
      solvePlan(db, { planId: taken.id }, { takeOverRunning: true }),
      solvePlan(db, { planId: taken.id }, { takeOverRunning: true }),
    ]);
    expect(takeovers.sort()).toEqual(['recorded', 'superseded']);
  });

  it('refuses a job payload that is not { planId: uuid }', async () => {
    await expect(solvePlan(db, { planId: 'x' })).rejects.toThrow(/invalid payload: planId/);
    await expect(solvePlan(db, { planId: '00000000-0000-4000-8000-000000000000', extra: 1 })).rejects.toThrow(
      /invalid payload/,
    );
  });
});

async function waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const row = await db.prisma.plan.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (row.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`plan ${id} did not reach ${status} within ${timeoutMs} ms`);
}
