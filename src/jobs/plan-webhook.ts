// The `plan-webhook` job: POST a JSON summary of a finished scheduled plan to
// its schedule's webhook URL, with a timeout, retried with backoff by pg-boss
// (so retries survive restarts). The delivery row and its job are written in
// the transaction that makes the plan final (an outbox: a worker that dies
// after that commit loses no webhook). Every attempt is recorded on the plan's
// WebhookDelivery row as an outcome class only (never the remote's answer);
// a delivery that fails for good never touches the plan. The destination is
// checked at connect time on the address it resolved to (src/net.ts).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import { previousSolvedPlan, storedPlanResult, storedScenarioCode } from '../db/plan-store.js';
import type { PlanStatus, Prisma } from '../generated/prisma/client.js';
import { forbiddenAddressKind, NO_DESTINATION_ALLOW, type DestinationAllow } from '../net.js';
import { diffPlans } from '../plans/diff.js';
import { planHeadline } from '../plans/headline.js';
import { transactionSql } from './queue.js';

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
  /** loopback, private and metadata destinations allowed anyway (TOKENGRID_WEBHOOK_ALLOW) */
  allow?: DestinationAllow;
  /** a name's addresses (default: the system resolver, every address); every one is checked */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

const systemResolve = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

export const DEFAULT_WEBHOOK_OPTIONS: Required<WebhookOptions> = {
  attempts: 3,
  retryDelaySeconds: 10,
  backoff: true,
  timeoutMs: 5_000,
  allow: NO_DESTINATION_ALLOW,
  resolve: systemResolve,
};

/** The header that carries the delivery's id: the same on every attempt, so a receiver can drop a repeat. */
export const DELIVERY_ID_HEADER = 'x-tokengrid-delivery';

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
 * Queues the webhook of a plan that became final in `tx`, when it is a
 * scheduled plan whose schedule has one: its WebhookDelivery row (one per
 * plan) and its job, both in that transaction, so they commit with the plan's
 * final status or not at all.
 */
export async function queuePlanWebhook(
  boss: PgBoss,
  tx: Prisma.TransactionClient,
  planId: string,
  options: Required<WebhookOptions>,
): Promise<void> {
  const plan = await tx.plan.findUnique({
    where: { id: planId },
    select: { status: true, schedule: { select: { webhookUrl: true } } },
  });
  const url = plan?.schedule?.webhookUrl;
  if (!url || !WEBHOOK_PLAN_STATUSES.includes(plan.status)) return;
  const [delivery] = await tx.webhookDelivery.createManyAndReturn({
    data: [{ planId, url }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (!delivery) return;
  const jobId = await boss.send(
    PLAN_WEBHOOK_QUEUE,
    { deliveryId: delivery.id },
    { ...webhookJobOptions(options), db: transactionSql(tx) },
  );
  // pg-boss inserts nothing (and answers null) for a queue that does not exist: never commit a delivery without its job
  if (!jobId) throw new Error(`the ${PLAN_WEBHOOK_QUEUE} queue does not exist: the webhook cannot be queued`);
}

/** What one attempt came to, as stored: a class, never the remote's body or error text. */
type Outcome =
  | { delivered: true; statusCode: number }
  | { delivered: false; statusCode: number | null; outcome: string; final: boolean };

class RefusedDestination extends Error {
  constructor(readonly kind: string) {
    super(`refused: ${kind} address`);
  }
}

/**
 * A `lookup` for the connection: resolves the name once, refuses when any of
 * its addresses is forbidden, and hands the checked addresses to the socket,
 * so nothing resolves the name a second time (no DNS rebinding in between).
 */
function checkedLookup(options: Required<WebhookOptions>, allowedByName: boolean): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    options.resolve(hostname).then(
      (addresses) => {
        const kind = allowedByName
          ? null
          : (addresses.map((a) => forbiddenAddressKind(a.address, options.allow)).find((k) => k !== null) ?? null);
        if (kind !== null) return callback(new RefusedDestination(kind), '', 0);
        const usable = addresses.filter((a) => !lookupOptions.family || a.family === lookupOptions.family);
        if (usable.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
          error.code = 'ENOTFOUND';
          return callback(error, '', 0);
        }
        if (lookupOptions.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

function statusClass(statusCode: number): string {
  return `http ${Math.floor(statusCode / 100)}xx`;
}

/** POSTs `body` to `url` and answers the outcome; a redirect is an answer, never followed. */
async function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: Required<WebhookOptions>,
): Promise<Outcome> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const allowedByName = options.allow.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  // an address in the URL is connected to as it is, without a lookup: check it here
  const literalKind = isIP(hostname) && !allowedByName ? forbiddenAddressKind(hostname, options.allow) : null;
  if (literalKind)
    return { delivered: false, statusCode: null, outcome: `refused: ${literalKind} address`, final: true };
  try {
    const statusCode = await new Promise<number>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: checkedLookup(options, allowedByName),
          // a fresh connection each time: no kept-alive socket skips the check
          agent: false,
          signal: AbortSignal.timeout(options.timeoutMs),
        },
        (response) => {
          resolve(response.statusCode ?? 0);
          // the answer's body is not read, let alone stored
          response.destroy();
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    if (statusCode >= 200 && statusCode < 300) return { delivered: true, statusCode };
    return { delivered: false, statusCode, outcome: statusClass(statusCode), final: false };
  } catch (error) {
    if (error instanceof RefusedDestination)
      return { delivered: false, statusCode: null, outcome: error.message, final: true };
    const code = (error as NodeJS.ErrnoException).code;
    const name = (error as Error).name;
    const outcome =
      name === 'AbortError' || name === 'TimeoutError'
        ? 'timeout'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'name not resolved'
          : 'connection failed';
    return { delivered: false, statusCode: null, outcome, final: false };
  }
}

/**
 * One attempt. Records its outcome on the delivery; throws (so pg-boss
 * retries) while attempts remain, and marks the delivery FAILED on the last
 * one, or at once when the destination is refused.
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

  const result = await post(
    new URL(delivery.url),
    JSON.stringify(await webhookSummary(db, delivery.planId)),
    {
      'content-type': 'application/json',
      'user-agent': 'tokengrid-webhook',
      [DELIVERY_ID_HEADER]: delivery.id,
    },
    options,
  );

  const last = result.delivered || result.final || job.retryCount >= job.retryLimit;
  await db.prisma.webhookDelivery.updateMany({
    where: { id: delivery.id, status: 'PENDING' },
    data: {
      attempts: { increment: 1 },
      lastStatusCode: result.statusCode,
      lastError: result.delivered ? null : result.outcome,
      ...(result.delivered ? { status: 'DELIVERED', deliveredAt: new Date() } : last ? { status: 'FAILED' } : {}),
    },
  });
  if (!result.delivered && !last) throw new Error(`webhook for plan ${delivery.planId}: ${result.outcome}`);
}
