// The native COIN-OR engines on their own: the same row duals as HiGHS (sign
// included), their statuses in our vocabulary, the time limit, the MIP gap,
// a worker thread, and a clear one-line error where a library is absent.
// Suites for an engine this machine lacks show as skipped (engines.ts).
import { describeIf } from '../../helpers/skip.js';
import { afterAll, describe, expect, it } from 'vitest';
import { LpModelBuilder, type LpModel } from '../../../src/optimizer/lp-model.js';
import { buildPlanModel, solvePlacement } from '../../../src/optimizer/solve.js';
import { solveWithCbc } from '../../../src/optimizer/solvers/cbc.js';
import { solveWithClp } from '../../../src/optimizer/solvers/clp.js';
import {
  COIN_LIBRARIES,
  loadKoffi,
  missingLibraryMessage,
  openLibrary,
} from '../../../src/optimizer/solvers/coin-native.js';
import { ENGINES } from '../../../src/optimizer/solvers/engines.js';
import { solveWithHighs } from '../../../src/optimizer/solvers/highs.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from '../../../src/optimizer/types.js';
import { closeSolverWorkers, solvePlacementInWorker } from '../../../src/optimizer/worker-pool.js';
import { baseInput, latencies, region, site } from '../builders.js';
import { checkPlan } from '../check-plan.js';
import { LP_ENGINES } from '../engines.js';
import { syntheticInput } from '../synthetic.js';

afterAll(() => closeSolverWorkers());

const settings = { timeLimitSeconds: 60, mipGapRelative: 0.005 };
const clp = LP_ENGINES.find((e) => e.solver === 'clp')!;
const cbc = LP_ENGINES.find((e) => e.solver === 'cbc')!;

/** Σ rows y·(active bound) + Σ columns d·(active bound), d = c − Aᵀy: equals the objective only in HiGHS's sign convention */
function dualObjective(model: LpModel, columnValues: Float64Array, rowDuals: Float64Array): number {
  const activity = new Float64Array(model.numRows);
  const reduced = Float64Array.from(model.columnCost);
  for (let j = 0; j < model.numColumns; j++) {
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      const i = model.matrixRowIndices[k]!;
      activity[i]! += model.matrixValues[k]! * columnValues[j]!;
      reduced[j]! -= model.matrixValues[k]! * rowDuals[i]!;
    }
  }
  let total = 0;
  // at an optimum, y·activity and d·x are the bound terms (complementary slackness)
  for (let i = 0; i < model.numRows; i++) total += rowDuals[i]! * activity[i]!;
  for (let j = 0; j < model.numColumns; j++) total += reduced[j]! * columnValues[j]!;
  return total;
}

/** min x subject to x ≥ 2 (row) and x ≤ 1 (row): infeasible; or min −x, x ≥ 0: unbounded */
function tinyModel(kind: 'infeasible' | 'unbounded', integer = false): LpModel {
  const builder = new LpModelBuilder();
  if (kind === 'infeasible') {
    const atLeast = builder.addRow(2, Infinity);
    const atMost = builder.addRow(-Infinity, 1);
    builder.addColumn(0, Infinity, 1, integer, [atLeast, atMost], [1, 1]);
  } else {
    const any = builder.addRow(0, Infinity);
    builder.addColumn(0, Infinity, -1, integer, [any], [1]);
  }
  return builder.build(
    (j) => `x${j}`,
    (i) => `r${i}`,
  );
}

describeIf(clp.available, 'CLP against HiGHS', clp.reason, () => {
  it('gives the same objective and row duals in HiGHS’s sign convention on a 24-hour LP', async () => {
    const input = syntheticInput({ sites: 12, regions: 6, seed: 3, loadFactor: 1.2, restrictedShare: 0.3 });
    const { lp } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS, periods: 24 }).compiled;
    const highs = await solveWithHighs(lp, settings);
    const native = await solveWithClp(lp, settings);
    expect(native.status).toBe('optimal');
    expect(native.objective!).toBeCloseTo(highs.objective!, 6);
    // strong duality holds for both engines' duals, so a flipped sign would show
    for (const outcome of [highs, native]) {
      expect(dualObjective(lp, outcome.columnValues!, outcome.rowDuals!)).toBeCloseTo(outcome.objective!, 4);
    }
    // where the dual is unique (most rows) they agree to the digit
    let same = 0;
    for (let i = 0; i < lp.numRows; i++) {
      if (Math.abs(native.rowDuals![i]! - highs.rowDuals![i]!) <= 1e-7 * Math.max(1, Math.abs(highs.rowDuals![i]!))) {
        same++;
      }
    }
    expect(same / lp.numRows).toBeGreaterThan(0.9);
  });

  it('maps infeasible and unbounded, and refuses integer columns', async () => {
    expect((await solveWithClp(tinyModel('infeasible'), settings)).status).toBe('infeasible');
    expect((await solveWithClp(tinyModel('unbounded'), settings)).status).toBe('unbounded');
    const refused = await solveWithClp(tinyModel('infeasible', true), settings);
    expect(refused.status).toBe('error');
    expect(refused.message).toBe('solver clp solves linear programs only: integer plans go to cbc or highs');
  });

  it('stops at its time limit without passing off a partial basis as a plan', async () => {
    const input = syntheticInput({ sites: 200, regions: 50, classes: 4, gpuTypes: 10, seed: 1 });
    const { lp } = buildPlanModel(input, DEFAULT_PLAN_OPTIONS).compiled;
    const stopped = await solveWithClp(lp, { ...settings, timeLimitSeconds: 0.01 });
    expect(stopped.status).toBe('time_limit');
    expect(stopped.solverStatus).toBe('time_limit');
    expect(stopped.columnValues).toBeNull();
    expect(stopped.message).toMatch(/^CLP stopped \(time limit\) after \d+ iterations/);
  });

  it('says in the plan which engine ran, and solves in a worker thread too', async () => {
    const input = syntheticInput({ sites: 12, regions: 6, seed: 4 });
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS };
    const plan = await solvePlacementInWorker(input, options);
    expect(plan.solver).toBe('clp');
    expect(plan.status).toBe('optimal');
    expect(plan.message).toMatch(/^solved by COIN-OR CLP \d+\.\d+\.\d+ in-process \(native library\)$/);
    expect(plan.shadowPrices).not.toBeNull();
    checkPlan(input, options, plan);
  });
});

describeIf(cbc.available, 'CBC against HiGHS', cbc.reason, () => {
  const integerOptions: PlanOptions = {
    ...DEFAULT_PLAN_OPTIONS,
    integerGpus: true,
    allowExpansion: true,
    capexMode: 'SUNK',
    mipGapRelative: 0.01,
  };

  it('finds a whole-GPU plan within the gap of HiGHS’s and reports its own gap', async () => {
    const input = syntheticInput({
      sites: 10,
      regions: 5,
      gpuTypes: 4,
      seed: 41,
      loadFactor: 1.1,
      expandableShare: 0.6,
    });
    const { lp } = buildPlanModel(input, integerOptions).compiled;
    const highs = await solveWithHighs(lp, settings);
    const native = await solveWithCbc(lp, { ...settings, mipGapRelative: integerOptions.mipGapRelative });
    expect(native.status).toBe('optimal');
    expect(native.mipGap!).toBeLessThanOrEqual(integerOptions.mipGapRelative + 1e-9);
    expect(native.rowDuals).toBeNull();
    const gap = Math.abs(native.objective! - highs.objective!) / Math.abs(highs.objective!);
    expect(gap).toBeLessThanOrEqual(2 * integerOptions.mipGapRelative);
  });

  it('maps infeasible and unbounded; an unbounded LP is an error, as CBC’s C interface cannot tell', async () => {
    for (const integer of [false, true]) {
      expect((await solveWithCbc(tinyModel('infeasible', integer), settings)).status).toBe('infeasible');
    }
    expect((await solveWithCbc(tinyModel('unbounded', true), settings)).status).toBe('unbounded');
    const lp = await solveWithCbc(tinyModel('unbounded'), settings);
    expect([lp.status, lp.message]).toEqual([
      'error',
      'CBC ended the LP neither optimal nor infeasible (unbounded, or numerical trouble): try clp or highs',
    ]);
  });

  it('solves an LP without duals, and the plan says where shadow prices come from', async () => {
    const input = baseInput({
      sites: [site('A', { pricePerKwh: 0.1 }), site('B', { pricePerKwh: 0.2 })],
      regions: [region('R', 12_000)],
      latencies: latencies([
        ['A', 'R', 10],
        ['B', 'R', 20],
      ]),
    });
    const plan = await solvePlacement(input, { solver: 'cbc' });
    expect(plan.status).toBe('optimal');
    expect(plan.shadowPrices).toBeNull();
    expect(plan.shadowPricesUnavailableReason).toBe(
      'COIN-OR CBC reports no dual values; solve with HiGHS or CLP (solver: highs or clp) for shadow prices',
    );
  });

  it('keeps to a short time limit on a whole-GPU plan', async () => {
    const input = syntheticInput({
      sites: 60,
      regions: 20,
      gpuTypes: 6,
      seed: 5,
      loadFactor: 1.1,
      expandableShare: 0.6,
    });
    const plan = await solvePlacement(input, {
      ...integerOptions,
      solver: 'cbc',
      periods: 24,
      mipGapRelative: 0,
      timeLimitSeconds: 1,
    });
    expect(plan.solver).toBe('cbc');
    // a plan found by then is a time_limit plan; none found is an error plan; both say the clock stopped CBC
    expect(plan.solverStatus).toBe('time_limit');
    expect(plan.timings.solveMs).toBeLessThan(20_000);
  });
});

describe('a native engine the machine lacks', () => {
  // without koffi itself (no prebuilt binary for the platform) the reason names koffi instead
  it('is one line naming the Debian package to install (or koffi, where koffi cannot load)', () => {
    if (!loadKoffi().ok) {
      expect(openLibrary('clp')).toMatchObject({ ok: false, reason: expect.stringMatching(/needs the koffi package/) });
      return;
    }
    const nowhere = { ...COIN_LIBRARIES.clp, files: ['libNoSuchClp.so.99'] };
    expect(openLibrary('clp', nowhere)).toEqual({
      ok: false,
      reason: "solver clp needs Debian's coinor-libclp1 (apt-get install coinor-libclp1)",
    });
    expect(missingLibraryMessage('cbc')).toBe(
      "solver cbc needs Debian's coinor-libcbc3 (apt-get install coinor-libcbc3)",
    );
  });

  it.each(['clp', 'cbc'] as const)('asked for by name (%s), gives an error plan, not a crash', async (solver) => {
    const availability = ENGINES[solver].availability();
    const plan = await solvePlacement(baseInput(), { solver });
    if (availability.available) expect(plan.status).toBe('optimal');
    else {
      expect(plan.status).toBe('error');
      expect(plan.message).toBe(availability.reason);
    }
  });
});
