// Scheduled plans through pg-boss's scheduler. pg-boss keys a cron by queue
// name, so each Schedule has its own queue `schedule-<id>`; the timekeeper
// sends one tick per cron occurrence to it, whichever instance evaluates it.
// ScheduleRunner, in every worker process, takes those ticks (subscribing to
// each schedule's queue, re-synced every few seconds so schedules created
// elsewhere are picked up), hands each to planScheduleTick with the `enqueue`
// it was given, and delivers the webhooks of finished scheduled plans (queued
// with their final status: src/jobs/plan-webhook.ts).
// The schedule use-cases themselves are src/schedules/; this is their queue.
import { z } from 'zod';
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { DEFAULT_SOLVER_CAPS, type SolverCaps } from '../plans/solver-caps.js';
import type { ScheduleCron, ScheduleCrons } from '../schedules/service.js';
import { planScheduleTick, type EnqueuePlan } from '../schedules/tick.js';
import {
  DEFAULT_WEBHOOK_OPTIONS,
  deliverWebhook,
  PLAN_WEBHOOK_QUEUE,
  queuePlanWebhook,
  type WebhookOptions,
} from './plan-webhook.js';
import { ensureQueue } from './queue.js';

const QUEUE_PREFIX = 'schedule-';

export const scheduleQueueName = (scheduleId: string): string => `${QUEUE_PREFIX}${scheduleId}`;

/** A tick's payload, as registered with the cron; checked again when taken. */
export const scheduleTickPayloadSchema = z.object({ scheduleId: z.uuid() }).strict();

/**
 * Makes pg-boss's cron match the row: its queue exists, and the cron is
 * registered when enabled, unregistered when paused. Idempotent.
 */
export async function syncScheduleCron(boss: PgBoss, schedule: ScheduleCron): Promise<void> {
  const queue = scheduleQueueName(schedule.id);
  await ensureQueue(boss, queue);
  if (schedule.enabled) {
    await boss.schedule(
      queue,
      schedule.cron,
      { scheduleId: schedule.id },
      { tz: schedule.timeZone, retryLimit: 2, retryBackoff: true },
    );
  } else {
    await boss.unschedule(queue);
  }
}

/** Unregisters the cron and drops the queue with its ticks. */
export async function removeScheduleCron(boss: PgBoss, scheduleId: string): Promise<void> {
  const queue = scheduleQueueName(scheduleId);
  await boss.unschedule(queue);
  // pg-boss 10's deleteQueue fails on a queue that still holds jobs (its job
  // partition's foreign key is RESTRICT), and purgeQueue leaves finished ones
  await boss.getDb().executeSql('DELETE FROM pgboss.job WHERE name = $1', [queue]);
  await boss.deleteQueue(queue);
}

export interface ScheduleRunnerOptions {
  /** how often the schedules are re-read from the database (default 5 s) */
  resyncIntervalMs?: number;
  webhook?: WebhookOptions;
  logger?: Logger;
  /** the caps a tick's plan keeps to (default DEFAULT_SOLVER_CAPS); one over them is recorded FAILED */
  solverCaps?: SolverCaps;
}

export class ScheduleRunner {
  /** schedule ids whose queue this process works */
  private readonly subscribed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private resyncing: Promise<void> | undefined;
  private stopped = false;

  private constructor(
    private readonly db: Database,
    private readonly enqueue: EnqueuePlan,
    private readonly boss: PgBoss,
    private readonly webhook: Required<WebhookOptions>,
    private readonly logger: Logger,
    private readonly solverCaps: SolverCaps,
  ) {}

  /** Takes ticks and webhooks on `boss`; a tick's plan is created by `enqueue`. */
  static async start(
    db: Database,
    boss: PgBoss,
    enqueue: EnqueuePlan,
    options: ScheduleRunnerOptions = {},
  ): Promise<ScheduleRunner> {
    const runner = new ScheduleRunner(
      db,
      enqueue,
      boss,
      { ...DEFAULT_WEBHOOK_OPTIONS, ...options.webhook },
      options.logger ?? silentLogger,
      options.solverCaps ?? DEFAULT_SOLVER_CAPS,
    );
    await ensureQueue(boss, PLAN_WEBHOOK_QUEUE);
    await boss.work<unknown>(PLAN_WEBHOOK_QUEUE, { includeMetadata: true, batchSize: 1 }, async ([job]) => {
      if (job) await deliverWebhook(db, job, runner.webhook);
    });
    await runner.resync();
    runner.timer = setInterval(() => {
      runner.resync().catch((error: unknown) => runner.logger.error({ err: error }, 'schedules: re-sync failed'));
    }, options.resyncIntervalMs ?? 5_000);
    runner.timer.unref();
    return runner;
  }

  /**
   * Reads the schedules: works the queue of each (and stops working those of
   * deleted ones), and repairs pg-boss's crons where they differ from the rows
   * (a process that died between writing a row and registering its cron).
   */
  resync(): Promise<void> {
    this.resyncing ??= this.resyncOnce().finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private async resyncOnce(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.db.prisma.schedule.findMany({
      select: { id: true, cron: true, timeZone: true, enabled: true },
    });
    // the rows carry `timezone` too, which pg-boss's typings leave out
    const crons = new Map(
      (await this.boss.getSchedules()).map((cron) => [cron.name, cron as PgBoss.Schedule & { timezone?: string }]),
    );
    for (const row of rows) {
      const cron = crons.get(scheduleQueueName(row.id));
      const matches = row.enabled ? cron?.cron === row.cron && cron.timezone === row.timeZone : cron === undefined;
      if (!matches) await syncScheduleCron(this.boss, row);
      await this.subscribe(row.id);
    }
    const ids = new Set(rows.map((row) => row.id));
    for (const name of crons.keys()) {
      if (name.startsWith(QUEUE_PREFIX) && !ids.has(name.slice(QUEUE_PREFIX.length))) await this.boss.unschedule(name);
    }
    for (const id of this.subscribed) {
      if (!ids.has(id)) {
        this.subscribed.delete(id);
        await this.boss.offWork(scheduleQueueName(id));
      }
    }
  }

  /** Starts taking the ticks of one schedule here (at once for one created in this process). */
  async subscribe(scheduleId: string): Promise<void> {
    if (this.stopped || this.subscribed.has(scheduleId)) return;
    this.subscribed.add(scheduleId);
    const queue = scheduleQueueName(scheduleId);
    await ensureQueue(this.boss, queue);
    await this.boss.work<unknown>(queue, { includeMetadata: true, batchSize: 1 }, async ([job]) => {
      if (job) await this.runTick(job);
    });
  }

  /** Stops taking a deleted schedule's ticks here. */
  async unsubscribe(scheduleId: string): Promise<void> {
    if (!this.subscribed.delete(scheduleId)) return;
    await this.boss.offWork(scheduleQueueName(scheduleId));
  }

  /** One tick → one plan (src/schedules/tick.ts); its payload is checked again here. */
  private async runTick(job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const parsed = scheduleTickPayloadSchema.safeParse(job.data);
    if (!parsed.success)
      throw new Error(`${job.name}: invalid payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const outcome = await planScheduleTick(
      this.db,
      this.enqueue,
      { scheduleId: parsed.data.scheduleId, tickId: job.id },
      this.logger,
      this.solverCaps,
    );
    // as for a solved plan, its webhook's failure never fails the tick
    if (outcome)
      await this.db.prisma
        .$transaction((tx) => queuePlanWebhook(this.boss, tx, outcome.failedPlanId, this.webhook))
        .catch((error: unknown) =>
          this.logger.error({ planId: outcome.failedPlanId, err: error }, 'schedules: queueing the webhook failed'),
        );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.resyncing;
    await this.boss.offWork(PLAN_WEBHOOK_QUEUE);
    for (const id of this.subscribed) await this.boss.offWork(scheduleQueueName(id));
    this.subscribed.clear();
  }
}

/**
 * The schedules' crons on `boss` (src/schedules/service.ts), with the ticks of
 * new and deleted schedules taken or dropped at once by `runner` when this
 * process runs one.
 */
export function queueScheduleCrons(boss: PgBoss, runner: ScheduleRunner | null): ScheduleCrons {
  return {
    sync: (schedule) => syncScheduleCron(boss, schedule),
    remove: (scheduleId) => removeScheduleCron(boss, scheduleId),
    subscribe: async (scheduleId) => runner?.subscribe(scheduleId),
    unsubscribe: async (scheduleId) => runner?.unsubscribe(scheduleId),
  };
}
