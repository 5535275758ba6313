// Unserved demand and why: per demand left (partly) unserved, the periods it
// was, the sites that might have served it and what held each back, and one
// reason in words.
import { TOKENS_PER_KTOK } from '../costs.js';
import type { PreparedDemand, PreparedRegion } from '../prepare.js';
import {
  DEFAULT_MODEL_CODE,
  type CandidateSite,
  type SiteLimit,
  type UnservedDemand,
  type UnservedReason,
} from '../types.js';
import type { DemandCandidates } from '../compile/layout.js';
import type { Limits } from './binding.js';
import { round, type Solution } from './solution.js';

export function unservedDemand(
  solution: Solution,
  unservedKtokByDemandPeriod: Float64Array,
  limits: Limits,
): UnservedDemand[] {
  const { prepared, layout, periods: T, periodWeight: w } = solution;
  const unserved: UnservedDemand[] = [];
  prepared.regions.forEach((region, r) => {
    region.demands.forEach((demand, d) => {
      const g = layout.demandOffset[r]! + d;
      const periods: number[] = [];
      let mean = 0;
      let worstPeriod = -1;
      let worstValue = 0;
      for (let t = 0; t < T; t++) {
        const value = unservedKtokByDemandPeriod[g * T + t]!;
        const demandKtok = demand.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK;
        if (!(value > 1e-6 * Math.max(1, demandKtok))) continue;
        periods.push(t);
        mean += value * w;
        if (value > worstValue) {
          worstValue = value;
          worstPeriod = t;
        }
      }
      if (periods.length === 0) return;
      const candidateSites = candidateSitesOf(solution, limits, r, g, periods, worstPeriod);
      const reason = unservedReason(solution, limits, g, candidateSites);
      unserved.push({
        regionCode: region.code,
        modelCode: prepared.classes[demand.classIndex]!.modelCode,
        workloadClassCode: prepared.classes[demand.classIndex]!.code,
        unservedTokensPerSecond: round(mean * TOKENS_PER_KTOK),
        demandTokensPerSecond: round(demand.meanTokensPerSecond),
        periods,
        reason,
        candidateSites,
        explanation: explain(solution, reason, region, demand, layout.candidates[g]!),
      });
    });
  });
  return unserved.sort(
    (a, b) => b.unservedTokensPerSecond - a.unservedTokensPerSecond || (a.regionCode < b.regionCode ? -1 : 1),
  );
}

/** The demand's candidate sites, each with what held it back (null unless limited in every unserved period). */
function candidateSitesOf(
  solution: Solution,
  limits: Limits,
  r: number,
  g: number,
  periods: readonly number[],
  worstPeriod: number,
): CandidateSite[] {
  const { prepared, layout, periods: T } = solution;
  const { sites, gpus, regions } = prepared;
  const k = regions[r]!.demands[g - layout.demandOffset[r]!]!.classIndex;
  return layout.candidates[g]!.sites.map((s, index) => {
    const limitAt = (t: number): SiteLimit | null => {
      // A physical limit (power, GPUs) is named before the site share:
      // SITE_SHARE means the site took its share while it still had room.
      if (limits.powerFull(s, t)) return 'POWER';
      let anyPool = false;
      let allFull = true;
      sites[s]!.pools.forEach((pool, p) => {
        if (!(gpus[pool.gpuIndex]!.tokensPerSecondByClass[k]! > 0)) return;
        anyPool = true;
        const replicaSize = gpus[pool.gpuIndex]!.gpusPerReplicaByModel[prepared.classes[k]!.modelIndex]!;
        if (!limits.poolFull(layout.poolOffset[s]! + p, t, s, p, replicaSize)) allFull = false;
      });
      if (anyPool && allFull) return 'CAPACITY';
      const routeStart = layout.routeStartOf[layout.groupOfDemand[g]! * T + t]!;
      return routeStart >= 0 && limits.routeAtShare(routeStart + index) ? 'SITE_SHARE' : null;
    };
    // A site counts as full only if it was full in every period with unserved demand.
    const limitedInAll = periods.every((t) => limitAt(t) !== null);
    const rtt = prepared.rttMs[s * regions.length + r]!;
    return {
      siteCode: sites[s]!.code,
      rttMs: Number.isNaN(rtt) ? null : rtt,
      limitedBy: limitedInAll ? limitAt(worstPeriod) : null,
    };
  });
}

function unservedReason(
  solution: Solution,
  limits: Limits,
  g: number,
  candidateSites: readonly CandidateSite[],
): UnservedReason {
  const candidates = solution.layout.candidates[g]!;
  if (candidateSites.length === 0) {
    if (candidates.modelUnavailable) return 'MODEL_UNAVAILABLE';
    if (candidates.withinLatency > 0 && candidates.residencyBlocked > 0) return 'RESIDENCY';
    if (candidates.modelRuleBlocked.length > 0) return 'MODEL_RULE';
    // sites within reach, none with a GPU type that can hold the model (with one model: none runs the class)
    const named = solution.prepared.models.length > 1 || solution.prepared.models[0]!.code !== DEFAULT_MODEL_CODE;
    if (candidates.withoutGpuForModel > 0 && named) return 'NO_GPU_FOR_MODEL';
    return 'NO_SITE_WITHIN_LATENCY';
  }
  if (candidateSites.every((c) => c.limitedBy !== null)) {
    const power = candidateSites.filter((c) => c.limitedBy === 'POWER').length;
    const share = candidateSites.filter((c) => c.limitedBy === 'SITE_SHARE').length;
    return power * 2 > candidateSites.length ? 'POWER' : share * 2 > candidateSites.length ? 'SITE_SHARE' : 'CAPACITY';
  }
  return limits.carbonAtCap ? 'CARBON_CAP' : 'COST';
}

function explain(
  solution: Solution,
  reason: UnservedReason,
  region: PreparedRegion,
  demand: PreparedDemand,
  candidates: DemandCandidates,
): string {
  const { options } = solution;
  const service = solution.prepared.classes[demand.classIndex]!;
  // with one model the class names the demand, as before models; else the model and the class
  const classCode = solution.prepared.models.length === 1 ? service.code : `${service.modelCode} ${service.code}`;
  const residencyBlocked = candidates.residencyBlocked;
  const budget = demand.rttBudgetMs === null ? 'any distance' : `${demand.rttBudgetMs} ms`;
  return {
    NO_SITE_WITHIN_LATENCY: `no site that runs ${classCode} is within ${budget} of ${region.code}`,
    RESIDENCY: `the ${residencyBlocked} site(s) within ${budget} of ${region.code} are in countries its residency rules exclude`,
    CAPACITY: `every site that may serve ${region.code} ${classCode} is full (GPUs${options.maxSiteShare !== null ? ' or site share' : ''})`,
    SITE_SHARE: `the sites that may serve ${region.code} ${classCode} took the most they may (${(options.maxSiteShare ?? 1) * 100}% each) while they still had GPUs and power`,
    POWER: `the sites that may serve ${region.code} ${classCode} are mostly at their power caps`,
    CARBON_CAP: `sites had room but the carbon cap of ${options.carbonCapTonnesPerHour} t/h did not`,
    COST: `serving it would cost more than the unserved penalty of $${options.unservedPenaltyPerMillionTokens} per million tokens`,
    NO_GPU_FOR_MODEL: `none of the ${candidates.withoutGpuForModel} site(s) within ${budget} of ${region.code} has a GPU type that can hold ${service.modelCode} (no throughput recorded for it under ${service.code})`,
    MODEL_RULE: `${service.modelCode}'s deployment rule allows none of the ${candidates.modelRuleBlocked.length} site(s) within ${budget} of ${region.code} that could run it`,
    MODEL_UNAVAILABLE: `${service.modelCode} is unavailable: no site may serve it`,
  }[reason];
}
