// A scheduled plan's webhook survives the death of the worker that solved it
// (issue #11, item 16): the delivery row and its job are written in the
// transaction that records the result (an outbox), so a worker that dies right
// after that commit, before anything else, still leaves the webhook to be
// sent; a fresh process sends it, once, with the delivery's id in a header.
// Runs on the embedded database and, with TOKENGRID_TEST_DATABASE_URL, on PostgreSQL.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { PlanJobs } from '../../src/jobs/plan-jobs.js';
import {
  DEFAULT_WEBHOOK_OPTIONS,
  DELIVERY_ID_HEADER,
  PLAN_WEBHOOK_QUEUE,
  queuePlanWebhook,
} from '../../src/jobs/plan-webhook.js';
import { ensureQueue, startJobQueue } from '../../src/jobs/queue.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { parseDestinationAllow } from '../../src/net.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { preparePlan } from '../../src/plans/request.js';
import { openTestDatabase } from '../helpers/database.js';
import { until } from '../helpers/until.js';

const QUEUE = { supervise: false, pollingIntervalSeconds: 0.5, schedule: false };

let db: Database;
let server: Server;
let port: number;
const received: { deliveryId: string | undefined; planId: string }[] = [];
let dying: { boss: PgBoss; plans: PlanJobs } | undefined;
let restarted: Jobs | undefined;

beforeAll(async () => {
  db = await openTestDatabase();
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      received.push({
        deliveryId: request.headers[DELIVERY_ID_HEADER] as string | undefined,
        planId: JSON.parse(body).plan.id,
      });
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await restarted?.stop({ graceMs: 0 });
  await dying?.plans.stop({ graceMs: 0 });
  await dying?.boss.stop({ graceful: false, close: false, wait: true, timeout: 1_000 }).catch(() => {});
  await closeSolverWorkers();
  await db?.close();
  await new Promise((resolve) => server?.close(resolve));
});

it('delivers the webhook of a plan whose worker died right after writing the result, once, after a restart', async () => {
  const allow = parseDestinationAllow('127.0.0.1');
  if (!allow.ok) throw new Error(allow.message);
  const webhook = { ...DEFAULT_WEBHOOK_OPTIONS, allow: allow.allow, retryDelaySeconds: 1, backoff: false };
  const schedule = await db.prisma.schedule.create({
    data: {
      name: 'outbox',
      cron: '0 3 * * *',
      enabled: false,
      options: {},
      webhookUrl: `http://127.0.0.1:${port}/hook`,
    },
  });

  // a solve-only worker (no webhook sender here) that dies the moment its result is committed
  const boss = await startJobQueue(db, QUEUE);
  await ensureQueue(boss, PLAN_WEBHOOK_QUEUE); // as startJobs does
  const deaths: string[] = [];
  const plans = await PlanJobs.start(db, boss, {
    onPlanFinal: (tx, planId) => queuePlanWebhook(boss, tx, planId, webhook),
    afterPlanFinal: async (planId) => {
      deaths.push(planId);
      throw new Error('the worker died after the commit');
    },
  });
  dying = { boss, plans };
  const request = await preparePlan(db, { name: 'outbox plan', scenarioCode: null, options: {} });
  const plan = await plans.enqueue({ ...request, schedule: { id: schedule.id, tickId: randomUUID() } });
  await until('the solve and the death', async () => deaths.includes(plan.id));
  // the death: this process takes nothing more, sends nothing, records nothing
  await plans.stop({ graceMs: 0 });
  await boss.stop({ graceful: false, close: false, wait: true, timeout: 1_000 });
  dying = undefined;

  expect((await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe('SOLVED');
  const pending = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { planId: plan.id } });
  expect(pending).toMatchObject({ status: 'PENDING', attempts: 0 });
  expect(received).toEqual([]);

  // the restart: a worker process on the same database
  restarted = await startJobs(db, {
    webhookAllow: allow.allow,
    queue: QUEUE,
    schedules: { webhook: { retryDelaySeconds: 1, backoff: false } },
  });
  const delivered = await until('the delivery', async () => {
    const row = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { planId: plan.id } });
    return row.status !== 'PENDING' && row;
  });
  expect(delivered).toMatchObject({ id: pending.id, status: 'DELIVERED', attempts: 1, lastError: null });
  // the failed solve job's retry finds the plan final and queues nothing more
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(received).toEqual([{ deliveryId: pending.id, planId: plan.id }]);
  expect(await db.prisma.webhookDelivery.count({ where: { planId: plan.id } })).toBe(1);
});
