// What every resolver sees: the request's database and per-request lookups of
// the small reference tables (GPU types, workload classes), loaded at most once
// per request so derived fields on a list of sites cost no extra queries.
import type { Database } from '../db/database.js';
import type { GpuThroughputs } from '../domain/economics.js';
import type { GpuThroughput, GpuType, WorkloadClass } from '../generated/prisma/client.js';
import type { PlanJobs } from '../jobs/plan-jobs.js';
import type { Jobs } from '../jobs/runtime.js';
import { DEFAULT_SOLVER_CAPS, type SolverCaps } from '../plans/solver-caps.js';
import type { ScheduleService } from '../schedules/service.js';
import type { SubscriptionGuard } from './subscriptions.js';

export type GpuTypeWithThroughputs = GpuType & { throughputs: (GpuThroughput & { workloadClass: WorkloadClass })[] };

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
  gpuTypes(): Promise<Map<string, GpuTypeWithThroughputs>>;
  /** the same GPU types in the shape the domain calculations take */
  gpuThroughputs(): Promise<Map<string, GpuThroughputs>>;
  workloadClasses(): Promise<Map<string, WorkloadClass>>;
}

export function referenceLookups(db: Database): ReferenceLookups {
  let gpuTypes: Promise<Map<string, GpuTypeWithThroughputs>> | undefined;
  let classes: Promise<Map<string, WorkloadClass>> | undefined;
  return {
    gpuTypes() {
      gpuTypes ??= db.prisma.gpuType
        .findMany({ include: { throughputs: { include: { workloadClass: true } } }, orderBy: { code: 'asc' } })
        .then((rows) => new Map(rows.map((row) => [row.code, row])));
      return gpuTypes;
    },
    async gpuThroughputs() {
      const rows = await this.gpuTypes();
      return new Map(
        [...rows.values()].map((gpu) => [
          gpu.code,
          {
            code: gpu.code,
            powerWatts: gpu.powerWatts,
            throughputs: gpu.throughputs.map((t) => ({
              workloadClassCode: t.workloadClass.code,
              tokensPerSecond: t.tokensPerSecond,
              derivation: t.derivation,
            })),
          },
        ]),
      );
    },
    workloadClasses() {
      classes ??= db.prisma.workloadClass
        .findMany({ orderBy: { id: 'asc' } })
        .then((rows) => new Map(rows.map((row) => [row.code, row])));
      return classes;
    },
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
