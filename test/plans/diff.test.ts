// diffPlans on hand-made plans: identical → empty; moved load → flows; GPU changes; totals.
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../src/plans/diff.js';
import {
  DEFAULT_PLAN_OPTIONS,
  type AllocationRow,
  type PlanResult,
  type PlanTotals,
  type SitePlan,
} from '../../src/optimizer/types.js';

interface SiteSpec {
  busy?: Record<string, number>;
  added?: Record<string, number>;
  costPerHour?: number;
}

/** A plan from its allocations (site, region, class, period, tokens/s); GPU rows run everything on H100. */
function plan(
  allocations: [string, string, string, number, number][],
  sites: Record<string, SiteSpec> = {},
  totals: Partial<PlanTotals> = {},
  periods = 1,
): PlanResult {
  const rows: AllocationRow[] = allocations.map(
    ([siteCode, regionCode, workloadClassCode, period, tokensPerSecond]) => ({
      siteCode,
      regionCode,
      modelCode: 'DEFAULT',
      workloadClassCode,
      period,
      tokensPerSecond,
    }),
  );
  const siteCodes = [...new Set([...rows.map((r) => r.siteCode), ...Object.keys(sites)])];
  const sitePlans: SitePlan[] = siteCodes.map((siteCode) => {
    const spec = sites[siteCode] ?? {};
    const served = rows.filter((r) => r.siteCode === siteCode).reduce((sum, r) => sum + r.tokensPerSecond, 0) / periods;
    const gpuCodes = [...new Set([...Object.keys(spec.busy ?? {}), ...Object.keys(spec.added ?? {})])];
    return {
      siteCode,
      servedTokensPerSecond: served,
      loadByClass: [],
      models: [],
      modelCap: null,
      gpus: gpuCodes.map((gpuTypeCode) => ({
        gpuTypeCode,
        installed: 10,
        gpusBusy: spec.busy?.[gpuTypeCode] ?? 0,
        peakGpusBusy: spec.busy?.[gpuTypeCode] ?? 0,
        gpusAdded: spec.added?.[gpuTypeCode] ?? 0,
        utilization: 0,
      })),
      utilization: 0,
      itPowerKw: 0,
      facilityPowerKw: 0,
      peakFacilityPowerKw: 0,
      powerCapKw: 1000,
      powerUtilization: 0,
      costPerHour: spec.costPerHour ?? served / 1000,
      costPerMillionTokens: null,
    };
  });
  const served = rows.reduce((sum, r) => sum + r.tokensPerSecond, 0) / periods;
  return {
    status: 'optimal',
    message: null,
    solver: 'highs',
    solverStatus: 'Optimal',
    options: { ...DEFAULT_PLAN_OPTIONS, periods: periods as 1 | 24 },
    periods,
    modelSize: { variables: 0, integerVariables: 0, constraints: 0, nonzeros: 0 },
    timings: { buildMs: 0, solveMs: 0, interpretMs: 0, totalMs: 0 },
    mipGap: null,
    objectivePerHour: 1,
    totals: {
      costPerHour: { total: 10, energy: 6, capex: 4, egress: 0, carbon: 0 },
      costPerMillionTokens: 2,
      tokensPerJoule: 5,
      itPowerKw: 100,
      facilityPowerKw: 120,
      peakFacilityPowerKw: 120,
      carbonKgPerHour: 30,
      carbonKgPerMillionTokens: 1,
      demandTokensPerSecond: served,
      servedTokensPerSecond: served,
      unservedTokensPerSecond: 0,
      unservedPenaltyPerHour: 0,
      gpusBusy: 0,
      gpusAdded: 0,
      ...totals,
    },
    models: [],
    sites: sitePlans,
    regions: [],
    allocations: rows,
    gpuAllocations: rows.map((r) => ({ ...r, gpuTypeCode: 'H100', gpusBusy: r.tokensPerSecond / 100 })),
    shadowPrices: null,
    shadowPricesUnavailableReason: null,
    unserved: [],
    bindingConstraints: [],
    excludedSites: [],
  };
}

const BASE: [string, string, string, number, number][] = [
  ['A', 'EU', 'STANDARD', 0, 600],
  ['B', 'EU', 'STANDARD', 0, 400],
  ['A', 'US', 'BATCH', 0, 200],
];

describe('diffPlans', () => {
  it('finds nothing between identical plans (and within the tolerance)', () => {
    const a = plan(BASE, { A: { busy: { H100: 8 } }, B: { busy: { H100: 4 } } });
    const diff = diffPlans(a, structuredClone(a));
    expect(diff).toMatchObject({ unchanged: true, siteGpus: [], sites: [], regions: [], flows: [] });
    expect(diff.totals?.costPerHour.total).toBe(0);
    expect(diff.totals?.servedTokensPerSecond).toBe(0);

    const noisy = plan(
      BASE.map(([s, r, k, p, v]) => [s, r, k, p, v * (1 + 1e-9)]),
      { A: { busy: { H100: 8 + 1e-9 } }, B: { busy: { H100: 4 } } },
    );
    expect(diffPlans(a, noisy).unchanged).toBe(true);
  });

  it('shows load moved from one site to another as a flow with its tokens/s', () => {
    const from = plan(BASE, { A: { busy: { H100: 8 } }, B: { busy: { H100: 4 } } });
    const to = plan(
      [
        ['A', 'EU', 'STANDARD', 0, 350],
        ['B', 'EU', 'STANDARD', 0, 650],
        ['A', 'US', 'BATCH', 0, 200],
      ],
      { A: { busy: { H100: 5.5 } }, B: { busy: { H100: 6.5 } } },
      { costPerMillionTokens: 1.5, costPerHour: { total: 8, energy: 5, capex: 3, egress: 0, carbon: 0 } },
    );
    const diff = diffPlans(from, to);
    expect(diff.unchanged).toBe(false);
    expect(diff.flows).toEqual([
      {
        regionCode: 'EU',
        modelCode: 'DEFAULT',
        workloadClassCode: 'STANDARD',
        fromSiteCode: 'A',
        toSiteCode: 'B',
        tokensPerSecond: 250,
      },
    ]);
    expect(diff.regions).toEqual([
      {
        regionCode: 'EU',
        modelCode: 'DEFAULT',
        workloadClassCode: 'STANDARD',
        movedTokensPerSecond: 250,
        servedTokensPerSecondChange: 0,
        flows: diff.flows,
      },
    ]);
    expect(diff.sites.map((s) => [s.siteCode, s.tokensPerSecondChange])).toEqual([
      ['A', -250],
      ['B', 250],
    ]);
    expect(diff.sites[0]!.costPerHourChange).toBeCloseTo(-0.25, 9);
    expect(diff.totals).toMatchObject({
      costPerMillionTokens: -0.5,
      costPerHour: { total: -2, energy: -1, capex: -1 },
      servedTokensPerSecond: 0,
    });
  });

  it('splits a loss between the sites that gained in proportion, and shows newly unserved load', () => {
    const from = plan([
      ['A', 'EU', 'STANDARD', 0, 900],
      ['B', 'EU', 'STANDARD', 0, 100],
    ]);
    const to = plan(
      [
        ['B', 'EU', 'STANDARD', 0, 400],
        ['C', 'EU', 'STANDARD', 0, 500],
      ],
      {},
      { unservedTokensPerSecond: 100 },
    );
    const diff = diffPlans(from, to);
    const flows = diff.flows.map((f) => [f.fromSiteCode, f.toSiteCode, f.tokensPerSecond]);
    expect(flows).toEqual([
      ['A', 'C', 500],
      ['A', 'B', 300],
      ['A', null, 100],
    ]);
    expect(diff.regions[0]).toMatchObject({ movedTokensPerSecond: 800, servedTokensPerSecondChange: -100 });
    expect(diff.totals?.unservedTokensPerSecond).toBe(100);
  });

  it('reports busy and added GPUs per site × GPU type, largest change first', () => {
    const from = plan(BASE, { A: { busy: { H100: 8, B200: 2 } }, B: { busy: { H100: 4 } } });
    const to = plan(
      BASE,
      { A: { busy: { H100: 8, B200: 5 }, added: { B200: 3 } }, B: { busy: { H100: 3 } } },
      { gpusAdded: 3 },
    );
    const diff = diffPlans(from, to);
    expect(diff.siteGpus.map((g) => [g.siteCode, g.gpuTypeCode, g.gpusBusyChange, g.gpusAddedChange])).toEqual([
      ['A', 'B200', 3, 3],
      ['B', 'H100', -1, 0],
    ]);
    expect(diff.siteGpus[0]).toMatchObject({ fromGpusBusy: 2, toGpusBusy: 5, fromGpusAdded: 0, toGpusAdded: 3 });
    expect(diff.flows).toEqual([]);
    expect(diff.totals?.gpusAdded).toBe(3);
  });

  it('reports load per site × GPU type from the GPU allocation rows', () => {
    const from = plan([['A', 'EU', 'STANDARD', 0, 600]], { A: { busy: { H100: 6 } } });
    const to = plan([['B', 'EU', 'STANDARD', 0, 600]], { B: { busy: { H100: 6 } } });
    const diff = diffPlans(from, to);
    expect(diff.siteGpus.map((g) => [g.siteCode, g.gpuTypeCode, g.gpusBusyChange, g.tokensPerSecondChange])).toEqual([
      ['A', 'H100', -6, -600],
      ['B', 'H100', 6, 600],
    ]);
  });

  it('matches 24-period plans hour by hour and reports the mean over the periods', () => {
    // the same mean load at each site, but two hours trade places: 100 tokens/s moves each way in 2 of 24 hours
    const flat = (site: string, hours: number[]) =>
      hours.map((h) => [site, 'EU', 'STANDARD', h, 1200] as [string, string, string, number, number]);
    const hours = Array.from({ length: 24 }, (_, h) => h);
    const from = plan(
      [
        ...flat(
          'A',
          hours.filter((h) => h !== 0),
        ),
        ...flat(
          'B',
          hours.filter((h) => h !== 1),
        ),
      ],
      {},
      {},
      24,
    );
    const to = plan(
      [
        ...flat(
          'A',
          hours.filter((h) => h !== 1),
        ),
        ...flat(
          'B',
          hours.filter((h) => h !== 0),
        ),
      ],
      {},
      {},
      24,
    );
    const diff = diffPlans(from, to);
    expect(diff.sites).toEqual([]);
    expect(diff.flows.map((f) => [f.fromSiteCode, f.toSiteCode, f.tokensPerSecond])).toEqual([
      ['A', 'B', 50],
      ['B', 'A', 50],
    ]);
    // a 1-period plan against a 24-period one compares the means
    const steady = plan([
      ['A', 'EU', 'STANDARD', 0, 1150],
      ['B', 'EU', 'STANDARD', 0, 1150],
    ]);
    expect(diffPlans(steady, from).flows).toEqual([]);
  });

  it('has no totals change when a plan has no solution', () => {
    const solved = plan(BASE);
    const none: PlanResult = { ...plan([]), status: 'infeasible', totals: null };
    const diff = diffPlans(solved, none);
    expect(diff.totals).toBeNull();
    expect(diff.unchanged).toBe(false);
    expect(diff.flows.every((f) => f.toSiteCode === null)).toBe(true);
  });
});
