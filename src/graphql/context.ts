// What every resolver sees: the request's database and the small reference
// tables (GPU types, workload classes), from the process's cache, whose version
// is checked at most once per request so derived fields on a list of sites cost
// no extra queries.
import type { Database } from '../db/database.js';
import type { GpuThroughputs } from '../domain/economics.js';
import { lookupCacheOf, type GpuTypeWithThroughputs, type Lookups } from '../db/lookup-cache.js';
import type { Model, WorkloadClass } from '../generated/prisma/client.js';
import type { PlanJobs } from '../jobs/plan-jobs.js';
import type { Jobs } from '../jobs/runtime.js';
import { DEFAULT_SOLVER_CAPS, type SolverCaps } from '../plans/solver-caps.js';
import type { ScheduleService } from '../schedules/service.js';
import type { SubscriptionGuard } from './subscriptions.js';

export interface Context {
  db: Database;
  requestId: string;
  reference: ReferenceLookups;
  /** the job queue, when this process runs one (requestPlan needs it; reading plans does not) */
  planJobs: PlanJobs | null;
  /** the schedule use-cases, on that same queue (null without one) */
  schedules: ScheduleService | null;
  /** this server's caps on a plan request (set by the HTTP app; absent = DEFAULT_SOLVER_CAPS) */
  solverCaps?: SolverCaps;
  /** open subscriptions per key and their keys re-checked (set by the HTTP app; absent = neither) */
  subscriptions?: SubscriptionGuard;
  /** who is calling (src/auth/authenticate.ts); null = nobody authenticated, and every field is refused */
  auth: {
    role: 'viewer' | 'planner' | 'admin';
    keyName: string | null;
    keyId: string | null;
    source: 'key' | 'loopback-default';
  } | null;
}

export interface ReferenceLookups {
  gpuTypes(): Promise<ReadonlyMap<string, GpuTypeWithThroughputs>>;
  /** the same GPU types in the shape the domain calculations take */
  gpuThroughputs(): Promise<ReadonlyMap<string, GpuThroughputs>>;
  workloadClasses(): Promise<ReadonlyMap<string, WorkloadClass>>;
  models(): Promise<ReadonlyMap<string, Model>>;
}

/** The process's cached tables (src/db/lookup-cache.ts), checked for a change once per request. */
export function referenceLookups(db: Database): ReferenceLookups {
  let lookups: Promise<Lookups> | undefined;
  const current = () => (lookups ??= lookupCacheOf(db).current());
  return {
    gpuTypes: async () => (await current()).gpuTypes,
    gpuThroughputs: async () => (await current()).gpuThroughputs,
    workloadClasses: async () => (await current()).workloadClasses,
    models: async () => (await current()).models,
  };
}

export function createContext(
  db: Database,
  requestId: string,
  jobs: Jobs | null = null,
  auth: Context['auth'] = null,
): Context {
  return {
    db,
    requestId,
    reference: referenceLookups(db),
    planJobs: jobs?.plans ?? null,
    schedules: jobs?.schedules ?? null,
    auth,
  };
}

/** The caps every plan request, scenario and schedule stored through this API keeps to. */
export function solverCapsOf(ctx: Pick<Context, 'solverCaps'>): SolverCaps {
  return ctx.solverCaps ?? DEFAULT_SOLVER_CAPS;
}
