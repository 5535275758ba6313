// Subscription.planUpdated over real HTTP server-sent events: QUEUED → RUNNING →
// SOLVED and then the end of the stream; a change written by "another process"
// (no in-process event) is still seen, through the database poll; unknown ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/http.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { allEvents, subscribe } from '../helpers/sse.js';

let db: Database;
let enqueueOnly: Jobs;
let solving: Jobs | undefined;
let server: RunningServer;
let api: ReturnType<typeof testApi>;

const QUEUE = { supervise: false, pollingIntervalSeconds: 0.5 };
const PLAN_UPDATED = 'subscription ($id: ID!) { planUpdated(id: $id) { id status final costPerMillionTokens } }';
const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename ... on MutationRequestPlanSuccess { data { id status } } } }`;

beforeAll(async () => {
  db = await openTestDatabase();
  enqueueOnly = await startJobs(db, { worker: false, queue: QUEUE });
  server = await listen(createApp({ db, jobs: enqueueOnly }), '127.0.0.1', 0);
  api = testApi(db, { jobs: enqueueOnly });
});
afterAll(async () => {
  await server?.close();
  await solving?.stop({ graceMs: 0 });
  await enqueueOnly?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

async function requestPlan(name: string): Promise<string> {
  const data = await api.data<any>(REQUEST, { input: { name } });
  expect(data.requestPlan.data.status).toBe('QUEUED');
  return data.requestPlan.data.id;
}

describe('planUpdated (server-sent events)', () => {
  it('emits the queued plan at once, then RUNNING and SOLVED, then completes', async () => {
    const id = await requestPlan('followed');
    const subscription = await subscribe(`${server.url}/graphql`, PLAN_UPDATED, { id });
    expect(subscription.response.status).toBe(200);
    expect(subscription.response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const first = await subscription.next();
    expect(first).toMatchObject({
      event: 'next',
      data: { data: { planUpdated: { id, status: 'QUEUED', final: false } } },
    });

    // only now can the plan be solved: the first event cannot have raced the solve
    const started = Date.now();
    solving = await startJobs(db, { queue: QUEUE });
    const rest = await allEvents(subscription);
    const statuses = rest.filter((e) => e.event === 'next').map((e) => e.data.data.planUpdated.status);
    expect(statuses.at(-1)).toBe('SOLVED');
    expect(statuses).toContain('RUNNING');
    expect(new Set(statuses).size).toBe(statuses.length);
    const solved = rest.filter((e) => e.event === 'next').at(-1)!.data.data.planUpdated;
    expect(solved).toMatchObject({ final: true });
    expect(solved.costPerMillionTokens).toBeGreaterThan(0);
    expect(rest.at(-1)!.event).toBe('complete');
    // in-process events, not the 1 s poll, carry the changes here
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('emits a final plan once and completes', async () => {
    const [plan] = await db.prisma.plan.findMany({ where: { status: 'SOLVED' }, take: 1, select: { id: true } });
    const events = await allEvents(await subscribe(`${server.url}/graphql`, PLAN_UPDATED, { id: plan!.id }));
    expect(events.map((e) => e.event)).toEqual(['next', 'complete']);
    expect(events[0]!.data.data.planUpdated.status).toBe('SOLVED');
  });

  it('sees a change written by another process (no in-process event) through the database poll', async () => {
    await solving?.stop({ graceMs: 0 });
    solving = undefined;
    const id = await requestPlan('changed elsewhere');
    const subscription = await subscribe(`${server.url}/graphql`, PLAN_UPDATED, { id });
    expect((await subscription.next())!.data.data.planUpdated.status).toBe('QUEUED');
    // what a worker in another process does: a plain UPDATE, no event in this one
    await db.prisma.plan.update({ where: { id }, data: { status: 'CANCELLED', finishedAt: new Date() } });
    const written = Date.now();
    const rest = await allEvents(subscription, 10_000);
    expect(rest.map((e) => e.event)).toEqual(['next', 'complete']);
    expect(rest[0]!.data.data.planUpdated).toMatchObject({ id, status: 'CANCELLED', final: true });
    expect(Date.now() - written).toBeLessThan(3_000);
  });

  it('answers an unknown or malformed id with an error naming the argument', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-plan']) {
      const events = await allEvents(await subscribe(`${server.url}/graphql`, PLAN_UPDATED, { id }), 10_000);
      const errors = events.find((e) => e.event === 'next')!.data.errors;
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toBe(`id: plan "${id}" does not exist`);
      expect(errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', argumentName: 'id' });
    }
  });

  it('stops following when the client goes away', async () => {
    const id = await requestPlan('abandoned');
    const subscription = await subscribe(`${server.url}/graphql`, PLAN_UPDATED, { id });
    expect((await subscription.next())!.data.data.planUpdated.status).toBe('QUEUED');
    await subscription.close();
    // the server keeps serving (and the plan is untouched)
    const data = await api.data<any>('query ($id: ID!) { plan(id: $id) { status } }', { id });
    expect(data.plan.status).toBe('QUEUED');
  });
});
