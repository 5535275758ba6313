// PlanDiff: what changed between two solved plans (src/plans/diff.ts), as
// Plan.diff(against) and Plan.changesFromPrevious.
import { isUuid } from '../../db/ids.js';
import { previousSolvedPlan, storedPlanResult } from '../../db/plan-store.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { PlanResult } from '../../optimizer/types.js';
import {
  diffPlans,
  type LoadFlow,
  type PlanDiff,
  type RegionClassChange,
  type SiteChange,
  type SiteGpuChange,
} from '../../plans/diff.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { argumentError } from './common.js';
import { PlanRef, PlanTotalsRef } from './plan.js';

/** Plans whose result can be compared: solved, or stopped at the time limit with a solution. */
const COMPARABLE_STATUSES = ['SOLVED', 'TIME_LIMIT'] as const;

function comparableResult(plan: { status: string; result: Prisma.JsonValue | null }): PlanResult | null {
  const result = storedPlanResult(plan.result);
  return (COMPARABLE_STATUSES as readonly string[]).includes(plan.status) && result?.totals ? result : null;
}

// ---- types

const SiteGpuChangeRef = builder.objectRef<SiteGpuChange>('PlanDiffSiteGpu').implement({
  description: 'The change at one site for one GPU type (means over periods).',
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    gpuTypeCode: t.exposeString('gpuTypeCode'),
    fromGpusBusy: t.exposeFloat('fromGpusBusy'),
    toGpusBusy: t.exposeFloat('toGpusBusy'),
    gpusBusyChange: t.exposeFloat('gpusBusyChange'),
    fromGpusAdded: t.exposeFloat('fromGpusAdded'),
    toGpusAdded: t.exposeFloat('toGpusAdded'),
    gpusAddedChange: t.exposeFloat('gpusAddedChange'),
    fromTokensPerSecond: t.exposeFloat('fromTokensPerSecond'),
    toTokensPerSecond: t.exposeFloat('toTokensPerSecond'),
    tokensPerSecondChange: t.exposeFloat('tokensPerSecondChange', { description: 'load served on this GPU type here' }),
  }),
});

const SiteChangeRef = builder.objectRef<SiteChange>('PlanDiffSite').implement({
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    fromTokensPerSecond: t.exposeFloat('fromTokensPerSecond'),
    toTokensPerSecond: t.exposeFloat('toTokensPerSecond'),
    tokensPerSecondChange: t.exposeFloat('tokensPerSecondChange'),
    fromCostPerHour: t.exposeFloat('fromCostPerHour'),
    toCostPerHour: t.exposeFloat('toCostPerHour'),
    costPerHourChange: t.exposeFloat('costPerHourChange', { description: 'USD per hour' }),
  }),
});

const LoadFlowRef = builder.objectRef<LoadFlow>('PlanDiffFlow').implement({
  description:
    "Tokens/s of one region × class's load that moved between sites (mean over periods). A null fromSiteCode is load newly served; a null toSiteCode is load no longer served.",
  fields: (t) => ({
    regionCode: t.exposeString('regionCode'),
    workloadClassCode: t.exposeString('workloadClassCode'),
    fromSiteCode: t.exposeString('fromSiteCode', { nullable: true }),
    toSiteCode: t.exposeString('toSiteCode', { nullable: true }),
    tokensPerSecond: t.exposeFloat('tokensPerSecond'),
  }),
});

const RegionClassChangeRef = builder.objectRef<RegionClassChange>('PlanDiffRegion').implement({
  fields: (t) => ({
    regionCode: t.exposeString('regionCode'),
    workloadClassCode: t.exposeString('workloadClassCode'),
    movedTokensPerSecond: t.exposeFloat('movedTokensPerSecond', { description: 'load that changed site' }),
    servedTokensPerSecondChange: t.exposeFloat('servedTokensPerSecondChange'),
    flows: t.field({ type: [LoadFlowRef], resolve: (region) => region.flows }),
  }),
});

interface PlanDiffView extends PlanDiff {
  fromPlanId: string;
  toPlanId: string;
}

const PlanDiffRef = builder.objectRef<PlanDiffView>('PlanDiff').implement({
  description:
    'What changed from one solved plan (from) to another (to). Rows with no change are left out; rows are largest change first.',
  fields: (t) => ({
    fromPlanId: t.exposeID('fromPlanId'),
    toPlanId: t.exposeID('toPlanId'),
    unchanged: t.exposeBoolean('unchanged', { description: 'no row and no total changed' }),
    siteGpus: t.field({
      type: [SiteGpuChangeRef],
      description: 'per site × GPU type',
      resolve: (diff) => diff.siteGpus,
    }),
    sites: t.field({ type: [SiteChangeRef], resolve: (diff) => diff.sites }),
    regions: t.field({
      type: [RegionClassChangeRef],
      description: 'per region × class, with its flows',
      resolve: (diff) => diff.regions,
    }),
    flows: t.field({
      type: [LoadFlowRef],
      description: 'every flow, largest first; optionally only those leaving or reaching a site',
      args: {
        fromSiteCode: t.arg.string({ required: false }),
        toSiteCode: t.arg.string({ required: false }),
      },
      resolve: (diff, args) =>
        diff.flows.filter(
          (flow) =>
            (args.fromSiteCode == null || flow.fromSiteCode === args.fromSiteCode) &&
            (args.toSiteCode == null || flow.toSiteCode === args.toSiteCode),
        ),
    }),
    totals: t.field({
      type: PlanTotalsRef,
      nullable: true,
      description:
        'the change in every total (to − from), in the same units; 0 within the tolerance; null where either plan has no value',
      resolve: (diff) => diff.totals,
    }),
  }),
});

// ---- fields on Plan

async function againstResult(ctx: Context, id: string): Promise<PlanResult> {
  const plan = isUuid(id)
    ? await ctx.db.prisma.plan.findUnique({ where: { id }, select: { status: true, result: true } })
    : null;
  if (!plan) {
    throw argumentError('NOT_FOUND', 'against', `against: plan "${id}" does not exist`);
  }
  const result = comparableResult(plan);
  if (!result) {
    throw argumentError(
      'BAD_USER_INPUT',
      'against',
      `against: plan "${id}" is ${plan.status} and has no solution to compare with (only SOLVED plans can be compared)`,
    );
  }
  return result;
}

builder.prismaObjectFields(PlanRef, (t) => ({
  diff: t.field({
    type: PlanDiffRef,
    nullable: true,
    description: 'The change from plan `against` to this one; null while this plan has no solution.',
    args: { against: t.arg.id({ required: true, description: 'a SOLVED plan' }) },
    select: { id: true, status: true, result: true },
    resolve: async (plan, args, ctx) => {
      const against = String(args.against);
      const fromResult = await againstResult(ctx, against);
      const toResult = comparableResult(plan);
      return toResult ? { fromPlanId: against, toPlanId: plan.id, ...diffPlans(fromResult, toResult) } : null;
    },
  }),
  changesFromPrevious: t.field({
    type: PlanDiffRef,
    nullable: true,
    description:
      'The change from the previous plan: the most recent earlier SOLVED plan of the same schedule for a scheduled plan, else of the same scenario (or, for a plan without one, of no scenario); null when there is none or this plan has no solution.',
    select: { id: true, status: true, result: true, requestedAt: true, scenarioId: true, scheduleId: true },
    resolve: async (plan, _args, ctx) => {
      const toResult = comparableResult(plan);
      if (!toResult) return null;
      const previous = await previousSolvedPlan(ctx.db.prisma, plan, { id: true, status: true, result: true });
      const fromResult = previous && comparableResult(previous);
      return previous && fromResult
        ? { fromPlanId: previous.id, toPlanId: plan.id, ...diffPlans(fromResult, toResult) }
        : null;
    },
  }),
}));
