// HiGHS (WebAssembly) adapter. The runtime is loaded once per thread (a cached
// promise); each model is passed as CSC typed arrays through `createModel`,
// which skips LP-text parsing (that path crashed on a 175 MB model here).
// HiGHS solves synchronously: callers run it in a worker thread.
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import type { LpModel } from '../lp-model.js';
import {
  emptyModelOutcome,
  failedOutcome,
  type LpBasis,
  type SolveStatus,
  type SolverOutcome,
  type SolverSettings,
} from './outcome.js';
import type { OptimalBasis } from '../ranging/parametric.js';

// The package's typings are CommonJS while Node loads its ES build: take the
// loader from whichever shape the module has at run time.
type HighsLoader = (options?: Record<string, unknown>) => Promise<Highs>;
const highsExports = highsModule as unknown as { default: HighsLoader | { default: HighsLoader } };
const loadHighs: HighsLoader =
  typeof highsExports.default === 'function' ? highsExports.default : highsExports.default.default;

let highsPromise: Promise<Highs> | undefined;

export function loadHighsOnce(): Promise<Highs> {
  if (!highsPromise) {
    highsPromise = loadHighs().catch((error: unknown) => {
      highsPromise = undefined;
      throw error;
    });
  }
  return highsPromise;
}

export const STATUS_WORDS: Record<number, string> = {
  0: 'notset',
  1: 'load_error',
  2: 'model_error',
  3: 'presolve_error',
  4: 'solve_error',
  5: 'postsolve_error',
  6: 'empty',
  7: 'optimal',
  8: 'infeasible',
  9: 'unbounded_or_infeasible',
  10: 'unbounded',
  11: 'objective_bound',
  12: 'objective_target',
  13: 'time_limit',
  14: 'iteration_limit',
  15: 'unknown',
  16: 'solution_limit',
  17: 'interrupted',
};

export function statusOf(code: number): SolveStatus {
  switch (code) {
    case 6:
    case 7:
      return 'optimal';
    case 8:
      return 'infeasible';
    case 9:
    case 10:
      return 'unbounded';
    case 13:
    case 14:
    case 16:
    case 17:
      return 'time_limit';
    default:
      return 'error';
  }
}

export const FEASIBLE_SOLUTION = 2;
const VALID_BASIS = 1;
const PRIMAL_SIMPLEX = 4;
const HIGHEST_BASIS_STATUS = 4;

type HighsModel = ReturnType<Highs['createModel']>;

/**
 * Installs a starting basis: 'used', or why not (a basis of another shape, an
 * unknown status, or one HiGHS refuses). A basis HiGHS takes but that is not a
 * good start (a stale one) only costs iterations: the simplex repairs it.
 */
function installBasis(hm: HighsModel, model: LpModel, basis: LpBasis): 'used' | { ignored: string } {
  if (basis.columnStatus.length !== model.numColumns || basis.rowStatus.length !== model.numRows) {
    return {
      ignored: `the basis has ${basis.columnStatus.length} columns and ${basis.rowStatus.length} rows, the model ${model.numColumns} and ${model.numRows}`,
    };
  }
  const bad = (statuses: Uint8Array) => statuses.some((status) => status > HIGHEST_BASIS_STATUS);
  if (bad(basis.columnStatus) || bad(basis.rowStatus)) return { ignored: 'the basis holds an unknown status' };
  try {
    const { status } = hm.setBasis({
      colStatus: Int32Array.from(basis.columnStatus),
      rowStatus: Int32Array.from(basis.rowStatus),
    });
    return status === 0 ? 'used' : { ignored: `HiGHS refused the basis (status ${status})` };
  } catch (error) {
    return { ignored: `HiGHS refused the basis: ${(error as Error).message}` };
  }
}

/** The final basis of an optimal LP, or null when HiGHS holds no valid one. */
export function finalBasis(hm: HighsModel): LpBasis | null {
  if (Number(hm.info.get('basis_validity')) !== VALID_BASIS) return null;
  const { colStatus, rowStatus } = hm.getBasis();
  return { columnStatus: Uint8Array.from(colStatus), rowStatus: Uint8Array.from(rowStatus) };
}

/**
 * The solved model's basis and its factor, for ranging (ranging/parametric.ts).
 * After presolve the factor HiGHS keeps is not the original model's, and every
 * basis solve would factor again (2 ms each at 1,200 rows, 0.15 ms after): a
 * run from the optimal basis (no iterations) rebuilds it once. Null if that run
 * does not end optimal at once.
 */
function optimalBasis(hm: HighsModel): OptimalBasis | null {
  const run = hm.run();
  if (run.modelStatus !== 7 || Number(hm.info.get('simplex_iteration_count')) !== 0) return null;
  const solution = hm.getSolution();
  const basis = hm.getBasis();
  return {
    colStatus: basis.colStatus,
    rowStatus: basis.rowStatus,
    colValue: solution.colValue,
    rowValue: solution.rowValue,
    colDual: solution.colDual,
    rowDual: solution.rowDual,
    basicVariables: hm.getBasicVariables(),
    solve: (rhs) => hm.getBasisSolve(rhs).values,
    solveTranspose: (rhs) => hm.getBasisTransposeSolve(rhs).values,
  };
}

export async function solveWithHighs(model: LpModel, settings: SolverSettings): Promise<SolverOutcome> {
  const highs = await loadHighsOnce();
  const started = performance.now();
  const integral = model.columnIsInteger.some((flag) => flag === 1);
  const inf = highs.infinity;
  const clamp = (values: Float64Array): Float64Array =>
    values.map((v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
  const failure = (message: string, solverStatus = 'error') => failedOutcome(started, message, solverStatus);
  if (model.numColumns === 0) return emptyModelOutcome(started);
  let hm: HighsModel | undefined;
  try {
    hm = highs.createModel({
      numCols: model.numColumns,
      numRows: model.numRows,
      colCost: model.columnCost,
      colLower: clamp(model.columnLower),
      colUpper: clamp(model.columnUpper),
      rowLower: clamp(model.rowLower),
      rowUpper: clamp(model.rowUpper),
      matrix: {
        format: 'csc',
        numRows: model.numRows,
        numCols: model.numColumns,
        starts: model.matrixStarts,
        indices: model.matrixRowIndices,
        values: model.matrixValues,
      },
      ...(integral ? { integrality: Int32Array.from(model.columnIsInteger) } : {}),
    });
    hm.options.set({
      output_flag: false,
      time_limit: Math.max(0.01, settings.timeLimitSeconds),
      mip_rel_gap: settings.mipGapRelative,
    });
    const startBasis = settings.startBasis
      ? integral
        ? { ignored: 'an integer plan starts from its own relaxation' }
        : installBasis(hm, model, settings.startBasis)
      : undefined;
    // from a basis that is still primal feasible (only costs changed) the primal simplex has little left to do
    if (startBasis === 'used' && settings.startBasisPrimalFeasible)
      hm.options.set({ simplex_strategy: PRIMAL_SIMPLEX });
    const run = hm.run();
    const code = run.modelStatus as number;
    const status = statusOf(code);
    const solverStatus = STATUS_WORDS[code] ?? `status_${code}`;
    const hasPrimal = Number(hm.info.get('primal_solution_status')) === FEASIBLE_SOLUTION;
    const solution = hasPrimal ? hm.getSolution() : null;
    const hasDuals =
      !integral && status === 'optimal' && Number(hm.info.get('dual_solution_status')) === FEASIBLE_SOLUTION;
    const mipGap = integral && hasPrimal ? Number(hm.info.get('mip_gap')) : null;
    const solveMs = performance.now() - started;
    // read before ranging: its zero-iteration re-run resets HiGHS's counters
    const simplexIterations = integral ? null : Number(hm.info.get('simplex_iteration_count'));
    const objective = solution ? hm.getObjectiveValue() : null;
    const basisAtOptimum = !integral && status === 'optimal' ? finalBasis(hm) : null;
    const basis = hasDuals && settings.onOptimalBasis ? optimalBasis(hm) : null;
    if (basis) settings.onOptimalBasis!(basis, solveMs);
    if (status === 'time_limit' && !solution) {
      return {
        ...failure('the time limit was reached before HiGHS found a feasible plan', solverStatus),
        status: 'time_limit',
      };
    }
    if (status === 'error') return failure(`HiGHS stopped with status ${solverStatus}`, solverStatus);
    return {
      status,
      solverStatus,
      objective,
      columnValues: solution ? solution.colValue : null,
      rowDuals: hasDuals && solution ? solution.rowDual : null,
      mipGap: mipGap !== null && Number.isFinite(mipGap) ? mipGap : null,
      solveMs,
      message: null,
      finalBasis: basisAtOptimum,
      ...(startBasis ? { startBasis } : {}),
      simplexIterations,
    };
  } catch (error) {
    return failure(`HiGHS failed: ${(error as Error).message}`);
  } finally {
    hm?.dispose();
  }
}
