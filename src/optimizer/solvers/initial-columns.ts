// The first restricted master's candidates. Picking each bucket's cheapest few
// alone sends every demand row to the same cheap sites, whose capacity runs
// out: the first masters then leave demand unserved and the duals sit at the
// penalty for many rounds. A greedy fill that tracks row capacity (GPU pools,
// power) spreads the first columns over sites that can take the load.
import type { LpModel } from '../lp-model.js';
import type { CandidateBuckets } from './restricted-master.js';

/**
 * A cost estimate for each row, to order candidates: the cheapest
 * non-candidate column that fills the row from the other side (for a site
 * balance row, the cheapest way to serve there). 0 where none does.
 */
function rowCostEstimates(model: LpModel, isCandidate: Uint8Array): Float64Array {
  const estimate = new Float64Array(model.numRows).fill(Infinity);
  for (let j = 0; j < model.numColumns; j++) {
    if (isCandidate[j]) continue;
    const cost = model.columnCost[j]!;
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      const a = model.matrixValues[k]!;
      if (a >= 0) continue;
      const row = model.matrixRowIndices[k]!;
      const perUnit = cost / -a;
      if (perUnit < estimate[row]!) estimate[row] = perUnit;
    }
  }
  return estimate.map((v) => (Number.isFinite(v) ? v : 0));
}

/** The non-candidate columns that draw on each row (a < 0), cheapest first. */
function suppliersByRow(model: LpModel, isCandidate: Uint8Array): Int32Array[] {
  const lists: number[][] = Array.from({ length: model.numRows }, () => []);
  for (let j = 0; j < model.numColumns; j++) {
    if (isCandidate[j]) continue;
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      if (model.matrixValues[k]! < 0) lists[model.matrixRowIndices[k]!]!.push(j);
    }
  }
  return lists.map((list) => Int32Array.from(list.sort((a, b) => model.columnCost[a]! - model.columnCost[b]!)));
}

/**
 * Candidates for the first master: in each bucket the `cheapest` by estimated
 * cost, plus those a greedy fill uses to cover the bucket's demand (its row's
 * lower bound) through suppliers whose other rows still have room.
 */
export function initialCandidates(
  model: LpModel,
  buckets: CandidateBuckets,
  isCandidate: Uint8Array,
  cheapest: number,
): number[] {
  const estimates = rowCostEstimates(model, isCandidate);
  const suppliers = suppliersByRow(model, isCandidate);
  const room = Float64Array.from(model.rowUpper);
  const entryOf = (j: number, row: number): number => {
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      if (model.matrixRowIndices[k] === row) return model.matrixValues[k]!;
    }
    return 0;
  };
  /** most units column j can take before a row it adds to is full */
  const headroom = (j: number): number => {
    let most = model.columnUpper[j]!;
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      const a = model.matrixValues[k]!;
      if (a > 0) most = Math.min(most, room[model.matrixRowIndices[k]!]! / a);
    }
    return Math.max(0, most);
  };
  const take = (j: number, units: number): void => {
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      room[model.matrixRowIndices[k]!]! -= model.matrixValues[k]! * units;
    }
  };
  const chosen: number[] = [];
  for (let b = 0; b < buckets.starts.length; b++) {
    const start = buckets.starts[b]!;
    const end = buckets.ends[b]!;
    const order: { j: number; estimate: number }[] = [];
    for (let j = start; j < end; j++) {
      let estimate = model.columnCost[j]!;
      for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
        estimate += model.matrixValues[k]! * estimates[model.matrixRowIndices[k]!]!;
      }
      order.push({ j, estimate });
    }
    order.sort((x, y) => x.estimate - y.estimate);
    const demandRow = buckets.rows[b]!;
    let left = model.rowLower[demandRow]!;
    order.forEach(({ j }, rank) => {
      let used = rank < cheapest;
      // route j fills its rows other than the demand row; suppliers drain them within their own rows' room
      for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]! && left > 1e-9; k++) {
        const row = model.matrixRowIndices[k]!;
        if (row === demandRow) continue;
        const perUnit = model.matrixValues[k]!;
        // the route's own bound (a site's share of the demand); the rows it fills are drained by suppliers
        const routeRoom = Math.min(model.columnUpper[j]! * entryOf(j, demandRow), left);
        let want = routeRoom;
        for (const q of suppliers[row]!) {
          if (want <= 1e-9) break;
          const drain = -entryOf(q, row);
          const units = Math.min(headroom(q), (want * perUnit) / drain);
          if (units <= 1e-12) continue;
          take(q, units);
          want -= (units * drain) / perUnit;
        }
        const routed = routeRoom - want;
        if (routed > 1e-9) {
          left -= routed;
          used = true;
        }
      }
      if (used) chosen.push(j);
    });
  }
  return chosen;
}
