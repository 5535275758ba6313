// Sites over GraphQL against a real database holding the bundled fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase();
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

describe('sites query', () => {
  it('lists all 36 fixture sites with a total count, page by page without overlap', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = await api.data(
        `query ($after: String) { sites(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }`,
        { after },
      );
      expect(data.sites.totalCount).toBe(36);
      seen.push(...data.sites.edges.map((e: any) => e.node.code));
      if (!data.sites.pageInfo.hasNextPage) break;
      after = data.sites.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(36);
    expect(new Set(seen).size).toBe(36);
    expect(seen).toEqual([...seen].sort());
  });

  it('orders by price with stable pages', async () => {
    const first = await api.data(
      `{ sites(first: 5, orderBy: { field: PRICE_PER_KWH }) { edges { cursor node { code pricePerKwh } } } }`,
    );
    const prices = first.sites.edges.map((e: any) => e.node.pricePerKwh);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const cursor = first.sites.edges.at(-1).cursor;
    const next = await api.data(
      `query ($c: String) { sites(first: 5, after: $c, orderBy: { field: PRICE_PER_KWH }) { edges { node { code pricePerKwh } } } }`,
      { c: cursor },
    );
    expect(next.sites.edges[0].node.pricePerKwh).toBeGreaterThanOrEqual(prices.at(-1));
    const all = await api.data(
      `{ sites(first: 100, orderBy: { field: PRICE_PER_KWH, direction: DESC }) { edges { node { pricePerKwh } } } }`,
    );
    const desc = all.sites.edges.map((e: any) => e.node.pricePerKwh);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
  });

  it('filters by country, cooling type, status and code search', async () => {
    const us = await api.data(
      `{ sites(first: 100, filter: { country: ["US"] }) { totalCount edges { node { country } } } }`,
    );
    expect(us.sites.totalCount).toBe(9);
    expect(us.sites.edges.every((e: any) => e.node.country === 'US')).toBe(true);
    const search = await api.data(`{ sites(first: 100, filter: { codeContains: "ash" }) { edges { node { code } } } }`);
    expect(search.sites.edges.map((e: any) => e.node.code)).toContain('US-ASH');
    const none = await api.data(`{ sites(first: 10, filter: { country: ["US"], status: [RETIRED] }) { totalCount } }`);
    expect(none.sites.totalCount).toBe(0);
  });

  it('refuses page sizes outside 1–100, naming the argument', async () => {
    for (const first of [0, 101]) {
      const result = await api.graphql(`{ sites(first: ${first}) { totalCount } }`);
      expect(result.errors?.[0]?.message).toMatch(/first must be between 1 and 100/);
    }
    const negative = await api.graphql(`{ sites(first: -1) { totalCount } }`);
    expect(negative.errors?.[0]?.message).toMatch(/"first" must be a non-negative integer/);
    const latencies = await api.graphql(`{ latencies(last: 500) { totalCount } }`);
    expect(latencies.errors?.[0]?.message).toMatch(/last must be between 1 and 100/);
    const ok = await api.data(`{ sites(first: 100) { edges { node { code } } } }`);
    expect(ok.sites.edges).toHaveLength(36);
  });
});

describe('site figures', () => {
  it('exposes stored and effective PUE and derived costs computed from the stored numbers', async () => {
    const data = await api.data(`{
      site(code: "US-ASH") {
        code pricePerKwh pue effectivePue coolingType powerCapKw
        inventory { gpuType { code powerWatts capexPerHour throughputs { workloadClass { code } tokensPerSecond } } installed maxAdditional }
        energyCostPerGpuHour(gpuType: "H100-SXM")
        costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD")
        tokensPerJoule(gpuType: "H100-SXM", workloadClass: "STANDARD")
      }
      gpuType(code: "H100-SXM") { powerWatts capexPerHour throughputs { workloadClass { code } tokensPerSecond } }
    }`);
    const site = data.site;
    expect(site.effectivePue).toBe(site.pue ?? site.effectivePue);
    const gpu = data.gpuType;
    const tps = gpu.throughputs.find((t: any) => t.workloadClass.code === 'STANDARD').tokensPerSecond;
    const energy = (gpu.powerWatts / 1000) * site.effectivePue * site.pricePerKwh;
    expect(site.energyCostPerGpuHour).toBeCloseTo(energy, 10);
    expect(site.costPerMillionTokens).toBeCloseTo(((energy + gpu.capexPerHour) / (tps * 3600)) * 1e6, 8);
    expect(site.tokensPerJoule).toBeCloseTo(tps / (gpu.powerWatts * site.effectivePue), 10);
  });

  it('falls back to the cooling type default PUE when a site has none', async () => {
    const result = await api.data(`mutation { updateSite(input: { code: "US-DFW", pue: null }) {
      __typename ... on MutationUpdateSiteSuccess { data { pue effectivePue coolingType } } } }`);
    const site = result.updateSite.data;
    expect(site.pue).toBeNull();
    expect(site.effectivePue).toBeGreaterThanOrEqual(1);
    const other = await api.data(
      `{ sites(first: 100, filter: { coolingType: [${site.coolingType}] }) { edges { node { code pue effectivePue } } } }`,
    );
    const defaults = other.sites.edges.filter((e: any) => e.node.pue === null).map((e: any) => e.node.effectivePue);
    expect(new Set(defaults).size).toBe(1);
  });

  it('reports reach per class and candidate sites per region consistently', async () => {
    const data = await api.data(`{
      site(code: "US-ASH") { reach { workloadClass { code rttBudgetMs } regions { region { code } rttMs rttBudgetMs } } }
      demandRegion(code: "US-EAST") { candidateSites(workloadClass: "INTERACTIVE") { site { code } rttMs rttBudgetMs } totalTokensPerSecond demand { workloadClass { code } tokensPerSecond effectiveRttBudgetMs } }
    }`);
    const interactive = data.site.reach.find((r: any) => r.workloadClass.code === 'INTERACTIVE');
    expect(interactive.regions.every((r: any) => r.rttMs <= r.rttBudgetMs)).toBe(true);
    expect(interactive.regions.map((r: any) => r.region.code)).toContain('US-EAST');
    const batch = data.site.reach.find((r: any) => r.workloadClass.code === 'BATCH');
    expect(batch.regions.length).toBeGreaterThanOrEqual(interactive.regions.length);
    const candidates = data.demandRegion.candidateSites;
    expect(candidates.map((c: any) => c.site.code)).toContain('US-ASH');
    expect(candidates.every((c: any) => c.rttMs <= c.rttBudgetMs)).toBe(true);
    const rtts = candidates.map((c: any) => c.rttMs);
    expect(rtts).toEqual([...rtts].sort((a, b) => a - b));
    const sum = data.demandRegion.demand.reduce((s: number, d: any) => s + d.tokensPerSecond, 0);
    expect(data.demandRegion.totalTokensPerSecond).toBeCloseTo(sum, 6);
  });

  it('respects residency: China regions are served only from CN sites', async () => {
    const data = await api.data(
      `{ demandRegion(code: "CHINA-EAST") { allowedCountries candidateSites(workloadClass: "BATCH") { site { country } } } }`,
    );
    expect(data.demandRegion.allowedCountries).toEqual(['CN']);
    expect(data.demandRegion.candidateSites.length).toBeGreaterThan(0);
    expect(data.demandRegion.candidateSites.every((c: any) => c.site.country === 'CN')).toBe(true);
  });

  it('gives fleet totals in which demand is 55–75 % of installed capacity', async () => {
    const data =
      await api.data(`{ fleet { sites gpusInstalled itPowerKw facilityPowerKw powerCapKw demandTokensPerSecond capacityTokensPerSecond demandShareOfCapacity
      byClass { workloadClass { code } capacityTokensPerSecond demandTokensPerSecond demandShareOfCapacity } byGpuType { gpuType { code } installed } } }`);
    const fleet = data.fleet;
    expect(fleet.demandShareOfCapacity).toBeGreaterThanOrEqual(0.55);
    expect(fleet.demandShareOfCapacity).toBeLessThanOrEqual(0.75);
    expect(fleet.demandTokensPerSecond).toBeGreaterThan(33e6);
    expect(fleet.demandTokensPerSecond).toBeLessThan(34.5e6);
    expect(fleet.facilityPowerKw).toBeGreaterThan(fleet.itPowerKw);
    expect(fleet.facilityPowerKw).toBeLessThan(fleet.powerCapKw);
    const installed = fleet.byGpuType.reduce((s: number, g: any) => s + g.installed, 0);
    expect(installed).toBe(fleet.gpusInstalled);
    // capacity weighted by the class mix, as fixtures/README.md sizes it
    const capacityAtMix = fleet.byClass.reduce(
      (s: number, c: any) => s + c.capacityTokensPerSecond * (c.demandTokensPerSecond / fleet.demandTokensPerSecond),
      0,
    );
    const share = fleet.demandTokensPerSecond / capacityAtMix;
    expect(share).toBeGreaterThanOrEqual(0.55);
    expect(share).toBeLessThanOrEqual(0.75);
  });

  it('reads the latency matrix filtered and paged', async () => {
    const data =
      await api.data(`{ latencies(first: 100, siteCodes: ["US-ASH", "DE-FRA"], regionCodes: ["US-EAST", "EU-CENTRAL", "JAPAN"]) {
      totalCount edges { node { site { code } region { code } rttMs method source } } } }`);
    expect(data.latencies.totalCount).toBe(6);
    const all = await api.data(`{ latencies(first: 1) { totalCount } }`);
    expect(all.latencies.totalCount).toBe(720);
    const ashToFra = data.latencies.edges.find(
      (e: any) => e.node.site.code === 'US-ASH' && e.node.region.code === 'EU-CENTRAL',
    );
    expect(ashToFra.node.rttMs).toBeGreaterThan(60);
  });
});
