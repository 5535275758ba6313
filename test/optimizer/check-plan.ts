// Recomputes a plan's claims from its allocation and GPU rows and the input
// alone (never from solver internals): demand, latency, residency, site
// balance, GPU capacity, power, the objective, and the unserved reasons.
import { expect } from 'vitest';
import { localHour } from '../../src/optimizer/prepare.js';
import {
  DEFAULT_MODEL_CODE,
  type PlanningInput,
  type PlanOptions,
  type PlanResult,
} from '../../src/optimizer/types.js';

const modelOf = (code: string | undefined): string => code ?? DEFAULT_MODEL_CODE;

const close = (actual: number, expected: number, relative = 1e-6, absolute = 1e-6): boolean =>
  Math.abs(actual - expected) <= Math.max(absolute, relative * Math.max(Math.abs(actual), Math.abs(expected)));

function key(...parts: (string | number)[]): string {
  return parts.join('|');
}

function add(map: Map<string, number>, k: string, value: number): void {
  map.set(k, (map.get(k) ?? 0) + value);
}

export interface RecomputedCost {
  energy: number;
  capex: number;
  egress: number;
  carbon: number;
  penalty: number;
  total: number;
}

export function checkPlan(input: PlanningInput, options: PlanOptions, plan: PlanResult): RecomputedCost {
  expect(['optimal', 'time_limit']).toContain(plan.status);
  expect(plan.totals).not.toBeNull();
  const T = options.periods;
  const util = options.targetUtilization;
  const sites = new Map(input.sites.map((s) => [s.code, s]));
  const regions = new Map(input.regions.map((r) => [r.code, r]));
  const classes = new Map(input.workloadClasses.map((c) => [c.code, c]));
  const gpus = new Map(input.gpuTypes.map((g) => [g.code, g]));
  const throughput = (gpu: string, model: string, klass: string): number =>
    gpus.get(gpu)!.throughputs.find((t) => t.workloadClassCode === klass && modelOf(t.modelCode) === model)
      ?.tokensPerSecond ?? 0;
  const replicaSize = (gpu: string, model: string): number =>
    gpus.get(gpu)!.throughputs.find((t) => modelOf(t.modelCode) === model)?.gpusPerReplica ?? 1;
  const rtt = new Map(input.latencies.map((l) => [key(l.siteCode, l.regionCode), l.rttMs]));
  const demandRow = (regionCode: string, modelCode: string, classCode: string) =>
    regions
      .get(regionCode)!
      .demand.find((d) => d.workloadClassCode === classCode && modelOf(d.modelCode) === modelCode);
  const demandAt = (regionCode: string, modelCode: string, classCode: string, t: number): number => {
    const region = regions.get(regionCode)!;
    const row = demandRow(regionCode, modelCode, classCode);
    if (!row) return 0;
    const profile = classes.get(classCode)!.hourlyDemandProfile;
    return row.tokensPerSecond * (T === 1 || profile.length === 0 ? 1 : profile[localHour(t, region.utcOffsetHours)]!);
  };
  const budgetOf = (regionCode: string, modelCode: string, classCode: string): number | null => {
    const row = demandRow(regionCode, modelCode, classCode);
    return row?.rttBudgetMs ?? classes.get(classCode)!.rttBudgetMs;
  };
  const priceAt = (siteCode: string, t: number): number => {
    const site = sites.get(siteCode)!;
    return T === 1 || site.hourlyPricesPerKwh.length === 0
      ? site.pricePerKwh
      : site.hourlyPricesPerKwh[localHour(t, site.utcOffsetHours)]!;
  };
  const excluded = new Set(options.excludeSites);

  // Allocation rows: latency, residency, site status.
  const servedByDemandPeriod = new Map<string, number>();
  const routedBySiteClassPeriod = new Map<string, number>();
  // a site hosts at most maxModels different models (allocations above noise)
  const modelsAt = new Map<string, Set<string>>();
  for (const a of plan.allocations) {
    if (a.tokensPerSecond > 1e-3) modelsAt.set(a.siteCode, (modelsAt.get(a.siteCode) ?? new Set()).add(a.modelCode));
  }
  for (const [code, models] of modelsAt) {
    const cap = sites.get(code)!.maxModels;
    if (cap != null) expect(models.size, `models hosted at ${code}`).toBeLessThanOrEqual(cap);
  }
  let egress = 0;
  for (const a of plan.allocations) {
    const site = sites.get(a.siteCode)!;
    const region = regions.get(a.regionCode)!;
    expect(excluded.has(a.siteCode)).toBe(false);
    expect(site.status === 'ACTIVE' || (site.status === 'PLANNED' && options.allowExpansion)).toBe(true);
    const budget = budgetOf(a.regionCode, a.modelCode, a.workloadClassCode);
    const rule = input.models?.find((m) => m.code === a.modelCode);
    if (rule?.allowedCountries?.length) expect(rule.allowedCountries).toContain(site.country);
    if (rule?.allowedSites?.length) expect(rule.allowedSites).toContain(site.code);
    if (budget !== null) {
      const ms = rtt.get(key(a.siteCode, a.regionCode));
      expect(ms, `RTT ${a.siteCode}→${a.regionCode}`).toBeDefined();
      expect(ms!).toBeLessThanOrEqual(budget + 1e-9);
    }
    if (region.allowedCountries.length > 0) expect(region.allowedCountries).toContain(site.country);
    if (options.maxSiteShare !== null) {
      expect(a.tokensPerSecond).toBeLessThanOrEqual(
        options.maxSiteShare * demandAt(a.regionCode, a.modelCode, a.workloadClassCode, a.period) * (1 + 1e-6) + 1e-3,
      );
    }
    add(servedByDemandPeriod, key(a.regionCode, a.modelCode, a.workloadClassCode, a.period), a.tokensPerSecond);
    add(routedBySiteClassPeriod, key(a.siteCode, a.modelCode, a.workloadClassCode, a.period), a.tokensPerSecond);
    if (region.country === null || region.country !== site.country) {
      egress += (((a.tokensPerSecond * 3600) / 1e6) * options.egressPricePerMillionTokens) / T;
    }
  }

  // Demand: served never exceeds demand; served + unserved = demand on average.
  const unservedMean = new Map(
    plan.unserved.map((u) => [key(u.regionCode, u.modelCode, u.workloadClassCode), u.unservedTokensPerSecond]),
  );
  let penalty = 0;
  for (const region of input.regions) {
    for (const d of region.demand) {
      let servedMean = 0;
      let demandMean = 0;
      const m = modelOf(d.modelCode);
      for (let t = 0; t < T; t++) {
        const served = servedByDemandPeriod.get(key(region.code, m, d.workloadClassCode, t)) ?? 0;
        const demand = demandAt(region.code, m, d.workloadClassCode, t);
        expect(served).toBeLessThanOrEqual(demand * (1 + 1e-6) + 1e-3);
        servedMean += served / T;
        demandMean += demand / T;
      }
      const unserved = unservedMean.get(key(region.code, m, d.workloadClassCode)) ?? 0;
      expect(
        close(servedMean + unserved, demandMean, 1e-6, 1e-2),
        `${region.code} ${d.workloadClassCode}: ${servedMean} + ${unserved} vs ${demandMean}`,
      ).toBe(true);
      penalty += ((unserved * 3600) / 1e6) * options.unservedPenaltyPerMillionTokens;
    }
  }

  // GPU rows: balance with routes, capacity, power, energy, capex, carbon.
  const servedBySiteClassPeriod = new Map<string, number>();
  const occupancy = new Map<string, number>();
  const modelOccupancy = new Map<string, number>();
  const modelFacilityKw = new Map<string, number>();
  const modelEnergy = new Map<string, number>();
  const facilityKw = new Map<string, number>();
  let energy = 0;
  let carbonKg = 0;
  let capex = 0;
  for (const row of plan.gpuAllocations) {
    const site = sites.get(row.siteCode)!;
    const gpu = gpus.get(row.gpuTypeCode)!;
    const thr = throughput(row.gpuTypeCode, row.modelCode, row.workloadClassCode);
    expect(thr).toBeGreaterThan(0);
    expect(site.inventory.some((i) => i.gpuTypeCode === row.gpuTypeCode)).toBe(true);
    expect(close(row.gpusBusy, row.tokensPerSecond / (thr * util), 1e-6, 1e-6)).toBe(true);
    add(
      servedBySiteClassPeriod,
      key(row.siteCode, row.modelCode, row.workloadClassCode, row.period),
      row.tokensPerSecond,
    );
    add(occupancy, key(row.siteCode, row.gpuTypeCode, row.period), row.tokensPerSecond / (thr * util));
    add(
      modelOccupancy,
      key(row.siteCode, row.gpuTypeCode, row.modelCode, row.period),
      row.tokensPerSecond / (thr * util),
    );
    const kw = (row.tokensPerSecond / thr) * gpu.powerKw * site.pue;
    add(modelFacilityKw, row.modelCode, kw / T);
    add(modelEnergy, row.modelCode, (kw * priceAt(row.siteCode, row.period)) / T);
    add(facilityKw, key(row.siteCode, row.period), kw);
    energy += (kw * priceAt(row.siteCode, row.period)) / T;
    carbonKg += (kw * site.carbonGramsPerKwh) / 1000 / T;
    if (options.capexMode === 'AMORTIZED' && !options.integerGpus) capex += (row.gpusBusy * gpu.capexPerHour) / T;
  }
  for (const [k, routed] of routedBySiteClassPeriod) {
    expect(close(servedBySiteClassPeriod.get(k) ?? 0, routed, 1e-6, 1e-2), `balance ${k}`).toBe(true);
  }
  for (const [k, served] of servedBySiteClassPeriod) {
    expect(close(routedBySiteClassPeriod.get(k) ?? 0, served, 1e-6, 1e-2), `balance ${k}`).toBe(true);
  }

  const sitePlans = new Map(plan.sites.map((s) => [s.siteCode, s]));
  for (const [k, busy] of occupancy) {
    const [siteCode, gpuCode] = k.split('|') as [string, string];
    const site = sites.get(siteCode)!;
    const inventory = site.inventory.find((i) => i.gpuTypeCode === gpuCode)!;
    const gpuPlan = sitePlans.get(siteCode)!.gpus.find((g) => g.gpuTypeCode === gpuCode)!;
    const installed = site.status === 'PLANNED' ? 0 : inventory.installed;
    expect(gpuPlan.installed).toBe(installed);
    const limit =
      installed +
      (options.allowExpansion ? (site.status === 'PLANNED' ? inventory.installed : 0) + inventory.maxAdditional : 0);
    expect(gpuPlan.gpusAdded).toBeLessThanOrEqual(limit - installed + 1e-6);
    expect(busy, `GPUs ${k}`).toBeLessThanOrEqual((installed + gpuPlan.gpusAdded) * (1 + 1e-6) + 1e-6);
  }
  for (const [k, kw] of facilityKw) {
    const [siteCode] = k.split('|') as [string];
    expect(kw, `power ${k}`).toBeLessThanOrEqual(sites.get(siteCode)!.powerCapKw * (1 + 1e-6) + 1e-6);
  }
  for (const sitePlan of plan.sites) {
    for (const g of sitePlan.gpus) {
      const capexPerHour = gpus.get(g.gpuTypeCode)!.capexPerHour;
      if (options.capexMode === 'SUNK') capex += g.gpusAdded * capexPerHour;
      else if (options.integerGpus) capex += g.gpusBusy * capexPerHour;
      if (options.integerGpus) expect(Number.isInteger(g.gpusAdded)).toBe(true);
    }
  }

  checkModels(input, options, plan, { modelOccupancy, modelFacilityKw, modelEnergy, replicaSize });

  const carbon = (carbonKg / 1000) * options.carbonPricePerTonne;
  // money only: the unserved penalty is reported apart and never summed into the cost
  const total = energy + capex + egress + carbon;
  const reported = plan.totals!.costPerHour;
  expect(close(reported.energy, energy, 1e-6, 1e-6), `energy ${reported.energy} vs ${energy}`).toBe(true);
  expect(close(reported.capex, capex, 1e-6, 1e-6), `capex ${reported.capex} vs ${capex}`).toBe(true);
  expect(close(reported.egress, egress, 1e-6, 1e-6)).toBe(true);
  expect(close(reported.carbon, carbon, 1e-6, 1e-6)).toBe(true);
  const reportedPenalty = plan.totals!.unservedPenaltyPerHour;
  expect(close(reportedPenalty, penalty, 1e-5, 1e-4), `penalty ${reportedPenalty} vs ${penalty}`).toBe(true);
  expect(close(reported.total, total, 1e-6, 1e-4)).toBe(true);
  // The solver's objective is the same cost (within the MIP gap for whole GPUs).
  const gap = options.integerGpus ? Math.max(options.mipGapRelative, plan.mipGap ?? 0) + 1e-6 : 1e-6;
  if (plan.status === 'optimal') {
    expect(
      close(plan.objectivePerHour!, total + penalty, gap, 1e-4),
      `objective ${plan.objectivePerHour} vs ${total + penalty}`,
    ).toBe(true);
  }

  checkUnservedReasons(input, options, plan, {
    occupancy,
    facilityKw,
    rtt,
    budgetOf,
    demandAt,
    carbonTonnesPerHour: carbonKg / 1000,
  });
  return { energy, capex, egress, carbon, penalty, total };
}

function checkUnservedReasons(
  input: PlanningInput,
  options: PlanOptions,
  plan: PlanResult,
  ctx: {
    occupancy: Map<string, number>;
    facilityKw: Map<string, number>;
    rtt: Map<string, number>;
    budgetOf: (regionCode: string, modelCode: string, classCode: string) => number | null;
    demandAt: (regionCode: string, modelCode: string, classCode: string, t: number) => number;
    carbonTonnesPerHour: number;
  },
): void {
  const excluded = new Set(options.excludeSites);
  const gpus = new Map(input.gpuTypes.map((g) => [g.code, g]));
  const replicaSizeOf = (gpu: string, model: string): number =>
    gpus.get(gpu)!.throughputs.find((t) => modelOf(t.modelCode) === model)?.gpusPerReplica ?? 1;
  const usable = input.sites.filter(
    (s) =>
      !excluded.has(s.code) &&
      (s.status === 'ACTIVE' || (s.status === 'PLANNED' && options.allowExpansion)) &&
      s.powerCapKw > 0,
  );
  const modelAllowedAt = (site: PlanningInput['sites'][number], modelCode: string): boolean => {
    const rule = input.models?.find((m) => m.code === modelCode);
    return (
      !rule?.unavailable &&
      (!rule?.allowedCountries?.length || rule.allowedCountries.includes(site.country)) &&
      (!rule?.allowedSites?.length || rule.allowedSites.includes(site.code))
    );
  };
  const hasGpus = (site: PlanningInput['sites'][number]): boolean =>
    site.inventory.some(
      (i) =>
        (site.status === 'ACTIVE' ? i.installed : 0) +
          (options.allowExpansion ? i.maxAdditional + (site.status === 'PLANNED' ? i.installed : 0) : 0) >
        0,
    );
  const runs = (site: PlanningInput['sites'][number], modelCode: string, classCode: string): boolean =>
    site.inventory.some(
      (i) =>
        (site.status === 'ACTIVE' ? i.installed : 0) +
          (options.allowExpansion ? i.maxAdditional + (site.status === 'PLANNED' ? i.installed : 0) : 0) >
          0 &&
        (gpus
          .get(i.gpuTypeCode)!
          .throughputs.find((t) => t.workloadClassCode === classCode && modelOf(t.modelCode) === modelCode)
          ?.tokensPerSecond ?? 0) > 0,
    );
  const routed = new Map<string, number>();
  for (const a of plan.allocations)
    add(routed, key(a.siteCode, a.regionCode, a.modelCode, a.workloadClassCode, a.period), a.tokensPerSecond);
  for (const u of plan.unserved) {
    const region = input.regions.find((r) => r.code === u.regionCode)!;
    const budget = ctx.budgetOf(u.regionCode, u.modelCode, u.workloadClassCode);
    const near = (s: PlanningInput['sites'][number]): boolean => {
      if (budget === null) return true;
      const ms = ctx.rtt.get(key(s.code, u.regionCode));
      return ms !== undefined && ms <= budget;
    };
    const residencyAllows = (s: PlanningInput['sites'][number]): boolean =>
      region.allowedCountries.length === 0 || region.allowedCountries.includes(s.country);
    const withinLatency = usable.filter(
      (s) => runs(s, u.modelCode, u.workloadClassCode) && modelAllowedAt(s, u.modelCode) && near(s),
    );
    const allowed = withinLatency.filter(residencyAllows);
    const reachable = usable.filter((s) => near(s) && residencyAllows(s) && hasGpus(s));
    const ruleBlocked = reachable.filter(
      (s) => runs(s, u.modelCode, u.workloadClassCode) && !modelAllowedAt(s, u.modelCode),
    );
    const withoutGpu = reachable.filter((s) => !runs(s, u.modelCode, u.workloadClassCode));
    const named = (input.models?.length ?? 0) > 1 || u.modelCode !== DEFAULT_MODEL_CODE;
    expect(u.candidateSites.map((c) => c.siteCode).sort()).toEqual(allowed.map((s) => s.code).sort());
    // The reason the rule gives for these candidates (each one's limit is checked against the rows below):
    // none at all, all full (named by the limit most of them hit), or some with room.
    const limited = (limit: string) => u.candidateSites.filter((c) => c.limitedBy === limit).length * 2;
    const unavailable = input.models?.find((m) => m.code === u.modelCode)?.unavailable === true;
    const expected = unavailable
      ? 'MODEL_UNAVAILABLE'
      : allowed.length === 0
        ? withinLatency.length > 0
          ? 'RESIDENCY'
          : ruleBlocked.length > 0
            ? 'MODEL_RULE'
            : withoutGpu.length > 0 && named
              ? 'NO_GPU_FOR_MODEL'
              : 'NO_SITE_WITHIN_LATENCY'
        : u.candidateSites.every((c) => c.limitedBy !== null)
          ? limited('POWER') > allowed.length
            ? 'POWER'
            : limited('SITE_SHARE') > allowed.length
              ? 'SITE_SHARE'
              : 'CAPACITY'
          : options.carbonCapTonnesPerHour !== null &&
              ctx.carbonTonnesPerHour >= options.carbonCapTonnesPerHour * (1 - 1e-6) - 1e-9
            ? 'CARBON_CAP'
            : 'COST';
    expect(u.reason, `${u.regionCode} ${u.workloadClassCode}`).toBe(expected);
    for (const candidate of u.candidateSites.filter((c) => c.limitedBy === 'SITE_SHARE')) {
      // it took its share of this demand in every period left unserved
      for (const t of u.periods) {
        const share = options.maxSiteShare! * ctx.demandAt(u.regionCode, u.modelCode, u.workloadClassCode, t);
        expect(
          routed.get(key(candidate.siteCode, u.regionCode, u.modelCode, u.workloadClassCode, t)) ?? 0,
          `${candidate.siteCode} at its share in period ${t}`,
        ).toBeGreaterThanOrEqual(share * (1 - 1e-5) - 1e-3);
      }
    }
    switch (u.reason) {
      case 'NO_SITE_WITHIN_LATENCY':
        expect(withinLatency).toHaveLength(0);
        break;
      case 'MODEL_RULE':
        expect(ruleBlocked.length).toBeGreaterThan(0);
        break;
      case 'MODEL_UNAVAILABLE':
        expect(u.candidateSites).toEqual([]);
        break;
      case 'NO_GPU_FOR_MODEL':
        expect(withoutGpu.length).toBeGreaterThan(0);
        expect(allowed).toHaveLength(0);
        break;
      case 'RESIDENCY':
        expect(withinLatency.length).toBeGreaterThan(0);
        expect(allowed).toHaveLength(0);
        break;
      case 'CAPACITY':
      case 'POWER': {
        expect(allowed.length).toBeGreaterThan(0);
        for (const candidate of u.candidateSites) {
          expect(candidate.limitedBy, `${candidate.siteCode} should be full`).not.toBeNull();
          const site = input.sites.find((s) => s.code === candidate.siteCode)!;
          for (const t of u.periods) {
            if (candidate.limitedBy === 'POWER') {
              expect(ctx.facilityKw.get(key(site.code, t)) ?? 0).toBeGreaterThanOrEqual(
                site.powerCapKw * (1 - 1e-5) - 1e-6,
              );
            } else if (candidate.limitedBy === 'CAPACITY') {
              // Either this period's pools that run the class are all full, or power is (both leave no room).
              // (With replicas a pool is full when a whole replica no longer fits.)
              const poolsFull = site.inventory
                .filter(
                  (i) =>
                    (gpus
                      .get(i.gpuTypeCode)!
                      .throughputs.find(
                        (x) => x.workloadClassCode === u.workloadClassCode && modelOf(x.modelCode) === u.modelCode,
                      )?.tokensPerSecond ?? 0) > 0,
                )
                .every((i) => {
                  const capacity =
                    (site.status === 'ACTIVE' ? i.installed : 0) +
                    (options.allowExpansion ? i.maxAdditional + (site.status === 'PLANNED' ? i.installed : 0) : 0);
                  const busy = ctx.occupancy.get(key(site.code, i.gpuTypeCode, t)) ?? 0;
                  // whole GPUs: the last one may be partly used
                  const slack = options.integerGpus ? replicaSizeOf(i.gpuTypeCode, u.modelCode) : 1e-6;
                  return busy >= capacity * (1 - 1e-5) - slack;
                });
              expect(poolsFull, `${site.code} pools full in period ${t}`).toBe(true);
            }
          }
        }
        if (u.reason === 'POWER') {
          expect(u.candidateSites.filter((c) => c.limitedBy === 'POWER').length * 2).toBeGreaterThan(
            u.candidateSites.length,
          );
        }
        break;
      }
      case 'CARBON_CAP':
        expect(options.carbonCapTonnesPerHour).not.toBeNull();
        break;
      case 'SITE_SHARE':
        expect(options.maxSiteShare).not.toBeNull();
        break;
      case 'COST':
        expect(u.candidateSites.some((c) => c.limitedBy === null)).toBe(true);
        break;
    }
  }
}

/**
 * The per-model rows agree with the GPU rows and with the totals: each model's served tokens are its
 * allocations, its energy and facility power its GPU rows', the models' costs add up to the plan's, and in
 * integer mode every model's GPUs on a pool are whole replicas that cover its occupancy.
 */
function checkModels(
  input: PlanningInput,
  options: PlanOptions,
  plan: PlanResult,
  ctx: {
    modelOccupancy: Map<string, number>;
    modelFacilityKw: Map<string, number>;
    modelEnergy: Map<string, number>;
    replicaSize: (gpu: string, model: string) => number;
  },
): void {
  const T = options.periods;
  const served = new Map<string, number>();
  for (const a of plan.allocations) add(served, a.modelCode, a.tokensPerSecond / T);
  const sum = { total: 0, energy: 0, capex: 0, egress: 0, carbon: 0 };
  for (const model of plan.models) {
    expect(close(model.servedTokensPerSecond, served.get(model.modelCode) ?? 0, 1e-6, 1e-3), model.modelCode).toBe(
      true,
    );
    expect(close(model.facilityPowerKw, ctx.modelFacilityKw.get(model.modelCode) ?? 0, 1e-6, 1e-6)).toBe(true);
    expect(close(model.costPerHour.energy, ctx.modelEnergy.get(model.modelCode) ?? 0, 1e-6, 1e-6)).toBe(true);
    expect(
      close(model.demandTokensPerSecond, model.servedTokensPerSecond + model.unservedTokensPerSecond, 1e-6, 1e-2),
    ).toBe(true);
    for (const field of ['total', 'energy', 'capex', 'egress', 'carbon'] as const)
      sum[field] += model.costPerHour[field];
    for (const row of model.gpus) {
      let peakOccupancy = 0;
      let meanOccupancy = 0;
      for (let t = 0; t < T; t++) {
        const occupancy = ctx.modelOccupancy.get(key(row.siteCode, row.gpuTypeCode, model.modelCode, t)) ?? 0;
        peakOccupancy = Math.max(peakOccupancy, occupancy);
        meanOccupancy += occupancy / T;
      }
      expect(row.gpusPerReplica).toBe(ctx.replicaSize(row.gpuTypeCode, model.modelCode));
      if (options.integerGpus) {
        expect(row.peakReplicas, `${model.modelCode} ${row.siteCode} ${row.gpuTypeCode}`).not.toBeNull();
        expect(Number.isInteger(row.peakReplicas!)).toBe(true);
        expect(row.peakGpusBusy).toBe(row.peakReplicas! * row.gpusPerReplica);
        expect(row.peakGpusBusy).toBeGreaterThanOrEqual(peakOccupancy * (1 - 1e-9) - 1e-6);
      } else {
        expect(row.peakReplicas).toBeNull();
        expect(close(row.gpusBusy, meanOccupancy, 1e-6, 1e-6)).toBe(true);
      }
    }
  }
  const totals = plan.totals!.costPerHour;
  for (const field of ['total', 'energy', 'capex', 'egress', 'carbon'] as const) {
    expect(close(sum[field], totals[field], 1e-6, 1e-4), `models' ${field} ${sum[field]} vs ${totals[field]}`).toBe(
      true,
    );
  }
  // every model of the input has a row, DEFAULT for rows without a model
  const codes = new Set(input.models?.map((m) => m.code) ?? []);
  for (const g of input.gpuTypes) for (const t of g.throughputs) codes.add(modelOf(t.modelCode));
  for (const r of input.regions) for (const d of r.demand) codes.add(modelOf(d.modelCode));
  if (codes.size === 0) codes.add(DEFAULT_MODEL_CODE);
  expect(plan.models.map((m) => m.modelCode)).toEqual([...codes].sort());
}
