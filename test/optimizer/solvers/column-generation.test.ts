// Column generation on route columns against the full LP on HiGHS: same
// objective (1e-7 relative), a primal solution that keeps every row and bound
// of the full model, duals that are optimal for the full model (every reduced
// cost has the sign its column's bound calls for) and equal to the full LP's
// where the full LP's primal is nondegenerate. Real solves, no mocks.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../src/dataset/load.js';
import { planningInputFromDataset } from '../../../src/db/planning-input.js';
import { rowActivities, type LpModel } from '../../../src/optimizer/lp-model.js';
import { routeBuckets, solveRoutesByColumnGeneration } from '../../../src/optimizer/route-generation.js';
import { buildPlanModel, solvePlacement } from '../../../src/optimizer/solve.js';
import { loadHighsOnce, solveWithHighs } from '../../../src/optimizer/solvers/highs.js';
import {
  DEFAULT_PLAN_OPTIONS,
  parsePlanOptions,
  type PlanningInput,
  type PlanOptions,
} from '../../../src/optimizer/types.js';
import { ONE_MODEL_FIXTURES_DIR } from '../../../src/paths.js';
import { checkPlan } from '../check-plan.js';
import { syntheticInput } from '../synthetic.js';

const SETTINGS = { timeLimitSeconds: 120, mipGapRelative: 0 };
const relativeGap = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

function reducedCosts(lp: LpModel, y: Float64Array): Float64Array {
  const d = Float64Array.from(lp.columnCost);
  for (let j = 0; j < lp.numColumns; j++) {
    for (let k = lp.matrixStarts[j]!; k < lp.matrixStarts[j + 1]!; k++)
      d[j]! -= lp.matrixValues[k]! * y[lp.matrixRowIndices[k]!]!;
  }
  return d;
}

/** x keeps every row and bound of lp; y with x meets the optimality conditions of lp (minimisation). */
function expectOptimalPair(lp: LpModel, x: Float64Array, y: Float64Array): void {
  const scale = (v: number) => 1e-6 * Math.max(1, Math.abs(v));
  const activity = rowActivities(lp, x);
  for (let i = 0; i < lp.numRows; i++) {
    expect(activity[i]!, lp.rowName(i)).toBeGreaterThanOrEqual(lp.rowLower[i]! - scale(lp.rowLower[i]!));
    expect(activity[i]!, lp.rowName(i)).toBeLessThanOrEqual(lp.rowUpper[i]! + scale(lp.rowUpper[i]!));
    // a row's dual is 0 unless the row is at the bound its sign points to
    if (y[i]! > 1e-6) expect(activity[i]! - lp.rowLower[i]!, lp.rowName(i)).toBeLessThanOrEqual(scale(lp.rowLower[i]!));
    if (y[i]! < -1e-6)
      expect(lp.rowUpper[i]! - activity[i]!, lp.rowName(i)).toBeLessThanOrEqual(scale(lp.rowUpper[i]!));
  }
  const d = reducedCosts(lp, y);
  for (let j = 0; j < lp.numColumns; j++) {
    const atLower = x[j]! <= lp.columnLower[j]! + 1e-7;
    const atUpper = x[j]! >= lp.columnUpper[j]! - 1e-7;
    expect(x[j]!).toBeGreaterThanOrEqual(lp.columnLower[j]! - 1e-7);
    expect(x[j]!).toBeLessThanOrEqual(lp.columnUpper[j]! + 1e-7);
    const tolerance = 1e-5 * Math.max(1, Math.abs(lp.columnCost[j]!));
    if (!atLower) expect(d[j]!, lp.columnName(j)).toBeLessThanOrEqual(tolerance);
    if (!atUpper) expect(d[j]!, lp.columnName(j)).toBeGreaterThanOrEqual(-tolerance);
  }
}

/** CG and the full LP on the same compiled model; returns the CG stats */
async function expectParity(input: PlanningInput, given: Partial<PlanOptions>) {
  const parsed = parsePlanOptions(given);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const { compiled } = buildPlanModel(input, parsed.options);
  const full = await solveWithHighs(compiled.lp, SETTINGS);
  const generated = await solveRoutesByColumnGeneration(compiled, SETTINGS);
  const cg = generated.outcome;
  expect(full.status).toBe('optimal');
  expect(cg.status, cg.message ?? '').toBe('optimal');
  expect(relativeGap(cg.objective!, full.objective!)).toBeLessThanOrEqual(1e-7);
  expectOptimalPair(compiled.lp, cg.columnValues!, cg.rowDuals!);
  // where the full LP's solution is nondegenerate (as many columns strictly between their bounds as rows),
  // its duals are the only ones: CG's must equal them
  const { lp } = compiled;
  let between = 0;
  for (let j = 0; j < lp.numColumns; j++) {
    const v = full.columnValues![j]!;
    if (v > lp.columnLower[j]! + 1e-9 && v < lp.columnUpper[j]! - 1e-9) between++;
  }
  const activity = rowActivities(lp, full.columnValues!);
  let slackRows = 0;
  for (let i = 0; i < lp.numRows; i++) {
    if (activity[i]! > lp.rowLower[i]! + 1e-9 && activity[i]! < lp.rowUpper[i]! - 1e-9) slackRows++;
  }
  if (between + slackRows === lp.numRows) {
    for (let i = 0; i < lp.numRows; i++) {
      expect(cg.rowDuals![i]!, lp.rowName(i)).toBeCloseTo(full.rowDuals![i]!, 5);
    }
  }
  return { generated: generated.stats, routes: routeBuckets(compiled) };
}

describe('HiGHS dual signs (what pricing relies on)', () => {
  it('reports column duals equal to c − Aᵀy with its row duals, for a minimisation', async () => {
    const input = syntheticInput({ sites: 12, regions: 6, seed: 3, loadFactor: 1.1 });
    const { compiled } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS });
    const { lp } = compiled;
    const highs = await loadHighsOnce();
    const inf = highs.infinity;
    const clamp = (a: Float64Array) => a.map((v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
    const hm = highs.createModel({
      numCols: lp.numColumns,
      numRows: lp.numRows,
      colCost: lp.columnCost,
      colLower: clamp(lp.columnLower),
      colUpper: clamp(lp.columnUpper),
      rowLower: clamp(lp.rowLower),
      rowUpper: clamp(lp.rowUpper),
      matrix: {
        format: 'csc',
        numRows: lp.numRows,
        numCols: lp.numColumns,
        starts: lp.matrixStarts,
        indices: lp.matrixRowIndices,
        values: lp.matrixValues,
      },
    });
    try {
      hm.options.set({ output_flag: false });
      hm.run();
      const solution = hm.getSolution();
      const d = reducedCosts(lp, solution.rowDual);
      let largest = 0;
      for (let j = 0; j < lp.numColumns; j++) largest = Math.max(largest, Math.abs(d[j]! - solution.colDual[j]!));
      expect(largest).toBeLessThan(1e-6);
      // and demand rows (= demand, more demand costs more) have duals ≥ 0
      for (let i = compiled.layout.demandRows.start; i < compiled.layout.demandRows.end; i++) {
        expect(solution.rowDual[i]!).toBeGreaterThanOrEqual(-1e-9);
      }
    } finally {
      hm.dispose();
    }
  });
});

describe('column generation against the full LP', () => {
  let sevenModels: PlanningInput;
  let oneModel: PlanningInput;
  beforeAll(async () => {
    const seven = await loadFixtures();
    const one = await loadFixtures(ONE_MODEL_FIXTURES_DIR);
    expect([...seven.issues, ...one.issues]).toEqual([]);
    sevenModels = planningInputFromDataset(seven.dataset);
    oneModel = planningInputFromDataset(one.dataset);
  });

  it('the fixtures (7 models), steady state and 24 periods', async () => {
    await expectParity(sevenModels, {});
    await expectParity(sevenModels, { periods: 24 });
  }, 120_000);

  it('the fixtures without models, steady state, 24 periods and with expansion', async () => {
    await expectParity(oneModel, {});
    await expectParity(oneModel, { periods: 24 });
    await expectParity(oneModel, { allowExpansion: true, capexMode: 'SUNK' });
  }, 120_000);

  it('synthetic: with maxSiteShare, egress and a carbon cap; 24 periods; expansion', async () => {
    const input = syntheticInput({ sites: 80, regions: 20, seed: 5, loadFactor: 0.9, restrictedShare: 0.3 });
    const { generated } = await expectParity(input, {});
    // it left most routes out
    expect(generated.generatedColumns).toBeLessThan(generated.candidateColumns);
    await expectParity(input, { maxSiteShare: 0.3, egressPricePerMillionTokens: 0.05, carbonCapTonnesPerHour: 5 });
    await expectParity(syntheticInput({ sites: 30, regions: 8, seed: 6, loadFactor: 1.2 }), { periods: 24 });
    await expectParity(syntheticInput({ sites: 40, regions: 10, seed: 7, loadFactor: 1.3, expandableShare: 0.5 }), {
      allowExpansion: true,
      capexMode: 'SUNK',
    });
    await expectParity(syntheticInput({ sites: 40, regions: 10, seed: 8, models: 3 }), {});
  }, 240_000);

  it('agrees with the full LP on random instances (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          sites: fc.integer({ min: 2, max: 40 }),
          regions: fc.integer({ min: 1, max: 10 }),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          loadFactor: fc.double({ min: 0.3, max: 1.6, noNaN: true }),
          restrictedShare: fc.double({ min: 0, max: 0.6, noNaN: true }),
          models: fc.constantFrom(undefined, 2, 5),
          maxSiteShare: fc.constantFrom(null, 0.4, 0.8),
          egress: fc.constantFrom(0, 0.05),
          capexMode: fc.constantFrom('AMORTIZED' as const, 'SUNK' as const),
        }),
        async (c) => {
          const input = syntheticInput({
            sites: c.sites,
            regions: c.regions,
            seed: c.seed,
            loadFactor: c.loadFactor,
            restrictedShare: c.restrictedShare,
            ...(c.models === undefined ? {} : { models: c.models }),
          });
          await expectParity(input, {
            maxSiteShare: c.maxSiteShare,
            egressPricePerMillionTokens: c.egress,
            capexMode: c.capexMode,
          });
        },
      ),
      { numRuns: 25, seed: 14 },
    );
  }, 300_000);
});

describe('plans solved by column generation', () => {
  it('say so in their note, keep every constraint and match the full LP', async () => {
    const input = syntheticInput({ sites: 60, regions: 15, seed: 9, loadFactor: 1.1, restrictedShare: 0.3 });
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, maxSiteShare: 0.5, solver: 'highs' };
    const on = await solvePlacement(input, { ...options, columnGeneration: 'on' });
    const off = await solvePlacement(input, { ...options, columnGeneration: 'off' });
    expect(on.status).toBe('optimal');
    expect(on.message).toMatch(/^column generation: \d+ rounds?, [\d.]+% of [\d,]+ route columns generated, [\d.]+ s$/);
    expect(off.message).toBeNull();
    expect(relativeGap(on.objectivePerHour!, off.objectivePerHour!)).toBeLessThanOrEqual(1e-7);
    checkPlan(input, { ...options, columnGeneration: 'on' }, on);
    expect(on.shadowPrices).not.toBeNull();
  });

  // on HiGHS, the embedded default (auto takes native CLP's full LP where it is installed: faster still)
  it('auto generates columns on a 200×50 fleet and leaves small plans to the full LP', async () => {
    const large = await solvePlacement(syntheticInput({ sites: 200, regions: 50, classes: 4, gpuTypes: 10, seed: 1 }), {
      solver: 'highs',
    });
    expect(large.status).toBe('optimal');
    expect(large.message).toMatch(/^column generation: /);
    const small = await solvePlacement(syntheticInput({ sites: 20, regions: 5, seed: 1 }), { solver: 'highs' });
    expect(small.message ?? '').not.toMatch(/column generation/);
  }, 60_000);

  it('refuses columnGeneration on with integer GPUs or javascript-lp-solver, naming the field', () => {
    const integer = parsePlanOptions({ columnGeneration: 'on', integerGpus: true });
    expect(integer.ok ? [] : integer.issues).toEqual([
      {
        path: 'columnGeneration',
        message: 'columnGeneration on cannot take integerGpus: it solves LPs only (use auto or off)',
      },
    ]);
    const jslp = parsePlanOptions({ columnGeneration: 'on', solver: 'jslp' });
    expect(jslp.ok ? [] : jslp.issues).toEqual([
      { path: 'columnGeneration', message: 'columnGeneration on needs HiGHS duals: use solver auto or highs' },
    ]);
    const unknown = parsePlanOptions({ columnGeneration: 'yes' });
    expect(unknown.ok ? [] : unknown.issues).toEqual([
      { path: 'columnGeneration', message: 'columnGeneration must be auto, on or off' },
    ]);
  });
});
