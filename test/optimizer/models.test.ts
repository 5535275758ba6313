// Several models, solved by hand. One GPU-hour costs the same whichever model
// runs on it; what differs is the tokens it makes (throughput per model) and
// which GPU types can hold the model at all. PUE 1, target utilization 1, so a
// GPU at full speed draws its power and makes its throughput.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatPlanSummary } from '../../src/cli/plan.js';
import { loadFixtures } from '../../src/dataset/load.js';
import { ONE_MODEL_FIXTURES_DIR } from '../../src/paths.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import {
  DEFAULT_PLAN_OPTIONS,
  type PlanningInput,
  type PlanOptions,
  type PlanResult,
} from '../../src/optimizer/types.js';
import { nativeEngineNote } from '../../src/optimizer/solvers/engines.js';
import { latencies, perMillion, region, site, smallAndLarge } from './builders.js';
import { checkPlan } from './check-plan.js';
import { describeEngines, LP_ENGINES, MIP_ENGINES } from './engines.js';

const opts = (overrides: Partial<PlanOptions>): PlanOptions => ({
  ...DEFAULT_PLAN_OPTIONS,
  targetUtilization: 1,
  ...overrides,
});

const STD = 'STD';
const INT = 'INT';

/** Sites A ($0.1/kWh, 10 GPUs, 10 ms) and B ($0.2/kWh, 100 GPUs, 20 ms): X (1000 tok/s) and Y (500 tok/s) on one GPU type. */
function competing(): PlanningInput {
  return {
    models: [{ code: 'X' }, { code: 'Y' }],
    workloadClasses: [
      { code: STD, rttBudgetMs: 100, hourlyDemandProfile: [] },
      { code: INT, rttBudgetMs: 15, hourlyDemandProfile: [] },
    ],
    gpuTypes: [
      {
        code: 'G1',
        powerKw: 1,
        capexPerHour: 2,
        throughputs: [
          { modelCode: 'X', workloadClassCode: STD, tokensPerSecond: 1000 },
          { modelCode: 'Y', workloadClassCode: INT, tokensPerSecond: 500 },
        ],
      },
    ],
    sites: [site('A', { pricePerKwh: 0.1, gpus: { G1: 10 } }), site('B', { pricePerKwh: 0.2, gpus: { G1: 100 } })],
    regions: [
      {
        code: 'R',
        country: 'US',
        utcOffsetHours: 0,
        allowedCountries: [],
        demand: [
          { modelCode: 'X', workloadClassCode: STD, tokensPerSecond: 12_000, rttBudgetMs: null },
          { modelCode: 'Y', workloadClassCode: INT, tokensPerSecond: 2000, rttBudgetMs: null },
        ],
      },
    ],
    latencies: latencies([
      ['A', 'R', 10],
      ['B', 'R', 20],
    ]),
  };
}

const model = (plan: PlanResult, code: string) => plan.models.find((m) => m.modelCode === code)!;

describeEngines(LP_ENGINES, 'several models, by hand', (solver) => {
  it('puts a model that fits only on the large GPU type there, though the small one is cheaper per GPU-hour', async () => {
    const input = smallAndLarge();
    const options = opts({ solver, capexMode: 'AMORTIZED' });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    // BIG: 2000 tok/s / 500 = 4 L GPUs; SMALL: 5 GPUs, on S ($1 + 0.05 energy) rather than L ($3 + 0.1)
    expect(model(plan, 'BIG').gpus).toEqual([
      { siteCode: 'A', gpuTypeCode: 'L', gpusBusy: 4, peakGpusBusy: 4, gpusPerReplica: 2, peakReplicas: null },
    ]);
    expect(model(plan, 'SMALL').gpus.map((g) => [g.gpuTypeCode, g.gpusBusy])).toEqual([['S', 5]]);
    // BIG: 4 × ($3 + 1 kW × $0.1) = $12.4/h for 2000 tok/s; SMALL: 5 × ($1 + 0.5 × 0.1) = $5.25/h for 5000
    expect(model(plan, 'BIG').costPerHour.total).toBeCloseTo(12.4, 9);
    expect(model(plan, 'BIG').costPerMillionTokens).toBeCloseTo(perMillion(12.4, 2000), 9);
    expect(model(plan, 'SMALL').costPerMillionTokens).toBeCloseTo(perMillion(5.25, 5000), 9);
    expect(model(plan, 'BIG').tokensPerJoule).toBeCloseTo(0.5, 9);
    expect(plan.totals!.costPerHour.total).toBeCloseTo(17.65, 9);
    const a = plan.sites.find((s) => s.siteCode === 'A')!;
    expect(a.models.map((m) => [m.modelCode, m.servedTokensPerSecond, m.costPerHour])).toEqual([
      ['BIG', 2000, 12.4],
      ['SMALL', 5000, 5.25],
    ]);
    checkPlan(input, options, plan);
  });

  it('shares one site’s GPUs between two models: the one that can only go there first', async () => {
    const input = competing();
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    // Y (15 ms budget) reaches only A: 2000 / 500 = 4 GPUs; X takes A's other 6 (6000 tok/s) and 6000 at B
    const a = plan.sites.find((s) => s.siteCode === 'A')!;
    expect(a.models.map((m) => [m.modelCode, m.servedTokensPerSecond])).toEqual([
      ['X', 6000],
      ['Y', 2000],
    ]);
    expect(a.gpus[0]!.gpusBusy).toBeCloseTo(10, 9);
    expect(plan.sites.find((s) => s.siteCode === 'B')!.servedTokensPerSecond).toBeCloseTo(6000, 6);
    // energy: A 10 kW × 0.1 + B 6 kW × 0.2 = $2.2/h
    expect(plan.totals!.costPerHour.total).toBeCloseTo(2.2, 9);
    expect(model(plan, 'Y').costPerHour.total).toBeCloseTo(0.4, 9);
    expect(model(plan, 'X').costPerHour.total).toBeCloseTo(1.8, 9);
    expect(plan.bindingConstraints.map((b) => [b.kind, b.siteCode])).toEqual([['GPU_CAPACITY', 'A']]);
    checkPlan(input, options, plan);
  });
});

describeEngines(MIP_ENGINES, 'whole replicas in integer mode', (solver) => {
  const replicaInput = (installed: number): PlanningInput => {
    const input = smallAndLarge();
    input.sites = [site('A', { gpus: { L: installed, S: 10 } })];
    // BIG in replicas of 4 L GPUs: 2500 tok/s at 500 per GPU = 5 GPUs of occupancy
    input.gpuTypes[0]!.throughputs[0]!.gpusPerReplica = 4;
    input.regions[0]!.demand[0]!.tokensPerSecond = 2500;
    return input;
  };

  it('rounds a model’s GPUs up to whole replicas and pays for them', async () => {
    const input = replicaInput(10);
    const options = opts({ solver, integerGpus: true, capexMode: 'AMORTIZED', mipGapRelative: 0 });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    const big = model(plan, 'BIG');
    // 5 GPUs of work → 2 replicas of 4 = 8 GPUs held, each $3 + 1 kW of energy for its 5 GPUs of work
    expect(big.gpus).toEqual([
      { siteCode: 'A', gpuTypeCode: 'L', gpusBusy: 8, peakGpusBusy: 8, gpusPerReplica: 4, peakReplicas: 2 },
    ]);
    expect(big.peakReplicas).toBe(2);
    expect(big.costPerHour.capex).toBeCloseTo(24, 9);
    expect(big.costPerHour.energy).toBeCloseTo(0.5, 9);
    expect(plan.unserved).toEqual([]);
    checkPlan(input, options, plan);
  });

  it('leaves what a last whole replica cannot hold unserved, and says GPUs were the limit', async () => {
    const input = replicaInput(7);
    const options = opts({ solver, integerGpus: true, capexMode: 'AMORTIZED', mipGapRelative: 0 });
    const plan = await solvePlacement(input, options);
    const big = model(plan, 'BIG');
    // 7 L GPUs hold one replica of 4 (2000 tok/s); SMALL moves nowhere (S is cheaper), 3 L GPUs stay idle
    expect(big.gpus.map((g) => [g.peakReplicas, g.peakGpusBusy])).toEqual([[1, 4]]);
    expect(big.servedTokensPerSecond).toBeCloseTo(2000, 6);
    expect(big.unservedTokensPerSecond).toBeCloseTo(500, 6);
    expect(plan.unserved.map((u) => [u.modelCode, u.reason])).toEqual([['BIG', 'CAPACITY']]);
    checkPlan(input, options, plan);
  });
});

describe('why a model’s demand goes unserved', () => {
  it('says no GPU type can hold the model when none within reach has a throughput for it', async () => {
    const input = smallAndLarge();
    input.sites = [site('A', { gpus: { S: 10 } })];
    const options = opts({ solver: 'highs' });
    const plan = await solvePlacement(input, options);
    const [u] = plan.unserved;
    expect(u).toMatchObject({ modelCode: 'BIG', reason: 'NO_GPU_FOR_MODEL', candidateSites: [] });
    expect(u!.explanation).toBe(
      'none of the 1 site(s) within 100 ms of R has a GPU type that can hold BIG (no throughput recorded for it under STD)',
    );
    expect(model(plan, 'SMALL').unservedTokensPerSecond).toBe(0);
    checkPlan(input, options, plan);
  });

  it('keeps a model to the countries its rule allows, and says so', async () => {
    const input = smallAndLarge();
    input.models = [{ code: 'BIG', allowedCountries: ['DE'] }, { code: 'SMALL' }];
    const options = opts({ solver: 'highs' });
    const plan = await solvePlacement(input, options);
    expect(plan.unserved.map((u) => [u.modelCode, u.reason, u.unservedTokensPerSecond])).toEqual([
      ['BIG', 'MODEL_RULE', 2000],
    ]);
    expect(plan.allocations.filter((a) => a.modelCode === 'BIG')).toEqual([]);
    checkPlan(input, options, plan);
  });

  it('runs a model only at the sites its rule names', async () => {
    const input = competing();
    input.models = [{ code: 'X', allowedSites: ['B'] }, { code: 'Y' }];
    const options = opts({ solver: 'highs', capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.allocations.filter((a) => a.modelCode === 'X').map((a) => a.siteCode)).toEqual(['B']);
    expect(plan.totals!.unservedTokensPerSecond).toBe(0);
    checkPlan(input, options, plan);
  });
});

describe('what a deployment rule costs', () => {
  // competing() with X kept to B: all 12,000 tok/s of X at B (12 GPUs × 1 kW × $0.2), Y at A (4 × $0.1): $2.8/h.
  // A has 6 GPUs to spare at $0.1 per ktok/s against B's $0.2: the rule costs $0.1/h per ktok/s moved,
  // $0.1 / 3.6 per million tokens, and lifting it moves 6 ktok/s for a drop of $0.6/h.
  const ruled = (): PlanningInput => ({ ...competing(), models: [{ code: 'X', allowedSites: ['B'] }, { code: 'Y' }] });

  it('prices the rule at the best blocked route, and lifting it saves that much per token moved', async () => {
    const options = opts({ solver: 'highs', capexMode: 'SUNK' });
    const plan = await solvePlacement(ruled(), options);
    const lifted = await solvePlacement(competing(), options);
    expect(plan.objectivePerHour).toBeCloseTo(2.8, 9);
    expect(lifted.objectivePerHour).toBeCloseTo(2.2, 9);
    const rule = model(plan, 'X').rule!;
    expect(rule).toMatchObject({
      allowedCountries: [],
      allowedSites: ['B'],
      blockedSiteCodes: ['A'],
      bestBlockedSiteCode: 'A',
      bestBlockedRegionCode: 'R',
    });
    expect(rule.shadowPricePerMillionTokens).toBeCloseTo(0.1 / 3.6, 9);
    // the move (6 ktok/s onto A's spare GPUs) stays in the basis: the drop per million tokens moved is the price
    const movedKtok = lifted.sites.find((s) => s.siteCode === 'A')!.models.find((m) => m.modelCode === 'X')!;
    expect(movedKtok.servedTokensPerSecond).toBeCloseTo(6000, 6);
    const dropPerMillionTokens = (plan.objectivePerHour! - lifted.objectivePerHour!) / ((6000 * 3600) / 1e6);
    expect(rule.shadowPricePerMillionTokens).toBeCloseTo(dropPerMillionTokens, 9);
    expect(model(plan, 'Y').rule).toBeNull();
    expect(model(lifted, 'X').rule).toBeNull();
    // the CLI's model table says it on a line under the table
    expect(formatPlanSummary(plan)).toContain(
      '  rule X (sites B; 1 site(s) blocked): moving its R demand to A would save $0.0278 per M tok',
    );
    checkPlan(ruled(), options, plan);
  });

  it('bounds the saving per token of a move larger than the basis holds', async () => {
    // a third site C ($0.15/kWh, 100 GPUs), blocked too: lifting the rule moves 6 ktok/s to A (saving $0.1/h each)
    // and the other 6 to C (saving $0.05/h each), $0.9/h for 12 ktok/s; the price stays A's $0.1 at the margin
    const withC = (input: PlanningInput): PlanningInput => ({
      ...input,
      sites: [...input.sites, site('C', { pricePerKwh: 0.15, gpus: { G1: 100 } })],
      latencies: [...input.latencies, ...latencies([['C', 'R', 20]])],
    });
    const options = opts({ solver: 'highs', capexMode: 'SUNK' });
    const plan = await solvePlacement(withC(ruled()), options);
    const lifted = await solvePlacement(withC(competing()), options);
    const rule = model(plan, 'X').rule!;
    expect(rule.blockedSiteCodes).toEqual(['A', 'C']);
    expect(rule.bestBlockedSiteCode).toBe('A');
    expect(rule.shadowPricePerMillionTokens).toBeCloseTo(0.1 / 3.6, 9);
    expect(plan.objectivePerHour! - lifted.objectivePerHour!).toBeCloseTo(0.9, 9);
    const dropPerMillionTokens = 0.9 / ((12_000 * 3600) / 1e6);
    expect(rule.shadowPricePerMillionTokens!).toBeGreaterThan(dropPerMillionTokens);
  });

  it('costs nothing when no blocked route would pay', async () => {
    // A at $0.3/kWh: moving X there from B ($0.2) would cost more, so keeping X off A costs nothing
    const input = ruled();
    input.sites[0] = site('A', { pricePerKwh: 0.3, gpus: { G1: 10 } });
    const plan = await solvePlacement(input, opts({ solver: 'highs', capexMode: 'SUNK' }));
    expect(model(plan, 'X').rule).toMatchObject({
      blockedSiteCodes: ['A'],
      shadowPricePerMillionTokens: 0,
      bestBlockedSiteCode: null,
    });
  });

  it('gives the same price in a 24-hour plan with flat prices and demand', async () => {
    const plan = await solvePlacement(ruled(), opts({ solver: 'highs', capexMode: 'SUNK', periods: 24 }));
    expect(model(plan, 'X').rule!.shadowPricePerMillionTokens).toBeCloseTo(0.1 / 3.6, 9);
  });

  it('has no price without duals: javascript-lp-solver and integer plans', async () => {
    const jslp = await solvePlacement(ruled(), opts({ solver: 'jslp', capexMode: 'SUNK' }));
    const integer = await solvePlacement(ruled(), opts({ integerGpus: true, capexMode: 'SUNK', mipGapRelative: 0 }));
    for (const plan of [jslp, integer]) {
      expect(model(plan, 'X').rule).toMatchObject({ blockedSiteCodes: ['A'], shadowPricePerMillionTokens: null });
    }
  });
});

describeEngines(MIP_ENGINES, 'a site’s cap on the models it hosts', (solver) => {
  // A ($0.1/kWh, 20 GPUs) could hold both X (6,000 tok/s: 6 GPUs) and Y (4,000 tok/s at 500 per GPU: 8 GPUs);
  // B ($0.2/kWh, 100 GPUs) anything. Capex sunk: a GPU-hour costs its kW, so a GPU at A saves $0.1/h.
  // Uncapped both go to A: $1.4/h. With A capped at one model, Y (8 GPUs, saving $0.8) beats X (6, $0.6):
  // Y at A $0.8 + X at B $1.2 = $2.0/h; the cap costs $2.0 − $1.4 = $0.6/h.
  const twoModels = (maxModels: number | null): PlanningInput => {
    const input = competing();
    return {
      ...input,
      workloadClasses: [input.workloadClasses.find((c) => c.code === STD)!],
      gpuTypes: [
        {
          ...input.gpuTypes[0]!,
          throughputs: [
            { modelCode: 'X', workloadClassCode: STD, tokensPerSecond: 1000 },
            { modelCode: 'Y', workloadClassCode: STD, tokensPerSecond: 500 },
          ],
        },
      ],
      sites: [
        site('A', { pricePerKwh: 0.1, gpus: { G1: 20 }, maxModels }),
        site('B', { pricePerKwh: 0.2, gpus: { G1: 100 } }),
      ],
      regions: [
        region('R', 0, {
          demand: [
            { modelCode: 'X', workloadClassCode: STD, tokensPerSecond: 6000, rttBudgetMs: null },
            { modelCode: 'Y', workloadClassCode: STD, tokensPerSecond: 4000, rttBudgetMs: null },
          ],
        }),
      ],
    };
  };
  const options = opts({ solver, capexMode: 'SUNK', mipGapRelative: 0 });
  const hosted = (plan: PlanResult, code: string) =>
    plan.sites.find((s) => s.siteCode === code)!.models.map((m) => [m.modelCode, m.servedTokensPerSecond]);

  it('hosts the model that saves more overall and prices the cap by a re-solve with it raised by one', async () => {
    const plan = await solvePlacement(twoModels(1), options);
    expect(plan.status).toBe('optimal');
    expect(plan.objectivePerHour).toBeCloseTo(2.0, 9);
    expect(hosted(plan, 'A')).toEqual([['Y', 4000]]);
    expect(hosted(plan, 'B')).toEqual([['X', 6000]]);
    const a = plan.sites.find((s) => s.siteCode === 'A')!;
    expect(a.modelCap).toEqual({ maxModels: 1, modelsHosted: 1, binds: true, valuePerHour: 0.6 });
    expect(plan.sites.find((s) => s.siteCode === 'B')!.modelCap).toBeNull();
    expect(formatPlanSummary(plan)).toContain('  cap A: hosts 1 model(s), at most 1; one more would save $0.6000/h');
    const uncapped = await solvePlacement(twoModels(null), options);
    expect(uncapped.objectivePerHour).toBeCloseTo(1.4, 9);
    expect(a.modelCap!.valuePerHour).toBeCloseTo(plan.objectivePerHour! - uncapped.objectivePerHour!, 9);
    expect(plan.modelSize.integerVariables).toBe(2);
    expect(plan.solver).toBe(solver);
    const capNote =
      'A caps the models it hosts (maxModels): the plan is a mixed-integer program with 2 binaries, one per model such a site could host; the value of one more model at A is the objective’s fall when the plan is re-solved with that cap raised by one'.replace(
        '’',
        "'",
      );
    expect(plan.message).toBe([nativeEngineNote(solver), capNote].filter(Boolean).join('; '));
    expect(plan.shadowPrices).toBeNull();
    expect(plan.shadowPricesUnavailableReason).toContain('model cap');
    checkPlan(twoModels(1), options, plan);
  });

  it('holds in whole-GPU plans too', async () => {
    const integer = { ...options, integerGpus: true };
    const plan = await solvePlacement(twoModels(1), integer);
    expect(hosted(plan, 'A')).toEqual([['Y', 4000]]);
    expect(plan.sites.find((s) => s.siteCode === 'A')!.modelCap!.valuePerHour).toBeCloseTo(0.6, 9);
    checkPlan(twoModels(1), integer, plan);
  });

  it('adds nothing where the cap cannot bind: the same model and plan as without a cap', async () => {
    const capped = await solvePlacement(twoModels(2), opts({ capexMode: 'SUNK', solver }));
    const uncapped = await solvePlacement(twoModels(null), opts({ capexMode: 'SUNK', solver }));
    expect(capped.modelSize).toEqual(uncapped.modelSize);
    expect(capped.modelSize.integerVariables).toBe(0);
    expect(capped.message).toBe(nativeEngineNote(solver));
    const a = capped.sites.find((s) => s.siteCode === 'A')!;
    expect(a.modelCap).toEqual({ maxModels: 2, modelsHosted: 2, binds: false, valuePerHour: null });
    const comparable = (plan: PlanResult) =>
      JSON.stringify({ ...plan, timings: null, sites: plan.sites.map((s) => ({ ...s, modelCap: null })) });
    expect(comparable(capped)).toBe(comparable(uncapped));
  });

  it.each(['jslp', 'clp'] as const)('refuses %s, which solves no mixed-integer plans', async (lpOnly) => {
    const plan = await solvePlacement(twoModels(1), { ...options, solver: lpOnly });
    expect(plan.status).toBe('error');
    expect(plan.message).toBe(
      `solver ${lpOnly} cannot solve this plan: A caps the models it hosts (maxModels), which makes the plan a mixed-integer program, solved by HiGHS or CBC (use auto, highs or cbc)`,
    );
  });
});

describe('one named model is today’s plan', () => {
  let input: PlanningInput;
  beforeAll(async () => {
    input = planningInputFromDataset((await loadFixtures(ONE_MODEL_FIXTURES_DIR)).dataset);
  });

  /** the fixtures with every throughput and demand row given to one model M */
  const named = (code: string): PlanningInput => ({
    ...structuredClone(input),
    models: [{ code }],
    gpuTypes: input.gpuTypes.map((g) => ({ ...g, throughputs: g.throughputs.map((t) => ({ ...t, modelCode: code })) })),
    regions: input.regions.map((r) => ({ ...r, demand: r.demand.map((d) => ({ ...d, modelCode: code })) })),
  });
  /** a plan's JSON with timings and the structure key (a hash of the codes) dropped, one model code spelt as another */
  const comparable = (plan: PlanResult, from: string, to: string) =>
    JSON.parse(
      JSON.stringify({ ...plan, timings: null, structureKey: null }).replaceAll(
        `"modelCode":"${from}"`,
        `"modelCode":"${to}"`,
      ),
    );

  it.each([
    ['steady state', { periods: 1 as const }],
    ['24 periods', { periods: 24 as const }],
    ['whole GPUs with expansion', { integerGpus: true, allowExpansion: true }],
  ])('%s: the same plan, to the last digit, as data without models', async (_name, overrides) => {
    const options = { ...DEFAULT_PLAN_OPTIONS, ...overrides };
    const before = await solvePlacement(input, options);
    const after = await solvePlacement(named('LLAMA-2-70B'), options);
    expect(before.models.map((m) => m.modelCode)).toEqual(['DEFAULT']);
    expect(comparable(after, 'LLAMA-2-70B', 'DEFAULT')).toEqual(comparable(before, 'DEFAULT', 'DEFAULT'));
    checkPlan(named('LLAMA-2-70B'), options, after);
  });
});
