// What a plan reports beside its optimum (issue 9): demand shadow prices over
// an hourly profile (checked by finite difference), the SITE_SHARE reason,
// the order of the allocation rows, where a shadow price's value comes from,
// the unserved penalty kept out of the cost, and the solver's note.
import { describe, expect, it } from 'vitest';
import { earlyStopNote, solvePlacement } from '../../src/optimizer/solve.js';
import type { SolverOutcome } from '../../src/optimizer/solvers/outcome.js';
import {
  DEFAULT_PLAN_OPTIONS,
  type PlanningInput,
  type PlanOptions,
  type SolverName,
} from '../../src/optimizer/types.js';
import { baseInput, latencies, perMillion, region, site } from './builders.js';
import { checkPlan } from './check-plan.js';

const opts = (overrides: Partial<PlanOptions>): PlanOptions => ({
  ...DEFAULT_PLAN_OPTIONS,
  targetUtilization: 1,
  capexMode: 'SUNK',
  ...overrides,
});

const twoSites = (a: Parameters<typeof site>[1] = {}, b: Parameters<typeof site>[1] = {}, tokensPerSecond = 12_000) =>
  baseInput({
    sites: [site('A', { pricePerKwh: 0.1, ...a }), site('B', { pricePerKwh: 0.2, ...b })],
    regions: [region('R', tokensPerSecond)],
    latencies: latencies([
      ['A', 'R', 10],
      ['B', 'R', 20],
    ]),
  });

/**
 * 24 hours: demand 1.5× its mean in hours 0–11 and 0.5× after; A (cheap, 10
 * GPUs) fills at the peak and B, whose price climbs hour by hour, takes the
 * rest. So the hourly duals differ, and most in the hours with most demand.
 */
function peakyDay(meanTokensPerSecond: number): PlanningInput {
  return baseInput({
    workloadClasses: [
      { code: 'STD', rttBudgetMs: 100, hourlyDemandProfile: [...Array(12).fill(1.5), ...Array(12).fill(0.5)] },
    ],
    sites: [
      site('A', { pricePerKwh: 0.1, gpus: { G1: 10 } }),
      site('B', {
        pricePerKwh: 0.3,
        hourlyPricesPerKwh: Array.from({ length: 24 }, (_, t) => 0.2 + 0.02 * t),
        gpus: { G1: 100 },
      }),
    ],
    regions: [region('R', meanTokensPerSecond)],
    latencies: latencies([
      ['A', 'R', 10],
      ['B', 'R', 20],
    ]),
  });
}

describe('demand shadow prices of a 24-hour plan', () => {
  it('are the marginal cost of one more token/s following the hourly profile (finite difference)', async () => {
    const options = opts({ solver: 'highs', periods: 24 });
    const mean = 8_000;
    const plan = await solvePlacement(peakyDay(mean), options);
    expect(plan.status).toBe('optimal');
    const reported = plan.shadowPrices!.demand.find((d) => d.regionCode === 'R')!;
    expect(reported.basis).toBe('COST');

    const step = 10; // tokens/s on the mean: small enough to keep the same basis
    const more = await solvePlacement(peakyDay(mean + step), options);
    const finiteDifference = perMillion(more.objectivePerHour! - plan.objectivePerHour!, step);
    expect(reported.marginalCostPerMillionTokens).toBeCloseTo(finiteDifference, 9);

    // By hand: hours 0–11 take 1.5 × step at B's price, hours 12–23 0.5 × step at A's.
    const peakPrice = Array.from({ length: 12 }, (_, t) => 0.2 + 0.02 * t).reduce((a, b) => a + b, 0) / 12;
    const byHand = perMillion((1.5 * peakPrice + 0.5 * 0.1) / 2, 1000);
    expect(reported.marginalCostPerMillionTokens).toBeCloseTo(byHand, 9);
    // the plain sum of the hourly duals (profile ignored) is a different number
    expect(Math.abs(reported.marginalCostPerMillionTokens - perMillion((peakPrice + 0.1) / 2, 1000))).toBeGreaterThan(
      0.005,
    );
  });
});

describe.each<SolverName>(['jslp', 'highs'])('unserved reasons with %s', (solver) => {
  it('SITE_SHARE: both sites took their share while their GPUs had room (hand-solved)', async () => {
    // each site has 10 GPUs (10 ktok/s) but may take only 40% of the 10 ktok/s
    const input = twoSites({}, {}, 10_000);
    const options = opts({ solver, maxSiteShare: 0.4 });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    expect(plan.totals!.unservedTokensPerSecond).toBeCloseTo(2000, 6);
    expect(plan.unserved).toHaveLength(1);
    expect(plan.unserved[0]!.reason).toBe('SITE_SHARE');
    expect(plan.unserved[0]!.candidateSites.map((c) => c.limitedBy)).toEqual(['SITE_SHARE', 'SITE_SHARE']);
    expect(plan.unserved[0]!.explanation).toMatch(/40% each/);
    // 4 ktok/s at A × $0.1 + 4 ktok/s at B × $0.2
    expect(plan.totals!.costPerHour.total).toBeCloseTo(1.2, 9);
    expect(plan.sites.every((s) => s.utilization < 1)).toBe(true);
    checkPlan(input, options, plan);
  });

  it('still says CAPACITY when the share-limited sites are also full', async () => {
    const input = twoSites({ gpus: { G1: 3 } }, { gpus: { G1: 3 } }, 10_000);
    const options = opts({ solver, maxSiteShare: 0.4 });
    const plan = await solvePlacement(input, options);
    expect(plan.unserved[0]!.reason).toBe('CAPACITY');
    expect(plan.unserved[0]!.candidateSites.map((c) => c.limitedBy)).toEqual(['CAPACITY', 'CAPACITY']);
    checkPlan(input, options, plan);
  });
});

describe('allocation rows', () => {
  it('are ordered by site, region, class and period codes, as documented', async () => {
    const input = baseInput({
      workloadClasses: [
        { code: 'STD', rttBudgetMs: 100, hourlyDemandProfile: [] },
        { code: 'BATCH', rttBudgetMs: null, hourlyDemandProfile: [] },
      ],
      gpuTypes: [
        {
          code: 'G1',
          powerKw: 1,
          capexPerHour: 2,
          throughputs: [
            { workloadClassCode: 'STD', tokensPerSecond: 1000 },
            { workloadClassCode: 'BATCH', tokensPerSecond: 2000 },
          ],
        },
      ],
      sites: [site('Z', { pricePerKwh: 0.1, gpus: { G1: 3 } }), site('A', { pricePerKwh: 0.2, gpus: { G1: 30 } })],
      regions: ['R2', 'R1'].map((code) =>
        region(code, 0, {
          demand: [
            { workloadClassCode: 'STD', tokensPerSecond: 2000, rttBudgetMs: null },
            { workloadClassCode: 'BATCH', tokensPerSecond: 3000, rttBudgetMs: null },
          ],
        }),
      ),
      latencies: latencies([
        ['Z', 'R1', 10],
        ['Z', 'R2', 10],
        ['A', 'R1', 20],
        ['A', 'R2', 20],
      ]),
    });
    const plan = await solvePlacement(input, opts({ solver: 'highs', periods: 24 }));
    const key = (a: { siteCode: string; regionCode: string; workloadClassCode: string; period: number }) =>
      [a.siteCode, a.regionCode, a.workloadClassCode, String(a.period).padStart(2, '0')].join('/');
    const keys = plan.allocations.map(key);
    expect(new Set(plan.allocations.map((a) => a.siteCode))).toEqual(new Set(['A', 'Z']));
    expect(keys).toEqual([...keys].sort());
    expect(keys[0]).toBe('A/R1/BATCH/00');
    const gpuKeys = plan.gpuAllocations.map((g) =>
      [g.siteCode, g.gpuTypeCode, g.workloadClassCode, String(g.period).padStart(2, '0')].join('/'),
    );
    expect(gpuKeys).toEqual([...gpuKeys].sort());
  });
});

describe('shadow prices say where their value comes from', () => {
  it('UNSERVED_DEMAND in a capacity-short case, with the demand one more unit would serve', async () => {
    // A 10 GPUs, B 1 GPU, 12 ktok/s of demand: 1 ktok/s unserved
    const short = await solvePlacement(twoSites({}, { gpus: { G1: 1 } }), opts({ solver: 'highs' }));
    expect(short.totals!.unservedTokensPerSecond).toBeCloseTo(1000, 6);
    const gpus = short.shadowPrices!.gpus;
    expect(gpus.map((g) => g.siteCode)).toEqual(['A', 'B']);
    for (const g of gpus) {
      expect(g.basis).toBe('UNSERVED_DEMAND');
      // one GPU serves 1 ktok/s at utilization 1, and 1 ktok/s is unserved
      expect(g.servesUnservedTokensPerSecond).toBeCloseTo(1000, 6);
      // the penalty ($1000/M tok = $3.6/h per ktok/s) less the energy: far above any GPU's cost
      expect(g.valuePerGpuPerHour).toBeGreaterThan(3);
    }
    const demand = short.shadowPrices!.demand[0]!;
    expect(demand.basis).toBe('UNSERVED_DEMAND');
    expect(demand.marginalCostPerMillionTokens).toBeCloseTo(1000, 6);

    const powerShort = await solvePlacement(twoSites({ powerCapKw: 4 }, { powerCapKw: 3 }), opts({ solver: 'highs' }));
    for (const p of powerShort.shadowPrices!.power) {
      expect(p.basis).toBe('UNSERVED_DEMAND');
      // 1 kW runs one G1 (1 kW, PUE 1) = 1 ktok/s
      expect(p.servesUnservedTokensPerSecond).toBeCloseTo(1000, 6);
    }
  });

  it('COST when every token is served, and no row for a GPU worth nothing', async () => {
    const plan = await solvePlacement(twoSites(), opts({ solver: 'highs' }));
    expect(plan.totals!.unservedTokensPerSecond).toBe(0);
    // A is full (one more GPU there saves $0.1/h); B has room: worth nothing, not listed
    expect(plan.shadowPrices!.gpus).toEqual([
      {
        siteCode: 'A',
        gpuTypeCode: 'G1',
        valuePerGpuPerHour: expect.closeTo(0.1, 9),
        basis: 'COST',
        servesUnservedTokensPerSecond: 0,
      },
    ]);
    expect(plan.shadowPrices!.power).toEqual([]);
    expect(plan.shadowPrices!.demand[0]!.basis).toBe('COST');
  });
});

describe('cost is money', () => {
  it('keeps the unserved penalty out of costPerHour.total and reports it beside the unserved demand', async () => {
    const plan = await solvePlacement(twoSites({}, { gpus: { G1: 1 } }), opts({ solver: 'highs' }));
    const cost = plan.totals!.costPerHour;
    // 10 ktok/s at A × $0.1 + 1 ktok/s at B × $0.2
    expect(cost.total).toBeCloseTo(1.2, 9);
    expect(cost.total).toBeCloseTo(cost.energy + cost.capex + cost.egress + cost.carbon, 9);
    expect(cost).not.toHaveProperty('penalty');
    // 1 ktok/s × 3.6 M tok/h × $1000 per M tok
    expect(plan.totals!.unservedPenaltyPerHour).toBeCloseTo(3600, 6);
    expect(plan.objectivePerHour).toBeCloseTo(cost.total + plan.totals!.unservedPenaltyPerHour, 6);
  });
});

describe("the solver's note", () => {
  it('is empty for a plan solved well within its time limit', async () => {
    const plan = await solvePlacement(
      peakyDay(8000),
      opts({ solver: 'highs', periods: 24, integerGpus: true, timeLimitSeconds: 60 }),
    );
    expect(plan.status).toBe('optimal');
    expect(plan.timings.solveMs).toBeLessThan(30_000);
    expect(plan.message).toBeNull();
  });

  it('says "time limit" only when the solver ran to it', () => {
    const outcome = (solverStatus: string, solveMs: number): SolverOutcome => ({
      status: 'time_limit',
      solverStatus,
      objective: 1,
      columnValues: new Float64Array(0),
      rowDuals: null,
      mipGap: 0.01,
      solveMs,
      message: null,
    });
    expect(earlyStopNote(outcome('time_limit', 5_010), 'highs', 5, 5)).toMatch(
      /^stopped at the time limit \(5 s\) after 5\.01 s of solving; this is the best plan found, within 1\.00% of optimal$/,
    );
    // HiGHS stopping for another reason is named for it
    const iterations = earlyStopNote(outcome('iteration_limit', 120), 'highs', 60, 60);
    expect(iterations).not.toMatch(/stopped at the time limit/);
    expect(iterations).toMatch(/^HiGHS stopped at its iteration limit after 0\.12 s/);
    expect(earlyStopNote(outcome('interrupted', 40), 'highs', 60, 60)).toMatch(
      /^HiGHS stopped when interrupted after 0\.04 s/,
    );
    // a "timeout" long before the limit is not the time limit
    const early = earlyStopNote(outcome('timeout', 3), 'jslp', 60, 60);
    expect(early).not.toMatch(/stopped at the time limit/);
    expect(early).toMatch(/^javascript-lp-solver stopped before proving optimality after 0\.00 s/);
  });
});
