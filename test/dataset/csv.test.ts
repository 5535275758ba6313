import { describe, expect, it } from 'vitest';
import { CSV_FILE_NAMES, csvColumns, parseCsvFiles } from '../../src/dataset/csv.js';

const SITES_HEADER =
  'code,name,country,region_label,latitude,longitude,price_per_kwh,cooling_type,power_cap_kw,carbon_grams_per_kwh';
const site = (code: string, price = '0.08') =>
  `${code},Site ${code},DE,Europe,50.1,8.7,${price},LIQUID_COLD_PLATE,1000,300`;
const GPU_HEADER = 'code,name,vendor,power_watts,memory_gb,capex_per_hour';
const gpu = (code: string) => `${code},GPU ${code},NVIDIA,1260,80,1.46`;

describe('parseCsvFiles', () => {
  it('knows the nine file names and their required columns', () => {
    expect(CSV_FILE_NAMES).toEqual([
      'models.csv',
      'workload-classes.csv',
      'gpu-types.csv',
      'gpu-throughputs.csv',
      'sites.csv',
      'site-inventory.csv',
      'demand-regions.csv',
      'demand.csv',
      'latencies.csv',
    ]);
    const required = csvColumns('sites.csv')
      ?.filter((c) => c.required)
      .map((c) => c.column)
      .join(',');
    expect(required).toBe(SITES_HEADER);
    expect(csvColumns('models.csv')?.map((c) => (c.required ? c.column : `[${c.column}]`))).toEqual([
      'code',
      'name',
      'vendor',
      '[params_total_b]',
      '[params_active_b]',
      '[architecture]',
      '[served_precision]',
      '[weights_gb]',
      '[context_tokens]',
      '[license]',
      '[source]',
      '[notes]',
      '[allowed_countries]',
      '[allowed_sites]',
    ]);
    expect(csvColumns('gpu-throughputs.csv')?.map((c) => (c.required ? c.column : `[${c.column}]`))).toEqual([
      'gpu_type_code',
      '[model_code]',
      'workload_class_code',
      'tokens_per_second',
      '[gpus_per_replica]',
      '[derivation]',
    ]);
    expect(csvColumns('demand.csv')?.map((c) => (c.required ? c.column : `[${c.column}]`))).toEqual([
      'region_code',
      '[model_code]',
      'workload_class_code',
      'tokens_per_second',
      '[rtt_budget_ms]',
    ]);
  });

  it('reads a minimal sites.csv, filling defaults for absent optional columns', () => {
    const { dataset, issues } = parseCsvFiles([{ name: 'sites.csv', text: `${SITES_HEADER}\n${site('DE-FRA')}\n` }]);
    expect(issues).toEqual([]);
    expect(dataset.sites[0]).toMatchObject({
      code: 'DE-FRA',
      pricePerKwh: 0.08,
      hourlyPricesPerKwh: [],
      utcOffsetHours: 0,
      status: 'ACTIVE',
      pue: null,
      notes: null,
      inventory: [],
    });
  });

  it('names file, line and column of a bad value (header = line 1)', () => {
    const text = `${SITES_HEADER}\n${site('AA-ONE')}\n\n${site('AA-TWO', '2.5')}\n${site('AA-THREE', 'cheap')}\n`;
    const { dataset, issues } = parseCsvFiles([{ name: 'some/dir/sites.csv', text }]);
    expect(issues).toEqual([
      {
        path: 'sites.csv:4 price_per_kwh',
        file: 'sites.csv',
        row: 4,
        field: 'price_per_kwh',
        message: 'must be between 0 and 2 USD/kWh',
      },
      {
        path: 'sites.csv:5 price_per_kwh',
        file: 'sites.csv',
        row: 5,
        field: 'price_per_kwh',
        message: 'must be a number (got "cheap")',
      },
    ]);
    expect(dataset.sites.map((s) => s.code)).toEqual(['AA-ONE']);
  });

  it('counts lines inside quoted multi-line cells', () => {
    const text = `${SITES_HEADER},notes\n${site('AA-ONE')},"two\nlines"\n${site('AA-TWO', '-1')},\n`;
    const { issues } = parseCsvFiles([{ name: 'sites.csv', text }]);
    expect(issues.map((i) => i.path)).toEqual(['sites.csv:4 price_per_kwh']);
  });

  it('names the index of a bad list element', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h === 5 ? '9' : h === 6 ? 'x' : '0.1')).join(';');
    const text = `${SITES_HEADER},hourly_prices_per_kwh\n${site('AA-ONE')},${hourly}\n${site('AA-TWO')},0.1;0.2\n`;
    const { issues } = parseCsvFiles([{ name: 'sites.csv', text }]);
    expect(issues).toEqual([
      {
        path: 'sites.csv:2 hourly_prices_per_kwh[6]',
        file: 'sites.csv',
        row: 2,
        field: 'hourly_prices_per_kwh[6]',
        message: 'must be a number (got "x")',
      },
      {
        path: 'sites.csv:3 hourly_prices_per_kwh',
        file: 'sites.csv',
        row: 3,
        field: 'hourly_prices_per_kwh',
        message: 'must have exactly 24 values (got 2)',
      },
    ]);
    const onlyRange = parseCsvFiles([
      {
        name: 'sites.csv',
        text: `${SITES_HEADER},hourly_prices_per_kwh\n${site('AA-ONE')},${hourly.replace(';x;', ';0.1;')}\n`,
      },
    ]);
    expect(onlyRange.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'sites.csv:2 hourly_prices_per_kwh[5]: must be between 0 and 2 USD/kWh',
    ]);
  });

  it('reports unknown and missing columns, and unknown or repeated files', () => {
    const { issues } = parseCsvFiles([
      { name: 'sites.csv', text: 'code,name,colour\nAA-ONE,x,red\n' },
      { name: 'gpus.csv', text: 'code\n' },
      { name: 'gpu-types.csv', text: `${GPU_HEADER}\n${gpu('H100')}\n` },
      { name: 'other/gpu-types.csv', text: `${GPU_HEADER}\n${gpu('H200')}\n` },
    ]);
    const paths = issues.map((i) => `${i.path}: ${i.message}`);
    expect(paths).toContain(
      'sites.csv:1 colour: unknown column (expected: code, name, country, region_label, latitude, longitude, price_per_kwh, hourly_prices_per_kwh, utc_offset_hours, cooling_type, pue, power_cap_kw, carbon_grams_per_kwh, max_models, status, notes, cooling_description, price_local, price_currency, price_basis, price_source, price_year, price_confidence, pue_basis, carbon_source, carbon_year, power_cap_basis)',
    );
    expect(paths).toContain('sites.csv:1 country: missing required column');
    expect(paths).toContain('sites.csv:1 carbon_grams_per_kwh: missing required column');
    expect(paths.some((p) => p.startsWith('gpus.csv: unknown file name'))).toBe(true);
    expect(paths).toContain('gpu-types.csv: file given twice');
  });

  it('reports a row with the wrong number of fields and an empty required cell', () => {
    const text = `${GPU_HEADER}\n${gpu('H100')},extra\nA100,A100,NVIDIA,,80,0.58\n`;
    const { issues } = parseCsvFiles([{ name: 'gpu-types.csv', text }]);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'gpu-types.csv:2: has 7 fields but the header has 6',
      'gpu-types.csv:3 power_watts: is required',
    ]);
  });

  it('nests child rows under parents of the same import and keeps the others detached', () => {
    const { dataset, issues } = parseCsvFiles([
      { name: 'gpu-types.csv', text: `${GPU_HEADER}\n${gpu('H100')}\n` },
      {
        name: 'gpu-throughputs.csv',
        text: 'gpu_type_code,workload_class_code,tokens_per_second\nH100,BATCH,3913\nB200,BATCH,12357\n',
      },
      { name: 'site-inventory.csv', text: 'site_code,gpu_type_code,installed\nUS-ASH,H100,8\n' },
      {
        name: 'demand.csv',
        text: 'region_code,workload_class_code,tokens_per_second,rtt_budget_ms\nUS-EAST,BATCH,1000,\n',
      },
    ]);
    expect(issues).toEqual([]);
    expect(dataset.gpuTypes[0]?.throughputs).toEqual([
      { modelCode: 'DEFAULT', workloadClassCode: 'BATCH', tokensPerSecond: 3913, gpusPerReplica: 1, derivation: null },
    ]);
    expect(dataset.gpuThroughputs).toEqual([
      {
        gpuTypeCode: 'B200',
        modelCode: 'DEFAULT',
        workloadClassCode: 'BATCH',
        tokensPerSecond: 12357,
        gpusPerReplica: 1,
        derivation: null,
      },
    ]);
    expect(dataset.siteInventory).toEqual([
      { siteCode: 'US-ASH', gpuTypeCode: 'H100', installed: 8, maxAdditional: 0 },
    ]);
    expect(dataset.demands).toEqual([
      {
        regionCode: 'US-EAST',
        modelCode: 'DEFAULT',
        workloadClassCode: 'BATCH',
        tokensPerSecond: 1000,
        rttBudgetMs: null,
      },
    ]);
  });

  it('locates records for the cross-check, nested children included', () => {
    const parsed = parseCsvFiles([
      { name: 'sites.csv', text: `${SITES_HEADER}\n${site('AA-ONE')}\n` },
      { name: 'site-inventory.csv', text: 'site_code,gpu_type_code,installed\nAA-ONE,H100,8\nAA-ONE,B200,8\n' },
    ]);
    const child = parsed.dataset.sites[0]?.inventory[1];
    expect(child).toBeDefined();
    expect(parsed.locate(child as object, 'gpuTypeCode')).toEqual({
      path: 'site-inventory.csv:3 gpu_type_code',
      file: 'site-inventory.csv',
      row: 3,
      field: 'gpu_type_code',
    });
    expect(parsed.locate({}, 'code')).toBeUndefined();
  });

  it('reports a file that is not CSV', () => {
    const { issues } = parseCsvFiles([{ name: 'sites.csv', text: `${SITES_HEADER}\n"AA-ONE,x\n` }]);
    expect(issues[0]?.path).toMatch(/^sites\.csv:2$/);
    expect(issues[0]?.message).toMatch(/^is not valid CSV/);
  });
});
