// The job queue of one process, started and wired in one place: pg-boss, the
// plan solve workers, and (in a worker) the schedule runner. The runner gets
// the plan jobs' `enqueue` for its ticks, and the plan jobs queue a finished
// scheduled plan's webhook (src/jobs/plan-webhook.ts) in the transaction that
// makes it final, so neither module imports the other.
// `serve`, `worker`, the CLI's short commands and the tests start it here.
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { NO_DESTINATION_ALLOW, type DestinationAllow } from '../net.js';
import { silentLogger } from '../observability/logger.js';
import { DEFAULT_SOLVER_CAPS, type SolverCaps } from '../plans/solver-caps.js';
import { ScheduleService } from '../schedules/service.js';
import { PlanJobs, type PlanJobsOptions } from './plan-jobs.js';
import { DEFAULT_WEBHOOK_OPTIONS, PLAN_WEBHOOK_QUEUE, queuePlanWebhook } from './plan-webhook.js';
import { ensureQueue, startJobQueue, type JobQueueOptions } from './queue.js';
import { queueScheduleCrons, ScheduleRunner, type ScheduleRunnerOptions } from './schedules.js';

export interface JobsOptions extends Omit<PlanJobsOptions, 'onPlanFinal' | 'maxSolveTimeLimitSeconds'> {
  queue?: JobQueueOptions;
  /** the caps the solves and the schedule ticks here keep to (default DEFAULT_SOLVER_CAPS) */
  solverCaps?: SolverCaps;
  /** schedule ticks and webhooks, taken by a worker process */
  schedules?: ScheduleRunnerOptions;
  /** private, loopback and metadata destinations a webhook may still have (TOKENGRID_WEBHOOK_ALLOW; default none) */
  webhookAllow?: DestinationAllow;
}

export interface Jobs {
  /** plans: enqueue, cancel, wait; solved here when `worker` */
  plans: PlanJobs;
  /** the schedule use-cases, their crons on this queue */
  schedules: ScheduleService;
  /** the pg-boss instance underneath */
  queue: PgBoss;
  /** Stops the schedule runner, then the solves (see PlanJobs.stop), then the queue; never closes the database. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export async function startJobs(db: Database, options: JobsOptions = {}): Promise<Jobs> {
  const {
    queue: queueOptions,
    schedules: scheduleOptions,
    solverCaps = DEFAULT_SOLVER_CAPS,
    webhookAllow = NO_DESTINATION_ALLOW,
    ...planOptions
  } = options;
  const logger = options.logger ?? silentLogger;
  const boss = await startJobQueue(db, queueOptions, logger);
  const webhook = { ...DEFAULT_WEBHOOK_OPTIONS, allow: webhookAllow, ...scheduleOptions?.webhook };
  // a solve here may queue a webhook: its queue must exist first (pg-boss drops a job for an unknown queue)
  await ensureQueue(boss, PLAN_WEBHOOK_QUEUE);
  const plans = await PlanJobs.start(db, boss, {
    ...planOptions,
    maxSolveTimeLimitSeconds: solverCaps.maxSolveTimeLimitSeconds,
    // a scheduled plan's webhook is queued in the transaction that makes it final (an outbox)
    onPlanFinal: (tx, planId) => queuePlanWebhook(boss, tx, planId, webhook),
  });
  let runner: ScheduleRunner | null = null;
  if (options.worker ?? true) {
    runner = await ScheduleRunner.start(db, boss, (plan) => plans.enqueue(plan), {
      logger,
      solverCaps,
      ...scheduleOptions,
      webhook,
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    plans,
    schedules: new ScheduleService(db, queueScheduleCrons(boss, runner), { webhookAllow }),
    queue: boss,
    stop(stopOptions) {
      stopping ??= (async () => {
        await runner?.stop();
        await plans.stop(stopOptions);
        // waits for the handlers to return and pg-boss to record their jobs; never closes our database
        await boss.stop({ graceful: true, wait: true, close: false, timeout: 5_000 });
      })();
      return stopping;
    },
  };
}
