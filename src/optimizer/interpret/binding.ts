// What binds: a pool with no GPU left to hold or buy, a site at its power cap,
// a route at the site-share limit, the carbon cap. Recomputed from the primal
// values, so it reads the same whichever solver ran.
import type { BindingConstraint } from '../types.js';
import type { GpusHeld } from './gpus-held.js';
import type { ShadowValues } from './shadow-prices.js';
import { tight, type Solution } from './solution.js';

/** The limits the plan reaches, as the binding list and the unserved reasons ask them. */
export interface Limits {
  /**
   * pool p of site s (global pool g) holds all its GPUs, bought ones included, in period t; in integer mode,
   * with `replicaSize`, it has no room left for one more replica of that many GPUs
   */
  poolFull(g: number, t: number, s: number, p: number, replicaSize?: number): boolean;
  /** site s draws its full power cap in period t */
  powerFull(s: number, t: number): boolean;
  /** route column j carries the most the site share allows */
  routeAtShare(j: number): boolean;
  carbonAtCap: boolean;
}

export function limitsReached(solution: Solution, held: GpusHeld): Limits {
  const { prepared, layout, lp, x, activity, options, periods: T } = solution;
  const { sites } = prepared;
  return {
    poolFull(g, t, s, p, replicaSize = 1) {
      const pool = sites[s]!.pools[p]!;
      if (layout.gpuRowOf[g * T + t]! < 0) return false;
      const capacity = pool.installed + pool.buyable;
      const busy = held.poolBusy[g * T + t]!;
      return options.integerGpus && replicaSize > 1 ? busy + replicaSize > capacity + 1e-6 : tight(busy, capacity);
    },
    powerFull(s, t) {
      const row = layout.powerRowOf[s * T + t]!;
      return row >= 0 && tight(activity[row]!, sites[s]!.powerCapKw);
    },
    routeAtShare(j) {
      const upper = lp.columnUpper[j]!;
      return Number.isFinite(upper) && upper > 0 && tight(x[j]!, upper);
    },
    carbonAtCap:
      layout.carbonRow >= 0 &&
      options.carbonCapTonnesPerHour !== null &&
      tight(activity[layout.carbonRow]!, options.carbonCapTonnesPerHour),
  };
}

export function bindingConstraints(
  solution: Solution,
  limits: Limits,
  shadow: ShadowValues | null,
): BindingConstraint[] {
  const binding = [...siteLimitsBinding(solution, limits, shadow), ...siteShareBinding(solution, limits)];
  const { options } = solution;
  if (limits.carbonAtCap) {
    binding.push({
      kind: 'CARBON_CAP',
      siteCode: null,
      gpuTypeCode: null,
      regionCode: null,
      modelCode: null,
      workloadClassCode: null,
      periods: [],
      shadowPrice: shadow?.shadowPrices.carbonCapValuePerTonne ?? null,
      description: `emissions are at the cap of ${options.carbonCapTonnesPerHour} t/h`,
    });
  }
  return binding.sort(
    (a, b) =>
      (b.shadowPrice ?? -1) - (a.shadowPrice ?? -1) ||
      a.kind.localeCompare(b.kind) ||
      String(a.siteCode).localeCompare(String(b.siteCode)) ||
      String(a.gpuTypeCode).localeCompare(String(b.gpuTypeCode)) ||
      String(a.regionCode).localeCompare(String(b.regionCode)) ||
      String(a.modelCode).localeCompare(String(b.modelCode)) ||
      String(a.workloadClassCode).localeCompare(String(b.workloadClassCode)),
  );
}

/** GPU pools and power caps reached, per site, with the periods they bind in. */
function siteLimitsBinding(solution: Solution, limits: Limits, shadow: ShadowValues | null): BindingConstraint[] {
  const { prepared, layout, periods: T } = solution;
  const binding: BindingConstraint[] = [];
  prepared.sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      const periods: number[] = [];
      for (let t = 0; t < T; t++) if (limits.poolFull(g, t, s, p)) periods.push(t);
      if (periods.length === 0) return;
      const gpuCode = prepared.gpus[pool.gpuIndex]!.code;
      const capacity = pool.installed + pool.buyable;
      binding.push({
        kind: 'GPU_CAPACITY',
        siteCode: site.code,
        gpuTypeCode: gpuCode,
        regionCode: null,
        modelCode: null,
        workloadClassCode: null,
        periods,
        shadowPrice: shadow ? shadow.gpuValue[g]! : null,
        description: `all ${capacity} ${gpuCode} GPUs at ${site.code} are in use${pool.buyable > 0 ? ' (including every GPU it may buy)' : ''}`,
      });
    });
    const periods: number[] = [];
    for (let t = 0; t < T; t++) if (limits.powerFull(s, t)) periods.push(t);
    if (periods.length === 0) return;
    binding.push({
      kind: 'POWER',
      siteCode: site.code,
      gpuTypeCode: null,
      regionCode: null,
      modelCode: null,
      workloadClassCode: null,
      periods,
      shadowPrice: shadow ? shadow.powerValue[s]! : null,
      description: `${site.code} draws its full power cap of ${site.powerCapKw} kW`,
    });
  });
  return binding;
}

/** Routes at the site-share limit, one entry per site and demand with the periods it binds in. */
function siteShareBinding(solution: Solution, limits: Limits): BindingConstraint[] {
  const { prepared, layout, options } = solution;
  const maxSiteShare = options.maxSiteShare;
  if (maxSiteShare === null) return [];
  const { sites, regions, classes } = prepared;
  const byRoute = new Map<string, BindingConstraint>();
  for (let j = layout.routes.start; j < layout.routes.end; j++) {
    if (!limits.routeAtShare(j)) continue;
    const s = layout.columns.site[j]!;
    // Under maxSiteShare every group holds one demand.
    const { r, d } = solution.demandAt(layout.groups[layout.columns.group[j]!]!.members[0]!);
    const key = `${s}:${r}:${d}`;
    let entry = byRoute.get(key);
    if (!entry) {
      const service = classes[regions[r]!.demands[d]!.classIndex]!;
      const classCode = service.code;
      const named = prepared.models.length === 1 ? classCode : `${service.modelCode} ${classCode}`;
      entry = {
        kind: 'SITE_SHARE',
        siteCode: sites[s]!.code,
        gpuTypeCode: null,
        regionCode: regions[r]!.code,
        modelCode: service.modelCode,
        workloadClassCode: classCode,
        periods: [],
        shadowPrice: null,
        description: `${sites[s]!.code} takes the most it may (${maxSiteShare * 100}%) of ${regions[r]!.code} ${named} demand`,
      };
      byRoute.set(key, entry);
    }
    entry.periods.push(layout.columns.period[j]!);
  }
  return [...byRoute.values()];
}
