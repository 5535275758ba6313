// Where a shadow price's value comes from. A dual is the objective's change
// per unit, and the objective holds the unserved penalty: one more GPU at a
// site that could serve demand the plan leaves unserved "saves" the penalty,
// which is a modelling price, not money. A demand row whose dual is near the
// penalty (at least half of it) is demand at the margin of being unserved,
// directly or by displacing demand that is; a GPU, kW or demand whose value
// comes mostly from such rows is marked UNSERVED_DEMAND, with how much
// now-unserved demand one more unit would serve.
import type { CompiledModel } from './compile.js';
import { pricePerKtokHour, TOKENS_PER_KTOK } from './costs.js';
import type { PreparedInput } from './prepare.js';
import type { PlanOptions, ShadowPriceBasis } from './types.js';

export interface BasisOf {
  basis: ShadowPriceBasis;
  /** mean ktok/s of now-unserved demand one more unit serves (0 for COST) */
  servesUnservedKtok: number;
}

const COST: BasisOf = { basis: 'COST', servesUnservedKtok: 0 };

export function shadowPriceBasis(
  prepared: PreparedInput,
  compiled: CompiledModel,
  options: PlanOptions,
  rowDuals: Float64Array,
  unservedKtokByDemandPeriod: Float64Array,
) {
  const { layout } = compiled;
  const { sites, gpus } = prepared;
  const T = layout.periods;
  const w = layout.periodWeight;
  const penaltyDual = pricePerKtokHour(options.unservedPenaltyPerMillionTokens, w);
  const demandDual = (group: number, t: number): number => {
    const row = layout.demandRowOf[group * T + t]!;
    return row >= 0 ? rowDuals[row]! : 0;
  };
  const atPenalty = (group: number, t: number): boolean => demandDual(group, t) >= 0.5 * penaltyDual;

  const unservedAt = new Float64Array(T);
  for (let g = 0; g < unservedKtokByDemandPeriod.length / T; g++) {
    for (let t = 0; t < T; t++) unservedAt[t]! += unservedKtokByDemandPeriod[g * T + t]!;
  }
  const groupsAt: number[][] = sites.map(() => []);
  layout.groups.forEach((group, i) => {
    for (const s of group.sites) groupsAt[s]!.push(i);
  });

  /** ktok/s one more unit at site s serves in period t: the best class among demand at the penalty there */
  const serves = (s: number, t: number, perUnitKtok: (classIndex: number) => number): number => {
    let best = 0;
    for (const i of groupsAt[s]!) if (atPenalty(i, t)) best = Math.max(best, perUnitKtok(layout.groups[i]!.classIndex));
    return Math.min(best, unservedAt[t]!);
  };

  /** rowsOf(t) → the row whose dual is the unit's value in period t (-1 = none) */
  const fromRows = (s: number, rowOf: (t: number) => number, perUnitKtok: (classIndex: number) => number): BasisOf => {
    let total = 0;
    let fromUnserved = 0;
    let servedKtok = 0;
    for (let t = 0; t < T; t++) {
      const row = rowOf(t);
      if (row < 0) continue;
      const value = Math.abs(rowDuals[row]!);
      if (value < 1e-9) continue;
      total += value;
      const ktok = serves(s, t, perUnitKtok);
      if (ktok > 0) {
        fromUnserved += value;
        servedKtok += ktok * w;
      }
    }
    return total > 0 && fromUnserved * 2 > total ? { basis: 'UNSERVED_DEMAND', servesUnservedKtok: servedKtok } : COST;
  };

  return {
    pool(s: number, p: number): BasisOf {
      const global = layout.poolOffset[s]! + p;
      const gpu = gpus[sites[s]!.pools[p]!.gpuIndex]!;
      return fromRows(
        s,
        (t) => layout.gpuRowOf[global * T + t]!,
        (k) => (gpu.tokensPerSecondByClass[k]! * options.targetUtilization) / TOKENS_PER_KTOK,
      );
    },
    power(s: number): BasisOf {
      const site = sites[s]!;
      return fromRows(
        s,
        (t) => layout.powerRowOf[s * T + t]!,
        (k) => {
          let best = 0;
          for (const pool of site.pools) {
            const gpu = gpus[pool.gpuIndex]!;
            const tokens = gpu.tokensPerSecondByClass[k]!;
            if (tokens > 0 && gpu.powerKw > 0)
              best = Math.max(best, tokens / (gpu.powerKw * site.pue) / TOKENS_PER_KTOK);
          }
          return best;
        },
      );
    },
    demand(group: number): ShadowPriceBasis {
      let total = 0;
      let fromUnserved = 0;
      for (let t = 0; t < T; t++) {
        const value = Math.abs(demandDual(group, t));
        total += value;
        if (atPenalty(group, t)) fromUnserved += value;
      }
      return total > 0 && fromUnserved * 2 > total ? 'UNSERVED_DEMAND' : 'COST';
    },
  };
}
