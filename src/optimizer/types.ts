// The optimizer's contract: what it reads (PlanningInput), how it is asked
// (PlanOptions) and what it answers (PlanResult). All plain, JSON-serialisable
// objects: a PlanResult is stored in the database and sent over GraphQL as is.
import { z } from 'zod';

// ---------------------------------------------------------------------------
// Input snapshot

export interface PlanningWorkloadClass {
  code: string;
  /** network round-trip budget; null = no limit (batch) */
  rttBudgetMs: number | null;
  /** 24 demand multipliers by local hour (mean 1); empty = flat */
  hourlyDemandProfile: number[];
}

/** The model a data set without models plans for: one anonymous model carrying every throughput and demand. */
export const DEFAULT_MODEL_CODE = 'DEFAULT';

export interface PlanningModel {
  code: string;
  /** countries whose sites may run it (licence or export rules); empty or absent = anywhere */
  allowedCountries?: string[];
  /** the only sites that may run it; empty or absent = any site */
  allowedSites?: string[];
  /** no site may run it (a scenario's "model unavailable"): its demand goes unserved as MODEL_UNAVAILABLE */
  unavailable?: boolean;
}

export interface PlanningGpuThroughput {
  /** the model served; absent = DEFAULT_MODEL_CODE */
  modelCode?: string;
  workloadClassCode: string;
  /** sustained tokens/s of one GPU under the class's token-latency target */
  tokensPerSecond: number;
  /** the model runs in replicas of this many GPUs of this type (its weights' minimum); absent = 1 */
  gpusPerReplica?: number;
}

export interface PlanningGpuType {
  code: string;
  /** IT power of one busy GPU (board plus its share of the server), kW */
  powerKw: number;
  /** amortized capital cost of one GPU, $/h */
  capexPerHour: number;
  /** (model, class) pairs absent here cannot run on this GPU type */
  throughputs: PlanningGpuThroughput[];
}

export interface PlanningInventory {
  gpuTypeCode: string;
  installed: number;
  /** how many more the site can take (used only when expansion is allowed) */
  maxAdditional: number;
}

export type PlanningSiteStatus = 'ACTIVE' | 'PLANNED';

export interface PlanningSite {
  code: string;
  country: string;
  /**
   * ACTIVE sites take load on their installed GPUs. PLANNED sites are not built
   * yet: they take load only when expansion is allowed, and then every GPU there
   * (their `installed` plus `maxAdditional`) is bought capacity.
   */
  status: PlanningSiteStatus;
  /** effective PUE (facility power / IT power), already resolved from the cooling type */
  pue: number;
  powerCapKw: number;
  pricePerKwh: number;
  /** 24 prices by local hour, or empty for the flat `pricePerKwh` */
  hourlyPricesPerKwh: number[];
  utcOffsetHours: number;
  carbonGramsPerKwh: number;
  /** the most different models the site may host; null or absent = no cap */
  maxModels?: number | null;
  inventory: PlanningInventory[];
}

export interface PlanningDemand {
  /** the model asked for; absent = DEFAULT_MODEL_CODE */
  modelCode?: string;
  workloadClassCode: string;
  /** mean demand, tokens/s */
  tokensPerSecond: number;
  /** overrides the class's budget for this region; null = the class's budget */
  rttBudgetMs: number | null;
}

export interface PlanningRegion {
  code: string;
  /** null = not tied to one country (always counts as crossing a border for egress) */
  country: string | null;
  utcOffsetHours: number;
  /** countries that may serve this region; empty = anywhere */
  allowedCountries: string[];
  demand: PlanningDemand[];
}

export interface PlanningLatency {
  siteCode: string;
  regionCode: string;
  rttMs: number;
}

export interface PlanningInput {
  /** absent or empty = one model, DEFAULT_MODEL_CODE, which every throughput and demand without a model belongs to */
  models?: PlanningModel[];
  workloadClasses: PlanningWorkloadClass[];
  gpuTypes: PlanningGpuType[];
  sites: PlanningSite[];
  regions: PlanningRegion[];
  latencies: PlanningLatency[];
}

// ---------------------------------------------------------------------------
// Options

/** clp and cbc are native COIN-OR engines, used when the machine has Debian's libraries (solvers/coin-native.ts) */
export const SOLVER_CHOICES = ['auto', 'jslp', 'highs', 'clp', 'cbc'] as const;
export type SolverChoice = (typeof SOLVER_CHOICES)[number];
export type SolverName = Exclude<SolverChoice, 'auto'>;

export const COLUMN_GENERATION_CHOICES = ['auto', 'on', 'off'] as const;
export type ColumnGenerationChoice = (typeof COLUMN_GENERATION_CHOICES)[number];

export const CAPEX_MODES = ['AMORTIZED', 'SUNK'] as const;
export type CapexMode = (typeof CAPEX_MODES)[number];

export interface PlanOptions {
  /** 1 = steady state at mean demand and flat price; 24 = hourly day-ahead plan on the UTC clock */
  periods: 1 | 24;
  /**
   * AMORTIZED: every busy GPU-hour pays its capex (cost per token as a buyer of
   * compute sees it; bought GPUs are paid through their busy hours like the rest).
   * SUNK: installed GPUs cost only energy; only bought GPUs pay capex, every hour.
   */
  capexMode: CapexMode;
  /** share of a GPU's rated throughput planned for (headroom for bursts) */
  targetUtilization: number;
  /** most of any region×class demand one site may take; null = off */
  maxSiteShare: number | null;
  /** let the plan buy GPUs up to each site's `maxAdditional` (and open PLANNED sites) */
  allowExpansion: boolean;
  carbonPricePerTonne: number;
  /** day-average carbon emitted by all sites; null = no cap */
  carbonCapTonnesPerHour: number | null;
  /** charged on tokens served across a border (site country ≠ region country) */
  egressPricePerMillionTokens: number;
  /** price of leaving demand unserved: far above any real cost so it is a last resort */
  unservedPenaltyPerMillionTokens: number;
  /** site codes left out of this plan */
  excludeSites: string[];
  /** whole GPUs: busy GPUs per site×type×hour and bought GPUs are integers (solved by HiGHS or CBC) */
  integerGpus: boolean;
  mipGapRelative: number;
  timeLimitSeconds: number;
  solver: SolverChoice;
  /** generate route columns by reduced cost (LPs on HiGHS only); auto: on large models */
  columnGeneration: ColumnGenerationChoice;
  /** start an LP from the stored basis of the newest plan of the same structure (HiGHS; integer plans start cold) */
  warmStart: boolean;
}

export const DEFAULT_PLAN_OPTIONS: Readonly<PlanOptions> = Object.freeze({
  periods: 1,
  capexMode: 'AMORTIZED',
  targetUtilization: 0.8,
  maxSiteShare: null,
  allowExpansion: false,
  carbonPricePerTonne: 0,
  carbonCapTonnesPerHour: null,
  egressPricePerMillionTokens: 0,
  unservedPenaltyPerMillionTokens: 1000,
  excludeSites: [],
  integerGpus: false,
  mipGapRelative: 0.005,
  timeLimitSeconds: 60,
  solver: 'auto',
  columnGeneration: 'auto',
  warmStart: true,
} satisfies PlanOptions);

const finite = (field: string) =>
  z.number({ error: `${field} must be a number` }).refine(Number.isFinite, { error: `${field} must be finite` });

/**
 * Validates user-supplied options; missing fields take DEFAULT_PLAN_OPTIONS.
 * Each message names its field, so callers can show them as they are.
 */
export const planOptionsSchema = z
  .object({
    periods: z
      .union([z.literal(1), z.literal(24)], { error: 'periods must be 1 (steady state) or 24 (hourly day-ahead)' })
      .default(DEFAULT_PLAN_OPTIONS.periods),
    capexMode: z
      .enum(CAPEX_MODES, { error: 'capexMode must be AMORTIZED or SUNK' })
      .default(DEFAULT_PLAN_OPTIONS.capexMode),
    targetUtilization: finite('targetUtilization')
      .refine((v) => v > 0 && v <= 1, { error: 'targetUtilization must be in (0, 1]' })
      .default(DEFAULT_PLAN_OPTIONS.targetUtilization),
    maxSiteShare: finite('maxSiteShare')
      .refine((v) => v > 0 && v <= 1, { error: 'maxSiteShare must be in (0, 1], or null for no limit' })
      .nullable()
      .default(DEFAULT_PLAN_OPTIONS.maxSiteShare),
    allowExpansion: z
      .boolean({ error: 'allowExpansion must be true or false' })
      .default(DEFAULT_PLAN_OPTIONS.allowExpansion),
    carbonPricePerTonne: finite('carbonPricePerTonne')
      .refine((v) => v >= 0, { error: 'carbonPricePerTonne must be >= 0' })
      .default(DEFAULT_PLAN_OPTIONS.carbonPricePerTonne),
    carbonCapTonnesPerHour: finite('carbonCapTonnesPerHour')
      .refine((v) => v >= 0, { error: 'carbonCapTonnesPerHour must be >= 0, or null for no cap' })
      .nullable()
      .default(DEFAULT_PLAN_OPTIONS.carbonCapTonnesPerHour),
    egressPricePerMillionTokens: finite('egressPricePerMillionTokens')
      .refine((v) => v >= 0, { error: 'egressPricePerMillionTokens must be >= 0' })
      .default(DEFAULT_PLAN_OPTIONS.egressPricePerMillionTokens),
    unservedPenaltyPerMillionTokens: finite('unservedPenaltyPerMillionTokens')
      .refine((v) => v > 0 && v <= 1e6, { error: 'unservedPenaltyPerMillionTokens must be in (0, 1e6]' })
      .default(DEFAULT_PLAN_OPTIONS.unservedPenaltyPerMillionTokens),
    excludeSites: z
      .array(z.string({ error: 'excludeSites must hold site codes' }).max(200), {
        error: 'excludeSites must be a list of site codes',
      })
      .max(10_000, { error: 'excludeSites may hold at most 10000 codes' })
      .default([]),
    integerGpus: z.boolean({ error: 'integerGpus must be true or false' }).default(DEFAULT_PLAN_OPTIONS.integerGpus),
    mipGapRelative: finite('mipGapRelative')
      .refine((v) => v >= 0 && v < 1, { error: 'mipGapRelative must be in [0, 1)' })
      .default(DEFAULT_PLAN_OPTIONS.mipGapRelative),
    timeLimitSeconds: finite('timeLimitSeconds')
      .refine((v) => v > 0 && v <= 86_400, { error: 'timeLimitSeconds must be in (0, 86400]' })
      .default(DEFAULT_PLAN_OPTIONS.timeLimitSeconds),
    solver: z
      .enum(SOLVER_CHOICES, { error: 'solver must be auto, jslp, highs, clp or cbc' })
      .default(DEFAULT_PLAN_OPTIONS.solver),
    columnGeneration: z
      .enum(COLUMN_GENERATION_CHOICES, { error: 'columnGeneration must be auto, on or off' })
      .default(DEFAULT_PLAN_OPTIONS.columnGeneration),
    warmStart: z.boolean({ error: 'warmStart must be true or false' }).default(DEFAULT_PLAN_OPTIONS.warmStart),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.integerGpus && (options.solver === 'jslp' || options.solver === 'clp')) {
      ctx.addIssue({
        code: 'custom',
        path: ['solver'],
        message: `solver ${options.solver} cannot take integerGpus: integer plans are solved by HiGHS or CBC (use auto, highs or cbc)`,
      });
    }
    if (options.columnGeneration === 'on' && options.integerGpus) {
      ctx.addIssue({
        code: 'custom',
        path: ['columnGeneration'],
        message: 'columnGeneration on cannot take integerGpus: it solves LPs only (use auto or off)',
      });
    }
    if (options.columnGeneration === 'on' && options.solver === 'jslp') {
      ctx.addIssue({
        code: 'custom',
        path: ['columnGeneration'],
        message: 'columnGeneration on needs HiGHS duals: use solver auto or highs',
      });
    }
  });

export interface OptionIssue {
  path: string;
  message: string;
}

export function parsePlanOptions(
  input: unknown,
): { ok: true; options: PlanOptions } | { ok: false; issues: OptionIssue[] } {
  const parsed = planOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, options: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(options)',
      message: issue.code === 'unrecognized_keys' ? `unknown option(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

// ---------------------------------------------------------------------------
// Result

export type PlanStatus = 'optimal' | 'time_limit' | 'infeasible' | 'error';

export type UnservedReason =
  | 'NO_SITE_WITHIN_LATENCY'
  | 'RESIDENCY'
  | 'CAPACITY'
  /** only with `maxSiteShare`: the sites that may serve it took their share and most still had GPUs and power */
  | 'SITE_SHARE'
  | 'POWER'
  /** only with `carbonCapTonnesPerHour`: sites had room but the cap did not */
  | 'CARBON_CAP'
  /** only when the unserved penalty is set below what serving would cost */
  | 'COST'
  /** no GPU type at any site within reach can hold this model (none has a throughput for it) */
  | 'NO_GPU_FOR_MODEL'
  /** the model's deployment rule (allowed countries or sites) leaves no site within reach */
  | 'MODEL_RULE'
  /** the model is marked unavailable (a scenario's "model unavailable"): no site may serve it */
  | 'MODEL_UNAVAILABLE';

export type SiteLimit = 'POWER' | 'CAPACITY' | 'SITE_SHARE';

export type BindingKind = 'GPU_CAPACITY' | 'POWER' | 'SITE_SHARE' | 'CARBON_CAP';

export interface ModelSize {
  variables: number;
  integerVariables: number;
  constraints: number;
  nonzeros: number;
}

export interface PlanTimings {
  buildMs: number;
  solveMs: number;
  interpretMs: number;
  totalMs: number;
}

/** money, $/h, averaged over the plan's periods; the unserved penalty is not money and is not here */
export interface CostBreakdownPerHour {
  /** energy + capex + egress + carbon */
  total: number;
  energy: number;
  capex: number;
  egress: number;
  carbon: number;
}

export interface PlanTotals {
  costPerHour: CostBreakdownPerHour;
  /** (energy + capex + egress + carbon) per million tokens served; null when nothing is served */
  costPerMillionTokens: number | null;
  /** served tokens per joule of facility energy (= tokens/s per facility watt) */
  tokensPerJoule: number | null;
  itPowerKw: number;
  facilityPowerKw: number;
  peakFacilityPowerKw: number;
  carbonKgPerHour: number;
  carbonKgPerMillionTokens: number | null;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
  /**
   * the penalty the model charged for the unserved demand, $/h: a modelling
   * price (how hard to avoid leaving demand unserved), never money, never in a cost
   */
  unservedPenaltyPerHour: number;
  gpusBusy: number;
  gpusAdded: number;
}

export interface ClassLoad {
  workloadClassCode: string;
  tokensPerSecond: number;
}

export interface SiteGpuPlan {
  gpuTypeCode: string;
  installed: number;
  /** GPUs held for the load including headroom, mean over periods (whole GPUs in integer mode, per period) */
  gpusBusy: number;
  peakGpusBusy: number;
  gpusAdded: number;
  /** peak busy / (installed + added) */
  utilization: number;
  /** installed GPUs over which the plan's basis stays optimal (ranging/parametric.ts); null when not ranged */
  gpusRange?: ValueRange | null;
}

/** A parameter's range over which the plan's optimal basis stays optimal; a null end is unbounded. */
export interface ValueRange {
  low: number | null;
  high: number | null;
}

/** The ranges of a site's parameters (see rangesUnavailableReason when null). */
export interface SiteRanges {
  /** the site's mean $/kWh over the plan's periods, every hour shifted by the same amount; null where not ranged */
  pricePerKwh: ValueRange | null;
  /** null where not ranged */
  powerCapKw: ValueRange | null;
}

/** One model's GPUs of one type at a site. */
export interface SiteGpuModelPlan {
  gpuTypeCode: string;
  /** GPUs this model holds, mean over periods */
  gpusBusy: number;
  peakGpusBusy: number;
  gpusPerReplica: number;
  /** whole replicas at the peak period in integer mode (peakGpusBusy / gpusPerReplica); null in LP mode */
  peakReplicas: number | null;
}

export interface SiteModelPlan {
  modelCode: string;
  servedTokensPerSecond: number;
  loadByClass: ClassLoad[];
  gpus: SiteGpuModelPlan[];
  /** energy + capex (+ carbon) of the GPUs this model holds here, $/h; egress is in the model's plan, not the site's */
  costPerHour: number;
}

/** A site's cap on the number of models it hosts, and what the cap costs. */
export interface SiteModelCapPlan {
  maxModels: number;
  /** the models the plan serves here */
  modelsHosted: number;
  /** the site hosts as many models as it may while it could run more: the cap shapes the plan */
  binds: boolean;
  /**
   * $/h the objective falls when the cap is raised by one: the plan re-solved with maxModels + 1 at this site
   * alone (a mixed-integer re-solve, for at most MAX_MODEL_CAP_RESOLVES binding sites; null for the others and
   * where the cap does not bind). Includes the unserved penalty where one more model would serve unserved demand;
   * never below 0 (a smaller figure is the MIP gap's noise)
   */
  valuePerHour: number | null;
}

export interface SitePlan {
  siteCode: string;
  servedTokensPerSecond: number;
  loadByClass: ClassLoad[];
  /** the same load by model (one row per model served here) */
  models: SiteModelPlan[];
  gpus: SiteGpuPlan[];
  /** GPUs busy at each type's peak period / the site's GPUs (installed + added): agrees with `gpus` (siteUtilization) */
  utilization: number;
  itPowerKw: number;
  facilityPowerKw: number;
  peakFacilityPowerKw: number;
  powerCapKw: number;
  powerUtilization: number;
  costPerHour: number;
  costPerMillionTokens: number | null;
  /** the site's cap on how many models it hosts (Site.maxModels); null = no cap */
  modelCap: SiteModelCapPlan | null;
  /** sensitivity ranges on an optimal LP plan; null (or absent: plans stored before them) otherwise */
  ranges?: SiteRanges | null;
}

export interface RegionSource {
  siteCode: string;
  tokensPerSecond: number;
  /** share of the region's served tokens */
  share: number;
  rttMs: number | null;
}

export interface RegionClassPlan {
  modelCode: string;
  workloadClassCode: string;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
  rttBudgetMs: number | null;
  weightedRttMs: number | null;
  worstRttMs: number | null;
}

export interface RegionModelPlan {
  modelCode: string;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
}

export interface RegionPlan {
  regionCode: string;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
  /** one row per (model, class) demand of the region */
  classes: RegionClassPlan[];
  /** the region's demand by model */
  models: RegionModelPlan[];
  sources: RegionSource[];
  /** served-token-weighted RTT over routes with a known RTT */
  weightedRttMs: number | null;
  worstRttMs: number | null;
}

export interface AllocationRow {
  siteCode: string;
  regionCode: string;
  modelCode: string;
  workloadClassCode: string;
  /** UTC hour for 24-period plans; 0 for steady state */
  period: number;
  tokensPerSecond: number;
}

export interface GpuAllocationRow {
  siteCode: string;
  gpuTypeCode: string;
  modelCode: string;
  workloadClassCode: string;
  period: number;
  tokensPerSecond: number;
  /** tokensPerSecond / (GPU throughput × targetUtilization) */
  gpusBusy: number;
}

/**
 * Where a shadow price's value comes from. COST: money saved (energy, capex,
 * egress, carbon). UNSERVED_DEMAND: mostly the unserved penalty avoided, because
 * the extra unit would serve demand the plan leaves unserved; a modelling price,
 * not money.
 */
export type ShadowPriceBasis = 'COST' | 'UNSERVED_DEMAND';

export interface GpuShadowPrice {
  siteCode: string;
  gpuTypeCode: string;
  /** $/h saved by one more GPU of this type at this site (all periods); never 0 (zero rows are left out) */
  valuePerGpuPerHour: number;
  basis: ShadowPriceBasis;
  /** mean tokens/s of now-unserved demand one more GPU would serve; 0 when basis is COST */
  servesUnservedTokensPerSecond: number;
}

export interface PowerShadowPrice {
  siteCode: string;
  /** $/h saved by one more kW of power cap; never 0 (zero rows are left out) */
  valuePerKwPerHour: number;
  basis: ShadowPriceBasis;
  /** mean tokens/s of now-unserved demand one more kW would serve; 0 when basis is COST */
  servesUnservedTokensPerSecond: number;
}

export interface DemandShadowPrice {
  regionCode: string;
  modelCode: string;
  workloadClassCode: string;
  /**
   * marginal cost of one more token/s of this demand (following its hourly
   * profile in 24-hour plans: the profile-weighted sum of the hourly duals), $ per million tokens
   */
  marginalCostPerMillionTokens: number;
  /** UNSERVED_DEMAND: more of this demand would go unserved, so its price is the penalty's */
  basis: ShadowPriceBasis;
}

export interface ShadowPrices {
  gpus: GpuShadowPrice[];
  power: PowerShadowPrice[];
  demand: DemandShadowPrice[];
  /** $/h saved per extra tonne/h of carbon cap; null without a cap */
  carbonCapValuePerTonne: number | null;
}

export interface CandidateSite {
  siteCode: string;
  rttMs: number | null;
  /** what kept it from taking more in the unserved periods; null = it had room */
  limitedBy: SiteLimit | null;
}

export interface UnservedDemand {
  regionCode: string;
  modelCode: string;
  workloadClassCode: string;
  /** mean over periods */
  unservedTokensPerSecond: number;
  demandTokensPerSecond: number;
  periods: number[];
  reason: UnservedReason;
  /** sites that could serve it (within latency, residency and GPU type) */
  candidateSites: CandidateSite[];
  explanation: string;
}

export interface BindingConstraint {
  kind: BindingKind;
  siteCode: string | null;
  gpuTypeCode: string | null;
  regionCode: string | null;
  modelCode: string | null;
  workloadClassCode: string | null;
  periods: number[];
  /** $/h per unit (GPU, kW, tonne/h); null when the solver gives no duals */
  shadowPrice: number | null;
  description: string;
}

/** A model's deployment rule and what it costs at the margin. */
export interface ModelRulePlan {
  /** countries whose sites may run the model; empty = any */
  allowedCountries: string[];
  /** the only sites that may run the model; empty = any */
  allowedSites: string[];
  /** sites in the plan that could run the model (a GPU type there holds it, the site has power) but the rule forbids */
  blockedSiteCodes: string[];
  /**
   * $ saved per million tokens of this model's demand moved onto the best blocked route, at the margin: minus the
   * reduced cost that route (with the cheapest GPU pool there) would have at the optimal duals; 0 when no blocked
   * route would pay. A marginal price: it holds while the move stays in the optimal basis, and bounds the saving
   * per token of a larger move from above. null without duals (javascript-lp-solver, integer plans, a plan
   * stopped early): the rule's price is not computed for an integer plan.
   */
  shadowPricePerMillionTokens: number | null;
  /** the blocked site of that best route; null when no blocked route would pay or there are no duals */
  bestBlockedSiteCode: string | null;
  /** the region whose demand that route would carry */
  bestBlockedRegionCode: string | null;
}

/** What one model's tokens cost and where they are made. */
export interface ModelPlan {
  modelCode: string;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
  /** energy, capex and carbon of the GPUs the model holds, and egress of its flows; $/h */
  costPerHour: CostBreakdownPerHour;
  /** costPerHour.total per million tokens served; null when none is served */
  costPerMillionTokens: number | null;
  /** served tokens per joule of the facility energy of its GPUs */
  tokensPerJoule: number | null;
  facilityPowerKw: number;
  /** GPUs held, mean over periods */
  gpusBusy: number;
  /** whole replicas summed over sites and GPU types at each pool's peak, integer mode only; null in LP mode */
  peakReplicas: number | null;
  /** by site and GPU type, where the model holds GPUs */
  gpus: (SiteGpuModelPlan & { siteCode: string })[];
  /** the model's deployment rule (allowed countries or sites) and its price; null = no rule */
  rule: ModelRulePlan | null;
}

/** How a plan's solve started: from a stored basis (warm) or from scratch (cold). */
export interface PlanWarmStart {
  /** the solver started from the basis of the plan `fromPlanId` */
  used: boolean;
  /** the plan of the same structure whose basis was offered; null when there was none */
  fromPlanId: string | null;
  /** why the solve started cold; null when it started warm */
  coldReason: string | null;
  /** simplex iterations of this solve (HiGHS LPs); null otherwise */
  simplexIterations: number | null;
  /** the solve time of the plan the basis came from, ms (a cold solve when that plan started cold) */
  fromPlanSolveMs: number | null;
}

export interface PlanResult {
  status: PlanStatus;
  /** why there is no plan, or a note on the plan (e.g. time limit) */
  message: string | null;
  solver: SolverName | null;
  /** the solver's own status word, for diagnosis */
  solverStatus: string | null;
  options: PlanOptions;
  periods: number;
  modelSize: ModelSize;
  timings: PlanTimings;
  /** relative MIP gap in integer mode; null otherwise */
  mipGap: number | null;
  /** the solver's objective, $/h (includes the penalty) */
  objectivePerHour: number | null;
  totals: PlanTotals | null;
  /** one row per model in the input (DEFAULT alone for data without models) */
  models: ModelPlan[];
  sites: SitePlan[];
  regions: RegionPlan[];
  allocations: AllocationRow[];
  gpuAllocations: GpuAllocationRow[];
  shadowPrices: ShadowPrices | null;
  shadowPricesUnavailableReason: string | null;
  /** why sites carry no (or not every) sensitivity range; null when all are there */
  rangesUnavailableReason?: string | null;
  unserved: UnservedDemand[];
  bindingConstraints: BindingConstraint[];
  /** sites in the input that took no part, and why */
  excludedSites: { siteCode: string; reason: string }[];
  /** the compiled model's structure key (structure-key.ts): plans with equal keys share columns and rows; absent on plans stored before it */
  structureKey?: string | null;
  /** how the solve started; absent on plans stored before warm starts */
  warmStart?: PlanWarmStart | null;
}
