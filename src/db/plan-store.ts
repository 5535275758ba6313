// Plans in the database: the row a request creates, and the guarded status
// changes a solve job and a cancel make. Every change is one conditional UPDATE
// (`WHERE status = …`), so a retried or duplicated job, or a cancel racing a
// finishing solve, can never write a plan twice or overwrite a final status.
import { withModels } from './stored-models.js';
import { decodeBasis, encodeBasis } from './plan-basis.js';
import type { LpBasis } from '../optimizer/solvers/outcome.js';
import type { OfferedBasis } from '../optimizer/warm-start.js';
import { createHash } from 'node:crypto';
import type { PlanOptions, PlanResult, PlanningInput } from '../optimizer/types.js';
import { Prisma, type Plan, type PlanStatus } from '../generated/prisma/client.js';
import type { Database } from './database.js';
import { announcePlanStatus } from './plan-events.js';

type Client = Database['prisma'] | Prisma.TransactionClient;

export const FINAL_PLAN_STATUSES: readonly PlanStatus[] = ['SOLVED', 'INFEASIBLE', 'TIME_LIMIT', 'FAILED', 'CANCELLED'];

export function isFinal(status: PlanStatus): boolean {
  return FINAL_PLAN_STATUSES.includes(status);
}

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : inner,
  );
}

export function snapshotHash(snapshot: PlanningInput): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

export interface NewPlan {
  name: string | null;
  options: PlanOptions;
  snapshot: PlanningInput;
  sourcePlanId?: string | null;
  /** the scenario applied to the snapshot, and its code and overrides as applied */
  scenario?: { id: string; applied: { code: string; overrides: unknown } } | null;
  /** the schedule whose tick creates it, and that tick's job id (unique: one plan per tick) */
  schedule?: { id: string; tickId: string } | null;
  /** the API key that asked for it (its concurrent solves are capped) */
  requestedByKeyId?: string | null;
  /** the sweep it is a point of: the parameter's value and its index in the sweep's values */
  sweep?: { id: string; value: number; index: number } | null;
}

/**
 * A plan without its large columns (the snapshot is the whole data set; a
 * 24-hour result about a megabyte; the basis a few kB only the next solve
 * reads): what is read back where none is shown, so they are not sent by the
 * database and parsed for nothing.
 */
export type PlanRow = Omit<Plan, 'inputSnapshot' | 'result' | 'basis'>;
export const WITHOUT_LARGE_COLUMNS = { inputSnapshot: true, result: true, basis: true } as const;
/** A plan as shown whole (`plans show --json`, `/plans/<id>.json`): with its result, without its snapshot and basis. */
export const AS_SHOWN = { inputSnapshot: true, basis: true } as const;

/** A plan's JSON column as written: the typed value (options, snapshot, result, scenario) read back below. */
const asJson = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

export function createPlanRow(
  client: Client,
  plan: NewPlan,
  outcome: Pick<Prisma.PlanCreateInput, 'status' | 'errorMessage' | 'finishedAt'> = { status: 'QUEUED' },
): Promise<PlanRow> {
  return client.plan.create({
    omit: WITHOUT_LARGE_COLUMNS,
    data: {
      name: plan.name,
      ...outcome,
      options: asJson(plan.options),
      inputSnapshot: asJson(plan.snapshot),
      inputHash: snapshotHash(plan.snapshot),
      sourcePlanId: plan.sourcePlanId ?? null,
      scenarioId: plan.scenario?.id ?? null,
      ...(plan.scenario ? { scenarioApplied: asJson(plan.scenario.applied) } : {}),
      ...(plan.schedule ? { scheduleId: plan.schedule.id, scheduleTickId: plan.schedule.tickId } : {}),
      ...(plan.requestedByKeyId ? { requestedByKeyId: plan.requestedByKeyId } : {}),
      ...(plan.sweep ? { sweepId: plan.sweep.id, sweepValue: plan.sweep.value, sweepIndex: plan.sweep.index } : {}),
    },
  });
}

/** A plan refused before it was queued (a schedule tick whose options no longer validate): FAILED at once, with the reason. */
export async function createFailedPlanRow(client: Client, plan: NewPlan, message: string): Promise<PlanRow> {
  const row = await createPlanRow(client, plan, { status: 'FAILED', errorMessage: message, finishedAt: new Date() });
  await announcePlanStatus(client, { planId: row.id, status: 'FAILED' });
  return row;
}

/**
 * QUEUED → RUNNING as markRunning, unless the API key that requested the plan
 * already has `maxRunningPerKey` plans RUNNING: then 'at-limit' and nothing is
 * written. The count and the update hold a lock on that key, so two workers
 * cannot both take the last place.
 */
export async function markRunningWithinKeyLimit(
  db: Database,
  planId: string,
  maxRunningPerKey: number | null,
): Promise<boolean | 'at-limit'> {
  const plan = await db.prisma.plan.findUnique({
    where: { id: planId },
    select: { requestedByKeyId: true, status: true },
  });
  const keyId = plan?.requestedByKeyId;
  if (!keyId || maxRunningPerKey === null || plan.status !== 'QUEUED') return markRunning(db.prisma, planId);
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`tokengrid-plan-key:${keyId}`}))`;
    const running = await tx.plan.count({ where: { requestedByKeyId: keyId, status: 'RUNNING' } });
    if (running >= maxRunningPerKey) return 'at-limit' as const;
    return markRunning(tx, planId);
  });
}

/** QUEUED → RUNNING; false when the plan was not queued (cancelled, already taken or finished). */
export async function markRunning(client: Client, planId: string): Promise<boolean> {
  const { count } = await client.plan.updateMany({
    where: { id: planId, status: 'QUEUED' },
    data: { status: 'RUNNING', startedAt: new Date() },
  });
  if (count === 1) await announcePlanStatus(client, { planId, status: 'RUNNING' });
  return count === 1;
}

/** RUNNING → QUEUED: a solve stopped by its worker's shutdown goes back to the queue for another worker. */
export async function markReleased(client: Client, planId: string): Promise<boolean> {
  const { count } = await client.plan.updateMany({
    where: { id: planId, status: 'RUNNING' },
    data: { status: 'QUEUED', startedAt: null },
  });
  if (count === 1) await announcePlanStatus(client, { planId, status: 'QUEUED' });
  return count === 1;
}

/** The stored plan's status for a solve's outcome: one vocabulary for the API, the CLI and the web view. */
export const STATUS_OF_RESULT: Record<PlanResult['status'], PlanStatus> = {
  optimal: 'SOLVED',
  infeasible: 'INFEASIBLE',
  time_limit: 'TIME_LIMIT',
  error: 'FAILED',
};

/**
 * RUNNING → the result's final status, with the result and its key figures, in
 * one statement. False when the plan was no longer RUNNING (cancelled meanwhile,
 * or another attempt finished it first): then nothing is written.
 *
 * Raw SQL with the result as one JSON text parameter: Prisma's updateMany walks
 * and re-serializes a large result (a 5.5 MB result: 1.1–1.4 s against ~0.55 s
 * for this statement, bench/import/).
 */
export async function recordResult(
  client: Client,
  planId: string,
  result: PlanResult,
  basis: LpBasis | null = null,
): Promise<boolean> {
  const totals = result.totals;
  const status = STATUS_OF_RESULT[result.status];
  // written as Prisma writes DateTime: UTC wall time (an ISO instant cast to timestamp keeps its clock reading)
  const now = new Date().toISOString();
  const count = await client.$executeRawUnsafe(
    `UPDATE "Plan" SET status = $2::"PlanStatus", result = $3::jsonb,
       "costPerMillionTokens" = $4, "costPerHour" = $5, "servedTokensPerSecond" = $6,
       "unservedTokensPerSecond" = $7, "itPowerKw" = $8, "facilityPowerKw" = $9, solver = $10,
       "modelVariables" = $11, "modelConstraints" = $12, "modelNonzeros" = $13, "buildMs" = $14,
       "solveMs" = $15, "mipGap" = $16, "errorMessage" = $17,
       "finishedAt" = $18::timestamp, "updatedAt" = $18::timestamp,
       "carbonKgPerHour" = $19, "carbonKgPerMillionTokens" = $20, "structureKey" = $21, basis = $22
     WHERE id = $1::uuid AND status = 'RUNNING'`,
    planId,
    status,
    JSON.stringify(result),
    totals?.costPerMillionTokens ?? null,
    // money only (the unserved penalty is not in it)
    totals?.costPerHour.total ?? null,
    totals?.servedTokensPerSecond ?? null,
    totals?.unservedTokensPerSecond ?? null,
    totals?.itPowerKw ?? null,
    totals?.facilityPowerKw ?? null,
    result.solver,
    result.modelSize.variables,
    result.modelSize.constraints,
    result.modelSize.nonzeros,
    result.timings.buildMs,
    result.timings.solveMs,
    result.mipGap,
    status === 'FAILED' ? (result.message ?? 'the solver failed without a message') : null,
    now,
    totals?.carbonKgPerHour ?? null,
    totals?.carbonKgPerMillionTokens ?? null,
    result.structureKey ?? null,
    basis && result.status === 'optimal' ? encodeBasis(basis) : null,
  );
  if (count === 1) await announcePlanStatus(client, { planId, status });
  return count === 1;
}

/**
 * The basis a solve of this structure key starts from: the newest SOLVED plan
 * with that key and a stored basis (index Plan_structureKey_finishedAt_idx).
 * A blob that does not read back is passed over (the solve starts cold).
 */
export async function findStartBasis(client: Client, structureKey: string): Promise<OfferedBasis | null> {
  const row = await client.plan.findFirst({
    where: { structureKey, status: 'SOLVED', basis: { not: null } },
    orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
    select: { id: true, basis: true, solveMs: true },
  });
  const basis = row?.basis ? decodeBasis(row.basis) : null;
  return row && basis ? { planId: row.id, basis, solveMs: row.solveMs } : null;
}

/** RUNNING → FAILED when the job itself gave up (not a solver answer). */
export async function markFailed(client: Client, planId: string, message: string): Promise<boolean> {
  const { count } = await client.plan.updateMany({
    where: { id: planId, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'FAILED', errorMessage: message, finishedAt: new Date() },
  });
  if (count === 1) await announcePlanStatus(client, { planId, status: 'FAILED' });
  return count === 1;
}

/** QUEUED or RUNNING → CANCELLED; false when the plan had already finished. */
export async function markCancelled(client: Client, planId: string): Promise<boolean> {
  const { count } = await client.plan.updateMany({
    where: { id: planId, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'CANCELLED', finishedAt: new Date() },
  });
  if (count === 1) await announcePlanStatus(client, { planId, status: 'CANCELLED' });
  return count === 1;
}

/**
 * The plan a finished plan is compared with: the latest earlier SOLVED plan of
 * the same schedule when it has one, else of the same scenario (or of no
 * scenario). Earlier = requested before it (ties broken by id).
 */
export function previousSolvedPlan<S extends Prisma.PlanSelect>(
  client: Client,
  plan: { id: string; requestedAt: Date; scenarioId: string | null; scheduleId: string | null },
  select: S,
) {
  return client.plan.findFirst({
    where: {
      status: 'SOLVED',
      ...(plan.scheduleId ? { scheduleId: plan.scheduleId } : { scenarioId: plan.scenarioId }),
      OR: [{ requestedAt: { lt: plan.requestedAt } }, { requestedAt: plan.requestedAt, id: { lt: plan.id } }],
    },
    orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
    select,
  });
}

// ---- the JSON columns read back, typed: the one place their casts are made

/** A stored snapshot (written by createPlanRow from a PlanningInput). */
export function storedSnapshot(json: Prisma.JsonValue): PlanningInput {
  return json as unknown as PlanningInput;
}

/** The code of the scenario applied to a stored plan (its `scenarioApplied`), or null. */
export function storedScenarioCode(json: Prisma.JsonValue | null | undefined): string | null {
  return (json as { code?: string } | null | undefined)?.code ?? null;
}

/**
 * A stored result, read back. Results stored before cost meant money only
 * carry `costPerHour.penalty` inside a `total` that included it: they are read
 * as the current shape (total = energy + capex + egress + carbon, the penalty
 * in `totals.unservedPenaltyPerHour`, their shadow prices withheld), so every
 * reader sees one meaning.
 */
export function storedPlanResult(json: Prisma.JsonValue | null | undefined): PlanResult | null {
  if (json === null || json === undefined) return null;
  const result = withModels(json as unknown as PlanResult);
  const totals = result.totals as (PlanResult['totals'] & { costPerHour: { penalty?: number } }) | null;
  if (!totals || typeof totals.unservedPenaltyPerHour === 'number') return result;
  const { penalty = 0, ...money } = totals.costPerHour;
  return {
    ...result,
    totals: { ...totals, costPerHour: { ...money, total: money.total - penalty }, unservedPenaltyPerHour: penalty },
    // their shadow prices do not say which are the penalty avoided: not shown rather than shown as money
    ...(result.shadowPrices
      ? {
          shadowPrices: null,
          shadowPricesUnavailableReason:
            'solved before shadow prices said whether they are money or the unserved penalty: re-solve the plan (resolvePlan) for them',
        }
      : {}),
  };
}
