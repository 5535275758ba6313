// One status vocabulary for every solver adapter (after linopy): a status, the
// solver's own word for it, the objective, primal values, duals when the solver
// has them, MIP gap and runtime.
import type { OptimalBasis } from '../ranging/parametric.js';

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

export interface SolverSettings {
  timeLimitSeconds: number;
  mipGapRelative: number;
  /** called with an optimal LP's basis before the solver lets it go (HiGHS only): parametric ranging */
  onOptimalBasis?: (basis: OptimalBasis, solveMs: number) => void;
}
