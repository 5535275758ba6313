// Validation ranges in one place. The CSV and JSON parsers, the importer and the
// GraphQL mutations (create and partial update) all validate with these schemas,
// so a value is accepted or refused with the same words wherever it comes from.

import { z } from 'zod';
import { isIsoCountryCode } from './countries.js';
import {
  COOLING_TYPES,
  LATENCY_METHODS,
  SITE_STATUSES,
  type DatasetIssue,
  type DemandRecord,
  type DemandRegionRecord,
  type DetachedDemandRecord,
  type DetachedInventoryRecord,
  type DetachedThroughputRecord,
  type GpuThroughputRecord,
  type GpuTypeRecord,
  type InventoryRecord,
  type LatencyRecord,
  type SiteRecord,
  type WorkloadClassRecord,
} from './types.js';

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

function text(maxLength: number, allowLineBreaks: boolean) {
  return z
    .string({ error: requiredOr('must be text') })
    .trim()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(allowLineBreaks ? NO_CONTROL_EXCEPT_LINE_BREAKS : NO_CONTROL, { error: CONTROL_CHARACTER_MESSAGE });
}

/** a required one-line text: trimmed, not empty */
export function requiredText(maxLength = NAME_MAX_LENGTH) {
  return text(maxLength, false).min(1, { error: 'must not be empty' });
}

/** a required long text (descriptions): line breaks allowed */
export function requiredLongText(maxLength = TEXT_MAX_LENGTH) {
  return text(maxLength, true).min(1, { error: 'must not be empty' });
}

/** an optional text: null, or trimmed text; an empty text becomes null */
export function optionalText(maxLength = NAME_MAX_LENGTH, allowLineBreaks = false) {
  return text(maxLength, allowLineBreaks)
    .transform((value) => (value === '' ? null : value))
    .nullable();
}

export function optionalLongText() {
  return optionalText(TEXT_MAX_LENGTH, true);
}

export const CODE_MESSAGE = 'must match [A-Z0-9-]{2,32}';
export const codeSchema = z
  .string({ error: requiredOr(CODE_MESSAGE) })
  .trim()
  .regex(CODE_PATTERN, { error: CODE_MESSAGE });

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
// Record fields. Each record has a strict full schema (what an import holds, with
// defaults already applied) and a partial update schema (what a mutation may change).

export const workloadClassFields = {
  code: codeSchema,
  name: requiredText(),
  description: requiredLongText(),
  rttBudgetMs: numberIn(RANGES.rttMs).nullable(),
  ttftTargetMs: numberIn(RANGES.tokenLatencyMs).nullable(),
  tpotTargetMs: numberIn(RANGES.tokenLatencyMs).nullable(),
  hourlyDemandProfile: demandProfileSchema,
};

export const gpuThroughputFields = {
  workloadClassCode: codeSchema,
  tokensPerSecond: numberIn(RANGES.throughputTokensPerSecond),
  derivation: optionalLongText(),
};

export const gpuTypeFields = {
  code: codeSchema,
  name: requiredText(),
  vendor: requiredText(),
  formFactor: optionalText(),
  boardPowerWatts: numberIn(RANGES.powerWatts).nullable(),
  powerWatts: numberIn(RANGES.powerWatts),
  memoryGb: numberIn(RANGES.memoryGb),
  memoryType: optionalText(),
  memoryBandwidthTbPerS: numberIn(RANGES.memoryBandwidthTbPerS).nullable(),
  capexPerHour: numberIn(RANGES.capexPerHour),
  priceUsd: numberIn(RANGES.priceUsd).nullable(),
  referenceTokensPerSecond: numberIn(RANGES.referenceTokensPerSecond).nullable(),
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
  maxAdditional: numberIn(RANGES.count),
};

export const siteFields = {
  code: codeSchema,
  name: requiredText(),
  country: countrySchema,
  regionLabel: requiredText(),
  latitude: numberIn(RANGES.latitude),
  longitude: numberIn(RANGES.longitude),
  pricePerKwh: numberIn(RANGES.pricePerKwh),
  hourlyPricesPerKwh: hourlyPricesSchema,
  utcOffsetHours: utcOffsetSchema,
  coolingType: coolingTypeSchema,
  pue: numberIn(RANGES.pue).nullable(),
  powerCapKw: numberIn(RANGES.powerCapKw),
  carbonGramsPerKwh: numberIn(RANGES.carbonGramsPerKwh),
  status: siteStatusSchema,
  notes: optionalLongText(),
  coolingDescription: optionalLongText(),
  priceLocal: numberIn(RANGES.priceLocal).nullable(),
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
  workloadClassCode: codeSchema,
  tokensPerSecond: numberIn(RANGES.demandTokensPerSecond),
  rttBudgetMs: numberIn(RANGES.rttMs).nullable(),
};

export const demandRegionFields = {
  code: codeSchema,
  name: requiredText(),
  city: requiredText(),
  country: countrySchema.nullable(),
  latitude: numberIn(RANGES.latitude),
  longitude: numberIn(RANGES.longitude),
  utcOffsetHours: utcOffsetSchema,
  allowedCountries: allowedCountriesSchema,
  shareOfGlobalTokensPct: numberIn(RANGES.sharePct).nullable(),
  shareBasis: optionalLongText(),
  latencyAnchor: optionalText(),
  notes: optionalLongText(),
};

export const latencyFields = {
  siteCode: codeSchema,
  regionCode: codeSchema,
  rttMs: numberIn(RANGES.rttMs),
  method: latencyMethodSchema,
  greatCircleKm: numberIn(RANGES.greatCircleKm).nullable(),
  source: optionalLongText(),
};

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: requiredOr('must be a list') });

export const workloadClassSchema = z.strictObject(workloadClassFields);
export const gpuThroughputSchema = z.strictObject(gpuThroughputFields);
export const gpuTypeSchema = z.strictObject({ ...gpuTypeFields, throughputs: list(gpuThroughputSchema) });
export const inventorySchema = z.strictObject(inventoryFields);
export const siteSchema = z.strictObject({ ...siteFields, inventory: list(inventorySchema) });
export const demandSchema = z.strictObject(demandFields);
export const demandRegionSchema = z.strictObject({ ...demandRegionFields, demand: list(demandSchema) });
export const latencySchema = z.strictObject(latencyFields);
export const detachedThroughputSchema = z.strictObject({ gpuTypeCode: codeSchema, ...gpuThroughputFields });
export const detachedInventorySchema = z.strictObject({ siteCode: codeSchema, ...inventoryFields });
export const detachedDemandSchema = z.strictObject({ regionCode: codeSchema, ...demandFields });

/** Rows without their children: what one CSV line of a parent file holds. */
export const gpuTypeRowSchema = z.strictObject(gpuTypeFields);
export const siteRowSchema = z.strictObject(siteFields);
export const demandRegionRowSchema = z.strictObject(demandRegionFields);

// Partial updates: every field optional, same rules; unknown fields refused.
export const workloadClassUpdateSchema = z.strictObject(workloadClassFields).partial();
export const gpuTypeUpdateSchema = z.strictObject(gpuTypeFields).partial();
export const gpuThroughputUpdateSchema = z.strictObject(gpuThroughputFields).partial();
export const siteUpdateSchema = z.strictObject(siteFields).partial();
export const inventoryUpdateSchema = z.strictObject(inventoryFields).partial();
export const demandRegionUpdateSchema = z.strictObject(demandRegionFields).partial();
export const demandUpdateSchema = z.strictObject(demandFields).partial();
export const latencyUpdateSchema = z.strictObject(latencyFields).partial();

export type WorkloadClassUpdate = z.output<typeof workloadClassUpdateSchema>;
export type GpuTypeUpdate = z.output<typeof gpuTypeUpdateSchema>;
export type GpuThroughputUpdate = z.output<typeof gpuThroughputUpdateSchema>;
export type SiteUpdate = z.output<typeof siteUpdateSchema>;
export type InventoryUpdate = z.output<typeof inventoryUpdateSchema>;
export type DemandRegionUpdate = z.output<typeof demandRegionUpdateSchema>;
export type DemandUpdate = z.output<typeof demandUpdateSchema>;
export type LatencyUpdate = z.output<typeof latencyUpdateSchema>;

// The schemas' outputs are exactly the record types of types.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemasMatchTypes = [
  Assert<Same<z.output<typeof workloadClassSchema>, WorkloadClassRecord>>,
  Assert<Same<z.output<typeof gpuThroughputSchema>, GpuThroughputRecord>>,
  Assert<Same<z.output<typeof gpuTypeSchema>, GpuTypeRecord>>,
  Assert<Same<z.output<typeof inventorySchema>, InventoryRecord>>,
  Assert<Same<z.output<typeof siteSchema>, SiteRecord>>,
  Assert<Same<z.output<typeof demandSchema>, DemandRecord>>,
  Assert<Same<z.output<typeof demandRegionSchema>, DemandRegionRecord>>,
  Assert<Same<z.output<typeof latencySchema>, LatencyRecord>>,
  Assert<Same<z.output<typeof detachedThroughputSchema>, DetachedThroughputRecord>>,
  Assert<Same<z.output<typeof detachedInventorySchema>, DetachedInventoryRecord>>,
  Assert<Same<z.output<typeof detachedDemandSchema>, DetachedDemandRecord>>,
];

// ---------------------------------------------------------------------------
// Defaults for fields an input may omit (JSON) or a CSV file may not have a column for.
// Children lists default to empty. Fields without a default are required.

export const WORKLOAD_CLASS_DEFAULTS = {
  rttBudgetMs: null,
  ttftTargetMs: null,
  tpotTargetMs: null,
  hourlyDemandProfile: [],
} satisfies Partial<WorkloadClassRecord>;

export const GPU_THROUGHPUT_DEFAULTS = { derivation: null } satisfies Partial<GpuThroughputRecord>;

export const GPU_TYPE_DEFAULTS = {
  formFactor: null,
  boardPowerWatts: null,
  memoryType: null,
  memoryBandwidthTbPerS: null,
  priceUsd: null,
  referenceTokensPerSecond: null,
  throughputType: null,
  throughputSource: null,
  specSource: null,
  priceBasis: null,
  priceSource: null,
  amortizationBasis: null,
  notes: null,
  throughputs: [],
} satisfies Partial<GpuTypeRecord>;

export const INVENTORY_DEFAULTS = { maxAdditional: 0 } satisfies Partial<InventoryRecord>;

export const SITE_DEFAULTS = {
  hourlyPricesPerKwh: [],
  utcOffsetHours: 0,
  pue: null,
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
} satisfies Partial<SiteRecord>;

export const DEMAND_DEFAULTS = { rttBudgetMs: null } satisfies Partial<DemandRecord>;

export const DEMAND_REGION_DEFAULTS = {
  country: null,
  allowedCountries: [],
  shareOfGlobalTokensPct: null,
  shareBasis: null,
  latencyAnchor: null,
  notes: null,
  demand: [],
} satisfies Partial<DemandRegionRecord>;

export const LATENCY_DEFAULTS = { greatCircleKm: null, source: null } satisfies Partial<LatencyRecord>;

/** A shallow copy of `input` with every missing (undefined) default filled in; non-objects pass through. */
export function withDefaults(input: unknown, defaults: Readonly<Record<string, unknown>>): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) {
    if (out[key] === undefined) out[key] = Array.isArray(value) ? [] : value;
  }
  return out;
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
