// applyScenario: each kind of override on a small hand-built input; the
// argument is never changed; unknown references are reported with their path.
import { describe, expect, it } from 'vitest';
import type { PlanningInput } from '../../src/optimizer/types.js';
import { applyScenario, checkScenario, ScenarioError } from '../../src/scenarios/apply.js';
import {
  describeOverrides,
  scenarioOverridesSchema,
  scenarioPlanOptions,
  type ScenarioOverrides,
} from '../../src/scenarios/overrides.js';
import { baseInput, CLASS_STD, latencies, region, site } from '../optimizer/builders.js';

function input(): PlanningInput {
  return baseInput({
    workloadClasses: [
      { code: CLASS_STD, rttBudgetMs: 100, hourlyDemandProfile: [] },
      { code: 'BATCH', rttBudgetMs: null, hourlyDemandProfile: [] },
    ],
    gpuTypes: [
      {
        code: 'G1',
        powerKw: 1,
        capexPerHour: 2,
        throughputs: [{ workloadClassCode: CLASS_STD, tokensPerSecond: 1000 }],
      },
      {
        code: 'G2',
        powerKw: 2,
        capexPerHour: 3,
        throughputs: [{ workloadClassCode: CLASS_STD, tokensPerSecond: 3000 }],
      },
    ],
    sites: [
      site('US-A', { pricePerKwh: 0.1, hourlyPricesPerKwh: Array(24).fill(0.1), gpus: { G1: 10, G2: 4 } }),
      site('US-B', { pricePerKwh: 0.2 }),
      site('DE-A', { country: 'DE', pricePerKwh: 0.3 }),
    ],
    regions: [
      region('R1', 1000, {
        demand: [
          { workloadClassCode: CLASS_STD, tokensPerSecond: 1000, rttBudgetMs: null },
          { workloadClassCode: 'BATCH', tokensPerSecond: 500, rttBudgetMs: null },
        ],
      }),
      region('R2', 2000, { demand: [{ workloadClassCode: CLASS_STD, tokensPerSecond: 2000, rttBudgetMs: 80 }] }),
    ],
    latencies: latencies([
      ['US-A', 'R1', 10],
      ['US-B', 'R1', 20],
      ['DE-A', 'R2', 30],
    ]),
  });
}

const parse = (overrides: unknown): ScenarioOverrides => scenarioOverridesSchema.parse(overrides);
const price = (result: PlanningInput, code: string) => result.sites.find((s) => s.code === code)!.pricePerKwh;
const demand = (result: PlanningInput, regionCode: string, classCode: string) =>
  result.regions.find((r) => r.code === regionCode)!.demand.find((d) => d.workloadClassCode === classCode)!;

describe('applyScenario', () => {
  it('changes nothing without overrides, and never changes its argument', () => {
    const original = input();
    const copy = structuredClone(original);
    expect(applyScenario(original, {})).toEqual(copy);
    applyScenario(
      original,
      parse({
        priceMultipliers: [{ scope: 'ALL', multiplier: 2 }],
        demandGrowth: [{ multiplier: 3 }],
        sitesOut: ['US-B'],
        unavailableGpuTypes: ['G2'],
      }),
    );
    expect(original).toEqual(copy);
  });

  it('multiplies prices by site, by country or everywhere, hourly prices included', () => {
    const bySite = applyScenario(
      input(),
      parse({ priceMultipliers: [{ scope: 'SITE', code: 'US-B', multiplier: 1.5 }] }),
    );
    expect([price(bySite, 'US-A'), price(bySite, 'US-B'), price(bySite, 'DE-A')]).toEqual([
      0.1,
      expect.closeTo(0.3, 12),
      0.3,
    ]);
    const byCountry = applyScenario(
      input(),
      parse({ priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 2 }] }),
    );
    expect([price(byCountry, 'US-A'), price(byCountry, 'US-B'), price(byCountry, 'DE-A')]).toEqual([0.2, 0.4, 0.3]);
    expect(byCountry.sites[0]!.hourlyPricesPerKwh.every((h) => Math.abs(h - 0.2) < 1e-12)).toBe(true);
    const all = applyScenario(input(), parse({ priceMultipliers: [{ scope: 'ALL', multiplier: 0.5 }] }));
    expect(all.sites.map((s) => s.pricePerKwh)).toEqual([0.05, 0.1, 0.15]);
  });

  it('sets absolute prices before multipliers, keeping the hourly shape', () => {
    const result = applyScenario(
      input(),
      parse({
        absolutePricesPerKwh: [{ scope: 'COUNTRY', code: 'US', pricePerKwh: 0.05 }],
        priceMultipliers: [{ scope: 'SITE', code: 'US-A', multiplier: 2 }],
      }),
    );
    expect([price(result, 'US-A'), price(result, 'US-B'), price(result, 'DE-A')]).toEqual([0.1, 0.05, 0.3]);
    expect(result.sites[0]!.hourlyPricesPerKwh.every((h) => Math.abs(h - 0.1) < 1e-12)).toBe(true);
  });

  it('grows demand by region, by class, by both or everywhere', () => {
    const byRegion = applyScenario(input(), parse({ demandGrowth: [{ regionCode: 'R1', multiplier: 2 }] }));
    expect([
      demand(byRegion, 'R1', CLASS_STD).tokensPerSecond,
      demand(byRegion, 'R1', 'BATCH').tokensPerSecond,
      demand(byRegion, 'R2', CLASS_STD).tokensPerSecond,
    ]).toEqual([2000, 1000, 2000]);
    const byClass = applyScenario(input(), parse({ demandGrowth: [{ workloadClassCode: 'BATCH', multiplier: 0 }] }));
    expect([demand(byClass, 'R1', CLASS_STD).tokensPerSecond, demand(byClass, 'R1', 'BATCH').tokensPerSecond]).toEqual([
      1000, 0,
    ]);
    const both = applyScenario(
      input(),
      parse({ demandGrowth: [{ regionCode: 'R2', workloadClassCode: CLASS_STD, multiplier: 1.5 }, { multiplier: 2 }] }),
    );
    expect([demand(both, 'R1', CLASS_STD).tokensPerSecond, demand(both, 'R2', CLASS_STD).tokensPerSecond]).toEqual([
      2000, 6000,
    ]);
  });

  it('changes RTT budgets per class (absolute or delta) and per region × class', () => {
    const perClass = applyScenario(
      input(),
      parse({ rttBudgetChanges: [{ workloadClassCode: CLASS_STD, deltaMs: -20 }] }),
    );
    expect(perClass.workloadClasses[0]!.rttBudgetMs).toBe(80);
    // R1 had no budget of its own (it follows the class); R2's own 80 ms moves too
    expect([demand(perClass, 'R1', CLASS_STD).rttBudgetMs, demand(perClass, 'R2', CLASS_STD).rttBudgetMs]).toEqual([
      null,
      60,
    ]);
    const absolute = applyScenario(
      input(),
      parse({ rttBudgetChanges: [{ workloadClassCode: CLASS_STD, budgetMs: 150 }] }),
    );
    expect([absolute.workloadClasses[0]!.rttBudgetMs, demand(absolute, 'R2', CLASS_STD).rttBudgetMs]).toEqual([
      150, 150,
    ]);
    const perRegion = applyScenario(
      input(),
      parse({ rttBudgetChanges: [{ workloadClassCode: CLASS_STD, regionCode: 'R1', deltaMs: 25 }] }),
    );
    expect([
      perRegion.workloadClasses[0]!.rttBudgetMs,
      demand(perRegion, 'R1', CLASS_STD).rttBudgetMs,
      demand(perRegion, 'R2', CLASS_STD).rttBudgetMs,
    ]).toEqual([100, 125, 80]);
    // a class without a limit keeps none under a delta
    const batch = applyScenario(input(), parse({ rttBudgetChanges: [{ workloadClassCode: 'BATCH', deltaMs: 10 }] }));
    expect(batch.workloadClasses[1]!.rttBudgetMs).toBeNull();
    expect(
      checkScenario(input(), parse({ rttBudgetChanges: [{ workloadClassCode: CLASS_STD, deltaMs: -500 }] })),
    ).toEqual([{ path: 'rttBudgetChanges[0].deltaMs', message: 'would make an RTT budget negative' }]);
    expect(
      checkScenario(
        input(),
        parse({ rttBudgetChanges: [{ workloadClassCode: 'BATCH', regionCode: 'R2', deltaMs: 5 }] }),
      ),
    ).toEqual([{ path: 'rttBudgetChanges[0].regionCode', message: 'region R2 has no BATCH demand' }]);
  });

  it('adds and removes GPUs, creating inventory rows, and refuses negative counts', () => {
    const result = applyScenario(
      input(),
      parse({
        inventoryDeltas: [
          { siteCode: 'US-A', gpuTypeCode: 'G1', installedDelta: -4, maxAdditionalDelta: 6 },
          { siteCode: 'US-B', gpuTypeCode: 'G2', installedDelta: 8 },
        ],
      }),
    );
    expect(result.sites[0]!.inventory).toEqual([
      { gpuTypeCode: 'G1', installed: 6, maxAdditional: 6 },
      { gpuTypeCode: 'G2', installed: 4, maxAdditional: 0 },
    ]);
    expect(result.sites[1]!.inventory).toContainEqual({ gpuTypeCode: 'G2', installed: 8, maxAdditional: 0 });
    expect(
      checkScenario(
        input(),
        parse({ inventoryDeltas: [{ siteCode: 'US-B', gpuTypeCode: 'G1', installedDelta: -11 }] }),
      ),
    ).toEqual([{ path: 'inventoryDeltas[0].installedDelta', message: 'would leave -1 G1 installed at US-B' }]);
  });

  it('takes an unavailable GPU type out of every site and of the GPU list', () => {
    const result = applyScenario(input(), parse({ unavailableGpuTypes: ['G2'] }));
    expect(result.gpuTypes.map((g) => g.code)).toEqual(['G1']);
    expect(result.sites[0]!.inventory.map((inv) => inv.gpuTypeCode)).toEqual(['G1']);
  });

  it('takes sites out with their latencies', () => {
    const result = applyScenario(input(), parse({ sitesOut: ['US-A', 'DE-A'] }));
    expect(result.sites.map((s) => s.code)).toEqual(['US-B']);
    expect(result.latencies).toEqual(latencies([['US-B', 'R1', 20]]));
  });

  it('puts the carbon price and plan options into the plan options, not the snapshot', () => {
    const overrides = parse({ carbonPricePerTonne: 80, planOptions: { allowExpansion: true, maxSiteShare: null } });
    expect(applyScenario(input(), overrides)).toEqual(input());
    expect(scenarioPlanOptions(overrides)).toEqual({
      allowExpansion: true,
      maxSiteShare: null,
      carbonPricePerTonne: 80,
    });
    expect(describeOverrides(overrides)).toEqual([
      'carbon price 80 USD/t',
      'plan options: allowExpansion=true, maxSiteShare=null',
    ]);
  });

  it('raises PUE by a delta or a multiplier, by country or site, and refuses a PUE outside [1, 3]', () => {
    const hot = applyScenario(
      input(),
      parse({
        pueChanges: [
          { scope: 'COUNTRY', code: 'US', delta: 0.25 },
          { scope: 'SITE', code: 'US-A', multiplier: 1.2 },
        ],
      }),
    );
    const pue = (result: PlanningInput, code: string) => result.sites.find((s) => s.code === code)!.pue;
    expect([pue(hot, 'US-A'), pue(hot, 'US-B'), pue(hot, 'DE-A')]).toEqual([expect.closeTo(1.5, 12), 1.25, 1]);
    expect(
      describeOverrides(
        parse({
          pueChanges: [
            { scope: 'COUNTRY', code: 'US', delta: 0.25 },
            { scope: 'ALL', multiplier: 1.1 },
          ],
        }),
      ),
    ).toEqual(['PUE +0.25 for sites in US', 'PUE ×1.1 for all sites']);
    expect(() => applyScenario(input(), parse({ pueChanges: [{ scope: 'ALL', delta: -0.5 }] }))).toThrow(
      'pueChanges[0].delta: would make the PUE of US-A 0.5 (must stay in [1, 3])',
    );
    expect(
      scenarioOverridesSchema.safeParse({ pueChanges: [{ scope: 'ALL', delta: 0.1, multiplier: 1.1 }] }).error
        ?.issues[0],
    ).toMatchObject({
      path: ['pueChanges', 0, 'multiplier'],
      message: 'give exactly one of multiplier or delta',
    });
  });

  it('multiplies power caps by country, by site or everywhere', () => {
    const capped = applyScenario(
      input(),
      parse({
        powerCapMultipliers: [
          { scope: 'ALL', multiplier: 0.9 },
          { scope: 'COUNTRY', code: 'DE', multiplier: 0.5 },
        ],
      }),
    );
    expect(capped.sites.map((s) => s.powerCapKw)).toEqual([900_000, 900_000, 450_000]);
    expect(
      describeOverrides(parse({ powerCapMultipliers: [{ scope: 'SITE', code: 'DE-A', multiplier: 0.8 }] })),
    ).toEqual(['power cap ×0.8 for site DE-A']);
  });

  it('sets which countries may serve regions, named by code or by their country', () => {
    const base = input();
    base.regions.find((r) => r.code === 'R2')!.country = 'DE';
    const byCode = applyScenario(
      base,
      parse({ residencyRules: [{ regionCodes: ['R1'], allowedCountries: ['US', 'CA'] }] }),
    );
    expect(byCode.regions.map((r) => r.allowedCountries)).toEqual([['US', 'CA'], []]);
    const byCountry = applyScenario(
      base,
      parse({ residencyRules: [{ regionCountries: ['DE'], allowedCountries: ['DE', 'FR'] }] }),
    );
    expect(byCountry.regions.map((r) => r.allowedCountries)).toEqual([[], ['DE', 'FR']]);
    expect(
      describeOverrides(parse({ residencyRules: [{ regionCountries: ['DE'], allowedCountries: ['DE', 'FR'] }] })),
    ).toEqual(['regions in DE served only from DE, FR']);
    expect(() =>
      applyScenario(
        base,
        parse({
          residencyRules: [
            { regionCodes: ['R1', 'MARS'], allowedCountries: ['US'] },
            { regionCountries: ['JP'], allowedCountries: ['JP'] },
          ],
        }),
      ),
    ).toThrow(
      'residencyRules[0].regionCodes[1]: no region MARS; residencyRules[1].regionCountries[0]: no region in country JP',
    );
    const bad = scenarioOverridesSchema.safeParse({
      residencyRules: [{ regionCodes: ['R1'], regionCountries: ['DE'], allowedCountries: ['XX'] }],
    });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual(
      expect.arrayContaining([
        ['residencyRules.0.allowedCountries.0', 'allowedCountries must be an ISO 3166-1 alpha-2 country code'],
        ['residencyRules.0.regionCodes', 'give exactly one of regionCodes or regionCountries'],
      ]),
    );
  });

  it('reports every unknown site, country, region, class and GPU type with its path', () => {
    const overrides = parse({
      priceMultipliers: [{ scope: 'COUNTRY', code: 'FR', multiplier: 2 }],
      absolutePricesPerKwh: [{ scope: 'SITE', code: 'XX-1', pricePerKwh: 0.1 }],
      demandGrowth: [{ regionCode: 'R9', workloadClassCode: 'NOPE', multiplier: 2 }],
      inventoryDeltas: [{ siteCode: 'US-A', gpuTypeCode: 'G9', installedDelta: 1 }],
      unavailableGpuTypes: ['G1', 'G7'],
      sitesOut: ['US-Z'],
    });
    expect(() => applyScenario(input(), overrides)).toThrow(ScenarioError);
    expect(checkScenario(input(), overrides)).toEqual([
      { path: 'absolutePricesPerKwh[0].code', message: 'no site XX-1' },
      { path: 'priceMultipliers[0].code', message: 'no site in country FR' },
      { path: 'demandGrowth[0].regionCode', message: 'no region R9' },
      { path: 'demandGrowth[0].workloadClassCode', message: 'no workload class NOPE' },
      { path: 'inventoryDeltas[0].gpuTypeCode', message: 'no GPU type G9' },
      { path: 'unavailableGpuTypes[1]', message: 'no GPU type G7' },
      { path: 'sitesOut[0]', message: 'no site US-Z' },
    ]);
  });
});

describe('scenarioOverridesSchema', () => {
  it('names the field of every problem', () => {
    const parsed = scenarioOverridesSchema.safeParse({
      priceMultipliers: [{ scope: 'COUNTRY', multiplier: -1 }],
      rttBudgetChanges: [{ workloadClassCode: CLASS_STD, budgetMs: 10, deltaMs: 5 }],
      planOptions: { targetUtilization: 2, bogus: 1 },
      surprise: true,
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['priceMultipliers.0.multiplier', 'multiplier must be in [0, 100]'],
        ['priceMultipliers.0.code', 'code is required for scope COUNTRY'],
        ['rttBudgetChanges.0.budgetMs', 'give exactly one of budgetMs or deltaMs'],
        ['planOptions.targetUtilization', 'targetUtilization must be in (0, 1]'],
        ['planOptions.bogus', 'is not a known plan option'],
      ]),
    );
    expect(parsed.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});
