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
    };
    expect(storedPlanResult(current as unknown as Prisma.JsonValue)).toBe(current);
    expect(storedPlanResult(null)).toBeNull();
  });
});
