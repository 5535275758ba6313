// One tick of a schedule's cron → one plan, through the same path as requestPlan.
// The tick's job id is stored on the plan (unique), so a redelivered tick adds
// nothing. The job queue (src/jobs/schedules.ts) takes the ticks and calls this.
import type { Database } from '../db/database.js';
import { createFailedPlanRow, type NewPlan } from '../db/plan-store.js';
import { Prisma, type Plan } from '../generated/prisma/client.js';
import { formatIssues, ValidationError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { checkPlanCaps, preparePlan } from '../plans/request.js';
import type { SolverCaps } from '../plans/solver-caps.js';
import { storedScheduleOptions } from './service.js';

/** Creates a plan with its solve job (PlanJobs.enqueue). */
export type EnqueuePlan = (plan: NewPlan) => Promise<Pick<Plan, 'id' | 'requestedAt'>>;

export interface ScheduleTick {
  scheduleId: string;
  /** the tick's job id */
  tickId: string;
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * Plans the tick unless its schedule was deleted or paused meanwhile, or the
 * tick already made its plan. Nothing to plan (no sites, no demand) or options
 * the data no longer takes is logged and makes no plan: retrying the tick
 * would not change that. A plan asking more of the solver than `caps` allow
 * (they were lowered after the schedule was stored) is recorded FAILED with
 * the reason, and its id answered (its webhook is due). Anything else is
 * thrown, so the tick is retried.
 */
export async function planScheduleTick(
  db: Database,
  enqueue: EnqueuePlan,
  tick: ScheduleTick,
  logger: Logger,
  caps: SolverCaps,
): Promise<{ failedPlanId: string } | void> {
  const schedule = await db.prisma.schedule.findUnique({
    where: { id: tick.scheduleId },
    select: { id: true, name: true, enabled: true, options: true, scenario: { select: { code: true } } },
  });
  // deleted or paused after the tick was sent
  if (!schedule?.enabled) return;
  if (await db.prisma.plan.findUnique({ where: { scheduleTickId: tick.tickId }, select: { id: true } })) return;
  try {
    const request = await preparePlan(db, {
      name: schedule.name,
      scenarioCode: schedule.scenario?.code ?? null,
      options: storedScheduleOptions(schedule.options),
    });
    const newPlan = { ...request, schedule: { id: schedule.id, tickId: tick.tickId } };
    let refused: string | null = null;
    try {
      checkPlanCaps(request, caps);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      refused = `the schedule's options no longer keep to this server's caps: ${formatIssues(error.issues).replaceAll('input.', '')}`;
    }
    const plan = refused ? await createFailedPlanRow(db.prisma, newPlan, refused) : await enqueue(newPlan);
    await db.prisma.schedule.updateMany({
      where: { id: schedule.id },
      data: { lastPlanId: plan.id, lastRunAt: plan.requestedAt },
    });
    if (refused) {
      logger.warn({ schedule: schedule.name, planId: plan.id }, refused);
      return { failedPlanId: plan.id };
    }
  } catch (error) {
    // another run of the same tick created its plan first
    if (isUniqueViolation(error)) return;
    if (error instanceof ValidationError) {
      logger.error(
        { schedule: schedule.name, issues: error.issues },
        `the schedule tick created no plan: ${formatIssues(error.issues)}`,
      );
      return;
    }
    logger.error({ schedule: schedule.name, err: error }, 'the schedule tick created no plan');
    throw error;
  }
}
