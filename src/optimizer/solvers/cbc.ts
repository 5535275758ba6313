// COIN-OR CBC adapter (native, in-process, optional): branch and cut for
// integer plans (it takes an LP too, without duals: its C interface has none).
// Settings go in as the cbc command line's parameters, which Cbc_solve runs.
// The model is freed whatever happens.
import type { LpModel } from '../lp-model.js';
import {
  cachedBinding,
  copyDoubles,
  LOAD_PROBLEM_ARGUMENTS,
  loadProblem,
  type LoadProblem,
  type NativePointer,
} from './coin-native.js';
import {
  emptyModelOutcome,
  failedOutcome,
  type SolveStatus,
  type SolverOutcome,
  type SolverSettings,
} from './outcome.js';

const loadCbc = cachedBinding('cbc', ({ koffi, library }) => ({
  koffi,
  version: library.func('const char *Cbc_getVersion()')() as string,
  newModel: library.func('void *Cbc_newModel()') as () => NativePointer,
  deleteModel: library.func('void Cbc_deleteModel(void *model)') as (model: NativePointer) => void,
  loadProblem: library.func(`void Cbc_loadProblem(void *model, ${LOAD_PROBLEM_ARGUMENTS})`) as LoadProblem,
  setInteger: library.func('void Cbc_setInteger(void *model, int column)') as (
    m: NativePointer,
    column: number,
  ) => void,
  setParameter: library.func('void Cbc_setParameter(void *model, const char *name, const char *value)') as (
    m: NativePointer,
    name: string,
    value: string,
  ) => void,
  setLogLevel: library.func('void Cbc_setLogLevel(void *model, int level)') as (
    m: NativePointer,
    level: number,
  ) => void,
  solve: library.func('int Cbc_solve(void *model)') as (m: NativePointer) => number,
  status: library.func('int Cbc_status(void *model)') as (m: NativePointer) => number,
  secondaryStatus: library.func('int Cbc_secondaryStatus(void *model)') as (m: NativePointer) => number,
  isProvenOptimal: library.func('int Cbc_isProvenOptimal(void *model)') as (m: NativePointer) => number,
  isProvenInfeasible: library.func('int Cbc_isProvenInfeasible(void *model)') as (m: NativePointer) => number,
  isContinuousUnbounded: library.func('int Cbc_isContinuousUnbounded(void *model)') as (m: NativePointer) => number,
  initialSolveOptimal: library.func('int Cbc_isInitialSolveProvenOptimal(void *model)') as (m: NativePointer) => number,
  initialSolveInfeasible: library.func('int Cbc_isInitialSolveProvenPrimalInfeasible(void *model)') as (
    m: NativePointer,
  ) => number,
  objectiveValue: library.func('double Cbc_getObjValue(void *model)') as (m: NativePointer) => number,
  bestBound: library.func('double Cbc_getBestPossibleObjValue(void *model)') as (m: NativePointer) => number,
  bestSolution: library.func('const double *Cbc_bestSolution(void *model)') as (
    m: NativePointer,
  ) => NativePointer | null,
  columnSolution: library.func('const double *Cbc_getColSolution(void *model)') as (
    m: NativePointer,
  ) => NativePointer | null,
}));

/** whether libCbcSolver (and koffi) load here; the reason when not */
export function cbcAvailability(): { available: true; version: string } | { available: false; reason: string } {
  const cbc = loadCbc();
  return cbc.ok ? { available: true, version: cbc.value.version } : { available: false, reason: cbc.reason };
}

/** Cbc_secondaryStatus after a stop (Cbc_status 1) */
const STOP_WORDS: Record<number, string> = {
  2: 'gap_reached',
  3: 'node_limit',
  4: 'time_limit',
  5: 'interrupted',
  6: 'solution_limit',
  8: 'iteration_limit',
};

type CbcApi = Extract<ReturnType<typeof loadCbc>, { ok: true }>['value'];

/**
 * Our status from CBC's. Cbc_status -1 means branch and bound never ran (an
 * LP, or a MIP settled at the root): the initial solve's flags decide, and
 * they cannot tell an unbounded LP from one abandoned (an error here). A
 * proof of infeasibility that comes with the time used up is not trusted:
 * CBC was seen to report one when its clock ran out in the root LP.
 */
function statusOf(api: CbcApi, handle: NativePointer, outOfTime: boolean): { status: SolveStatus; word: string } {
  const primary = api.status(handle);
  const secondary = api.secondaryStatus(handle);
  if (api.isContinuousUnbounded(handle) || secondary === 7) return { status: 'unbounded', word: 'unbounded' };
  const infeasible: { status: SolveStatus; word: string } = outOfTime
    ? { status: 'time_limit', word: 'time_limit' }
    : { status: 'infeasible', word: 'infeasible' };
  if (primary === -1) {
    if (api.initialSolveOptimal(handle)) return { status: 'optimal', word: 'optimal' };
    if (api.initialSolveInfeasible(handle)) return infeasible;
    return outOfTime
      ? { status: 'time_limit', word: 'time_limit' }
      : { status: 'error', word: 'initial_solve_abandoned' };
  }
  if (api.isProvenInfeasible(handle) || secondary === 1) return infeasible;
  if (primary === 0 || secondary === 2) return { status: 'optimal', word: secondary === 2 ? 'gap_reached' : 'optimal' };
  if (primary === 1 || primary === 5) {
    return { status: 'time_limit', word: STOP_WORDS[secondary] ?? `stopped_${secondary}` };
  }
  return { status: 'error', word: `abandoned_${secondary}` };
}

/** relative gap as HiGHS reports it: |objective − bound| / |objective| */
function relativeGap(objective: number, bound: number): number {
  if (!Number.isFinite(bound)) return Infinity;
  const gap = Math.abs(objective - bound);
  return gap === 0 ? 0 : gap / Math.max(Math.abs(objective), 1e-9);
}

export async function solveWithCbc(model: LpModel, settings: SolverSettings): Promise<SolverOutcome> {
  const started = performance.now();
  const failure = (message: string, solverStatus = 'error') => failedOutcome(started, message, solverStatus);
  const cbc = loadCbc();
  if (!cbc.ok) return failure(cbc.reason, 'unavailable');
  if (model.numColumns === 0) return emptyModelOutcome(started);
  const api = cbc.value;
  const integral = model.columnIsInteger.some((flag) => flag === 1);
  const handle = api.newModel();
  try {
    loadProblem(api.loadProblem, handle, model);
    for (let j = 0; j < model.numColumns; j++) if (model.columnIsInteger[j]) api.setInteger(handle, j);
    api.setLogLevel(handle, 0);
    api.setParameter(handle, 'log', '0');
    api.setParameter(handle, 'slog', '0');
    // our limit is wall-clock; CBC's default clock is the process's CPU time, Node's start-up included
    api.setParameter(handle, 'timeMode', 'elapsed');
    api.setParameter(handle, 'sec', String(Math.max(0.01, settings.timeLimitSeconds)));
    api.setParameter(handle, 'ratioGap', String(settings.mipGapRelative));
    api.solve(handle);
    const solveMs = performance.now() - started;
    const { status, word } = statusOf(api, handle, solveMs >= 900 * settings.timeLimitSeconds);
    if (word === 'initial_solve_abandoned') {
      return failure(
        'CBC ended the LP neither optimal nor infeasible (unbounded, or numerical trouble): try clp or highs',
        word,
      );
    }
    if (status === 'error') return failure(`CBC stopped with status ${word}`, word);

    // a MIP settled at the root may leave no "best solution" but its column solution
    const best = integral ? api.bestSolution(handle) : null;
    const solution = best ?? (status === 'optimal' ? api.columnSolution(handle) : null);
    const columnValues =
      // an LP stopped early has no plan; a MIP's best solution is a plan (null when none was found)
      status === 'optimal' || (status === 'time_limit' && integral)
        ? copyDoubles(api.koffi, solution, model.numColumns)
        : null;
    const objective = columnValues ? api.objectiveValue(handle) : null;
    if (status === 'time_limit' && !columnValues) {
      return {
        ...failure('the time limit was reached before CBC found a feasible plan', word),
        status: 'time_limit',
      };
    }
    return {
      status,
      solverStatus: word,
      objective,
      columnValues,
      rowDuals: null,
      mipGap: integral && objective !== null ? relativeGap(objective, api.bestBound(handle)) : null,
      solveMs,
      message: null,
    };
  } catch (error) {
    return failure(`CBC failed: ${(error as Error).message}`);
  } finally {
    api.deleteModel(handle);
  }
}
