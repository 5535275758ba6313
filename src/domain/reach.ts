// Which demand regions a site may serve for a workload class, for the API's
// reach fields: the optimizer's reach rule (optimizer/reach.ts) applied to the
// site's latency rows as the database holds them.
import { allowedCountriesOf, effectiveRttBudgetMs, reach } from '../optimizer/reach.js';

export interface ReachLatency {
  rttMs: number;
  region: {
    code: string;
    allowedCountries: string[];
    demands: { rttBudgetMs: number | null; workloadClass: { code: string } }[];
  };
}

export interface ReachEntry {
  regionCode: string;
  rttMs: number;
  /** null = no network latency limit */
  rttBudgetMs: number | null;
}

export function rttBudgetMs(
  region: ReachLatency['region'],
  workloadClass: { code: string; rttBudgetMs: number | null },
): number | null {
  const override = region.demands.find((d) => d.workloadClass.code === workloadClass.code)?.rttBudgetMs;
  return effectiveRttBudgetMs(override, workloadClass.rttBudgetMs);
}

/** Regions within budget and allowed, nearest first. */
export function reachableRegions(
  site: { country: string; latencies: ReachLatency[] },
  workloadClass: { code: string; rttBudgetMs: number | null },
): ReachEntry[] {
  return site.latencies
    .flatMap((latency) => {
      const budget = rttBudgetMs(latency.region, workloadClass);
      const verdict = reach(site.country, latency.rttMs, budget, allowedCountriesOf(latency.region.allowedCountries));
      return verdict === 'REACHABLE'
        ? [{ regionCode: latency.region.code, rttMs: latency.rttMs, rttBudgetMs: budget }]
        : [];
    })
    .sort((a, b) => a.rttMs - b.rttMs || a.regionCode.localeCompare(b.regionCode));
}
