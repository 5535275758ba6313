// The solver caps (TOKENGRID_MAX_SOLVE_TIME_LIMIT_SECONDS, TOKENGRID_MAX_MODEL_VARIABLES)
// hold on every path to a solve, not only requestPlan's own options: a
// scenario's planOptions and a schedule's options are refused where they are
// stored, and checked again where the plan is made (requestPlan with the
// scenario, resolvePlan, the command line, a schedule's tick, the solve job),
// since the caps may have been lowered after they were stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPlanFromService } from '../../src/cli/plan-service.js';
import type { Database } from '../../src/db/database.js';
import { createPlanRow } from '../../src/db/plan-store.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { scheduleQueueName } from '../../src/jobs/schedules.js';
import { solvePlan } from '../../src/jobs/solve-plan.js';
import type { Limits } from '../../src/limits-config.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { TEST_LIMITS, testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { dumpDatabase } from '../helpers/dump.js';

let db: Database;
/** enqueues and stores schedules under the default caps (600 s) */
let jobs: Jobs;
/** takes ticks and solves under a cap of 60 s, as a worker restarted with a lower cap would */
let lowJobs: Jobs;
let api: ReturnType<typeof testApi>;
let lowApi: ReturnType<typeof testApi>;

const LOW: Limits = { ...TEST_LIMITS, maxSolveTimeLimitSeconds: 60 };
const QUEUE = { supervise: false, pollingIntervalSeconds: 0.5 };

beforeAll(async () => {
  db = await openTestDatabase();
  jobs = await startJobs(db, { worker: false, queue: QUEUE });
  lowJobs = await startJobs(db, {
    queue: QUEUE,
    solverCaps: { maxSolveTimeLimitSeconds: 60, maxModelVariables: LOW.maxModelVariables },
    schedules: { resyncIntervalMs: 500 },
  });
  api = testApi(db, { jobs });
  lowApi = testApi(db, { jobs, limits: LOW });
});
afterAll(async () => {
  await lowJobs?.stop({ graceMs: 0 });
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

const RESULT = `__typename ... on ValidationError { issues { path message } } ... on NotFoundError { entity code }`;
const CREATE_SCENARIO = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) {
  ${RESULT} ... on MutationCreateScenarioSuccess { data { code } } } }`;
const UPDATE_SCENARIO = `mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) {
  ${RESULT} ... on MutationUpdateScenarioSuccess { data { code } } } }`;
const CREATE_SCHEDULE = `mutation ($input: CreateScheduleInput!) { createSchedule(input: $input) {
  ${RESULT} ... on MutationCreateScheduleSuccess { data { id name } } } }`;
const UPDATE_SCHEDULE = `mutation ($input: UpdateScheduleInput!) { updateSchedule(input: $input) {
  ${RESULT} ... on MutationUpdateScheduleSuccess { data { name } } } }`;
const REQUEST_PLAN = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  ${RESULT} ... on MutationRequestPlanSuccess { data { id status } } } }`;
const RESOLVE_PLAN = `mutation ($input: ResolvePlanInput!) { resolvePlan(input: $input) {
  ${RESULT} ... on MutationResolvePlanSuccess { data { id } } } }`;

const overTime = (path: string, cap: number, got: number) => ({
  __typename: 'ValidationError',
  issues: [{ path, message: `must be at most ${cap} s on this server (got ${got})` }],
});

/** A cron that will not fire during the test: half a day from now. */
function farCron(): string {
  const now = new Date();
  return `${(now.getUTCMinutes() + 30) % 60} ${(now.getUTCHours() + 12) % 24} * * *`;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('where the options are stored', () => {
  it('createScenario and updateScenario refuse planOptions over the caps, naming the field, and write nothing', async () => {
    const before = await dumpDatabase(db);
    const created = await api.data(CREATE_SCENARIO, {
      input: { code: 'LONG-SOLVE', name: 'long', overrides: { planOptions: { timeLimitSeconds: 86_400 } } },
    });
    expect(created.createScenario).toEqual(overTime('input.overrides.planOptions.timeLimitSeconds', 600, 86_400));

    // a model too large for the caps, from the scenario's planOptions
    const tooBig = await testApi(db, { jobs, limits: { ...TEST_LIMITS, maxModelVariables: 10 } }).data(
      CREATE_SCENARIO,
      { input: { code: 'BIG-MODEL', name: 'big', overrides: { planOptions: { periods: 24 } } } },
    );
    expect(tooBig.createScenario.__typename).toBe('ValidationError');
    expect(tooBig.createScenario.issues).toEqual([
      {
        path: 'input.overrides.planOptions',
        message: expect.stringMatching(/^the model would have [\d,]+ variables; the limit is 10 /),
      },
    ]);
    expect(await dumpDatabase(db)).toEqual(before);

    const ok = await api.data(CREATE_SCENARIO, {
      input: { code: 'SHORT-SOLVE', name: 'short', overrides: { planOptions: { timeLimitSeconds: 600 } } },
    });
    expect(ok.createScenario.__typename).toBe('MutationCreateScenarioSuccess');
    const stored = await dumpDatabase(db);
    const updated = await api.data(UPDATE_SCENARIO, {
      input: { code: 'SHORT-SOLVE', overrides: { planOptions: { timeLimitSeconds: 600.5 } } },
    });
    expect(updated.updateScenario).toEqual(overTime('input.overrides.planOptions.timeLimitSeconds', 600, 600.5));
    expect(await dumpDatabase(db)).toEqual(stored);
  });

  it('createSchedule and updateSchedule refuse options over the caps, naming the field, and write nothing', async () => {
    const before = await dumpDatabase(db);
    const cronsBefore = await jobs.queue.getSchedules();
    const created = await api.data(CREATE_SCHEDULE, {
      input: { name: 'long-nightly', cron: farCron(), options: { timeLimitSeconds: 86_400 } },
    });
    expect(created.createSchedule).toEqual(overTime('input.options.timeLimitSeconds', 600, 86_400));
    expect(await dumpDatabase(db)).toEqual(before);
    expect(await jobs.queue.getSchedules()).toEqual(cronsBefore);

    const ok = await api.data(CREATE_SCHEDULE, {
      input: { name: 'short-nightly', cron: farCron(), options: { timeLimitSeconds: 30 } },
    });
    expect(ok.createSchedule.__typename).toBe('MutationCreateScheduleSuccess');
    const stored = await dumpDatabase(db);
    const updated = await api.data(UPDATE_SCHEDULE, {
      input: { name: 'short-nightly', options: { timeLimitSeconds: 86_400 } },
    });
    expect(updated.updateSchedule).toEqual(overTime('input.options.timeLimitSeconds', 600, 86_400));
    // a scenario stored under higher caps does not slip in through the schedule either
    const withScenario = await lowApi.data(UPDATE_SCHEDULE, {
      input: { name: 'short-nightly', scenario: 'SHORT-SOLVE', options: {} },
    });
    expect(withScenario.updateSchedule).toEqual(
      overTime('input.scenario.overrides.planOptions.timeLimitSeconds', 60, 600),
    );
    expect(await dumpDatabase(db)).toEqual(stored);
  });
});

describe('where the plan is made, under caps lowered since', () => {
  it('a scenario stored under 600 s is refused at requestPlan under 60 s, naming its field; nothing is queued', async () => {
    await api.data(CREATE_SCENARIO, {
      input: { code: 'TEN-MINUTES', name: 'ten minutes', overrides: { planOptions: { timeLimitSeconds: 600 } } },
    });
    const plans = await db.prisma.plan.count();
    const refused = await lowApi.data(REQUEST_PLAN, { input: { scenario: 'TEN-MINUTES' } });
    expect(refused.requestPlan).toEqual(overTime('input.scenario.overrides.planOptions.timeLimitSeconds', 60, 600));
    // the request's own options sit over the scenario's: then they are what is checked, and named
    const own = await lowApi.data(REQUEST_PLAN, {
      input: { scenario: 'TEN-MINUTES', options: { timeLimitSeconds: 61 } },
    });
    expect(own.requestPlan).toEqual(overTime('input.options.timeLimitSeconds', 60, 61));
    expect(await db.prisma.plan.count()).toBe(plans);

    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text) };
    const request = { name: null, scenarioCode: 'TEN-MINUTES', options: {}, wait: false, json: false, top: 5 };
    const exitCode = await requestPlanFromService(db, jobs.plans, request, io, {
      maxSolveTimeLimitSeconds: 60,
      maxModelVariables: LOW.maxModelVariables,
    });
    expect({ exitCode, lines }).toEqual({
      exitCode: 2,
      lines: [
        'tokengrid plan: scenario.overrides.planOptions.timeLimitSeconds: must be at most 60 s on this server (got 600)\n',
      ],
    });
    expect(await db.prisma.plan.count()).toBe(plans);
  });

  it('resolvePlan of a plan made under 600 s is refused under 60 s; a stored one is FAILED by the solve job', async () => {
    const snapshot = await planningInputFromDatabase(db);
    const source = await createPlanRow(db.prisma, {
      name: 'made under 600 s',
      options: { ...DEFAULT_PLAN_OPTIONS, timeLimitSeconds: 300 },
      snapshot,
    });
    const plans = await db.prisma.plan.count();
    const refused = await lowApi.data(RESOLVE_PLAN, { input: { sourcePlanId: source.id } });
    expect(refused.resolvePlan).toEqual(overTime('sourcePlan.options.timeLimitSeconds', 60, 300));
    expect(await db.prisma.plan.count()).toBe(plans);

    // whatever queued it, a worker under the lower cap does not run it for 300 s
    expect(await solvePlan(db, { planId: source.id }, { maxSolveTimeLimitSeconds: 60 })).toBe('recorded');
    expect(await db.prisma.plan.findUniqueOrThrow({ where: { id: source.id } })).toMatchObject({
      status: 'FAILED',
      errorMessage:
        'the stored options ask more than this worker allows: timeLimitSeconds: must be at most 60 s on this server (got 300)',
    });
  });

  it('a schedule stored under 600 s that ticks under 60 s records a FAILED plan with the reason', async () => {
    const created = await api.data(CREATE_SCHEDULE, {
      input: { name: 'five-minute-solve', cron: farCron(), options: { timeLimitSeconds: 300 } },
    });
    expect(created.createSchedule.__typename).toBe('MutationCreateScheduleSuccess');
    const scheduleId: string = created.createSchedule.data.id;
    // what pg-boss's timekeeper sends on a tick, taken by the worker with the lower cap
    const tickId = (await lowJobs.queue.send(scheduleQueueName(scheduleId), { scheduleId }))!;
    const plan = await until('the plan of the tick', () =>
      db.prisma.plan.findUnique({ where: { scheduleTickId: tickId } }),
    );
    expect(plan).toMatchObject({
      status: 'FAILED',
      scheduleId,
      errorMessage:
        "the schedule's options no longer keep to this server's caps: options.timeLimitSeconds: must be at most 60 s on this server (got 300)",
    });
    expect(plan.finishedAt).not.toBeNull();
    const schedule = await db.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } });
    expect(schedule.lastPlanId).toBe(plan.id);
  });
});
