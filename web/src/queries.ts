// The GraphQL documents the page sends, and the shapes it reads back.

export const BASE_QUERY = /* GraphQL */ `
  query WebBase {
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
  }
`;

export const PLANS_QUERY = /* GraphQL */ `
  query WebPlans {
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
`;

export const PLAN_QUERY = /* GraphQL */ `
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
      sites {
        siteCode
        servedTokensPerSecond
        utilization
        powerUtilization
        facilityPowerKw
        peakFacilityPowerKw
        powerCapKw
        costPerHour
        costPerMillionTokens
        loadByClass {
          workloadClassCode
          tokensPerSecond
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
      }
      unserved {
        regionCode
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
    }
  }
`;

export const ALLOCATIONS_QUERY = /* GraphQL */ `
  query WebAllocations($id: ID!, $after: String) {
    plan(id: $id) {
      allocations(first: 100, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            siteCode
            regionCode
            workloadClassCode
            period
            tokensPerSecond
          }
        }
      }
    }
  }
`;

export const PLAN_UPDATED = /* GraphQL */ `
  subscription WebPlanUpdated($id: ID!) {
    planUpdated(id: $id) {
      id
      status
      final
      message
      errorMessage
    }
  }
`;

export const REQUEST_PLAN = /* GraphQL */ `
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
`;

export const DIFF_QUERY = /* GraphQL */ `
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
`;

export interface Site {
  code: string;
  name: string;
  country: string;
  latitude: number;
  longitude: number;
  pricePerKwh: number;
  hourlyPricesPerKwh: number[];
  utcOffsetHours: number;
  powerCapKw: number;
  status: string;
  installedCapacity: { gpus: number; tokensPerSecond: number };
  costPerMillionTokens: number | null;
}

export interface Region {
  code: string;
  name: string;
  city: string;
  latitude: number;
  longitude: number;
  totalTokensPerSecond: number;
  demand: { workloadClass: { code: string }; tokensPerSecond: number; effectiveRttBudgetMs: number | null }[];
}

export interface BaseData {
  sites: { totalCount: number; edges: { node: Site }[] };
  demandRegions: Region[];
  scenarios: { edges: { node: { code: string; name: string } }[] };
}

export type PlanStatus = 'QUEUED' | 'RUNNING' | 'SOLVED' | 'INFEASIBLE' | 'TIME_LIMIT' | 'FAILED' | 'CANCELLED';

export interface PlanListItem {
  id: string;
  name: string | null;
  status: PlanStatus;
  final: boolean;
  requestedAt: string;
  costPerMillionTokens: number | null;
  scenario: { code: string } | null;
  schedule: { name: string } | null;
}

/** money: total = energy + capex + egress + carbon (the unserved penalty is not money: see UnservedTotals) */
export interface CostPerHour {
  total: number;
  energy: number;
  capex: number;
  egress: number;
  carbon: number;
}

export interface UnservedTotals {
  tokensPerSecond: number;
  /** a modelling price, never money */
  penaltyPerHour: number;
}

export type UnservedReason =
  'NO_SITE_WITHIN_LATENCY' | 'RESIDENCY' | 'CAPACITY' | 'SITE_SHARE' | 'POWER' | 'CARBON_CAP' | 'COST';

/** COST: money saved; UNSERVED_DEMAND: mostly the unserved penalty avoided */
export type ShadowPriceBasis = 'COST' | 'UNSERVED_DEMAND';

export interface PlanSite {
  siteCode: string;
  servedTokensPerSecond: number;
  utilization: number;
  powerUtilization: number;
  facilityPowerKw: number;
  peakFacilityPowerKw: number;
  powerCapKw: number;
  costPerHour: number;
  costPerMillionTokens: number | null;
  loadByClass: { workloadClassCode: string; tokensPerSecond: number }[];
  gpus: {
    gpuTypeCode: string;
    installed: number;
    gpusAdded: number;
    gpusBusy: number;
    peakGpusBusy: number;
    utilization: number;
  }[];
}

export interface PlanRegion {
  regionCode: string;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
  weightedRttMs: number | null;
  worstRttMs: number | null;
  sources: { siteCode: string; tokensPerSecond: number; share: number; rttMs: number | null }[];
}

export interface Plan {
  id: string;
  name: string | null;
  status: PlanStatus;
  final: boolean;
  solver: string | null;
  message: string | null;
  errorMessage: string | null;
  options: { periods?: number; capexMode?: string } & Record<string, unknown>;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  modelVariables: number | null;
  modelConstraints: number | null;
  modelNonzeros: number | null;
  buildMs: number | null;
  solveMs: number | null;
  mipGap: number | null;
  scenario: { code: string } | null;
  schedule: { name: string } | null;
  totals: {
    costPerMillionTokens: number | null;
    tokensPerJoule: number | null;
    facilityPowerKw: number;
    peakFacilityPowerKw: number;
    itPowerKw: number;
    carbonKgPerHour: number;
    carbonKgPerMillionTokens: number | null;
    demandTokensPerSecond: number;
    servedTokensPerSecond: number;
    unservedTokensPerSecond: number;
    gpusBusy: number;
    gpusAdded: number;
    costPerHour: CostPerHour;
    unserved: UnservedTotals;
  } | null;
  sites: PlanSite[];
  regions: PlanRegion[];
  unserved: {
    regionCode: string;
    workloadClassCode: string;
    demandTokensPerSecond: number;
    unservedTokensPerSecond: number;
    reason: UnservedReason;
    explanation: string;
  }[];
  shadowPrices: {
    carbonCapValuePerTonne: number | null;
    gpus: {
      siteCode: string;
      gpuTypeCode: string;
      valuePerGpuPerHour: number;
      basis: ShadowPriceBasis;
      servesUnservedTokensPerSecond: number;
    }[];
    power: {
      siteCode: string;
      valuePerKwPerHour: number;
      basis: ShadowPriceBasis;
      servesUnservedTokensPerSecond: number;
    }[];
    demand: {
      regionCode: string;
      workloadClassCode: string;
      marginalCostPerMillionTokens: number;
      basis: ShadowPriceBasis;
    }[];
  } | null;
  shadowPricesUnavailableReason: string | null;
}

export interface Allocation {
  siteCode: string;
  regionCode: string;
  workloadClassCode: string;
  period: number;
  tokensPerSecond: number;
}

export interface PlanDiff {
  fromPlanId: string;
  toPlanId: string;
  unchanged: boolean;
  totals: {
    costPerMillionTokens: number | null;
    tokensPerJoule: number | null;
    facilityPowerKw: number;
    carbonKgPerHour: number;
    servedTokensPerSecond: number;
    unservedTokensPerSecond: number;
    gpusBusy: number;
    gpusAdded: number;
    costPerHour: CostPerHour;
    unserved: UnservedTotals;
  } | null;
  sites: {
    siteCode: string;
    fromTokensPerSecond: number;
    toTokensPerSecond: number;
    tokensPerSecondChange: number;
    fromCostPerHour: number;
    toCostPerHour: number;
    costPerHourChange: number;
  }[];
  flows: {
    fromSiteCode: string | null;
    toSiteCode: string | null;
    regionCode: string;
    workloadClassCode: string;
    tokensPerSecond: number;
  }[];
}
