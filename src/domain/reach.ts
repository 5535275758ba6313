// Which demand regions a site may serve for a model's workload class, for the
// API's reach fields: the optimizer's reach rule (optimizer/reach.ts) applied to
// the site's latency rows as the database holds them. The model matters through
// the region's RTT budget override, which is per model and class.
import { allowedCountriesOf, effectiveRttBudgetMs, reach } from '../optimizer/reach.js';

export interface ReachLatency {
  rttMs: number;
  region: {
    code: string;
    allowedCountries: string[];
    demands: { rttBudgetMs: number | null; workloadClass: { code: string }; model: { code: string } }[];
  };
}

export interface ReachEntry {
  regionCode: string;
  rttMs: number;
  /** null = no network latency limit */
  rttBudgetMs: number | null;
}

/** The budget of a region's demand for one model and class: its override, else the class default. */
export function rttBudgetMs(
  region: ReachLatency['region'],
  workloadClass: { code: string; rttBudgetMs: number | null },
  modelCode: string,
): number | null {
  const override = region.demands.find(
    (d) => d.workloadClass.code === workloadClass.code && d.model.code === modelCode,
  )?.rttBudgetMs;
  return effectiveRttBudgetMs(override, workloadClass.rttBudgetMs);
}

/** Regions within the model's budget for the class and allowed, nearest first. */
export function reachableRegions(
  site: { country: string; latencies: ReachLatency[] },
  workloadClass: { code: string; rttBudgetMs: number | null },
  modelCode: string,
): ReachEntry[] {
  return site.latencies
    .flatMap((latency) => {
      const budget = rttBudgetMs(latency.region, workloadClass, modelCode);
      const verdict = reach(site.country, latency.rttMs, budget, allowedCountriesOf(latency.region.allowedCountries));
      return verdict === 'REACHABLE'
        ? [{ regionCode: latency.region.code, rttMs: latency.rttMs, rttBudgetMs: budget }]
        : [];
    })
    .sort((a, b) => a.rttMs - b.rttMs || a.regionCode.localeCompare(b.regionCode));
}
