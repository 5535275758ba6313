// Small cases solved by hand: the expected cost per million tokens is exact.
// One GPU type G1 (1 kW, $2/h, 1000 tokens/s), PUE 1, target utilization 1,
// so 1 ktok/s = 1 GPU = 1 kW, and 12 ktok/s for an hour = 43.2 M tokens.
import { describe, expect, it } from 'vitest';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from '../../src/optimizer/types.js';
import { baseInput, latencies, perMillion, region, site, twoSites } from './builders.js';
import { checkPlan } from './check-plan.js';
import { describeEngines, DUAL_ENGINES, LP_ENGINES } from './engines.js';

const opts = (overrides: Partial<PlanOptions>): PlanOptions => ({
  ...DEFAULT_PLAN_OPTIONS,
  targetUtilization: 1,
  ...overrides,
});

describeEngines(LP_ENGINES, 'hand-solved cases', (solver) => {
  it('fills the cheaper site to its GPU limit, then the other (sunk capex)', async () => {
    const input = twoSites();
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    expect(plan.solver).toBe(solver);
    // A: 10 ktok/s × $0.1, B: 2 ktok/s × $0.2 → $1.4/h
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(1.4, 12_000), 10);
    expect(plan.sites.find((s) => s.siteCode === 'A')!.servedTokensPerSecond).toBeCloseTo(10_000, 6);
    expect(plan.sites.find((s) => s.siteCode === 'B')!.servedTokensPerSecond).toBeCloseTo(2_000, 6);
    expect(plan.bindingConstraints.map((b) => [b.kind, b.siteCode])).toEqual([['GPU_CAPACITY', 'A']]);
    checkPlan(input, options, plan);
  });

  it('adds amortized capex for every busy GPU', async () => {
    const input = twoSites();
    const options = opts({ solver, capexMode: 'AMORTIZED' });
    const plan = await solvePlacement(input, options);
    // energy 1.4 + 12 busy GPUs × $2
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(25.4, 12_000), 10);
    expect(plan.totals!.costPerHour.capex).toBeCloseTo(24, 9);
    expect(plan.totals!.tokensPerJoule).toBeCloseTo(1, 9); // 12 ktok/s on 12 kW
    checkPlan(input, options, plan);
  });

  it('respects a power cap that binds', async () => {
    const input = twoSites({ powerCapKw: 5 });
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    // A: 5 kW → 5 ktok/s × 0.1; B: 7 × 0.2 → $1.9/h
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(1.9, 12_000), 10);
    expect(plan.bindingConstraints.map((b) => [b.kind, b.siteCode])).toEqual([['POWER', 'A']]);
    const a = plan.sites.find((s) => s.siteCode === 'A')!;
    expect(a.powerUtilization).toBeCloseTo(1, 9);
    checkPlan(input, options, plan);
  });

  it('keeps load off a cheap site outside the latency budget', async () => {
    const input = twoSites({}, { gpus: { G1: 20 } });
    input.latencies = latencies([
      ['A', 'R', 150],
      ['B', 'R', 20],
    ]);
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(2.4, 12_000), 10);
    expect(plan.allocations.every((a) => a.siteCode === 'B')).toBe(true);
    expect(plan.regions[0]!.worstRttMs).toBe(20);
    checkPlan(input, options, plan);
  });

  it('says NO_SITE_WITHIN_LATENCY when every site is too far', async () => {
    const input = twoSites();
    input.latencies = latencies([
      ['A', 'R', 150],
      ['B', 'R', 120],
    ]);
    const options = opts({ solver });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    expect(plan.totals!.servedTokensPerSecond).toBe(0);
    expect(plan.totals!.costPerMillionTokens).toBeNull();
    expect(plan.unserved).toHaveLength(1);
    expect(plan.unserved[0]!.reason).toBe('NO_SITE_WITHIN_LATENCY');
    // the penalty: 12 ktok/s × 3.6 M tok/h × $1000
    expect(plan.totals!.unservedPenaltyPerHour).toBeCloseTo(43.2 * 1000, 6);
    // and it is not money: nothing is served, nothing is spent
    expect(plan.totals!.costPerHour.total).toBe(0);
    checkPlan(input, options, plan);
  });

  it('serves a region only from countries its residency rules allow', async () => {
    const input = twoSites({ country: 'US' }, { country: 'DE', gpus: { G1: 20 } });
    input.regions = [region('R', 12_000, { country: 'DE', allowedCountries: ['DE'] })];
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(2.4, 12_000), 10);
    checkPlan(input, options, plan);

    input.sites = input.sites.filter((s) => s.code === 'A');
    input.latencies = input.latencies.filter((l) => l.siteCode === 'A');
    const blocked = await solvePlacement(input, options);
    expect(blocked.unserved.map((u) => u.reason)).toEqual(['RESIDENCY']);
    checkPlan(input, options, blocked);
  });

  it('explains demand left over when every reachable site is full (CAPACITY)', async () => {
    const input = twoSites({}, { gpus: { G1: 1 } });
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.totals!.unservedTokensPerSecond).toBeCloseTo(1000, 6);
    expect(plan.unserved[0]!.reason).toBe('CAPACITY');
    expect(plan.unserved[0]!.candidateSites.map((c) => c.limitedBy)).toEqual(['CAPACITY', 'CAPACITY']);
    // cost per million counts served tokens only, without the penalty: 10 × 0.1 + 1 × 0.2
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(1.2, 11_000), 10);
    checkPlan(input, options, plan);
  });

  it('explains demand left over at power-capped sites (POWER)', async () => {
    const input = twoSites({ powerCapKw: 4 }, { powerCapKw: 3 });
    const options = opts({ solver, capexMode: 'SUNK' });
    const plan = await solvePlacement(input, options);
    expect(plan.unserved[0]!.reason).toBe('POWER');
    expect(plan.totals!.unservedTokensPerSecond).toBeCloseTo(5000, 6);
    checkPlan(input, options, plan);
  });

  it('buys GPUs only when that is cheaper than leaving demand unserved', async () => {
    const input = baseInput({
      sites: [site('A', { inventory: [{ gpuTypeCode: 'G1', installed: 10, maxAdditional: 10 }] })],
      regions: [region('R', 15_000)],
      latencies: latencies([['A', 'R', 10]]),
    });
    const withoutExpansion = await solvePlacement(input, opts({ solver, capexMode: 'SUNK' }));
    expect(withoutExpansion.totals!.unservedTokensPerSecond).toBeCloseTo(5000, 6);
    expect(withoutExpansion.totals!.gpusAdded).toBe(0);

    const options = opts({ solver, capexMode: 'SUNK', allowExpansion: true });
    const plan = await solvePlacement(input, options);
    // 15 ktok/s × $0.1 energy + 5 bought GPUs × $2
    expect(plan.totals!.gpusAdded).toBeCloseTo(5, 9);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(11.5, 15_000), 10);
    checkPlan(input, options, plan);

    // At $0.5 per million tokens unserved (1.8 $/h per ktok/s) a GPU ($2.1/h per ktok/s) is not worth buying.
    const cheapPenalty = opts({
      solver,
      capexMode: 'SUNK',
      allowExpansion: true,
      unservedPenaltyPerMillionTokens: 0.5,
    });
    const refused = await solvePlacement(input, cheapPenalty);
    expect(refused.totals!.gpusAdded).toBe(0);
    expect(refused.unserved[0]!.reason).toBe('COST');
    expect(refused.totals!.costPerMillionTokens).toBeCloseTo(perMillion(1, 10_000), 10);
    checkPlan(input, cheapPenalty, refused);
  });

  it('opens a PLANNED site only when expansion is allowed, buying all its GPUs', async () => {
    const input = twoSites({}, { status: 'PLANNED', pricePerKwh: 0.05, gpus: { G1: 4 } });
    const closed = await solvePlacement(input, opts({ solver, capexMode: 'SUNK' }));
    expect(closed.excludedSites.map((e) => e.siteCode)).toEqual(['B']);
    expect(closed.totals!.unservedTokensPerSecond).toBeCloseTo(2000, 6);

    const options = opts({ solver, capexMode: 'SUNK', allowExpansion: true });
    const plan = await solvePlacement(input, options);
    // B must buy what it uses: 2 GPUs × ($2 + $0.05) beat the penalty; A serves 10.
    expect(plan.totals!.unservedTokensPerSecond).toBeCloseTo(0, 6);
    expect(plan.sites.find((s) => s.siteCode === 'B')!.gpus[0]!.gpusAdded).toBeCloseTo(2, 9);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(1 + 2 * 2.05, 12_000), 10);
    checkPlan(input, options, plan);
  });

  it('charges egress across borders and caps a site share of a region', async () => {
    const input = twoSites({ country: 'IE' }, { country: 'US' });
    input.regions = [region('R', 10_000, { country: 'US' })];
    // Egress $0.05/M tokens = $0.18/h per ktok/s: A costs 0.28, B 0.2 → all at B.
    const options = opts({ solver, capexMode: 'SUNK', egressPricePerMillionTokens: 0.05 });
    const plan = await solvePlacement(input, options);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(2, 10_000), 10);
    checkPlan(input, options, plan);

    const shared = opts({ solver, capexMode: 'SUNK', maxSiteShare: 0.6 });
    const split = await solvePlacement(input, shared);
    // without egress A is cheaper but may take only 60%
    expect(split.totals!.costPerMillionTokens).toBeCloseTo(perMillion(6 * 0.1 + 4 * 0.2, 10_000), 10);
    expect(split.bindingConstraints.some((b) => b.kind === 'SITE_SHARE' && b.siteCode === 'A')).toBe(true);
    checkPlan(input, shared, split);
  });

  it('runs a 24-hour plan on the UTC clock with local-hour prices and demand', async () => {
    // Demand is 2 ktok/s in the region's local hours 0–11 (UTC 0–11), none after.
    // The site is at UTC+12, so UTC 0–11 are its local hours 12–23, priced $0.3.
    const input = baseInput({
      workloadClasses: [
        { code: 'STD', rttBudgetMs: 100, hourlyDemandProfile: [...Array(12).fill(2), ...Array(12).fill(0)] },
      ],
      sites: [
        site('A', {
          utcOffsetHours: 12,
          hourlyPricesPerKwh: [...Array(12).fill(0.1), ...Array(12).fill(0.3)],
          gpus: { G1: 2 },
        }),
      ],
      regions: [region('R', 1000)],
      latencies: latencies([['A', 'R', 10]]),
    });
    const options = opts({ solver, capexMode: 'SUNK', periods: 24 });
    const plan = await solvePlacement(input, options);
    expect(plan.status).toBe('optimal');
    // 12 h × 2 kW × $0.3 over 24 h = $0.3/h for 1 ktok/s on average
    expect(plan.totals!.costPerHour.energy).toBeCloseTo(0.3, 10);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(0.3, 1000), 10);
    expect(new Set(plan.allocations.map((a) => a.period))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    checkPlan(input, options, plan);
  });
});

describeEngines(DUAL_ENGINES, 'shadow prices', (solver) => {
  it('values one more GPU, one more kW and one more token of demand', async () => {
    const gpuBound = await solvePlacement(twoSites(), opts({ solver, capexMode: 'SUNK' }));
    const gpuA = gpuBound.shadowPrices!.gpus.find((g) => g.siteCode === 'A')!;
    // one more GPU at A moves 1 ktok/s from B to A: $0.1/h
    expect(gpuA.valuePerGpuPerHour).toBeCloseTo(0.1, 9);
    expect(gpuBound.bindingConstraints[0]!.shadowPrice).toBeCloseTo(0.1, 9);
    // the marginal token is served at B: $0.2/h per ktok/s = $0.2/3.6 per million tokens
    expect(gpuBound.shadowPrices!.demand[0]!.marginalCostPerMillionTokens).toBeCloseTo(0.2 / 3.6, 9);

    const powerBound = await solvePlacement(twoSites({ powerCapKw: 5 }), opts({ solver, capexMode: 'SUNK' }));
    expect(powerBound.shadowPrices!.power.find((p) => p.siteCode === 'A')!.valuePerKwPerHour).toBeCloseTo(0.1, 9);
    expect(powerBound.shadowPricesUnavailableReason).toBeNull();
  });
});

describe('no shadow prices without duals', () => {
  it('says so instead of inventing shadow prices with javascript-lp-solver', async () => {
    const plan = await solvePlacement(twoSites(), opts({ solver: 'jslp' }));
    expect(plan.shadowPrices).toBeNull();
    expect(plan.shadowPricesUnavailableReason).toMatch(/javascript-lp-solver/);
    expect(plan.bindingConstraints[0]!.shadowPrice).toBeNull();
  });
});

describe('bad input', () => {
  it('returns an error naming the problem', async () => {
    const input = twoSites();
    input.sites[0]!.inventory.push({ gpuTypeCode: 'NOPE', installed: 1, maxAdditional: 0 });
    const plan = await solvePlacement(input, opts({}));
    expect(plan.status).toBe('error');
    expect(plan.message).toMatch(/unknown GPU type "NOPE"/);
  });

  it('rejects invalid options with field-named messages', async () => {
    const plan = await solvePlacement(twoSites(), { targetUtilization: 2 } as Partial<PlanOptions>);
    expect(plan.status).toBe('error');
    expect(plan.message).toMatch(/targetUtilization/);
  });
});
