// One status vocabulary for every solver adapter (after linopy): a status, the
// solver's own word for it, the objective, primal values, duals when the solver
// has them, MIP gap and runtime.
export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time_limit' | 'error';

export interface SolverOutcome {
  status: SolveStatus;
  /** the solver's own status word */
  solverStatus: string;
  objective: number | null;
  /** null when the solver has no primal solution to give */
  columnValues: Float64Array | null;
  /** ∂objective/∂(row bound) for LPs solved by HiGHS; null otherwise */
  rowDuals: Float64Array | null;
  /** relative gap for MIPs; null for LPs */
  mipGap: number | null;
  solveMs: number;
  message: string | null;
}

/** An outcome with no plan, timed from `started` (performance.now()). */
export function failedOutcome(started: number, message: string, solverStatus = 'error'): SolverOutcome {
  return {
    status: 'error',
    solverStatus,
    objective: null,
    columnValues: null,
    rowDuals: null,
    mipGap: null,
    solveMs: performance.now() - started,
    message,
  };
}

/** A model without columns is solved by definition (every solver is handed one alike). */
export function emptyModelOutcome(started: number): SolverOutcome {
  return {
    ...failedOutcome(started, '', 'empty'),
    status: 'optimal',
    objective: 0,
    columnValues: new Float64Array(0),
    message: null,
  };
}

export interface SolverSettings {
  timeLimitSeconds: number;
  mipGapRelative: number;
}
