// Warm starts in the optimizer: an LP re-solved after a 5 % price or demand
// change from the previous solve's basis reaches the cold solve's objective in
// fewer simplex iterations; a basis of the wrong size, a stale one, or one
// offered to an integer plan is ignored safely; the structure key holds across
// value changes and changes with the structure.
import { describe, expect, it } from 'vitest';
import { priceChanged, demandChanged } from '../../bench/warm/price-change.js';
import { solvePlacementWithBasis, type PlanWithBasis } from '../../src/optimizer/solve.js';
import type { LpBasis } from '../../src/optimizer/solvers/outcome.js';
import { parsePlanOptions, type PlanningInput, type PlanOptions } from '../../src/optimizer/types.js';
import type { StartBasisSource } from '../../src/optimizer/warm-start.js';
import { smallAndLarge } from './builders.js';
import { syntheticInput } from './synthetic.js';

const input = syntheticInput({ sites: 60, regions: 20, classes: 4, gpuTypes: 10, seed: 7 });
const OPTIONS: Partial<PlanOptions> = { solver: 'highs' };

/** a source that offers `basis` as plan "previous" and records the keys it was asked for */
function offering(basis: LpBasis): StartBasisSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    find: (key) => {
      asked.push(key);
      return Promise.resolve({ planId: 'previous', basis, solveMs: 12 });
    },
  };
}

const relativeDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

async function coldThenWarm(changed: PlanningInput, options = OPTIONS) {
  const first = await solvePlacementWithBasis(input, options, { find: () => Promise.resolve(null) });
  expect(first.result.status).toBe('optimal');
  expect(first.basis).not.toBeNull();
  const cold = await solvePlacementWithBasis(changed, options);
  const warm = await solvePlacementWithBasis(changed, options, offering(first.basis!));
  return { first, cold, warm };
}

function expectSamePlan(warm: PlanWithBasis, cold: PlanWithBasis) {
  expect(warm.result.status).toBe('optimal');
  expect(relativeDiff(warm.result.objectivePerHour!, cold.result.objectivePerHour!)).toBeLessThan(1e-7);
}

describe('warm re-solves', () => {
  it('after a 5 % price change: the same objective in fewer simplex iterations, and the note says where it started', async () => {
    const { first, cold, warm } = await coldThenWarm(priceChanged(input));
    expect(first.result.warmStart).toMatchObject({
      used: false,
      fromPlanId: null,
      coldReason: 'no earlier plan of this structure has a stored basis',
    });
    expect(warm.result.structureKey).toBe(first.result.structureKey);
    expect(warm.result.warmStart).toMatchObject({ used: true, fromPlanId: 'previous', coldReason: null });
    expectSamePlan(warm, cold);
    const coldIterations = cold.result.warmStart!.simplexIterations!;
    const warmIterations = warm.result.warmStart!.simplexIterations!;
    expect(coldIterations).toBeGreaterThan(0);
    expect(warmIterations).toBeLessThan(coldIterations / 4);
    expect(warm.result.message).toMatch(
      /^warm start from plan previous's basis: [\d.]+ s and \d+ simplex iterations \(that plan took 0\.01 s\)$/,
    );
    expect(cold.result.message).toBeNull();
    expect(cold.result.warmStart?.coldReason).toBe('solved outside the plans service: no stored basis to start from');
  });

  it('after a 5 % demand change (the basis no longer primal feasible): the same objective in fewer iterations', async () => {
    const { cold, warm } = await coldThenWarm(demandChanged(input));
    expect(warm.result.warmStart?.used).toBe(true);
    expectSamePlan(warm, cold);
    expect(warm.result.warmStart!.simplexIterations!).toBeLessThan(cold.result.warmStart!.simplexIterations! / 4);
  });

  it('ignores a basis of the wrong size, with the reason, and solves cold', async () => {
    const first = await solvePlacementWithBasis(input, OPTIONS, { find: () => Promise.resolve(null) });
    const basis = first.basis!;
    const short = { columnStatus: basis.columnStatus.subarray(1), rowStatus: basis.rowStatus };
    const warm = await solvePlacementWithBasis(input, OPTIONS, offering(short));
    expect(warm.result.warmStart).toMatchObject({ used: false, fromPlanId: 'previous' });
    expect(warm.result.warmStart?.coldReason).toBe(
      `the basis of plan previous was not used: the basis has ${basis.columnStatus.length - 1} columns and ${basis.rowStatus.length} rows, the model ${basis.columnStatus.length} and ${basis.rowStatus.length}`,
    );
    expectSamePlan(warm, first);
    const unknown = { columnStatus: basis.columnStatus.map(() => 9), rowStatus: basis.rowStatus };
    const refused = await solvePlacementWithBasis(input, OPTIONS, offering(unknown));
    expect(refused.result.warmStart?.coldReason).toMatch(/unknown status/);
    expectSamePlan(refused, first);
  });

  it('a stale basis of the right size (every column basic, or another plan’s) still gives the optimal plan', async () => {
    const first = await solvePlacementWithBasis(input, OPTIONS, { find: () => Promise.resolve(null) });
    const basis = first.basis!;
    const allBasic = { columnStatus: basis.columnStatus.map(() => 1), rowStatus: basis.rowStatus.map(() => 1) };
    const reversed = {
      columnStatus: basis.columnStatus.slice().reverse(),
      rowStatus: basis.rowStatus.slice().reverse(),
    };
    for (const stale of [allBasic, reversed]) {
      const solved = await solvePlacementWithBasis(priceChanged(input), OPTIONS, offering(stale));
      const cold = await solvePlacementWithBasis(priceChanged(input), OPTIONS);
      expectSamePlan(solved, cold);
    }
  });

  it('starts cold when warmStart is off, for javascript-lp-solver, and for integer plans (the source is not asked)', async () => {
    const first = await solvePlacementWithBasis(input, OPTIONS, { find: () => Promise.resolve(null) });
    const cases: [Partial<PlanOptions>, string][] = [
      [{ ...OPTIONS, warmStart: false }, 'warmStart is off'],
      [{ ...OPTIONS, integerGpus: true, mipGapRelative: 0.05 }, 'integer plans start cold'],
    ];
    for (const [options, reason] of cases) {
      const source = offering(first.basis!);
      const solved = await solvePlacementWithBasis(input, options, source);
      expect(solved.result.warmStart).toMatchObject({ used: false, fromPlanId: null, coldReason: reason });
      expect(source.asked).toEqual([]);
    }
    const jslp = await solvePlacementWithBasis(smallAndLarge(), { solver: 'jslp' }, offering(first.basis!));
    expect(jslp.result.warmStart?.coldReason).toBe("javascript-lp-solver starts cold here (warm starts are HiGHS's)");
    expect(jslp.basis).toBeNull();
  });

  it('keeps the structure key across price and demand changes and changes it when a site is excluded', async () => {
    const keyOf = async (data: PlanningInput, options: Partial<PlanOptions> = OPTIONS) =>
      (await solvePlacementWithBasis(data, options)).result.structureKey;
    const base = await keyOf(input);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(await keyOf(priceChanged(input))).toBe(base);
    expect(await keyOf(demandChanged(input))).toBe(base);
    expect(await keyOf(input, { ...OPTIONS, excludeSites: [input.sites[0]!.code] })).not.toBe(base);
    expect(await keyOf(input, { ...OPTIONS, periods: 24 })).not.toBe(base);
  });

  it('validates warmStart like the other options', () => {
    const parsed = parsePlanOptions({ warmStart: 'yes' });
    expect(parsed).toEqual({ ok: false, issues: [{ path: 'warmStart', message: 'warmStart must be true or false' }] });
    expect(parsePlanOptions({})).toMatchObject({ ok: true, options: { warmStart: true } });
  });
});
