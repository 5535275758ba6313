// Plan jobs in this process: enqueue a plan with its job, run the solve worker
// (N jobs at a time), cancel, wait for a plan to finish, and stop in order.
// The queue is started, and what follows a finished plan is wired, by
// src/jobs/runtime.ts.
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { sendNotification } from '../db/notifications.js';
import { watchPlanStatus, type PlanStatusWatch } from '../db/plan-events.js';
import {
  createPlanRow,
  isFinal,
  markCancelled,
  markFailed,
  markReleased,
  type NewPlan,
  type PlanRow,
} from '../db/plan-store.js';
import { createSweepRow, type NewSweep } from '../db/sweep-store.js';
import type { PlanSweep, Prisma } from '../generated/prisma/client.js';
import { hardDeadlineMs } from '../optimizer/worker-pool.js';
import { DEFAULT_SOLVER_CAPS } from '../plans/solver-caps.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { sweepLostSolves, writeHeartbeat, type LostSolve } from './lost-solves.js';
import { ensureQueue, transactionSql } from './queue.js';
import { finalWrite, SOLVE_PLAN_QUEUE, solvePlan, solvePlanPayloadSchema, type PlanFinalHook } from './solve-plan.js';

export interface PlanJobsOptions {
  /** take solve jobs in this process (false: an API process that only enqueues) */
  worker?: boolean;
  /** solves at a time in this process */
  concurrency?: number;
  /** retries of a job whose run failed (not a plan the solver answered, even with an error) */
  retryLimit?: number;
  /** seconds a solve job may stay active before it expires and is retried (default: the solve's hard deadline + 60 s) */
  expireInSeconds?: number | null;
  /** RUNNING plans one API key may have at once; its further plans stay QUEUED (default 2; null: no limit) */
  maxRunningPerKey?: number | null;
  /** the longest solve time limit this worker runs; a plan stored with more is FAILED (default: the server's default cap) */
  maxSolveTimeLimitSeconds?: number;
  /** how long a plan held back by that limit waits before it is tried again (default 2 s) */
  deferSeconds?: number;
  /** how often the worker solving a plan writes its heartbeat, and how often lost solves are looked for (default 10 s) */
  heartbeatSeconds?: number;
  /** a RUNNING plan without a heartbeat for this long has lost its worker: retried now, or FAILED on its last attempt (default 45 s) */
  lostAfterSeconds?: number;
  /** solve runs and job-path failures are logged here (default: nowhere) */
  logger?: Logger;
  /** running solves, solve durations and plan outcomes (default: not counted) */
  metrics?: Metrics | null;
  /**
   * Called in the transaction that makes a plan solved or failed here final
   * (its schedule's webhook, queued as an outbox row and job): a failure rolls
   * the final status back and the job is retried.
   */
  onPlanFinal?: PlanFinalHook;
  /**
   * Called after a plan's final status is committed, before its job completes.
   * Where a worker that dies loses nothing that commit did not hold; tests
   * inject that death here.
   */
  afterPlanFinal?: (planId: string) => Promise<void>;
  /**
   * How often a `waitForFinal` reads the plan although it heard nothing (default 2 s):
   * only a safety net, since it wakes on the plan's status changes from any process.
   */
  waitPollMs?: number;
}

export interface WaitOptions {
  timeoutMs: number;
  /** the safety poll (default the jobs' waitPollMs) */
  pollMs?: number;
}

export const DEFAULT_MAX_RUNNING_PER_KEY = 2;
export const DEFAULT_HEARTBEAT_SECONDS = 10;
export const DEFAULT_LOST_AFTER_SECONDS = 45;
export const DEFAULT_WAIT_POLL_MS = 2_000;

/**
 * The NOTIFY channel that tells idle workers a solve job was just queued (on
 * PostgreSQL, from any process): they fetch at once instead of at their next poll.
 */
export const SOLVE_JOBS_CHANNEL = 'tokengrid_solve_jobs';

/** A job's expiry interval in whole seconds; undefined (the queue's default) when it cannot be read. */
function intervalSeconds(interval: PgBoss.PostgresInterval | string | undefined): number | undefined {
  let total = 0;
  if (typeof interval === 'string') {
    // PGlite may hand the interval over as text: "[N days ]HH:MM:SS"
    const match = /(?:(\d+) days? )?(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(interval);
    if (match)
      total = Number(match[1] ?? 0) * 86_400 + Number(match[2]) * 3_600 + Number(match[3]) * 60 + Number(match[4]);
  } else if (interval && typeof interval === 'object') {
    const { days = 0, hours = 0, minutes = 0, seconds = 0 } = interval;
    total = days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
  }
  return total >= 1 ? Math.ceil(total) : undefined;
}

/** Why a solve was stopped: the plan's cancel, or this process shutting down. */
const SHUTDOWN = Symbol('shutdown');

export class PlanJobs {
  /** the solves under way here, by plan id, so a cancel can stop them */
  private readonly solving = new Map<string, AbortController>();
  private readonly workerIds: string[] = [];
  private stopped = false;
  private sweeper: NodeJS.Timeout | null = null;
  private unlistenJobs: (() => void) | null = null;
  /** the waitForFinal calls under way, woken (and so ended) by stop */
  private readonly waits = new Set<PlanStatusWatch>();

  private constructor(
    private readonly db: Database,
    private readonly boss: PgBoss,
    private readonly options: Required<
      Pick<
        PlanJobsOptions,
        | 'retryLimit'
        | 'maxRunningPerKey'
        | 'deferSeconds'
        | 'maxSolveTimeLimitSeconds'
        | 'heartbeatSeconds'
        | 'lostAfterSeconds'
        | 'waitPollMs'
      >
    > &
      Pick<PlanJobsOptions, 'expireInSeconds'>,
    private readonly logger: Logger,
    private readonly metrics: Metrics | null,
    private readonly onPlanFinal: PlanFinalHook | undefined,
    private readonly afterPlanFinal: (planId: string) => Promise<void>,
  ) {}

  /** Plan jobs on a started queue (src/jobs/queue.ts); this never stops `boss` itself. */
  static async start(db: Database, boss: PgBoss, options: PlanJobsOptions = {}): Promise<PlanJobs> {
    const logger = options.logger ?? silentLogger;
    // idempotent (ON CONFLICT DO NOTHING), retried on a deadlock with another process's
    await ensureQueue(boss, SOLVE_PLAN_QUEUE);
    const jobs = new PlanJobs(
      db,
      boss,
      {
        retryLimit: options.retryLimit ?? 2,
        expireInSeconds: options.expireInSeconds ?? null,
        maxRunningPerKey:
          options.maxRunningPerKey === undefined ? DEFAULT_MAX_RUNNING_PER_KEY : options.maxRunningPerKey,
        deferSeconds: options.deferSeconds ?? 2,
        maxSolveTimeLimitSeconds: options.maxSolveTimeLimitSeconds ?? DEFAULT_SOLVER_CAPS.maxSolveTimeLimitSeconds,
        heartbeatSeconds: options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS,
        lostAfterSeconds: options.lostAfterSeconds ?? DEFAULT_LOST_AFTER_SECONDS,
        waitPollMs: options.waitPollMs ?? DEFAULT_WAIT_POLL_MS,
      },
      logger,
      options.metrics ?? null,
      options.onPlanFinal,
      options.afterPlanFinal ?? (async () => {}),
    );
    if (options.worker ?? true) {
      // an embedded data directory has one process: a plan RUNNING when it opens lost its worker with the last one
      if (db.lock) await jobs.sweepLostSolves(0);
      jobs.startSweeper();
      await jobs.startWorkers(options.concurrency ?? 1);
    }
    return jobs;
  }

  /**
   * Lost solves (src/jobs/lost-solves.ts): their jobs retried now, or the plans
   * FAILED with the reason when no attempt is left. Runs every heartbeat interval
   * in a worker process; every worker may run it (each change is conditional).
   */
  async sweepLostSolves(lostAfterSeconds = this.options.lostAfterSeconds): Promise<LostSolve[]> {
    const lost = await sweepLostSolves(this.db, this.boss, lostAfterSeconds, this.onPlanFinal);
    for (const solve of lost) {
      if (solve.action === 'retried') {
        this.logger.warn(
          { planId: solve.planId, attempt: solve.attempt, retryLimit: solve.retryLimit },
          'solve worker lost: the plan is solved again',
        );
      } else {
        this.logger.warn({ planId: solve.planId, errorMessage: solve.reason }, 'solve worker lost: the plan FAILED');
        this.metrics?.planOutcomes.inc({ status: 'FAILED' });
      }
    }
    return lost;
  }

  private startSweeper(): void {
    // one line when sweeps start failing (the database away), not one per interval
    let failing = false;
    this.sweeper = setInterval(() => {
      this.sweepLostSolves().then(
        () => (failing = false),
        (error) => {
          if (!failing) this.logger.error({ err: error }, 'lost solves: the sweep failed');
          failing = true;
        },
      );
    }, this.options.heartbeatSeconds * 1000);
    this.sweeper.unref();
  }

  /** Solve jobs waiting to be taken (the /metrics queue depth). */
  queueSize(): Promise<number> {
    return this.boss.getQueueSize(SOLVE_PLAN_QUEUE);
  }

  /** One log line per solve this process ran, and the solve metrics, from what was recorded on the plan. */
  private async solveFinished(planId: string, outcome: string, wallMs: number): Promise<void> {
    const plan = await this.db.prisma.plan.findUnique({
      where: { id: planId },
      select: {
        status: true,
        solver: true,
        modelVariables: true,
        modelConstraints: true,
        modelNonzeros: true,
        buildMs: true,
        solveMs: true,
        errorMessage: true,
      },
    });
    if (!plan) return;
    const solver = plan.solver ?? 'none';
    this.metrics?.solveSeconds.observe({ solver, status: plan.status }, wallMs / 1000);
    if (outcome === 'recorded') this.metrics?.planOutcomes.inc({ status: plan.status });
    const line = {
      planId,
      outcome,
      status: plan.status,
      solver: plan.solver,
      modelVariables: plan.modelVariables,
      modelConstraints: plan.modelConstraints,
      modelNonzeros: plan.modelNonzeros,
      buildMs: plan.buildMs,
      solveMs: plan.solveMs,
      wallMs: Math.round(wallMs),
    };
    if (plan.status === 'FAILED') this.logger.warn({ ...line, errorMessage: plan.errorMessage }, 'solve finished');
    else this.logger.info(line, 'solve finished');
  }

  private async startWorkers(concurrency: number): Promise<void> {
    // pg-boss 10 runs one job per work() loop: concurrency is that many loops
    for (let i = 0; i < concurrency; i++) {
      const id = await this.boss.work<unknown>(
        SOLVE_PLAN_QUEUE,
        { includeMetadata: true, batchSize: 1 },
        async ([job]) => {
          if (job) await this.runJob(job);
        },
      );
      this.workerIds.push(id);
    }
    // pushed pick-up: a job queued by another process wakes the idle loops here (and
    // after a lost LISTEN connection is back, one may have been missed: look anyway)
    const wakeWorkers = () => {
      for (const id of this.workerIds) this.boss.notifyWorker(id);
    };
    this.unlistenJobs = await this.db.listen(SOLVE_JOBS_CHANNEL, { onNotify: wakeWorkers, onResumed: wakeWorkers });
  }

  private async runJob(job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const parsed = solvePlanPayloadSchema.safeParse(job.data);
    const planId = parsed.success ? parsed.data.planId : null;
    // another job for the same plan is being solved here: that one will write it
    if (planId && this.solving.has(planId)) return;
    const controller = new AbortController();
    if (planId) this.solving.set(planId, controller);
    const startedMs = performance.now();
    this.metrics?.solvesRunning.inc();
    // while this attempt solves, its plan's heartbeat says its worker is alive (lost-solves.ts)
    const heartbeat = planId
      ? setInterval(() => {
          writeHeartbeat(this.db, planId).catch(() => {
            // a missed beat is retried at the next one; a database away for long makes the solve lost, as it is
          });
        }, this.options.heartbeatSeconds * 1000)
      : null;
    try {
      const outcome = await solvePlan(this.db, job.data, {
        signal: controller.signal,
        takeOverRunning: true,
        maxRunningPerKey: this.options.maxRunningPerKey,
        maxSolveTimeLimitSeconds: this.options.maxSolveTimeLimitSeconds,
        ...(this.onPlanFinal ? { onPlanFinal: this.onPlanFinal } : {}),
      });
      if (outcome === 'deferred') {
        // its key is at its limit: the plan stays QUEUED and a fresh job tries again shortly (this one completes)
        await this.boss.send(SOLVE_PLAN_QUEUE, job.data as object, {
          startAfter: this.options.deferSeconds,
          expireInSeconds: intervalSeconds(job.expireIn as PgBoss.PostgresInterval | string | undefined),
          retryLimit: job.retryLimit,
          retryBackoff: true,
        });
        return;
      }
      // not awaited: the log line and metrics must not hold up the job's completion
      if (planId && outcome !== 'skipped')
        void this.solveFinished(planId, outcome, performance.now() - startedMs).catch(() => {});
      if (outcome === 'recorded' && planId) await this.afterPlanFinal(planId);
      if (outcome === 'cancelled' && controller.signal.reason === SHUTDOWN) {
        // released, not cancelled: back to the queue for another worker or the next start
        if (planId) await markReleased(this.db.prisma, planId);
        throw new Error('the worker shut down during the solve; the plan was released to the queue');
      }
    } catch (error) {
      if (controller.signal.reason !== SHUTDOWN)
        this.logger.error(
          { planId, attempt: job.retryCount + 1, retryLimit: job.retryLimit, err: error },
          'solve job failed',
        );
      // the last attempt must not leave the plan RUNNING for ever
      if (planId && job.retryCount >= job.retryLimit && controller.signal.reason !== SHUTDOWN) {
        const message = `the solve job failed: ${error instanceof Error ? error.message : String(error)}`;
        const failed = await finalWrite(this.db, planId, (tx) => markFailed(tx, planId, message), this.onPlanFinal);
        if (failed) this.metrics?.planOutcomes.inc({ status: 'FAILED' });
      }
      throw error;
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      this.metrics?.solvesRunning.dec();
      if (planId && this.solving.get(planId) === controller) this.solving.delete(planId);
    }
  }

  /**
   * Creates the plan (QUEUED) and its job in one transaction: both exist or
   * neither does. Idle workers in this process are woken at once.
   */
  async enqueue(plan: NewPlan): Promise<PlanRow> {
    const [row] = await this.enqueueInTransaction(async () => [plan]);
    return row!;
  }

  /**
   * A sweep: its row, then every point's plan and job, in one transaction (all
   * or nothing). The points are ordinary solve jobs: any worker takes them.
   */
  async enqueueSweep(sweep: NewSweep, points: (sweepId: string) => NewPlan[]): Promise<PlanSweep> {
    let created: PlanSweep | undefined;
    await this.enqueueInTransaction(async (tx) => {
      created = await createSweepRow(tx, sweep);
      return points(created.id);
    });
    return created!;
  }

  private async enqueueInTransaction(plans: (tx: Prisma.TransactionClient) => Promise<NewPlan[]>): Promise<PlanRow[]> {
    if (this.stopped) throw new Error('plan jobs are stopping: no new plans are taken');
    const rows = await this.db.prisma.$transaction(
      async (tx) => {
        const created: PlanRow[] = [];
        for (const plan of await plans(tx)) {
          // a job outlives its solve's hard deadline plus a margin before pg-boss expires (and retries) it
          const expireInSeconds =
            this.options.expireInSeconds ?? Math.ceil(hardDeadlineMs(plan.options.timeLimitSeconds) / 1000) + 60;
          const row = await createPlanRow(tx, plan);
          await this.boss.send(
            SOLVE_PLAN_QUEUE,
            { planId: row.id },
            {
              db: transactionSql(tx),
              expireInSeconds,
              retryLimit: this.options.retryLimit,
              retryBackoff: true,
            },
          );
          created.push(row);
        }
        // delivered at commit, when the jobs can be fetched; a worker process has nothing else to wake it
        if (this.db.kind === 'postgres') await sendNotification(tx, SOLVE_JOBS_CHANNEL, '');
        return created;
      },
      // a sweep writes up to fifty snapshots
      { timeout: 60_000 },
    );
    for (const id of this.workerIds) this.boss.notifyWorker(id);
    return rows;
  }

  /** QUEUED or RUNNING → CANCELLED, stopping the solve when it runs here. False when already final. */
  async cancel(planId: string): Promise<boolean> {
    // status first: a solve that finishes meanwhile then finds the plan no longer RUNNING
    const cancelled = await markCancelled(this.db.prisma, planId);
    if (cancelled) this.solving.get(planId)?.abort(new DOMException('The plan was cancelled', 'AbortError'));
    return cancelled;
  }

  /**
   * Resolves when the plan is final or the wait is over, whichever comes first:
   * woken by the plan's status changes (from any process), read again every
   * `pollMs` in case one was not heard.
   */
  async waitForFinal(planId: string, { timeoutMs, pollMs = this.options.waitPollMs }: WaitOptions): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const watch = await watchPlanStatus(this.db, planId);
    this.waits.add(watch);
    try {
      for (;;) {
        const plan = await this.db.prisma.plan.findUnique({ where: { id: planId }, select: { status: true } });
        if (!plan || isFinal(plan.status) || Date.now() >= deadline || this.stopped) return;
        await watch.next(Math.min(pollMs, Math.max(0, deadline - Date.now())));
      }
    } finally {
      this.waits.delete(watch);
      watch.close();
    }
  }

  /**
   * Shutdown: stop taking jobs, let running solves finish for up to `graceMs`,
   * then release the rest to the queue (their jobs fail and are retried once
   * the queue is stopped).
   */
  async stop({ graceMs = 10_000 }: { graceMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.unlistenJobs?.();
    // waiting requests answer with the plan as it is
    for (const watch of this.waits) watch.close();
    await this.boss.offWork(SOLVE_PLAN_QUEUE);
    const deadline = Date.now() + graceMs;
    while (this.solving.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const controller of this.solving.values()) controller.abort(SHUTDOWN);
  }
}
