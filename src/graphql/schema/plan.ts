// Plan: a placement plan solved by a job from a stored snapshot; its queries
// (by id, list, latest) and mutations (request, cancel, re-solve a snapshot).
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { NAME_MAX_LENGTH, plainText } from '../../dataset/schema.js';
import { isUuid } from '../../db/ids.js';
import { isFinal, storedPlanResult, storedSnapshot } from '../../db/plan-store.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { PlanJobs } from '../../jobs/plan-jobs.js';
import {
  CAPEX_MODES,
  parsePlanOptions,
  type AllocationRow,
  type CostBreakdownPerHour,
  type ModelPlan,
  type ModelRulePlan,
  type PlanResult,
  type RegionModelPlan,
  type RegionPlan,
  type ShadowPrices,
  type SiteGpuModelPlan,
  type SiteModelCapPlan,
  type SiteModelPlan,
  type SitePlan,
  type SiteRanges,
  type UnservedDemand,
  type ValueRange,
} from '../../optimizer/types.js';
import { siteUtilization } from '../../optimizer/interpret/summaries.js';
import { PLANNER_FIELD } from '../authorization.js';
import { builder } from '../builder.js';
import { solverCapsOf, type Context } from '../context.js';
import { NotFoundError, ValidationError, type ErrorCode } from '../../errors.js';
import { preparePlan } from '../../plans/request.js';
import { checkSolverCaps } from '../../plans/solver-caps.js';
import { checkPageSize, MAX_PAGE_SIZE, MUTATION_ERRORS, selection } from './common.js';

/** How long `wait: true` holds a request open before answering with the plan as it is. */
export const MAX_PLAN_WAIT_MS = 60_000;

/** A mutation that needs the job queue, in a process without one (see Context.planJobs). */
export const jobQueueUnavailable = () =>
  new GraphQLError('this process does not run the plan job queue', {
    extensions: { code: 'SERVICE_UNAVAILABLE' satisfies ErrorCode },
  });

export function planJobsOrThrow(ctx: Context): PlanJobs {
  if (!ctx.planJobs) throw jobQueueUnavailable();
  return ctx.planJobs;
}

const resultOf = (plan: { result: Prisma.JsonValue | null }): PlanResult | null => storedPlanResult(plan.result);

// ---- enums and result rows

export const PlanStatusEnum = builder.enumType('PlanStatus', {
  description: 'QUEUED → RUNNING → SOLVED | INFEASIBLE | TIME_LIMIT | FAILED | CANCELLED (the last five are final).',
  values: ['QUEUED', 'RUNNING', 'SOLVED', 'INFEASIBLE', 'TIME_LIMIT', 'FAILED', 'CANCELLED'] as const,
});

const UnservedReasonEnum = builder.enumType('UnservedReason', {
  description: 'Why demand is left unserved.',
  values: {
    NO_SITE_WITHIN_LATENCY: { description: 'no site that runs the class is within its RTT budget' },
    RESIDENCY: { description: 'the sites within the budget are in countries the region may not be served from' },
    CAPACITY: { description: 'every site that may serve it has all its GPUs busy' },
    SITE_SHARE: {
      description: 'the sites that may serve it took their maxSiteShare while they still had GPUs and power',
    },
    POWER: { description: 'most sites that may serve it are at their power caps' },
    CARBON_CAP: { description: 'sites had room but the carbon cap did not' },
    COST: { description: 'serving it would cost more than the unserved penalty' },
    NO_GPU_FOR_MODEL: {
      description: 'sites are within reach, but none has a GPU type that can hold the model (no throughput for it)',
    },
    MODEL_RULE: {
      description: "the model's deployment rule (allowed countries or sites) allows none of the sites within reach",
    },
    MODEL_UNAVAILABLE: {
      description:
        "the model is unavailable (a scenario's unavailableModels without a substitute): no site may serve it",
    },
  } as const,
});

const CapexModeEnum = builder.enumType('CapexMode', {
  description:
    'AMORTIZED: every busy GPU-hour pays its capex. SUNK: installed GPUs cost only energy; bought ones pay capex.',
  values: CAPEX_MODES,
});

const PlanSolverEnum = builder.enumType('PlanSolver', {
  description:
    'AUTO picks by size: javascript-lp-solver for tiny LPs, then CLP for LPs when the machine has it, else HiGHS; integer plans go to HiGHS.',
  values: {
    AUTO: { value: 'auto' },
    JSLP: { value: 'jslp' },
    HIGHS: { value: 'highs' },
    CLP: {
      value: 'clp',
      description: "COIN-OR CLP, native, LPs only; needs Debian's coinor-libclp1 where the plan is solved",
    },
    CBC: {
      value: 'cbc',
      description: "COIN-OR CBC, native, no shadow prices; needs Debian's coinor-libcbc3 where the plan is solved",
    },
  } as const,
});

const ColumnGenerationEnum = builder.enumType('ColumnGeneration', {
  description: 'Generate route columns by reduced cost (exact; LPs on HiGHS). AUTO: on large models.',
  values: { AUTO: { value: 'auto' }, ON: { value: 'on' }, OFF: { value: 'off' } } as const,
});

/** the money split, with the unserved penalty carried along only for the deprecated `penalty` field */
type CostPerHourRow = CostBreakdownPerHour & { unservedPenaltyPerHour: number };

const CostPerHourRef = builder.objectRef<CostPerHourRow>('PlanCostPerHour').implement({
  description:
    'Money, USD per hour, averaged over the periods. The unserved penalty is not money and is not here (see PlanTotals.unserved).',
  fields: (t) => ({
    total: t.exposeFloat('total', { description: 'energy + capex + egress + carbon: what the plan spends' }),
    energy: t.exposeFloat('energy'),
    capex: t.exposeFloat('capex'),
    egress: t.exposeFloat('egress'),
    carbon: t.exposeFloat('carbon'),
    penalty: t.float({
      description: 'the unserved-demand penalty: a modelling price, not money, never in total',
      deprecationReason: 'not money: use PlanTotals.unserved.penaltyPerHour',
      resolve: (cost) => cost.unservedPenaltyPerHour,
    }),
  }),
});

const UnservedTotalsRef = builder.objectRef<NonNullable<PlanResult['totals']>>('PlanUnservedTotals').implement({
  description:
    'Demand the plan leaves unserved, and the penalty the model charged for it (a modelling price, not money).',
  fields: (t) => ({
    tokensPerSecond: t.exposeFloat('unservedTokensPerSecond', { description: 'mean over the periods' }),
    penaltyPerHour: t.exposeFloat('unservedPenaltyPerHour', {
      description: 'USD/h at the unserved penalty price: how hard the model tried to serve it, never spent',
    }),
  }),
});

export const PlanTotalsRef = builder.objectRef<NonNullable<PlanResult['totals']>>('PlanTotals').implement({
  fields: (t) => ({
    costPerHour: t.field({
      type: CostPerHourRef,
      resolve: (totals) => ({ ...totals.costPerHour, unservedPenaltyPerHour: totals.unservedPenaltyPerHour }),
    }),
    unserved: t.field({ type: UnservedTotalsRef, resolve: (totals) => totals }),
    costPerMillionTokens: t.exposeFloat('costPerMillionTokens', {
      nullable: true,
      description: 'null when nothing is served',
    }),
    tokensPerJoule: t.exposeFloat('tokensPerJoule', { nullable: true }),
    itPowerKw: t.exposeFloat('itPowerKw'),
    facilityPowerKw: t.exposeFloat('facilityPowerKw'),
    peakFacilityPowerKw: t.exposeFloat('peakFacilityPowerKw'),
    carbonKgPerHour: t.exposeFloat('carbonKgPerHour'),
    carbonKgPerMillionTokens: t.exposeFloat('carbonKgPerMillionTokens', { nullable: true }),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond'),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond'),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond'),
    gpusBusy: t.exposeFloat('gpusBusy'),
    gpusAdded: t.exposeFloat('gpusAdded'),
  }),
});

// ---- sensitivity ranges (optimizer/interpret/ranges.ts)

const DEGENERATE_NOTE =
  'Exact for the plan’s optimal basis; where the basis is degenerate a range can be narrower than the values over which this allocation is really optimal (conservative, never too wide).';

const PlanRangeRef = builder.objectRef<ValueRange>('PlanRange').implement({
  description: 'The values of one planning parameter over which this plan stays the optimal plan, the others held.',
  fields: (t) => ({
    low: t.exposeFloat('low', {
      nullable: true,
      description: 'lowest value (never below what an input may take: $0/kWh, 0 kW, 0 GPUs); null: no lower end',
    }),
    high: t.exposeFloat('high', { nullable: true, description: 'highest value; null: no upper end' }),
  }),
});

const SiteRangesRef = builder.objectRef<SiteRanges>('PlanSiteRanges').implement({
  description: `Sensitivity ranges of a site’s parameters. ${DEGENERATE_NOTE}`,
  fields: (t) => ({
    pricePerKwh: t.field({
      type: PlanRangeRef,
      nullable: true,
      description:
        'USD/kWh: the site’s electricity price (its mean over the plan’s hours) over which the plan’s allocation (which routes and GPUs carry load) stays optimal; in a 24-hour plan every hour’s price moves by the same amount. Null where ranging stopped at its time budget.',
      resolve: (ranges) => ranges.pricePerKwh,
    }),
    powerCapKw: t.field({
      type: PlanRangeRef,
      nullable: true,
      description:
        'kW: the site’s power cap over which the plan’s shadow prices stay valid (the same constraints bind; loads move linearly). Null where ranging stopped at its time budget.',
      resolve: (ranges) => ranges.powerCapKw,
    }),
  }),
});

const SiteGpuPlanRef = builder.objectRef<SitePlan['gpus'][number]>('PlanSiteGpu').implement({
  fields: (t) => ({
    gpuTypeCode: t.exposeString('gpuTypeCode'),
    installed: t.exposeInt('installed'),
    gpusBusy: t.exposeFloat('gpusBusy', { description: 'mean over periods, headroom included' }),
    peakGpusBusy: t.exposeFloat('peakGpusBusy'),
    gpusAdded: t.exposeFloat('gpusAdded'),
    utilization: t.exposeFloat('utilization', { description: 'peak busy / (installed + added)' }),
    gpusRange: t.field({
      type: PlanRangeRef,
      nullable: true,
      description: `GPUs installed of this type here over which the plan’s shadow prices stay valid (the same constraints bind; loads move linearly); null without ranges (see Plan.rangesUnavailableReason). ${DEGENERATE_NOTE}`,
      resolve: (row) => row.gpusRange ?? null,
    }),
  }),
});

const ClassLoadRef = builder.objectRef<SitePlan['loadByClass'][number]>('PlanClassLoad').implement({
  fields: (t) => ({
    workloadClassCode: t.exposeString('workloadClassCode'),
    tokensPerSecond: t.exposeFloat('tokensPerSecond'),
  }),
});

// ---- per model

const ModelCostPerHourRef = builder.objectRef<CostBreakdownPerHour>('PlanModelCostPerHour').implement({
  description:
    'Money one model spends, USD per hour averaged over the periods: the energy, carbon price and capex of the GPUs it holds (a pool’s whole-GPU or bought-GPU capex split over its models by the GPUs they hold) and the egress of its flows. The models’ costs add up to the plan’s.',
  fields: (t) => ({
    total: t.exposeFloat('total', { description: 'energy + capex + egress + carbon' }),
    energy: t.exposeFloat('energy'),
    capex: t.exposeFloat('capex'),
    egress: t.exposeFloat('egress'),
    carbon: t.exposeFloat('carbon'),
  }),
});

/** One model's GPUs of one type at one site: the one shape of PlanModel.gpus and PlanSite.models.gpus. */
type ModelGpusAtSite = SiteGpuModelPlan & { siteCode: string };

const ModelGpusRef = builder.objectRef<ModelGpusAtSite>('PlanModelGpus').implement({
  description: 'The GPUs of one type one model holds at one site.',
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    gpuTypeCode: t.exposeString('gpuTypeCode'),
    gpusBusy: t.exposeFloat('gpusBusy', { description: 'mean over periods, headroom included' }),
    peakGpusBusy: t.exposeFloat('peakGpusBusy'),
    gpusPerReplica: t.exposeInt('gpusPerReplica', {
      description: 'the GPUs of this type one replica of the model needs',
    }),
    peakReplicas: t.exposeFloat('peakReplicas', {
      nullable: true,
      description:
        'whole replicas at the busiest period (integerGpus plans); null for LP plans, whose GPUs are fractional',
    }),
  }),
});

const ModelRulePlanRef = builder.objectRef<ModelRulePlan>('PlanModelRule').implement({
  description: 'A model’s deployment rule (licence or export rules) and what it costs the plan at the margin.',
  fields: (t) => ({
    allowedCountries: t.exposeStringList('allowedCountries', { description: 'empty = any country' }),
    allowedSites: t.exposeStringList('allowedSites', { description: 'empty = any site' }),
    blockedSiteCodes: t.exposeStringList('blockedSiteCodes', {
      description: 'sites in the plan that could run the model (a GPU type there holds it) but the rule forbids',
    }),
    shadowPricePerMillionTokens: t.exposeFloat('shadowPricePerMillionTokens', {
      nullable: true,
      description:
        'USD saved per million tokens of the model’s demand moved onto the best blocked route, at the margin (minus that route’s reduced cost at the optimal duals; the unit of the demand shadow prices); 0 when no blocked route would pay. It holds while the move stays in the optimal basis and bounds a larger move’s saving per token. null without duals: javascript-lp-solver, a plan stopped early, and integer plans (not computed for them)',
    }),
    bestBlockedSiteCode: t.exposeString('bestBlockedSiteCode', {
      nullable: true,
      description: 'the blocked site whose route would save the most per token; null when none would pay',
    }),
    bestBlockedRegionCode: t.exposeString('bestBlockedRegionCode', {
      nullable: true,
      description: 'the region whose demand that route would carry',
    }),
  }),
});

const ModelPlanRef = builder.objectRef<ModelPlan>('PlanModel').implement({
  description:
    'One model’s part of a plan: what its demand got, what its tokens cost and where its GPUs are. Data without models plans one model, DEFAULT.',
  fields: (t) => ({
    modelCode: t.exposeString('modelCode'),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond', { description: 'mean over periods' }),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond'),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond'),
    costPerHour: t.field({ type: ModelCostPerHourRef, resolve: (model) => model.costPerHour }),
    costPerMillionTokens: t.exposeFloat('costPerMillionTokens', {
      nullable: true,
      description: 'USD per million of its tokens served; null when none is served',
    }),
    tokensPerJoule: t.exposeFloat('tokensPerJoule', {
      nullable: true,
      description: 'its tokens per joule of the facility energy of its GPUs',
    }),
    facilityPowerKw: t.exposeFloat('facilityPowerKw'),
    gpusBusy: t.exposeFloat('gpusBusy', { description: 'GPUs held, mean over periods' }),
    peakReplicas: t.exposeFloat('peakReplicas', {
      nullable: true,
      description: 'whole replicas at each pool’s busiest period, summed (integerGpus plans); null for LP plans',
    }),
    gpus: t.field({ type: [ModelGpusRef], description: 'by site and GPU type', resolve: (model) => model.gpus }),
    rule: t.field({
      type: ModelRulePlanRef,
      nullable: true,
      description: 'the model’s deployment rule and its shadow price; null when the model may run anywhere',
      resolve: (model) => model.rule ?? null,
    }),
  }),
});

const SiteModelPlanRef = builder.objectRef<SiteModelPlan & { siteCode: string }>('PlanSiteModel').implement({
  description: 'One model’s part of a site’s plan.',
  fields: (t) => ({
    modelCode: t.exposeString('modelCode'),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond'),
    loadByClass: t.field({ type: [ClassLoadRef], resolve: (row) => row.loadByClass }),
    gpus: t.field({
      type: [ModelGpusRef],
      resolve: (row) => row.gpus.map((gpus) => ({ ...gpus, siteCode: row.siteCode })),
    }),
    costPerHour: t.exposeFloat('costPerHour', {
      description: 'energy, carbon price and capex of the GPUs it holds here, USD/h (egress is in PlanModel)',
    }),
    costPerMillionTokens: t.float({
      nullable: true,
      description: 'costPerHour per million of its tokens served here; null when none is',
      resolve: (row) =>
        row.servedTokensPerSecond > 0 ? row.costPerHour / ((row.servedTokensPerSecond * 3600) / 1e6) : null,
    }),
  }),
});

const RegionModelPlanRef = builder.objectRef<RegionModelPlan>('PlanRegionModel').implement({
  fields: (t) => ({
    modelCode: t.exposeString('modelCode'),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond'),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond'),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond'),
  }),
});

const SiteModelCapPlanRef = builder.objectRef<SiteModelCapPlan>('PlanSiteModelCap').implement({
  description: 'A site’s cap on how many different models it hosts (Site.maxModels), and what the cap costs.',
  fields: (t) => ({
    maxModels: t.exposeInt('maxModels'),
    modelsHosted: t.exposeInt('modelsHosted', { description: 'the models the plan serves here' }),
    binds: t.exposeBoolean('binds', {
      description: 'the site hosts as many models as it may while it could run more: the cap shapes the plan',
    }),
    valuePerHour: t.exposeFloat('valuePerHour', {
      nullable: true,
      description:
        'USD/h the objective falls when the cap is raised by one: the plan re-solved with maxModels + 1 at this site alone (a mixed-integer re-solve, for at most 3 binding sites, in site code order); includes the unserved penalty where one more model would serve unserved demand; null where the cap does not bind or was not re-solved',
    }),
  }),
});

const SitePlanRef = builder.objectRef<SitePlan>('PlanSite').implement({
  description: "One site's part of a plan.",
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond'),
    loadByClass: t.field({ type: [ClassLoadRef], resolve: (site) => site.loadByClass }),
    models: t.field({
      type: [SiteModelPlanRef],
      description: 'the same load by model, with the GPUs each holds here',
      resolve: (site) => site.models.map((model) => ({ ...model, siteCode: site.siteCode })),
    }),
    gpus: t.field({ type: [SiteGpuPlanRef], resolve: (site) => site.gpus }),
    modelCap: t.field({
      type: SiteModelCapPlanRef,
      nullable: true,
      description: 'the site’s cap on the models it hosts and its price; null when the site has no cap',
      resolve: (site) => site.modelCap ?? null,
    }),
    // from the rows, so plans stored before this definition answer it too
    utilization: t.float({
      description:
        "Peak GPU utilization over the day: GPUs busy at each GPU type's busiest period over the site's GPUs (installed + added); the capacity-weighted mean of `gpus.utilization`.",
      resolve: (site) => siteUtilization(site.gpus).peak,
    }),
    meanUtilization: t.float({
      description:
        "Mean GPU utilization over the day: `gpus.gpusBusy` summed over the site's GPUs (installed + added).",
      resolve: (site) => siteUtilization(site.gpus).mean,
    }),
    itPowerKw: t.exposeFloat('itPowerKw'),
    facilityPowerKw: t.exposeFloat('facilityPowerKw'),
    peakFacilityPowerKw: t.exposeFloat('peakFacilityPowerKw'),
    powerCapKw: t.exposeFloat('powerCapKw'),
    powerUtilization: t.exposeFloat('powerUtilization'),
    costPerHour: t.exposeFloat('costPerHour'),
    costPerMillionTokens: t.exposeFloat('costPerMillionTokens', { nullable: true }),
    ranges: t.field({
      type: SiteRangesRef,
      nullable: true,
      description:
        'the ranges of the site’s price, power cap (and, on `gpus`, of each GPU pool) over which this plan holds; null without an optimal LP basis (see Plan.rangesUnavailableReason)',
      resolve: (site) => site.ranges ?? null,
    }),
  }),
});

const RegionSourceRef = builder.objectRef<RegionPlan['sources'][number]>('PlanRegionSource').implement({
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    tokensPerSecond: t.exposeFloat('tokensPerSecond'),
    share: t.exposeFloat('share', { description: "share of the region's served tokens" }),
    rttMs: t.exposeFloat('rttMs', { nullable: true }),
  }),
});

const RegionPlanRef = builder.objectRef<RegionPlan>('PlanRegion').implement({
  description: 'How one demand region is served in a plan.',
  fields: (t) => ({
    regionCode: t.exposeString('regionCode'),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond'),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond'),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond'),
    sources: t.field({ type: [RegionSourceRef], resolve: (region) => region.sources }),
    models: t.field({
      type: [RegionModelPlanRef],
      description: 'its demand by model',
      resolve: (region) => region.models,
    }),
    weightedRttMs: t.exposeFloat('weightedRttMs', { nullable: true }),
    worstRttMs: t.exposeFloat('worstRttMs', { nullable: true }),
  }),
});

const UnservedRef = builder.objectRef<UnservedDemand>('PlanUnservedDemand').implement({
  fields: (t) => ({
    regionCode: t.exposeString('regionCode'),
    modelCode: t.exposeString('modelCode'),
    workloadClassCode: t.exposeString('workloadClassCode'),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond'),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond'),
    periods: t.exposeIntList('periods'),
    reason: t.expose('reason', { type: UnservedReasonEnum }),
    explanation: t.exposeString('explanation'),
  }),
});

const ShadowPriceBasisEnum = builder.enumType('ShadowPriceBasis', {
  description:
    'COST: the value is money saved (energy, capex, egress, carbon). UNSERVED_DEMAND: the value is mostly the unserved penalty avoided, ' +
    'because the extra unit would serve demand the plan leaves unserved: a modelling price, not money.',
  values: ['COST', 'UNSERVED_DEMAND'] as const,
});
const servesUnserved =
  'tokens/s of demand now unserved that one more unit would serve (mean over periods); 0 when basis is COST';

const GpuShadowPriceRef = builder.objectRef<ShadowPrices['gpus'][number]>('GpuShadowPrice').implement({
  description: 'One more GPU of a type at a site; rows worth nothing are left out.',
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    gpuTypeCode: t.exposeString('gpuTypeCode'),
    valuePerGpuPerHour: t.exposeFloat('valuePerGpuPerHour', {
      description: 'USD/h the objective drops with one more GPU of this type here (see basis)',
    }),
    basis: t.expose('basis', { type: ShadowPriceBasisEnum }),
    servesUnservedTokensPerSecond: t.exposeFloat('servesUnservedTokensPerSecond', { description: servesUnserved }),
  }),
});
const PowerShadowPriceRef = builder.objectRef<ShadowPrices['power'][number]>('PowerShadowPrice').implement({
  description: 'One more kW of power cap at a site; rows worth nothing are left out.',
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    valuePerKwPerHour: t.exposeFloat('valuePerKwPerHour', {
      description: 'USD/h the objective drops with one more kW of power cap (see basis)',
    }),
    basis: t.expose('basis', { type: ShadowPriceBasisEnum }),
    servesUnservedTokensPerSecond: t.exposeFloat('servesUnservedTokensPerSecond', { description: servesUnserved }),
  }),
});
const DemandShadowPriceRef = builder.objectRef<ShadowPrices['demand'][number]>('DemandShadowPrice').implement({
  fields: (t) => ({
    regionCode: t.exposeString('regionCode'),
    modelCode: t.exposeString('modelCode'),
    workloadClassCode: t.exposeString('workloadClassCode'),
    marginalCostPerMillionTokens: t.exposeFloat('marginalCostPerMillionTokens', {
      description:
        'USD per million tokens of one more token/s of this demand, following its hourly profile in 24-hour plans',
    }),
    basis: t.expose('basis', {
      type: ShadowPriceBasisEnum,
      description: 'UNSERVED_DEMAND: more of it would go unserved (the price is the penalty)',
    }),
  }),
});
const ShadowPricesRef = builder.objectRef<ShadowPrices>('ShadowPrices').implement({
  fields: (t) => ({
    gpus: t.field({ type: [GpuShadowPriceRef], resolve: (prices) => prices.gpus }),
    power: t.field({ type: [PowerShadowPriceRef], resolve: (prices) => prices.power }),
    demand: t.field({ type: [DemandShadowPriceRef], resolve: (prices) => prices.demand }),
    carbonCapValuePerTonne: t.exposeFloat('carbonCapValuePerTonne', { nullable: true }),
  }),
});

const AllocationRef = builder.objectRef<AllocationRow>('PlanAllocation').implement({
  description: "Tokens/s of one region's demand for a model under a class served at one site in one period.",
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    regionCode: t.exposeString('regionCode'),
    modelCode: t.exposeString('modelCode'),
    workloadClassCode: t.exposeString('workloadClassCode'),
    period: t.exposeInt('period', { description: 'UTC hour for 24-period plans; 0 for steady state' }),
    tokensPerSecond: t.exposeFloat('tokensPerSecond'),
  }),
});

const AllocationFilter = builder.inputType('PlanAllocationFilter', {
  fields: (t) => ({
    siteCodes: t.stringList({ required: false }),
    regionCodes: t.stringList({ required: false }),
    modelCodes: t.stringList({ required: false }),
    workloadClassCodes: t.stringList({ required: false }),
    periods: t.intList({ required: false }),
  }),
});

function filterAllocations(
  rows: AllocationRow[],
  filter: typeof AllocationFilter.$inferInput | null | undefined,
): AllocationRow[] {
  if (!filter) return rows;
  const sets = {
    site: filter.siteCodes?.length ? new Set(filter.siteCodes) : null,
    region: filter.regionCodes?.length ? new Set(filter.regionCodes) : null,
    model: filter.modelCodes?.length ? new Set(filter.modelCodes) : null,
    workloadClass: filter.workloadClassCodes?.length ? new Set(filter.workloadClassCodes) : null,
    period: filter.periods?.length ? new Set(filter.periods) : null,
  };
  return rows.filter(
    (row) =>
      (!sets.site || sets.site.has(row.siteCode)) &&
      (!sets.region || sets.region.has(row.regionCode)) &&
      (!sets.model || sets.model.has(row.modelCode)) &&
      (!sets.workloadClass || sets.workloadClass.has(row.workloadClassCode)) &&
      (!sets.period || sets.period.has(row.period)),
  );
}

// ---- the plan

export const PlanRef = builder.prismaObject('Plan', {
  description: 'A placement plan, solved by a job from a stored snapshot of the data; never edited once final.',
  // Only the columns the asked fields need: without a select every scalar is read,
  // and the result (about a megabyte for a 24-hour plan) and the snapshot are
  // parsed for a list that shows neither. Fields over the result select it.
  select: { id: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    status: t.expose('status', { type: PlanStatusEnum }),
    final: t.boolean({
      description: 'the status will not change again',
      select: { status: true },
      resolve: (plan) => isFinal(plan.status),
    }),
    options: t.expose('options', {
      type: 'JSON',
      description: 'the PlanOptions it was solved with, defaults filled in',
    }),
    inputHash: t.exposeString('inputHash', {
      description: "sha256 of the input snapshot's canonical JSON: equal hashes, equal inputs",
    }),
    sourcePlan: t.relation('sourcePlan', { nullable: true, description: 'the plan whose snapshot this one re-solves' }),
    scenario: t.relation('scenario', {
      nullable: true,
      description: 'the scenario applied to its snapshot (null once deleted)',
    }),
    scenarioApplied: t.expose('scenarioApplied', {
      type: 'JSON',
      nullable: true,
      description: "the scenario's code and overrides as they were applied: they stay here when the scenario changes",
    }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    solver: t.exposeString('solver', { nullable: true }),
    modelVariables: t.exposeInt('modelVariables', { nullable: true }),
    modelConstraints: t.exposeInt('modelConstraints', { nullable: true }),
    modelNonzeros: t.exposeInt('modelNonzeros', { nullable: true }),
    buildMs: t.exposeFloat('buildMs', { nullable: true }),
    solveMs: t.exposeFloat('solveMs', { nullable: true }),
    mipGap: t.exposeFloat('mipGap', { nullable: true, description: 'relative MIP gap of an integer plan' }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    message: t.string({
      nullable: true,
      description: "the solver's note on the plan (e.g. stopped at the time limit) or why there is none",
      select: { result: true },
      resolve: (plan) => resultOf(plan)?.message ?? null,
    }),
    costPerMillionTokens: t.exposeFloat('costPerMillionTokens', {
      nullable: true,
      description: 'USD per million tokens served',
    }),
    costPerHour: t.exposeFloat('costPerHour', {
      nullable: true,
      description: 'USD per hour, unserved penalty excluded',
    }),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond', { nullable: true }),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond', { nullable: true }),
    itPowerKw: t.exposeFloat('itPowerKw', { nullable: true }),
    facilityPowerKw: t.exposeFloat('facilityPowerKw', { nullable: true }),
    totals: t.field({
      type: PlanTotalsRef,
      nullable: true,
      select: { result: true },
      resolve: (plan) => resultOf(plan)?.totals ?? null,
    }),
    models: t.field({
      type: [ModelPlanRef],
      description: 'the plan by model, in model order; `modelCodes` keeps only those',
      args: { modelCodes: t.arg.stringList({ required: false }) },
      select: { result: true },
      resolve: (plan, args) => {
        const rows = resultOf(plan)?.models ?? [];
        return args.modelCodes?.length ? rows.filter((row) => args.modelCodes!.includes(row.modelCode)) : rows;
      },
    }),
    sites: t.field({ type: [SitePlanRef], select: { result: true }, resolve: (plan) => resultOf(plan)?.sites ?? [] }),
    regions: t.field({
      type: [RegionPlanRef],
      select: { result: true },
      resolve: (plan) => resultOf(plan)?.regions ?? [],
    }),
    unserved: t.field({
      type: [UnservedRef],
      select: { result: true },
      resolve: (plan) => resultOf(plan)?.unserved ?? [],
    }),
    shadowPrices: t.field({
      type: ShadowPricesRef,
      nullable: true,
      description: 'null when the solver gave no duals (see shadowPricesUnavailableReason)',
      select: { result: true },
      resolve: (plan) => resultOf(plan)?.shadowPrices ?? null,
    }),
    shadowPricesUnavailableReason: t.string({
      nullable: true,
      select: { result: true },
      resolve: (plan) => resultOf(plan)?.shadowPricesUnavailableReason ?? null,
    }),
    rangesUnavailableReason: t.string({
      nullable: true,
      description: 'why sites (or some of their parameters) have no sensitivity ranges; null when every one is there',
      select: { result: true },
      resolve: (plan) => {
        const result = resultOf(plan);
        if (!result) return null;
        if (result.rangesUnavailableReason !== undefined) return result.rangesUnavailableReason;
        return 'solved before plans carried sensitivity ranges: re-solve the plan (resolvePlan) for them';
      },
    }),
    allocations: t.connection(
      {
        type: AllocationRef,
        description:
          'route rows (site × region × model × class × period), filtered, ordered by site, region, model, class, period; 1–100 a page',
        args: { filter: t.arg({ type: AllocationFilter, required: false }) },
        select: { result: true },
        resolve: (plan, args) => {
          checkPageSize(args);
          const rows = filterAllocations(resultOf(plan)?.allocations ?? [], args.filter);
          return {
            ...resolveArrayConnection({ args, defaultSize: 50, maxSize: MAX_PAGE_SIZE }, rows),
            totalCount: rows.length,
          };
        },
      },
      {
        name: 'PlanAllocationConnection',
        fields: (c) => ({
          totalCount: c.int({
            description: 'rows matching the filter, over all pages',
            resolve: (connection) => (connection as { totalCount: number }).totalCount,
          }),
        }),
      },
      { name: 'PlanAllocationEdge' },
    ),
  }),
});

// ---- queries

const PlanFilter = builder.inputType('PlanFilter', {
  fields: (t) => ({
    status: t.field({ type: [PlanStatusEnum], required: false }),
    scheduleName: t.string({ required: false, description: 'only the plans of this schedule' }),
    scenarioCode: t.string({ required: false, description: 'only the plans requested with this scenario' }),
    requestedAfter: t.field({ type: 'DateTime', required: false, description: 'requested at or after this instant' }),
    requestedBefore: t.field({ type: 'DateTime', required: false, description: 'requested before this instant' }),
  }),
});

function planWhere(filter: typeof PlanFilter.$inferInput | null | undefined): Prisma.PlanWhereInput {
  return {
    ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter?.scheduleName != null ? { schedule: { name: filter.scheduleName } } : {}),
    ...(filter?.scenarioCode != null ? { scenario: { code: filter.scenarioCode } } : {}),
    ...(filter?.requestedAfter || filter?.requestedBefore
      ? {
          requestedAt: {
            ...(filter.requestedAfter ? { gte: filter.requestedAfter } : {}),
            ...(filter.requestedBefore ? { lt: filter.requestedBefore } : {}),
          },
        }
      : {}),
  };
}

const NEWEST_FIRST: Prisma.PlanOrderByWithRelationInput[] = [{ requestedAt: 'desc' }, { id: 'desc' }];

builder.queryFields((t) => ({
  plan: t.prismaField({
    type: 'Plan',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = String(args.id);
      // a string that is no uuid names no plan (and would make PostgreSQL refuse the cast)
      return ctx.db.prisma.plan.findFirst({ ...selection(query), where: isUuid(id) ? { id } : { id: { in: [] } } });
    },
  }),
  plans: t.prismaConnection(
    {
      type: 'Plan',
      cursor: 'id',
      description: 'Plans, newest request first.',
      args: { filter: t.arg({ type: PlanFilter, required: false }) },
      maxSize: checkPageSize,
      resolve: (query, _root, args, ctx) =>
        ctx.db.prisma.plan.findMany({ ...selection(query), where: planWhere(args.filter), orderBy: NEWEST_FIRST }),
      totalCount: (_parent, args, ctx) => ctx.db.prisma.plan.count({ where: planWhere(args.filter) }),
    },
    {},
  ),
  latestPlan: t.prismaField({
    type: 'Plan',
    nullable: true,
    description:
      'The most recently requested plan with one of these statuses (default: SOLVED), optionally of one schedule or scenario.',
    args: {
      status: t.arg({ type: [PlanStatusEnum], required: false }),
      schedule: t.arg.string({ required: false, description: 'name of a schedule' }),
      scenario: t.arg.string({ required: false, description: 'code of a scenario' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.plan.findFirst({
        ...selection(query),
        where: {
          status: { in: args.status?.length ? args.status : ['SOLVED'] },
          ...(args.schedule != null ? { schedule: { name: args.schedule } } : {}),
          ...(args.scenario != null ? { scenario: { code: args.scenario } } : {}),
        },
        orderBy: NEWEST_FIRST,
      }),
  }),
}));

// ---- mutations

export const PlanOptionsInput = builder.inputType('PlanOptionsInput', {
  description: 'Omitted fields take their defaults; every value is checked (ValidationError names the field).',
  fields: (t) => ({
    periods: t.int({ required: false, description: '1 = steady state; 24 = hourly day-ahead' }),
    capexMode: t.field({ type: CapexModeEnum, required: false }),
    targetUtilization: t.float({ required: false, description: '(0, 1]' }),
    maxSiteShare: t.float({ required: false, description: '(0, 1]; null = no limit' }),
    allowExpansion: t.boolean({ required: false }),
    carbonPricePerTonne: t.float({ required: false }),
    carbonCapTonnesPerHour: t.float({ required: false, description: 'null = no cap' }),
    egressPricePerMillionTokens: t.float({ required: false }),
    unservedPenaltyPerMillionTokens: t.float({ required: false }),
    excludeSites: t.stringList({ required: false }),
    integerGpus: t.boolean({ required: false }),
    mipGapRelative: t.float({ required: false }),
    timeLimitSeconds: t.float({ required: false }),
    solver: t.field({ type: PlanSolverEnum, required: false }),
    columnGeneration: t.field({ type: ColumnGenerationEnum, required: false }),
    warmStart: t.boolean({
      required: false,
      description: 'start an LP from the stored basis of the newest plan of the same structure (default true)',
    }),
  }),
});

const RequestPlanInput = builder.inputType('RequestPlanInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    options: t.field({ type: PlanOptionsInput, required: false }),
    scenario: t.string({
      required: false,
      description: 'code of a scenario: its overrides change the snapshot, its planOptions sit under `options`',
    }),
    wait: t.boolean({
      required: false,
      defaultValue: false,
      description: `answer when the plan is final, or after ${MAX_PLAN_WAIT_MS / 1000} s with it still running`,
    }),
  }),
});

const CancelPlanInput = builder.inputType('CancelPlanInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const ResolvePlanInput = builder.inputType('ResolvePlanInput', {
  fields: (t) => ({
    sourcePlanId: t.id({ required: true, description: 'the plan whose stored snapshot and options are solved again' }),
    name: t.string({ required: false }),
    wait: t.boolean({ required: false, defaultValue: false }),
  }),
});

/** The options as given, without the fields the client left out (explicit nulls stay: they mean "off"). */
export function givenOptions(options: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined));
}

// stored as given (not trimmed); without the control-character rule PostgreSQL refusing NUL was an unexpected error
const planName = plainText(NAME_MAX_LENGTH, { trim: false });

export function checkedName(name: string | null | undefined): string | null {
  if (name == null) return null;
  const result = planName.safeParse(name);
  if (!result.success) throw new ValidationError([{ path: 'input.name', message: result.error.issues[0]!.message }]);
  return name;
}

async function answer(ctx: Context, query: object, planId: string, wait: boolean | null | undefined) {
  if (wait) await planJobsOrThrow(ctx).waitForFinal(planId, { timeoutMs: MAX_PLAN_WAIT_MS });
  return ctx.db.prisma.plan.findUniqueOrThrow({ ...selection(query), where: { id: planId } });
}

async function storedPlanOrThrow(ctx: Context, id: string) {
  const plan = isUuid(id)
    ? await ctx.db.prisma.plan.findUnique({ where: { id }, select: { id: true, options: true, inputSnapshot: true } })
    : null;
  if (!plan) throw new NotFoundError('Plan', id);
  return plan;
}

builder.mutationFields((t) => ({
  requestPlan: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Plan',
    errors: { types: MUTATION_ERRORS },
    description: 'Snapshots the current data, queues a plan and answers at once (or, with wait, when it is final).',
    args: { input: t.arg({ type: RequestPlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const name = checkedName(input.name);
      const jobs = planJobsOrThrow(ctx);
      const prepared = await preparePlan(
        ctx.db,
        { name, scenarioCode: input.scenario, options: givenOptions(input.options) },
        { caps: solverCapsOf(ctx) },
      );
      const plan = await jobs.enqueue({ ...prepared, requestedByKeyId: ctx.auth?.keyId ?? null });
      return answer(ctx, query, plan.id, input.wait);
    },
  }),
  resolvePlan: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Plan',
    errors: { types: MUTATION_ERRORS },
    description: "Solves a stored plan's snapshot again with its options, as a new plan pointing to it.",
    args: { input: t.arg({ type: ResolvePlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const sourcePlanId = String(input.sourcePlanId);
      const name = checkedName(input.name);
      const source = await storedPlanOrThrow(ctx, sourcePlanId);
      const options = parsePlanOptions(source.options);
      if (!options.ok) {
        throw new ValidationError(
          options.issues.map((issue) => ({ path: `sourcePlan.options.${issue.path}`, message: issue.message })),
        );
      }
      const snapshot = storedSnapshot(source.inputSnapshot);
      // made under the caps of its day: held to this server's
      checkSolverCaps({ options: options.options, snapshot }, solverCapsOf(ctx), {
        timeLimitSeconds: 'sourcePlan.options.timeLimitSeconds',
        model: 'sourcePlan',
      });
      const plan = await planJobsOrThrow(ctx).enqueue({
        name,
        options: options.options,
        snapshot,
        sourcePlanId: source.id,
        requestedByKeyId: ctx.auth?.keyId ?? null,
      });
      return answer(ctx, query, plan.id, input.wait);
    },
  }),
  cancelPlan: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Plan',
    errors: { types: MUTATION_ERRORS },
    description: 'Cancels a queued or running plan; a plan already final is returned unchanged.',
    args: { input: t.arg({ type: CancelPlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const id = String(input.id);
      const exists = isUuid(id) && (await ctx.db.prisma.plan.findUnique({ where: { id }, select: { id: true } }));
      if (!exists) throw new NotFoundError('Plan', id);
      await planJobsOrThrow(ctx).cancel(id);
      return ctx.db.prisma.plan.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
}));
