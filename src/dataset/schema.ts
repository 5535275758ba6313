// The planning data set's records, each written once: as a zod schema. The record
// types are the schemas' outputs; the CSV columns (src/dataset/csv.ts), the store's
// field lists (src/db/dataset-store.ts) and the GraphQL inputs derive from the
// field lists below. The CSV and JSON parsers, the importer and the GraphQL
// mutations (create and partial update) all validate with these schemas, so a
// value is accepted or refused with the same words wherever it comes from.
//
// A field with `.default(...)` may be left out (JSON), have no column or an empty
// cell (CSV), or be omitted in a create mutation; a field without one is required.

import { z } from 'zod';
import { DEFAULT_MODEL_CODE } from '../optimizer/types.js';
import { isIsoCountryCode } from './countries.js';
import type { DatasetIssue } from './types.js';

export const COOLING_TYPES = ['AIR', 'FREE_AIR', 'EVAPORATIVE', 'LIQUID_COLD_PLATE', 'IMMERSION'] as const;
export type CoolingType = (typeof COOLING_TYPES)[number];

export const SITE_STATUSES = ['ACTIVE', 'PLANNED', 'RETIRED'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export const LATENCY_METHODS = ['MEASURED', 'MEASURED_PROXY', 'ESTIMATED'] as const;
export type LatencyMethod = (typeof LATENCY_METHODS)[number];

export const MODEL_ARCHITECTURES = ['DENSE', 'MOE'] as const;

// ---------------------------------------------------------------------------
// Numbers

export interface NumberRange {
  min: number;
  max: number;
  /** shown after the bounds in messages, e.g. "USD/kWh" */
  unit: string;
  /** the minimum itself is not allowed (e.g. power must be > 0) */
  minExclusive?: boolean;
  integer?: boolean;
}

/** Upper bound on any count of GPUs: a sanity limit, not a physical one. */
export const MAX_COUNT = 10_000_000;

export const RANGES = {
  pricePerKwh: { min: 0, max: 2, unit: 'USD/kWh' },
  pue: { min: 1, max: 3, unit: '' },
  latitude: { min: -90, max: 90, unit: 'degrees' },
  longitude: { min: -180, max: 180, unit: 'degrees' },
  rttMs: { min: 0, max: 2000, unit: 'ms' },
  /** TTFT / TPOT targets */
  tokenLatencyMs: { min: 0, max: 3_600_000, unit: 'ms', minExclusive: true },
  /** per-GPU throughput under a class's token-latency target */
  throughputTokensPerSecond: { min: 0, max: 10_000_000, unit: 'tokens/s', minExclusive: true },
  demandTokensPerSecond: { min: 0, max: 1e12, unit: 'tokens/s' },
  referenceTokensPerSecond: { min: 0, max: 10_000_000, unit: 'tokens/s', minExclusive: true },
  powerWatts: { min: 0, max: 100_000, unit: 'W', minExclusive: true },
  powerCapKw: { min: 0, max: 10_000_000, unit: 'kW', minExclusive: true },
  memoryGb: { min: 0, max: 100_000, unit: 'GB', minExclusive: true },
  memoryBandwidthTbPerS: { min: 0, max: 1000, unit: 'TB/s', minExclusive: true },
  capexPerHour: { min: 0, max: 1000, unit: 'USD per GPU-hour' },
  priceUsd: { min: 0, max: 100_000_000, unit: 'USD' },
  priceLocal: { min: 0, max: 1_000_000, unit: '(local currency per kWh)' },
  carbonGramsPerKwh: { min: 0, max: 2000, unit: 'g/kWh' },
  utcOffsetHours: { min: -12, max: 14, unit: 'hours' },
  count: { min: 0, max: MAX_COUNT, unit: '', integer: true },
  greatCircleKm: { min: 0, max: 20_100, unit: 'km' },
  sharePct: { min: 0, max: 100, unit: '%' },
  /** one hour's demand multiplier: 24 would put a whole day's demand into one hour */
  demandMultiplier: { min: 0, max: 24, unit: '' },
  /** a model's total or active parameters */
  paramsB: { min: 0, max: 100_000, unit: 'billion parameters', minExclusive: true },
  /** a model's context window */
  contextTokens: { min: 1, max: 100_000_000, unit: 'tokens', integer: true },
  /** GPUs one replica of a model needs on a GPU type (its weights' minimum) */
  gpusPerReplica: { min: 1, max: 1024, unit: 'GPUs', integer: true },
  /** the most different models a site may host */
  maxModels: { min: 1, max: 1000, unit: 'models', integer: true },
} as const satisfies Record<string, NumberRange>;

export const HOURS_PER_DAY = 24;
/** An hourly demand profile's mean must be 1 within this tolerance (fixtures hold it to 1e-9). */
export const PROFILE_MEAN_TOLERANCE = 0.01;
/** UTC offsets come in quarter hours (Nepal +5:45, Chatham +12:45). */
export const UTC_OFFSET_STEP_HOURS = 0.25;

export const CODE_PATTERN = /^[A-Z0-9-]{2,32}$/;
export const NAME_MAX_LENGTH = 200;
export const TEXT_MAX_LENGTH = 2000;

function unitSuffix(range: NumberRange): string {
  return range.unit === '' ? '' : ` ${range.unit}`;
}

export function rangeMessage(range: NumberRange): string {
  if (range.integer) return `must be a whole number between ${range.min} and ${range.max}${unitSuffix(range)}`;
  if (range.minExclusive) return `must be greater than ${range.min} and at most ${range.max}${unitSuffix(range)}`;
  return `must be between ${range.min} and ${range.max}${unitSuffix(range)}`;
}

export const FINITE_NUMBER_MESSAGE = 'must be a finite number';
export const REQUIRED_MESSAGE = 'is required';

function requiredOr(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? REQUIRED_MESSAGE : message);
}

/** an optional field: null, which is also its value when left out */
export function orNull<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

export function numberIn(range: NumberRange) {
  const message = rangeMessage(range);
  let schema = z.number({ error: requiredOr(FINITE_NUMBER_MESSAGE) });
  if (range.integer) schema = schema.int({ error: message });
  schema = range.minExclusive ? schema.gt(range.min, { error: message }) : schema.gte(range.min, { error: message });
  return schema.lte(range.max, { error: message });
}

const utcOffsetSchema = numberIn(RANGES.utcOffsetHours).refine(
  (hours) => Number.isInteger(hours / UTC_OFFSET_STEP_HOURS),
  { error: `must be a whole number of quarter hours (e.g. 5.5 or 5.75)` },
);

// ---------------------------------------------------------------------------
// Text

const NO_CONTROL = /^[^\p{Cc}]*$/u;
const NO_CONTROL_EXCEPT_LINE_BREAKS = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;
export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters';
/** every UTF-16 surrogate in its pair (no `u` flag: code units): a lone one would be stored altered */
const WELL_FORMED = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
export const ILL_FORMED_MESSAGE = 'must be well-formed Unicode (it holds a lone surrogate)';

/**
 * The one text rule: at most `maxLength` characters and no control characters
 * (PostgreSQL refuses NUL in text); line breaks only with `lineBreaks`; trimmed
 * unless `trim: false` (scenario texts and plan names are stored as given).
 */
export function plainText(maxLength: number, options: { lineBreaks?: boolean; trim?: boolean } = {}) {
  const string = z.string({ error: requiredOr('must be text') });
  return (options.trim === false ? string : string.trim())
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(options.lineBreaks ? NO_CONTROL_EXCEPT_LINE_BREAKS : NO_CONTROL, { error: CONTROL_CHARACTER_MESSAGE })
    .regex(WELL_FORMED, { error: ILL_FORMED_MESSAGE });
}

export const NOT_EMPTY_MESSAGE = 'must not be empty';

/** a required one-line text: trimmed, not empty */
export function requiredText(maxLength = NAME_MAX_LENGTH) {
  return plainText(maxLength).min(1, { error: NOT_EMPTY_MESSAGE });
}

/** a required long text (descriptions): line breaks allowed */
export function requiredLongText(maxLength = TEXT_MAX_LENGTH) {
  return plainText(maxLength, { lineBreaks: true }).min(1, { error: NOT_EMPTY_MESSAGE });
}

/** an optional text: null (the default), or trimmed text; an empty text becomes null */
export function optionalText(maxLength = NAME_MAX_LENGTH, lineBreaks = false) {
  return orNull(plainText(maxLength, { lineBreaks }).transform((value) => (value === '' ? null : value)));
}

export function optionalLongText() {
  return optionalText(TEXT_MAX_LENGTH, true);
}

export const CODE_MESSAGE = 'must match [A-Z0-9-]{2,32}';
/** model codes may carry a version's dots (LLAMA-3.1-8B), and are a little longer */
export const MODEL_CODE_PATTERN = /^[A-Z0-9][A-Z0-9.-]{1,47}$/;
export const MODEL_CODE_MESSAGE = 'must match [A-Z0-9][A-Z0-9.-]{1,47} (capitals, digits, dots and dashes)';
export const codeSchema = z
  .string({ error: requiredOr(CODE_MESSAGE) })
  .trim()
  .regex(CODE_PATTERN, { error: CODE_MESSAGE });

export const modelCodeSchema = z
  .string({ error: requiredOr(MODEL_CODE_MESSAGE) })
  .trim()
  .regex(MODEL_CODE_PATTERN, { error: MODEL_CODE_MESSAGE });

export const countrySchema = z
  .string({ error: requiredOr('must be an ISO 3166-1 alpha-2 country code') })
  .trim()
  .refine(isIsoCountryCode, {
    error: (issue) => `must be an ISO 3166-1 alpha-2 country code (got ${JSON.stringify(issue.input)})`,
  });

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: requiredOr(`must be one of ${values.join(', ')}`) });
}

export const coolingTypeSchema = enumOf(COOLING_TYPES);
export const siteStatusSchema = enumOf(SITE_STATUSES);
export const latencyMethodSchema = enumOf(LATENCY_METHODS);
export const modelArchitectureSchema = enumOf(MODEL_ARCHITECTURES);

// ---------------------------------------------------------------------------
// Hourly arrays: empty (flat) or exactly 24 values, each in the scalar's range

export function hourlyValues(range: NumberRange) {
  return z.array(numberIn(range), { error: requiredOr('must be a list of numbers') }).superRefine((values, ctx) => {
    if (values.length !== 0 && values.length !== HOURS_PER_DAY) {
      ctx.addIssue({ code: 'custom', message: `must have exactly ${HOURS_PER_DAY} values (got ${values.length})` });
    }
  });
}

/** null when the profile is empty or its mean is 1 within tolerance, else the message */
export function profileMeanMessage(profile: readonly number[]): string | null {
  if (profile.length !== HOURS_PER_DAY) return null;
  const mean = profile.reduce((sum, value) => sum + value, 0) / profile.length;
  if (!Number.isFinite(mean) || Math.abs(mean - 1) <= PROFILE_MEAN_TOLERANCE) return null;
  return `must have a mean of 1 within ${PROFILE_MEAN_TOLERANCE} (got ${mean.toFixed(4)})`;
}

export const hourlyPricesSchema = hourlyValues(RANGES.pricePerKwh);
export const demandProfileSchema = hourlyValues(RANGES.demandMultiplier).superRefine((profile, ctx) => {
  const message = profileMeanMessage(profile);
  if (message !== null) ctx.addIssue({ code: 'custom', message });
});

/** a list of codes, each once (a model's allowed sites) */
export const codeListSchema = z
  .array(codeSchema, { error: requiredOr('must be a list of codes') })
  .superRefine((codes, ctx) => {
    const seen = new Set<string>();
    codes.forEach((code, index) => {
      if (seen.has(code)) ctx.addIssue({ code: 'custom', path: [index], message: `lists ${code} twice` });
      seen.add(code);
    });
  });

export const allowedCountriesSchema = z
  .array(countrySchema, { error: requiredOr('must be a list of country codes') })
  .superRefine((countries, ctx) => {
    const seen = new Set<string>();
    countries.forEach((country, index) => {
      if (seen.has(country)) ctx.addIssue({ code: 'custom', path: [index], message: `lists ${country} twice` });
      seen.add(country);
    });
  });

// ---------------------------------------------------------------------------
// Record fields, in CSV column order. Each record has a strict full schema (what
// an import holds; defaults fill what was left out) and a partial update schema
// (what a mutation may change: no defaults, so a field left out keeps its value).

export const workloadClassFields = {
  code: codeSchema,
  name: requiredText(),
  description: requiredLongText(),
  /** null = no network latency limit (batch) */
  rttBudgetMs: orNull(numberIn(RANGES.rttMs)),
  ttftTargetMs: orNull(numberIn(RANGES.tokenLatencyMs)),
  tpotTargetMs: orNull(numberIn(RANGES.tokenLatencyMs)),
  /** 24 multipliers by local hour, mean 1; empty = flat */
  hourlyDemandProfile: demandProfileSchema.default([]),
};

export const modelFields = {
  code: modelCodeSchema,
  name: requiredText(),
  vendor: requiredText(),
  paramsTotalB: orNull(numberIn(RANGES.paramsB)),
  /** parameters active per token (mixture of experts) */
  paramsActiveB: orNull(numberIn(RANGES.paramsB)),
  architecture: orNull(modelArchitectureSchema),
  servedPrecision: optionalText(),
  /** the served weights' size */
  weightsGb: orNull(numberIn(RANGES.memoryGb)),
  contextTokens: orNull(numberIn(RANGES.contextTokens)),
  license: optionalText(),
  source: optionalLongText(),
  notes: optionalLongText(),
  /** countries whose sites may run it; empty = anywhere */
  allowedCountries: allowedCountriesSchema.default([]),
  /** the only sites that may run it; empty = any site */
  allowedSites: codeListSchema.default([]),
};

const modelCodeOrDefaultSchema = modelCodeSchema.default(DEFAULT_MODEL_CODE);

export const gpuThroughputFields = {
  /** left out: the DEFAULT model */
  modelCode: modelCodeOrDefaultSchema,
  workloadClassCode: codeSchema,
  tokensPerSecond: numberIn(RANGES.throughputTokensPerSecond),
  /** the model runs in replicas of this many GPUs of the type */
  gpusPerReplica: numberIn(RANGES.gpusPerReplica).default(1),
  derivation: optionalLongText(),
};

export const gpuTypeFields = {
  code: codeSchema,
  name: requiredText(),
  vendor: requiredText(),
  formFactor: optionalText(),
  boardPowerWatts: orNull(numberIn(RANGES.powerWatts)),
  powerWatts: numberIn(RANGES.powerWatts),
  memoryGb: numberIn(RANGES.memoryGb),
  memoryType: optionalText(),
  memoryBandwidthTbPerS: orNull(numberIn(RANGES.memoryBandwidthTbPerS)),
  capexPerHour: numberIn(RANGES.capexPerHour),
  priceUsd: orNull(numberIn(RANGES.priceUsd)),
  referenceTokensPerSecond: orNull(numberIn(RANGES.referenceTokensPerSecond)),
  throughputType: optionalText(),
  throughputSource: optionalLongText(),
  specSource: optionalLongText(),
  priceBasis: optionalLongText(),
  priceSource: optionalLongText(),
  amortizationBasis: optionalLongText(),
  notes: optionalLongText(),
};

export const inventoryFields = {
  gpuTypeCode: codeSchema,
  installed: numberIn(RANGES.count),
  maxAdditional: numberIn(RANGES.count).default(0),
};

export const siteFields = {
  code: codeSchema,
  name: requiredText(),
  country: countrySchema,
  regionLabel: requiredText(),
  latitude: numberIn(RANGES.latitude),
  longitude: numberIn(RANGES.longitude),
  pricePerKwh: numberIn(RANGES.pricePerKwh),
  /** 24 values by local hour, or empty for a flat price */
  hourlyPricesPerKwh: hourlyPricesSchema.default([]),
  utcOffsetHours: utcOffsetSchema.default(0),
  coolingType: coolingTypeSchema,
  /** null = the cooling type's default applies */
  pue: orNull(numberIn(RANGES.pue)),
  powerCapKw: numberIn(RANGES.powerCapKw),
  carbonGramsPerKwh: numberIn(RANGES.carbonGramsPerKwh),
  /** the most different models the site may host (each deployed model costs memory and operations); null = no cap */
  maxModels: orNull(numberIn(RANGES.maxModels)),
  status: siteStatusSchema.default('ACTIVE'),
  notes: optionalLongText(),
  coolingDescription: optionalLongText(),
  priceLocal: orNull(numberIn(RANGES.priceLocal)),
  priceCurrency: optionalText(),
  priceBasis: optionalLongText(),
  priceSource: optionalLongText(),
  priceYear: optionalText(),
  priceConfidence: optionalText(),
  pueBasis: optionalLongText(),
  carbonSource: optionalLongText(),
  carbonYear: optionalText(),
  powerCapBasis: optionalLongText(),
};

export const demandFields = {
  /** left out: the DEFAULT model */
  modelCode: modelCodeOrDefaultSchema,
  workloadClassCode: codeSchema,
  tokensPerSecond: numberIn(RANGES.demandTokensPerSecond),
  /** overrides the class's budget for this region */
  rttBudgetMs: orNull(numberIn(RANGES.rttMs)),
};

export const demandRegionFields = {
  code: codeSchema,
  name: requiredText(),
  city: requiredText(),
  country: orNull(countrySchema),
  latitude: numberIn(RANGES.latitude),
  longitude: numberIn(RANGES.longitude),
  utcOffsetHours: utcOffsetSchema,
  /** empty = may be served from anywhere */
  allowedCountries: allowedCountriesSchema.default([]),
  shareOfGlobalTokensPct: orNull(numberIn(RANGES.sharePct)),
  shareBasis: optionalLongText(),
  latencyAnchor: optionalText(),
  notes: optionalLongText(),
};

export const latencyFields = {
  siteCode: codeSchema,
  regionCode: codeSchema,
  rttMs: numberIn(RANGES.rttMs),
  method: latencyMethodSchema,
  greatCircleKm: orNull(numberIn(RANGES.greatCircleKm)),
  source: optionalLongText(),
};

/** A list of child records; left out, it is empty. */
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: requiredOr('must be a list') }).default([]);

export const workloadClassSchema = z.strictObject(workloadClassFields);
export const modelSchema = z.strictObject(modelFields);
export const gpuThroughputSchema = z.strictObject(gpuThroughputFields);
export const gpuTypeSchema = z.strictObject({ ...gpuTypeFields, throughputs: list(gpuThroughputSchema) });
export const inventorySchema = z.strictObject(inventoryFields);
export const siteSchema = z.strictObject({ ...siteFields, inventory: list(inventorySchema) });
export const demandSchema = z.strictObject(demandFields);
export const demandRegionSchema = z.strictObject({ ...demandRegionFields, demand: list(demandSchema) });
export const latencySchema = z.strictObject(latencyFields);
/** Child rows whose parent record is not in the same import (e.g. site-inventory.csv alone). */
export const detachedThroughputSchema = z.strictObject({ gpuTypeCode: codeSchema, ...gpuThroughputFields });
export const detachedInventorySchema = z.strictObject({ siteCode: codeSchema, ...inventoryFields });
export const detachedDemandSchema = z.strictObject({ regionCode: codeSchema, ...demandFields });

/** Rows without their children: what one CSV line of a parent file holds. */
export const gpuTypeRowSchema = z.strictObject(gpuTypeFields);
export const siteRowSchema = z.strictObject(siteFields);
export const demandRegionRowSchema = z.strictObject(demandRegionFields);

type WithoutDefaults<Fields extends z.ZodRawShape> = {
  [K in keyof Fields]: Fields[K] extends z.ZodDefault<infer Inner> ? Inner : Fields[K];
};

/** Every field optional, same rules, no defaults; unknown fields refused. */
function updateSchemaOf<Fields extends z.ZodRawShape>(fields: Fields) {
  const shape = Object.fromEntries(
    Object.entries(fields).map(([key, schema]) => [key, schema instanceof z.ZodDefault ? schema.unwrap() : schema]),
  ) as WithoutDefaults<Fields>;
  return z.strictObject(shape).partial();
}

export const workloadClassUpdateSchema = updateSchemaOf(workloadClassFields);
export const modelUpdateSchema = updateSchemaOf(modelFields);
export const gpuTypeUpdateSchema = updateSchemaOf(gpuTypeFields);
export const gpuThroughputUpdateSchema = updateSchemaOf(gpuThroughputFields);
export const siteUpdateSchema = updateSchemaOf(siteFields);
export const inventoryUpdateSchema = updateSchemaOf(inventoryFields);
export const demandRegionUpdateSchema = updateSchemaOf(demandRegionFields);
export const demandUpdateSchema = updateSchemaOf(demandFields);
export const latencyUpdateSchema = updateSchemaOf(latencyFields);

/** May be left out: has a default. */
export function isOptionalField(schema: z.ZodType): boolean {
  return schema instanceof z.ZodDefault;
}

/** A record's fields but `except` (its key, say): what a GraphQL input derives from. */
export function fieldsBut<Fields extends z.ZodRawShape, Except extends keyof Fields & string>(
  fields: Fields,
  ...except: Except[]
): Omit<Fields, Except> {
  const out: Record<string, unknown> = { ...fields };
  for (const name of except) delete out[name];
  return out as Omit<Fields, Except>;
}

/** The names of a record's fields but `except` (its key): what the store compares and writes. */
export function fieldNames<Fields extends z.ZodRawShape, Except extends keyof Fields & string>(
  fields: Fields,
  ...except: Except[]
): Exclude<keyof Fields & string, Except>[] {
  return Object.keys(fieldsBut(fields, ...except)) as Exclude<keyof Fields & string, Except>[];
}

// ---------------------------------------------------------------------------
// Records: the schemas' outputs

export type WorkloadClassRecord = z.output<typeof workloadClassSchema>;
export type ModelRecord = z.output<typeof modelSchema>;
export type GpuThroughputRecord = z.output<typeof gpuThroughputSchema>;
export type GpuTypeRecord = z.output<typeof gpuTypeSchema>;
export type InventoryRecord = z.output<typeof inventorySchema>;
export type SiteRecord = z.output<typeof siteSchema>;
export type DemandRecord = z.output<typeof demandSchema>;
export type DemandRegionRecord = z.output<typeof demandRegionSchema>;
export type LatencyRecord = z.output<typeof latencySchema>;
/** A throughput row whose GPU type is not in the same import (e.g. gpu-throughputs.csv alone). */
export type DetachedThroughputRecord = z.output<typeof detachedThroughputSchema>;
/** An inventory row whose site is not in the same import (e.g. site-inventory.csv alone). */
export type DetachedInventoryRecord = z.output<typeof detachedInventorySchema>;
/** A demand row whose region is not in the same import (e.g. demand.csv alone). */
export type DetachedDemandRecord = z.output<typeof detachedDemandSchema>;

/**
 * The planning data set as plain objects: what `importDataset` takes (JSON form),
 * what the CSV fixtures parse into, and what an export of the database gives.
 * Field names match prisma/schema.prisma; references between records are by code.
 * Every section is optional in an import: a data set may carry only latencies, say.
 */
export interface Dataset {
  /**
   * Optional so that data sets from before models existed still type-check and
   * load: a throughput or demand row naming no model belongs to DEFAULT.
   */
  models?: ModelRecord[];
  workloadClasses: WorkloadClassRecord[];
  gpuTypes: GpuTypeRecord[];
  sites: SiteRecord[];
  demandRegions: DemandRegionRecord[];
  latencies: LatencyRecord[];
  /**
   * Child rows whose parent record is not in this import: the importer attaches
   * them to parents already stored (the cross-check has made sure those exist).
   * Child rows whose parent is in the import are nested in the parent instead.
   * Optional so that a data set written by hand may leave them out.
   */
  gpuThroughputs?: DetachedThroughputRecord[];
  siteInventory?: DetachedInventoryRecord[];
  demands?: DetachedDemandRecord[];
}

// ---------------------------------------------------------------------------
// Issues

/** `prefix` + zod path: `sites[3]` + ['hourlyPricesPerKwh', 5] → `sites[3].hourlyPricesPerKwh[5]` */
export function formatIssuePath(prefix: string, segments: readonly PropertyKey[]): string {
  let path = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const expected =
      issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`;
    return `must be ${expected}`;
  }
  return issue.message;
}

/** zod issues → `{ path, message }` with paths like `input.pricePerKwh` or `sites[3].hourlyPricesPerKwh[5]`. */
export function zodIssuesToDatasetIssues(error: z.ZodError, pathPrefix = ''): DatasetIssue[] {
  const issues: DatasetIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatIssuePath(pathPrefix, [...issue.path, key]), message: 'is not a known field' });
      }
      continue;
    }
    issues.push({ path: formatIssuePath(pathPrefix, issue.path), message: plainMessage(issue) });
  }
  return issues;
}
