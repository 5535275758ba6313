// Checks a PlanningInput and lays it out for the compiler: every list sorted
// by code (so input order never changes the model), references resolved to
// indices, demand and prices expanded to the plan's periods.
import { allowedCountriesOf, effectiveRttBudgetMs, type AllowedCountries } from './reach.js';
import type { PlanningInput, PlanOptions } from './types.js';

export class PlanInputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid planning input: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`,
    );
    this.name = 'PlanInputError';
  }
}

export interface PreparedClass {
  code: string;
  rttBudgetMs: number | null;
}

export interface PreparedGpu {
  code: string;
  powerKw: number;
  capexPerHour: number;
  /** by class index; 0 = cannot run that class */
  tokensPerSecondByClass: Float64Array;
}

export interface PreparedPool {
  gpuIndex: number;
  /** GPUs that exist and are paid for (0 at a PLANNED site) */
  installed: number;
  /** GPUs the plan may buy (0 unless expansion is allowed) */
  buyable: number;
}

export interface PreparedSite {
  code: string;
  country: string;
  pue: number;
  powerCapKw: number;
  carbonGramsPerKwh: number;
  pricePerKwhByPeriod: Float64Array;
  /** pools with installed or buyable GPUs, sorted by GPU code */
  pools: PreparedPool[];
}

export interface PreparedDemand {
  classIndex: number;
  rttBudgetMs: number | null;
  tokensPerSecondByPeriod: Float64Array;
  meanTokensPerSecond: number;
}

export interface PreparedRegion {
  code: string;
  country: string | null;
  allowedCountries: AllowedCountries;
  demands: PreparedDemand[];
}

export interface PreparedInput {
  periods: number;
  classes: PreparedClass[];
  gpus: PreparedGpu[];
  sites: PreparedSite[];
  regions: PreparedRegion[];
  /** rtt[siteIndex * regions.length + regionIndex]; NaN = unknown */
  rttMs: Float64Array;
  excludedSites: { siteCode: string; reason: string }[];
}

const byCode = <T extends { code: string }>(a: T, b: T): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** Local hour (0..23) at UTC hour `utcHour` for a place `utcOffsetHours` from UTC (half-hour offsets round down). */
export function localHour(utcHour: number, utcOffsetHours: number): number {
  return Math.floor((((utcHour + utcOffsetHours) % 24) + 24) % 24);
}

export function prepareInput(input: PlanningInput, options: PlanOptions): PreparedInput {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string): void => {
    if (!ok) problems.push(problem);
  };
  const nonNegative = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0;
  const duplicates = (codes: string[], what: string): void => {
    const seen = new Set<string>();
    for (const code of codes) {
      check(!seen.has(code), `duplicate ${what} code ${JSON.stringify(code)}`);
      seen.add(code);
    }
  };
  duplicates(
    input.workloadClasses.map((c) => c.code),
    'workload class',
  );
  duplicates(
    input.gpuTypes.map((g) => g.code),
    'GPU type',
  );
  duplicates(
    input.sites.map((s) => s.code),
    'site',
  );
  duplicates(
    input.regions.map((r) => r.code),
    'region',
  );

  const T = options.periods;
  const classes = [...input.workloadClasses].sort(byCode);
  const classIndex = new Map(classes.map((c, i) => [c.code, i]));
  for (const c of classes) {
    check(c.rttBudgetMs === null || nonNegative(c.rttBudgetMs), `class ${c.code}: rttBudgetMs must be >= 0 or null`);
    check(
      c.hourlyDemandProfile.length === 0 || c.hourlyDemandProfile.length === 24,
      `class ${c.code}: hourlyDemandProfile must have 0 or 24 values`,
    );
    check(c.hourlyDemandProfile.every(nonNegative), `class ${c.code}: hourlyDemandProfile values must be >= 0`);
  }

  const gpuTypes = [...input.gpuTypes].sort(byCode);
  const gpuIndex = new Map(gpuTypes.map((g, i) => [g.code, i]));
  const gpus: PreparedGpu[] = gpuTypes.map((g) => {
    check(
      typeof g.powerKw === 'number' && g.powerKw > 0 && Number.isFinite(g.powerKw),
      `GPU ${g.code}: powerKw must be > 0`,
    );
    check(nonNegative(g.capexPerHour), `GPU ${g.code}: capexPerHour must be >= 0`);
    const tokensPerSecondByClass = new Float64Array(classes.length);
    for (const t of g.throughputs) {
      const k = classIndex.get(t.workloadClassCode);
      check(k !== undefined, `GPU ${g.code}: unknown workload class ${JSON.stringify(t.workloadClassCode)}`);
      check(nonNegative(t.tokensPerSecond), `GPU ${g.code}: tokensPerSecond must be >= 0`);
      if (k !== undefined && nonNegative(t.tokensPerSecond)) tokensPerSecondByClass[k] = t.tokensPerSecond;
    }
    return { code: g.code, powerKw: g.powerKw, capexPerHour: g.capexPerHour, tokensPerSecondByClass };
  });

  const excluded = new Set(options.excludeSites);
  const excludedSites: { siteCode: string; reason: string }[] = [];
  const sites: PreparedSite[] = [];
  for (const site of [...input.sites].sort(byCode)) {
    check(
      typeof site.pue === 'number' && site.pue >= 1 && Number.isFinite(site.pue),
      `site ${site.code}: pue must be >= 1`,
    );
    check(nonNegative(site.powerCapKw), `site ${site.code}: powerCapKw must be >= 0`);
    check(nonNegative(site.pricePerKwh), `site ${site.code}: pricePerKwh must be >= 0`);
    check(nonNegative(site.carbonGramsPerKwh), `site ${site.code}: carbonGramsPerKwh must be >= 0`);
    check(Number.isFinite(site.utcOffsetHours), `site ${site.code}: utcOffsetHours must be a number`);
    check(
      site.hourlyPricesPerKwh.length === 0 || site.hourlyPricesPerKwh.length === 24,
      `site ${site.code}: hourlyPricesPerKwh must have 0 or 24 values`,
    );
    check(site.hourlyPricesPerKwh.every(nonNegative), `site ${site.code}: hourlyPricesPerKwh values must be >= 0`);
    for (const item of site.inventory) {
      check(gpuIndex.has(item.gpuTypeCode), `site ${site.code}: unknown GPU type ${JSON.stringify(item.gpuTypeCode)}`);
      check(
        nonNegative(item.installed) && nonNegative(item.maxAdditional),
        `site ${site.code}: GPU counts must be >= 0`,
      );
    }
    if (excluded.has(site.code)) {
      excludedSites.push({ siteCode: site.code, reason: 'excluded by the plan options' });
      continue;
    }
    if (site.status === 'PLANNED' && !options.allowExpansion) {
      excludedSites.push({ siteCode: site.code, reason: 'PLANNED site: takes load only when expansion is allowed' });
      continue;
    }
    if (site.status !== 'ACTIVE' && site.status !== 'PLANNED') {
      excludedSites.push({ siteCode: site.code, reason: `status ${String(site.status)} takes no load` });
      continue;
    }
    const pools: PreparedPool[] = [];
    for (const item of [...site.inventory].sort((a, b) => (a.gpuTypeCode < b.gpuTypeCode ? -1 : 1))) {
      const g = gpuIndex.get(item.gpuTypeCode);
      if (g === undefined) continue;
      const installed = site.status === 'PLANNED' ? 0 : item.installed;
      const buyable = !options.allowExpansion
        ? 0
        : site.status === 'PLANNED'
          ? item.installed + item.maxAdditional
          : item.maxAdditional;
      if (installed + buyable > 0) pools.push({ gpuIndex: g, installed, buyable });
    }
    const pricePerKwhByPeriod = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      // Steady state uses the site's mean price; hourly plans its local-hour price.
      pricePerKwhByPeriod[t] =
        T === 1 || site.hourlyPricesPerKwh.length === 0
          ? site.pricePerKwh
          : site.hourlyPricesPerKwh[localHour(t, site.utcOffsetHours)]!;
    }
    if (pools.length === 0) {
      excludedSites.push({ siteCode: site.code, reason: 'no GPUs installed or buyable' });
      continue;
    }
    sites.push({
      code: site.code,
      country: site.country,
      pue: site.pue,
      powerCapKw: site.powerCapKw,
      carbonGramsPerKwh: site.carbonGramsPerKwh,
      pricePerKwhByPeriod,
      pools,
    });
  }

  const regions: PreparedRegion[] = [...input.regions].sort(byCode).map((region) => {
    check(Number.isFinite(region.utcOffsetHours), `region ${region.code}: utcOffsetHours must be a number`);
    const seenClasses = new Set<string>();
    const demands: PreparedDemand[] = [];
    for (const d of [...region.demand].sort((a, b) => (a.workloadClassCode < b.workloadClassCode ? -1 : 1))) {
      const k = classIndex.get(d.workloadClassCode);
      check(k !== undefined, `region ${region.code}: unknown workload class ${JSON.stringify(d.workloadClassCode)}`);
      check(!seenClasses.has(d.workloadClassCode), `region ${region.code}: two demand rows for ${d.workloadClassCode}`);
      check(nonNegative(d.tokensPerSecond), `region ${region.code}: tokensPerSecond must be >= 0`);
      check(
        d.rttBudgetMs === null || nonNegative(d.rttBudgetMs),
        `region ${region.code}: rttBudgetMs must be >= 0 or null`,
      );
      seenClasses.add(d.workloadClassCode);
      if (k === undefined || !(d.tokensPerSecond > 0)) continue;
      const profile = classes[k]!.hourlyDemandProfile;
      const tokensPerSecondByPeriod = new Float64Array(T);
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const multiplier = T === 1 || profile.length === 0 ? 1 : profile[localHour(t, region.utcOffsetHours)]!;
        tokensPerSecondByPeriod[t] = d.tokensPerSecond * multiplier;
        sum += tokensPerSecondByPeriod[t]!;
      }
      demands.push({
        classIndex: k,
        rttBudgetMs: effectiveRttBudgetMs(d.rttBudgetMs, classes[k]!.rttBudgetMs),
        tokensPerSecondByPeriod,
        meanTokensPerSecond: sum / T,
      });
    }
    return {
      code: region.code,
      country: region.country,
      allowedCountries: allowedCountriesOf(region.allowedCountries),
      demands,
    };
  });

  const siteIndex = new Map(sites.map((s, i) => [s.code, i]));
  const regionIndex = new Map(regions.map((r, i) => [r.code, i]));
  const knownSites = new Set(input.sites.map((s) => s.code));
  const rttMs = new Float64Array(sites.length * regions.length).fill(Number.NaN);
  for (const latency of input.latencies) {
    check(knownSites.has(latency.siteCode), `latency: unknown site ${JSON.stringify(latency.siteCode)}`);
    check(regionIndex.has(latency.regionCode), `latency: unknown region ${JSON.stringify(latency.regionCode)}`);
    check(nonNegative(latency.rttMs), `latency ${latency.siteCode}→${latency.regionCode}: rttMs must be >= 0`);
    const s = siteIndex.get(latency.siteCode);
    const r = regionIndex.get(latency.regionCode);
    if (s !== undefined && r !== undefined) rttMs[s * regions.length + r] = latency.rttMs;
  }

  if (problems.length > 0) throw new PlanInputError(problems);
  return {
    periods: T,
    classes: classes.map((c) => ({ code: c.code, rttBudgetMs: c.rttBudgetMs })),
    gpus,
    sites,
    regions,
    rttMs,
    excludedSites,
  };
}
