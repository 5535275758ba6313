// The planning data set as plain objects: what `importDataset` takes (JSON form),
// what the CSV fixtures parse into, and what an export of the database gives.
// Field names match prisma/schema.prisma; references between records are by code.

export const COOLING_TYPES = ['AIR', 'FREE_AIR', 'EVAPORATIVE', 'LIQUID_COLD_PLATE', 'IMMERSION'] as const;
export type CoolingType = (typeof COOLING_TYPES)[number];

export const SITE_STATUSES = ['ACTIVE', 'PLANNED', 'RETIRED'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export const LATENCY_METHODS = ['MEASURED', 'MEASURED_PROXY', 'ESTIMATED'] as const;
export type LatencyMethod = (typeof LATENCY_METHODS)[number];

export interface WorkloadClassRecord {
  code: string;
  name: string;
  description: string;
  /** null = no network latency limit (batch) */
  rttBudgetMs: number | null;
  ttftTargetMs: number | null;
  tpotTargetMs: number | null;
  /** 24 multipliers by local hour, mean 1; empty = flat */
  hourlyDemandProfile: number[];
}

export interface GpuThroughputRecord {
  workloadClassCode: string;
  tokensPerSecond: number;
  derivation: string | null;
}

export interface GpuTypeRecord {
  code: string;
  name: string;
  vendor: string;
  formFactor: string | null;
  boardPowerWatts: number | null;
  powerWatts: number;
  memoryGb: number;
  memoryType: string | null;
  memoryBandwidthTbPerS: number | null;
  capexPerHour: number;
  priceUsd: number | null;
  referenceTokensPerSecond: number | null;
  throughputType: string | null;
  throughputSource: string | null;
  specSource: string | null;
  priceBasis: string | null;
  priceSource: string | null;
  amortizationBasis: string | null;
  notes: string | null;
  throughputs: GpuThroughputRecord[];
}

export interface InventoryRecord {
  gpuTypeCode: string;
  installed: number;
  maxAdditional: number;
}

export interface SiteRecord {
  code: string;
  name: string;
  country: string;
  regionLabel: string;
  latitude: number;
  longitude: number;
  pricePerKwh: number;
  /** 24 values by local hour, or empty for a flat price */
  hourlyPricesPerKwh: number[];
  utcOffsetHours: number;
  coolingType: CoolingType;
  /** null = the cooling type's default applies */
  pue: number | null;
  powerCapKw: number;
  carbonGramsPerKwh: number;
  status: SiteStatus;
  notes: string | null;
  coolingDescription: string | null;
  priceLocal: number | null;
  priceCurrency: string | null;
  priceBasis: string | null;
  priceSource: string | null;
  priceYear: string | null;
  priceConfidence: string | null;
  pueBasis: string | null;
  carbonSource: string | null;
  carbonYear: string | null;
  powerCapBasis: string | null;
  inventory: InventoryRecord[];
}

export interface DemandRecord {
  workloadClassCode: string;
  tokensPerSecond: number;
  /** overrides the class's budget for this region */
  rttBudgetMs: number | null;
}

export interface DemandRegionRecord {
  code: string;
  name: string;
  city: string;
  country: string | null;
  latitude: number;
  longitude: number;
  utcOffsetHours: number;
  /** empty = may be served from anywhere */
  allowedCountries: string[];
  shareOfGlobalTokensPct: number | null;
  shareBasis: string | null;
  latencyAnchor: string | null;
  notes: string | null;
  demand: DemandRecord[];
}

export interface LatencyRecord {
  siteCode: string;
  regionCode: string;
  rttMs: number;
  method: LatencyMethod;
  greatCircleKm: number | null;
  source: string | null;
}

/** A throughput row whose GPU type is not in the same import (e.g. gpu-throughputs.csv alone). */
export interface DetachedThroughputRecord extends GpuThroughputRecord {
  gpuTypeCode: string;
}

/** An inventory row whose site is not in the same import (e.g. site-inventory.csv alone). */
export interface DetachedInventoryRecord extends InventoryRecord {
  siteCode: string;
}

/** A demand row whose region is not in the same import (e.g. demand.csv alone). */
export interface DetachedDemandRecord extends DemandRecord {
  regionCode: string;
}

/** Every section is optional in an import: a data set may carry only latencies, say. */
export interface Dataset {
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

/** One problem found in input: where (file/row/field or a JSON-style path) and what. */
export interface DatasetIssue {
  /** e.g. `sites.csv:12 price_per_kwh` for CSV, `sites[3].pricePerKwh` for JSON */
  path: string;
  message: string;
  file?: string;
  /** line number in the CSV file (the header is line 1, the first record line 2) */
  row?: number;
  field?: string;
}
