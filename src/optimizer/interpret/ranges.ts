// Sensitivity ranges in the planner's words: for each site its electricity
// price and power cap, for each GPU pool its installed GPUs, the range over
// which the plan's optimal basis stays optimal (ranging/parametric.ts does the
// linear algebra). A site's price moves the energy cost of all its serve
// columns at once; in a 24-period plan the power cap and a pool's GPUs are 24
// rows each: one parameter, one direction, whatever the number of periods.
import type { CompiledModel } from '../compile.js';
import { serveRatesPerKtok } from '../costs.js';
import type { PreparedInput } from '../prepare.js';
import {
  parametricRanges,
  type OptimalBasis,
  type ParameterDirection,
  type ThetaRange,
} from '../ranging/parametric.js';
import type { PlanOptions, SitePlan, ValueRange } from '../types.js';
import { round } from './solution.js';

/**
 * Directions in a fixed order: every site's price, then every site's power cap,
 * then every GPU pool (global pool order). Prices first: if the budget runs out,
 * the ranges a planner reads first are the ones there.
 */
export function rangeDirections(
  prepared: PreparedInput,
  { layout }: CompiledModel,
  options: PlanOptions,
): ParameterDirection[] {
  const T = layout.periods;
  const prices = prepared.sites.map(() => ({
    kind: 'cost' as const,
    columns: [] as number[],
    amounts: [] as number[],
  }));
  for (let j = layout.serve.start; j < layout.serve.end; j++) {
    const s = layout.columns.site[j]!;
    const site = prepared.sites[s]!;
    const gpu = prepared.gpus[site.pools[layout.columns.pool[j]!]!.gpuIndex]!;
    const tokensPerSecond = gpu.tokensPerSecondByClass[layout.columns.workloadClass[j]!]!;
    // ∂cost/∂($/kWh): the column's facility kW, weighted like its energy cost (costs.ts)
    const { facilityKwPerKtok } = serveRatesPerKtok(tokensPerSecond, gpu, site, options);
    prices[s]!.columns.push(j);
    prices[s]!.amounts.push(layout.periodWeight * facilityKwPerKtok);
  }
  const upperOf = (rowOf: Int32Array, unit: number): ParameterDirection => {
    const rows: number[] = [];
    for (let t = 0; t < T; t++) if (rowOf[unit * T + t]! >= 0) rows.push(rowOf[unit * T + t]!);
    return { kind: 'rowUpper', rows };
  };
  const powerCaps = prepared.sites.map((_site, s) => upperOf(layout.powerRowOf, s));
  const pools = Array.from({ length: layout.poolOffset[prepared.sites.length]! }, (_unused, g) =>
    upperOf(layout.gpuRowOf, g),
  );
  return [...prices, ...powerCaps, ...pools];
}

/**
 * value + θ over [down, up], never below `floor` (a price or a cap below 0 is
 * no input); +∞ is null. An end within rounding of the floor is the floor.
 */
function shifted(value: number, theta: ThetaRange, floor: number): ValueRange {
  const low = Math.max(floor, value + theta.down);
  return {
    low: round(low - floor <= 1e-9 * Math.max(1, Math.abs(value)) ? floor : low),
    high: theta.up === Infinity ? null : round(value + theta.up),
  };
}

/** The sites with their ranges, read from θ intervals in rangeDirections' order (null = not ranged). */
export function sitesWithRanges(
  prepared: PreparedInput,
  layout: CompiledModel['layout'],
  sites: readonly SitePlan[],
  thetas: readonly (ThetaRange | null)[],
): SitePlan[] {
  const S = prepared.sites.length;
  return sites.map((plan, s) => {
    const site = prepared.sites[s]!;
    const hourly = site.pricePerKwhByPeriod;
    const meanPrice = hourly.reduce((sum, price) => sum + price, 0) / hourly.length;
    const cheapestHour = Math.min(...hourly);
    const price = thetas[s] ?? null;
    const power = thetas[S + s] ?? null;
    const gpus = plan.gpus.map((row, p) => {
      const theta = thetas[2 * S + layout.poolOffset[s]! + p] ?? null;
      return { ...row, gpusRange: theta && shifted(site.pools[p]!.installed, theta, 0) };
    });
    return {
      ...plan,
      gpus,
      ranges: {
        pricePerKwh: price && shifted(meanPrice, price, meanPrice - cheapestHour),
        powerCapKw: power && shifted(site.powerCapKw, power, 0),
      },
    };
  });
}

/**
 * Ranging may take at most this share of the solve's own time (and at least
 * RANGING_MIN_MS): the parameters past the budget are left unranged and the
 * plan says so.
 */
export const RANGING_SHARE_OF_SOLVE = 0.5;
export const RANGING_MIN_MS = 1000;

export interface PlanRanging {
  /** for SolverSettings.onOptimalBasis */
  onOptimalBasis(basis: OptimalBasis, solveMs: number): void;
  /** the sites with their ranges, and why some or all are missing (null: none missing) */
  finish(sites: readonly SitePlan[], noBasisReason: string): { sites: SitePlan[]; reason: string | null; ms: number };
}

export function planRanging(prepared: PreparedInput, compiled: CompiledModel, options: PlanOptions): PlanRanging {
  let thetas: (ThetaRange | null)[] | null = null;
  let ms = 0;
  return {
    onOptimalBasis(basis, solveMs) {
      const directions = rangeDirections(prepared, compiled, options);
      const budgetMs = Math.max(RANGING_MIN_MS, RANGING_SHARE_OF_SOLVE * solveMs);
      const run = parametricRanges(compiled.lp, basis, directions, budgetMs);
      thetas = run.ranges;
      ms = run.ms;
    },
    finish(sites, noBasisReason) {
      if (!thetas) return { sites: [...sites], reason: noBasisReason, ms };
      const skipped = thetas.filter((theta) => theta === null).length;
      const reason =
        skipped > 0
          ? `ranging stopped after ${Math.round(ms)} ms (its budget: ${RANGING_SHARE_OF_SOLVE * 100}% of the solve, at least ${RANGING_MIN_MS} ms) with ${skipped} of ${thetas.length} parameters left unranged`
          : null;
      return { sites: sitesWithRanges(prepared, compiled.layout, sites, thetas), reason, ms };
    },
  };
}
