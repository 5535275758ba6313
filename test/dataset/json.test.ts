import { describe, expect, it } from 'vitest';
import { parseJsonDataset } from '../../src/dataset/json.js';

const messages = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path}: ${i.message}`);

const gpu = {
  code: 'H100-SXM',
  name: 'H100',
  vendor: 'NVIDIA',
  powerWatts: 1260,
  memoryGb: 80,
  capexPerHour: 1.46,
  throughputs: [{ workloadClassCode: 'BATCH', tokensPerSecond: 3913 }],
};

describe('parseJsonDataset', () => {
  it('fills omitted optional fields with their defaults, children included', () => {
    const { dataset, issues } = parseJsonDataset({
      gpuTypes: [gpu],
      sites: [
        {
          code: 'DE-FRA',
          name: 'Frankfurt',
          country: 'DE',
          regionLabel: 'Europe',
          latitude: 50.11,
          longitude: 8.68,
          pricePerKwh: 0.19,
          coolingType: 'LIQUID_COLD_PLATE',
          powerCapKw: 1500,
          carbonGramsPerKwh: 276,
          inventory: [{ gpuTypeCode: 'H100-SXM', installed: 8 }],
        },
      ],
    });
    expect(issues).toEqual([]);
    expect(dataset.gpuTypes[0]).toMatchObject({
      boardPowerWatts: null,
      notes: null,
      throughputs: [{ workloadClassCode: 'BATCH', tokensPerSecond: 3913, derivation: null }],
    });
    expect(dataset.sites[0]).toMatchObject({
      hourlyPricesPerKwh: [],
      status: 'ACTIVE',
      utcOffsetHours: 0,
      pue: null,
      inventory: [{ gpuTypeCode: 'H100-SXM', installed: 8, maxAdditional: 0 }],
    });
  });

  it('names JSON paths down to list elements', () => {
    const { issues, dataset } = parseJsonDataset({
      gpuTypes: [
        gpu,
        { ...gpu, code: 'bad code', powerWatts: 0, throughputs: [{ workloadClassCode: 'BATCH', tokensPerSecond: -1 }] },
      ],
      latencies: [{ siteCode: 'S1', regionCode: 'R1', rttMs: 2001, method: 'GUESSED' }],
    });
    expect(messages(issues)).toEqual([
      'gpuTypes[1].code: must match [A-Z0-9-]{2,32}',
      'gpuTypes[1].powerWatts: must be greater than 0 and at most 100000 W',
      'gpuTypes[1].throughputs[0].tokensPerSecond: must be greater than 0 and at most 10000000 tokens/s',
      'latencies[0].rttMs: must be between 0 and 2000 ms',
      'latencies[0].method: must be one of MEASURED, MEASURED_PROXY, ESTIMATED',
    ]);
    expect(dataset.gpuTypes.map((g) => g.code)).toEqual(['H100-SXM']);
  });

  it('reports unknown sections, non-list sections and a non-object document', () => {
    expect(messages(parseJsonDataset({ sites: {}, gpus: [] }).issues)).toEqual([
      'gpus: is not a known section (expected one of models, workloadClasses, gpuTypes, sites, demandRegions, latencies, gpuThroughputs, siteInventory, demands)',
      'sites: must be a list',
    ]);
    expect(messages(parseJsonDataset([]).issues)[0]).toMatch(/^\(document\): must be an object/);
    expect(messages(parseJsonDataset(null, 'input').issues)[0]).toMatch(/^input: must be an object/);
  });

  it('accepts detached child rows and prefixes paths when asked', () => {
    const { dataset, issues } = parseJsonDataset(
      {
        siteInventory: [
          { siteCode: 'US-ASH', gpuTypeCode: 'H100-SXM', installed: 8 },
          { siteCode: 'US-ASH', gpuTypeCode: 'B200', installed: -1 },
        ],
      },
      'input',
    );
    expect(dataset.siteInventory).toEqual([
      { siteCode: 'US-ASH', gpuTypeCode: 'H100-SXM', installed: 8, maxAdditional: 0 },
    ]);
    expect(messages(issues)).toEqual([
      'input.siteInventory[1].installed: must be a whole number between 0 and 10000000',
    ]);
  });

  it('remembers codes of refused parents', () => {
    const { rejectedCodes } = parseJsonDataset({ gpuTypes: [{ ...gpu, memoryGb: -1 }] });
    expect(rejectedCodes.gpuTypeCodes).toEqual(['H100-SXM']);
  });
});
