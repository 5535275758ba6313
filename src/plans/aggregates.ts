// What a plan view draws, computed from a stored plan instead of from its
// rows on the client: load per site and period (tokens/s, GPUs, facility kW)
// and the flow from each site to each region over the plan's periods. Pure:
// reads a PlanResult (and the snapshot it was solved from), writes nothing.
import type { PlanningInput, PlanResult } from '../optimizer/types.js';

/** One site in one period of a plan. */
export interface SitePeriodLoad {
  siteCode: string;
  /** UTC hour in a 24-period plan; 0 in a steady-state plan */
  period: number;
  /** tokens/s served at the site in this period (its allocations summed) */
  tokensPerSecond: number;
  /** GPUs held for that load at the target utilization (its gpuAllocations summed; fractional) */
  gpusBusy: number;
  /** facility power drawn in this period, kW (busy GPUs at full speed × IT power × PUE) */
  facilityPowerKw: number;
}

/** The load one site serves for one region, over the plan's periods. */
export interface SiteRegionFlow {
  siteCode: string;
  regionCode: string;
  /** mean over the plan's periods (every class) */
  meanTokensPerSecond: number;
  /** the largest period's tokens/s (every class) */
  peakTokensPerSecond: number;
  /** the first period with that peak */
  peakPeriod: number;
}

/** Sums near 1e12 lose their last digits; rounded like the interpreter's figures. */
const round = (value: number): number => Number(value.toPrecision(12));

/** The snapshot's parts sitePeriodLoads reads. */
export type SnapshotParts = Pick<PlanningInput, 'sites' | 'gpuTypes'>;

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every period of every site that serves load in any of them (zero rows kept,
 * so a chart reads one row per hour), ordered by site and period.
 */
export function sitePeriodLoads(result: PlanResult, snapshot: SnapshotParts): SitePeriodLoad[] {
  const periods = Math.max(1, result.periods);
  const sites = new Map<string, { tokens: Float64Array; gpus: Float64Array; facilityKw: Float64Array }>();
  const seriesOf = (siteCode: string) => {
    let series = sites.get(siteCode);
    if (!series) {
      series = {
        tokens: new Float64Array(periods),
        gpus: new Float64Array(periods),
        facilityKw: new Float64Array(periods),
      };
      sites.set(siteCode, series);
    }
    return series;
  };
  for (const row of result.allocations) seriesOf(row.siteCode).tokens[row.period]! += row.tokensPerSecond;
  const pue = new Map(snapshot.sites.map((site) => [site.code, site.pue]));
  const powerKw = new Map(snapshot.gpuTypes.map((gpu) => [gpu.code, gpu.powerKw]));
  // gpusBusy counts the headroom: at full speed the same load needs gpusBusy × targetUtilization GPUs
  const utilization = result.options.targetUtilization;
  for (const row of result.gpuAllocations) {
    const series = seriesOf(row.siteCode);
    series.gpus[row.period]! += row.gpusBusy;
    series.facilityKw[row.period]! +=
      row.gpusBusy * utilization * (powerKw.get(row.gpuTypeCode) ?? 0) * (pue.get(row.siteCode) ?? 1);
  }
  return [...sites.entries()]
    .sort(([a], [b]) => byCode(a, b))
    .flatMap(([siteCode, series]) =>
      Array.from({ length: periods }, (_, period) => ({
        siteCode,
        period,
        tokensPerSecond: round(series.tokens[period]!),
        gpusBusy: round(series.gpus[period]!),
        facilityPowerKw: round(series.facilityKw[period]!),
      })),
    );
}

/**
 * Every site → region pair with load, ordered by site and region; with
 * `modelCodes`, only those models' load (a map's flows for one model).
 */
export function siteRegionFlows(result: PlanResult, modelCodes?: readonly string[] | null): SiteRegionFlow[] {
  const periods = Math.max(1, result.periods);
  const models = modelCodes?.length ? new Set(modelCodes) : null;
  const pairs = new Map<string, { siteCode: string; regionCode: string; byPeriod: Float64Array }>();
  for (const row of result.allocations) {
    if (models && !models.has(row.modelCode)) continue;
    const key = `${row.siteCode}\u0000${row.regionCode}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { siteCode: row.siteCode, regionCode: row.regionCode, byPeriod: new Float64Array(periods) };
      pairs.set(key, pair);
    }
    pair.byPeriod[row.period]! += row.tokensPerSecond;
  }
  return [...pairs.values()]
    .sort((a, b) => byCode(a.siteCode, b.siteCode) || byCode(a.regionCode, b.regionCode))
    .map(({ siteCode, regionCode, byPeriod }) => {
      let sum = 0;
      let peakPeriod = 0;
      for (let t = 0; t < periods; t++) {
        sum += byPeriod[t]!;
        if (byPeriod[t]! > byPeriod[peakPeriod]!) peakPeriod = t;
      }
      return {
        siteCode,
        regionCode,
        meanTokensPerSecond: round(sum / periods),
        peakTokensPerSecond: round(byPeriod[peakPeriod]!),
        peakPeriod,
      };
    });
}
