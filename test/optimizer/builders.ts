// Small planning inputs written by hand, for tests that know their answer.
import type { PlanningInput, PlanningRegion, PlanningSite } from '../../src/optimizer/types.js';

export const CLASS_STD = 'STD';

export function site(
  code: string,
  overrides: Partial<PlanningSite> & { gpus?: Record<string, number> } = {},
): PlanningSite {
  const { gpus, ...rest } = overrides;
  return {
    code,
    country: 'US',
    status: 'ACTIVE',
    pue: 1,
    powerCapKw: 1_000_000,
    pricePerKwh: 0.1,
    hourlyPricesPerKwh: [],
    utcOffsetHours: 0,
    carbonGramsPerKwh: 0,
    inventory: Object.entries(gpus ?? { G1: 10 }).map(([gpuTypeCode, installed]) => ({
      gpuTypeCode,
      installed,
      maxAdditional: 0,
    })),
    ...rest,
  };
}

export function region(code: string, tokensPerSecond: number, overrides: Partial<PlanningRegion> = {}): PlanningRegion {
  return {
    code,
    country: 'US',
    utcOffsetHours: 0,
    allowedCountries: [],
    demand: [{ workloadClassCode: CLASS_STD, tokensPerSecond, rttBudgetMs: null }],
    ...overrides,
  };
}

/** One class (STD, 100 ms budget), one GPU type (G1: 1 kW, $2/h, 1000 tokens/s). */
export function baseInput(overrides: Partial<PlanningInput> = {}): PlanningInput {
  return {
    workloadClasses: [{ code: CLASS_STD, rttBudgetMs: 100, hourlyDemandProfile: [] }],
    gpuTypes: [
      {
        code: 'G1',
        powerKw: 1,
        capexPerHour: 2,
        throughputs: [{ workloadClassCode: CLASS_STD, tokensPerSecond: 1000 }],
      },
    ],
    sites: [],
    regions: [],
    latencies: [],
    ...overrides,
  };
}

export function latencies(rows: [site: string, region: string, rttMs: number][]): PlanningInput['latencies'] {
  return rows.map(([siteCode, regionCode, rttMs]) => ({ siteCode, regionCode, rttMs }));
}

/** A ($0.1/kWh, 10 ms from R) and B ($0.2/kWh, 20 ms), 10 G1 each by default; R asks for 12,000 tokens/s. */
export const twoSites = (a: Parameters<typeof site>[1] = {}, b: Parameters<typeof site>[1] = {}): PlanningInput =>
  baseInput({
    sites: [site('A', { pricePerKwh: 0.1, ...a }), site('B', { pricePerKwh: 0.2, ...b })],
    regions: [region('R', 12_000)],
    latencies: latencies([
      ['A', 'R', 10],
      ['B', 'R', 20],
    ]),
  });

/** $ per hour → $ per million tokens at `tokensPerSecond` */
export const perMillion = (dollarsPerHour: number, tokensPerSecond: number): number =>
  dollarsPerHour / ((tokensPerSecond * 3600) / 1e6);

/** Site A (10 ms from R): a small GPU S ($1/h, 0.5 kW) and a large one L ($3/h, 1 kW), 10 of each by default. SMALL runs on both, BIG only on L (replicas of 2). */
export function smallAndLarge(gpus: Record<string, number> = { L: 10, S: 10 }): PlanningInput {
  return {
    models: [{ code: 'BIG' }, { code: 'SMALL' }],
    workloadClasses: [{ code: CLASS_STD, rttBudgetMs: 100, hourlyDemandProfile: [] }],
    gpuTypes: [
      {
        code: 'L',
        powerKw: 1,
        capexPerHour: 3,
        throughputs: [
          { modelCode: 'BIG', workloadClassCode: CLASS_STD, tokensPerSecond: 500, gpusPerReplica: 2 },
          { modelCode: 'SMALL', workloadClassCode: CLASS_STD, tokensPerSecond: 1000 },
        ],
      },
      {
        code: 'S',
        powerKw: 0.5,
        capexPerHour: 1,
        throughputs: [{ modelCode: 'SMALL', workloadClassCode: CLASS_STD, tokensPerSecond: 1000 }],
      },
    ],
    sites: [site('A', { gpus })],
    regions: [
      region('R', 0, {
        demand: [
          { modelCode: 'BIG', workloadClassCode: CLASS_STD, tokensPerSecond: 2000, rttBudgetMs: null },
          { modelCode: 'SMALL', workloadClassCode: CLASS_STD, tokensPerSecond: 5000, rttBudgetMs: null },
        ],
      }),
    ],
    latencies: latencies([['A', 'R', 10]]),
  };
}
