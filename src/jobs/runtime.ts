// The job queue of one process, started and wired in one place: pg-boss, the
// plan solve workers, and (in a worker) the schedule runner. The runner gets
// the plan jobs' `enqueue` for its ticks, and the plan jobs get the runner's
// webhook as their `onPlanFinished`, so neither module imports the other.
// `serve`, `worker`, the CLI's short commands and the tests start it here.
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { silentLogger } from '../observability/logger.js';
import { DEFAULT_SOLVER_CAPS, type SolverCaps } from '../plans/solver-caps.js';
import { ScheduleService } from '../schedules/service.js';
import { PlanJobs, type PlanJobsOptions } from './plan-jobs.js';
import { startJobQueue, type JobQueueOptions } from './queue.js';
import { queueScheduleCrons, ScheduleRunner, type ScheduleRunnerOptions } from './schedules.js';

export interface JobsOptions extends Omit<PlanJobsOptions, 'onPlanFinished' | 'maxSolveTimeLimitSeconds'> {
  queue?: JobQueueOptions;
  /** the caps the solves and the schedule ticks here keep to (default DEFAULT_SOLVER_CAPS) */
  solverCaps?: SolverCaps;
  /** schedule ticks and webhooks, taken by a worker process */
  schedules?: ScheduleRunnerOptions;
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
  const { queue: queueOptions, schedules: scheduleOptions, solverCaps = DEFAULT_SOLVER_CAPS, ...planOptions } = options;
  const logger = options.logger ?? silentLogger;
  const boss = await startJobQueue(db, queueOptions, logger);
  let runner: ScheduleRunner | null = null;
  const plans = await PlanJobs.start(db, boss, {
    ...planOptions,
    maxSolveTimeLimitSeconds: solverCaps.maxSolveTimeLimitSeconds,
    onPlanFinished: async (planId) => runner?.planFinished(planId),
  });
  if (options.worker ?? true) {
    runner = await ScheduleRunner.start(db, boss, (plan) => plans.enqueue(plan), {
      logger,
      solverCaps,
      ...scheduleOptions,
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    plans,
    schedules: new ScheduleService(db, queueScheduleCrons(boss, runner)),
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
