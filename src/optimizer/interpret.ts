// Plan interpreter: solver values → the planner's plan. Everything reported
// (costs, power, utilization, what binds, why demand is unserved) is
// recomputed here from the primal values and the input, not read from solver
// internals, so it means the same whichever solver ran. Only shadow prices
// come from the solver (HiGHS duals).
import { crossesBorder, MILLION_TOKENS_PER_KTOK_HOUR, TOKENS_PER_KTOK, type CompiledModel } from './compile.js';
import { rowActivities } from './lp-model.js';
import type { PreparedInput } from './prepare.js';
import { shadowPriceBasis } from './shadow-basis.js';
import type {
  AllocationRow,
  BindingConstraint,
  CandidateSite,
  GpuAllocationRow,
  PlanOptions,
  PlanTotals,
  RegionPlan,
  ShadowPrices,
  SiteLimit,
  SitePlan,
  UnservedDemand,
  UnservedReason,
} from './types.js';

/** flows below this (ktok/s, i.e. 1e-4 tokens/s) are solver noise */
const FLOW_EPSILON_KTOK = 1e-7;
const tight = (value: number, limit: number): boolean => value >= limit - 1e-6 * Math.max(1, Math.abs(limit));
/** 12 significant digits: drops solver noise in the JSON, keeps every real figure */
const round = (value: number): number => Number(value.toPrecision(12));
const cleanDual = (value: number): number => (Math.abs(value) < 1e-9 ? 0 : round(value));
/** code order, the same in every locale (codes are ASCII) */
const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface InterpretedPlan {
  totals: PlanTotals;
  sites: SitePlan[];
  regions: RegionPlan[];
  allocations: AllocationRow[];
  gpuAllocations: GpuAllocationRow[];
  shadowPrices: ShadowPrices | null;
  unserved: UnservedDemand[];
  bindingConstraints: BindingConstraint[];
}

export function interpretSolution(
  prepared: PreparedInput,
  compiled: CompiledModel,
  options: PlanOptions,
  columnValues: Float64Array,
  rowDuals: Float64Array | null,
): InterpretedPlan {
  const { lp, layout } = compiled;
  const { sites, regions, gpus, classes } = prepared;
  const T = layout.periods;
  const K = classes.length;
  const w = layout.periodWeight;
  const x = columnValues;
  const activity = rowActivities(lp, x);
  const integer = options.integerGpus;
  const amortized = options.capexMode === 'AMORTIZED';
  const totalPools = layout.poolOffset[sites.length]!;
  const totalDemands = layout.demandOffset[regions.length]!;
  const regionOfDemand = new Int32Array(totalDemands);
  for (let r = 0; r < regions.length; r++) {
    for (let g = layout.demandOffset[r]!; g < layout.demandOffset[r + 1]!; g++) regionOfDemand[g] = r;
  }
  const demandAt = (g: number): { r: number; d: number } => {
    const r = regionOfDemand[g]!;
    return { r, d: g - layout.demandOffset[r]! };
  };

  let energyPerHour = 0;
  let capexPerHour = 0;
  let egressPerHour = 0;
  let carbonPerHour = 0;
  let penaltyPerHour = 0;
  let carbonKgPerHour = 0;

  // Per-site accumulators (means over periods unless named otherwise).
  const siteLoadKtok = new Float64Array(sites.length * K);
  const siteCost = new Float64Array(sites.length);
  const siteItKwByPeriod = new Float64Array(sites.length * T);
  const siteFacilityKwByPeriod = new Float64Array(sites.length * T);
  const poolOccupancy = new Float64Array(totalPools * T);

  // Routes.
  const allocations: AllocationRow[] = [];
  const servedKtokByDemand = new Float64Array(totalDemands);
  const sourceKtok = new Map<number, number>(); // key region * sites + site → mean ktok/s
  const rttWeighted = new Float64Array(totalDemands);
  const rttWeight = new Float64Array(totalDemands);
  const worstRtt = new Float64Array(totalDemands).fill(Number.NaN);
  const egressPerKtokHour = options.egressPricePerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * w;
  // A group's flow is split over its member demands in proportion to their demand.
  const memberShare = (groupIndex: number, member: number, t: number): number => {
    const group = layout.groups[groupIndex]!;
    if (group.members.length === 1) return 1;
    const { r, d } = demandAt(member);
    const total = group.demandKtokByPeriod[t]!;
    return total > 0 ? regions[r]!.demands[d]!.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK / total : 0;
  };
  for (let j = layout.routes.start; j < layout.routes.end; j++) {
    const groupValue = x[j]!;
    if (!(groupValue > FLOW_EPSILON_KTOK)) continue;
    const s = layout.columnA[j]!;
    const groupIndex = layout.columnB[j]!;
    const t = layout.columnPeriod[j]!;
    for (const g of layout.groups[groupIndex]!.members) {
      const value = groupValue * memberShare(groupIndex, g, t);
      if (!(value > FLOW_EPSILON_KTOK)) continue;
      const { r, d } = demandAt(g);
      const region = regions[r]!;
      const demand = region.demands[d]!;
      allocations.push({
        siteCode: sites[s]!.code,
        regionCode: region.code,
        workloadClassCode: classes[demand.classIndex]!.code,
        period: t,
        tokensPerSecond: round(value * TOKENS_PER_KTOK),
      });
      servedKtokByDemand[g]! += value * w;
      siteLoadKtok[s * K + demand.classIndex]! += value * w;
      const key = r * sites.length + s;
      sourceKtok.set(key, (sourceKtok.get(key) ?? 0) + value * w);
      if (crossesBorder(sites[s]!.country, region.country)) {
        egressPerHour += value * egressPerKtokHour;
        siteCost[s]! += value * egressPerKtokHour;
      }
      const rtt = prepared.rttMs[s * regions.length + r]!;
      if (!Number.isNaN(rtt)) {
        rttWeighted[g]! += rtt * value * w;
        rttWeight[g]! += value * w;
        if (!(worstRtt[g]! >= rtt)) worstRtt[g] = rtt;
      }
    }
  }

  // Unserved.
  const unservedKtokByDemandPeriod = new Float64Array(totalDemands * T);
  const penaltyPerKtokHour = options.unservedPenaltyPerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * w;
  for (let j = layout.unserved.start; j < layout.unserved.end; j++) {
    const value = Math.max(0, x[j]!);
    const groupIndex = layout.columnA[j]!;
    const t = layout.columnPeriod[j]!;
    for (const g of layout.groups[groupIndex]!.members) {
      unservedKtokByDemandPeriod[g * T + t] = value * memberShare(groupIndex, g, t);
    }
    penaltyPerHour += value * penaltyPerKtokHour;
  }

  // GPU work.
  const gpuAllocations: GpuAllocationRow[] = [];
  for (let j = layout.serve.start; j < layout.serve.end; j++) {
    const value = x[j]!;
    if (!(value > FLOW_EPSILON_KTOK)) continue;
    const s = layout.columnA[j]!;
    const p = layout.columnB[j]!;
    const k = layout.columnC[j]!;
    const t = layout.columnPeriod[j]!;
    const site = sites[s]!;
    const pool = site.pools[p]!;
    const gpu = gpus[pool.gpuIndex]!;
    const gpusAtFullSpeed = (value * TOKENS_PER_KTOK) / gpu.tokensPerSecondByClass[k]!;
    const gpusBusy = gpusAtFullSpeed / options.targetUtilization;
    const itKw = gpusAtFullSpeed * gpu.powerKw;
    const facilityKw = itKw * site.pue;
    const energy = w * facilityKw * site.pricePerKwhByPeriod[t]!;
    const carbonKg = w * facilityKw * site.carbonGramsPerKwh * 1e-3;
    const carbon = (carbonKg / 1000) * options.carbonPricePerTonne;
    const capex = amortized && !integer ? w * gpusBusy * gpu.capexPerHour : 0;
    energyPerHour += energy;
    carbonPerHour += carbon;
    capexPerHour += capex;
    carbonKgPerHour += carbonKg;
    siteCost[s]! += energy + carbon + capex;
    siteItKwByPeriod[s * T + t]! += itKw;
    siteFacilityKwByPeriod[s * T + t]! += facilityKw;
    poolOccupancy[(layout.poolOffset[s]! + p) * T + t]! += gpusBusy;
    gpuAllocations.push({
      siteCode: site.code,
      gpuTypeCode: gpu.code,
      workloadClassCode: classes[k]!.code,
      period: t,
      tokensPerSecond: round(value * TOKENS_PER_KTOK),
      gpusBusy: round(gpusBusy),
    });
  }

  // GPUs held per pool and period: the occupancy itself for LPs; whole GPUs in
  // integer mode (the solver's count when it carries capex, else the least
  // whole number that covers the occupancy).
  const poolBusy = new Float64Array(totalPools * T);
  for (let g = 0; g < totalPools; g++) {
    for (let t = 0; t < T; t++) {
      const occupancy = poolOccupancy[g * T + t]!;
      const busyColumn = layout.busyColumnOf[g * T + t]!;
      poolBusy[g * T + t] = !integer
        ? occupancy
        : amortized && busyColumn >= 0
          ? Math.round(x[busyColumn]!)
          : Math.max(0, Math.ceil(occupancy - 1e-6));
    }
  }
  const poolAdded = new Float64Array(totalPools);
  const poolPeakBusy = new Float64Array(totalPools);
  const poolMeanBusy = new Float64Array(totalPools);
  for (let s = 0; s < sites.length; s++) {
    sites[s]!.pools.forEach((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      const capex = gpus[pool.gpuIndex]!.capexPerHour;
      let peak = 0;
      let mean = 0;
      for (let t = 0; t < T; t++) {
        peak = Math.max(peak, poolBusy[g * T + t]!);
        mean += poolBusy[g * T + t]! * w;
      }
      poolPeakBusy[g] = peak;
      poolMeanBusy[g] = mean;
      const added = Math.min(pool.buyable, Math.max(0, peak - pool.installed));
      poolAdded[g] = integer ? Math.ceil(added - 1e-6) : added;
      if (integer && amortized) {
        capexPerHour += mean * capex;
        siteCost[s]! += mean * capex;
      }
      if (!amortized) {
        capexPerHour += poolAdded[g]! * capex;
        siteCost[s]! += poolAdded[g]! * capex;
      }
    });
  }

  // Site rows.
  const sitePlans: SitePlan[] = sites.map((site, s) => {
    let servedKtok = 0;
    for (let k = 0; k < K; k++) servedKtok += siteLoadKtok[s * K + k]!;
    let itKw = 0;
    let facilityKw = 0;
    let peakFacilityKw = 0;
    let peakBusyAll = 0;
    for (let t = 0; t < T; t++) {
      itKw += siteItKwByPeriod[s * T + t]! * w;
      facilityKw += siteFacilityKwByPeriod[s * T + t]! * w;
      peakFacilityKw = Math.max(peakFacilityKw, siteFacilityKwByPeriod[s * T + t]!);
      let busyAll = 0;
      for (let p = 0; p < site.pools.length; p++) busyAll += poolBusy[(layout.poolOffset[s]! + p) * T + t]!;
      peakBusyAll = Math.max(peakBusyAll, busyAll);
    }
    let available = 0;
    const gpuRows = site.pools.map((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      const capacity = pool.installed + poolAdded[g]!;
      available += capacity;
      return {
        gpuTypeCode: gpus[pool.gpuIndex]!.code,
        installed: pool.installed,
        gpusBusy: round(poolMeanBusy[g]!),
        peakGpusBusy: round(poolPeakBusy[g]!),
        gpusAdded: round(poolAdded[g]!),
        utilization: capacity > 0 ? round(poolPeakBusy[g]! / capacity) : 0,
      };
    });
    const servedMillionTokensPerHour = servedKtok * MILLION_TOKENS_PER_KTOK_HOUR;
    return {
      siteCode: site.code,
      servedTokensPerSecond: round(servedKtok * TOKENS_PER_KTOK),
      loadByClass: classes
        .map((c, k) => ({
          workloadClassCode: c.code,
          tokensPerSecond: round(siteLoadKtok[s * K + k]! * TOKENS_PER_KTOK),
        }))
        .filter((row) => row.tokensPerSecond > 0),
      gpus: gpuRows,
      utilization: available > 0 ? round(peakBusyAll / available) : 0,
      itPowerKw: round(itKw),
      facilityPowerKw: round(facilityKw),
      peakFacilityPowerKw: round(peakFacilityKw),
      powerCapKw: site.powerCapKw,
      powerUtilization: site.powerCapKw > 0 ? round(peakFacilityKw / site.powerCapKw) : 0,
      costPerHour: round(siteCost[s]!),
      costPerMillionTokens: servedMillionTokensPerHour > 0 ? round(siteCost[s]! / servedMillionTokensPerHour) : null,
    };
  });

  // Region rows.
  const regionPlans: RegionPlan[] = regions.map((region, r) => {
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
      servedKtok += servedKtokByDemand[g]!;
      unservedKtok += unservedMean;
      weighted += rttWeighted[g]!;
      weightSum += rttWeight[g]!;
      if (!(worst >= worstRtt[g]!)) worst = Number.isNaN(worstRtt[g]!) ? worst : worstRtt[g]!;
      return {
        workloadClassCode: classes[demand.classIndex]!.code,
        demandTokensPerSecond: round(demand.meanTokensPerSecond),
        servedTokensPerSecond: round(servedKtokByDemand[g]! * TOKENS_PER_KTOK),
        unservedTokensPerSecond: round(unservedMean * TOKENS_PER_KTOK),
        rttBudgetMs: demand.rttBudgetMs,
        weightedRttMs: rttWeight[g]! > 0 ? round(rttWeighted[g]! / rttWeight[g]!) : null,
        worstRttMs: Number.isNaN(worstRtt[g]!) ? null : worstRtt[g]!,
      };
    });
    const sources = sites
      .map((site, s) => {
        const ktok = sourceKtok.get(r * sites.length + s) ?? 0;
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
      sources,
      weightedRttMs: weightSum > 0 ? round(weighted / weightSum) : null,
      worstRttMs: Number.isNaN(worst) ? null : worst,
    };
  });

  // Shadow prices (LP duals; the objective is in $/h with flows in ktok/s).
  let shadowPrices: ShadowPrices | null = null;
  const gpuValue = new Float64Array(totalPools);
  const powerValue = new Float64Array(sites.length);
  if (rowDuals) {
    const basisOf = shadowPriceBasis(prepared, compiled, options, rowDuals, unservedKtokByDemandPeriod);
    const gpuPrices: ShadowPrices['gpus'] = [];
    const powerPrices: ShadowPrices['power'] = [];
    const demandPrices: ShadowPrices['demand'] = [];
    for (let s = 0; s < sites.length; s++) {
      sites[s]!.pools.forEach((pool, p) => {
        const g = layout.poolOffset[s]! + p;
        let value = 0;
        for (let t = 0; t < T; t++) {
          const row = layout.gpuRowOf[g * T + t]!;
          if (row >= 0) value -= rowDuals[row]!;
        }
        gpuValue[g] = cleanDual(value);
        // a GPU worth nothing more is not a shadow price worth listing
        if (gpuValue[g] === 0) return;
        const { basis, servesUnservedKtok } = basisOf.pool(s, p);
        gpuPrices.push({
          siteCode: sites[s]!.code,
          gpuTypeCode: gpus[pool.gpuIndex]!.code,
          valuePerGpuPerHour: gpuValue[g]!,
          basis,
          servesUnservedTokensPerSecond: round(servesUnservedKtok * TOKENS_PER_KTOK),
        });
      });
      let value = 0;
      for (let t = 0; t < T; t++) {
        const row = layout.powerRowOf[s * T + t]!;
        if (row >= 0) value -= rowDuals[row]!;
      }
      powerValue[s] = cleanDual(value);
      if (powerValue[s] === 0) continue;
      const { basis, servesUnservedKtok } = basisOf.power(s);
      powerPrices.push({
        siteCode: sites[s]!.code,
        valuePerKwPerHour: powerValue[s]!,
        basis,
        servesUnservedTokensPerSecond: round(servesUnservedKtok * TOKENS_PER_KTOK),
      });
    }
    regions.forEach((region, r) => {
      region.demands.forEach((demand, d) => {
        const groupIndex = layout.groupOfDemand[layout.demandOffset[r]! + d]!;
        // One more token/s of this demand follows its hourly profile: period t
        // gets profile[t] of it (mean 1), so its marginal cost is the
        // profile-weighted sum of the hourly duals.
        const mean = demand.meanTokensPerSecond;
        let value = 0;
        for (let t = 0; t < T; t++) {
          const row = layout.demandRowOf[groupIndex * T + t]!;
          if (row < 0) continue;
          const profile = mean > 0 ? demand.tokensPerSecondByPeriod[t]! / mean : 1;
          value += profile * rowDuals[row]!;
        }
        demandPrices.push({
          regionCode: region.code,
          workloadClassCode: classes[demand.classIndex]!.code,
          marginalCostPerMillionTokens: cleanDual(value / MILLION_TOKENS_PER_KTOK_HOUR),
          basis: basisOf.demand(groupIndex),
        });
      });
    });
    shadowPrices = {
      gpus: gpuPrices,
      power: powerPrices,
      demand: demandPrices,
      carbonCapValuePerTonne: layout.carbonRow >= 0 ? cleanDual(-rowDuals[layout.carbonRow]!) : null,
    };
  }

  // What binds: a pool with no GPU left to hold or buy, a site at its power
  // cap, a route at the site-share limit, the carbon cap.
  const poolFull = (g: number, t: number, s: number, p: number): boolean => {
    const pool = sites[s]!.pools[p]!;
    return layout.gpuRowOf[g * T + t]! >= 0 && tight(poolBusy[g * T + t]!, pool.installed + pool.buyable);
  };
  const powerFull = (s: number, t: number): boolean =>
    layout.powerRowOf[s * T + t]! >= 0 && tight(activity[layout.powerRowOf[s * T + t]!]!, sites[s]!.powerCapKw);
  const bindingConstraints: BindingConstraint[] = [];
  const hasDuals = rowDuals !== null;
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s]!;
    site.pools.forEach((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      const periods: number[] = [];
      for (let t = 0; t < T; t++) if (poolFull(g, t, s, p)) periods.push(t);
      if (periods.length === 0) return;
      const gpuCode = gpus[pool.gpuIndex]!.code;
      const capacity = pool.installed + pool.buyable;
      bindingConstraints.push({
        kind: 'GPU_CAPACITY',
        siteCode: site.code,
        gpuTypeCode: gpuCode,
        regionCode: null,
        workloadClassCode: null,
        periods,
        shadowPrice: hasDuals ? gpuValue[g]! : null,
        description: `all ${capacity} ${gpuCode} GPUs at ${site.code} are in use${pool.buyable > 0 ? ' (including every GPU it may buy)' : ''}`,
      });
    });
    const periods: number[] = [];
    for (let t = 0; t < T; t++) if (powerFull(s, t)) periods.push(t);
    if (periods.length > 0) {
      bindingConstraints.push({
        kind: 'POWER',
        siteCode: site.code,
        gpuTypeCode: null,
        regionCode: null,
        workloadClassCode: null,
        periods,
        shadowPrice: hasDuals ? powerValue[s]! : null,
        description: `${site.code} draws its full power cap of ${site.powerCapKw} kW`,
      });
    }
  }
  const routeAtShare = (j: number): boolean =>
    Number.isFinite(lp.columnUpper[j]!) && lp.columnUpper[j]! > 0 && tight(x[j]!, lp.columnUpper[j]!);
  if (options.maxSiteShare !== null) {
    const shareBinding = new Map<string, BindingConstraint>();
    for (let j = layout.routes.start; j < layout.routes.end; j++) {
      if (!routeAtShare(j)) continue;
      const s = layout.columnA[j]!;
      // Under maxSiteShare every group holds one demand.
      const { r, d } = demandAt(layout.groups[layout.columnB[j]!]!.members[0]!);
      const key = `${s}:${r}:${d}`;
      let entry = shareBinding.get(key);
      if (!entry) {
        const classCode = classes[regions[r]!.demands[d]!.classIndex]!.code;
        entry = {
          kind: 'SITE_SHARE',
          siteCode: sites[s]!.code,
          gpuTypeCode: null,
          regionCode: regions[r]!.code,
          workloadClassCode: classCode,
          periods: [],
          shadowPrice: null,
          description: `${sites[s]!.code} takes the most it may (${options.maxSiteShare * 100}%) of ${regions[r]!.code} ${classCode} demand`,
        };
        shareBinding.set(key, entry);
        bindingConstraints.push(entry);
      }
      entry.periods.push(layout.columnPeriod[j]!);
    }
  }
  const carbonBinding =
    layout.carbonRow >= 0 &&
    options.carbonCapTonnesPerHour !== null &&
    tight(activity[layout.carbonRow]!, options.carbonCapTonnesPerHour);
  if (carbonBinding) {
    bindingConstraints.push({
      kind: 'CARBON_CAP',
      siteCode: null,
      gpuTypeCode: null,
      regionCode: null,
      workloadClassCode: null,
      periods: [],
      shadowPrice: shadowPrices?.carbonCapValuePerTonne ?? null,
      description: `emissions are at the cap of ${options.carbonCapTonnesPerHour} t/h`,
    });
  }
  bindingConstraints.sort(
    (a, b) =>
      (b.shadowPrice ?? -1) - (a.shadowPrice ?? -1) ||
      a.kind.localeCompare(b.kind) ||
      String(a.siteCode).localeCompare(String(b.siteCode)) ||
      String(a.gpuTypeCode).localeCompare(String(b.gpuTypeCode)) ||
      String(a.regionCode).localeCompare(String(b.regionCode)) ||
      String(a.workloadClassCode).localeCompare(String(b.workloadClassCode)),
  );

  // Unserved demand and why.
  const unserved: UnservedDemand[] = [];
  regions.forEach((region, r) => {
    region.demands.forEach((demand, d) => {
      const g = layout.demandOffset[r]! + d;
      const k = demand.classIndex;
      const periods: number[] = [];
      let mean = 0;
      let worstPeriod = -1;
      let worstValue = 0;
      for (let t = 0; t < T; t++) {
        const value = unservedKtokByDemandPeriod[g * T + t]!;
        const demandKtok = demand.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK;
        if (value > 1e-6 * Math.max(1, demandKtok)) {
          periods.push(t);
          mean += value * w;
          if (value > worstValue) {
            worstValue = value;
            worstPeriod = t;
          }
        }
      }
      if (periods.length === 0) return;
      const candidateInfo = layout.candidates[g]!;
      const candidateSites: CandidateSite[] = candidateInfo.sites.map((s, index) => {
        const limitAt = (t: number): SiteLimit | null => {
          // A physical limit (power, GPUs) is named before the site share:
          // SITE_SHARE means the site took its share while it still had room.
          if (powerFull(s, t)) return 'POWER';
          const pools = sites[s]!.pools;
          let anyPool = false;
          let allFull = true;
          pools.forEach((pool, p) => {
            if (!(gpus[pool.gpuIndex]!.tokensPerSecondByClass[k]! > 0)) return;
            anyPool = true;
            if (!poolFull(layout.poolOffset[s]! + p, t, s, p)) allFull = false;
          });
          if (anyPool && allFull) return 'CAPACITY';
          const routeStart = layout.routeStartOf[layout.groupOfDemand[g]! * T + t]!;
          return routeStart >= 0 && routeAtShare(routeStart + index) ? 'SITE_SHARE' : null;
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
      let reason: UnservedReason;
      if (candidateSites.length === 0) {
        reason =
          candidateInfo.withinLatency > 0 && candidateInfo.residencyBlocked > 0
            ? 'RESIDENCY'
            : 'NO_SITE_WITHIN_LATENCY';
      } else if (candidateSites.every((c) => c.limitedBy !== null)) {
        const power = candidateSites.filter((c) => c.limitedBy === 'POWER').length;
        const share = candidateSites.filter((c) => c.limitedBy === 'SITE_SHARE').length;
        reason =
          power * 2 > candidateSites.length ? 'POWER' : share * 2 > candidateSites.length ? 'SITE_SHARE' : 'CAPACITY';
      } else {
        reason = carbonBinding ? 'CARBON_CAP' : 'COST';
      }
      const classCode = classes[k]!.code;
      const budget = demand.rttBudgetMs === null ? 'any distance' : `${demand.rttBudgetMs} ms`;
      const explanation = {
        NO_SITE_WITHIN_LATENCY: `no site that runs ${classCode} is within ${budget} of ${region.code}`,
        RESIDENCY: `the ${candidateInfo.residencyBlocked} site(s) within ${budget} of ${region.code} are in countries its residency rules exclude`,
        CAPACITY: `every site that may serve ${region.code} ${classCode} is full (GPUs${options.maxSiteShare !== null ? ' or site share' : ''})`,
        SITE_SHARE: `the sites that may serve ${region.code} ${classCode} took the most they may (${(options.maxSiteShare ?? 1) * 100}% each) while they still had GPUs and power`,
        POWER: `the sites that may serve ${region.code} ${classCode} are mostly at their power caps`,
        CARBON_CAP: `sites had room but the carbon cap of ${options.carbonCapTonnesPerHour} t/h did not`,
        COST: `serving it would cost more than the unserved penalty of $${options.unservedPenaltyPerMillionTokens} per million tokens`,
      }[reason];
      unserved.push({
        regionCode: region.code,
        workloadClassCode: classCode,
        unservedTokensPerSecond: round(mean * TOKENS_PER_KTOK),
        demandTokensPerSecond: round(demand.meanTokensPerSecond),
        periods,
        reason,
        candidateSites,
        explanation,
      });
    });
  });
  unserved.sort(
    (a, b) => b.unservedTokensPerSecond - a.unservedTokensPerSecond || (a.regionCode < b.regionCode ? -1 : 1),
  );

  // Totals.
  let demandKtok = 0;
  let servedKtok = 0;
  for (const region of regionPlans) {
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
    for (let s = 0; s < sites.length; s++) {
      itKw += siteItKwByPeriod[s * T + t]! * w;
      facilityAtT += siteFacilityKwByPeriod[s * T + t]!;
    }
    facilityKw += facilityAtT * w;
    peakFacilityKw = Math.max(peakFacilityKw, facilityAtT);
  }
  let gpusBusy = 0;
  let gpusAdded = 0;
  for (let g = 0; g < totalPools; g++) {
    gpusBusy += poolMeanBusy[g]!;
    gpusAdded += poolAdded[g]!;
  }
  const spent = energyPerHour + capexPerHour + egressPerHour + carbonPerHour;
  const servedMillionTokensPerHour = servedKtok * MILLION_TOKENS_PER_KTOK_HOUR;
  const totals: PlanTotals = {
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
    unservedPenaltyPerHour: round(penaltyPerHour),
    gpusBusy: round(gpusBusy),
    gpusAdded: round(gpusAdded),
  };

  // documented order: by codes, not by the internal indices the model uses
  allocations.sort(
    (a, b) =>
      byCode(a.siteCode, b.siteCode) ||
      byCode(a.regionCode, b.regionCode) ||
      byCode(a.workloadClassCode, b.workloadClassCode) ||
      a.period - b.period,
  );
  gpuAllocations.sort(
    (a, b) =>
      byCode(a.siteCode, b.siteCode) ||
      byCode(a.gpuTypeCode, b.gpuTypeCode) ||
      byCode(a.workloadClassCode, b.workloadClassCode) ||
      a.period - b.period,
  );

  return {
    totals,
    sites: sitePlans,
    regions: regionPlans,
    allocations,
    gpuAllocations,
    shadowPrices,
    unserved,
    bindingConstraints,
  };
}
