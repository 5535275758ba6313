// Whole GPUs: counts are integers, the gap is within the option, and the
// objective is never below the LP relaxation.
import { describe, expect, it } from 'vitest';
import { syntheticInput } from './synthetic.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from '../../src/optimizer/types.js';
import { baseInput, latencies, perMillion, region, site } from './builders.js';
import { checkPlan } from './check-plan.js';
import { describeEngines, MIP_ENGINES } from './engines.js';

describeEngines(MIP_ENGINES, 'integer GPUs', (solver) => {
  it('rounds the busy GPUs up per site (hand-solved)', async () => {
    const input = baseInput({
      sites: [site('A', { pricePerKwh: 0.1 }), site('B', { pricePerKwh: 0.2 })],
      regions: [region('R', 12_500)],
      latencies: latencies([
        ['A', 'R', 10],
        ['B', 'R', 20],
      ]),
    });
    const options: PlanOptions = {
      ...DEFAULT_PLAN_OPTIONS,
      solver,
      targetUtilization: 1,
      integerGpus: true,
      mipGapRelative: 0,
    };
    const relaxed = await solvePlacement(input, { ...options, integerGpus: false });
    const plan = await solvePlacement(input, options);
    expect(plan.solver).toBe(solver);
    // LP: 12.5 GPUs × $2 + energy 1.5; integer: B holds 3 whole GPUs → 13 × $2 + 1.5
    expect(relaxed.totals!.costPerMillionTokens).toBeCloseTo(perMillion(26.5, 12_500), 10);
    expect(plan.totals!.costPerMillionTokens).toBeCloseTo(perMillion(27.5, 12_500), 10);
    expect(plan.sites.map((s) => s.gpus[0]!.gpusBusy)).toEqual([10, 3]);
    expect(plan.shadowPrices).toBeNull();
    expect(plan.shadowPricesUnavailableReason).toMatch(/integer/);
    checkPlan(input, options, plan);
  });

  it.each([
    { seed: 31, capexMode: 'AMORTIZED' as const, allowExpansion: false, periods: 1 as const },
    { seed: 32, capexMode: 'SUNK' as const, allowExpansion: true, periods: 1 as const },
    { seed: 33, capexMode: 'AMORTIZED' as const, allowExpansion: true, periods: 24 as const },
  ])(
    'random instance $seed ($capexMode, expansion $allowExpansion, $periods periods)',
    async ({ seed, capexMode, allowExpansion, periods }) => {
      const input = syntheticInput({ sites: 8, regions: 4, gpuTypes: 4, seed, loadFactor: 1.1, expandableShare: 0.6 });
      const options: PlanOptions = {
        ...DEFAULT_PLAN_OPTIONS,
        solver,
        capexMode,
        allowExpansion,
        periods,
        integerGpus: true,
        mipGapRelative: 0.01,
        timeLimitSeconds: 20,
      };
      const plan = await solvePlacement(input, options);
      const relaxed = await solvePlacement(input, { ...options, integerGpus: false });
      expect(plan.status).toBe('optimal');
      expect(plan.modelSize.integerVariables).toBeGreaterThan(0);
      expect(plan.mipGap!).toBeLessThanOrEqual(options.mipGapRelative + 1e-9);
      expect(plan.objectivePerHour!).toBeGreaterThanOrEqual(relaxed.objectivePerHour! * (1 - 1e-9));
      for (const s of plan.sites) {
        for (const g of s.gpus) {
          expect(Number.isInteger(g.gpusAdded), `${s.siteCode} ${g.gpuTypeCode} added ${g.gpusAdded}`).toBe(true);
          expect(Number.isInteger(g.peakGpusBusy), `${s.siteCode} ${g.gpuTypeCode} busy ${g.peakGpusBusy}`).toBe(true);
        }
      }
      checkPlan(input, options, plan);
    },
  );
});

describe('integer GPUs on an LP-only engine', () => {
  it.each(['jslp', 'clp'] as const)('refuses %s, naming the field', async (lpOnly) => {
    const plan = await solvePlacement(baseInput(), { integerGpus: true, solver: lpOnly });
    expect(plan.status).toBe('error');
    expect(plan.message).toMatch(new RegExp(`solver: solver ${lpOnly} cannot take integerGpus`));
  });
});
