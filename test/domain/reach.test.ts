// One reach rule: the API's reach fields (domain/reach.ts, called as the
// Site.reach and DemandRegion.candidateSites resolvers call it) and the
// optimizer's route pruning agree on every site × region × model × class of the
// fixtures, on the data without models and on the seven-model data. The
// optimizer also drops sites that cannot run a model's class at all, so its
// routes are the API's reach less those.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/dataset/load.js';
import { FIXTURES_DIR, ONE_MODEL_FIXTURES_DIR } from '../../src/paths.js';
import type { Dataset } from '../../src/dataset/schema.js';
import { reachableRegions, type ReachLatency } from '../../src/domain/reach.js';
import { classesEachSiteRuns } from '../../src/optimizer/compile/routes.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import { allowedCountriesOf, effectiveRttBudgetMs, reach } from '../../src/optimizer/reach.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';

const datasets: Record<'one-model' | 'seven-model', Dataset> = {} as never;

beforeAll(async () => {
  for (const [name, dir] of [
    ['one-model', ONE_MODEL_FIXTURES_DIR],
    ['seven-model', FIXTURES_DIR],
  ] as const) {
    const parsed = await loadFixtures(dir);
    expect(parsed.issues).toEqual([]);
    // Every site takes part (PLANNED and RETIRED ones are left out of plans for other reasons).
    datasets[name] = {
      ...parsed.dataset,
      sites: parsed.dataset.sites.map((site) => ({ ...site, status: 'ACTIVE' as const })),
    };
  }
});

const key = (site: string, region: string, model: string, workloadClass: string) =>
  `${site}|${region}|${model}|${workloadClass}`;

const modelCodes = (data: Dataset) =>
  [...new Set(data.demandRegions.flatMap((r) => r.demand.map((d) => d.modelCode)))].sort();

/** (site, region, model, class) the API lists where the region has demand of that model and class, with the rows shaped as the resolvers select them. */
function apiReach(data: Dataset): Set<string> {
  const reachable = new Set<string>();
  const demanded = new Set(
    data.demandRegions.flatMap((r) =>
      r.demand.filter((d) => d.tokensPerSecond > 0).map((d) => `${r.code}|${d.modelCode}|${d.workloadClassCode}`),
    ),
  );
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
              model: { code: d.modelCode },
            })),
          },
        };
      });
    for (const model of modelCodes(data)) {
      for (const workloadClass of data.workloadClasses) {
        for (const entry of reachableRegions({ country: site.country, latencies }, workloadClass, model)) {
          if (demanded.has(`${entry.regionCode}|${model}|${workloadClass.code}`))
            reachable.add(key(site.code, entry.regionCode, model, workloadClass.code));
        }
      }
    }
  }
  return reachable;
}

/** (site, region, model, class) the optimizer made a route for, read from the compiled model's route columns. */
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
      const service = prepared.classes[region.demands[g - layout.demandOffset[r]!]!.classIndex]!;
      routes.add(key(site, region.code, service.modelCode, service.code));
    }
  }
  const runs = classesEachSiteRuns(prepared);
  const canRun = (site: string, model: string, workloadClass: string) => {
    const s = prepared.sites.findIndex((x) => x.code === site);
    const k = prepared.classes.findIndex((x) => x.code === workloadClass && x.modelCode === model);
    return s >= 0 && k >= 0 && runs[s * prepared.classes.length + k] === 1;
  };
  const demands = prepared.regions.reduce((sum, region) => sum + region.demands.length, 0);
  return { routes, canRun, sites: prepared.sites.length, demands };
}

function expectSameReach(data: Dataset) {
  const api = apiReach(data);
  const optimizer = optimizerRoutes(data);
  // The comparison covers the whole cross product: every site and every region's every demand is in the model.
  expect(optimizer.sites).toBe(data.sites.length);
  expect(optimizer.demands).toBe(data.demandRegions.reduce((sum, r) => sum + r.demand.length, 0));
  const combinations = optimizer.sites * optimizer.demands;
  // The rule prunes something and keeps something.
  expect(api.size).toBeGreaterThan(0);
  expect(api.size).toBeLessThan(combinations);
  const expected = [...api].filter((k) => {
    const [site, , model, workloadClass] = k.split('|') as [string, string, string, string];
    return optimizer.canRun(site, model, workloadClass);
  });
  expect([...optimizer.routes].sort()).toEqual(expected.sort());
  return api;
}

describe('the reach rule', () => {
  it.each(['one-model', 'seven-model'] as const)(
    'is the same in the API and in the optimizer, on every site × region × model × class of the %s fixtures',
    (name) => {
      const data = datasets[name];
      expect(modelCodes(data)).toHaveLength(name === 'one-model' ? 1 : 7);
      // one demand per region × model × class
      expect(
        data.demandRegions.every((r) => r.demand.length === data.workloadClasses.length * modelCodes(data).length),
      ).toBe(true);
      expectSameReach(data);
    },
  );

  it('takes the budget override of the model asked about, not of another model of the same class', () => {
    const data = datasets['seven-model'];
    const [tightened, untouched] = ['DEEPSEEK-R1', 'LLAMA-3.1-8B'];
    const region = data.demandRegions.find((r) => r.code === 'US-EAST')!;
    // a budget that keeps only the sites within 20 ms of US-EAST, for DeepSeek-R1's INTERACTIVE demand there
    const withTightBudget: Dataset = {
      ...data,
      demandRegions: data.demandRegions.map((r) =>
        r !== region
          ? r
          : {
              ...r,
              demand: r.demand.map((d) =>
                d.modelCode === tightened && d.workloadClassCode === 'INTERACTIVE' ? { ...d, rttBudgetMs: 20 } : d,
              ),
            },
      ),
    };
    const before = apiReach(data);
    const after = expectSameReach(withTightBudget);
    const at = (set: Set<string>, model: string) =>
      [...set].filter((k) => k.includes(`|US-EAST|${model}|INTERACTIVE`)).sort();
    const nearSites = data.latencies.filter((l) => l.regionCode === 'US-EAST' && l.rttMs <= 20).map((l) => l.siteCode);
    expect(nearSites.length).toBeGreaterThan(0);
    expect(at(after, tightened).length).toBeLessThan(at(before, tightened).length);
    expect(
      at(after, tightened)
        .map((k) => k.split('|')[0])
        .every((site) => nearSites.includes(site!)),
    ).toBe(true);
    expect(at(after, untouched)).toEqual(at(before, untouched));
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
