// What every interpreter stage reads: the input, the compiled model, the
// options and the solver's values, with the lookups they share.
import type { CompiledModel } from '../compile.js';
import type { ModelLayout } from '../compile/layout.js';
import { TOKENS_PER_KTOK } from '../costs.js';
import { rowActivities, type LpModel } from '../lp-model.js';
import type { PreparedInput } from '../prepare.js';
import type { PlanOptions } from '../types.js';

/** flows below this (ktok/s, i.e. 1e-4 tokens/s) are solver noise */
export const FLOW_EPSILON_KTOK = 1e-7;
export const tight = (value: number, limit: number): boolean => value >= limit - 1e-6 * Math.max(1, Math.abs(limit));
/** 12 significant digits: drops solver noise in the JSON, keeps every real figure */
export const round = (value: number): number => Number(value.toPrecision(12));
export const cleanDual = (value: number): number => (Math.abs(value) < 1e-9 ? 0 : round(value));
/** code order, the same in every locale (codes are ASCII) */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The documented order of allocation rows: by the codes named, in turn, then by period. */
export const byCodesThenPeriod =
  <K extends string>(...keys: K[]) =>
  (a: Record<K, string> & { period: number }, b: Record<K, string> & { period: number }): number => {
    for (const key of keys) {
      const order = byCode(a[key], b[key]);
      if (order !== 0) return order;
    }
    return a.period - b.period;
  };

export interface Solution {
  prepared: PreparedInput;
  lp: LpModel;
  layout: ModelLayout;
  options: PlanOptions;
  /** column values */
  x: Float64Array;
  /** row activities at x */
  activity: Float64Array;
  /** row duals (HiGHS, continuous plans), else null */
  rowDuals: Float64Array | null;
  periods: number;
  /** 1 / periods */
  periodWeight: number;
  totalPools: number;
  totalDemands: number;
  /** global demand index → region index and its index in the region's demands */
  demandAt(g: number): { r: number; d: number };
  /** the share of a group's flow in period t that belongs to its member demand g */
  memberShare(group: number, g: number, t: number): number;
}

export function solutionOf(
  prepared: PreparedInput,
  compiled: CompiledModel,
  options: PlanOptions,
  columnValues: Float64Array,
  rowDuals: Float64Array | null,
): Solution {
  const { lp, layout } = compiled;
  const { regions } = prepared;
  const totalDemands = layout.demandOffset[regions.length]!;
  const regionOfDemand = new Int32Array(totalDemands);
  for (let r = 0; r < regions.length; r++) {
    for (let g = layout.demandOffset[r]!; g < layout.demandOffset[r + 1]!; g++) regionOfDemand[g] = r;
  }
  const demandAt = (g: number): { r: number; d: number } => {
    const r = regionOfDemand[g]!;
    return { r, d: g - layout.demandOffset[r]! };
  };
  // A group's flow is split over its member demands in proportion to their demand.
  const memberShare = (groupIndex: number, g: number, t: number): number => {
    const group = layout.groups[groupIndex]!;
    if (group.members.length === 1) return 1;
    const { r, d } = demandAt(g);
    const total = group.demandKtokByPeriod[t]!;
    return total > 0 ? regions[r]!.demands[d]!.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK / total : 0;
  };
  return {
    prepared,
    lp,
    layout,
    options,
    x: columnValues,
    activity: rowActivities(lp, columnValues),
    rowDuals,
    periods: layout.periods,
    periodWeight: layout.periodWeight,
    totalPools: layout.poolOffset[prepared.sites.length]!,
    totalDemands,
    demandAt,
    memberShare,
  };
}

/** Money per hour, summed in the order the stages add it (the order keeps figures stable to the last digit). */
export interface CostLedger {
  energyPerHour: number;
  capexPerHour: number;
  egressPerHour: number;
  carbonPerHour: number;
  penaltyPerHour: number;
  carbonKgPerHour: number;
  /** by site index: egress, energy, carbon and capex */
  siteCostPerHour: Float64Array;
}

export function emptyLedger(sites: number): CostLedger {
  return {
    energyPerHour: 0,
    capexPerHour: 0,
    egressPerHour: 0,
    carbonPerHour: 0,
    penaltyPerHour: 0,
    carbonKgPerHour: 0,
    siteCostPerHour: new Float64Array(sites),
  };
}
