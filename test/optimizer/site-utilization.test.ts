// A site's utilization agrees with its GPU rows: the peak is the GPUs busy at
// each type's own peak over the site's GPUs, the mean the GPUs busy on average;
// recomputed here from the rows of a solved 24-hour fixture plan.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/dataset/load.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import { siteUtilization } from '../../src/optimizer/interpret/summaries.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import type { PlanResult, SiteGpuPlan } from '../../src/optimizer/types.js';

const row = (installed: number, gpusAdded: number, gpusBusy: number, peakGpusBusy: number): SiteGpuPlan => ({
  gpuTypeCode: 'X',
  installed,
  gpusAdded,
  gpusBusy,
  peakGpusBusy,
  utilization: peakGpusBusy / (installed + gpusAdded),
});

describe('siteUtilization', () => {
  it('weights each GPU type by its GPUs, at its own peak (types that peak at different hours still add up)', () => {
    // 8 of 10 at one type's peak, 6 of 10 (4 installed + 6 bought) at the other's
    expect(siteUtilization([row(10, 0, 4, 8), row(4, 6, 2, 6)])).toEqual({ mean: 0.3, peak: 0.7 });
    expect(siteUtilization([])).toEqual({ mean: 0, peak: 0 });
    expect(siteUtilization([row(0, 0, 0, 0)])).toEqual({ mean: 0, peak: 0 });
  });
});

describe('a solved 24-hour fixture plan', () => {
  let plan: PlanResult;
  beforeAll(async () => {
    const { dataset } = await loadFixtures();
    plan = await solvePlacement(planningInputFromDataset(dataset), { periods: 24, solver: 'highs' });
  }, 60_000);

  it("gives every site the utilization its rows give, the capacity-weighted mean of the rows' utilization", () => {
    const loaded = plan.sites.filter((site) => site.servedTokensPerSecond > 0);
    expect(loaded.length).toBeGreaterThan(5);
    for (const site of plan.sites) {
      const capacity = site.gpus.reduce((sum, g) => sum + g.installed + g.gpusAdded, 0);
      const peakBusy = site.gpus.reduce((sum, g) => sum + g.peakGpusBusy, 0);
      const weighted = site.gpus.reduce((sum, g) => sum + g.utilization * (g.installed + g.gpusAdded), 0);
      expect(site.utilization, site.siteCode).toBeCloseTo(capacity > 0 ? peakBusy / capacity : 0, 9);
      expect(site.utilization, site.siteCode).toBeCloseTo(capacity > 0 ? weighted / capacity : 0, 9);
    }
    // a day's mean is below its peak wherever demand varies over the day
    const means = loaded.map((site) => siteUtilization(site.gpus));
    expect(means.some((u) => u.mean < u.peak - 0.01)).toBe(true);
    expect(means.every((u) => u.mean <= u.peak + 1e-9)).toBe(true);
  });
});
