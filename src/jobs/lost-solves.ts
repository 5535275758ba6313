// Plans whose solve was lost: the worker solving it died (killed, machine lost)
// or its job ran out of attempts, leaving the plan RUNNING (or QUEUED) with
// nothing left to change it. The worker solving a plan writes its heartbeat every
// few seconds (PlanJobs); a RUNNING plan whose heartbeat is older than
// `lostAfterSeconds`, and whose job's attempt started as long ago, has lost its
// worker: its job is failed now rather than at its expiry, so pg-boss retries it
// at once, or, when that was its last attempt, the plan becomes FAILED with the
// reason. A plan whose job is already spent or gone becomes FAILED the same way.
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { markFailed } from '../db/plan-store.js';
import { finalWrite, SOLVE_PLAN_QUEUE, type PlanFinalHook } from './solve-plan.js';

interface Candidate {
  id: string;
  status: 'QUEUED' | 'RUNNING';
  /** its heartbeat (or start, or request) is older than lostAfterSeconds */
  stale: boolean;
  job_id: string | null;
  job_state: string | null;
  retry_count: number | null;
  retry_limit: number | null;
  /** the job's current attempt started longer ago than lostAfterSeconds */
  job_stale: boolean | null;
}

// Prisma stores timestamp(3) without time zone, in UTC; pg-boss's are timestamptz
const CANDIDATES = `
  SELECT p.id::text AS id, p.status::text AS status,
    COALESCE(p."heartbeatAt", p."startedAt", p."requestedAt") < (now() AT TIME ZONE 'UTC') - make_interval(secs => $1) AS stale,
    j.id::text AS job_id, j.state::text AS job_state, j.retry_count, j.retry_limit,
    j.started_on < now() - make_interval(secs => $1) AS job_stale
  FROM "Plan" p
  LEFT JOIN LATERAL (
    SELECT id, state, retry_count, retry_limit, started_on FROM pgboss.job
    WHERE name = $2 AND data->>'planId' = p.id::text
    ORDER BY created_on DESC LIMIT 1
  ) j ON true
  WHERE p.status IN ('QUEUED', 'RUNNING')`;

export type LostSolve =
  | { planId: string; action: 'retried'; attempt: number; retryLimit: number }
  | { planId: string; action: 'failed'; reason: string };

const interrupted = (attempts: number) =>
  `the solve was interrupted ${attempts} time${attempts === 1 ? '' : 's'} (worker lost): its job's attempts are spent`;

/** Finds lost solves and acts on each (retry now, or FAILED with the reason); what it did, plan by plan. */
export async function sweepLostSolves(
  db: Database,
  boss: PgBoss,
  lostAfterSeconds: number,
  onPlanFinal?: PlanFinalHook,
): Promise<LostSolve[]> {
  const rows = await db.query<Candidate>(CANDIDATES, [lostAfterSeconds, SOLVE_PLAN_QUEUE]);
  const done: LostSolve[] = [];
  for (const row of rows) {
    if (!row.stale) continue;
    const attempts = Number(row.retry_count ?? 0) + 1;
    const retryLimit = Number(row.retry_limit ?? 0);
    const fail = async (reason: string) => {
      // FAILED and its webhook (the outbox) in one transaction, as a solve's final write
      if (await finalWrite(db, row.id, (tx) => markFailed(tx, row.id, reason), onPlanFinal))
        done.push({ planId: row.id, action: 'failed', reason });
    };
    if (row.job_state === null) {
      await fail('its solve job is gone (expired or removed before any worker finished it)');
    } else if (row.job_state === 'failed' || row.job_state === 'cancelled' || row.job_state === 'completed') {
      // spent: by expiries (a worker lost each time), a release at shutdown on its last attempt, or a cancel of the job
      await fail(interrupted(attempts));
    } else if (row.status === 'RUNNING' && row.job_state === 'active' && row.job_stale) {
      // the attempt under way has lost its worker: fail it now (pg-boss retries it, or records it failed)
      await boss.fail(SOLVE_PLAN_QUEUE, row.job_id!, {
        message: `the worker solving it was lost (no heartbeat for ${lostAfterSeconds} s)`,
      });
      if (attempts > retryLimit) await fail(interrupted(attempts));
      else done.push({ planId: row.id, action: 'retried', attempt: attempts, retryLimit });
    }
    // created or retry: waiting for a worker, nothing lost; active and recent: an attempt just began
  }
  return done;
}

/** The solving worker's heartbeat (raw SQL: it must not touch `updatedAt`, which readers take as a change). */
export async function writeHeartbeat(db: Database, planId: string): Promise<void> {
  await db.query(
    `UPDATE "Plan" SET "heartbeatAt" = (now() AT TIME ZONE 'UTC') WHERE id = $1::uuid AND status = 'RUNNING'`,
    [planId],
  );
}
