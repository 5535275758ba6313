// Scenarios with several models (#13): demand growth for one model in some
// countries' regions, and a model made unavailable, its demand left unserved
// (MODEL_UNAVAILABLE) or moved onto a substitute. applyScenario's numbers by
// hand, then real solves of a small hand-solved input with both solvers.
import { describe, expect, it } from 'vitest';
import { solvePlacement } from '../../src/optimizer/solve.js';
import {
  DEFAULT_PLAN_OPTIONS,
  type PlanningDemand,
  type PlanningInput,
  type PlanResult,
  type SolverName,
} from '../../src/optimizer/types.js';
import { applyScenario, checkScenario } from '../../src/scenarios/apply.js';
import { describeOverrides, scenarioOverridesSchema, type ScenarioOverrides } from '../../src/scenarios/overrides.js';
import { checkPlan } from '../optimizer/check-plan.js';
import { baseInput, latencies, perMillion, region, site, smallAndLarge } from '../optimizer/builders.js';

const STD = 'STD';
const BATCH = 'BATCH';
const row = (
  modelCode: string,
  workloadClassCode: string,
  tokensPerSecond: number,
  rttBudgetMs: number | null = null,
) => ({ modelCode, workloadClassCode, tokensPerSecond, rttBudgetMs }) satisfies PlanningDemand;

/** Models A, B, C; two European regions (FR, DE) and one American. */
function input(): PlanningInput {
  return baseInput({
    models: [{ code: 'A' }, { code: 'B' }, { code: 'C' }],
    workloadClasses: [
      { code: STD, rttBudgetMs: 100, hourlyDemandProfile: [] },
      { code: BATCH, rttBudgetMs: null, hourlyDemandProfile: [] },
    ],
    gpuTypes: [
      {
        code: 'G1',
        powerKw: 1,
        capexPerHour: 2,
        throughputs: ['A', 'B', 'C'].flatMap((modelCode) => [
          { modelCode, workloadClassCode: STD, tokensPerSecond: 1000 },
          { modelCode, workloadClassCode: BATCH, tokensPerSecond: 1000 },
        ]),
      },
    ],
    sites: [site('FR-1', { country: 'FR', gpus: { G1: 100 } })],
    regions: [
      region('EU1', 0, { country: 'FR', demand: [row('A', STD, 1000), row('A', BATCH, 200), row('B', STD, 300)] }),
      region('EU2', 0, { country: 'DE', demand: [row('A', STD, 500, 90), row('C', BATCH, 50)] }),
      region('US1', 0, { country: 'US', demand: [row('A', STD, 4000), row('B', STD, 100)] }),
    ],
    latencies: latencies([
      ['FR-1', 'EU1', 10],
      ['FR-1', 'EU2', 20],
      ['FR-1', 'US1', 80],
    ]),
  });
}

const parse = (overrides: unknown): ScenarioOverrides => scenarioOverridesSchema.parse(overrides);
/** each region's demand rows as [model, class, tokens/s, budget] */
const demandOf = (result: PlanningInput) =>
  Object.fromEntries(
    result.regions.map((r) => [
      r.code,
      r.demand.map((d) => [d.modelCode, d.workloadClassCode, d.tokensPerSecond, d.rttBudgetMs]),
    ]),
  );

describe('demand growth per model', () => {
  it('grows one model’s demand in the regions of some countries, and no other', () => {
    const result = applyScenario(
      input(),
      parse({ demandGrowth: [{ modelCode: 'A', regionCountries: ['FR', 'DE'], multiplier: 2 }] }),
    );
    expect(demandOf(result)).toEqual({
      EU1: [
        ['A', STD, 2000, null],
        ['A', BATCH, 400, null],
        ['B', STD, 300, null],
      ],
      EU2: [
        ['A', STD, 1000, 90],
        ['C', BATCH, 50, null],
      ],
      US1: [
        ['A', STD, 4000, null],
        ['B', STD, 100, null],
      ],
    });
  });

  it('takes a model everywhere, a model and a class, and a model in one region', () => {
    const result = applyScenario(
      input(),
      parse({
        demandGrowth: [
          { modelCode: 'B', multiplier: 3 },
          { modelCode: 'A', workloadClassCode: BATCH, multiplier: 0.5 },
          { modelCode: 'A', regionCode: 'US1', multiplier: 1.25 },
        ],
      }),
    );
    expect(demandOf(result)).toEqual({
      EU1: [
        ['A', STD, 1000, null],
        ['A', BATCH, 100, null],
        ['B', STD, 900, null],
      ],
      EU2: [
        ['A', STD, 500, 90],
        ['C', BATCH, 50, null],
      ],
      US1: [
        ['A', STD, 5000, null],
        ['B', STD, 300, null],
      ],
    });
  });

  it('names an unknown model, a country without a region, and regionCode with regionCountries', () => {
    expect(
      checkScenario(
        input(),
        parse({
          demandGrowth: [
            { modelCode: 'DEEPSEEK-R1', multiplier: 2 },
            { modelCode: 'A', regionCountries: ['FR', 'JP'], multiplier: 2 },
          ],
        }),
      ),
    ).toEqual([
      { path: 'demandGrowth[0].modelCode', message: 'no model DEEPSEEK-R1' },
      { path: 'demandGrowth[1].regionCountries[1]', message: 'no region in country JP' },
    ]);
    const both = scenarioOverridesSchema.safeParse({
      demandGrowth: [{ regionCode: 'EU1', regionCountries: ['FR'], multiplier: 2 }],
    });
    expect(both.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['demandGrowth.0.regionCountries', 'give at most one of regionCode or regionCountries'],
    ]);
    const notCountry = scenarioOverridesSchema.safeParse({
      demandGrowth: [{ regionCountries: ['Europe'], multiplier: 2 }],
    });
    expect(notCountry.error?.issues.map((i) => i.path.join('.'))).toEqual(['demandGrowth.0.regionCountries.0']);
  });

  it('says what it does in words', () => {
    expect(
      describeOverrides(
        parse({
          demandGrowth: [
            { modelCode: 'A', regionCountries: ['FR', 'DE'], multiplier: 2 },
            { workloadClassCode: STD, regionCode: 'EU1', multiplier: 1.5 },
          ],
          unavailableModels: [{ modelCode: 'A', substituteModelCode: 'B' }, { modelCode: 'C' }],
        }),
      ),
    ).toEqual([
      'A demand ×2 for every class in regions in FR, DE',
      'demand ×1.5 for STD in EU1',
      'model A unavailable: its demand moves to B',
      'model C unavailable: its demand goes unserved',
    ]);
  });
});

describe('unavailable models', () => {
  it('keeps the demand of a model without a substitute and marks the model unavailable', () => {
    const original = input();
    const result = applyScenario(original, parse({ unavailableModels: [{ modelCode: 'A' }] }));
    expect(demandOf(result)).toEqual(demandOf(original));
    expect(result.models).toEqual([{ code: 'A', unavailable: true }, { code: 'B' }, { code: 'C' }]);
    expect(original.models![0]).toEqual({ code: 'A' });
  });

  it('adds its demand to the substitute’s, per region and class, after the growth', () => {
    const result = applyScenario(
      input(),
      parse({
        demandGrowth: [{ modelCode: 'A', regionCountries: ['FR'], multiplier: 2 }],
        unavailableModels: [{ modelCode: 'A', substituteModelCode: 'B' }],
      }),
    );
    // EU1: B STD 300 + 2 × 1000; A BATCH 2 × 200 becomes a new B row. EU2: a new B row keeps A's 90 ms budget.
    expect(demandOf(result)).toEqual({
      EU1: [
        ['B', STD, 2300, null],
        ['B', BATCH, 400, null],
      ],
      EU2: [
        ['C', BATCH, 50, null],
        ['B', STD, 500, 90],
      ],
      US1: [['B', STD, 4100, null]],
    });
    expect(result.models!.find((m) => m.code === 'A')!.unavailable).toBe(true);
    const total = (i: PlanningInput) =>
      i.regions.flatMap((r) => r.demand).reduce((sum, d) => sum + d.tokensPerSecond, 0);
    expect(total(result)).toBe(total(input()) + 1200);
  });

  it('names an unknown model or substitute, a substitute that is the model or unavailable too, and a model given twice', () => {
    expect(
      checkScenario(
        input(),
        parse({ unavailableModels: [{ modelCode: 'Z' }, { modelCode: 'B', substituteModelCode: 'Y' }] }),
      ),
    ).toEqual([
      { path: 'unavailableModels[0].modelCode', message: 'no model Z' },
      { path: 'unavailableModels[1].substituteModelCode', message: 'no model Y' },
    ]);
    const bad = scenarioOverridesSchema.safeParse({
      unavailableModels: [
        { modelCode: 'A', substituteModelCode: 'A' },
        { modelCode: 'B', substituteModelCode: 'C' },
        { modelCode: 'C' },
        { modelCode: 'C' },
        { substituteModelCode: 'B' },
      ],
    });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['unavailableModels.0.substituteModelCode', 'substituteModelCode must be another model than modelCode'],
      ['unavailableModels.4.modelCode', 'modelCode must be a code'],
    ]);
    const listLevel = scenarioOverridesSchema.safeParse({
      unavailableModels: [{ modelCode: 'B', substituteModelCode: 'C' }, { modelCode: 'C' }, { modelCode: 'C' }],
    });
    expect(listLevel.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['unavailableModels.0.substituteModelCode', 'substituteModelCode C is itself unavailable'],
      ['unavailableModels.2.modelCode', 'model C is listed twice'],
    ]);
  });

  it('knows the DEFAULT model of data without models, and no other', () => {
    const plain = baseInput({ sites: [site('US-A', { gpus: { G1: 1 } })], regions: [region('R', 100)] });
    const result = applyScenario(plain, parse({ unavailableModels: [{ modelCode: 'DEFAULT' }] }));
    expect(result.models).toEqual([{ code: 'DEFAULT', unavailable: true }]);
    expect(checkScenario(plain, parse({ demandGrowth: [{ modelCode: 'A', multiplier: 2 }] }))).toEqual([
      { path: 'demandGrowth[0].modelCode', message: 'no model A' },
    ]);
  });
});

const model = (plan: PlanResult, code: string) => plan.models.find((m) => m.modelCode === code)!;

describe.each<SolverName>(['jslp', 'highs'])('a model unavailable, solved with %s', (solver) => {
  const options = { ...DEFAULT_PLAN_OPTIONS, targetUtilization: 1, solver };

  it('leaves its demand unserved as MODEL_UNAVAILABLE while the other model is served as before', async () => {
    const scenario = applyScenario(
      smallAndLarge({ L: 10, S: 5 }),
      parse({ unavailableModels: [{ modelCode: 'BIG' }] }),
    );
    const plan = await solvePlacement(scenario, options);
    expect(plan.status).toBe('optimal');
    expect(plan.unserved).toEqual([
      {
        regionCode: 'R',
        modelCode: 'BIG',
        workloadClassCode: STD,
        unservedTokensPerSecond: 2000,
        demandTokensPerSecond: 2000,
        periods: [0],
        reason: 'MODEL_UNAVAILABLE',
        candidateSites: [],
        explanation: 'BIG is unavailable: no site may serve it',
      },
    ]);
    expect(plan.allocations.filter((a) => a.modelCode === 'BIG')).toEqual([]);
    expect(model(plan, 'BIG')).toMatchObject({ demandTokensPerSecond: 2000, servedTokensPerSecond: 0, gpus: [] });
    // SMALL: 5 S GPUs × ($1 + 0.5 kW × $0.1) = $5.25/h; BIG's 2000 tok/s pay the $1000/Mtok penalty: $7200/h
    expect(plan.totals!.costPerHour.total).toBeCloseTo(5.25, 9);
    expect(plan.totals!.unservedPenaltyPerHour).toBeCloseTo(7200, 6);
    checkPlan(scenario, options, plan);
  });

  it('serves its demand as the substitute’s, on the GPUs the substitute can use', async () => {
    const scenario = applyScenario(
      smallAndLarge({ L: 10, S: 5 }),
      parse({ unavailableModels: [{ modelCode: 'BIG', substituteModelCode: 'SMALL' }] }),
    );
    const plan = await solvePlacement(scenario, options);
    expect(plan.status).toBe('optimal');
    expect(plan.unserved).toEqual([]);
    // 5 S and 10 L GPUs; SMALL 7000 tok/s: the 5 S GPUs ($1.05/h each) make 5000, 2 L GPUs ($3.10/h each) the other 2000
    expect(model(plan, 'SMALL').servedTokensPerSecond).toBeCloseTo(7000, 6);
    expect(
      model(plan, 'SMALL')
        .gpus.map((g) => [g.gpuTypeCode, g.gpusBusy])
        .sort(),
    ).toEqual([
      ['L', 2],
      ['S', 5],
    ]);
    expect(model(plan, 'SMALL').costPerHour.total).toBeCloseTo(11.45, 9);
    expect(model(plan, 'SMALL').costPerMillionTokens).toBeCloseTo(perMillion(11.45, 7000), 9);
    expect(model(plan, 'BIG')).toMatchObject({ demandTokensPerSecond: 0, servedTokensPerSecond: 0 });
    expect(plan.totals!.unservedPenaltyPerHour).toBe(0);
    checkPlan(scenario, options, plan);
  });
});
