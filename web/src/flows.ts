// The map's flows, as pure functions: a plan's per site→region flows over the
// day, a comparison's net change per site→region, and which of them to draw
// (the largest by default, every one of the selected marker).

export interface SiteRegionFlow {
  siteCode: string;
  regionCode: string;
  /** mean over the plan's periods; in a comparison the net change (negative: load lost) */
  tokensPerSecond: number;
}

export interface SelectedMarker {
  kind: 'site' | 'region';
  code: string;
}

const key = (siteCode: string, regionCode: string) => `${siteCode}\u0000${regionCode}`;

function sumBy(entries: Iterable<SiteRegionFlow>): SiteRegionFlow[] {
  const totals = new Map<string, SiteRegionFlow>();
  for (const entry of entries) {
    const k = key(entry.siteCode, entry.regionCode);
    const total = totals.get(k);
    if (total) total.tokensPerSecond += entry.tokensPerSecond;
    else totals.set(k, { ...entry });
  }
  return [...totals.values()];
}

/**
 * A plan's flows per site→region. The API's `regions[].sources` are already the
 * mean over the day with one row per site (src/optimizer/interpret/summaries.ts);
 * summing by pair keeps that true whatever the rows are.
 */
export function planFlows(
  regions: readonly { regionCode: string; sources: readonly { siteCode: string; tokensPerSecond: number }[] }[],
): SiteRegionFlow[] {
  return sumBy(
    regions.flatMap((region) =>
      region.sources.map((source) => ({
        siteCode: source.siteCode,
        regionCode: region.regionCode,
        tokensPerSecond: source.tokensPerSecond,
      })),
    ),
  ).filter((flow) => flow.tokensPerSecond > 0);
}

/**
 * A comparison's moved load as the net change per site→region: a moved flow
 * (one region × class, from one site to another) takes its tokens/s from the
 * pair it left and adds them to the pair it reached. Pairs whose changes cancel
 * (below half a token/s) are left out.
 */
export function netFlowChanges(
  moved: readonly {
    fromSiteCode?: string | null;
    toSiteCode?: string | null;
    regionCode: string;
    tokensPerSecond: number;
  }[],
): SiteRegionFlow[] {
  const changes: SiteRegionFlow[] = [];
  for (const flow of moved) {
    if (flow.fromSiteCode)
      changes.push({
        siteCode: flow.fromSiteCode,
        regionCode: flow.regionCode,
        tokensPerSecond: -flow.tokensPerSecond,
      });
    if (flow.toSiteCode)
      changes.push({ siteCode: flow.toSiteCode, regionCode: flow.regionCode, tokensPerSecond: flow.tokensPerSecond });
  }
  return sumBy(changes).filter((change) => Math.abs(change.tokensPerSecond) >= 0.5);
}

export interface ShownFlows {
  flows: SiteRegionFlow[];
  total: number;
  /** what the legend says is drawn */
  description: string;
}

/**
 * The flows to draw: every flow of the selected site or region, else the
 * `limit` largest by size (|change| in a comparison), largest first;
 * `limit` null draws all.
 */
export function shownFlows(
  flows: readonly SiteRegionFlow[],
  options: { limit: number | null; selected: SelectedMarker | null; comparing: boolean },
): ShownFlows {
  const bySize = [...flows].sort(
    (a, b) =>
      Math.abs(b.tokensPerSecond) - Math.abs(a.tokensPerSecond) ||
      key(a.siteCode, a.regionCode).localeCompare(key(b.siteCode, b.regionCode)),
  );
  const noun = options.comparing ? 'changed flows' : 'flows';
  const total = bySize.length;
  const { selected, limit } = options;
  if (selected) {
    const mine = bySize.filter((f) => (selected.kind === 'site' ? f.siteCode : f.regionCode) === selected.code);
    return { flows: mine, total, description: `all ${mine.length} ${noun} of ${selected.code} (of ${total})` };
  }
  if (limit === null || limit >= total) return { flows: bySize, total, description: `all ${total} ${noun}` };
  const largest = options.comparing ? 'that moved most' : 'largest';
  return {
    flows: bySize.slice(0, limit),
    total,
    description: options.comparing
      ? `the ${limit} ${noun} ${largest} of ${total}`
      : `${largest} ${limit} of ${total} ${noun}`,
  };
}
