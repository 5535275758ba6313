// Checks a PlanningInput and lays it out for the compiler: every list sorted
// by code (so input order never changes the model), references resolved to
// indices, demand and prices expanded to the plan's periods.
import { allowedCountriesOf, effectiveRttBudgetMs, type AllowedCountries } from './reach.js';
import { DEFAULT_MODEL_CODE, type PlanningInput, type PlanOptions } from './types.js';

export class PlanInputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid planning input: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`,
    );
    this.name = 'PlanInputError';
  }
}

export interface PreparedModel {
  code: string;
  /** the model's deployment rule; null = it may run anywhere */
  rule: { allowedCountries: string[]; allowedSites: string[] } | null;
  /** no site may run it (PlanningModel.unavailable) */
  unavailable: boolean;
}

/**
 * What the model calls a class is a service: one model served under one
 * workload class's targets. Everything per class in the model (throughputs,
 * balance rows, serve columns) is per service; with one model the services are
 * the classes themselves, in the same order.
 */
export interface PreparedClass {
  /** the workload class's code */
  code: string;
  rttBudgetMs: number | null;
  modelIndex: number;
  modelCode: string;
}

export interface PreparedGpu {
  code: string;
  powerKw: number;
  capexPerHour: number;
  /** by class (service) index; 0 = cannot run that model under that class */
  tokensPerSecondByClass: Float64Array;
  /** by model index: the GPUs of this type one replica of the model needs (1 where none is recorded) */
  gpusPerReplicaByModel: Float64Array;
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
  /** by model index: 1 where the model's deployment rule lets it run here */
  modelAllowed: Uint8Array;
  /** the most different models the site may host; null = no cap */
  maxModels: number | null;
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
  models: PreparedModel[];
  /** the services, class-major: (class, model) for every pair with a throughput or a demand */
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
    (input.models ?? []).map((m) => m.code),
    'model',
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
  const workloadClasses = [...input.workloadClasses].sort(byCode);
  const workloadClassIndex = new Map(workloadClasses.map((c, i) => [c.code, i]));
  const modelRules = new Map((input.models ?? []).map((m) => [m.code, m]));
  const modelOf = (code: string | undefined): string => code ?? DEFAULT_MODEL_CODE;
  // DEFAULT needs no record: data without models plans for it alone.
  const modelCodes = new Set(modelRules.keys());
  for (const g of input.gpuTypes)
    for (const t of g.throughputs) if (t.modelCode === undefined) modelCodes.add(DEFAULT_MODEL_CODE);
  for (const r of input.regions)
    for (const d of r.demand) if (d.modelCode === undefined) modelCodes.add(DEFAULT_MODEL_CODE);
  if (modelCodes.size === 0) modelCodes.add(DEFAULT_MODEL_CODE);
  const models: PreparedModel[] = [...modelCodes].sort().map((code) => {
    const allowedCountries = [...(modelRules.get(code)?.allowedCountries ?? [])].sort();
    const allowedSites = [...(modelRules.get(code)?.allowedSites ?? [])].sort();
    const ruled = allowedCountries.length > 0 || allowedSites.length > 0;
    return {
      code,
      rule: ruled ? { allowedCountries, allowedSites } : null,
      unavailable: modelRules.get(code)?.unavailable === true,
    };
  });
  const modelIndex = new Map(models.map((m, i) => [m.code, i]));
  const knownModel = (code: string | undefined, where: string): boolean => {
    const known = modelIndex.has(modelOf(code));
    check(known, `${where}: unknown model ${JSON.stringify(code)}`);
    return known;
  };
  // The services: every (class, model) pair some throughput or demand names, class-major.
  const servicePairs = new Set<string>();
  const pairKey = (classCode: string, modelCode: string) => `${classCode}\u0000${modelCode}`;
  for (const g of input.gpuTypes)
    for (const t of g.throughputs) servicePairs.add(pairKey(t.workloadClassCode, modelOf(t.modelCode)));
  for (const r of input.regions)
    for (const d of r.demand) servicePairs.add(pairKey(d.workloadClassCode, modelOf(d.modelCode)));
  const classes: (PreparedClass & { hourlyDemandProfile: number[] })[] = [];
  const classIndex = new Map<string, number>();
  for (const c of workloadClasses) {
    for (const m of models) {
      if (!servicePairs.has(pairKey(c.code, m.code))) continue;
      classIndex.set(pairKey(c.code, m.code), classes.length);
      classes.push({
        code: c.code,
        rttBudgetMs: c.rttBudgetMs,
        hourlyDemandProfile: c.hourlyDemandProfile,
        modelIndex: modelIndex.get(m.code)!,
        modelCode: m.code,
      });
    }
  }
  const serviceOf = (classCode: string, modelCode: string | undefined): number | undefined =>
    classIndex.get(pairKey(classCode, modelOf(modelCode)));
  for (const c of workloadClasses) {
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
    const gpusPerReplicaByModel = new Float64Array(models.length).fill(1);
    const seen = new Set<number>();
    for (const t of g.throughputs) {
      const classKnown = workloadClassIndex.has(t.workloadClassCode);
      check(classKnown, `GPU ${g.code}: unknown workload class ${JSON.stringify(t.workloadClassCode)}`);
      const modelKnown = knownModel(t.modelCode, `GPU ${g.code}`);
      check(nonNegative(t.tokensPerSecond), `GPU ${g.code}: tokensPerSecond must be >= 0`);
      const replica = t.gpusPerReplica ?? 1;
      check(Number.isInteger(replica) && replica >= 1, `GPU ${g.code}: gpusPerReplica must be a whole number >= 1`);
      const k = classKnown && modelKnown ? serviceOf(t.workloadClassCode, t.modelCode) : undefined;
      if (k === undefined) continue;
      check(
        !seen.has(k),
        `GPU ${g.code}: two throughputs for model ${modelOf(t.modelCode)} under ${t.workloadClassCode}`,
      );
      seen.add(k);
      if (nonNegative(t.tokensPerSecond)) tokensPerSecondByClass[k] = t.tokensPerSecond;
      if (Number.isInteger(replica) && replica >= 1) gpusPerReplicaByModel[classes[k]!.modelIndex] = replica;
    }
    return {
      code: g.code,
      powerKw: g.powerKw,
      capexPerHour: g.capexPerHour,
      tokensPerSecondByClass,
      gpusPerReplicaByModel,
    };
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
    const maxModels = site.maxModels ?? null;
    check(
      maxModels === null || (Number.isInteger(maxModels) && maxModels >= 1),
      `site ${site.code}: maxModels must be a whole number >= 1, or null for no cap`,
    );
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
    const modelAllowed = new Uint8Array(models.length);
    models.forEach((m, i) => {
      const countries = m.rule?.allowedCountries ?? [];
      const only = m.rule?.allowedSites ?? [];
      modelAllowed[i] =
        !m.unavailable &&
        (countries.length === 0 || countries.includes(site.country)) &&
        (only.length === 0 || only.includes(site.code))
          ? 1
          : 0;
    });
    sites.push({
      code: site.code,
      country: site.country,
      pue: site.pue,
      powerCapKw: site.powerCapKw,
      carbonGramsPerKwh: site.carbonGramsPerKwh,
      pricePerKwhByPeriod,
      pools,
      modelAllowed,
      maxModels,
    });
  }

  const regions: PreparedRegion[] = [...input.regions].sort(byCode).map((region) => {
    check(Number.isFinite(region.utcOffsetHours), `region ${region.code}: utcOffsetHours must be a number`);
    const seenClasses = new Set<number>();
    const demands: PreparedDemand[] = [];
    for (const d of region.demand) {
      const classKnown = workloadClassIndex.has(d.workloadClassCode);
      check(classKnown, `region ${region.code}: unknown workload class ${JSON.stringify(d.workloadClassCode)}`);
      const modelKnown = knownModel(d.modelCode, `region ${region.code}`);
      const k = classKnown && modelKnown ? serviceOf(d.workloadClassCode, d.modelCode) : undefined;
      const named =
        modelOf(d.modelCode) === DEFAULT_MODEL_CODE
          ? d.workloadClassCode
          : `${modelOf(d.modelCode)} ${d.workloadClassCode}`;
      check(k === undefined || !seenClasses.has(k), `region ${region.code}: two demand rows for ${named}`);
      check(nonNegative(d.tokensPerSecond), `region ${region.code}: tokensPerSecond must be >= 0`);
      check(
        d.rttBudgetMs === null || nonNegative(d.rttBudgetMs),
        `region ${region.code}: rttBudgetMs must be >= 0 or null`,
      );
      if (k !== undefined) seenClasses.add(k);
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
    // in service order: class, then model (as demand rows were by class before models)
    demands.sort((a, b) => a.classIndex - b.classIndex);
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
    models,
    classes: classes.map((c) => ({
      code: c.code,
      rttBudgetMs: c.rttBudgetMs,
      modelIndex: c.modelIndex,
      modelCode: c.modelCode,
    })),
    gpus,
    sites,
    regions,
    rttMs,
    excludedSites,
  };
}
