/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** AMORTIZED: every busy GPU-hour pays its capex. SUNK: installed GPUs cost only energy; bought ones pay capex. */
export type CapexMode =
  | 'AMORTIZED'
  | 'SUNK';

/** Generate route columns by reduced cost (exact; LPs on HiGHS). AUTO: on large models. */
export type ColumnGeneration =
  | 'AUTO'
  | 'OFF'
  | 'ON';

/** Omitted fields take their defaults; every value is checked (ValidationError names the field). */
export type PlanOptionsInput = {
  allowExpansion?: boolean | null | undefined;
  capexMode?: CapexMode | null | undefined;
  /** null = no cap */
  carbonCapTonnesPerHour?: number | null | undefined;
  carbonPricePerTonne?: number | null | undefined;
  columnGeneration?: ColumnGeneration | null | undefined;
  egressPricePerMillionTokens?: number | null | undefined;
  excludeSites?: Array<string> | null | undefined;
  integerGpus?: boolean | null | undefined;
  /** (0, 1]; null = no limit */
  maxSiteShare?: number | null | undefined;
  mipGapRelative?: number | null | undefined;
  /** 1 = steady state; 24 = hourly day-ahead */
  periods?: number | null | undefined;
  solver?: PlanSolver | null | undefined;
  /** (0, 1] */
  targetUtilization?: number | null | undefined;
  timeLimitSeconds?: number | null | undefined;
  unservedPenaltyPerMillionTokens?: number | null | undefined;
  /** start an LP from the stored basis of the newest plan of the same structure (default true) */
  warmStart?: boolean | null | undefined;
};

/** AUTO picks by size: javascript-lp-solver for tiny LPs, then CLP for LPs when the machine has it, else HiGHS; integer plans go to HiGHS. */
export type PlanSolver =
  | 'AUTO'
  /** COIN-OR CBC, native, no shadow prices; needs Debian's coinor-libcbc3 where the plan is solved */
  | 'CBC'
  /** COIN-OR CLP, native, LPs only; needs Debian's coinor-libclp1 where the plan is solved */
  | 'CLP'
  | 'HIGHS'
  | 'JSLP';

/** QUEUED → RUNNING → SOLVED | INFEASIBLE | TIME_LIMIT | FAILED | CANCELLED (the last five are final). */
export type PlanStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'INFEASIBLE'
  | 'QUEUED'
  | 'RUNNING'
  | 'SOLVED'
  | 'TIME_LIMIT';

/** QUEUED until a point starts; RUNNING; FINISHED once every point is final (whatever its status). */
export type PlanSweepStatus =
  | 'FINISHED'
  | 'QUEUED'
  | 'RUNNING';

export type RequestPlanInput = {
  name?: string | null | undefined;
  options?: PlanOptionsInput | null | undefined;
  /** code of a scenario: its overrides change the snapshot, its planOptions sit under `options` */
  scenario?: string | null | undefined;
  /** answer when the plan is final, or after 60 s with it still running */
  wait?: boolean | null | undefined;
};

/** viewer reads everything; planner also requests and cancels plans and manages scenarios; admin changes anything. */
export type Role =
  | 'ADMIN'
  | 'PLANNER'
  | 'VIEWER';

/** COST: the value is money saved (energy, capex, egress, carbon). UNSERVED_DEMAND: the value is mostly the unserved penalty avoided, because the extra unit would serve demand the plan leaves unserved: a modelling price, not money. */
export type ShadowPriceBasis =
  | 'COST'
  | 'UNSERVED_DEMAND';

export type SiteStatus =
  | 'ACTIVE'
  | 'PLANNED'
  | 'RETIRED';

/** PRICE_MULTIPLIER: the electricity price of the scoped sites times the value. DEMAND_GROWTH: the scoped demand times the value. LATENCY_BUDGET_MS: the RTT budget of the scoped regions and classes set to the value, in ms. */
export type SweepParameter =
  | 'DEMAND_GROWTH'
  | 'LATENCY_BUDGET_MS'
  | 'PRICE_MULTIPLIER';

/** Why demand is left unserved. */
export type UnservedReason =
  /** every site that may serve it has all its GPUs busy */
  | 'CAPACITY'
  /** sites had room but the carbon cap did not */
  | 'CARBON_CAP'
  /** serving it would cost more than the unserved penalty */
  | 'COST'
  /** the model's deployment rule (allowed countries or sites) allows none of the sites within reach */
  | 'MODEL_RULE'
  /** the model is unavailable (a scenario's unavailableModels without a substitute): no site may serve it */
  | 'MODEL_UNAVAILABLE'
  /** sites are within reach, but none has a GPU type that can hold the model (no throughput for it) */
  | 'NO_GPU_FOR_MODEL'
  /** no site that runs the class is within its RTT budget */
  | 'NO_SITE_WITHIN_LATENCY'
  /** most sites that may serve it are at their power caps */
  | 'POWER'
  /** the sites within the budget are in countries the region may not be served from */
  | 'RESIDENCY'
  /** the sites that may serve it took their maxSiteShare while they still had GPUs and power */
  | 'SITE_SHARE';

export type WebBaseQueryVariables = Exact<{ [key: string]: never; }>;


export type WebBaseQuery = { me: { role: Role, keyName: string | null, openLocalMode: boolean, canRequestPlans: boolean }, sites: { totalCount: number, edges: Array<{ node: { code: string, name: string, country: string, latitude: number, longitude: number, pricePerKwh: number, hourlyPricesPerKwh: Array<number>, utcOffsetHours: number, powerCapKw: number, maxModels: number | null, status: SiteStatus, costPerMillionTokens: number | null, installedCapacity: { gpus: number, tokensPerSecond: number } } }> }, demandRegions: Array<{ code: string, name: string, city: string, latitude: number, longitude: number, totalTokensPerSecond: number, demand: Array<{ tokensPerSecond: number, effectiveRttBudgetMs: number | null, model: { code: string }, workloadClass: { code: string } }> }>, scenarios: { edges: Array<{ node: { code: string, name: string } }> }, models: Array<{ code: string, name: string }> };

export type WebPlansQueryVariables = Exact<{ [key: string]: never; }>;


export type WebPlansQuery = { planSweeps: { edges: Array<{ node: { id: string, name: string | null, parameter: SweepParameter, values: Array<number>, status: PlanSweepStatus, requestedAt: string } }> }, plans: { edges: Array<{ node: { id: string, name: string | null, status: PlanStatus, final: boolean, requestedAt: string, costPerMillionTokens: number | null, scenario: { code: string } | null, schedule: { name: string } | null } }> } };

export type WebPlanQueryVariables = Exact<{
  id: string | number;
}>;


export type WebPlanQuery = { plan: { id: string, name: string | null, status: PlanStatus, final: boolean, solver: string | null, message: string | null, errorMessage: string | null, options: Record<string, unknown>, requestedAt: string, startedAt: string | null, finishedAt: string | null, modelVariables: number | null, modelConstraints: number | null, modelNonzeros: number | null, buildMs: number | null, solveMs: number | null, mipGap: number | null, shadowPricesUnavailableReason: string | null, rangesUnavailableReason: string | null, scenario: { code: string } | null, schedule: { name: string } | null, totals: { costPerMillionTokens: number | null, tokensPerJoule: number | null, facilityPowerKw: number, peakFacilityPowerKw: number, itPowerKw: number, carbonKgPerHour: number, carbonKgPerMillionTokens: number | null, demandTokensPerSecond: number, servedTokensPerSecond: number, unservedTokensPerSecond: number, gpusBusy: number, gpusAdded: number, costPerHour: { total: number, energy: number, capex: number, egress: number, carbon: number }, unserved: { tokensPerSecond: number, penaltyPerHour: number } } | null, models: Array<{ modelCode: string, demandTokensPerSecond: number, servedTokensPerSecond: number, unservedTokensPerSecond: number, costPerMillionTokens: number | null, tokensPerJoule: number | null, gpusBusy: number, peakReplicas: number | null, costPerHour: { total: number }, rule: { allowedCountries: Array<string>, allowedSites: Array<string>, blockedSiteCodes: Array<string>, shadowPricePerMillionTokens: number | null, bestBlockedSiteCode: string | null, bestBlockedRegionCode: string | null } | null }>, sites: Array<{ siteCode: string, servedTokensPerSecond: number, utilization: number, meanUtilization: number, powerUtilization: number, facilityPowerKw: number, peakFacilityPowerKw: number, powerCapKw: number, costPerHour: number, costPerMillionTokens: number | null, ranges: { pricePerKwh: { low: number | null, high: number | null } | null } | null, modelCap: { maxModels: number, modelsHosted: number, binds: boolean, valuePerHour: number | null } | null, loadByClass: Array<{ workloadClassCode: string, tokensPerSecond: number }>, models: Array<{ modelCode: string, servedTokensPerSecond: number, costPerHour: number, costPerMillionTokens: number | null, gpus: Array<{ gpuTypeCode: string, gpusBusy: number, peakGpusBusy: number, gpusPerReplica: number, peakReplicas: number | null }> }>, gpus: Array<{ gpuTypeCode: string, installed: number, gpusAdded: number, gpusBusy: number, peakGpusBusy: number, utilization: number }> }>, regions: Array<{ regionCode: string, demandTokensPerSecond: number, servedTokensPerSecond: number, unservedTokensPerSecond: number, weightedRttMs: number | null, worstRttMs: number | null, sources: Array<{ siteCode: string, tokensPerSecond: number, share: number, rttMs: number | null }>, models: Array<{ modelCode: string, demandTokensPerSecond: number, servedTokensPerSecond: number, unservedTokensPerSecond: number }> }>, unserved: Array<{ regionCode: string, modelCode: string, workloadClassCode: string, demandTokensPerSecond: number, unservedTokensPerSecond: number, reason: UnservedReason, explanation: string }>, shadowPrices: { carbonCapValuePerTonne: number | null, gpus: Array<{ siteCode: string, gpuTypeCode: string, valuePerGpuPerHour: number, basis: ShadowPriceBasis, servesUnservedTokensPerSecond: number }>, power: Array<{ siteCode: string, valuePerKwPerHour: number, basis: ShadowPriceBasis, servesUnservedTokensPerSecond: number }>, demand: Array<{ regionCode: string, workloadClassCode: string, marginalCostPerMillionTokens: number, basis: ShadowPriceBasis }> } | null, siteLoadsByPeriod: Array<{ siteCode: string, period: number, tokensPerSecond: number, gpusBusy: number, facilityPowerKw: number }> } | null };

export type WebModelFlowsQueryVariables = Exact<{
  id: string | number;
  modelCode: string;
}>;


export type WebModelFlowsQuery = { plan: { id: string, siteRegionFlows: Array<{ siteCode: string, regionCode: string, meanTokensPerSecond: number }> } | null };

export type WebPlanUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type WebPlanUpdatedSubscription = { planUpdated: { id: string, status: PlanStatus, final: boolean, message: string | null, errorMessage: string | null } };

export type WebRequestPlanMutationVariables = Exact<{
  input: RequestPlanInput;
}>;


export type WebRequestPlanMutation = { requestPlan:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'MutationRequestPlanSuccess', data: { id: string, status: PlanStatus } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, issues: Array<{ path: string, message: string }> }
   };

export type WebDiffQueryVariables = Exact<{
  from: string | number;
  to: string | number;
}>;


export type WebDiffQuery = { plan: { id: string, diff: { fromPlanId: string, toPlanId: string, unchanged: boolean, totals: { costPerMillionTokens: number | null, tokensPerJoule: number | null, facilityPowerKw: number, carbonKgPerHour: number, servedTokensPerSecond: number, unservedTokensPerSecond: number, gpusBusy: number, gpusAdded: number, costPerHour: { total: number, energy: number, capex: number, egress: number, carbon: number }, unserved: { tokensPerSecond: number, penaltyPerHour: number } } | null, sites: Array<{ siteCode: string, fromTokensPerSecond: number, toTokensPerSecond: number, tokensPerSecondChange: number, fromCostPerHour: number, toCostPerHour: number, costPerHourChange: number }>, flows: Array<{ fromSiteCode: string | null, toSiteCode: string | null, regionCode: string, workloadClassCode: string, tokensPerSecond: number }> } | null } | null };

export type WebSweepQueryVariables = Exact<{
  id: string | number;
}>;


export type WebSweepQuery = { planSweep: { id: string, name: string | null, parameter: SweepParameter, values: Array<number>, scope: Record<string, unknown>, scenarioCode: string | null, status: PlanSweepStatus, pointsFinal: number, points: Array<{ value: number, status: PlanStatus, costPerMillionTokens: number | null, costPerHour: number | null, carbonKgPerMillionTokens: number | null, carbonKgPerHour: number | null, unservedTokensPerSecond: number | null, plan: { id: string } }> } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const WebBaseDocument = new TypedDocumentString(`
    query WebBase {
  me {
    role
    keyName
    openLocalMode
    canRequestPlans
  }
  sites(first: 100) {
    totalCount
    edges {
      node {
        code
        name
        country
        latitude
        longitude
        pricePerKwh
        hourlyPricesPerKwh
        utcOffsetHours
        powerCapKw
        maxModels
        status
        installedCapacity(workloadClass: "STANDARD") {
          gpus
          tokensPerSecond
        }
        costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD")
      }
    }
  }
  demandRegions {
    code
    name
    city
    latitude
    longitude
    totalTokensPerSecond
    demand {
      model {
        code
      }
      workloadClass {
        code
      }
      tokensPerSecond
      effectiveRttBudgetMs
    }
  }
  scenarios(first: 100) {
    edges {
      node {
        code
        name
      }
    }
  }
  models {
    code
    name
  }
}
    `) as unknown as TypedDocumentString<WebBaseQuery, WebBaseQueryVariables>;
export const WebPlansDocument = new TypedDocumentString(`
    query WebPlans {
  planSweeps(first: 10) {
    edges {
      node {
        id
        name
        parameter
        values
        status
        requestedAt
      }
    }
  }
  plans(first: 25) {
    edges {
      node {
        id
        name
        status
        final
        requestedAt
        costPerMillionTokens
        scenario {
          code
        }
        schedule {
          name
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebPlansQuery, WebPlansQueryVariables>;
export const WebPlanDocument = new TypedDocumentString(`
    query WebPlan($id: ID!) {
  plan(id: $id) {
    id
    name
    status
    final
    solver
    message
    errorMessage
    options
    requestedAt
    startedAt
    finishedAt
    modelVariables
    modelConstraints
    modelNonzeros
    buildMs
    solveMs
    mipGap
    scenario {
      code
    }
    schedule {
      name
    }
    totals {
      costPerMillionTokens
      tokensPerJoule
      facilityPowerKw
      peakFacilityPowerKw
      itPowerKw
      carbonKgPerHour
      carbonKgPerMillionTokens
      demandTokensPerSecond
      servedTokensPerSecond
      unservedTokensPerSecond
      gpusBusy
      gpusAdded
      costPerHour {
        total
        energy
        capex
        egress
        carbon
      }
      unserved {
        tokensPerSecond
        penaltyPerHour
      }
    }
    models {
      modelCode
      demandTokensPerSecond
      servedTokensPerSecond
      unservedTokensPerSecond
      costPerMillionTokens
      tokensPerJoule
      gpusBusy
      peakReplicas
      costPerHour {
        total
      }
      rule {
        allowedCountries
        allowedSites
        blockedSiteCodes
        shadowPricePerMillionTokens
        bestBlockedSiteCode
        bestBlockedRegionCode
      }
    }
    sites {
      siteCode
      servedTokensPerSecond
      ranges {
        pricePerKwh {
          low
          high
        }
      }
      utilization
      meanUtilization
      powerUtilization
      facilityPowerKw
      peakFacilityPowerKw
      powerCapKw
      costPerHour
      costPerMillionTokens
      modelCap {
        maxModels
        modelsHosted
        binds
        valuePerHour
      }
      loadByClass {
        workloadClassCode
        tokensPerSecond
      }
      models {
        modelCode
        servedTokensPerSecond
        costPerHour
        costPerMillionTokens
        gpus {
          gpuTypeCode
          gpusBusy
          peakGpusBusy
          gpusPerReplica
          peakReplicas
        }
      }
      gpus {
        gpuTypeCode
        installed
        gpusAdded
        gpusBusy
        peakGpusBusy
        utilization
      }
    }
    regions {
      regionCode
      demandTokensPerSecond
      servedTokensPerSecond
      unservedTokensPerSecond
      weightedRttMs
      worstRttMs
      sources {
        siteCode
        tokensPerSecond
        share
        rttMs
      }
      models {
        modelCode
        demandTokensPerSecond
        servedTokensPerSecond
        unservedTokensPerSecond
      }
    }
    unserved {
      regionCode
      modelCode
      workloadClassCode
      demandTokensPerSecond
      unservedTokensPerSecond
      reason
      explanation
    }
    shadowPrices {
      carbonCapValuePerTonne
      gpus {
        siteCode
        gpuTypeCode
        valuePerGpuPerHour
        basis
        servesUnservedTokensPerSecond
      }
      power {
        siteCode
        valuePerKwPerHour
        basis
        servesUnservedTokensPerSecond
      }
      demand {
        regionCode
        workloadClassCode
        marginalCostPerMillionTokens
        basis
      }
    }
    shadowPricesUnavailableReason
    rangesUnavailableReason
    siteLoadsByPeriod {
      siteCode
      period
      tokensPerSecond
      gpusBusy
      facilityPowerKw
    }
  }
}
    `) as unknown as TypedDocumentString<WebPlanQuery, WebPlanQueryVariables>;
export const WebModelFlowsDocument = new TypedDocumentString(`
    query WebModelFlows($id: ID!, $modelCode: String!) {
  plan(id: $id) {
    id
    siteRegionFlows(modelCodes: [$modelCode]) {
      siteCode
      regionCode
      meanTokensPerSecond
    }
  }
}
    `) as unknown as TypedDocumentString<WebModelFlowsQuery, WebModelFlowsQueryVariables>;
export const WebPlanUpdatedDocument = new TypedDocumentString(`
    subscription WebPlanUpdated($id: ID!) {
  planUpdated(id: $id) {
    id
    status
    final
    message
    errorMessage
  }
}
    `) as unknown as TypedDocumentString<WebPlanUpdatedSubscription, WebPlanUpdatedSubscriptionVariables>;
export const WebRequestPlanDocument = new TypedDocumentString(`
    mutation WebRequestPlan($input: RequestPlanInput!) {
  requestPlan(input: $input) {
    __typename
    ... on MutationRequestPlanSuccess {
      data {
        id
        status
      }
    }
    ... on ValidationError {
      message
      issues {
        path
        message
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<WebRequestPlanMutation, WebRequestPlanMutationVariables>;
export const WebDiffDocument = new TypedDocumentString(`
    query WebDiff($from: ID!, $to: ID!) {
  plan(id: $to) {
    id
    diff(against: $from) {
      fromPlanId
      toPlanId
      unchanged
      totals {
        costPerMillionTokens
        tokensPerJoule
        facilityPowerKw
        carbonKgPerHour
        servedTokensPerSecond
        unservedTokensPerSecond
        gpusBusy
        gpusAdded
        costPerHour {
          total
          energy
          capex
          egress
          carbon
        }
        unserved {
          tokensPerSecond
          penaltyPerHour
        }
      }
      sites {
        siteCode
        fromTokensPerSecond
        toTokensPerSecond
        tokensPerSecondChange
        fromCostPerHour
        toCostPerHour
        costPerHourChange
      }
      flows {
        fromSiteCode
        toSiteCode
        regionCode
        workloadClassCode
        tokensPerSecond
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebDiffQuery, WebDiffQueryVariables>;
export const WebSweepDocument = new TypedDocumentString(`
    query WebSweep($id: ID!) {
  planSweep(id: $id) {
    id
    name
    parameter
    values
    scope
    scenarioCode
    status
    pointsFinal
    points {
      value
      status
      costPerMillionTokens
      costPerHour
      carbonKgPerMillionTokens
      carbonKgPerHour
      unservedTokensPerSecond
      plan {
        id
      }
    }
  }
}
    `) as unknown as TypedDocumentString<WebSweepQuery, WebSweepQueryVariables>;