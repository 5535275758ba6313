// Open planUpdated streams over real HTTP server-sent events with real keys
// (issue #11, item 6): a stream whose key is revoked ends with an
// UNAUTHENTICATED error at its next event, or within seconds without one (a
// revocation written by another process, an expiry); a key may have only so
// many streams open (TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY), and a stream that
// ends or is closed gives its slot back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/key-store.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/http.js';
import { TEST_LIMITS, testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { allEvents, subscribe, type Subscription } from '../helpers/sse.js';

const LIMIT = 3;
const PLAN_UPDATED = 'subscription ($id: ID!) { planUpdated(id: $id) { id status } }';
const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename ... on MutationRequestPlanSuccess { data { id status } } } }`;

let db: Database;
let jobs: Jobs;
let server: RunningServer;
let api: ReturnType<typeof testApi>;
const open: Subscription[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  // enqueue only: plans stay QUEUED until the test changes them
  jobs = await startJobs(db, { worker: false, queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
  server = await listen(
    createApp({ db, jobs, auth: { kind: 'keys' }, limits: { ...TEST_LIMITS, maxSubscriptionsPerKey: LIMIT } }),
    '127.0.0.1',
    0,
  );
  api = testApi(db, { jobs });
});
afterAll(async () => {
  for (const subscription of open) await subscription.close();
  await server?.close();
  await jobs?.stop({ graceMs: 0 });
  await db?.close();
});

async function key(name: string): Promise<string> {
  const created = await createApiKey(db, { name, role: 'viewer' });
  if (!created.ok) throw new Error(JSON.stringify(created));
  return created.key;
}

async function queuedPlan(name: string): Promise<string> {
  const data = await api.data<any>(REQUEST, { input: { name } });
  expect(data.requestPlan.data.status).toBe('QUEUED');
  return data.requestPlan.data.id;
}

async function follow(planId: string, secret: string): Promise<Subscription> {
  const subscription = await subscribe(
    `${server.url}/graphql`,
    PLAN_UPDATED,
    { id: planId },
    {
      authorization: `Bearer ${secret}`,
    },
  );
  open.push(subscription);
  return subscription;
}

describe('a stream whose key stops being usable', () => {
  it('ends with UNAUTHENTICATED at the next event once its key is revoked, and delivers nothing more', async () => {
    const secret = await key('revoked-viewer');
    const id = await queuedPlan('followed by a revoked key');
    const subscription = await follow(id, secret);
    expect(subscription.response.status).toBe(200);
    expect((await subscription.next())!.data.data.planUpdated).toEqual({ id, status: 'QUEUED' });

    await revokeApiKey(db, 'revoked-viewer');
    // an event the stream would have delivered
    expect(await jobs.plans.cancel(id)).toBe(true);
    const rest = await allEvents(subscription, 10_000);
    expect(rest.map((e) => e.event)).toEqual(['next', 'complete']);
    expect(rest[0]!.data.data).toBeNull();
    expect(rest[0]!.data.errors).toHaveLength(1);
    expect(rest[0]!.data.errors[0]).toMatchObject({
      message: 'The API key has been revoked.',
      extensions: { code: 'UNAUTHENTICATED', reason: 'revoked' },
    });
  });

  it('ends within seconds without any event: revoked by another process, or expired', async () => {
    const revoked = await key('revoked-elsewhere');
    const expiring = await key('expiring-viewer');
    const id = await queuedPlan('quiet plan');
    const a = await follow(id, revoked);
    const b = await follow(id, expiring);
    expect((await a.next())!.data.data.planUpdated.status).toBe('QUEUED');
    expect((await b.next())!.data.data.planUpdated.status).toBe('QUEUED');
    // what another process's `keys revoke` writes (no in-process notice), and an expiry passing
    const started = Date.now();
    await db.prisma.apiKey.update({ where: { name: 'revoked-elsewhere' }, data: { revokedAt: new Date() } });
    await db.prisma.apiKey.update({
      where: { name: 'expiring-viewer' },
      data: { expiresAt: new Date(Date.now() + 500) },
    });
    const [restA, restB] = await Promise.all([allEvents(a, 15_000), allEvents(b, 15_000)]);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(restA.map((e) => e.event)).toEqual(['next', 'complete']);
    expect(restA[0]!.data.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked' });
    expect(restB.map((e) => e.event)).toEqual(['next', 'complete']);
    expect(restB[0]!.data.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
  });
});

describe('open streams per key', () => {
  it(`refuses a key's stream past ${LIMIT} open with an error naming the limit; other keys are not affected`, async () => {
    const secret = await key('busy-viewer');
    const other = await key('other-viewer');
    const id = await queuedPlan('popular plan');
    const streams: Subscription[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const stream = await follow(id, secret);
      expect((await stream.next())!.data.data.planUpdated.status).toBe('QUEUED');
      streams.push(stream);
    }
    const refused = await allEvents(await follow(id, secret), 10_000);
    expect(refused[0]!.data.errors).toEqual([
      expect.objectContaining({
        message: `This API key already has ${LIMIT} open subscriptions; the limit is ${LIMIT} (TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY). Close one first.`,
        extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: LIMIT }),
      }),
    ]);
    const others = await follow(id, other);
    expect((await others.next())!.data.data.planUpdated.status).toBe('QUEUED');

    // a stream the client closes gives its slot back (once the server has seen it go)
    await streams[0]!.close();
    let accepted: any;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const stream = await follow(id, secret);
      const first = await stream.next();
      if (first?.data.data?.planUpdated) {
        accepted = first.data.data.planUpdated;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(accepted).toEqual({ id, status: 'QUEUED' });
  });

  it('gives the slot back when a stream completes (a final plan)', async () => {
    const secret = await key('final-viewer');
    const id = await queuedPlan('cancelled plan');
    await jobs.plans.cancel(id);
    for (let i = 0; i < LIMIT * 3; i++) {
      const events = await allEvents(await follow(id, secret), 10_000);
      expect(events.map((e) => e.event)).toEqual(['next', 'complete']);
      expect(events[0]!.data.data.planUpdated.status).toBe('CANCELLED');
    }
  });

  it('is 20 by default, set by TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY (a bad value names it)', () => {
    expect(loadConfig({}).limits.maxSubscriptionsPerKey).toBe(20);
    expect(loadConfig({ TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY: '5' }).limits.maxSubscriptionsPerKey).toBe(5);
    expect(() => loadConfig({ TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY: 'many' })).toThrow(
      /TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY/,
    );
  });
});
