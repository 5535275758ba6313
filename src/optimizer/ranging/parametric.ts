// Parametric ranging on a fixed optimal basis. A planner's parameter (a site's
// electricity price, its power cap, a pool's GPUs) moves many LP coefficients at
// once: every serve column's cost at a site, or the power rows of all 24 hours.
// HiGHS's own ranging moves one coefficient at a time, so it is not the answer
// for those. With the basis fixed, duals and reduced costs are linear in a cost
// parameter θ (c + θ·d) and basic values are linear in a bound parameter
// (bounds + θ); one solve with the basis matrix gives each direction, and a
// ratio test gives the θ interval where the basis stays optimal (cost) or
// feasible, so its duals stay valid (bounds). Degenerate bases can make an
// interval narrower than the range where the plan's allocation really holds.
import type { LpModel } from '../lp-model.js';

/** θ moves the costs of `columns` by θ·amounts[i]. */
export interface CostDirection {
  kind: 'cost';
  columns: readonly number[];
  amounts: readonly number[];
}

/** θ moves the upper bound of every one of `rows` (≤ rows) by θ. */
export interface RowUpperDirection {
  kind: 'rowUpper';
  rows: readonly number[];
}

export type ParameterDirection = CostDirection | RowUpperDirection;

/** θ ∈ [down, up]: down ≤ 0 ≤ up, ±Infinity when unbounded. */
export interface ThetaRange {
  down: number;
  up: number;
}

/** What the ranging needs from the solver's optimal basis (HiGHS conventions). */
export interface OptimalBasis {
  /** 0 at lower, 1 basic, 2 at upper, 3 nonbasic at zero (free), 4 nonbasic */
  colStatus: Int32Array;
  rowStatus: Int32Array;
  colValue: Float64Array;
  rowValue: Float64Array;
  /** c − Aᵀy */
  colDual: Float64Array;
  /** y: ∂objective/∂(row bound) */
  rowDual: Float64Array;
  /** per basis position: a column index, or −row − 1 for a row's slack */
  basicVariables: Int32Array;
  /** B·x = rhs (rhs by row, x by basis position) */
  solve(rhs: Float64Array): Float64Array;
  /** Bᵀ·x = rhs (rhs by basis position, x by row) */
  solveTranspose(rhs: Float64Array): Float64Array;
}

const BASIC = 1;
const AT_LOWER = 0;
const AT_UPPER = 2;
/** a slope below this is the solves' rounding, not a direction */
const SLOPE_EPSILON = 1e-9;

/**
 * Tighten [down, up] so that value + θ·slope ≥ 0 holds; a value already
 * (within tolerance) at 0 pins that side at 0: the degenerate case.
 */
function keepNonNegative(range: ThetaRange, value: number, slope: number): void {
  if (Math.abs(slope) <= SLOPE_EPSILON) return;
  const limit = Math.max(0, value) / -slope;
  if (slope < 0) range.up = Math.min(range.up, limit);
  else range.down = Math.max(range.down, limit);
}

/** Row-wise copy of the matrix, for Aᵀw over the rows where w is not 0. */
export interface RowMatrix {
  starts: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

export function rowMatrix(lp: LpModel): RowMatrix {
  const starts = new Int32Array(lp.numRows + 1);
  for (let k = 0; k < lp.matrixRowIndices.length; k++) starts[lp.matrixRowIndices[k]! + 1]!++;
  for (let i = 0; i < lp.numRows; i++) starts[i + 1]! += starts[i]!;
  const fill = starts.slice(0, lp.numRows);
  const columns = new Int32Array(lp.matrixValues.length);
  const values = new Float64Array(lp.matrixValues.length);
  for (let j = 0; j < lp.numColumns; j++) {
    for (let k = lp.matrixStarts[j]!; k < lp.matrixStarts[j + 1]!; k++) {
      const at = fill[lp.matrixRowIndices[k]!]!++;
      columns[at] = j;
      values[at] = lp.matrixValues[k]!;
    }
  }
  return { starts, columns, values };
}

/** Cost ranging: reduced costs of nonbasic columns and duals of nonbasic rows keep their signs. */
export function costRange(lp: LpModel, rows: RowMatrix, basis: OptimalBasis, direction: CostDirection): ThetaRange {
  const amountOf = new Map<number, number>();
  direction.columns.forEach((j, i) => amountOf.set(j, (amountOf.get(j) ?? 0) + direction.amounts[i]!));
  const basicCosts = new Float64Array(lp.numRows);
  basis.basicVariables.forEach((variable, position) => {
    if (variable >= 0) basicCosts[position] = amountOf.get(variable) ?? 0;
  });
  // w: how the row duals move per unit θ
  const w = basis.solveTranspose(basicCosts);
  const reducedSlope = new Map<number, number>();
  for (const [j, amount] of amountOf) if (basis.colStatus[j] !== BASIC) reducedSlope.set(j, amount);
  const range: ThetaRange = { down: -Infinity, up: Infinity };
  for (let i = 0; i < lp.numRows; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let k = rows.starts[i]!; k < rows.starts[i + 1]!; k++) {
      const j = rows.columns[k]!;
      if (basis.colStatus[j] === BASIC) continue;
      reducedSlope.set(j, (reducedSlope.get(j) ?? 0) - rows.values[k]! * wi);
    }
    const status = basis.rowStatus[i]!;
    if (status !== BASIC && lp.rowLower[i] !== lp.rowUpper[i]) {
      nonbasicDualCondition(range, status, basis.rowDual[i]!, wi);
    }
  }
  for (const [j, slope] of reducedSlope) {
    if (lp.columnLower[j] === lp.columnUpper[j]) continue;
    nonbasicDualCondition(range, basis.colStatus[j]!, basis.colDual[j]!, slope);
  }
  return range;
}

/** At lower a dual stays ≥ 0, at upper ≤ 0, a free nonbasic one at 0. */
function nonbasicDualCondition(range: ThetaRange, status: number, dual: number, slope: number): void {
  if (status === AT_LOWER) keepNonNegative(range, dual, slope);
  else if (status === AT_UPPER) keepNonNegative(range, -dual, -slope);
  else if (Math.abs(slope) > SLOPE_EPSILON) {
    range.down = Math.max(range.down, 0);
    range.up = Math.min(range.up, 0);
  }
}

/** Bound ranging: basic columns and row activities stay within their bounds as the rows' upper bounds move. */
export function rowUpperRange(lp: LpModel, basis: OptimalBasis, direction: RowUpperDirection): ThetaRange {
  const moved = new Uint8Array(lp.numRows);
  const rhs = new Float64Array(lp.numRows);
  for (const i of direction.rows) {
    moved[i] = 1;
    // a binding row's activity moves with its bound; a slack row's does not
    if (basis.rowStatus[i] !== BASIC) rhs[i] = 1;
  }
  const range: ThetaRange = { down: -Infinity, up: Infinity };
  const positions = basis.solve(rhs);
  // activities move by A·Δx; computed here so the sign HiGHS gives slack columns in B never matters
  const activitySlope = new Float64Array(lp.numRows);
  basis.basicVariables.forEach((variable, position) => {
    const slope = positions[position]!;
    if (variable < 0 || Math.abs(slope) <= SLOPE_EPSILON) return;
    for (let k = lp.matrixStarts[variable]!; k < lp.matrixStarts[variable + 1]!; k++) {
      activitySlope[lp.matrixRowIndices[k]!]! += lp.matrixValues[k]! * slope;
    }
    const value = basis.colValue[variable]!;
    keepNonNegative(range, value - lp.columnLower[variable]!, slope);
    keepNonNegative(range, lp.columnUpper[variable]! - value, -slope);
  });
  for (let i = 0; i < lp.numRows; i++) {
    if (basis.rowStatus[i] !== BASIC) continue;
    const boundSlope = moved[i]!;
    const value = basis.rowValue[i]!;
    keepNonNegative(range, value - lp.rowLower[i]!, activitySlope[i]!);
    keepNonNegative(range, lp.rowUpper[i]! - value, boundSlope - activitySlope[i]!);
  }
  return range;
}

export interface RangingRun {
  /** null where the budget ran out before this direction */
  ranges: (ThetaRange | null)[];
  ms: number;
}

/** Every direction in order until `budgetMs` is spent; the rest are left null. */
export function parametricRanges(
  lp: LpModel,
  basis: OptimalBasis,
  directions: readonly ParameterDirection[],
  budgetMs: number,
): RangingRun {
  const started = performance.now();
  const rows = directions.some((d) => d.kind === 'cost') ? rowMatrix(lp) : null;
  const ranges: (ThetaRange | null)[] = [];
  for (const direction of directions) {
    if (performance.now() - started > budgetMs) {
      ranges.push(null);
      continue;
    }
    ranges.push(
      direction.kind === 'cost' ? costRange(lp, rows!, basis, direction) : rowUpperRange(lp, basis, direction),
    );
  }
  return { ranges, ms: performance.now() - started };
}
