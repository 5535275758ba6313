// A plan whose solving worker is lost (killed, its machine gone) must not stay
// RUNNING: with no heartbeat for the lost-after interval its job is failed at
// once, so pg-boss retries it (not only at the job's expiry, minutes later), and
// when that was its last attempt the plan becomes FAILED with the reason. The
// workers here are simulated: a job fetched and never finished is a worker that died.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { markRunning } from '../../src/db/plan-store.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { SOLVE_PLAN_QUEUE } from '../../src/jobs/solve-plan.js';
import { preparePlan } from '../../src/plans/request.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let jobs: Jobs;
beforeAll(async () => {
  db = await openTestDatabase();
  // enqueue only: the "workers" below fetch the jobs themselves and die
  jobs = await startJobs(db, { worker: false, queue: { supervise: false, schedule: false } });
});
afterAll(async () => {
  await jobs.stop({ graceMs: 0 });
  await db.close();
});

/** A worker takes the plan's job, marks it RUNNING and dies: its heartbeat and its attempt are an hour old. */
async function takeAndDie(planId: string): Promise<void> {
  // a worker polls: a job sent this millisecond may not be due yet (its start_after is the database's now())
  let [job] = await jobs.queue.fetch(SOLVE_PLAN_QUEUE);
  for (let i = 0; !job && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    [job] = await jobs.queue.fetch(SOLVE_PLAN_QUEUE);
  }
  expect(job?.data).toEqual({ planId });
  await markRunning(db.prisma, planId);
  await db.query(`UPDATE pgboss.job SET started_on = now() - interval '1 hour' WHERE id = $1::uuid`, [job!.id]);
  await db.query(
    `UPDATE "Plan" SET "heartbeatAt" = (now() AT TIME ZONE 'UTC') - interval '1 hour', "startedAt" = "startedAt" - interval '1 hour' WHERE id = $1::uuid`,
    [planId],
  );
}

const jobOf = async (planId: string) =>
  (
    await db.query<{ state: string; retry_count: number }>(
      `SELECT state::text, retry_count FROM pgboss.job WHERE name = $1 AND data->>'planId' = $2`,
      [SOLVE_PLAN_QUEUE, planId],
    )
  )[0];
const planOf = (planId: string) =>
  db.prisma.plan.findUniqueOrThrow({ where: { id: planId }, select: { status: true, errorMessage: true } });

it('three lost workers in a row: retried at once twice, then FAILED with the reason', async () => {
  const plan = await jobs.plans.enqueue(await preparePlan(db, { name: 'lost three times' }));
  for (const attempt of [1, 2]) {
    await takeAndDie(plan.id);
    // a heartbeat within the interval: nothing is lost yet
    expect(await jobs.plans.sweepLostSolves(7_200)).toEqual([]);
    expect(await jobs.plans.sweepLostSolves(45)).toEqual([
      { planId: plan.id, action: 'retried', attempt, retryLimit: 2 },
    ]);
    expect(await jobOf(plan.id)).toMatchObject({ state: 'retry' });
    expect((await planOf(plan.id)).status).toBe('RUNNING');
    // its retry is due after a backoff of a few seconds: let that pass
    await db.query(`UPDATE pgboss.job SET start_after = now() WHERE data->>'planId' = $1`, [plan.id]);
  }
  await takeAndDie(plan.id);
  const reason = "the solve was interrupted 3 times (worker lost): its job's attempts are spent";
  expect(await jobs.plans.sweepLostSolves(45)).toEqual([{ planId: plan.id, action: 'failed', reason }]);
  expect(await jobOf(plan.id)).toMatchObject({ state: 'failed', retry_count: 2 });
  expect(await planOf(plan.id)).toEqual({ status: 'FAILED', errorMessage: reason });
  // once final, nothing more happens
  expect(await jobs.plans.sweepLostSolves(45)).toEqual([]);
});

it('a job spent by expiries (pg-boss failed it) leaves no plan RUNNING', async () => {
  const plan = await jobs.plans.enqueue(await preparePlan(db, { name: 'expired' }));
  await takeAndDie(plan.id);
  // what pg-boss's expiry does to a last attempt
  await db.query(`UPDATE pgboss.job SET retry_count = retry_limit WHERE data->>'planId' = $1`, [plan.id]);
  await jobs.queue.fail(
    SOLVE_PLAN_QUEUE,
    (await db.query<{ id: string }>(`SELECT id::text FROM pgboss.job WHERE data->>'planId' = $1`, [plan.id]))[0]!.id,
    {
      message: 'job failed by timeout in active state',
    },
  );
  expect(await jobOf(plan.id)).toMatchObject({ state: 'failed' });
  expect((await planOf(plan.id)).status).toBe('RUNNING');
  const [lost] = await jobs.plans.sweepLostSolves(45);
  expect(lost).toMatchObject({ planId: plan.id, action: 'failed' });
  expect(await planOf(plan.id)).toMatchObject({
    status: 'FAILED',
    errorMessage: expect.stringMatching(/interrupted 3 times/),
  });
});

it('leaves alone a queued plan waiting for a worker and a running one whose worker beats', async () => {
  const waiting = await jobs.plans.enqueue(await preparePlan(db, { name: 'waiting' }));
  await db.query(`UPDATE "Plan" SET "requestedAt" = "requestedAt" - interval '1 hour' WHERE id = $1::uuid`, [
    waiting.id,
  ]);
  const alive = await jobs.plans.enqueue(await preparePlan(db, { name: 'alive' }));
  const [job] = await jobs.queue.fetch(SOLVE_PLAN_QUEUE);
  const takenId = (job!.data as { planId: string }).planId;
  await markRunning(db.prisma, takenId);
  expect(await jobs.plans.sweepLostSolves(45)).toEqual([]);
  expect([(await planOf(waiting.id)).status, (await planOf(alive.id)).status].sort()).toEqual(['QUEUED', 'RUNNING']);
});
