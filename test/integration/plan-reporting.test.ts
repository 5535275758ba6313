// Plans through the service, as a planner reads them (issue 9): a RETIRED
// site plans as if it were not there; allocations come in code order; cost is
// money everywhere (API, CLI summary, plans diff, webhook) and a plan that
// leaves demand unserved says so first; no plan over no data.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePlan } from '../../src/cli/plan-service.js';
import { fmt, formatPlanSummary } from '../../src/cli/plan.js';
import { formatPlanDiff } from '../../src/cli/plans.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import { startJobs } from '../../src/jobs/runtime.js';
import { webhookSummary } from '../../src/jobs/plan-webhook.js';
import { scheduleQueueName } from '../../src/jobs/schedules.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanResult, type PlanningInput } from '../../src/optimizer/types.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { diffPlans } from '../../src/plans/diff.js';
import { testApi } from '../helpers/api.js';
import { cliWorkspace, runCli } from '../helpers/cli.js';
import { openTestDatabase } from '../helpers/database.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { id status errorMessage costPerHour
    totals { costPerHour { total energy capex egress carbon } unserved { tokensPerSecond penaltyPerHour } unservedTokensPerSecond }
    unserved { reason unservedTokensPerSecond }
    shadowPrices { gpus { siteCode gpuTypeCode valuePerGpuPerHour basis servesUnservedTokensPerSecond } }
    allocations(first: 100) { totalCount edges { node { siteCode regionCode workloadClassCode period tokensPerSecond } } }
  } }
  ... on ValidationError { issues { path message } }
} }`;

const RETIRE = `mutation ($code: String!) { updateSite(input: { code: $code, status: RETIRED }) { __typename } }`;
const DIFF = `query ($id: ID!, $against: ID!) { plan(id: $id) { diff(against: $against) { totals { costPerHour { total } unservedTokensPerSecond } } } }`;

let service: PlanService;

beforeAll(async () => {
  service = await openPlanService();
});
afterAll(async () => {
  await service?.close();
});

async function storedResult(id: string): Promise<PlanResult> {
  const row = await service.db.prisma.plan.findUniqueOrThrow({ where: { id }, select: { result: true } });
  return row.result as unknown as PlanResult;
}

async function requestPlan(options: Record<string, unknown>) {
  const answer = await service.api.data(REQUEST, { input: { wait: true, options } });
  expect(answer.requestPlan.__typename, JSON.stringify(answer.requestPlan)).toBe('MutationRequestPlanSuccess');
  return answer.requestPlan.data;
}

const money = (value: number) => `$${fmt(value)}`;

describe('one meaning of cost, and unserved demand said first', () => {
  let plain: any;
  let shared: any;
  beforeAll(async () => {
    plain = await requestPlan({ periods: 24 });
    shared = await requestPlan({ periods: 24, maxSiteShare: 0.5 });
  });

  it('API, CLI summary, stored plan, webhook payload and plans diff show the same money figures', async () => {
    expect(plain.status).toBe('SOLVED');
    const cost = plain.totals.costPerHour;
    // money only: the parts add up to the total; the penalty is reported apart
    expect(cost.total).toBeCloseTo(cost.energy + cost.capex + cost.egress + cost.carbon, 6);
    expect(plain.costPerHour).toBeCloseTo(cost.total, 9);
    expect(plain.totals.unserved.tokensPerSecond).toBe(plain.totals.unservedTokensPerSecond);
    expect(plain.totals.unserved.penaltyPerHour).toBeGreaterThan(0);

    const result = await storedResult(plain.id);
    const summary = formatPlanSummary(result);
    expect(summary).toContain(`Cost per hour: ${money(cost.total)} (`);
    expect(describePlan(await service.db.prisma.plan.findUniqueOrThrow({ where: { id: plain.id } }))).toContain(
      `Cost per hour: ${money(cost.total)} (`,
    );

    const hook = await webhookSummary(service.db, plain.id);
    expect(hook.totals!.costPerHour).toBe(cost.total);
    expect(hook.totals!.costPerHourSplit.total).toBe(cost.total);
    expect(hook.totals!.unserved).toEqual(plain.totals.unserved);
    expect(hook.headline).toContain(`${money(cost.total)}/h`);

    const apiDiff = (await service.api.data(DIFF, { id: shared.id, against: plain.id })).plan.diff;
    const change = shared.totals.costPerHour.total - cost.total;
    expect(apiDiff.totals.costPerHour.total).toBeCloseTo(change, 6);
    const [fromRow, toRow] = await Promise.all(
      [plain.id, shared.id].map((id) => service.db.prisma.plan.findUniqueOrThrow({ where: { id } })),
    );
    const cliDiff = formatPlanDiff(
      plain.id,
      shared.id,
      fromRow!,
      toRow!,
      diffPlans(await storedResult(plain.id), await storedResult(shared.id)),
    );
    const signedText = `${apiDiff.totals.costPerHour.total > 0 ? '+' : '−'}${fmt(Math.abs(apiDiff.totals.costPerHour.total))}`;
    expect(cliDiff).toContain(`Cost per hour: ${signedText} $/h (`);
  });

  it('a plan that leaves demand unserved says so in its first line, with how much and why', async () => {
    expect(plain.totals.unservedTokensPerSecond).toBeGreaterThan(0);
    const result = await storedResult(plain.id);
    const reasons = [...new Set(result.unserved.map((u) => u.reason))];
    const [first] = formatPlanSummary(result).split('\n');
    expect(first).toMatch(/leaves [\d.,]+ [kM] tok\/s \([\d.]+%\) of demand unserved: /);
    expect(first).toMatch(/GPU capacity|power caps|the site-share limit|no site within latency|residency rules/);
    const row = await service.db.prisma.plan.findUniqueOrThrow({ where: { id: plain.id } });
    expect(describePlan(row).split('\n')[0]).toMatch(/of demand unserved/);
    const hook = await webhookSummary(service.db, plain.id);
    expect(hook.headline).toMatch(
      /^Plan optimal: \$[\d,.]+\/h for [\d.,]+ [kM] tok\/s served; leaves [\d.,]+ [kM] tok\/s/,
    );
    expect(reasons.length).toBeGreaterThan(0);
  });

  it('marks GPU shadow prices that are the unserved penalty avoided, lists no zero rows, and the CLI says it in words', async () => {
    // the fixtures' day-ahead plan leaves peak demand unserved (see above)
    const gpus = plain.shadowPrices.gpus as {
      siteCode: string;
      gpuTypeCode: string;
      valuePerGpuPerHour: number;
      basis: string;
      servesUnservedTokensPerSecond: number;
    }[];
    expect(gpus.length).toBeGreaterThan(0);
    expect(gpus.every((g) => g.valuePerGpuPerHour !== 0)).toBe(true);
    const penalty = gpus.filter((g) => g.basis === 'UNSERVED_DEMAND');
    expect(penalty.length).toBeGreaterThan(0);
    expect(penalty.every((g) => g.servesUnservedTokensPerSecond > 0)).toBe(true);
    for (const g of gpus.filter((x) => x.basis === 'COST')) expect(g.servesUnservedTokensPerSecond).toBe(0);

    const result = await storedResult(plain.id);
    const summary = formatPlanSummary(result, 1000);
    const binding = result.bindingConstraints.find(
      (b) =>
        b.kind === 'GPU_CAPACITY' && penalty.some((g) => g.siteCode === b.siteCode && g.gpuTypeCode === b.gpuTypeCode),
    )!;
    expect(binding).toBeDefined();
    const line = summary.split('\n').find((l) => l.includes(binding.description))!;
    expect(line).toMatch(
      /— one more GPU would serve [\d.,]+ [kM] tok\/s of demand now unserved \(penalty avoided \$[\d,.]+\/h, not money\)$/,
    );
    expect(summary).not.toMatch(/saves \$0\.0000\/h/);
  });

  it('returns allocations ordered by site, region, class and period codes', async () => {
    const rows = plain.allocations.edges.map((e: any) => e.node);
    expect(rows.length).toBe(100);
    const key = (a: any) =>
      [a.siteCode, a.regionCode, a.workloadClassCode, String(a.period).padStart(2, '0')].join('/');
    const keys = rows.map(key);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('a RETIRED site', () => {
  it('plans exactly as the same data without it (database path)', async () => {
    const before = await planningInputFromDatabase(service.db);
    const code = 'US-PHX';
    expect(before.sites.some((s) => s.code === code)).toBe(true);
    expect(before.latencies.some((l) => l.siteCode === code)).toBe(true);
    const without: PlanningInput = {
      ...before,
      sites: before.sites.filter((s) => s.code !== code),
      latencies: before.latencies.filter((l) => l.siteCode !== code),
    };

    expect((await service.api.data(RETIRE, { code })).updateSite.__typename).toBe('MutationUpdateSiteSuccess');
    const plan = await requestPlan({ solver: 'HIGHS' });
    expect(plan.status, plan.errorMessage).toBe('SOLVED');
    const stored = await storedResult(plan.id);
    const expected = await solvePlacement(without, { ...DEFAULT_PLAN_OPTIONS, solver: 'highs' });
    expect(stored.objectivePerHour).toBeCloseTo(expected.objectivePerHour!, 6);
    expect(stored.allocations).toEqual(expected.allocations);
    expect(stored.sites.map((s) => s.siteCode)).not.toContain(code);
  });
});

describe('no plan over no data', () => {
  it('refuses requestPlan on an empty database with a ValidationError that says how to load data, and writes no plan', async () => {
    const db = await openTestDatabase({ fixtures: false });
    const jobs = await startJobs(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
    try {
      const api = testApi(db, { jobs: jobs });
      const answer = await api.data(REQUEST, { input: { wait: true } });
      expect(answer.requestPlan.__typename).toBe('ValidationError');
      expect(answer.requestPlan.issues).toEqual([
        { path: 'input', message: expect.stringMatching(/no sites and no demand.*npx tokengrid import fixtures/) },
      ]);
      expect(await db.prisma.plan.count()).toBe(0);
    } finally {
      await jobs.stop({ graceMs: 0 });
      await db.close();
    }
  });

  it('refuses a plan over no demand, and a schedule tick over no demand makes no plan', async () => {
    const db = await openTestDatabase();
    const jobs = await startJobs(db, {
      queue: {
        supervise: false,
        pollingIntervalSeconds: 0.5,
        cronMonitorIntervalSeconds: 1,
        cronWorkerIntervalSeconds: 1,
      },
      schedules: { resyncIntervalMs: 500 },
    });
    try {
      await db.prisma.demand.deleteMany({});
      const api = testApi(db, { jobs: jobs });
      const answer = await api.data(REQUEST, { input: {} });
      expect(answer.requestPlan.__typename).toBe('ValidationError');
      expect(answer.requestPlan.issues[0]).toEqual({
        path: 'input',
        message: expect.stringMatching(/the database has no demand/),
      });

      // a schedule may be made before its data is loaded; its tick then makes no plan
      const created = await api.data(
        `mutation { createSchedule(input: { name: "nightly", cron: "0 3 * * *" }) { __typename ... on MutationCreateScheduleSuccess { data { id } } ... on ValidationError { issues { path message } } } }`,
      );
      expect(created.createSchedule.__typename, JSON.stringify(created)).toBe('MutationCreateScheduleSuccess');
      const scheduleId = created.createSchedule.data.id as string;
      const queue = scheduleQueueName(scheduleId);
      const deadline = Date.now() + 15_000;
      const tickId = (await jobs.queue.send(queue, { scheduleId }))!;
      for (;;) {
        const state = (await jobs.queue.getJobById(queue, tickId))?.state;
        if (state === 'completed') break;
        if (Date.now() > deadline) throw new Error(`tick still ${state}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await db.prisma.plan.count()).toBe(0);
    } finally {
      await jobs.stop({ graceMs: 0 });
      await closeSolverWorkers();
      await db.close();
    }
  });

  it('`tokengrid plan --fixtures` on an empty directory exits 1 with one line', async () => {
    const workspace = await cliWorkspace('empty-fixtures');
    const empty = await mkdtemp(join(tmpdir(), 'tokengrid-empty-'));
    try {
      const run = await runCli(workspace, ['plan', '--fixtures', empty]);
      expect(run.code).toBe(1);
      expect(run.out).toBe('');
      const lines = run.err
        .trim()
        .split('\n')
        .filter((line) => !/^reading /.test(line));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `nothing to plan: the data set in ${empty} has no sites and no demand \\(load data first: npx tokengrid import fixtures\\)`,
        ),
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
      await workspace.cleanup();
    }
  });
});
