// Which demand regions a site may serve for a workload class: the round trip must
// fit the budget (the region's override, else the class default; none = no limit)
// and the region's residency rule must allow the site's country.

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
  return override ?? workloadClass.rttBudgetMs;
}

export function servingAllowed(siteCountry: string, allowedCountries: readonly string[]): boolean {
  return allowedCountries.length === 0 || allowedCountries.includes(siteCountry);
}

/** Regions within budget and allowed, nearest first. */
export function reachableRegions(
  site: { country: string; latencies: ReachLatency[] },
  workloadClass: { code: string; rttBudgetMs: number | null },
): ReachEntry[] {
  return site.latencies
    .flatMap((latency) => {
      const budget = rttBudgetMs(latency.region, workloadClass);
      const withinBudget = budget === null || latency.rttMs <= budget;
      return withinBudget && servingAllowed(site.country, latency.region.allowedCountries)
        ? [{ regionCode: latency.region.code, rttMs: latency.rttMs, rttBudgetMs: budget }]
        : [];
    })
    .sort((a, b) => a.rttMs - b.rttMs || a.regionCode.localeCompare(b.regionCode));
}
