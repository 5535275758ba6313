// Schedules through GraphQL against a real database: validation writes nothing;
// a `* * * * *` schedule fires through pg-boss's own timekeeper (1-second
// intervals) and its plans are compared with the schedule's previous plan;
// webhooks reach a real local HTTP server, and a failing one is recorded as
// failed after its retries without failing the plan; pause stops the ticks.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { inProcessGraphQL, schedulesCommand } from '../../src/cli/schedules.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { scheduleQueueName } from '../../src/jobs/schedules.js';
import { parseDestinationAllow } from '../../src/net.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { until } from '../helpers/until.js';

interface Received {
  path: string;
  body: any;
}

let db: Database;
let jobs: Jobs;
let api: ReturnType<typeof testApi>;
let server: Server;
let baseUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  const allow = parseDestinationAllow('127.0.0.1');
  jobs = await startJobs(db, {
    // the receiving server is on loopback, which webhooks may reach only when allowed
    webhookAllow: allow.ok ? allow.allow : undefined,
    queue: {
      supervise: false,
      pollingIntervalSeconds: 0.5,
      cronMonitorIntervalSeconds: 1,
      cronWorkerIntervalSeconds: 1,
    },
    schedules: {
      resyncIntervalMs: 500,
      webhook: { attempts: 3, retryDelaySeconds: 1, backoff: false, timeoutMs: 2_000 },
    },
  });
  api = testApi(db, { jobs: jobs });
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      received.push({ path: request.url ?? '', body: JSON.parse(body) });
      response.statusCode = request.url === '/fail' ? 500 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

const SCHEDULE_FIELDS = `id name cron timeZone enabled webhookUrl options nextRunAt lastRunAt scenario { code }
  lastPlan { id } plans(first: 10) { totalCount edges { node { id status schedule { name } } } }`;

const CREATE = `mutation ($input: CreateScheduleInput!) { createSchedule(input: $input) {
  __typename
  ... on MutationCreateScheduleSuccess { data { ${SCHEDULE_FIELDS} } }
  ... on ValidationError { issues { path message } }
  ... on NotFoundError { entity code }
  ... on ConflictError { message }
} }`;

const UPDATE = `mutation ($input: UpdateScheduleInput!) { updateSchedule(input: $input) {
  __typename
  ... on MutationUpdateScheduleSuccess { data { ${SCHEDULE_FIELDS} } }
  ... on ValidationError { issues { path message } }
  ... on NotFoundError { entity code }
} }`;

const PAUSE = `mutation ($name: String!) { pauseSchedule(input: { name: $name }) {
  __typename ... on MutationPauseScheduleSuccess { data { enabled nextRunAt } } } }`;
const RESUME = `mutation ($name: String!) { resumeSchedule(input: { name: $name }) {
  __typename ... on MutationResumeScheduleSuccess { data { enabled nextRunAt } } } }`;
const DELETE = `mutation ($name: String!) { deleteSchedule(input: { name: $name }) {
  __typename ... on MutationDeleteScheduleSuccess { data { name } } ... on NotFoundError { entity } } }`;

const PLAN = `query ($id: ID!) { plan(id: $id) {
  id status scheduleName: schedule { name }
  webhookDelivery { status attempts lastStatusCode lastError deliveredAt }
  changesFromPrevious { fromPlanId toPlanId totals { costPerMillionTokens } }
} }`;

async function cronNames(): Promise<string[]> {
  return (await jobs.queue.getSchedules()).map((schedule) => schedule.name);
}

/** A cron that will not fire during the test: half a day from now. */
function farCron(): string {
  const now = new Date();
  return `${(now.getUTCMinutes() + 30) % 60} ${(now.getUTCHours() + 12) % 24} * * *`;
}

/** What pg-boss's timekeeper does on a tick: a job on the schedule's queue. */
async function sendTick(scheduleId: string): Promise<string> {
  const id = await jobs.queue.send(scheduleQueueName(scheduleId), { scheduleId });
  return id!;
}

async function planOfTick(tickId: string) {
  return until(`the plan of tick ${tickId}`, () =>
    db.prisma.plan.findUnique({ where: { scheduleTickId: tickId }, select: { id: true } }),
  );
}

async function finalPlan(id: string) {
  await jobs.plans.waitForFinal(id, { timeoutMs: 30_000 });
  return (await api.data(PLAN, { id })).plan;
}

describe('validation', () => {
  it('refuses a bad cron, time zone, URL, options or scenario, naming the field, and writes nothing', async () => {
    const bad = [
      [{ name: 'x', cron: '* * *' }, 'input.cron'],
      [{ name: 'x', cron: '61 * * * *' }, 'input.cron'],
      [{ name: 'x', cron: '0 2 * * *', timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      [{ name: 'x', cron: '0 2 * * *', webhookUrl: 'ftp://example.com/hook' }, 'input.webhookUrl'],
      [{ name: 'x', cron: '0 2 * * *', webhookUrl: 'not a url' }, 'input.webhookUrl'],
      [{ name: 'x', cron: '0 2 * * *', options: { targetUtilization: 1.5 } }, 'input.options.targetUtilization'],
      [{ name: '', cron: '0 2 * * *' }, 'input.name'],
    ] as const;
    for (const [input, path] of bad) {
      const result = (await api.data(CREATE, { input })).createSchedule;
      expect(result.__typename, JSON.stringify(input)).toBe('ValidationError');
      expect(result.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    const unknownScenario = (await api.data(CREATE, { input: { name: 'x', cron: '0 2 * * *', scenario: 'NO-SUCH' } }))
      .createSchedule;
    expect(unknownScenario).toMatchObject({ __typename: 'NotFoundError', entity: 'Scenario', code: 'NO-SUCH' });
    expect(await db.prisma.schedule.count()).toBe(0);
    expect((await cronNames()).filter((name) => name.startsWith('schedule-'))).toEqual([]);
  });

  it('creates, updates (checking cron and zone together) and refuses a duplicate name', async () => {
    const created = (
      await api.data(CREATE, {
        input: {
          name: 'weekly',
          cron: '0 3 * * 1',
          timeZone: 'Europe/Berlin',
          options: { periods: 1, capexMode: 'SUNK' },
        },
      })
    ).createSchedule;
    expect(created.__typename).toBe('MutationCreateScheduleSuccess');
    expect(created.data).toMatchObject({
      name: 'weekly',
      enabled: true,
      timeZone: 'Europe/Berlin',
      options: { periods: 1, capexMode: 'SUNK' },
    });
    expect(new Date(created.data.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect(await cronNames()).toContain(scheduleQueueName(created.data.id));

    const duplicate = (await api.data(CREATE, { input: { name: 'weekly', cron: '0 3 * * 1' } })).createSchedule;
    expect(duplicate.__typename).toBe('ConflictError');

    const badZone = (await api.data(UPDATE, { input: { name: 'weekly', timeZone: 'Nowhere/Special' } })).updateSchedule;
    expect(badZone.__typename).toBe('ValidationError');
    const updated = (
      await api.data(UPDATE, { input: { name: 'weekly', cron: '15 4 * * *', webhookUrl: 'https://hooks.example/x' } })
    ).updateSchedule;
    expect(updated.data).toMatchObject({
      cron: '15 4 * * *',
      timeZone: 'Europe/Berlin',
      webhookUrl: 'https://hooks.example/x',
    });
    const cleared = (await api.data(UPDATE, { input: { name: 'weekly', webhookUrl: null } })).updateSchedule;
    expect(cleared.data.webhookUrl).toBeNull();
    const missing = (await api.data(UPDATE, { input: { name: 'nope' } })).updateSchedule;
    expect(missing.__typename).toBe('NotFoundError');

    expect((await api.data(DELETE, { name: 'weekly' })).deleteSchedule.data).toEqual({ name: 'weekly' });
    expect(await cronNames()).not.toContain(scheduleQueueName(created.data.id));
    expect((await api.data(DELETE, { name: 'weekly' })).deleteSchedule.__typename).toBe('NotFoundError');
  });
});

describe('tokengrid schedules', () => {
  it('creates, lists, pauses, resumes and deletes through the same checks as the API', async () => {
    let output = '';
    let errors = '';
    const cli = (...argv: string[]) =>
      schedulesCommand(argv, {
        graphql: inProcessGraphQL(db, jobs),
        out: (text) => (output += text),
        err: (text) => (errors += text),
      });
    expect(
      await cli(
        'create',
        'cli nightly',
        '--cron',
        '0 2 * * *',
        '--tz',
        'Europe/Berlin',
        '--options',
        '{"periods":1}',
        '--paused',
      ),
    ).toBe(0);
    expect(output).toContain('cli nightly  "0 2 * * *" Europe/Berlin  PAUSED');
    expect(await cli('create', 'cli bad', '--cron', '0 25 * * *')).toBe(1);
    expect(errors).toContain('tokengrid schedules: cron:');
    expect(await cli('resume', 'cli nightly')).toBe(0);
    expect(output).toMatch(/resumed\ncli nightly .* next 20/);
    expect(await cli('pause', 'cli nightly')).toBe(0);
    output = '';
    expect(await cli('list', '--json')).toBe(0);
    expect(JSON.parse(output)).toEqual([
      expect.objectContaining({ name: 'cli nightly', enabled: false, options: { periods: 1 } }),
    ]);
    expect(await cli('delete', 'cli nightly')).toBe(0);
    expect(await cli('delete', 'cli nightly')).toBe(1);
    expect(errors).toContain('Schedule "cli nightly" does not exist');
    expect(await cli('frobnicate')).toBe(2);
    expect(await db.prisma.schedule.count()).toBe(0);
  });
});

describe('a schedule firing', () => {
  let scheduleId: string;
  let firstPlanId: string;

  it('fires through the timekeeper, solves a plan with the schedule and posts its summary', async () => {
    const created = (
      await api.data(CREATE, {
        input: { name: 'every minute', cron: '* * * * *', webhookUrl: `${baseUrl}/ok` },
      })
    ).createSchedule;
    expect(created.__typename).toBe('MutationCreateScheduleSuccess');
    scheduleId = created.data.id;

    const plan = await until('the first scheduled plan', () =>
      db.prisma.plan.findFirst({ where: { scheduleId }, orderBy: { requestedAt: 'asc' }, select: { id: true } }),
    );
    firstPlanId = plan.id;
    const first = await finalPlan(firstPlanId);
    expect(first).toMatchObject({
      status: 'SOLVED',
      scheduleName: { name: 'every minute' },
      changesFromPrevious: null,
    });

    const hook = await until('the first webhook', async () => received.find((r) => r.body.plan.id === firstPlanId));
    expect(hook.path).toBe('/ok');
    expect(hook.body).toMatchObject({
      event: 'plan.finished',
      plan: { id: firstPlanId, status: 'SOLVED' },
      schedule: { id: scheduleId, name: 'every minute', cron: '* * * * *', timeZone: 'UTC' },
      previousPlanId: null,
      changeFromPrevious: null,
    });
    expect(hook.body.costPerMillionTokens).toBeGreaterThan(0);
    expect(hook.body.totals.servedTokensPerSecond).toBeGreaterThan(0);
    const delivered = await until('the delivery record', async () => {
      const { plan: read } = await api.data(PLAN, { id: firstPlanId });
      return read.webhookDelivery?.status === 'DELIVERED' && read.webhookDelivery;
    });
    expect(delivered).toMatchObject({ attempts: 1, lastStatusCode: 204, lastError: null });

    const schedule = (
      await api.data(`{ schedule(name: "every minute") { lastRunAt lastPlan { id } plans(first: 5) { totalCount } } }`)
    ).schedule;
    expect(schedule.plans.totalCount).toBeGreaterThanOrEqual(1);
    expect(schedule.lastRunAt).not.toBeNull();
  });

  it("compares the next tick's plan with the schedule's previous plan, once per tick", async () => {
    const tickId = await sendTick(scheduleId);
    const { id } = await planOfTick(tickId);
    const plan = await finalPlan(id);
    expect(plan.status).toBe('SOLVED');
    // the previous plan of the schedule: the newest one requested before this one
    const earlier = await db.prisma.plan.findFirst({
      where: {
        scheduleId,
        status: 'SOLVED',
        id: { not: id },
        requestedAt: { lte: (await db.prisma.plan.findUniqueOrThrow({ where: { id } })).requestedAt },
      },
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(plan.changesFromPrevious).toMatchObject({ fromPlanId: earlier!.id, toPlanId: id });
    const hook = await until('the second webhook', async () => received.find((r) => r.body.plan.id === id));
    expect(hook.body.previousPlanId).toBe(earlier!.id);
    expect(hook.body.changeFromPrevious).toMatchObject({
      unchanged: expect.any(Boolean),
      topMovedSites: expect.any(Array),
    });

    // the same tick delivered again (as after a worker died before pg-boss recorded it) adds no plan
    const queue = scheduleQueueName(scheduleId);
    await until(
      'the tick to complete',
      async () => (await jobs.queue.getJobById(queue, tickId))?.state === 'completed',
    );
    await db.executeSql(`UPDATE pgboss.job SET state = 'retry', completed_on = NULL WHERE name = $1 AND id = $2`, [
      queue,
      tickId,
    ]);
    await until(
      'the redelivered tick to complete',
      async () => (await jobs.queue.getJobById(queue, tickId))?.state === 'completed',
    );
    expect(await db.prisma.plan.count({ where: { scheduleTickId: tickId } })).toBe(1);

    const filtered = await api.data(`{ plans(filter: { scheduleName: "every minute" }, first: 10) { totalCount }
      latestPlan(schedule: "every minute") { id } }`);
    expect(filtered.plans.totalCount).toBeGreaterThanOrEqual(2);
    expect(filtered.latestPlan.id).toBeTruthy();
  });

  it('pause unregisters the cron and a tick that still arrives makes no plan; resume registers it again', async () => {
    const paused = (await api.data(PAUSE, { name: 'every minute' })).pauseSchedule;
    expect(paused.data).toEqual({ enabled: false, nextRunAt: null });
    expect(await cronNames()).not.toContain(scheduleQueueName(scheduleId));
    const before = await db.prisma.plan.count({ where: { scheduleId } });
    const tickId = await sendTick(scheduleId);
    await until(
      'the tick to be taken',
      async () => (await jobs.queue.getJobById(scheduleQueueName(scheduleId), tickId))?.state === 'completed',
    );
    expect(await db.prisma.plan.count({ where: { scheduleId } })).toBe(before);

    const resumed = (await api.data(RESUME, { name: 'every minute' })).resumeSchedule;
    expect(resumed.data.enabled).toBe(true);
    expect(await cronNames()).toContain(scheduleQueueName(scheduleId));
    await api.data(PAUSE, { name: 'every minute' });
  });

  it('records a failing webhook as FAILED after its retries; the plan stays SOLVED', async () => {
    const created = (
      await api.data(CREATE, { input: { name: 'failing hook', cron: farCron(), webhookUrl: `${baseUrl}/fail` } })
    ).createSchedule;
    const tickId = await sendTick(created.data.id);
    const { id } = await planOfTick(tickId);
    expect((await finalPlan(id)).status).toBe('SOLVED');
    const delivery = await until('the failed delivery', async () => {
      const { plan } = await api.data(PLAN, { id });
      return plan.webhookDelivery?.status === 'FAILED' && plan.webhookDelivery;
    });
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'http 5xx', deliveredAt: null });
    expect(received.filter((r) => r.path === '/fail' && r.body.plan.id === id)).toHaveLength(3);
    expect((await api.data(PLAN, { id })).plan.status).toBe('SOLVED');
  });

  it('delete removes the cron and queue; the plans stay without a schedule', async () => {
    const plans = await db.prisma.plan.count({ where: { scheduleId } });
    expect((await api.data(DELETE, { name: 'every minute' })).deleteSchedule.data).toEqual({ name: 'every minute' });
    expect(await cronNames()).not.toContain(scheduleQueueName(scheduleId));
    expect(await jobs.queue.getQueue(scheduleQueueName(scheduleId))).toBeNull();
    expect(
      await db.prisma.plan.count({ where: { scheduleId: null, scheduleTickId: { not: null } } }),
    ).toBeGreaterThanOrEqual(plans);
  });
});
