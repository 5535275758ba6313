// The web map's flows (web/src/flows.ts): per site→region over the day, a
// comparison's net change per pair, and which are drawn.
import { describe, expect, it } from 'vitest';
import { netFlowChanges, planFlows, shownFlows } from '../../web/src/flows.js';

describe('planFlows', () => {
  it('gives one flow per site→region, summing rows of the same pair and dropping empty ones', () => {
    const flows = planFlows([
      {
        regionCode: 'EU-WEST',
        sources: [
          { siteCode: 'FR-PAR', tokensPerSecond: 100 },
          { siteCode: 'DE-FRA', tokensPerSecond: 40 },
          { siteCode: 'FR-PAR', tokensPerSecond: 5 },
          { siteCode: 'NL-AMS', tokensPerSecond: 0 },
        ],
      },
      { regionCode: 'UK', sources: [{ siteCode: 'FR-PAR', tokensPerSecond: 7 }] },
    ]);
    expect(flows).toEqual([
      { siteCode: 'FR-PAR', regionCode: 'EU-WEST', tokensPerSecond: 105 },
      { siteCode: 'DE-FRA', regionCode: 'EU-WEST', tokensPerSecond: 40 },
      { siteCode: 'FR-PAR', regionCode: 'UK', tokensPerSecond: 7 },
    ]);
  });
});

describe('netFlowChanges', () => {
  it('takes moved load from the pair it left and adds it to the pair it reached, per pair over classes', () => {
    const changes = netFlowChanges([
      { fromSiteCode: 'A', toSiteCode: 'B', regionCode: 'R', tokensPerSecond: 10 },
      { fromSiteCode: 'A', toSiteCode: 'B', regionCode: 'R', tokensPerSecond: 5 },
      { fromSiteCode: null, toSiteCode: 'C', regionCode: 'R', tokensPerSecond: 3 },
      { fromSiteCode: 'C', toSiteCode: null, regionCode: 'S', tokensPerSecond: 2 },
    ]);
    expect(changes).toEqual([
      { siteCode: 'A', regionCode: 'R', tokensPerSecond: -15 },
      { siteCode: 'B', regionCode: 'R', tokensPerSecond: 15 },
      { siteCode: 'C', regionCode: 'R', tokensPerSecond: 3 },
      { siteCode: 'C', regionCode: 'S', tokensPerSecond: -2 },
    ]);
  });

  it('leaves out a pair whose moves cancel', () => {
    // one class moved A→B, another B→A in the same region: nothing changed per pair
    expect(
      netFlowChanges([
        { fromSiteCode: 'A', toSiteCode: 'B', regionCode: 'R', tokensPerSecond: 4 },
        { fromSiteCode: 'B', toSiteCode: 'A', regionCode: 'R', tokensPerSecond: 4 },
      ]),
    ).toEqual([]);
  });
});

describe('shownFlows', () => {
  const flows = Array.from({ length: 30 }, (_, i) => ({
    siteCode: `S${i % 6}`,
    regionCode: `R${Math.floor(i / 6)}`,
    tokensPerSecond: (i % 2 ? -1 : 1) * (i + 1),
  }));

  it('draws the largest by size, largest first, and says how many of how many', () => {
    const shown = shownFlows(flows, { limit: 15, selected: null, comparing: false });
    expect(shown.flows).toHaveLength(15);
    expect(shown.total).toBe(30);
    expect(shown.flows.map((f) => Math.abs(f.tokensPerSecond))).toEqual(Array.from({ length: 15 }, (_, i) => 30 - i));
    expect(shown.description).toBe('largest 15 of 30 flows');
  });

  it('ranks a comparison by the size of the change, whatever its sign', () => {
    const shown = shownFlows(flows, { limit: 3, selected: null, comparing: true });
    expect(shown.flows.map((f) => f.tokensPerSecond)).toEqual([-30, 29, -28]);
    expect(shown.description).toBe('the 3 changed flows that moved most of 30');
  });

  it('draws every flow of the selected site or region, ignoring the limit', () => {
    const site = shownFlows(flows, { limit: 2, selected: { kind: 'site', code: 'S1' }, comparing: false });
    expect(site.flows).toHaveLength(5);
    expect(site.flows.every((f) => f.siteCode === 'S1')).toBe(true);
    expect(site.description).toBe('all 5 flows of S1 (of 30)');
    const region = shownFlows(flows, { limit: 2, selected: { kind: 'region', code: 'R4' }, comparing: false });
    expect(region.flows.map((f) => f.regionCode)).toEqual(Array(6).fill('R4'));
  });

  it('draws all when there is no limit or fewer flows than it', () => {
    expect(shownFlows(flows, { limit: null, selected: null, comparing: false }).description).toBe('all 30 flows');
    expect(shownFlows(flows.slice(0, 4), { limit: 15, selected: null, comparing: false }).flows).toHaveLength(4);
  });
});
