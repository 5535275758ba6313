// Seeded random instances: every claim of the plan is recomputed from its
// rows (check-plan.ts), and every engine present agrees with HiGHS on the optimum.
import { describe, expect, it } from 'vitest';
import { syntheticInput } from './synthetic.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from '../../src/optimizer/types.js';
import { checkPlan } from './check-plan.js';
import { describeEngines, LP_ENGINES } from './engines.js';

const relativeGap = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

// Small enough for javascript-lp-solver; tight enough that demand goes unserved
// and constraints bind (load factor above 1 in some cases).
const CASES: {
  name: string;
  seed: number;
  sites: number;
  regions: number;
  classes: number;
  loadFactor: number;
  options: Partial<PlanOptions>;
}[] = [
  { name: 'steady, amortized', seed: 1, sites: 6, regions: 4, classes: 4, loadFactor: 0.7, options: {} },
  {
    name: 'steady, sunk, overloaded',
    seed: 2,
    sites: 5,
    regions: 5,
    classes: 3,
    loadFactor: 1.4,
    options: { capexMode: 'SUNK' },
  },
  {
    name: 'expansion, sunk',
    seed: 3,
    sites: 6,
    regions: 4,
    classes: 4,
    loadFactor: 1.2,
    options: { capexMode: 'SUNK', allowExpansion: true },
  },
  {
    name: 'site share, egress, carbon price',
    seed: 4,
    sites: 6,
    regions: 4,
    classes: 3,
    loadFactor: 0.8,
    options: { maxSiteShare: 0.5, egressPricePerMillionTokens: 0.02, carbonPricePerTonne: 80 },
  },
  {
    name: 'carbon cap',
    seed: 5,
    sites: 5,
    regions: 4,
    classes: 2,
    loadFactor: 0.9,
    options: { carbonCapTonnesPerHour: 0.5 },
  },
  {
    name: 'utilization 0.6, excluded site',
    seed: 6,
    sites: 6,
    regions: 3,
    classes: 4,
    loadFactor: 1,
    options: { targetUtilization: 0.6, excludeSites: ['S0001'] },
  },
  { name: '24 periods', seed: 7, sites: 3, regions: 2, classes: 2, loadFactor: 0.9, options: { periods: 24 } },
];

const OTHER_THAN_HIGHS = LP_ENGINES.filter((e) => e.solver !== 'highs');

describeEngines(OTHER_THAN_HIGHS, 'random instances: plans keep every constraint and agree with HiGHS', (solver) => {
  for (const c of CASES) {
    it(`${c.name} (seed ${c.seed})`, async () => {
      const input = syntheticInput({
        sites: c.sites,
        regions: c.regions,
        classes: c.classes,
        gpuTypes: 4,
        seed: c.seed,
        loadFactor: c.loadFactor,
        restrictedShare: 0.3,
      });
      const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...c.options };
      const highs = await solvePlacement(input, { ...options, solver: 'highs' });
      expect(highs.status, highs.message ?? '').toBe('optimal');
      checkPlan(input, { ...options, solver: 'highs' }, highs);

      const other = await solvePlacement(input, { ...options, solver });
      expect(other.status, other.message ?? '').toBe('optimal');
      checkPlan(input, { ...options, solver }, other);
      expect(relativeGap(other.objectivePerHour!, highs.objectivePerHour!)).toBeLessThanOrEqual(1e-6);
      expect(relativeGap(other.totals!.costPerHour.total, highs.totals!.costPerHour.total)).toBeLessThanOrEqual(1e-6);
    });
  }
});

describe('random instances: plans price themselves right', () => {
  it('finds unserved demand in the overloaded case, each with a reason that holds', async () => {
    const input = syntheticInput({
      sites: 5,
      regions: 5,
      classes: 3,
      gpuTypes: 4,
      seed: 2,
      loadFactor: 1.4,
      restrictedShare: 0.3,
    });
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, solver: 'highs', capexMode: 'SUNK' };
    const plan = await solvePlacement(input, options);
    expect(plan.unserved.length).toBeGreaterThan(0);
    expect(plan.bindingConstraints.length).toBeGreaterThan(0);
    // each reason is the one the plan's rows call for: candidates, latency, residency, full sites (check-plan.ts)
    checkPlan(input, options, plan);
  });
});

// javascript-lp-solver is left out: these instances are past the size auto gives it
describeEngines(
  LP_ENGINES.filter((e) => e.solver !== 'jslp'),
  'random instances, more seeds, both periods',
  (solver) => {
    it('keep every constraint', async () => {
      for (let seed = 10; seed < 16; seed++) {
        const input = syntheticInput({
          sites: 12,
          regions: 6,
          seed,
          loadFactor: 0.6 + (seed % 4) * 0.25,
          restrictedShare: 0.3,
        });
        for (const periods of [1, 24] as const) {
          const options: PlanOptions = {
            ...DEFAULT_PLAN_OPTIONS,
            periods,
            solver,
            capexMode: seed % 2 ? 'SUNK' : 'AMORTIZED',
            allowExpansion: seed % 3 === 0,
          };
          const plan = await solvePlacement(input, options);
          expect(plan.status).toBe('optimal');
          checkPlan(input, options, plan);
        }
      }
    });
  },
);
