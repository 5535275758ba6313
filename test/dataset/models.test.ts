// Models in a data set (#13): the record's ranges, references to models from
// throughputs and demand, duplicates per model, and the CSV columns.
import { describe, expect, it } from 'vitest';
import { parseCsvFiles } from '../../src/dataset/csv.js';
import { parseDataset } from '../../src/dataset/load.js';

const messages = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path}: ${i.message}`);

const model = (code: string, extra: Record<string, unknown> = {}) => ({ code, name: code, vendor: 'V', ...extra });

describe('models', () => {
  it('reads a model with every field and fills the defaults of rows that name none', () => {
    const { dataset, issues } = parseDataset({
      json: {
        models: [
          model('DEEPSEEK-R1', {
            paramsTotalB: 671,
            paramsActiveB: 37,
            architecture: 'MOE',
            servedPrecision: 'fp8',
            weightsGb: 685,
            contextTokens: 163840,
            license: 'MIT',
            allowedCountries: ['US', 'DE'],
          }),
        ],
        gpuThroughputs: [
          {
            gpuTypeCode: 'H200',
            modelCode: 'DEEPSEEK-R1',
            workloadClassCode: 'BATCH',
            tokensPerSecond: 1100,
            gpusPerReplica: 8,
          },
          { gpuTypeCode: 'H200', workloadClassCode: 'BATCH', tokensPerSecond: 3900 },
        ],
        demands: [{ regionCode: 'EU', workloadClassCode: 'BATCH', tokensPerSecond: 5 }],
      },
      known: { gpuTypeCodes: ['H200'], workloadClassCodes: ['BATCH'], regionCodes: ['EU'] },
    });
    expect(issues).toEqual([]);
    expect(dataset.models[0]).toMatchObject({ code: 'DEEPSEEK-R1', allowedSites: [], notes: null, source: null });
    expect(dataset.gpuThroughputs.map((t) => [t.modelCode, t.gpusPerReplica])).toEqual([
      ['DEEPSEEK-R1', 8],
      ['DEFAULT', 1],
    ]);
    expect(dataset.demands[0]?.modelCode).toBe('DEFAULT');
  });

  it('refuses every out-of-range field of a model, naming it', () => {
    const { issues } = parseDataset({
      json: {
        models: [
          model('bad code', { name: '', paramsTotalB: 0, paramsActiveB: 100_001, architecture: 'sparse' }),
          model('M2', { weightsGb: -1, contextTokens: 1.5, allowedCountries: ['XX'], allowedSites: ['NOPE', 'NOPE'] }),
        ],
      },
    });
    expect(messages(issues)).toEqual([
      'models[0].code: must match [A-Z0-9][A-Z0-9.-]{1,47} (capitals, digits, dots and dashes)',
      'models[0].name: must not be empty',
      'models[0].paramsTotalB: must be greater than 0 and at most 100000 billion parameters',
      'models[0].paramsActiveB: must be greater than 0 and at most 100000 billion parameters',
      'models[0].architecture: must be one of DENSE, MOE',
      'models[1].weightsGb: must be greater than 0 and at most 100000 GB',
      'models[1].contextTokens: must be a whole number between 1 and 100000000 tokens',
      'models[1].allowedCountries[0]: must be an ISO 3166-1 alpha-2 country code (got "XX")',
      'models[1].allowedSites[1]: lists NOPE twice',
    ]);
  });

  it('refuses a throughput or demand naming an unknown model, a bad replica size, and duplicates per model', () => {
    const { issues } = parseDataset({
      json: {
        models: [model('M1', { allowedSites: ['NO-SITE'] })],
        gpuThroughputs: [
          { gpuTypeCode: 'H200', modelCode: 'NO-MODEL', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { gpuTypeCode: 'H200', modelCode: 'M1', workloadClassCode: 'BATCH', tokensPerSecond: 1, gpusPerReplica: 0 },
          {
            gpuTypeCode: 'H200',
            modelCode: 'M1',
            workloadClassCode: 'BATCH',
            tokensPerSecond: 1,
            gpusPerReplica: 1025,
          },
          { gpuTypeCode: 'H200', modelCode: 'M1', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { gpuTypeCode: 'H200', modelCode: 'M1', workloadClassCode: 'BATCH', tokensPerSecond: 2 },
          { gpuTypeCode: 'H200', workloadClassCode: 'BATCH', tokensPerSecond: 2 },
        ],
        demands: [
          { regionCode: 'EU', modelCode: 'NO-MODEL', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { regionCode: 'EU', modelCode: 'M1', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { regionCode: 'EU', modelCode: 'M1', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
          { regionCode: 'EU', workloadClassCode: 'BATCH', tokensPerSecond: 1 },
        ],
      },
      known: { gpuTypeCodes: ['H200'], workloadClassCodes: ['BATCH'], regionCodes: ['EU'] },
    });
    expect(messages(issues)).toEqual([
      'gpuThroughputs[1].gpusPerReplica: must be a whole number between 1 and 1024 GPUs',
      'gpuThroughputs[2].gpusPerReplica: must be a whole number between 1 and 1024 GPUs',
      'gpuThroughputs[4].workloadClassCode: duplicate throughput for GPU type H200, model M1 and workload class BATCH (first at gpuThroughputs[3].workloadClassCode)',
      'demands[2].workloadClassCode: duplicate demand row for region EU, model M1 and workload class BATCH (first at demands[1].workloadClassCode)',
      'models[0].allowedSites: lists unknown site "NO-SITE" (at [0]): not in this import nor already stored',
      'gpuThroughputs[0].modelCode: unknown model "NO-MODEL": not in this import nor already stored',
      'demands[0].modelCode: unknown model "NO-MODEL": not in this import nor already stored',
    ]);
  });

  it('reads models.csv and the optional model columns; a folder without them reads as before', () => {
    const parsed = parseCsvFiles([
      {
        name: 'models.csv',
        text: 'code,name,vendor,params_total_b,architecture,allowed_countries,allowed_sites\nM1,Model one,V,8,DENSE,US;DE,\n',
      },
      {
        name: 'gpu-throughputs.csv',
        text: 'gpu_type_code,model_code,workload_class_code,tokens_per_second,gpus_per_replica\nH200,M1,BATCH,10,2\nH200,,BATCH,20,\n',
      },
      { name: 'demand.csv', text: 'region_code,model_code,workload_class_code,tokens_per_second\nEU,M1,BATCH,5\n' },
    ]);
    expect(parsed.issues).toEqual([]);
    expect(parsed.dataset.models).toMatchObject([
      { code: 'M1', paramsTotalB: 8, architecture: 'DENSE', allowedCountries: ['US', 'DE'], allowedSites: [] },
    ]);
    expect(parsed.dataset.gpuThroughputs.map((t) => [t.modelCode, t.tokensPerSecond, t.gpusPerReplica])).toEqual([
      ['M1', 10, 2],
      ['DEFAULT', 20, 1],
    ]);
    expect(parsed.dataset.demands[0]?.modelCode).toBe('M1');

    const bad = parseCsvFiles([
      {
        name: 'gpu-throughputs.csv',
        text: 'gpu_type_code,workload_class_code,tokens_per_second,gpus_per_replica\nH200,BATCH,10,two\nH200,BATCH,10,0.5\n',
      },
    ]);
    expect(messages(bad.issues)).toEqual([
      'gpu-throughputs.csv:2 gpus_per_replica: must be a number (got "two")',
      'gpu-throughputs.csv:3 gpus_per_replica: must be a whole number between 1 and 1024 GPUs',
    ]);
  });

  it('reads a site’s cap on models from sites.csv (max_models), blank = no cap, and names the field when it is out of range', () => {
    const header =
      'code,name,country,region_label,latitude,longitude,price_per_kwh,cooling_type,power_cap_kw,carbon_grams_per_kwh,max_models';
    const row = (code: string, maxModels: string) =>
      `${code},Site ${code},DE,Europe,50.1,8.7,0.08,LIQUID_COLD_PLATE,1000,300,${maxModels}`;
    const parsed = parseCsvFiles([{ name: 'sites.csv', text: `${header}\n${row('S1', '2')}\n${row('S2', '')}\n` }]);
    expect(parsed.issues).toEqual([]);
    expect(parsed.dataset.sites.map((s) => [s.code, s.maxModels])).toEqual([
      ['S1', 2],
      ['S2', null],
    ]);
    const bad = parseCsvFiles([
      { name: 'sites.csv', text: `${header}\n${row('S1', '0')}\n${row('S2', '1001')}\n${row('S3', '1.5')}\n` },
    ]);
    expect(messages(bad.issues)).toEqual([
      'sites.csv:2 max_models: must be a whole number between 1 and 1000 models',
      'sites.csv:3 max_models: must be a whole number between 1 and 1000 models',
      'sites.csv:4 max_models: must be a whole number between 1 and 1000 models',
    ]);
  });
});
