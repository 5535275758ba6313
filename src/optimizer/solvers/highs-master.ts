// The restricted master on HiGHS (WebAssembly) through its stateful model API:
// `addCols` keeps the basis (new columns enter nonbasic at their lower bound),
// so each re-solve is a warm primal simplex from the last optimum.
import type { LpModel } from '../lp-model.js';
import { FEASIBLE_SOLUTION, finalBasis, loadHighsOnce, STATUS_WORDS, statusOf } from './highs.js';
import { columnSubset, type MasterSolution, type RestrictedMaster } from './restricted-master.js';

export async function openHighsMaster(model: LpModel, columns: Int32Array): Promise<RestrictedMaster> {
  const highs = await loadHighsOnce();
  const inf = highs.infinity;
  const clamp = (values: Float64Array): Float64Array =>
    values.map((v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
  const initial = columnSubset(model, columns);
  const hm = highs.createModel({
    numCols: columns.length,
    numRows: model.numRows,
    colCost: initial.cost,
    colLower: clamp(initial.lower),
    colUpper: clamp(initial.upper),
    rowLower: clamp(model.rowLower),
    rowUpper: clamp(model.rowUpper),
    matrix: {
      format: 'csc',
      numRows: model.numRows,
      numCols: columns.length,
      starts: initial.starts,
      indices: initial.indices,
      values: initial.values,
    },
  });
  hm.options.set({ output_flag: false });
  let iterationsBefore = 0;
  let solved = false;
  return {
    solve(timeLimitSeconds: number): MasterSolution {
      // HiGHS counts its time limit over every run since the clocks were zeroed
      hm.zeroAllClocks();
      hm.options.set({ time_limit: Math.max(0.01, timeLimitSeconds) });
      // after the first solve the basis stays primal feasible when columns are added: primal simplex goes on from it
      if (solved) hm.options.set({ simplex_strategy: 4 as never });
      solved = true;
      const code = hm.run().modelStatus as number;
      const status = statusOf(code);
      const iterationsNow = Number(hm.info.get('simplex_iteration_count'));
      // the counter is per run in some builds and cumulative in others
      const iterations = iterationsNow >= iterationsBefore ? iterationsNow - iterationsBefore : iterationsNow;
      iterationsBefore = iterationsNow;
      const hasPrimal = Number(hm.info.get('primal_solution_status')) === FEASIBLE_SOLUTION;
      const hasDuals = status === 'optimal' && Number(hm.info.get('dual_solution_status')) === FEASIBLE_SOLUTION;
      const solution = hasPrimal ? hm.getSolution() : null;
      return {
        status,
        solverStatus: STATUS_WORDS[code] ?? `status_${code}`,
        objective: solution ? hm.getObjectiveValue() : null,
        columnValues: solution ? solution.colValue : null,
        rowDuals: hasDuals && solution ? solution.rowDual : null,
        iterations,
      };
    },
    addColumns(added: Int32Array): void {
      const subset = columnSubset(model, added);
      hm.addCols({
        cost: subset.cost,
        lower: clamp(subset.lower),
        upper: clamp(subset.upper),
        matrix: {
          format: 'csc',
          numRows: model.numRows,
          numCols: added.length,
          starts: subset.starts,
          indices: subset.indices,
          values: subset.values,
        },
      });
    },
    basis() {
      return finalBasis(hm);
    },
    dispose(): void {
      hm.dispose();
    },
  };
}
