import { describe, expect, it } from 'vitest';
import type { GpuTypeRecord, SiteRecord } from '../../src/dataset/schema.js';
import {
  type GpuThroughputs,
  costPerMillionTokens,
  demandMix,
  energyCostPerGpuHour,
  facilityKwPerGpu,
  fleetByClass,
  fleetTotals,
  gpuHourCost,
  meanPricePerKwh,
  mixThroughput,
  pricePerKwhAt,
  siteInstalledCapacity,
  tokensPerJoule,
  tokensPerJouleBreakdown,
} from '../../src/domain/economics.js';

type SiteLike = Pick<
  SiteRecord,
  'pricePerKwh' | 'hourlyPricesPerKwh' | 'pue' | 'coolingType' | 'inventory' | 'powerCapKw' | 'status'
>;

const site: SiteLike = {
  pricePerKwh: 0.08,
  hourlyPricesPerKwh: [],
  pue: 1.25,
  coolingType: 'LIQUID_COLD_PLATE',
  inventory: [
    { gpuTypeCode: 'H100', installed: 8, maxAdditional: 0 },
    { gpuTypeCode: 'B200', installed: 4, maxAdditional: 16 },
  ],
  powerCapKw: 100,
  status: 'ACTIVE',
};

const h100 = {
  code: 'H100',
  powerWatts: 1260,
  boardPowerWatts: 700,
  capexPerHour: 1.46,
  throughputs: [
    { workloadClassCode: 'INTERACTIVE', tokensPerSecond: 2172, derivation: null },
    { workloadClassCode: 'STANDARD', tokensPerSecond: 3890, derivation: null },
    { workloadClassCode: 'BATCH', tokensPerSecond: 3913, derivation: null },
  ],
} satisfies Pick<GpuTypeRecord, 'code' | 'powerWatts' | 'boardPowerWatts' | 'capexPerHour'> & GpuThroughputs;

const b200 = {
  code: 'B200',
  powerWatts: 1800,
  boardPowerWatts: 1000,
  capexPerHour: 1.94,
  throughputs: [
    { workloadClassCode: 'STANDARD', tokensPerSecond: 12308, derivation: null },
    { workloadClassCode: 'BATCH', tokensPerSecond: 12357, derivation: null },
  ],
};

describe('energy and cost', () => {
  it('energy per GPU-hour = 1.26 kW × 1.25 × 0.08 USD/kWh = 0.126 USD', () => {
    expect(facilityKwPerGpu(site, h100)).toBeCloseTo(1.575, 12);
    expect(energyCostPerGpuHour(site, h100)).toBeCloseTo(0.126, 12);
    expect(gpuHourCost(site, h100)).toEqual({
      energy: expect.closeTo(0.126, 12),
      capital: 1.46,
      total: expect.closeTo(1.586, 12),
    });
  });

  it('falls back to the cooling type’s PUE when the site has none', () => {
    // 1.26 × 1.05 (immersion) × 0.08 = 0.10584
    expect(energyCostPerGpuHour({ ...site, pue: null, coolingType: 'IMMERSION' }, h100)).toBeCloseTo(0.10584, 12);
  });

  it('uses the hour’s price when asked, and the flat price otherwise', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h === 18 ? 0.2 : 0.05));
    const tou = { ...site, hourlyPricesPerKwh: hourly };
    expect(pricePerKwhAt(tou, { localHour: 18 })).toBe(0.2);
    expect(pricePerKwhAt(tou, { localHour: 18 + 24 })).toBe(0.2);
    expect(pricePerKwhAt(tou)).toBe(0.08);
    expect(pricePerKwhAt(site, { localHour: 18 })).toBe(0.08);
    expect(meanPricePerKwh(tou)).toBeCloseTo((23 * 0.05 + 0.2) / 24, 12);
    // 1.575 kW × 0.2 = 0.315 USD
    expect(energyCostPerGpuHour(tou, h100, { localHour: 18 })).toBeCloseTo(0.315, 12);
  });

  it('cost per million tokens = 1.586 USD / (3890 × 3600 tokens) × 1e6 = 0.113253 USD', () => {
    expect(costPerMillionTokens(site, h100, 3890)).toBeCloseTo(0.11325335618, 9);
    // at 50 % utilization the same hourly cost buys half the tokens
    expect(costPerMillionTokens(site, h100, 3890, { utilization: 0.5 })).toBeCloseTo(0.22650671236, 9);
    expect(() => costPerMillionTokens(site, h100, 0)).toThrow(RangeError);
    expect(() => costPerMillionTokens(site, h100, 3890, { utilization: 1.5 })).toThrow(RangeError);
  });

  it('tokens per joule: board-only 3890/700, IT 3890/1260, facility 3890/(1260 × 1.25)', () => {
    expect(tokensPerJoule(h100, 3890)).toBeCloseTo(3.087301587, 9);
    expect(tokensPerJoule(h100, 3890, 1.25)).toBeCloseTo(2.46984127, 9);
    expect(tokensPerJouleBreakdown(h100, 3890, 1.25)).toEqual({
      boardOnly: expect.closeTo(5.557142857, 9),
      it: expect.closeTo(3.087301587, 9),
      facility: expect.closeTo(2.46984127, 9),
    });
    expect(tokensPerJouleBreakdown({ ...h100, boardPowerWatts: null }, 3890, 1.25).boardOnly).toBeNull();
  });
});

describe('capacity', () => {
  it('site capacity for one class: 8 × 3890 + 4 × 12308 = 80352 tokens/s; 17.28 kW IT, 21.6 kW facility', () => {
    const c = siteInstalledCapacity(site, [h100, b200], 'STANDARD');
    expect(c.gpus).toBe(12);
    expect(c.tokensPerSecond).toBe(80352);
    expect(c.itKw).toBeCloseTo(17.28, 12);
    expect(c.facilityKw).toBeCloseTo(21.6, 12);
    expect(c.missingThroughput).toEqual([]);
  });

  it('flags GPU types without a throughput for the class', () => {
    const c = siteInstalledCapacity(
      site,
      new Map([
        ['H100', h100],
        ['B200', b200],
      ]),
      'INTERACTIVE',
    );
    expect(c.tokensPerSecond).toBe(8 * 2172);
    expect(c.missingThroughput).toEqual(['B200']);
    expect(c.itKw).toBeCloseTo(17.28, 12);
  });

  it('mix throughput is the weighted harmonic mean: 1 / (0.5/2172 + 0.5/3913) = 2793.44', () => {
    expect(mixThroughput(h100, { INTERACTIVE: 0.5, BATCH: 0.5 })).toBeCloseTo(2793.438290879, 6);
    expect(mixThroughput(h100, { INTERACTIVE: 30, BATCH: 30 })).toBeCloseTo(2793.438290879, 6);
    expect(mixThroughput(h100, { AGENT: 1 })).toBeUndefined();
  });

  it('fleet totals: capacity on the demand mix, power, caps and utilization', () => {
    const regions = [
      { demand: [{ workloadClassCode: 'STANDARD', tokensPerSecond: 30000, rttBudgetMs: null }] },
      { demand: [{ workloadClassCode: 'BATCH', tokensPerSecond: 10000, rttBudgetMs: null }] },
    ];
    expect(demandMix(regions)).toEqual({ STANDARD: 30000, BATCH: 10000 });
    const retired = { ...site, status: 'RETIRED' as const };
    const totals = fleetTotals({ sites: [site, retired], gpuTypes: [h100, b200], demandRegions: regions });
    const perH100 = 1 / (0.75 / 3890 + 0.25 / 3913);
    const perB200 = 1 / (0.75 / 12308 + 0.25 / 12357);
    const capacity = 8 * perH100 + 4 * perB200;
    expect(totals.gpus).toBe(12);
    expect(totals.tokensPerSecond).toBeCloseTo(capacity, 6);
    expect(totals.powerCapKw).toBe(100);
    expect(totals.itKw).toBeCloseTo(17.28, 12);
    expect(totals.demandTokensPerSecond).toBe(40000);
    expect(totals.utilization).toBeCloseTo(40000 / capacity, 12);
  });

  it('fleet totals for one model: its throughputs, its demand; GPUs and power as for any model', () => {
    // a large model that fits only on B200, beside the DEFAULT figures of the same GPU types
    const big = 'BIG';
    const withBig = [
      h100,
      {
        ...b200,
        throughputs: [...b200.throughputs, { modelCode: big, workloadClassCode: 'BATCH', tokensPerSecond: 500 }],
      },
    ];
    const regions = [
      {
        demand: [
          { workloadClassCode: 'STANDARD', tokensPerSecond: 30000 },
          { modelCode: big, workloadClassCode: 'BATCH', tokensPerSecond: 1000 },
        ],
      },
    ];
    const data = { sites: [site], gpuTypes: withBig, demandRegions: regions };
    const ofBig = fleetTotals(data, { modelCode: big });
    expect(ofBig.tokensPerSecond).toBe(4 * 500);
    expect(ofBig.demandTokensPerSecond).toBe(1000);
    expect(ofBig.utilization).toBe(1000 / 2000);
    expect(ofBig.missingThroughput).toEqual(['H100']);
    const ofDefault = fleetTotals(data);
    expect(ofDefault.tokensPerSecond).toBe(8 * 3890 + 4 * 12308);
    expect(ofDefault.demandTokensPerSecond).toBe(30000);
    expect([ofBig.gpus, ofBig.itKw, ofBig.powerCapKw]).toEqual([ofDefault.gpus, ofDefault.itKw, ofDefault.powerCapKw]);
    expect(fleetByClass(data, ['STANDARD', 'BATCH'], big)).toEqual([
      { workloadClassCode: 'STANDARD', capacityTokensPerSecond: 0, demandTokensPerSecond: 0 },
      { workloadClassCode: 'BATCH', capacityTokensPerSecond: 2000, demandTokensPerSecond: 1000 },
    ]);
    const retired = { ...data, sites: [{ ...site, status: 'RETIRED' as const }] };
    expect(fleetByClass(retired, ['BATCH'], big)[0]!.capacityTokensPerSecond).toBe(0);
  });
});
