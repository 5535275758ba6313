// Applies a scenario's overrides to a planning snapshot: a pure function that
// returns a new PlanningInput and leaves its argument untouched. Every code an
// override names must exist in the snapshot; all unknown ones are reported
// together, each with its path inside the overrides.
import { DEFAULT_MODEL_CODE, type PlanningInput, type PlanningRegion, type PlanningSite } from '../optimizer/types.js';
import { withoutSites } from '../optimizer/drop-sites.js';
import type { ScenarioOverrides } from './overrides.js';
import { formatIssues, type ValidationIssue } from '../errors.js';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  /** paths inside the overrides, e.g. `priceMultipliers[0].code` */
  constructor(readonly issues: ValidationIssue[]) {
    super(`the scenario does not fit the data: ${formatIssues(issues)}`);
  }
}

/** The issues applying these overrides to this input would raise (empty: it applies). */
export function checkScenario(input: PlanningInput, overrides: ScenarioOverrides): ValidationIssue[] {
  try {
    applyScenario(input, overrides);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

const modelOf = (row: { modelCode?: string }): string => row.modelCode ?? DEFAULT_MODEL_CODE;

/** The models the input plans for: its records, and DEFAULT where a row names none (as the optimizer reads it). */
function modelCodesOf(input: PlanningInput): Set<string> {
  const codes = new Set((input.models ?? []).map((m) => m.code));
  const rows = [...input.gpuTypes.flatMap((g) => g.throughputs), ...input.regions.flatMap((r) => r.demand)];
  if (codes.size === 0 || rows.some((row) => row.modelCode === undefined)) codes.add(DEFAULT_MODEL_CODE);
  return codes;
}

/**
 * A region's demand for `from` added to its demand for `to`, class by class (the
 * periods follow the class's profile, so they move with it): onto the row `to`
 * already has (keeping that row's RTT budget), or as a new row with the moved
 * one's budget. The rows for `from` are gone afterwards.
 */
function moveDemand(region: PlanningRegion, from: string, to: string): void {
  const moved = region.demand.filter((d) => modelOf(d) === from);
  region.demand = region.demand.filter((d) => modelOf(d) !== from);
  for (const row of moved) {
    const target = region.demand.find((d) => modelOf(d) === to && d.workloadClassCode === row.workloadClassCode);
    if (target) target.tokensPerSecond += row.tokensPerSecond;
    else region.demand.push({ ...row, modelCode: to });
  }
}

export function applyScenario(input: PlanningInput, overrides: ScenarioOverrides): PlanningInput {
  const out: PlanningInput = structuredClone(input);
  const issues: ValidationIssue[] = [];
  const sites = new Set(out.sites.map((s) => s.code));
  const countries = new Set(out.sites.map((s) => s.country));
  const regions = new Set(out.regions.map((r) => r.code));
  const classes = new Set(out.workloadClasses.map((c) => c.code));
  const gpuTypes = new Set(out.gpuTypes.map((g) => g.code));
  const models = modelCodesOf(out);
  const known = (set: Set<string>, code: string | undefined, path: string, what: string): boolean => {
    if (code === undefined || set.has(code)) return true;
    issues.push({ path, message: `no ${what} ${code}` });
    return false;
  };

  // prices: absolute first, then multipliers, each list in order
  const sitesIn = (scope: string, code: string | undefined, path: string): PlanningSite[] => {
    if (scope === 'SITE') return known(sites, code, path, 'site') ? out.sites.filter((s) => s.code === code) : [];
    if (scope === 'COUNTRY')
      return known(countries, code, path, 'site in country') ? out.sites.filter((s) => s.country === code) : [];
    return out.sites;
  };
  (overrides.absolutePricesPerKwh ?? []).forEach((p, i) => {
    for (const site of sitesIn(p.scope, p.code, `absolutePricesPerKwh[${i}].code`)) {
      // hourly prices keep their shape around the new mean
      site.hourlyPricesPerKwh =
        site.pricePerKwh > 0 ? site.hourlyPricesPerKwh.map((h) => (h * p.pricePerKwh) / site.pricePerKwh) : [];
      site.pricePerKwh = p.pricePerKwh;
    }
  });
  (overrides.priceMultipliers ?? []).forEach((p, i) => {
    for (const site of sitesIn(p.scope, p.code, `priceMultipliers[${i}].code`)) {
      site.pricePerKwh *= p.multiplier;
      site.hourlyPricesPerKwh = site.hourlyPricesPerKwh.map((h) => h * p.multiplier);
    }
  });

  (overrides.pueChanges ?? []).forEach((p, i) => {
    for (const site of sitesIn(p.scope, p.code, `pueChanges[${i}].code`)) {
      const pue = p.multiplier !== undefined ? site.pue * p.multiplier : site.pue + p.delta!;
      if (pue < 1 || pue > 3) {
        issues.push({
          path: `pueChanges[${i}].${p.multiplier !== undefined ? 'multiplier' : 'delta'}`,
          message: `would make the PUE of ${site.code} ${round(pue)} (must stay in [1, 3])`,
        });
      }
      site.pue = pue;
    }
  });
  (overrides.powerCapMultipliers ?? []).forEach((p, i) => {
    for (const site of sitesIn(p.scope, p.code, `powerCapMultipliers[${i}].code`)) site.powerCapKw *= p.multiplier;
  });

  const regionCountries = new Set(out.regions.flatMap((r) => (r.country ? [r.country] : [])));
  (overrides.residencyRules ?? []).forEach((rule, i) => {
    const path = `residencyRules[${i}]`;
    const codesOk = (rule.regionCodes ?? [])
      .map((code, j) => known(regions, code, `${path}.regionCodes[${j}]`, 'region'))
      .every(Boolean);
    const countriesOk = (rule.regionCountries ?? [])
      .map((code, j) => known(regionCountries, code, `${path}.regionCountries[${j}]`, 'region in country'))
      .every(Boolean);
    if (!codesOk || !countriesOk) return;
    for (const region of out.regions) {
      const chosen = rule.regionCodes
        ? rule.regionCodes.includes(region.code)
        : region.country !== null && rule.regionCountries!.includes(region.country);
      if (chosen) region.allowedCountries = [...rule.allowedCountries];
    }
  });

  (overrides.demandGrowth ?? []).forEach((g, i) => {
    const path = `demandGrowth[${i}]`;
    const regionOk = known(regions, g.regionCode, `${path}.regionCode`, 'region');
    const countriesOk = (g.regionCountries ?? [])
      .map((code, j) => known(regionCountries, code, `${path}.regionCountries[${j}]`, 'region in country'))
      .every(Boolean);
    const modelOk = known(models, g.modelCode, `${path}.modelCode`, 'model');
    const classOk = known(classes, g.workloadClassCode, `${path}.workloadClassCode`, 'workload class');
    if (!regionOk || !countriesOk || !modelOk || !classOk) return;
    for (const region of out.regions) {
      if (g.regionCode !== undefined && region.code !== g.regionCode) continue;
      if (g.regionCountries && !(region.country !== null && g.regionCountries.includes(region.country))) continue;
      for (const demand of region.demand) {
        if (g.modelCode !== undefined && modelOf(demand) !== g.modelCode) continue;
        if (g.workloadClassCode === undefined || demand.workloadClassCode === g.workloadClassCode)
          demand.tokensPerSecond *= g.multiplier;
      }
    }
  });

  // (the schema refuses a substitute that is the model itself or unavailable too, and a model listed twice)
  (overrides.unavailableModels ?? []).forEach((m, i) => {
    const path = `unavailableModels[${i}]`;
    const modelOk = known(models, m.modelCode, `${path}.modelCode`, 'model');
    const substituteOk = known(models, m.substituteModelCode, `${path}.substituteModelCode`, 'model');
    if (!modelOk || !substituteOk) return;
    if (m.substituteModelCode !== undefined) {
      for (const region of out.regions) moveDemand(region, m.modelCode, m.substituteModelCode);
    }
    out.models ??= [];
    let model = out.models.find((row) => row.code === m.modelCode);
    if (!model) {
      // the DEFAULT model of data without models has no record
      model = { code: m.modelCode };
      out.models.push(model);
    }
    model.unavailable = true;
  });

  (overrides.rttBudgetChanges ?? []).forEach((r, i) => {
    const path = `rttBudgetChanges[${i}]`;
    const classOk = known(classes, r.workloadClassCode, `${path}.workloadClassCode`, 'workload class');
    const regionOk = known(regions, r.regionCode, `${path}.regionCode`, 'region');
    if (!classOk || !regionOk) return;
    const workloadClass = out.workloadClasses.find((c) => c.code === r.workloadClassCode)!;
    const changed = (budget: number | null): number | null =>
      r.budgetMs !== undefined ? r.budgetMs : budget === null ? null : budget + r.deltaMs!;
    const rows = out.regions
      .filter((region) => r.regionCode === undefined || region.code === r.regionCode)
      .flatMap((region) => region.demand.filter((d) => d.workloadClassCode === r.workloadClassCode));
    if (r.regionCode !== undefined && rows.length === 0) {
      issues.push({
        path: `${path}.regionCode`,
        message: `region ${r.regionCode} has no ${r.workloadClassCode} demand`,
      });
      return;
    }
    const classBudget = workloadClass.rttBudgetMs;
    const results: (number | null)[] = [];
    if (r.regionCode === undefined) {
      workloadClass.rttBudgetMs = changed(classBudget);
      results.push(workloadClass.rttBudgetMs);
    }
    // a region's own budget for the class changes too; one without its own gets it when the change is per region
    for (const row of rows) {
      if (row.rttBudgetMs !== null || r.regionCode !== undefined) {
        row.rttBudgetMs = changed(row.rttBudgetMs ?? classBudget);
        results.push(row.rttBudgetMs);
      }
    }
    if (results.some((b) => b !== null && b < 0))
      issues.push({ path: `${path}.deltaMs`, message: 'would make an RTT budget negative' });
  });

  (overrides.inventoryDeltas ?? []).forEach((d, i) => {
    const path = `inventoryDeltas[${i}]`;
    const siteOk = known(sites, d.siteCode, `${path}.siteCode`, 'site');
    const typeOk = known(gpuTypes, d.gpuTypeCode, `${path}.gpuTypeCode`, 'GPU type');
    if (!siteOk || !typeOk) return;
    const site = out.sites.find((s) => s.code === d.siteCode)!;
    let row = site.inventory.find((inv) => inv.gpuTypeCode === d.gpuTypeCode);
    if (!row) {
      row = { gpuTypeCode: d.gpuTypeCode, installed: 0, maxAdditional: 0 };
      site.inventory.push(row);
    }
    row.installed += d.installedDelta ?? 0;
    row.maxAdditional += d.maxAdditionalDelta ?? 0;
    if (row.installed < 0)
      issues.push({
        path: `${path}.installedDelta`,
        message: `would leave ${row.installed} ${d.gpuTypeCode} installed at ${d.siteCode}`,
      });
    if (row.maxAdditional < 0) {
      issues.push({
        path: `${path}.maxAdditionalDelta`,
        message: `would leave maxAdditional ${row.maxAdditional} for ${d.gpuTypeCode} at ${d.siteCode}`,
      });
    }
  });

  const unavailable = new Set<string>();
  (overrides.unavailableGpuTypes ?? []).forEach((code, i) => {
    if (known(gpuTypes, code, `unavailableGpuTypes[${i}]`, 'GPU type')) unavailable.add(code);
  });
  const removedSites = new Set<string>();
  (overrides.sitesOut ?? []).forEach((code, i) => {
    if (known(sites, code, `sitesOut[${i}]`, 'site')) removedSites.add(code);
  });

  if (issues.length) throw new ScenarioError(issues);

  for (const site of out.sites) site.inventory = site.inventory.filter((inv) => !unavailable.has(inv.gpuTypeCode));
  out.gpuTypes = out.gpuTypes.filter((g) => !unavailable.has(g.code));
  return withoutSites(out, removedSites);
}
