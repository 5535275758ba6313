import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  RANGES,
  demandRegionUpdateSchema,
  demandUpdateSchema,
  gpuThroughputUpdateSchema,
  gpuTypeUpdateSchema,
  inventoryUpdateSchema,
  latencyUpdateSchema,
  siteSchema,
  siteUpdateSchema,
  workloadClassSchema,
  workloadClassUpdateSchema,
  zodIssuesToDatasetIssues,
  type NumberRange,
} from '../../src/dataset/schema.js';
import type { DatasetIssue } from '../../src/dataset/types.js';

function issuesOf(schema: z.ZodType, value: unknown, prefix = 'input'): DatasetIssue[] {
  const result = schema.safeParse(value);
  return result.success ? [] : zodIssuesToDatasetIssues(result.error, prefix);
}

// Every numeric field, with the schema that validates it and its range
const NUMERIC_FIELDS: [string, z.ZodType, string, NumberRange, string][] = [
  ['site', siteUpdateSchema, 'pricePerKwh', RANGES.pricePerKwh, 'must be between 0 and 2 USD/kWh'],
  ['site', siteUpdateSchema, 'pue', RANGES.pue, 'must be between 1 and 3'],
  ['site', siteUpdateSchema, 'latitude', RANGES.latitude, 'must be between -90 and 90 degrees'],
  ['site', siteUpdateSchema, 'longitude', RANGES.longitude, 'must be between -180 and 180 degrees'],
  ['site', siteUpdateSchema, 'powerCapKw', RANGES.powerCapKw, 'must be greater than 0 and at most 10000000 kW'],
  ['site', siteUpdateSchema, 'carbonGramsPerKwh', RANGES.carbonGramsPerKwh, 'must be between 0 and 2000 g/kWh'],
  ['site', siteUpdateSchema, 'utcOffsetHours', RANGES.utcOffsetHours, 'must be between -12 and 14 hours'],
  ['site', siteUpdateSchema, 'priceLocal', RANGES.priceLocal, 'must be between 0 and 1000000 (local currency per kWh)'],
  ['gpuType', gpuTypeUpdateSchema, 'powerWatts', RANGES.powerWatts, 'must be greater than 0 and at most 100000 W'],
  ['gpuType', gpuTypeUpdateSchema, 'boardPowerWatts', RANGES.powerWatts, 'must be greater than 0 and at most 100000 W'],
  ['gpuType', gpuTypeUpdateSchema, 'memoryGb', RANGES.memoryGb, 'must be greater than 0 and at most 100000 GB'],
  [
    'gpuType',
    gpuTypeUpdateSchema,
    'memoryBandwidthTbPerS',
    RANGES.memoryBandwidthTbPerS,
    'must be greater than 0 and at most 1000 TB/s',
  ],
  ['gpuType', gpuTypeUpdateSchema, 'capexPerHour', RANGES.capexPerHour, 'must be between 0 and 1000 USD per GPU-hour'],
  ['gpuType', gpuTypeUpdateSchema, 'priceUsd', RANGES.priceUsd, 'must be between 0 and 100000000 USD'],
  [
    'gpuType',
    gpuTypeUpdateSchema,
    'referenceTokensPerSecond',
    RANGES.referenceTokensPerSecond,
    'must be greater than 0 and at most 10000000 tokens/s',
  ],
  [
    'throughput',
    gpuThroughputUpdateSchema,
    'tokensPerSecond',
    RANGES.throughputTokensPerSecond,
    'must be greater than 0 and at most 10000000 tokens/s',
  ],
  ['inventory', inventoryUpdateSchema, 'installed', RANGES.count, 'must be a whole number between 0 and 10000000'],
  ['inventory', inventoryUpdateSchema, 'maxAdditional', RANGES.count, 'must be a whole number between 0 and 10000000'],
  ['class', workloadClassUpdateSchema, 'rttBudgetMs', RANGES.rttMs, 'must be between 0 and 2000 ms'],
  [
    'class',
    workloadClassUpdateSchema,
    'ttftTargetMs',
    RANGES.tokenLatencyMs,
    'must be greater than 0 and at most 3600000 ms',
  ],
  [
    'class',
    workloadClassUpdateSchema,
    'tpotTargetMs',
    RANGES.tokenLatencyMs,
    'must be greater than 0 and at most 3600000 ms',
  ],
  ['region', demandRegionUpdateSchema, 'latitude', RANGES.latitude, 'must be between -90 and 90 degrees'],
  ['region', demandRegionUpdateSchema, 'longitude', RANGES.longitude, 'must be between -180 and 180 degrees'],
  ['region', demandRegionUpdateSchema, 'utcOffsetHours', RANGES.utcOffsetHours, 'must be between -12 and 14 hours'],
  ['region', demandRegionUpdateSchema, 'shareOfGlobalTokensPct', RANGES.sharePct, 'must be between 0 and 100 %'],
  [
    'demand',
    demandUpdateSchema,
    'tokensPerSecond',
    RANGES.demandTokensPerSecond,
    'must be between 0 and 1000000000000 tokens/s',
  ],
  ['demand', demandUpdateSchema, 'rttBudgetMs', RANGES.rttMs, 'must be between 0 and 2000 ms'],
  ['latency', latencyUpdateSchema, 'rttMs', RANGES.rttMs, 'must be between 0 and 2000 ms'],
  ['latency', latencyUpdateSchema, 'greatCircleKm', RANGES.greatCircleKm, 'must be between 0 and 20100 km'],
];

describe('numeric ranges', () => {
  describe.each(NUMERIC_FIELDS)('%s.%s', (_record, schema, field, range, message) => {
    // quarter hours for UTC offsets, whole numbers for counts, a hair otherwise
    const step = range.integer ? 1 : field === 'utcOffsetHours' ? 0.25 : Math.max(1e-6, range.max * 1e-9);

    it('fails just outside the range, naming the bounds', () => {
      const below = range.min - step;
      const above = range.max + step;
      expect(issuesOf(schema, { [field]: below })).toEqual([{ path: `input.${field}`, message }]);
      expect(issuesOf(schema, { [field]: above })).toEqual([{ path: `input.${field}`, message }]);
      if (range.minExclusive)
        expect(issuesOf(schema, { [field]: range.min })).toEqual([{ path: `input.${field}`, message }]);
    });

    it('passes just inside the range', () => {
      const low = range.minExclusive ? range.min + step : range.min;
      expect(issuesOf(schema, { [field]: low })).toEqual([]);
      expect(issuesOf(schema, { [field]: range.max })).toEqual([]);
    });

    it('refuses NaN, Infinity and text as not finite numbers', () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1']) {
        expect(issuesOf(schema, { [field]: bad })).toEqual([
          { path: `input.${field}`, message: 'must be a finite number' },
        ]);
      }
    });
  });

  it('refuses fractional counts', () => {
    expect(issuesOf(inventoryUpdateSchema, { installed: 1.5 })).toEqual([
      { path: 'input.installed', message: 'must be a whole number between 0 and 10000000' },
    ]);
  });

  it('wants UTC offsets in quarter hours', () => {
    expect(issuesOf(siteUpdateSchema, { utcOffsetHours: 5.75 })).toEqual([]);
    expect(issuesOf(siteUpdateSchema, { utcOffsetHours: 5.3 })[0]?.message).toMatch(/quarter hours/);
  });
});

describe('codes and text', () => {
  it('accepts codes of 2–32 upper-case letters, digits and dashes', () => {
    expect(issuesOf(siteUpdateSchema, { code: 'US-ASH' })).toEqual([]);
    expect(issuesOf(siteUpdateSchema, { code: 'A'.repeat(32) })).toEqual([]);
    expect(issuesOf(siteUpdateSchema, { code: '  AB  ' })).toEqual([]);
  });

  it.each(['A', 'A'.repeat(33), 'us-ash', 'US_ASH', 'US ASH', ''])('refuses code %j', (code) => {
    expect(issuesOf(siteUpdateSchema, { code })).toEqual([
      { path: 'input.code', message: 'must match [A-Z0-9-]{2,32}' },
    ]);
  });

  it('trims names and refuses empty, over-long and control-character text', () => {
    const ok = siteUpdateSchema.safeParse({ name: '  Ashburn  ' });
    expect(ok.success && ok.data.name).toBe('Ashburn');
    expect(issuesOf(siteUpdateSchema, { name: '   ' })).toEqual([{ path: 'input.name', message: 'must not be empty' }]);
    expect(issuesOf(siteUpdateSchema, { name: 'x'.repeat(200) })).toEqual([]);
    expect(issuesOf(siteUpdateSchema, { name: 'x'.repeat(201) })).toEqual([
      { path: 'input.name', message: 'must be at most 200 characters' },
    ]);
    expect(issuesOf(siteUpdateSchema, { name: 'Ash\u0007burn' })).toEqual([
      { path: 'input.name', message: 'must not contain control characters' },
    ]);
    expect(issuesOf(siteUpdateSchema, { name: 'Ash\nburn' })).toEqual([
      { path: 'input.name', message: 'must not contain control characters' },
    ]);
  });

  it('allows line breaks in notes, caps them at 2000 characters and turns empty notes into null', () => {
    expect(issuesOf(siteUpdateSchema, { notes: 'line one\nline two' })).toEqual([]);
    expect(issuesOf(siteUpdateSchema, { notes: 'x'.repeat(2001) })).toEqual([
      { path: 'input.notes', message: 'must be at most 2000 characters' },
    ]);
    expect(issuesOf(siteUpdateSchema, { notes: 'bad\u0000' })).toEqual([
      { path: 'input.notes', message: 'must not contain control characters' },
    ]);
    const empty = siteUpdateSchema.safeParse({ notes: '  ' });
    expect(empty.success && empty.data.notes).toBeNull();
  });

  it('wants assigned ISO 3166-1 alpha-2 countries', () => {
    expect(issuesOf(siteUpdateSchema, { country: 'DE' })).toEqual([]);
    for (const bad of ['XX', 'UK', 'EU', 'de', 'DEU']) {
      expect(issuesOf(siteUpdateSchema, { country: bad })).toEqual([
        { path: 'input.country', message: `must be an ISO 3166-1 alpha-2 country code (got ${JSON.stringify(bad)})` },
      ]);
    }
  });

  it('names every bad entry of allowedCountries', () => {
    expect(issuesOf(demandRegionUpdateSchema, { allowedCountries: ['DE', 'XX', 'FR', 'DE', 'ZZ'] })).toEqual([
      { path: 'input.allowedCountries[1]', message: 'must be an ISO 3166-1 alpha-2 country code (got "XX")' },
      { path: 'input.allowedCountries[4]', message: 'must be an ISO 3166-1 alpha-2 country code (got "ZZ")' },
      { path: 'input.allowedCountries[3]', message: 'lists DE twice' },
    ]);
  });

  it('lists the allowed enum values', () => {
    expect(issuesOf(siteUpdateSchema, { coolingType: 'WATER' })).toEqual([
      { path: 'input.coolingType', message: 'must be one of AIR, FREE_AIR, EVAPORATIVE, LIQUID_COLD_PLATE, IMMERSION' },
    ]);
    expect(issuesOf(siteUpdateSchema, { status: 'active' })[0]?.message).toBe(
      'must be one of ACTIVE, PLANNED, RETIRED',
    );
  });
});

describe('hourly arrays', () => {
  const flat = (value: number, n = 24) => Array.from({ length: n }, () => value);

  it('accept empty or exactly 24 values', () => {
    expect(issuesOf(siteUpdateSchema, { hourlyPricesPerKwh: [] })).toEqual([]);
    expect(issuesOf(siteUpdateSchema, { hourlyPricesPerKwh: flat(0.1) })).toEqual([]);
  });

  it.each([1, 23, 25])('refuse %i values', (n) => {
    expect(issuesOf(siteUpdateSchema, { hourlyPricesPerKwh: flat(0.1, n) })).toEqual([
      { path: 'input.hourlyPricesPerKwh', message: `must have exactly 24 values (got ${n})` },
    ]);
  });

  it('check each value against the scalar range and name its index', () => {
    const prices = flat(0.1);
    prices[5] = 2.5;
    prices[7] = Number.NaN;
    expect(issuesOf(siteUpdateSchema, { hourlyPricesPerKwh: prices }, 'sites[3]')).toEqual([
      { path: 'sites[3].hourlyPricesPerKwh[5]', message: 'must be between 0 and 2 USD/kWh' },
      { path: 'sites[3].hourlyPricesPerKwh[7]', message: 'must be a finite number' },
    ]);
  });

  it('want a demand profile with mean 1 within 0.01', () => {
    expect(issuesOf(workloadClassUpdateSchema, { hourlyDemandProfile: flat(1.009) })).toEqual([]);
    expect(issuesOf(workloadClassUpdateSchema, { hourlyDemandProfile: flat(0.991) })).toEqual([]);
    expect(issuesOf(workloadClassUpdateSchema, { hourlyDemandProfile: flat(1.011) })).toEqual([
      { path: 'input.hourlyDemandProfile', message: 'must have a mean of 1 within 0.01 (got 1.0110)' },
    ]);
    expect(issuesOf(workloadClassUpdateSchema, { hourlyDemandProfile: [...flat(1, 23), -1] })[0]).toEqual({
      path: 'input.hourlyDemandProfile[23]',
      message: 'must be between 0 and 24',
    });
  });
});

describe('record schemas', () => {
  const site = {
    code: 'XX-TEST',
    name: 'Test',
    country: 'DE',
    regionLabel: 'Europe',
    latitude: 50,
    longitude: 8,
    pricePerKwh: 0.1,
    hourlyPricesPerKwh: [],
    utcOffsetHours: 1,
    coolingType: 'AIR',
    pue: null,
    powerCapKw: 1000,
    carbonGramsPerKwh: 300,
    status: 'ACTIVE',
    notes: null,
    coolingDescription: null,
    priceLocal: null,
    priceCurrency: null,
    priceBasis: null,
    priceSource: null,
    priceYear: null,
    priceConfidence: null,
    pueBasis: null,
    carbonSource: null,
    carbonYear: null,
    powerCapBasis: null,
    inventory: [],
  };

  it('accept a complete record', () => {
    expect(issuesOf(siteSchema, site)).toEqual([]);
  });

  it('say which required fields are missing and which fields are unknown', () => {
    const { pricePerKwh: _price, name: _name, ...rest } = site;
    expect(issuesOf(siteSchema, { ...rest, colour: 'red' }, 'sites[0]')).toEqual([
      { path: 'sites[0].name', message: 'is required' },
      { path: 'sites[0].pricePerKwh', message: 'is required' },
      { path: 'sites[0].colour', message: 'is not a known field' },
    ]);
  });

  it('refuse unknown fields in partial updates too', () => {
    expect(issuesOf(siteUpdateSchema, { pricePerKwh: 0.1, price: 3 })).toEqual([
      { path: 'input.price', message: 'is not a known field' },
    ]);
  });

  it('say "must be a list" and "must be an object" plainly', () => {
    expect(issuesOf(siteSchema, { ...site, inventory: 'none' })).toEqual([
      { path: 'input.inventory', message: 'must be a list' },
    ]);
    expect(issuesOf(siteSchema, { ...site, inventory: [3] })).toEqual([
      { path: 'input.inventory[0]', message: 'must be an object' },
    ]);
    expect(issuesOf(workloadClassSchema, 'x', '')[0]).toEqual({ path: '', message: 'must be an object' });
  });
});
