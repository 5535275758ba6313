// Per-site and per-region summaries and the plan's totals, from the flows,
// the GPUs held and the cost ledger.
import { MILLION_TOKENS_PER_KTOK_HOUR, TOKENS_PER_KTOK } from '../costs.js';
import type {
  ClassLoad,
  PlanTotals,
  RegionModelPlan,
  RegionPlan,
  SiteGpuPlan,
  SiteModelPlan,
  SitePlan,
} from '../types.js';
import type { GpuWork, RouteFlows } from './flows.js';
import type { GpusHeld } from './gpus-held.js';
import { round, type CostLedger, type Solution } from './solution.js';

/**
 * A site's GPU utilization from its GPU rows, so the whole agrees with its parts:
 * `mean` is the GPUs busy on average over the periods, `peak` the GPUs busy at each
 * GPU type's own busiest period, both over the site's GPUs (installed + added). The
 * peak is the capacity-weighted mean of the rows' `utilization`.
 */
export function siteUtilization(gpus: readonly SiteGpuPlan[]): { mean: number; peak: number } {
  let capacity = 0;
  let meanBusy = 0;
  let peakBusy = 0;
  for (const row of gpus) {
    capacity += row.installed + row.gpusAdded;
    meanBusy += row.gpusBusy;
    peakBusy += row.peakGpusBusy;
  }
  return capacity > 0 ? { mean: round(meanBusy / capacity), peak: round(peakBusy / capacity) } : { mean: 0, peak: 0 };
}

export function sitePlans(solution: Solution, flows: RouteFlows, work: GpuWork, held: GpusHeld, ledger: CostLedger) {
  const { prepared, layout, periods: T, periodWeight: w } = solution;
  const { sites, gpus, classes } = prepared;
  const K = classes.length;
  return sites.map((site, s): SitePlan => {
    let servedKtok = 0;
    for (let k = 0; k < K; k++) servedKtok += flows.siteLoadKtok[s * K + k]!;
    let itKw = 0;
    let facilityKw = 0;
    let peakFacilityKw = 0;
    for (let t = 0; t < T; t++) {
      itKw += work.siteItKwByPeriod[s * T + t]! * w;
      facilityKw += work.siteFacilityKwByPeriod[s * T + t]! * w;
      peakFacilityKw = Math.max(peakFacilityKw, work.siteFacilityKwByPeriod[s * T + t]!);
    }
    const gpuRows = site.pools.map((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      const capacity = pool.installed + held.poolAdded[g]!;
      return {
        gpuTypeCode: gpus[pool.gpuIndex]!.code,
        installed: pool.installed,
        gpusBusy: round(held.poolMeanBusy[g]!),
        peakGpusBusy: round(held.poolPeakBusy[g]!),
        gpusAdded: round(held.poolAdded[g]!),
        utilization: capacity > 0 ? round(held.poolPeakBusy[g]! / capacity) : 0,
      };
    });
    const cost = ledger.siteCostPerHour[s]!;
    const servedMillionTokensPerHour = servedKtok * MILLION_TOKENS_PER_KTOK_HOUR;
    const models = siteModelPlans(solution, flows, work, held, s);
    return {
      siteCode: site.code,
      servedTokensPerSecond: round(servedKtok * TOKENS_PER_KTOK),
      loadByClass: loadByClass(solution, flows, s, () => true),
      models,
      gpus: gpuRows,
      utilization: siteUtilization(gpuRows).peak,
      itPowerKw: round(itKw),
      facilityPowerKw: round(facilityKw),
      peakFacilityPowerKw: round(peakFacilityKw),
      powerCapKw: site.powerCapKw,
      powerUtilization: site.powerCapKw > 0 ? round(peakFacilityKw / site.powerCapKw) : 0,
      costPerHour: round(cost),
      costPerMillionTokens: servedMillionTokensPerHour > 0 ? round(cost / servedMillionTokensPerHour) : null,
      // its value, a re-solve, is the plan service's to fill (solve.ts)
      modelCap:
        site.maxModels === null
          ? null
          : {
              maxModels: site.maxModels,
              modelsHosted: models.length,
              binds: solution.layout.modelCapRowOf[s]! >= 0 && models.length >= site.maxModels,
              valuePerHour: null,
            },
    };
  });
}

/** A site's load by workload class (summed over models), in class order; `keep` picks the services counted. */
function loadByClass(solution: Solution, flows: RouteFlows, s: number, keep: (k: number) => boolean): ClassLoad[] {
  const { classes } = solution.prepared;
  const K = classes.length;
  const rows: ClassLoad[] = [];
  const ktokByCode = new Map<string, number>();
  for (let k = 0; k < K; k++) {
    if (!keep(k)) continue;
    const code = classes[k]!.code;
    ktokByCode.set(code, (ktokByCode.get(code) ?? 0) + flows.siteLoadKtok[s * K + k]!);
  }
  for (const [code, ktok] of ktokByCode) {
    const tokensPerSecond = round(ktok * TOKENS_PER_KTOK);
    if (tokensPerSecond > 0) rows.push({ workloadClassCode: code, tokensPerSecond });
  }
  return rows;
}

/** Held GPUs of model m on global pool g: mean and peak over the periods. */
export function modelGpusOnPool(
  solution: Solution,
  held: GpusHeld,
  g: number,
  m: number,
): { mean: number; peak: number } {
  const { periods: T, periodWeight: w } = solution;
  const M = solution.prepared.models.length;
  let mean = 0;
  let peak = 0;
  for (let t = 0; t < T; t++) {
    const busy = held.modelBusy[(g * M + m) * T + t]!;
    mean += busy * w;
    peak = Math.max(peak, busy);
  }
  return { mean, peak };
}

/** The pool's capex split over its models by the GPUs they hold (mean over periods). */
export function modelShareOfPoolCapex(held: GpusHeld, g: number, meanHeld: number): number {
  const poolMean = held.poolMeanBusy[g]!;
  return poolMean > 0 ? (held.poolCapex[g]! * meanHeld) / poolMean : 0;
}

function siteModelPlans(solution: Solution, flows: RouteFlows, work: GpuWork, held: GpusHeld, s: number) {
  const { prepared, layout, options } = solution;
  const { sites, gpus, classes, models } = prepared;
  const K = classes.length;
  const M = models.length;
  const site = sites[s]!;
  const plans: SiteModelPlan[] = [];
  models.forEach((model, m) => {
    let servedKtok = 0;
    for (let k = 0; k < K; k++) if (classes[k]!.modelIndex === m) servedKtok += flows.siteLoadKtok[s * K + k]!;
    let cost = work.siteModelCostPerHour[s * M + m]!;
    const gpuRows = site.pools.flatMap((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      const { mean, peak } = modelGpusOnPool(solution, held, g, m);
      if (!(mean > 0) && !(peak > 0)) return [];
      cost += modelShareOfPoolCapex(held, g, mean);
      const gpusPerReplica = gpus[pool.gpuIndex]!.gpusPerReplicaByModel[m]!;
      return [
        {
          gpuTypeCode: gpus[pool.gpuIndex]!.code,
          gpusBusy: round(mean),
          peakGpusBusy: round(peak),
          gpusPerReplica,
          peakReplicas: options.integerGpus ? round(peak / gpusPerReplica) : null,
        },
      ];
    });
    if (!(servedKtok * TOKENS_PER_KTOK > 1e-9) && gpuRows.length === 0) return;
    plans.push({
      modelCode: model.code,
      servedTokensPerSecond: round(servedKtok * TOKENS_PER_KTOK),
      loadByClass: loadByClass(solution, flows, s, (k) => classes[k]!.modelIndex === m),
      gpus: gpuRows,
      costPerHour: round(cost),
    });
  });
  return plans;
}

export function regionPlans(solution: Solution, flows: RouteFlows, unservedKtokByDemandPeriod: Float64Array) {
  const { prepared, layout, periods: T, periodWeight: w } = solution;
  const { sites, regions, classes } = prepared;
  return regions.map((region, r): RegionPlan => {
    let demandKtok = 0;
    let servedKtok = 0;
    let unservedKtok = 0;
    let weighted = 0;
    let weightSum = 0;
    let worst = Number.NaN;
    const classPlans = region.demands.map((demand, d) => {
      const g = layout.demandOffset[r]! + d;
      let unservedMean = 0;
      for (let t = 0; t < T; t++) unservedMean += unservedKtokByDemandPeriod[g * T + t]! * w;
      demandKtok += demand.meanTokensPerSecond / TOKENS_PER_KTOK;
      servedKtok += flows.servedKtokByDemand[g]!;
      unservedKtok += unservedMean;
      weighted += flows.rttWeighted[g]!;
      weightSum += flows.rttWeight[g]!;
      const worstRtt = flows.worstRtt[g]!;
      if (!(worst >= worstRtt)) worst = Number.isNaN(worstRtt) ? worst : worstRtt;
      return {
        modelCode: classes[demand.classIndex]!.modelCode,
        workloadClassCode: classes[demand.classIndex]!.code,
        demandTokensPerSecond: round(demand.meanTokensPerSecond),
        servedTokensPerSecond: round(flows.servedKtokByDemand[g]! * TOKENS_PER_KTOK),
        unservedTokensPerSecond: round(unservedMean * TOKENS_PER_KTOK),
        rttBudgetMs: demand.rttBudgetMs,
        weightedRttMs: flows.rttWeight[g]! > 0 ? round(flows.rttWeighted[g]! / flows.rttWeight[g]!) : null,
        worstRttMs: Number.isNaN(worstRtt) ? null : worstRtt,
      };
    });
    const sources = sites
      .map((site, s) => {
        const ktok = flows.sourceKtok.get(r * sites.length + s) ?? 0;
        const rtt = prepared.rttMs[s * regions.length + r]!;
        return {
          siteCode: site.code,
          tokensPerSecond: round(ktok * TOKENS_PER_KTOK),
          share: servedKtok > 0 ? round(ktok / servedKtok) : 0,
          rttMs: Number.isNaN(rtt) ? null : rtt,
        };
      })
      .filter((source) => source.tokensPerSecond > 0)
      .sort((a, b) => b.tokensPerSecond - a.tokensPerSecond || (a.siteCode < b.siteCode ? -1 : 1));
    return {
      regionCode: region.code,
      demandTokensPerSecond: round(demandKtok * TOKENS_PER_KTOK),
      servedTokensPerSecond: round(servedKtok * TOKENS_PER_KTOK),
      unservedTokensPerSecond: round(unservedKtok * TOKENS_PER_KTOK),
      classes: classPlans,
      models: regionModelPlans(solution, classPlans),
      sources,
      weightedRttMs: weightSum > 0 ? round(weighted / weightSum) : null,
      worstRttMs: Number.isNaN(worst) ? null : worst,
    };
  });
}

export function planTotals(
  solution: Solution,
  regions: readonly RegionPlan[],
  unservedKtokByDemandPeriod: Float64Array,
  work: GpuWork,
  held: GpusHeld,
  ledger: CostLedger,
): PlanTotals {
  const { periods: T, periodWeight: w, totalPools } = solution;
  const siteCount = solution.prepared.sites.length;
  let demandKtok = 0;
  let servedKtok = 0;
  for (const region of regions) {
    demandKtok += region.demandTokensPerSecond / TOKENS_PER_KTOK;
    servedKtok += region.servedTokensPerSecond / TOKENS_PER_KTOK;
  }
  let unservedKtok = 0;
  for (let i = 0; i < unservedKtokByDemandPeriod.length; i++) unservedKtok += unservedKtokByDemandPeriod[i]! * w;
  let itKw = 0;
  let facilityKw = 0;
  let peakFacilityKw = 0;
  for (let t = 0; t < T; t++) {
    let facilityAtT = 0;
    for (let s = 0; s < siteCount; s++) {
      itKw += work.siteItKwByPeriod[s * T + t]! * w;
      facilityAtT += work.siteFacilityKwByPeriod[s * T + t]!;
    }
    facilityKw += facilityAtT * w;
    peakFacilityKw = Math.max(peakFacilityKw, facilityAtT);
  }
  let gpusBusy = 0;
  let gpusAdded = 0;
  for (let g = 0; g < totalPools; g++) {
    gpusBusy += held.poolMeanBusy[g]!;
    gpusAdded += held.poolAdded[g]!;
  }
  const { energyPerHour, capexPerHour, egressPerHour, carbonPerHour, carbonKgPerHour } = ledger;
  const spent = energyPerHour + capexPerHour + egressPerHour + carbonPerHour;
  const servedMillionTokensPerHour = servedKtok * MILLION_TOKENS_PER_KTOK_HOUR;
  return {
    costPerHour: {
      total: round(spent),
      energy: round(energyPerHour),
      capex: round(capexPerHour),
      egress: round(egressPerHour),
      carbon: round(carbonPerHour),
    },
    costPerMillionTokens: servedMillionTokensPerHour > 0 ? round(spent / servedMillionTokensPerHour) : null,
    tokensPerJoule: facilityKw > 0 ? round((servedKtok * TOKENS_PER_KTOK) / (facilityKw * 1000)) : null,
    itPowerKw: round(itKw),
    facilityPowerKw: round(facilityKw),
    peakFacilityPowerKw: round(peakFacilityKw),
    carbonKgPerHour: round(carbonKgPerHour),
    carbonKgPerMillionTokens:
      servedMillionTokensPerHour > 0 ? round(carbonKgPerHour / servedMillionTokensPerHour) : null,
    demandTokensPerSecond: round(demandKtok * TOKENS_PER_KTOK),
    servedTokensPerSecond: round(servedKtok * TOKENS_PER_KTOK),
    unservedTokensPerSecond: round(unservedKtok * TOKENS_PER_KTOK),
    unservedPenaltyPerHour: round(ledger.penaltyPerHour),
    gpusBusy: round(gpusBusy),
    gpusAdded: round(gpusAdded),
  };
}

/** A region's demand by model, summed from its (model, class) rows, in model order. */
function regionModelPlans(solution: Solution, classPlans: readonly RegionPlan['classes'][number][]): RegionModelPlan[] {
  return solution.prepared.models.flatMap((model) => {
    const rows = classPlans.filter((row) => row.modelCode === model.code);
    if (rows.length === 0) return [];
    const sum = (field: 'demandTokensPerSecond' | 'servedTokensPerSecond' | 'unservedTokensPerSecond') =>
      round(rows.reduce((total, row) => total + row[field], 0));
    return [
      {
        modelCode: model.code,
        demandTokensPerSecond: sum('demandTokensPerSecond'),
        servedTokensPerSecond: sum('servedTokensPerSecond'),
        unservedTokensPerSecond: sum('unservedTokensPerSecond'),
      },
    ];
  });
}
