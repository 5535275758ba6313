// Plans stored before cost meant money only read back with one meaning.
import { describe, expect, it } from 'vitest';
import { storedPlanResult } from '../../src/db/plan-store.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

describe('storedPlanResult', () => {
  it('reads an old result (penalty inside total) as money plus the penalty apart, withholding its unlabelled shadow prices', () => {
    const old = {
      status: 'optimal',
      totals: {
        costPerHour: { total: 1012, energy: 8, capex: 4, egress: 0, carbon: 0, penalty: 1000 },
        unservedTokensPerSecond: 77,
      },
      shadowPrices: {
        gpus: [{ siteCode: 'A', gpuTypeCode: 'G1', valuePerGpuPerHour: 3.5 }],
        power: [],
        demand: [],
        carbonCapValuePerTonne: null,
      },
      shadowPricesUnavailableReason: null,
    };
    const read = storedPlanResult(old as unknown as Prisma.JsonValue)!;
    expect(read.totals!.costPerHour).toEqual({ total: 12, energy: 8, capex: 4, egress: 0, carbon: 0 });
    expect(read.totals!.unservedPenaltyPerHour).toBe(1000);
    expect(read.shadowPrices).toBeNull();
    expect(read.shadowPricesUnavailableReason).toMatch(/re-solve/);
  });

  it('leaves a current result as it is', () => {
    const current = {
      status: 'optimal',
      totals: { costPerHour: { total: 12, energy: 8, capex: 4, egress: 0, carbon: 0 }, unservedPenaltyPerHour: 5 },
      shadowPrices: null,
      models: [],
    };
    expect(storedPlanResult(current as unknown as Prisma.JsonValue)).toBe(current);
    expect(storedPlanResult(null)).toBeNull();
  });

  it('reads a plan solved before models as the DEFAULT model’s plan', () => {
    const old = {
      status: 'optimal',
      options: { integerGpus: false },
      totals: {
        costPerHour: { total: 12, energy: 8, capex: 4, egress: 0, carbon: 0 },
        costPerMillionTokens: 3,
        tokensPerJoule: 2,
        facilityPowerKw: 5,
        demandTokensPerSecond: 110,
        servedTokensPerSecond: 100,
        unservedTokensPerSecond: 10,
        unservedPenaltyPerHour: 5,
        gpusBusy: 4,
      },
      sites: [
        {
          siteCode: 'A',
          servedTokensPerSecond: 100,
          loadByClass: [{ workloadClassCode: 'STD', tokensPerSecond: 100 }],
          gpus: [{ gpuTypeCode: 'G1', installed: 8, gpusBusy: 4, peakGpusBusy: 4, gpusAdded: 0, utilization: 0.5 }],
          costPerHour: 12,
        },
      ],
      regions: [
        {
          regionCode: 'R',
          demandTokensPerSecond: 110,
          servedTokensPerSecond: 100,
          unservedTokensPerSecond: 10,
          classes: [{ workloadClassCode: 'STD', demandTokensPerSecond: 110 }],
        },
      ],
      allocations: [{ siteCode: 'A', regionCode: 'R', workloadClassCode: 'STD', period: 0, tokensPerSecond: 100 }],
      gpuAllocations: [],
      unserved: [{ regionCode: 'R', workloadClassCode: 'STD', unservedTokensPerSecond: 10 }],
      shadowPrices: null,
      bindingConstraints: [{ kind: 'POWER', siteCode: 'A' }],
    };
    const read = storedPlanResult(old as unknown as Prisma.JsonValue)!;
    expect(read.allocations[0]!.modelCode).toBe('DEFAULT');
    expect(read.unserved[0]!.modelCode).toBe('DEFAULT');
    expect(read.regions[0]!.classes[0]!.modelCode).toBe('DEFAULT');
    expect(read.bindingConstraints[0]!.modelCode).toBeNull();
    expect(read.models).toEqual([
      {
        modelCode: 'DEFAULT',
        demandTokensPerSecond: 110,
        servedTokensPerSecond: 100,
        unservedTokensPerSecond: 10,
        costPerHour: { total: 12, energy: 8, capex: 4, egress: 0, carbon: 0 },
        costPerMillionTokens: 3,
        tokensPerJoule: 2,
        facilityPowerKw: 5,
        gpusBusy: 4,
        peakReplicas: null,
        gpus: [
          { siteCode: 'A', gpuTypeCode: 'G1', gpusBusy: 4, peakGpusBusy: 4, gpusPerReplica: 1, peakReplicas: null },
        ],
        rule: null,
      },
    ]);
    expect(read.sites[0]!.modelCap).toBeNull();
    expect(read.sites[0]!.models.map((m) => [m.modelCode, m.servedTokensPerSecond, m.costPerHour])).toEqual([
      ['DEFAULT', 100, 12],
    ]);
  });

  it('gives a plan solved before rule prices and model caps null rule and modelCap rows', () => {
    const stored = { status: 'optimal', models: [{ modelCode: 'M' }], sites: [{ siteCode: 'A' }] };
    const read = storedPlanResult(stored as unknown as Prisma.JsonValue)!;
    expect(read.models[0]!.rule).toBeNull();
    expect(read.sites[0]!.modelCap).toBeNull();
  });
});
