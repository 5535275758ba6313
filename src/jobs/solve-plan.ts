// The `solve-plan` job: take a queued plan, solve its stored snapshot with its
// stored options off the event loop, and record the answer. Idempotent by plan
// id: whatever runs it twice, the plan is written once.
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { formatIssues } from '../errors.js';
import { announcedAfter } from '../db/plan-events.js';
import {
  findStartBasis,
  markFailed,
  markRunningWithinKeyLimit,
  recordResult,
  storedSnapshot,
} from '../db/plan-store.js';
import type { Prisma } from '../generated/prisma/client.js';
import { solvePlacementWithBasisInWorker } from '../optimizer/worker-pool.js';
import { parsePlanOptions } from '../optimizer/types.js';
import { timeLimitIssue } from '../plans/solver-caps.js';

export const SOLVE_PLAN_QUEUE = 'solve-plan';

/** Checked again when a job is taken: the queue is shared and rows outlive code versions. */
export const solvePlanPayloadSchema = z.object({ planId: z.uuid() }).strict();
export type SolvePlanPayload = z.infer<typeof solvePlanPayloadSchema>;

export type SolveOutcome =
  /** the result was written by this run */
  | 'recorded'
  /** the plan was not queued (cancelled, or finished by another attempt): nothing to do */
  | 'skipped'
  /** the plan was cancelled while it solved; the cancel wrote its status */
  | 'cancelled'
  /** solved, but the plan stopped being RUNNING before the write: the result was dropped */
  | 'superseded'
  /** its API key already has its maximum of plans RUNNING: still QUEUED, to be tried again later */
  | 'deferred';

export interface SolvePlanOptions {
  /** aborts the solve (cancelPlan) */
  signal?: AbortSignal;
  /**
   * A RUNNING plan is taken over rather than skipped: the previous attempt's
   * worker died (its job expired and came back). The caller knows no solve of
   * this plan is under way in this process.
   */
  takeOverRunning?: boolean;
  /** RUNNING plans one API key may have at once (null: no limit) */
  maxRunningPerKey?: number | null;
  /** a plan whose stored time limit is longer is FAILED, not solved (however it was made; default: no cap) */
  maxSolveTimeLimitSeconds?: number;
  /**
   * Called in the transaction that makes the plan final (its webhook's outbox
   * row and job): both commit together, or neither does and the job is retried.
   */
  onPlanFinal?: PlanFinalHook;
}

/** What is written with a plan's final status, in the same transaction. */
export type PlanFinalHook = (tx: Prisma.TransactionClient, planId: string) => Promise<void>;

/**
 * A guarded final-status write and the `onPlanFinal` hook in one transaction;
 * the status event is announced once it is committed (readers in other
 * connections see it then), never for a write rolled back.
 */
export async function finalWrite(
  db: Database,
  planId: string,
  write: (tx: Prisma.TransactionClient) => Promise<boolean>,
  onPlanFinal: PlanFinalHook | undefined,
): Promise<boolean> {
  return announcedAfter(() =>
    db.prisma.$transaction(async (tx) => {
      if (!(await write(tx))) return false;
      await onPlanFinal?.(tx, planId);
      return true;
    }),
  );
}

export async function solvePlan(db: Database, payload: unknown, options: SolvePlanOptions = {}): Promise<SolveOutcome> {
  const parsedPayload = solvePlanPayloadSchema.safeParse(payload);
  if (!parsedPayload.success) {
    // a malformed job can never succeed: say so and let pg-boss record it as failed
    throw new Error(
      `${SOLVE_PLAN_QUEUE}: invalid payload: ${parsedPayload.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`,
    );
  }
  const { planId } = parsedPayload.data;

  const started = await markRunningWithinKeyLimit(db, planId, options.maxRunningPerKey ?? null);
  if (started === 'at-limit') return 'deferred';
  if (!started) {
    const plan = await db.prisma.plan.findUnique({ where: { id: planId }, select: { status: true } });
    if (!(plan?.status === 'RUNNING' && options.takeOverRunning)) return 'skipped';
  }

  const plan = await db.prisma.plan.findUniqueOrThrow({
    where: { id: planId },
    select: { inputSnapshot: true, options: true },
  });
  const planOptions = parsePlanOptions(plan.options);
  if (!planOptions.ok) {
    const message = `the stored options no longer validate: ${formatIssues(planOptions.issues)}`;
    await finalWrite(db, planId, (tx) => markFailed(tx, planId, message), options.onPlanFinal);
    return 'recorded';
  }
  const overTime =
    options.maxSolveTimeLimitSeconds === undefined
      ? null
      : timeLimitIssue(
          planOptions.options.timeLimitSeconds,
          { maxSolveTimeLimitSeconds: options.maxSolveTimeLimitSeconds },
          'timeLimitSeconds',
        );
  if (overTime) {
    await markFailed(
      db.prisma,
      planId,
      `the stored options ask more than this worker allows: ${formatIssues([overTime])}`,
    );
    return 'recorded';
  }

  let solved;
  try {
    solved = await solvePlacementWithBasisInWorker(storedSnapshot(plan.inputSnapshot), planOptions.options, {
      ...(options.signal ? { signal: options.signal } : {}),
      // a warm start from the newest stored plan of the same structure (its basis is looked up once the model is compiled)
      startBasis: { find: (structureKey) => findStartBasis(db.prisma, structureKey) },
    });
  } catch (error) {
    if (options.signal?.aborted) return 'cancelled';
    throw error;
  }
  const { result, basis } = solved;
  return (await finalWrite(db, planId, (tx) => recordResult(tx, planId, result, basis), options.onPlanFinal))
    ? 'recorded'
    : 'superseded';
}
