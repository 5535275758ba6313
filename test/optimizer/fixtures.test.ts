// The bundled fixtures, end to end: data set → planning input → plan.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/dataset/load.js';
import type { Dataset } from '../../src/dataset/schema.js';
import { effectivePue } from '../../src/domain/cooling.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanningInput, type PlanOptions } from '../../src/optimizer/types.js';
import { checkPlan } from './check-plan.js';

let dataset: Dataset;
let input: PlanningInput;

beforeAll(async () => {
  const parsed = await loadFixtures();
  expect(parsed.issues).toEqual([]);
  dataset = parsed.dataset;
  input = planningInputFromDataset(dataset);
});

describe('planningInputFromDataset', () => {
  it('carries every site but the retired ones, with the effective PUE and IT power in kW', () => {
    const live = dataset.sites.filter((s) => s.status !== 'RETIRED');
    expect(input.sites.map((s) => s.code)).toEqual(live.map((s) => s.code));
    for (const site of live) {
      const mapped = input.sites.find((s) => s.code === site.code)!;
      expect(mapped.pue).toBe(effectivePue(site));
      expect(mapped.status).toBe(site.status);
    }
    const gpu = dataset.gpuTypes[0]!;
    expect(input.gpuTypes.find((g) => g.code === gpu.code)!.powerKw).toBeCloseTo(gpu.powerWatts / 1000, 12);
    expect(input.regions).toHaveLength(dataset.demandRegions.length);
    expect(input.latencies).toHaveLength(dataset.latencies.length);
  });

  it('fills in the cooling type’s PUE where a site has none, and drops RETIRED sites', () => {
    const copy = structuredClone(dataset);
    copy.sites[0]!.pue = null;
    copy.sites[1]!.status = 'RETIRED';
    const mapped = planningInputFromDataset(copy);
    expect(mapped.sites[0]!.pue).toBe(effectivePue({ pue: null, coolingType: copy.sites[0]!.coolingType }));
    expect(mapped.sites.some((s) => s.code === copy.sites[1]!.code)).toBe(false);
  });
});

describe('plans on the fixtures', () => {
  it('steady state: optimal, most demand served, the rest only for true reasons', async () => {
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS };
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    expect(plan.totals!.servedTokensPerSecond / plan.totals!.demandTokensPerSecond).toBeGreaterThan(0.95);
    expect(plan.totals!.costPerMillionTokens).toBeGreaterThan(0);
    expect(plan.sites.filter((s) => s.servedTokensPerSecond > 0).length).toBeGreaterThan(3);
    expect(plan.timings.totalMs).toBeLessThan(5000);
    checkPlan(input, options, plan);
  });

  it('steady state with HiGHS gives shadow prices, and jslp the same cost', async () => {
    const highs = await solvePlacement(input, { solver: 'highs' });
    const jslp = await solvePlacement(input, { solver: 'jslp' });
    expect(highs.shadowPrices).not.toBeNull();
    expect(highs.shadowPrices!.demand.every((d) => d.marginalCostPerMillionTokens >= 0)).toBe(true);
    expect(Math.abs(jslp.objectivePerHour! - highs.objectivePerHour!) / highs.objectivePerHour!).toBeLessThanOrEqual(
      1e-6,
    );
  });

  it('24-hour plan: optimal, unserved only at the peaks and for true reasons', async () => {
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, periods: 24, capexMode: 'SUNK' };
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    expect(plan.totals!.servedTokensPerSecond / plan.totals!.demandTokensPerSecond).toBeGreaterThan(0.9);
    expect(new Set(plan.allocations.map((a) => a.period)).size).toBe(24);
    checkPlan(input, options, plan);
  });

  it('whole GPUs with expansion: integral counts within the gap, never below the LP', async () => {
    const options: PlanOptions = {
      ...DEFAULT_PLAN_OPTIONS,
      integerGpus: true,
      allowExpansion: true,
      capexMode: 'SUNK',
    };
    const plan = await solvePlacement(input, options);
    const relaxed = await solvePlacement(input, { ...options, integerGpus: false });
    expect(plan.status).toBe('optimal');
    expect(plan.mipGap!).toBeLessThanOrEqual(options.mipGapRelative);
    expect(plan.objectivePerHour!).toBeGreaterThanOrEqual(relaxed.objectivePerHour! * (1 - 1e-9));
    for (const site of plan.sites)
      for (const g of site.gpus) expect(Number.isInteger(g.gpusAdded) && Number.isInteger(g.peakGpusBusy)).toBe(true);
    checkPlan(input, options, plan);
  });

  it('is plain JSON', async () => {
    const plan = await solvePlacement(input, { periods: 24 });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});

describe('a RETIRED site in the data set (fixtures path)', () => {
  it('plans exactly as the same data set without the site, its inventory and its latency rows', async () => {
    const code = dataset.sites.find(
      (s) => s.status === 'ACTIVE' && dataset.latencies.some((l) => l.siteCode === s.code),
    )!.code;
    const retired = structuredClone(dataset);
    retired.sites.find((s) => s.code === code)!.status = 'RETIRED';
    const removed = structuredClone(dataset);
    removed.sites = removed.sites.filter((s) => s.code !== code);
    removed.latencies = removed.latencies.filter((l) => l.siteCode !== code);
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, solver: 'highs' };
    const withRetired = await solvePlacement(planningInputFromDataset(retired), options);
    const without = await solvePlacement(planningInputFromDataset(removed), options);
    expect(withRetired.status, withRetired.message ?? '').toBe('optimal');
    expect(withRetired.objectivePerHour).toBe(without.objectivePerHour);
    expect(withRetired.allocations).toEqual(without.allocations);
    expect(planningInputFromDataset(retired).latencies.some((l) => l.siteCode === code)).toBe(false);
  });
});
