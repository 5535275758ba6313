// The `plan-webhook` job: POST a JSON summary of a finished scheduled plan to
// its schedule's webhook URL, with a timeout, retried with backoff by pg-boss
// (so retries survive restarts). Every attempt is recorded on the plan's
// WebhookDelivery row; a delivery that fails for good never touches the plan.
import { z } from 'zod';
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { previousSolvedPlan, storedPlanResult, storedScenarioCode } from '../db/plan-store.js';
import type { PlanStatus } from '../generated/prisma/client.js';
import { diffPlans } from '../plans/diff.js';
import { planHeadline } from '../plans/headline.js';

export const PLAN_WEBHOOK_QUEUE = 'plan-webhook';

/** Checked again when a job is taken: the queue is shared and rows outlive code versions. */
export const planWebhookPayloadSchema = z.object({ deliveryId: z.uuid() }).strict();

/** The statuses a webhook reports (a cancelled plan was stopped by someone who knows). */
export const WEBHOOK_PLAN_STATUSES: readonly PlanStatus[] = ['SOLVED', 'INFEASIBLE', 'TIME_LIMIT', 'FAILED'];

export interface WebhookOptions {
  /** attempts in all, the first included (default 3) */
  attempts?: number;
  /** delay before the first retry; doubled (with jitter) on each further one when backoff is on (default 10 s) */
  retryDelaySeconds?: number;
  backoff?: boolean;
  /** per attempt (default 5 s) */
  timeoutMs?: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: Required<WebhookOptions> = {
  attempts: 3,
  retryDelaySeconds: 10,
  backoff: true,
  timeoutMs: 5_000,
};

/** pg-boss send options for a delivery job. */
export function webhookJobOptions(options: Required<WebhookOptions>): PgBoss.SendOptions {
  return { retryLimit: options.attempts - 1, retryDelay: options.retryDelaySeconds, retryBackoff: options.backoff };
}

const TOP_MOVED_SITES = 5;

/** The JSON a webhook receives. */
export async function webhookSummary(db: Database, planId: string) {
  const plan = await db.prisma.plan.findUniqueOrThrow({
    where: { id: planId },
    select: {
      id: true,
      name: true,
      status: true,
      requestedAt: true,
      finishedAt: true,
      errorMessage: true,
      result: true,
      costPerMillionTokens: true,
      scenarioId: true,
      scheduleId: true,
      scenarioApplied: true,
      schedule: { select: { id: true, name: true, cron: true, timeZone: true } },
    },
  });
  const result = storedPlanResult(plan.result);
  const totals = result?.totals ?? null;
  const previous =
    plan.status === 'SOLVED' || plan.status === 'TIME_LIMIT'
      ? await previousSolvedPlan(db.prisma, plan, { id: true, result: true })
      : null;
  const previousResult = storedPlanResult(previous?.result);
  const diff = result?.totals && previousResult?.totals ? diffPlans(previousResult, result) : null;
  return {
    event: 'plan.finished',
    plan: {
      id: plan.id,
      name: plan.name,
      status: plan.status,
      requestedAt: plan.requestedAt.toISOString(),
      finishedAt: plan.finishedAt?.toISOString() ?? null,
      errorMessage: plan.errorMessage,
      scenarioCode: storedScenarioCode(plan.scenarioApplied),
    },
    schedule: plan.schedule,
    /** the plan in one line: cost (money only) and, first, any demand left unserved with its reasons */
    headline: result ? planHeadline(result) : `Plan ${plan.status}${plan.errorMessage ? `: ${plan.errorMessage}` : ''}`,
    costPerMillionTokens: plan.costPerMillionTokens,
    totals: totals && {
      /** money: energy + capex + egress + carbon */
      costPerHour: totals.costPerHour.total,
      costPerHourSplit: totals.costPerHour,
      /** the unserved demand and the penalty the model charged for it (a modelling price, not money) */
      unserved: { tokensPerSecond: totals.unservedTokensPerSecond, penaltyPerHour: totals.unservedPenaltyPerHour },
      tokensPerJoule: totals.tokensPerJoule,
      facilityPowerKw: totals.facilityPowerKw,
      carbonKgPerHour: totals.carbonKgPerHour,
      servedTokensPerSecond: totals.servedTokensPerSecond,
      unservedTokensPerSecond: totals.unservedTokensPerSecond,
      gpusBusy: totals.gpusBusy,
      gpusAdded: totals.gpusAdded,
    },
    previousPlanId: diff ? previous!.id : null,
    /** to − previous; null without a previous solved plan of the schedule */
    changeFromPrevious: diff && {
      unchanged: diff.unchanged,
      totals: diff.totals,
      topMovedSites: diff.sites.slice(0, TOP_MOVED_SITES).map((site) => ({
        siteCode: site.siteCode,
        fromTokensPerSecond: site.fromTokensPerSecond,
        toTokensPerSecond: site.toTokensPerSecond,
        tokensPerSecondChange: site.tokensPerSecondChange,
        costPerHourChange: site.costPerHourChange,
      })),
    },
  };
}

export type WebhookSummary = Awaited<ReturnType<typeof webhookSummary>>;

/**
 * One attempt. Records it on the delivery; throws (so pg-boss retries) while
 * attempts remain, and marks the delivery FAILED on the last one.
 */
export async function deliverWebhook(
  db: Database,
  job: PgBoss.JobWithMetadata<unknown>,
  options: Required<WebhookOptions>,
): Promise<void> {
  const parsed = planWebhookPayloadSchema.safeParse(job.data);
  if (!parsed.success)
    throw new Error(`${PLAN_WEBHOOK_QUEUE}: invalid payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const delivery = await db.prisma.webhookDelivery.findUnique({ where: { id: parsed.data.deliveryId } });
  if (!delivery || delivery.status !== 'PENDING') return;

  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'tokengrid-webhook' },
      body: JSON.stringify(await webhookSummary(db, delivery.planId)),
      signal: AbortSignal.timeout(options.timeoutMs),
      // a redirect is an answer, not a delivery: the URL was configured by name
      redirect: 'manual',
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (caught) {
    error =
      caught instanceof Error && caught.name === 'TimeoutError'
        ? `no answer within ${options.timeoutMs} ms`
        : caught instanceof Error
          ? caught.message
          : String(caught);
  }

  const last = job.retryCount >= job.retryLimit;
  await db.prisma.webhookDelivery.updateMany({
    where: { id: delivery.id, status: 'PENDING' },
    data: {
      attempts: { increment: 1 },
      lastStatusCode: statusCode,
      lastError: error,
      ...(error === null ? { status: 'DELIVERED', deliveredAt: new Date() } : last ? { status: 'FAILED' } : {}),
    },
  });
  if (error !== null && !last) throw new Error(`webhook for plan ${delivery.planId}: ${error}`);
}
