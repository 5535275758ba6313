// The restricted master problem of column generation, behind a small interface
// so another LP engine could plug in: it holds a subset of the full model's
// columns (every row), solves, takes more columns and solves again warm.
import type { LpModel } from '../lp-model.js';
import type { LpBasis, SolveStatus } from './outcome.js';

/** Candidate columns in buckets: bucket b holds columns starts[b] .. ends[b]-1 of the full model. */
export interface CandidateBuckets {
  starts: Int32Array;
  ends: Int32Array;
  /** the row bucket b's candidates cover (a demand row: its lower bound is the demand) */
  rows: Int32Array;
}

export interface MasterSolution {
  status: SolveStatus;
  /** the engine's own status word */
  solverStatus: string;
  objective: number | null;
  /** values of the master's columns, in the order they were given (initial, then each addition) */
  columnValues: Float64Array | null;
  /** every row's dual (HiGHS convention: reduced cost = c − Aᵀy); null when not optimal */
  rowDuals: Float64Array | null;
  /** simplex iterations of this solve */
  iterations: number;
}

export interface RestrictedMaster {
  solve(timeLimitSeconds: number): MasterSolution;
  /** adds these columns of the full model; the next solve starts from the current basis */
  addColumns(columns: Int32Array): void;
  /** the current basis over the master's columns (in the order given) and every row; null when the engine holds none */
  basis(): LpBasis | null;
  dispose(): void;
}

/** Opens a master over `columns` (indices into `model`, ascending or not). */
export type RestrictedMasterFactory = (model: LpModel, columns: Int32Array) => Promise<RestrictedMaster>;

export interface ColumnSubset {
  cost: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** The CSC data of some of a model's columns, in the order given. */
export function columnSubset(model: LpModel, columns: Int32Array): ColumnSubset {
  let nonzeros = 0;
  for (const j of columns) nonzeros += model.matrixStarts[j + 1]! - model.matrixStarts[j]!;
  const subset: ColumnSubset = {
    cost: new Float64Array(columns.length),
    lower: new Float64Array(columns.length),
    upper: new Float64Array(columns.length),
    starts: new Int32Array(columns.length + 1),
    indices: new Int32Array(nonzeros),
    values: new Float64Array(nonzeros),
  };
  let at = 0;
  columns.forEach((j, c) => {
    subset.cost[c] = model.columnCost[j]!;
    subset.lower[c] = model.columnLower[j]!;
    subset.upper[c] = model.columnUpper[j]!;
    const from = model.matrixStarts[j]!;
    const to = model.matrixStarts[j + 1]!;
    subset.indices.set(model.matrixRowIndices.subarray(from, to), at);
    subset.values.set(model.matrixValues.subarray(from, to), at);
    at += to - from;
    subset.starts[c + 1] = at;
  });
  return subset;
}
