// Exact column generation for large LPs. Most of a placement LP's columns are
// routes, and an optimal plan uses few of them. The restricted master holds
// every other column plus, for each bucket of candidates (the routes of one
// demand row), the few that look cheapest; each round prices every left-out
// candidate with the master's duals (reduced cost c_j − Σ_i a_ij·y_i over the
// column's whole CSC entries) and adds at most a few of the most negative per
// bucket. When none is below −tolerance the master's solution, with the
// left-out columns at 0, is optimal for the full LP and its duals are the full
// LP's duals. Bounding the additions per bucket is what keeps the master small:
// adding every negative column at once (a naive loop) grew it 2.7× larger.
import type { LpModel } from '../lp-model.js';
import { initialCandidates } from './initial-columns.js';
import type { LpBasis, SolverOutcome, SolverSettings } from './outcome.js';
import type { CandidateBuckets, MasterSolution, RestrictedMasterFactory } from './restricted-master.js';

export type { CandidateBuckets } from './restricted-master.js';

export interface ColumnGenerationPolicy {
  /** candidates per bucket in the first master, cheapest by estimated cost */
  initialPerBucket: number;
  /** most candidates one bucket gains per round */
  addedPerBucketPerRound: number;
  /** a reduced cost below −tolerance prices a column in */
  reducedCostTolerance: number;
}

export const DEFAULT_COLUMN_GENERATION_POLICY: Readonly<ColumnGenerationPolicy> = Object.freeze({
  initialPerBucket: 10,
  addedPerBucketPerRound: 10,
  reducedCostTolerance: 1e-7,
});

export interface ColumnGenerationStats {
  rounds: number;
  candidateColumns: number;
  /** candidates in the final master (initial ones included) */
  generatedColumns: number;
  iterations: number;
  solveMs: number;
}

export interface ColumnGenerationOutcome {
  outcome: SolverOutcome;
  stats: ColumnGenerationStats;
}

/** c_j − Σ_i a_ij·y_i over the column's whole CSC entries */
function reducedCostOf(model: LpModel, j: number, y: Float64Array): number {
  let value = model.columnCost[j]!;
  for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
    value -= model.matrixValues[k]! * y[model.matrixRowIndices[k]!]!;
  }
  return value;
}

/** The `count` columns of [start, end) with the lowest score (all of them when fewer), unordered. */
function lowest(start: number, end: number, count: number, score: (j: number) => number, out: number[]): void {
  if (end - start <= count) {
    for (let j = start; j < end; j++) out.push(j);
    return;
  }
  const best: { j: number; score: number }[] = [];
  for (let j = start; j < end; j++) {
    const s = score(j);
    if (best.length < count) {
      best.push({ j, score: s });
      best.sort((a, b) => a.score - b.score);
    } else if (s < best[count - 1]!.score) {
      best[count - 1] = { j, score: s };
      best.sort((a, b) => a.score - b.score);
    }
  }
  for (const b of best) out.push(b.j);
}

/** Up to `addedPerBucketPerRound` left-out columns of each bucket, most negative reduced cost at duals y first. */
function priceIn(
  model: LpModel,
  buckets: CandidateBuckets,
  inMaster: Uint8Array,
  y: Float64Array,
  policy: ColumnGenerationPolicy,
): number[] {
  const added: number[] = [];
  const reducedCost = (j: number) => (inMaster[j] ? Infinity : reducedCostOf(model, j, y));
  for (let b = 0; b < buckets.starts.length; b++) {
    const before = added.length;
    lowest(buckets.starts[b]!, buckets.ends[b]!, policy.addedPerBucketPerRound, reducedCost, added);
    let kept = before;
    for (let i = before; i < added.length; i++) {
      if (reducedCost(added[i]!) < -policy.reducedCostTolerance) added[kept++] = added[i]!;
    }
    added.length = kept;
  }
  return added;
}

export async function solveWithColumnGeneration(
  model: LpModel,
  buckets: CandidateBuckets,
  openMaster: RestrictedMasterFactory,
  settings: SolverSettings,
  policy: ColumnGenerationPolicy = DEFAULT_COLUMN_GENERATION_POLICY,
): Promise<ColumnGenerationOutcome> {
  const started = performance.now();
  const isCandidate = new Uint8Array(model.numColumns);
  let candidateColumns = 0;
  for (let b = 0; b < buckets.starts.length; b++) {
    for (let j = buckets.starts[b]!; j < buckets.ends[b]!; j++) isCandidate[j] = 1;
    candidateColumns += buckets.ends[b]! - buckets.starts[b]!;
  }
  const masterColumns: number[] = [];
  for (let j = 0; j < model.numColumns; j++) if (!isCandidate[j]) masterColumns.push(j);
  const firstCandidate = masterColumns.length;
  // a loop, not push(...): a spread of a million columns overflows the call stack
  for (const j of initialCandidates(model, buckets, isCandidate, policy.initialPerBucket)) masterColumns.push(j);
  const inMaster = new Uint8Array(model.numColumns);
  for (const j of masterColumns) inMaster[j] = 1;

  const master = await openMaster(model, Int32Array.from(masterColumns));
  const stats: ColumnGenerationStats = {
    rounds: 0,
    candidateColumns,
    generatedColumns: 0,
    iterations: 0,
    solveMs: 0,
  };
  try {
    for (;;) {
      const leftSeconds = settings.timeLimitSeconds - (performance.now() - started) / 1000;
      const solution = master.solve(leftSeconds);
      stats.rounds++;
      stats.iterations += solution.iterations;
      const y = solution.rowDuals;
      const added = solution.status === 'optimal' && y ? priceIn(model, buckets, inMaster, y, policy) : [];
      if (added.length === 0 || solution.status !== 'optimal') {
        stats.generatedColumns = masterColumns.length - firstCandidate;
        stats.solveMs = performance.now() - started;
        return { outcome: fullOutcome(model, masterColumns, solution, stats.solveMs, master.basis()), stats };
      }
      for (const j of added) {
        inMaster[j] = 1;
        masterColumns.push(j);
      }
      master.addColumns(Int32Array.from(added));
    }
  } finally {
    master.dispose();
  }
}

/** The master's answer in the full model's columns (left-out candidates at 0). */
function fullOutcome(
  model: LpModel,
  masterColumns: number[],
  solution: MasterSolution,
  solveMs: number,
  masterBasis: LpBasis | null,
): SolverOutcome {
  let columnValues: Float64Array | null = null;
  if (solution.columnValues) {
    columnValues = new Float64Array(model.numColumns);
    masterColumns.forEach((j, c) => (columnValues![j] = solution.columnValues![c]!));
  }
  const failed = solution.status === 'error' || (solution.status === 'time_limit' && !columnValues);
  return {
    status: solution.status,
    solverStatus: solution.solverStatus,
    objective: solution.objective,
    columnValues,
    rowDuals: solution.status === 'optimal' ? solution.rowDuals : null,
    mipGap: null,
    solveMs,
    finalBasis: solution.status === 'optimal' && masterBasis ? fullBasis(model, masterColumns, masterBasis) : null,
    message: failed
      ? solution.status === 'time_limit'
        ? 'the time limit was reached before HiGHS found a feasible plan'
        : `HiGHS stopped with status ${solution.solverStatus}`
      : null,
  };
}

/**
 * The master's optimal basis as a basis of the full LP: every left-out route is
 * nonbasic at its lower bound (0), which is optimal since none has a negative
 * reduced cost. A later plan of the same structure starts a full LP from it.
 */
function fullBasis(model: LpModel, masterColumns: number[], masterBasis: LpBasis): LpBasis {
  const columnStatus = new Uint8Array(model.numColumns);
  masterColumns.forEach((j, c) => (columnStatus[j] = masterBasis.columnStatus[c]!));
  return { columnStatus, rowStatus: masterBasis.rowStatus };
}
