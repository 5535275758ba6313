// COIN-OR CLP adapter (native, in-process, optional): linear programs only.
// Clp_initialSolve (presolve, then dual simplex) with the perturbation the
// clp command line uses (50): without it CLP took 2.3× the iterations on our
// placement LPs, and plain Clp_dual (no presolve) 1.4–2.9× the time at
// 200×50–500×100. Row duals come back in HiGHS's convention (∂objective/∂row
// bound; test/optimizer/solvers/native-engines.test.ts checks them against
// HiGHS). The model is freed whatever happens.
import type { LpModel } from '../lp-model.js';
import {
  cachedBinding,
  copyBytes,
  copyDoubles,
  LOAD_PROBLEM_ARGUMENTS,
  loadProblem,
  type LoadProblem,
  type NativePointer,
} from './coin-native.js';
import {
  emptyModelOutcome,
  failedOutcome,
  type LpBasis,
  type SolveStatus,
  type SolverOutcome,
  type SolverSettings,
} from './outcome.js';

/** the clp command line's default, which our LPs need (see above) */
const PERTURBATION = 50;

const loadClp = cachedBinding('clp', ({ koffi, library }) => ({
  koffi,
  version: library.func('const char *Clp_Version()')() as string,
  newModel: library.func('void *Clp_newModel()') as () => NativePointer,
  deleteModel: library.func('void Clp_deleteModel(void *model)') as (model: NativePointer) => void,
  loadProblem: library.func(`void Clp_loadProblem(void *model, ${LOAD_PROBLEM_ARGUMENTS})`) as LoadProblem,
  setLogLevel: library.func('void Clp_setLogLevel(void *model, int value)') as (m: NativePointer, v: number) => void,
  setPerturbation: library.func('void Clp_setPerturbation(void *model, int value)') as (
    m: NativePointer,
    v: number,
  ) => void,
  setMaximumSeconds: library.func('void Clp_setMaximumSeconds(void *model, double value)') as (
    m: NativePointer,
    seconds: number,
  ) => void,
  initialSolve: library.func('int Clp_initialSolve(void *model)') as (m: NativePointer) => number,
  status: library.func('int Clp_status(void *model)') as (m: NativePointer) => number,
  secondaryStatus: library.func('int Clp_secondaryStatus(void *model)') as (m: NativePointer) => number,
  objectiveValue: library.func('double Clp_objectiveValue(void *model)') as (m: NativePointer) => number,
  iterations: library.func('int Clp_numberIterations(void *model)') as (m: NativePointer) => number,
  columnSolution: library.func('const double *Clp_getColSolution(void *model)') as (
    m: NativePointer,
  ) => NativePointer | null,
  rowPrice: library.func('const double *Clp_getRowPrice(void *model)') as (m: NativePointer) => NativePointer | null,
  statusArray: library.func('unsigned char *Clp_statusArray(void *model)') as (
    m: NativePointer,
  ) => NativePointer | null,
}));

/**
 * CLP's status of a column or row activity (ClpSimplex::Status, the low 3 bits:
 * free, basic, at upper, at lower, superbasic, fixed) as HiGHS's (0 lower,
 * 1 basic, 2 upper, 3 zero, 4 nonbasic), so a plan CLP solved leaves a basis a
 * later plan of the same structure starts HiGHS from.
 */
const HIGHS_STATUS_OF_CLP = Uint8Array.from([3, 1, 2, 0, 4, 0]);

function finalBasis(api: ClpApi, handle: NativePointer, model: LpModel): LpBasis | null {
  const statuses = copyBytes(api.koffi, api.statusArray(handle), model.numColumns + model.numRows);
  if (!statuses) return null;
  const columnStatus = new Uint8Array(model.numColumns);
  const rowStatus = new Uint8Array(model.numRows);
  for (let j = 0; j < model.numColumns; j++) columnStatus[j] = HIGHS_STATUS_OF_CLP[statuses[j]! & 7] ?? 4;
  for (let i = 0; i < model.numRows; i++) rowStatus[i] = HIGHS_STATUS_OF_CLP[statuses[model.numColumns + i]! & 7] ?? 4;
  return { columnStatus, rowStatus };
}

type ClpApi = Extract<ReturnType<typeof loadClp>, { ok: true }>['value'];

/** whether libClp (and koffi) load here; the reason when not */
export function clpAvailability(): { available: true; version: string } | { available: false; reason: string } {
  const clp = loadClp();
  return clp.ok ? { available: true, version: clp.value.version } : { available: false, reason: clp.reason };
}

/** CLP's status word: Clp_status, and for a stop, its secondary status (9: the time limit) */
function statusOf(primary: number, secondary: number): { status: SolveStatus; word: string } {
  switch (primary) {
    case 0:
      return { status: 'optimal', word: 'optimal' };
    case 1:
      return { status: 'infeasible', word: 'primal_infeasible' };
    case 2:
      return { status: 'unbounded', word: 'dual_infeasible' };
    case 3:
      return secondary === 9
        ? { status: 'time_limit', word: 'time_limit' }
        : { status: 'time_limit', word: 'iteration_limit' };
    case 5:
      return { status: 'time_limit', word: 'interrupted' };
    default:
      return { status: 'error', word: `stopped_on_errors_${secondary}` };
  }
}

export async function solveWithClp(model: LpModel, settings: SolverSettings): Promise<SolverOutcome> {
  const started = performance.now();
  const failure = (message: string, solverStatus = 'error') => failedOutcome(started, message, solverStatus);
  const clp = loadClp();
  if (!clp.ok) return failure(clp.reason, 'unavailable');
  if (model.columnIsInteger.some((flag) => flag === 1)) {
    return failure('solver clp solves linear programs only: integer plans go to cbc or highs');
  }
  if (model.numColumns === 0) return emptyModelOutcome(started);
  const api = clp.value;
  const handle = api.newModel();
  try {
    api.setLogLevel(handle, 0);
    loadProblem(api.loadProblem, handle, model);
    api.setPerturbation(handle, PERTURBATION);
    api.setMaximumSeconds(handle, Math.max(0.01, settings.timeLimitSeconds));
    api.initialSolve(handle);
    const { status, word } = statusOf(api.status(handle), api.secondaryStatus(handle));
    const solveMs = performance.now() - started;
    if (status === 'error') return failure(`CLP stopped with status ${word}`, word);
    // a stop before optimality leaves CLP's current basis, which need not be feasible: no plan from it
    const hasPlan = status === 'optimal';
    const columnValues = hasPlan ? copyDoubles(api.koffi, api.columnSolution(handle), model.numColumns) : null;
    const rowDuals = hasPlan ? copyDoubles(api.koffi, api.rowPrice(handle), model.numRows) : null;
    return {
      status,
      solverStatus: word,
      objective: hasPlan ? api.objectiveValue(handle) : null,
      columnValues,
      rowDuals,
      mipGap: null,
      solveMs,
      finalBasis: hasPlan ? finalBasis(api, handle, model) : null,
      simplexIterations: api.iterations(handle),
      message:
        status === 'time_limit' && !hasPlan
          ? `CLP stopped (${word.replace(/_/g, ' ')}) after ${api.iterations(handle)} iterations before proving a plan optimal`
          : null,
    };
  } catch (error) {
    return failure(`CLP failed: ${(error as Error).message}`);
  } finally {
    api.deleteModel(handle);
  }
}
