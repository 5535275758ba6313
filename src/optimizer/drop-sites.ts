// Taking sites out of a planning snapshot: the site, its inventory (held on
// the site) and every latency row to it go together, so no row can name a
// site the snapshot no longer has. The one place RETIRED sites (datasets,
// database) and a scenario's `sitesOut` are removed.
import type { PlanningInput } from './types.js';

export function withoutSites(input: PlanningInput, siteCodes: Iterable<string>): PlanningInput {
  const gone = new Set(siteCodes);
  if (gone.size === 0) return input;
  return {
    ...input,
    sites: input.sites.filter((site) => !gone.has(site.code)),
    latencies: input.latencies.filter((latency) => !gone.has(latency.siteCode)),
  };
}
