import { describe, expect, it } from 'vitest';
import { checkDataset } from '../../src/dataset/check.js';
import { parseDataset } from '../../src/dataset/load.js';
import { emptyDataset } from '../../src/dataset/merge.js';
import type { Dataset } from '../../src/dataset/schema.js';

const messages = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path}: ${i.message}`);

describe('checkDataset', () => {
  it('reports every duplicate code and child row, not just the first', () => {
    const d: Dataset = {
      ...emptyDataset(),
      workloadClasses: [
        {
          code: 'BATCH',
          name: 'b',
          description: 'd',
          rttBudgetMs: null,
          ttftTargetMs: null,
          tpotTargetMs: null,
          hourlyDemandProfile: [],
        },
        {
          code: 'BATCH',
          name: 'b2',
          description: 'd',
          rttBudgetMs: null,
          ttftTargetMs: null,
          tpotTargetMs: null,
          hourlyDemandProfile: [],
        },
      ],
      latencies: [
        { siteCode: 'S1', regionCode: 'R1', rttMs: 1, method: 'ESTIMATED', greatCircleKm: null, source: null },
        { siteCode: 'S1', regionCode: 'R1', rttMs: 2, method: 'ESTIMATED', greatCircleKm: null, source: null },
        { siteCode: 'S1', regionCode: 'R1', rttMs: 3, method: 'ESTIMATED', greatCircleKm: null, source: null },
      ],
      siteInventory: [
        { siteCode: 'S1', gpuTypeCode: 'G1', installed: 1, maxAdditional: 0 },
        { siteCode: 'S1', gpuTypeCode: 'G1', installed: 2, maxAdditional: 0 },
      ],
    };
    const known = { siteCodes: ['S1'], regionCodes: ['R1'], gpuTypeCodes: ['G1'] };
    expect(messages(checkDataset(d, known))).toEqual([
      'workloadClasses[1].code: duplicate workload class code "BATCH" (first at workloadClasses[0].code)',
      'siteInventory[1].gpuTypeCode: duplicate inventory row for site S1 and GPU type G1 (first at siteInventory[0].gpuTypeCode)',
      'latencies[1].regionCode: duplicate latency for site S1 and region R1 (first at latencies[0].regionCode)',
      'latencies[2].regionCode: duplicate latency for site S1 and region R1 (first at latencies[0].regionCode)',
    ]);
  });

  it('reports every reference to a code neither imported nor known', () => {
    const d: Dataset = {
      ...emptyDataset(),
      latencies: [
        { siteCode: 'S1', regionCode: 'R1', rttMs: 1, method: 'ESTIMATED', greatCircleKm: null, source: null },
        { siteCode: 'S2', regionCode: 'R2', rttMs: 1, method: 'ESTIMATED', greatCircleKm: null, source: null },
      ],
      demands: [
        { regionCode: 'R1', modelCode: 'DEFAULT', workloadClassCode: 'NOPE', tokensPerSecond: 1, rttBudgetMs: null },
      ],
    };
    expect(
      messages(checkDataset(d, { siteCodes: new Set(['S1']), regionCodes: ['R1'], workloadClassCodes: ['BATCH'] })),
    ).toEqual([
      'latencies[1].siteCode: unknown site "S2": not in this import nor already stored',
      'latencies[1].regionCode: unknown demand region "R2": not in this import nor already stored',
      'demands[0].workloadClassCode: unknown workload class "NOPE": not in this import nor already stored',
    ]);
    expect(
      checkDataset(d, { siteCodes: ['S1', 'S2'], regionCodes: ['R1', 'R2'], workloadClassCodes: ['NOPE'] }),
    ).toEqual([]);
  });

  it('checks profile means and allowed countries of data sets built by hand', () => {
    const d: Dataset = {
      ...emptyDataset(),
      workloadClasses: [
        {
          code: 'X1',
          name: 'x',
          description: 'd',
          rttBudgetMs: null,
          ttftTargetMs: null,
          tpotTargetMs: null,
          hourlyDemandProfile: Array(24).fill(2),
        },
      ],
      demandRegions: [
        {
          code: 'R1',
          name: 'r',
          city: 'c',
          country: null,
          latitude: 0,
          longitude: 0,
          utcOffsetHours: 0,
          allowedCountries: ['DE', 'UK', 'DE'],
          shareOfGlobalTokensPct: null,
          shareBasis: null,
          latencyAnchor: null,
          notes: null,
          demand: [],
        },
      ],
    };
    expect(messages(checkDataset(d))).toEqual([
      'workloadClasses[0].hourlyDemandProfile: must have a mean of 1 within 0.01 (got 2.0000)',
      'demandRegions[0].allowedCountries: lists "UK", which is not an ISO 3166-1 alpha-2 country code',
      'demandRegions[0].allowedCountries: lists DE twice',
    ]);
  });
});

describe('parseDataset cross-checks', () => {
  const SITES =
    'code,name,country,region_label,latitude,longitude,price_per_kwh,cooling_type,power_cap_kw,carbon_grams_per_kwh';
  const row = (code: string, price = '0.1') => `${code},n,DE,Europe,50,8,${price},AIR,100,300`;

  it('names CSV file and line for duplicates and missing references, all of them', () => {
    const { issues } = parseDataset({
      files: [
        { name: 'sites.csv', text: `${SITES}\n${row('S1')}\n${row('S2')}\n${row('S1')}\n${row('S2')}\n` },
        { name: 'site-inventory.csv', text: 'site_code,gpu_type_code,installed\nS1,G1,1\nS1,G2,1\nS9,G1,1\n' },
      ],
      known: { gpuTypeCodes: ['G1'] },
    });
    expect(messages(issues)).toEqual([
      'sites.csv:4 code: duplicate site code "S1" (first at sites.csv:2 code)',
      'sites.csv:5 code: duplicate site code "S2" (first at sites.csv:3 code)',
      'site-inventory.csv:3 gpu_type_code: unknown GPU type "G2": not in this import nor already stored',
      'site-inventory.csv:4 site_code: unknown site "S9": not in this import nor already stored',
    ]);
    expect(issues[0]).toMatchObject({ file: 'sites.csv', row: 4, field: 'code' });
  });

  it('does not cascade: children of a parent refused by validation raise no reference issue', () => {
    const { issues, dataset } = parseDataset({
      files: [
        { name: 'sites.csv', text: `${SITES}\n${row('S1', '9')}\n` },
        { name: 'site-inventory.csv', text: 'site_code,gpu_type_code,installed\nS1,G1,1\n' },
      ],
      known: { gpuTypeCodes: ['G1'] },
    });
    expect(messages(issues)).toEqual(['sites.csv:2 price_per_kwh: must be between 0 and 2 USD/kWh']);
    expect(dataset.sites).toEqual([]);
  });

  it('keeps JSON paths right when refused records leave gaps', () => {
    const site = (code: string, pricePerKwh: number) => ({
      code,
      name: 'n',
      country: 'DE',
      regionLabel: 'Europe',
      latitude: 50,
      longitude: 8,
      pricePerKwh,
      coolingType: 'AIR',
      powerCapKw: 100,
      carbonGramsPerKwh: 300,
    });
    const { issues } = parseDataset({ json: { sites: [site('S1', 9), site('S2', 0.1), site('S2', 0.1)] } });
    expect(messages(issues)).toEqual([
      'sites[0].pricePerKwh: must be between 0 and 2 USD/kWh',
      'sites[2].code: duplicate site code "S2" (first at sites[1].code)',
    ]);
  });
});

describe('a child row both nested and detached', () => {
  const site = {
    code: 'FR-PAR',
    name: 'Paris',
    country: 'FR',
    regionLabel: 'Europe',
    latitude: 48.9,
    longitude: 2.3,
    pricePerKwh: 0.1,
    coolingType: 'AIR',
    powerCapKw: 100,
    carbonGramsPerKwh: 50,
  };
  const gpu = { code: 'H100-SXM', name: 'H100', vendor: 'NVIDIA', powerWatts: 700, memoryGb: 80, capexPerHour: 1 };
  const region = { code: 'EU-WEST', name: 'EU West', city: 'Paris', latitude: 48.9, longitude: 2.3, utcOffsetHours: 1 };
  const known = { gpuTypeCodes: ['H100-SXM', 'B200'], workloadClassCodes: ['STANDARD', 'BATCH'] };

  it('names both places for inventory, throughputs and demand, every one of them', () => {
    const { issues } = parseDataset({
      json: {
        gpuTypes: [{ ...gpu, throughputs: [{ workloadClassCode: 'STANDARD', tokensPerSecond: 100 }] }],
        sites: [
          { ...site, code: 'DE-FRA' },
          {
            ...site,
            inventory: [
              { gpuTypeCode: 'H100-SXM', installed: 368 },
              { gpuTypeCode: 'B200', installed: 8 },
            ],
          },
        ],
        demandRegions: [{ ...region, demand: [{ workloadClassCode: 'BATCH', tokensPerSecond: 5 }] }],
        siteInventory: [
          { siteCode: 'DE-FRA', gpuTypeCode: 'H100-SXM', installed: 1 },
          { siteCode: 'FR-PAR', gpuTypeCode: 'B200', installed: 1 },
          { siteCode: 'FR-PAR', gpuTypeCode: 'H100-SXM', installed: 222 },
        ],
        gpuThroughputs: [{ gpuTypeCode: 'H100-SXM', workloadClassCode: 'STANDARD', tokensPerSecond: 90 }],
        demands: [
          { regionCode: 'EU-WEST', workloadClassCode: 'STANDARD', tokensPerSecond: 1 },
          { regionCode: 'EU-WEST', workloadClassCode: 'BATCH', tokensPerSecond: 6 },
        ],
      },
      known,
    });
    expect(messages(issues)).toEqual([
      'gpuThroughputs[0].workloadClassCode: gpuTypes[0].throughputs[0].workloadClassCode and gpuThroughputs[0].workloadClassCode both give the throughput of GPU type H100-SXM for workload class STANDARD',
      'siteInventory[1].gpuTypeCode: sites[1].inventory[1].gpuTypeCode and siteInventory[1].gpuTypeCode both give the inventory of site FR-PAR, GPU type B200',
      'siteInventory[2].gpuTypeCode: sites[1].inventory[0].gpuTypeCode and siteInventory[2].gpuTypeCode both give the inventory of site FR-PAR, GPU type H100-SXM',
      'demands[1].workloadClassCode: demandRegions[0].demand[0].workloadClassCode and demands[1].workloadClassCode both give the demand of region EU-WEST for workload class BATCH',
    ]);
  });

  it('names the CSV line when the detached rows come from a CSV file beside a JSON document', () => {
    const { issues } = parseDataset({
      files: [
        {
          name: 'data.json',
          text: JSON.stringify({ sites: [{ ...site, inventory: [{ gpuTypeCode: 'B200', installed: 2 }] }] }),
        },
        { name: 'site-inventory.csv', text: 'site_code,gpu_type_code,installed\nFR-PAR,B200,3\n' },
      ],
      known,
    });
    expect(messages(issues)).toEqual([
      'site-inventory.csv:2 gpu_type_code: data.json.sites[0].inventory[0].gpuTypeCode and site-inventory.csv:2 gpu_type_code both give the inventory of site FR-PAR, GPU type B200',
    ]);
  });

  it('also refuses the same pair twice within one section, nested or detached', () => {
    const { issues } = parseDataset({
      json: {
        sites: [
          {
            ...site,
            inventory: [
              { gpuTypeCode: 'B200', installed: 1 },
              { gpuTypeCode: 'B200', installed: 2 },
            ],
          },
        ],
        gpuThroughputs: [
          { gpuTypeCode: 'B200', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { gpuTypeCode: 'B200', workloadClassCode: 'BATCH', tokensPerSecond: 2 },
        ],
        demands: [
          { regionCode: 'EU-WEST', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { regionCode: 'EU-WEST', workloadClassCode: 'BATCH', tokensPerSecond: 2 },
        ],
      },
      known: { ...known, regionCodes: ['EU-WEST'] },
    });
    expect(messages(issues)).toEqual([
      'sites[0].inventory[1].gpuTypeCode: duplicate inventory row for site FR-PAR and GPU type B200 (first at sites[0].inventory[0].gpuTypeCode)',
      'gpuThroughputs[1].workloadClassCode: duplicate throughput for GPU type B200 and workload class BATCH (first at gpuThroughputs[0].workloadClassCode)',
      'demands[1].workloadClassCode: duplicate demand row for region EU-WEST and workload class BATCH (first at demands[0].workloadClassCode)',
    ]);
  });
});
