// A corpus of bad input through every mutation of the schema: wrong types,
// out-of-range and non-finite numbers, empty and huge strings, control
// characters, injection-looking codes, duplicates, references to missing
// records, hourly arrays of the wrong length. Each case must be refused with an
// error that names the field (a ValidationError issue path, a GraphQL error
// naming the argument, or a NotFoundError naming the missing record) and leave
// the database exactly as it was (every row of every table, and the job queue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, type GraphQLField } from 'graphql';
import type { Database } from '../../src/db/database.js';
import { NAME_MAX_LENGTH, TEXT_MAX_LENGTH } from '../../src/dataset/schema.js';
import { schema } from '../../src/graphql/schema/index.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { dumpDatabase, type DatabaseDump } from '../helpers/dump.js';

/** JSON text put into the request body as it is (1e309 is Infinity once parsed). */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

interface BadCase {
  label: string;
  input: unknown;
  /** must appear in a ValidationError issue path, or in the GraphQL / NotFoundError message */
  names: string;
  /** the bad value: a NotFoundError or ConflictError may name it instead of the field */
  value?: unknown;
}

const INJECTION = `'; DROP TABLE "Site"; --`;
const HUGE = 'x'.repeat(100_000);
const OVER_NAME = 'n'.repeat(NAME_MAX_LENGTH + 1);
const OVER_TEXT = 't'.repeat(TEXT_MAX_LENGTH + 1);
const CONTROL = 'bad\u0000name\u0007';
const LONE_SURROGATE = 'a\ud800b';
const NOT_FINITE = raw('1e309');
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const hours = (n: number, value = 0.05) => Array.from({ length: n }, () => value);

/** JSON text of a value with Raw parts spliced in. */
function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One field of a base input replaced by each bad value. */
const vary = (base: Record<string, unknown>, field: string, values: [string, unknown][], names = field): BadCase[] =>
  values.map(([label, value]) => ({ label: `${field}: ${label}`, input: { ...base, [field]: value }, names, value }));

const NUMBER_BAD: [string, unknown][] = [
  ['a string', 'abc'],
  ['non-finite 1e309', NOT_FINITE],
  ['-1e309', raw('-1e309')],
  ['huge 1e300', 1e300],
  ['negative', -1],
  ['boolean', true],
  ['a list', [1]],
];
const TEXT_BAD: [string, unknown][] = [
  ['empty', ''],
  ['spaces only', '   '],
  [`over ${NAME_MAX_LENGTH} characters`, OVER_NAME],
  ['100,000 characters', HUGE],
  ['control characters', CONTROL],
  ['a lone surrogate', LONE_SURROGATE],
  ['a number', 42],
];
const CODE_BAD: [string, unknown][] = [
  ['injection', INJECTION],
  ['empty', ''],
  ['lower case', 'us-dfw'],
  ['unicode', 'ÄÖ-Ü'],
  ['33 characters', 'A'.repeat(33)],
  ['control characters', 'AB\u0000C'],
  ['a number', 7],
];

const SITE = {
  code: 'ZZ-NEW',
  name: 'New site',
  country: 'US',
  regionLabel: 'Texas',
  latitude: 30,
  longitude: -97,
  pricePerKwh: 0.05,
  coolingType: 'AIR',
  powerCapKw: 1000,
  carbonGramsPerKwh: 300,
  utcOffsetHours: -6,
};
const GPU = { code: 'ZZ-GPU', name: 'GPU', vendor: 'Acme', powerWatts: 700, memoryGb: 80, capexPerHour: 1.5 };
const CLASS = { code: 'ZZ-CLASS', name: 'Class', description: 'a class' };
const MODEL = { code: 'ZZ-MODEL', name: 'Model', vendor: 'Acme' };
const REGION = { code: 'ZZ-REGION', name: 'Region', city: 'City', latitude: 10, longitude: 10, utcOffsetHours: 0 };
const LATENCY = { siteCode: 'US-DFW', regionCode: 'EU-CENTRAL', rttMs: 100, method: 'ESTIMATED' };
const JSON_SITE = { ...SITE, hourlyPricesPerKwh: hours(24), pue: null, status: 'ACTIVE' };

const CORPUS: Record<string, BadCase[]> = {
  createSite: [
    ...vary(SITE, 'code', CODE_BAD),
    ...vary(SITE, 'name', TEXT_BAD),
    ...vary(SITE, 'pricePerKwh', [...NUMBER_BAD, ['over 2 USD/kWh', 2.01]]),
    ...vary(SITE, 'latitude', [
      ['91°', 91],
      ['non-finite', NOT_FINITE],
    ]),
    ...vary(SITE, 'longitude', [['-181°', -181]]),
    ...vary(SITE, 'powerCapKw', [
      ['zero', 0],
      ['non-finite', NOT_FINITE],
    ]),
    ...vary(SITE, 'pue', [
      ['0.5', 0.5],
      ['3.01', 3.01],
    ]),
    ...vary(SITE, 'maxModels', [
      ['zero', 0],
      ['1001', 1001],
      ['fractional', 1.5],
    ]),
    ...vary(SITE, 'country', [
      ['not ISO', 'XX'],
      ['injection', INJECTION],
      ['empty', ''],
    ]),
    ...vary(SITE, 'coolingType', [
      ['unknown enum', 'LAVA'],
      ['lower case', 'air'],
    ]),
    ...vary(SITE, 'utcOffsetHours', [
      ['not a quarter hour', 5.1],
      ['15 h', 15],
    ]),
    ...vary(SITE, 'hourlyPricesPerKwh', [
      ['23 values', hours(23)],
      ['25 values', hours(25)],
      ['a negative hour', [...hours(23), -1]],
      ['a non-finite hour', [...hours(23), NOT_FINITE]],
    ]),
    ...vary(SITE, 'notes', [[`over ${TEXT_MAX_LENGTH} characters`, OVER_TEXT]]),
    { label: 'existing code', input: { ...SITE, code: 'US-DFW' }, names: 'US-DFW' },
    {
      label: 'inventory of a missing GPU type',
      input: { ...SITE, inventory: [{ gpuTypeCode: 'NOPE-GPU', installed: 1 }] },
      names: 'NOPE-GPU',
    },
    {
      label: 'inventory with a negative count',
      input: { ...SITE, inventory: [{ gpuTypeCode: 'H100-SXM', installed: -1 }] },
      names: 'installed',
    },
    { label: 'missing required field', input: { ...SITE, name: undefined }, names: 'name' },
    { label: 'unknown field', input: { ...SITE, owner: 'me' }, names: 'owner' },
  ],
  updateSite: [
    ...vary({ code: 'US-DFW' }, 'pricePerKwh', [...NUMBER_BAD, ['null (required)', null]]),
    ...vary({ code: 'US-DFW' }, 'name', TEXT_BAD),
    ...vary({ code: 'US-DFW' }, 'hourlyPricesPerKwh', [
      ['23 values', hours(23)],
      ['25 values', hours(25)],
    ]),
    ...vary({ code: 'US-DFW' }, 'code', [
      ['missing site', 'NOPE-1'],
      ['injection', INJECTION],
    ]),
    ...vary({ code: 'US-DFW', pricePerKwh: 0.07 }, 'expectedUpdatedAt', [
      ['not a date-time', 'yesterday'],
      ['a number', 5],
      // a well-formed instant the row no longer has: a ConflictError, nothing written
      ['stale', '2001-01-01T00:00:00.000Z'],
    ]),
    ...vary({ code: 'US-DFW' }, 'carbonGramsPerKwh', [
      ['2001 g/kWh', 2001],
      ['non-finite', NOT_FINITE],
    ]),
  ],
  deleteSite: [
    ...vary({}, 'code', [
      ['missing site', 'NOPE-1'],
      ['injection', INJECTION],
      ['empty', ''],
      ['huge', HUGE],
      ['a number', 1],
    ]),
    { label: 'force: a string', input: { code: 'US-DFW', force: 'yes' }, names: 'force' },
    { label: 'site with inventory, without force', input: { code: 'US-DFW' }, names: 'US-DFW' },
  ],
  setInventory: [
    ...vary({ siteCode: 'US-DFW', gpuTypeCode: 'H100-SXM' }, 'installed', [
      ['negative', -1],
      ['fractional', 1.5],
      ['over 10,000,000', 10_000_001],
      ['over Int', 3_000_000_000],
      ['non-finite', NOT_FINITE],
      ['a string', '5'],
    ]),
    ...vary({ siteCode: 'US-DFW', gpuTypeCode: 'H100-SXM', installed: 1 }, 'maxAdditional', [['negative', -1]]),
    ...vary({ gpuTypeCode: 'H100-SXM', installed: 1 }, 'siteCode', [
      ['missing site', 'NOPE-1'],
      ['injection', INJECTION],
    ]),
    ...vary({ siteCode: 'US-DFW', installed: 1 }, 'gpuTypeCode', [
      ['missing GPU type', 'NOPE-GPU'],
      ['empty', ''],
    ]),
  ],
  upsertGpuType: [
    ...vary(GPU, 'code', CODE_BAD),
    ...vary(GPU, 'vendor', TEXT_BAD),
    ...vary(GPU, 'powerWatts', [...NUMBER_BAD, ['zero', 0]]),
    ...vary(GPU, 'capexPerHour', [['over 1000', 1001]]),
    ...vary(GPU, 'throughputs', [
      ['missing workload class', [{ workloadClassCode: 'NOPE-CLASS', tokensPerSecond: 100 }]],
      ['zero throughput', [{ workloadClassCode: 'STANDARD', tokensPerSecond: 0 }]],
      ['non-finite throughput', [{ workloadClassCode: 'STANDARD', tokensPerSecond: NOT_FINITE }]],
      [
        'duplicate class',
        [
          { workloadClassCode: 'STANDARD', tokensPerSecond: 100 },
          { workloadClassCode: 'STANDARD', tokensPerSecond: 200 },
        ],
      ],
      ['missing model', [{ modelCode: 'NOPE-MODEL', workloadClassCode: 'STANDARD', tokensPerSecond: 100 }]],
      ['bad model code', [{ modelCode: 'no good', workloadClassCode: 'STANDARD', tokensPerSecond: 100 }]],
      ['zero GPUs per replica', [{ workloadClassCode: 'STANDARD', tokensPerSecond: 100, gpusPerReplica: 0 }]],
      ['1025 GPUs per replica', [{ workloadClassCode: 'STANDARD', tokensPerSecond: 100, gpusPerReplica: 1025 }]],
      [
        'duplicate model and class',
        [
          { modelCode: 'DEFAULT', workloadClassCode: 'STANDARD', tokensPerSecond: 100 },
          { workloadClassCode: 'STANDARD', tokensPerSecond: 200 },
        ],
      ],
    ]),
  ],
  upsertModel: [
    // model codes may be longer (48) and carry dots
    ...vary(MODEL, 'code', [
      ...CODE_BAD.filter(([what]) => what !== '33 characters'),
      ['49 characters', 'A'.repeat(49)],
      ['a leading dot', '.LLAMA'],
    ]),
    ...vary(MODEL, 'name', TEXT_BAD),
    ...vary(MODEL, 'vendor', TEXT_BAD),
    ...vary(MODEL, 'paramsTotalB', [...NUMBER_BAD, ['zero', 0], ['over 100000', 100_001]]),
    ...vary(MODEL, 'paramsActiveB', [['zero', 0]]),
    ...vary(MODEL, 'architecture', [
      ['not DENSE or MOE', 'sparse'],
      ['injection', INJECTION],
    ]),
    ...vary(MODEL, 'weightsGb', [
      ['zero', 0],
      ['non-finite', NOT_FINITE],
    ]),
    ...vary(MODEL, 'contextTokens', [
      ['zero', 0],
      ['over 100,000,000', 100_000_001],
      ['a string', '5'],
    ]),
    ...vary(MODEL, 'source', [[`over ${TEXT_MAX_LENGTH} characters`, OVER_TEXT]]),
    ...vary(MODEL, 'allowedCountries', [
      ['not a country', ['XX']],
      ['twice', ['US', 'US']],
    ]),
    ...vary(MODEL, 'allowedSites', [
      ['missing site', ['NOPE-SITE']],
      ['twice', ['US-DFW', 'US-DFW']],
      ['bad code', ['x']],
    ]),
  ],
  upsertWorkloadClass: [
    ...vary(CLASS, 'code', CODE_BAD),
    ...vary(CLASS, 'description', [
      ['empty', ''],
      [`over ${TEXT_MAX_LENGTH} characters`, OVER_TEXT],
      ['control characters', CONTROL],
    ]),
    ...vary(CLASS, 'rttBudgetMs', [
      ['2001 ms', 2001],
      ['negative', -1],
      ['non-finite', NOT_FINITE],
    ]),
    ...vary(CLASS, 'ttftTargetMs', [['zero', 0]]),
    ...vary(CLASS, 'hourlyDemandProfile', [
      ['23 values', hours(23, 1)],
      ['25 values', hours(25, 1)],
      ['mean not 1', hours(24, 2)],
      ['an hour over 24', [30, ...hours(23, 0)]],
    ]),
  ],
  upsertDemandRegion: [
    ...vary(REGION, 'code', CODE_BAD),
    ...vary(REGION, 'city', TEXT_BAD),
    ...vary(
      REGION,
      'latitude',
      NUMBER_BAD.filter(([label]) => label !== 'negative'),
    ),
    ...vary(REGION, 'utcOffsetHours', [
      ['-13 h', -13],
      ['not a quarter hour', 1.3],
    ]),
    ...vary(REGION, 'allowedCountries', [
      ['not ISO', ['XX']],
      ['injection', [INJECTION]],
      ['duplicates', ['DE', 'DE']],
    ]),
    ...vary(REGION, 'shareOfGlobalTokensPct', [['101 %', 101]]),
    ...vary(REGION, 'demand', [
      ['missing workload class', [{ workloadClassCode: 'NOPE-CLASS', tokensPerSecond: 1 }]],
      ['negative tokens', [{ workloadClassCode: 'STANDARD', tokensPerSecond: -1 }]],
      ['non-finite tokens', [{ workloadClassCode: 'STANDARD', tokensPerSecond: NOT_FINITE }]],
      [
        'duplicate class',
        [
          { workloadClassCode: 'STANDARD', tokensPerSecond: 1 },
          { workloadClassCode: 'STANDARD', tokensPerSecond: 2 },
        ],
      ],
      ['missing model', [{ modelCode: 'NOPE-MODEL', workloadClassCode: 'STANDARD', tokensPerSecond: 1 }]],
      ['bad model code', [{ modelCode: '', workloadClassCode: 'STANDARD', tokensPerSecond: 1 }]],
    ]),
  ],
  deleteDemandRegion: vary({}, 'code', [
    ['missing region', 'NOPE-REGION'],
    ['injection', INJECTION],
    ['empty', ''],
  ]),
  setLatencies: [
    ...vary({}, 'latencies', [
      ['missing site', [{ ...LATENCY, siteCode: 'NOPE-1' }]],
      ['missing region', [{ ...LATENCY, regionCode: 'NOPE-REGION' }]],
      ['rtt over 2000 ms', [{ ...LATENCY, rttMs: 2001 }]],
      ['negative rtt', [{ ...LATENCY, rttMs: -1 }]],
      ['non-finite rtt', [{ ...LATENCY, rttMs: NOT_FINITE }]],
      ['unknown method', [{ ...LATENCY, method: 'GUESSED' }]],
      ['duplicate pair', [LATENCY, { ...LATENCY, rttMs: 120 }]],
      ['one bad among good', [LATENCY, { ...LATENCY, regionCode: 'US-EAST', rttMs: 'fast' }]],
      ['injection site code', [{ ...LATENCY, siteCode: INJECTION }]],
      ['not a list', 'all'],
    ]),
  ],
  importDataset: [
    { label: 'duplicate site codes', input: { json: { sites: [JSON_SITE, JSON_SITE] } }, names: 'sites' },
    {
      label: 'hourly prices with 23 values',
      input: { json: { sites: [{ ...JSON_SITE, hourlyPricesPerKwh: hours(23) }] } },
      names: 'hourlyPricesPerKwh',
    },
    {
      label: 'non-finite price',
      input: { json: { sites: [{ ...JSON_SITE, pricePerKwh: NOT_FINITE }] } },
      names: 'pricePerKwh',
    },
    {
      label: 'price as a string',
      input: { json: { sites: [{ ...JSON_SITE, pricePerKwh: '0.05' }] } },
      names: 'pricePerKwh',
    },
    { label: 'injection code', input: { json: { sites: [{ ...JSON_SITE, code: INJECTION }] } }, names: 'code' },
    {
      label: 'control characters in a name',
      input: { json: { sites: [{ ...JSON_SITE, name: CONTROL }] } },
      names: 'name',
    },
    { label: 'a huge name', input: { json: { sites: [{ ...JSON_SITE, name: HUGE }] } }, names: 'name' },
    {
      label: 'latency to a missing region',
      input: { json: { latencies: [{ ...LATENCY, regionCode: 'NOPE-REGION' }] } },
      names: 'NOPE-REGION',
    },
    {
      label: 'inventory of a missing GPU type',
      input: {
        json: { sites: [{ ...JSON_SITE, inventory: [{ gpuTypeCode: 'NOPE-GPU', installed: 1, maxAdditional: 0 }] }] },
      },
      names: 'NOPE-GPU',
    },
    { label: 'unknown top-level key', input: { json: { stations: [] } }, names: 'stations' },
    // sections named after what every object has: only the known sections are sections
    { label: 'a section named __proto__', input: { json: raw('{"__proto__":[]}') }, names: '__proto__' },
    { label: 'a section named constructor', input: { json: { constructor: [] } }, names: 'constructor' },
    { label: 'a section named toString', input: { json: { toString: [JSON_SITE] } }, names: 'toString' },
    {
      label: 'a lone surrogate in a name',
      input: { json: { sites: [{ ...JSON_SITE, name: LONE_SURROGATE }] } },
      names: 'name',
    },
    { label: 'json is a string', input: { json: 'sites' }, names: 'json' },
    { label: 'json is a number', input: { json: NOT_FINITE }, names: 'json' },
    {
      label: 'both files and json',
      input: { json: {}, files: [{ name: 'sites.csv', text: 'code\n' }] },
      names: 'input',
    },
    { label: 'neither files nor json', input: {}, names: 'input' },
    { label: 'unknown file name', input: { files: [{ name: '../../etc/passwd', text: 'x' }] }, names: 'passwd' },
    {
      label: 'duplicate codes in one CSV',
      input: {
        files: [
          {
            name: 'latencies.csv',
            text: 'site_code,region_code,rtt_ms,method\nUS-DFW,EU-CENTRAL,100,ESTIMATED\nUS-DFW,EU-CENTRAL,101,ESTIMATED\n',
          },
        ],
      },
      names: 'latencies.csv',
    },
    {
      label: 'CSV with a non-finite number',
      input: {
        files: [
          {
            name: 'latencies.csv',
            text: 'site_code,region_code,rtt_ms,method\nUS-DFW,EU-CENTRAL,Infinity,ESTIMATED\n',
          },
        ],
      },
      names: 'rtt_ms',
    },
    { label: 'dryRun: a string', input: { json: {}, dryRun: 'no' }, names: 'dryRun' },
    // a child row both nested in its parent and in the detached section: both places named
    ...(
      [
        ['a stored site', 'US-ASH'],
        ['a new site', 'ZZ-NEW'],
      ] as const
    ).map(([label, code]) => ({
      label: `inventory of ${label} nested and detached`,
      input: {
        json: {
          sites: [{ ...JSON_SITE, code, inventory: [{ gpuTypeCode: 'H200-SXM', installed: 368, maxAdditional: 0 }] }],
          siteInventory: [{ siteCode: code, gpuTypeCode: 'H200-SXM', installed: 222 }],
        },
      },
      names: 'sites[0].inventory[0].gpuTypeCode and siteInventory[0].gpuTypeCode',
    })),
    ...(
      [
        ['a stored GPU type', 'H100-SXM'],
        ['a new GPU type', 'ZZ-GPU'],
      ] as const
    ).map(([label, code]) => ({
      label: `throughputs of ${label} nested and detached`,
      input: {
        json: {
          gpuTypes: [{ ...GPU, code, throughputs: [{ workloadClassCode: 'STANDARD', tokensPerSecond: 100 }] }],
          gpuThroughputs: [{ gpuTypeCode: code, workloadClassCode: 'STANDARD', tokensPerSecond: 90 }],
        },
      },
      names: 'gpuTypes[0].throughputs[0].workloadClassCode and gpuThroughputs[0].workloadClassCode',
    })),
    ...(
      [
        ['a stored region', 'US-EAST'],
        ['a new region', 'ZZ-REGION'],
      ] as const
    ).map(([label, code]) => ({
      label: `demand of ${label} nested and detached`,
      input: {
        json: {
          demandRegions: [{ ...REGION, code, demand: [{ workloadClassCode: 'STANDARD', tokensPerSecond: 5 }] }],
          demands: [{ regionCode: code, workloadClassCode: 'STANDARD', tokensPerSecond: 6 }],
        },
      },
      names: 'demandRegions[0].demand[0].workloadClassCode and demands[0].workloadClassCode',
    })),
    {
      label: 'the same detached inventory row twice',
      input: {
        json: {
          siteInventory: [
            { siteCode: 'US-ASH', gpuTypeCode: 'H200-SXM', installed: 1 },
            { siteCode: 'US-ASH', gpuTypeCode: 'H200-SXM', installed: 2 },
          ],
        },
      },
      names: 'siteInventory[1].gpuTypeCode',
    },
    {
      label: 'the same detached throughput twice',
      input: {
        json: {
          gpuThroughputs: [
            { gpuTypeCode: 'H100-SXM', workloadClassCode: 'STANDARD', tokensPerSecond: 1 },
            { gpuTypeCode: 'H100-SXM', workloadClassCode: 'STANDARD', tokensPerSecond: 2 },
          ],
        },
      },
      names: 'gpuThroughputs[1].workloadClassCode',
    },
    {
      label: 'the same detached demand row twice',
      input: {
        json: {
          demands: [
            { regionCode: 'US-EAST', workloadClassCode: 'STANDARD', tokensPerSecond: 1 },
            { regionCode: 'US-EAST', workloadClassCode: 'STANDARD', tokensPerSecond: 2 },
          ],
        },
      },
      names: 'demands[1].workloadClassCode',
    },
    {
      label: 'the same nested inventory row twice',
      input: {
        json: {
          sites: [
            {
              ...JSON_SITE,
              inventory: [
                { gpuTypeCode: 'H200-SXM', installed: 1 },
                { gpuTypeCode: 'H200-SXM', installed: 2 },
              ],
            },
          ],
        },
      },
      names: 'sites[0].inventory[1].gpuTypeCode',
    },
  ],
  requestPlan: [
    ...vary({}, 'options', [
      ['periods 7', { periods: 7 }],
      ['non-finite time limit', { timeLimitSeconds: NOT_FINITE }],
      ['time limit over the cap', { timeLimitSeconds: 100_000 }],
      ['negative carbon price', { carbonPricePerTonne: -1 }],
      ['target utilization 2', { targetUtilization: 2 }],
      ['max site share 0', { maxSiteShare: 0 }],
      ['unknown solver', { solver: 'CPLEX' }],
      ['excluded site missing', { excludeSites: ['NOPE-1'] }],
      ['excluded site injection', { excludeSites: [INJECTION] }],
      ['periods as a string', { periods: '24' }],
    ]),
    ...vary({}, 'scenario', [
      ['missing scenario', 'NOPE-SC'],
      ['injection', INJECTION],
    ]),
    ...vary({}, 'name', [
      ['huge', HUGE],
      ['control characters', CONTROL],
    ]),
    ...vary({}, 'wait', [['a string', 'yes']]),
  ],
  requestPlanSweep: [
    ...vary({ parameter: 'PRICE_MULTIPLIER' }, 'values', [
      ['one value', [1]],
      ['none', []],
      ['51 values', Array.from({ length: 51 }, (_, i) => i / 10)],
      ['a value twice', [1, 2, 1]],
      ['negative multiplier', [1, -1]],
      ['non-finite', [1, NOT_FINITE]],
      ['huge', [1, 1e300]],
      ['a string', ['1', 'x']],
      ['not a list of numbers', [[1], [2]]],
    ]),
    ...vary({ values: [1, 2] }, 'parameter', [
      ['unknown', 'CARBON_PRICE'],
      ['injection', INJECTION],
    ]),
    ...vary({ parameter: 'PRICE_MULTIPLIER', values: [1, 2] }, 'scope', [
      ['missing site', { siteCode: 'NOPE-1' }],
      ['injection as a site', { siteCode: INJECTION }],
      ['a region for a price', { regionCode: 'US-EAST' }],
      ['a site and a country', { siteCode: 'US-ASH', country: 'US' }],
      ['not an object', 'US'],
    ]),
    ...vary({ parameter: 'LATENCY_BUDGET_MS', values: [20, 200] }, 'scope', [
      ['missing region', { regionCode: 'NOPE-REGION' }],
      ['missing class', { workloadClassCode: 'NOPE-CLASS' }],
    ]),
    ...vary({ parameter: 'PRICE_MULTIPLIER', values: [1, 2] }, 'options', [
      ['periods 7', { periods: 7 }],
      ['time limit over the cap', { timeLimitSeconds: 100_000 }],
      ['excluded site missing', { excludeSites: ['NOPE-1'] }],
    ]),
    ...vary({ parameter: 'PRICE_MULTIPLIER', values: [1, 2] }, 'scenario', [['missing scenario', 'NOPE-SC']]),
    ...vary({ parameter: 'PRICE_MULTIPLIER', values: [1, 2] }, 'name', [
      ['huge', HUGE],
      ['control characters', CONTROL],
    ]),
  ],
  resolvePlan: vary({}, 'sourcePlanId', [
    ['missing plan', MISSING_ID],
    ['not a uuid', INJECTION],
    ['empty', ''],
    ['a number', 5],
  ]),
  cancelPlan: vary({}, 'id', [
    ['missing plan', MISSING_ID],
    ['not a uuid', 'plan-1'],
    ['injection', INJECTION],
  ]),
  createScenario: [
    ...vary(
      { name: 'Scenario', overrides: {} },
      'code',
      CODE_BAD.filter(([label]) => label !== 'lower case'),
    ),
    ...vary(
      { code: 'ZZ-SC', overrides: {} },
      'name',
      TEXT_BAD.filter(([label]) => label !== 'spaces only'),
    ),
    ...vary({ code: 'ZZ-SC', name: 'Scenario' }, 'overrides', [
      [
        'site price multiplier for a missing site',
        { priceMultipliers: [{ scope: 'SITE', code: 'NOPE-1', multiplier: 1.1 }] },
      ],
      ['negative multiplier', { demandGrowth: [{ multiplier: -1 }] }],
      ['non-finite carbon price', { carbonPricePerTonne: NOT_FINITE }],
      ['unknown key', { bogus: 1 }],
      ['not an object', 'cheaper'],
      ['a list', [1, 2]],
      ['plan options: periods 7', { planOptions: { periods: 7 } }],
      ['plan options: time limit over the cap', { planOptions: { timeLimitSeconds: 86_400 } }],
      ['missing region', { demandGrowth: [{ regionCode: 'NOPE-REGION', multiplier: 2 }] }],
    ]),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [
        ['growth for a missing model', { demandGrowth: [{ modelCode: 'NOPE-MODEL', multiplier: 2 }] }],
        ['growth for a model code that is a number', { demandGrowth: [{ modelCode: 7, multiplier: 2 }] }],
      ],
      'demandGrowth[0].modelCode',
    ),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [
        ['growth in a country without a region', { demandGrowth: [{ regionCountries: ['AQ'], multiplier: 2 }] }],
        ['growth in a country that is no ISO code', { demandGrowth: [{ regionCountries: ['Europe'], multiplier: 2 }] }],
      ],
      'demandGrowth[0].regionCountries[0]',
    ),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [
        ['growth with an empty country list', { demandGrowth: [{ regionCountries: [], multiplier: 2 }] }],
        [
          'growth with regionCode and regionCountries',
          { demandGrowth: [{ regionCode: 'EU-WEST', regionCountries: ['FR'], multiplier: 2 }] },
        ],
      ],
      'demandGrowth[0].regionCountries',
    ),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [
        ['missing unavailable model', { unavailableModels: [{ modelCode: 'NOPE-MODEL' }] }],
        ['unavailable model injection', { unavailableModels: [{ modelCode: INJECTION }] }],
      ],
      'unavailableModels[0].modelCode',
    ),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [
        ['missing substitute', { unavailableModels: [{ modelCode: 'DEFAULT', substituteModelCode: 'NOPE-MODEL' }] }],
        ['substitute is the model', { unavailableModels: [{ modelCode: 'DEFAULT', substituteModelCode: 'DEFAULT' }] }],
      ],
      'unavailableModels[0].substituteModelCode',
    ),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [['model listed twice', { unavailableModels: [{ modelCode: 'DEFAULT' }, { modelCode: 'DEFAULT' }] }]],
      'unavailableModels[1].modelCode',
    ),
    ...vary(
      { code: 'ZZ-SC', name: 'Scenario' },
      'overrides',
      [['unavailable model left out', { unavailableModels: [{ substituteModelCode: 'DEFAULT' }] }]],
      'modelCode',
    ),
    { label: 'existing code', input: { code: 'BASE-SC', name: 'dup', overrides: {} }, names: 'BASE-SC' },
  ],
  updateScenario: [
    ...vary({ code: 'BASE-SC' }, 'overrides', [
      ['unknown key', { bogus: 1 }],
      ['missing site', { sitesOut: ['NOPE-1'] }],
      ['non-finite', { carbonPricePerTonne: NOT_FINITE }],
      ['time limit over the cap', { planOptions: { timeLimitSeconds: 86_400 } }],
    ]),
    ...vary({ code: 'BASE-SC' }, 'expectedUpdatedAt', [['stale', '2001-01-01T00:00:00.000Z']]),
    ...vary({ code: 'BASE-SC' }, 'name', [
      ['empty', ''],
      ['huge', HUGE],
    ]),
    ...vary({}, 'code', [
      ['missing scenario', 'NOPE-SC'],
      ['injection', INJECTION],
    ]),
  ],
  deleteScenario: vary({}, 'code', [
    ['missing scenario', 'NOPE-SC'],
    ['injection', INJECTION],
    ['a number', 3],
  ]),
  createSchedule: [
    ...vary({ name: 'zz-nightly' }, 'cron', [
      ['not a cron', 'every night'],
      ['minute 61', '61 2 * * *'],
      ['six fields', '0 0 2 * * *'],
      ['empty', ''],
      ['huge', HUGE],
    ]),
    ...vary({ name: 'zz-nightly', cron: '0 2 * * *' }, 'timeZone', [
      ['unknown zone', 'Mars/Olympus'],
      ['injection', INJECTION],
    ]),
    ...vary({ name: 'zz-nightly', cron: '0 2 * * *' }, 'webhookUrl', [
      ['ftp', 'ftp://example.com/x'],
      ['javascript', 'javascript:alert(1)'],
      ['not a URL', 'hello'],
      ['huge', `https://example.com/${HUGE}`],
    ]),
    ...vary({ name: 'zz-nightly', cron: '0 2 * * *' }, 'options', [
      ['periods 7', { periods: 7 }],
      ['non-finite', { carbonPricePerTonne: NOT_FINITE }],
      ['time limit over the cap', { timeLimitSeconds: 86_400 }],
    ]),
    ...vary({ name: 'zz-nightly', cron: '0 2 * * *' }, 'scenario', [['missing scenario', 'NOPE-SC']]),
    ...vary({ cron: '0 2 * * *' }, 'name', [
      ['empty', ''],
      ['control characters', CONTROL],
      ['huge', HUGE],
    ]),
    { label: 'existing name', input: { name: 'base-schedule', cron: '0 3 * * *' }, names: 'base-schedule' },
  ],
  updateSchedule: [
    ...vary({ name: 'base-schedule' }, 'cron', [['not a cron', 'soon']]),
    ...vary({ name: 'base-schedule' }, 'timeZone', [['unknown zone', 'Nowhere/Else']]),
    ...vary({ name: 'base-schedule' }, 'webhookUrl', [['ftp', 'ftp://x.example/']]),
    ...vary({ name: 'base-schedule' }, 'options', [
      ['periods 7', { periods: 7 }],
      ['time limit over the cap', { timeLimitSeconds: 86_400 }],
    ]),
    ...vary({ name: 'base-schedule' }, 'expectedUpdatedAt', [['stale', '2001-01-01T00:00:00.000Z']]),
    ...vary({}, 'name', [
      ['missing schedule', 'nope-schedule'],
      ['injection', INJECTION],
    ]),
  ],
  pauseSchedule: vary({}, 'name', [
    ['missing schedule', 'nope-schedule'],
    ['injection', INJECTION],
    ['a number', 1],
  ]),
  resumeSchedule: vary({}, 'name', [
    ['missing schedule', 'nope-schedule'],
    ['huge', HUGE],
  ]),
  deleteSchedule: vary({}, 'name', [
    ['missing schedule', 'nope-schedule'],
    ['injection', INJECTION],
  ]),
  // API keys (src/graphql/schema/api-key.ts)
  createApiKey: [
    ...vary({ role: 'VIEWER' }, 'name', [
      ['empty', ''],
      ['control characters', CONTROL],
      ['huge', HUGE],
    ]),
    ...vary({ name: 'zz-key' }, 'role', [
      ['unknown role', 'root'],
      ['injection', INJECTION],
    ]),
    ...vary({ name: 'zz-key', role: 'VIEWER' }, 'expiresInDays', [
      ['zero', 0],
      ['negative', -1],
      ['over 3650', 3651],
      ['non-finite', NOT_FINITE],
      ['fractional', 1.5],
    ]),
  ],
  revokeApiKey: vary({}, 'name', [
    ['missing key', 'nope-key'],
    ['injection', INJECTION],
  ]),
};

let db: Database;
let planJobs: Jobs;
let api: ReturnType<typeof testApi>;
let before: DatabaseDump;

beforeAll(async () => {
  db = await openTestDatabase();
  planJobs = await startJobs(db, { worker: false, queue: { supervise: false, schedule: false } });
  api = testApi(db, { jobs: planJobs });
  // records the update and delete cases refer to
  await api.data(`mutation { createScenario(input: { code: "BASE-SC", name: "base", overrides: {} }) { __typename } }`);
  await api.data(`mutation { createSchedule(input: { name: "base-schedule", cron: "0 2 * * *" }) { __typename } }`);
  before = await dumpDatabase(db);
});
afterAll(async () => {
  await planJobs?.stop({ graceMs: 0 });
  await db?.close();
});

const mutations = Object.values(schema.getMutationType()!.getFields());

function operationFor(field: GraphQLField<unknown, unknown>): string {
  const inputType = field.args.find((arg) => arg.name === 'input')!.type.toString();
  return `mutation Bad($input: ${inputType}) { ${field.name}(input: $input) {
    __typename
    ... on ValidationError { issues { path message } }
    ... on Error { message }
  } }`;
}

interface Outcome {
  ok: boolean;
  why: string;
}

async function send(field: GraphQLField<unknown, unknown>, bad: BadCase): Promise<Outcome> {
  const body = `{"query":${JSON.stringify(operationFor(field))},"variables":{"input":${toJson(bad.input)}}}`;
  const response = await api.app.fetch('http://tokengrid.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
  });
  const text = await response.text();
  let result: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  try {
    result = JSON.parse(text);
  } catch {
    return { ok: false, why: `status ${response.status}, not JSON: ${text.slice(0, 200)}` };
  }
  if (result.errors?.length) {
    if (result.errors.some((e) => e.message === 'Unexpected error.'))
      return { ok: false, why: `unexpected error: ${JSON.stringify(result.errors)}` };
    const named = result.errors.some((e) => e.message.includes(bad.names));
    return named
      ? { ok: true, why: '' }
      : { ok: false, why: `GraphQL error not naming "${bad.names}": ${JSON.stringify(result.errors).slice(0, 400)}` };
  }
  const answer = result.data?.[field.name];
  if (!answer) return { ok: false, why: `no answer: ${text.slice(0, 300)}` };
  if (String(answer.__typename).endsWith('Success')) return { ok: false, why: 'accepted' };
  if (answer.__typename === 'ValidationError') {
    const issues = answer.issues as { path: string; message: string }[];
    const named = issues.some((issue) => issue.path.includes(bad.names) || issue.message.includes(bad.names));
    return named
      ? { ok: true, why: '' }
      : { ok: false, why: `ValidationError not naming "${bad.names}": ${JSON.stringify(issues).slice(0, 400)}` };
  }
  const message = String(answer.message);
  const named =
    message.includes(bad.names) ||
    ((typeof bad.value === 'string' || typeof bad.value === 'number') && message.includes(String(bad.value)));
  return named
    ? { ok: true, why: '' }
    : { ok: false, why: `${answer.__typename} not naming "${bad.names}": ${message.slice(0, 300)}` };
}

describe('bad input through every mutation', () => {
  it('has cases for every mutation of the schema', () => {
    const uncovered = mutations.map((m) => m.name).filter((name) => !CORPUS[name]?.length);
    expect(uncovered).toEqual([]);
    expect(
      mutations.every(
        (m) =>
          m.args.length === 1 && m.args[0]!.name === 'input' && getNamedType(m.args[0]!.type).name.endsWith('Input'),
      ),
    ).toBe(true);
  });

  for (const [name, cases] of Object.entries(CORPUS)) {
    it(`${name}: ${cases.length} cases, each refused naming the field, nothing written`, async () => {
      const field = mutations.find((m) => m.name === name);
      if (!field) return; // a corpus entry for a mutation this build lacks
      const failures: string[] = [];
      for (const bad of cases) {
        const outcome = await send(field, bad);
        if (!outcome.ok) failures.push(`${bad.label}: ${outcome.why.slice(0, 500)}`);
        const after = await dumpDatabase(db);
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          failures.push(`${bad.label}: the database changed (${changedTables(before, after).join(', ')})`);
          before = after;
        }
      }
      expect(failures).toEqual([]);
    });
  }

  // last: these change the data
  it('text just under the limits, and unicode text, is accepted', async () => {
    const result = await api.data<{ updateSite: { __typename: string; data?: { name: string; notes: string } } }>(
      `mutation ($input: UpdateSiteInput!) { updateSite(input: $input) { __typename ... on MutationUpdateSiteSuccess { data { name notes } } } }`,
      {
        input: {
          code: 'US-DFW',
          name: 'n'.repeat(NAME_MAX_LENGTH - 1) + 'é',
          notes: `Zürich 東京 🚀 — ${'t'.repeat(TEXT_MAX_LENGTH - 20)}`,
        },
      },
    );
    expect(result.updateSite.__typename).toBe('MutationUpdateSiteSuccess');
    expect(result.updateSite.data!.name).toHaveLength(NAME_MAX_LENGTH);
  });

  it('the corpus is large enough to mean something', () => {
    const total = Object.values(CORPUS).reduce((sum, cases) => sum + cases.length, 0);
    expect(total).toBeGreaterThan(250);
  });
});

function changedTables(a: DatabaseDump, b: DatabaseDump): string[] {
  const names = Object.keys(b.tables).filter(
    (name) => JSON.stringify(a.tables[name]) !== JSON.stringify(b.tables[name]),
  );
  if (a.jobs !== b.jobs) names.push(`pgboss.job ${a.jobs} → ${b.jobs}`);
  if (JSON.stringify(a.dataset) !== JSON.stringify(b.dataset)) names.push('dataset');
  return names;
}
