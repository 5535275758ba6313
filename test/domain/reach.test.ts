// One reach rule: the API's reach fields (domain/reach.ts, called as the
// Site.reach and DemandRegion.candidateSites resolvers call it) and the
// optimizer's route pruning agree on every site × region × class of the
// fixtures. The optimizer also drops sites that cannot run a class at all, so
// its routes are the API's reach less those.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/dataset/load.js';
import { ONE_MODEL_FIXTURES_DIR } from '../../src/paths.js';
import type { Dataset } from '../../src/dataset/schema.js';
import { reachableRegions, type ReachLatency } from '../../src/domain/reach.js';
import { classesEachSiteRuns } from '../../src/optimizer/compile/routes.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import { allowedCountriesOf, effectiveRttBudgetMs, reach } from '../../src/optimizer/reach.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';

let dataset: Dataset;

beforeAll(async () => {
  // data without models: one demand per region × class (the reach fields do not yet take a model)
  const parsed = await loadFixtures(ONE_MODEL_FIXTURES_DIR);
  expect(parsed.issues).toEqual([]);
  // Every site takes part (PLANNED and RETIRED ones are left out of plans for other reasons).
  dataset = { ...parsed.dataset, sites: parsed.dataset.sites.map((site) => ({ ...site, status: 'ACTIVE' as const })) };
});

const key = (site: string, region: string, workloadClass: string) => `${site}|${region}|${workloadClass}`;

/** (site, region, class) the API lists, with the rows shaped as the resolvers select them. */
function apiReach(data: Dataset): Set<string> {
  const reachable = new Set<string>();
  for (const site of data.sites) {
    const latencies: ReachLatency[] = data.latencies
      .filter((latency) => latency.siteCode === site.code)
      .map((latency) => {
        const region = data.demandRegions.find((r) => r.code === latency.regionCode)!;
        return {
          rttMs: latency.rttMs,
          region: {
            code: region.code,
            allowedCountries: region.allowedCountries,
            demands: region.demand.map((d) => ({
              rttBudgetMs: d.rttBudgetMs,
              workloadClass: { code: d.workloadClassCode },
            })),
          },
        };
      });
    for (const workloadClass of data.workloadClasses) {
      for (const entry of reachableRegions({ country: site.country, latencies }, workloadClass)) {
        reachable.add(key(site.code, entry.regionCode, workloadClass.code));
      }
    }
  }
  return reachable;
}

/** (site, region, class) the optimizer made a route for, read from the compiled model's route columns. */
function optimizerRoutes(data: Dataset) {
  const { prepared, compiled } = buildPlanModel(planningInputFromDataset(data), {
    ...DEFAULT_PLAN_OPTIONS,
    allowExpansion: true,
  });
  const { layout } = compiled;
  const routes = new Set<string>();
  for (let j = layout.routes.start; j < layout.routes.end; j++) {
    const site = prepared.sites[layout.columns.site[j]!]!.code;
    for (const g of layout.groups[layout.columns.group[j]!]!.members) {
      const r = layout.demandOffset.findLastIndex((offset) => offset <= g);
      const region = prepared.regions[r]!;
      const workloadClass = prepared.classes[region.demands[g - layout.demandOffset[r]!]!.classIndex]!.code;
      routes.add(key(site, region.code, workloadClass));
    }
  }
  const runs = classesEachSiteRuns(prepared);
  const canRun = (site: string, workloadClass: string) => {
    const s = prepared.sites.findIndex((x) => x.code === site);
    const k = prepared.classes.findIndex((x) => x.code === workloadClass);
    return s >= 0 && runs[s * prepared.classes.length + k] === 1;
  };
  const demands = prepared.regions.reduce((sum, region) => sum + region.demands.length, 0);
  return { routes, canRun, sites: prepared.sites.length, demands };
}

describe('the reach rule', () => {
  it('is the same in the API and in the optimizer, on every site × region × class of the fixtures', () => {
    const api = apiReach(dataset);
    const optimizer = optimizerRoutes(dataset);
    // The comparison covers the whole cross product: every site and every region's every class is in the model.
    expect(optimizer.sites).toBe(dataset.sites.length);
    expect(optimizer.demands).toBe(dataset.demandRegions.length * dataset.workloadClasses.length);
    const combinations = dataset.sites.length * dataset.demandRegions.length * dataset.workloadClasses.length;
    // The rule prunes something and keeps something.
    expect(api.size).toBeGreaterThan(0);
    expect(api.size).toBeLessThan(combinations);
    const expected = [...api].filter((k) => {
      const [site, , workloadClass] = k.split('|') as [string, string, string];
      return optimizer.canRun(site, workloadClass);
    });
    expect([...optimizer.routes].sort()).toEqual(expected.sort());
  });

  it('takes the region’s budget over the class default, counts an unknown RTT as too far, and checks latency first', () => {
    expect(effectiveRttBudgetMs(150, 300)).toBe(150);
    expect(effectiveRttBudgetMs(null, 300)).toBe(300);
    expect(effectiveRttBudgetMs(undefined, null)).toBeNull();
    const onlyDe = allowedCountriesOf(['DE']);
    expect(allowedCountriesOf([])).toBeNull();
    expect(reach('US', 80, 100, null)).toBe('REACHABLE');
    expect(reach('US', 100, 100, null)).toBe('REACHABLE');
    expect(reach('US', 101, 100, onlyDe)).toBe('BEYOND_RTT_BUDGET');
    expect(reach('US', Number.NaN, 100, null)).toBe('BEYOND_RTT_BUDGET');
    expect(reach('US', Number.NaN, null, null)).toBe('REACHABLE');
    expect(reach('US', 50, 100, onlyDe)).toBe('RESIDENCY');
    expect(reach('DE', 50, 100, onlyDe)).toBe('REACHABLE');
  });
});
