// Writes a validated Dataset into the database (upsert by code, all-or-nothing,
// idempotent: a record equal to what is stored is not touched), and reads the
// database back as a Dataset (export, and the optimizer's planning snapshot).
import type { Prisma } from '../generated/prisma/client.js';
import type {
  Dataset,
  DemandRegionRecord,
  DetachedDemandRecord,
  DetachedInventoryRecord,
  DetachedThroughputRecord,
  GpuTypeRecord,
  LatencyRecord,
  SiteRecord,
  WorkloadClassRecord,
} from '../dataset/types.js';
import type { Database } from './database.js';

type Tx = Prisma.TransactionClient;

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportSummary {
  workloadClasses: WriteCounts;
  gpuTypes: WriteCounts;
  gpuThroughputs: WriteCounts;
  sites: WriteCounts;
  inventory: WriteCounts;
  demandRegions: WriteCounts;
  demand: WriteCounts;
  latencies: WriteCounts;
}

const zero = (): WriteCounts => ({ created: 0, updated: 0, unchanged: 0 });

function emptySummary(): ImportSummary {
  return {
    workloadClasses: zero(),
    gpuTypes: zero(),
    gpuThroughputs: zero(),
    sites: zero(),
    inventory: zero(),
    demandRegions: zero(),
    demand: zero(),
    latencies: zero(),
  };
}

/**
 * Equal as stored. Numbers inside float arrays come back from the driver rounded to
 * 15 significant digits, so numbers compare to a relative 1e-12: a re-import of the
 * same data must find nothing to change.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  return a === b || (a == null && b == null);
}

/** The fields of `record` (among `fields`) that differ from `stored`; empty when nothing changed. */
function changes<T extends object, K extends keyof T & string>(
  stored: Record<string, unknown>,
  record: T,
  fields: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const field of fields) {
    if (!sameValue(stored[field], record[field])) out[field] = record[field];
  }
  return out;
}

const CLASS_FIELDS = ['name', 'description', 'rttBudgetMs', 'ttftTargetMs', 'tpotTargetMs', 'hourlyDemandProfile'] as const;
const GPU_FIELDS = [
  'name', 'vendor', 'formFactor', 'boardPowerWatts', 'powerWatts', 'memoryGb', 'memoryType', 'memoryBandwidthTbPerS',
  'capexPerHour', 'priceUsd', 'referenceTokensPerSecond', 'throughputType', 'throughputSource', 'specSource',
  'priceBasis', 'priceSource', 'amortizationBasis', 'notes',
] as const;
const SITE_FIELDS = [
  'name', 'country', 'regionLabel', 'latitude', 'longitude', 'pricePerKwh', 'hourlyPricesPerKwh', 'utcOffsetHours',
  'coolingType', 'pue', 'powerCapKw', 'carbonGramsPerKwh', 'status', 'notes', 'coolingDescription', 'priceLocal',
  'priceCurrency', 'priceBasis', 'priceSource', 'priceYear', 'priceConfidence', 'pueBasis', 'carbonSource',
  'carbonYear', 'powerCapBasis',
] as const;
const REGION_FIELDS = [
  'name', 'city', 'country', 'latitude', 'longitude', 'utcOffsetHours', 'allowedCountries',
  'shareOfGlobalTokensPct', 'shareBasis', 'latencyAnchor', 'notes',
] as const;
const LATENCY_FIELDS = ['rttMs', 'method', 'greatCircleKm', 'source'] as const;

function pick<T, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const field of fields) out[field] = record[field];
  return out;
}

function count(counts: WriteCounts, changed: boolean, existed: boolean): void {
  if (!existed) counts.created += 1;
  else if (changed) counts.updated += 1;
  else counts.unchanged += 1;
}

/** Code → id maps for every table a record may reference. */
async function idMaps(tx: Tx) {
  const [classes, gpus, sites, regions] = await Promise.all([
    tx.workloadClass.findMany({ select: { id: true, code: true } }),
    tx.gpuType.findMany({ select: { id: true, code: true } }),
    tx.site.findMany({ select: { id: true, code: true } }),
    tx.demandRegion.findMany({ select: { id: true, code: true } }),
  ]);
  const toMap = (rows: { id: number; code: string }[]) => new Map(rows.map((r) => [r.code, r.id]));
  return { classes: toMap(classes), gpus: toMap(gpus), sites: toMap(sites), regions: toMap(regions) };
}

function required<V>(map: Map<string, V>, code: string, what: string): V {
  const value = map.get(code);
  // validation runs before writing, so this is a bug, not bad input
  if (value === undefined) throw new Error(`internal: ${what} ${code} vanished during import`);
  return value;
}

async function writeWorkloadClasses(tx: Tx, records: WorkloadClassRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  const stored = new Map((await tx.workloadClass.findMany({ where: { code: { in: records.map((r) => r.code) } } })).map((r) => [r.code, r]));
  for (const record of records) {
    const existing = stored.get(record.code);
    const diff = existing ? changes(existing, record, CLASS_FIELDS) : pick(record, CLASS_FIELDS);
    const changed = Object.keys(diff).length > 0;
    if (!existing) await tx.workloadClass.create({ data: { code: record.code, ...pick(record, CLASS_FIELDS) } });
    else if (changed) await tx.workloadClass.update({ where: { id: existing.id }, data: diff });
    count(summary.workloadClasses, changed, existing !== undefined);
  }
}

async function writeGpuTypes(tx: Tx, records: GpuTypeRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  const stored = new Map((await tx.gpuType.findMany({ where: { code: { in: records.map((r) => r.code) } } })).map((r) => [r.code, r]));
  for (const record of records) {
    const existing = stored.get(record.code);
    const diff = existing ? changes(existing, record, GPU_FIELDS) : pick(record, GPU_FIELDS);
    const changed = Object.keys(diff).length > 0;
    if (!existing) await tx.gpuType.create({ data: { code: record.code, ...pick(record, GPU_FIELDS) } });
    else if (changed) await tx.gpuType.update({ where: { id: existing.id }, data: diff });
    count(summary.gpuTypes, changed, existing !== undefined);
  }
}

/** Child rows nested in their parent, plus the detached ones whose parent is already stored. */
function throughputRows(dataset: Partial<Dataset>): DetachedThroughputRecord[] {
  return [
    ...(dataset.gpuTypes ?? []).flatMap((gpu) => gpu.throughputs.map((t) => ({ ...t, gpuTypeCode: gpu.code }))),
    ...(dataset.gpuThroughputs ?? []),
  ];
}

function inventoryRows(dataset: Partial<Dataset>): DetachedInventoryRecord[] {
  return [
    ...(dataset.sites ?? []).flatMap((site) => site.inventory.map((row) => ({ ...row, siteCode: site.code }))),
    ...(dataset.siteInventory ?? []),
  ];
}

function demandRows(dataset: Partial<Dataset>): DetachedDemandRecord[] {
  return [
    ...(dataset.demandRegions ?? []).flatMap((region) => region.demand.map((row) => ({ ...row, regionCode: region.code }))),
    ...(dataset.demands ?? []),
  ];
}

async function writeThroughputs(tx: Tx, records: DetachedThroughputRecord[], ids: Awaited<ReturnType<typeof idMaps>>, summary: ImportSummary) {
  const rows = records.map((t) => ({
    gpuTypeId: required(ids.gpus, t.gpuTypeCode, 'GPU type'),
    workloadClassId: required(ids.classes, t.workloadClassCode, 'workload class'),
    tokensPerSecond: t.tokensPerSecond,
    derivation: t.derivation,
  }));
  if (rows.length === 0) return;
  const stored = await tx.gpuThroughput.findMany({ where: { gpuTypeId: { in: [...new Set(rows.map((r) => r.gpuTypeId))] } } });
  const byKey = new Map(stored.map((s) => [`${s.gpuTypeId}:${s.workloadClassId}`, s]));
  const fresh = [];
  for (const row of rows) {
    const existing = byKey.get(`${row.gpuTypeId}:${row.workloadClassId}`);
    if (!existing) fresh.push(row);
    else {
      const diff = changes(existing, row, ['tokensPerSecond', 'derivation'] as const);
      if (Object.keys(diff).length > 0) await tx.gpuThroughput.update({ where: { id: existing.id }, data: diff });
      count(summary.gpuThroughputs, Object.keys(diff).length > 0, true);
    }
  }
  if (fresh.length > 0) await tx.gpuThroughput.createMany({ data: fresh });
  summary.gpuThroughputs.created += fresh.length;
}

async function writeSites(tx: Tx, records: SiteRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  const stored = new Map((await tx.site.findMany({ where: { code: { in: records.map((r) => r.code) } } })).map((r) => [r.code, r]));
  const fresh = [];
  for (const record of records) {
    const existing = stored.get(record.code);
    if (!existing) {
      fresh.push({ code: record.code, ...pick(record, SITE_FIELDS) });
      continue;
    }
    const diff = changes(existing, record, SITE_FIELDS);
    const changed = Object.keys(diff).length > 0;
    if (changed) await tx.site.update({ where: { id: existing.id }, data: diff });
    count(summary.sites, changed, true);
  }
  if (fresh.length > 0) await tx.site.createMany({ data: fresh });
  summary.sites.created += fresh.length;
}

async function writeInventory(tx: Tx, records: DetachedInventoryRecord[], ids: Awaited<ReturnType<typeof idMaps>>, summary: ImportSummary) {
  const rows = records.map((inv) => ({
    siteId: required(ids.sites, inv.siteCode, 'site'),
    gpuTypeId: required(ids.gpus, inv.gpuTypeCode, 'GPU type'),
    installed: inv.installed,
    maxAdditional: inv.maxAdditional,
  }));
  if (rows.length === 0) return;
  const stored = await tx.siteInventory.findMany({ where: { siteId: { in: [...new Set(rows.map((r) => r.siteId))] } } });
  const byKey = new Map(stored.map((s) => [`${s.siteId}:${s.gpuTypeId}`, s]));
  const fresh = [];
  for (const row of rows) {
    const existing = byKey.get(`${row.siteId}:${row.gpuTypeId}`);
    if (!existing) fresh.push(row);
    else {
      const diff = changes(existing, row, ['installed', 'maxAdditional'] as const);
      if (Object.keys(diff).length > 0) await tx.siteInventory.update({ where: { id: existing.id }, data: diff });
      count(summary.inventory, Object.keys(diff).length > 0, true);
    }
  }
  if (fresh.length > 0) await tx.siteInventory.createMany({ data: fresh });
  summary.inventory.created += fresh.length;
}

async function writeRegions(tx: Tx, records: DemandRegionRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  const stored = new Map((await tx.demandRegion.findMany({ where: { code: { in: records.map((r) => r.code) } } })).map((r) => [r.code, r]));
  const fresh = [];
  for (const record of records) {
    const existing = stored.get(record.code);
    if (!existing) {
      fresh.push({ code: record.code, ...pick(record, REGION_FIELDS) });
      continue;
    }
    const diff = changes(existing, record, REGION_FIELDS);
    const changed = Object.keys(diff).length > 0;
    if (changed) await tx.demandRegion.update({ where: { id: existing.id }, data: diff });
    count(summary.demandRegions, changed, true);
  }
  if (fresh.length > 0) await tx.demandRegion.createMany({ data: fresh });
  summary.demandRegions.created += fresh.length;
}

async function writeDemand(tx: Tx, records: DetachedDemandRecord[], ids: Awaited<ReturnType<typeof idMaps>>, summary: ImportSummary) {
  const rows = records.map((d) => ({
    regionId: required(ids.regions, d.regionCode, 'region'),
    workloadClassId: required(ids.classes, d.workloadClassCode, 'workload class'),
    tokensPerSecond: d.tokensPerSecond,
    rttBudgetMs: d.rttBudgetMs,
  }));
  if (rows.length === 0) return;
  const stored = await tx.demand.findMany({ where: { regionId: { in: [...new Set(rows.map((r) => r.regionId))] } } });
  const byKey = new Map(stored.map((s) => [`${s.regionId}:${s.workloadClassId}`, s]));
  const fresh = [];
  for (const row of rows) {
    const existing = byKey.get(`${row.regionId}:${row.workloadClassId}`);
    if (!existing) fresh.push(row);
    else {
      const diff = changes(existing, row, ['tokensPerSecond', 'rttBudgetMs'] as const);
      if (Object.keys(diff).length > 0) await tx.demand.update({ where: { id: existing.id }, data: diff });
      count(summary.demand, Object.keys(diff).length > 0, true);
    }
  }
  if (fresh.length > 0) await tx.demand.createMany({ data: fresh });
  summary.demand.created += fresh.length;
}

async function writeLatencies(tx: Tx, records: LatencyRecord[], ids: Awaited<ReturnType<typeof idMaps>>, summary: ImportSummary) {
  if (records.length === 0) return;
  const rows = records.map((l) => ({
    siteId: required(ids.sites, l.siteCode, 'site'),
    regionId: required(ids.regions, l.regionCode, 'region'),
    ...pick(l, LATENCY_FIELDS),
  }));
  const stored = await tx.latency.findMany({ where: { siteId: { in: [...new Set(rows.map((r) => r.siteId))] } } });
  const byKey = new Map(stored.map((s) => [`${s.siteId}:${s.regionId}`, s]));
  const fresh = [];
  for (const row of rows) {
    const existing = byKey.get(`${row.siteId}:${row.regionId}`);
    if (!existing) fresh.push(row);
    else {
      const diff = changes(existing, row, LATENCY_FIELDS);
      if (Object.keys(diff).length > 0) await tx.latency.update({ where: { id: existing.id }, data: diff });
      count(summary.latencies, Object.keys(diff).length > 0, true);
    }
  }
  if (fresh.length > 0) await tx.latency.createMany({ data: fresh });
  summary.latencies.created += fresh.length;
}

/**
 * Writes a data set that has already passed validation, in one transaction:
 * either all of it lands or none of it does.
 */
export async function writeDataset(
  db: Database,
  dataset: Partial<Dataset>,
  /** runs inside the transaction after every write; throwing rolls it all back (dry runs) */
  beforeCommit?: (summary: ImportSummary) => void,
): Promise<ImportSummary> {
  const summary = emptySummary();
  await db.prisma.$transaction(
    async (tx) => {
      await writeWorkloadClasses(tx, dataset.workloadClasses ?? [], summary);
      await writeGpuTypes(tx, dataset.gpuTypes ?? [], summary);
      await writeSites(tx, dataset.sites ?? [], summary);
      await writeRegions(tx, dataset.demandRegions ?? [], summary);
      const ids = await idMaps(tx);
      await writeThroughputs(tx, throughputRows(dataset), ids, summary);
      await writeInventory(tx, inventoryRows(dataset), ids, summary);
      await writeDemand(tx, demandRows(dataset), ids, summary);
      await writeLatencies(tx, dataset.latencies ?? [], ids, summary);
      beforeCommit?.(summary);
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
  return summary;
}

/** The codes already stored, so an import may reference records it does not carry. */
export async function knownCodes(db: Database) {
  const [sites, gpuTypes, classes, regions] = await Promise.all([
    db.prisma.site.findMany({ select: { code: true } }),
    db.prisma.gpuType.findMany({ select: { code: true } }),
    db.prisma.workloadClass.findMany({ select: { code: true } }),
    db.prisma.demandRegion.findMany({ select: { code: true } }),
  ]);
  const codes = (rows: { code: string }[]) => new Set(rows.map((r) => r.code));
  return {
    siteCodes: codes(sites),
    gpuTypeCodes: codes(gpuTypes),
    workloadClassCodes: codes(classes),
    regionCodes: codes(regions),
  };
}

/** The whole database as a Dataset, in a stable order (codes ascending). */
export async function readDataset(db: Database): Promise<Dataset> {
  const p = db.prisma;
  const [classes, gpuTypes, sites, regions, latencies] = await Promise.all([
    p.workloadClass.findMany({ orderBy: { id: 'asc' } }),
    p.gpuType.findMany({ orderBy: { code: 'asc' }, include: { throughputs: { include: { workloadClass: { select: { code: true } } } } } }),
    p.site.findMany({ orderBy: { code: 'asc' }, include: { inventory: { include: { gpuType: { select: { code: true } } } } } }),
    p.demandRegion.findMany({ orderBy: { code: 'asc' }, include: { demands: { include: { workloadClass: { select: { code: true } } } } } }),
    p.latency.findMany({ include: { site: { select: { code: true } }, region: { select: { code: true } } } }),
  ]);
  const classOrder = new Map(classes.map((c, i) => [c.code, i]));
  const byClass = (a: { workloadClassCode: string }, b: { workloadClassCode: string }) =>
    (classOrder.get(a.workloadClassCode) ?? 0) - (classOrder.get(b.workloadClassCode) ?? 0);
  return {
    workloadClasses: classes.map((c) => ({ code: c.code, ...pick(c, CLASS_FIELDS) })),
    gpuTypes: gpuTypes.map((g) => ({
      code: g.code,
      ...pick(g, GPU_FIELDS),
      throughputs: g.throughputs
        .map((t) => ({ workloadClassCode: t.workloadClass.code, tokensPerSecond: t.tokensPerSecond, derivation: t.derivation }))
        .sort(byClass),
    })),
    sites: sites.map((s) => ({
      code: s.code,
      ...pick(s, SITE_FIELDS),
      inventory: s.inventory
        .map((i) => ({ gpuTypeCode: i.gpuType.code, installed: i.installed, maxAdditional: i.maxAdditional }))
        .sort((a, b) => a.gpuTypeCode.localeCompare(b.gpuTypeCode)),
    })),
    demandRegions: regions.map((r) => ({
      code: r.code,
      ...pick(r, REGION_FIELDS),
      demand: r.demands
        .map((d) => ({ workloadClassCode: d.workloadClass.code, tokensPerSecond: d.tokensPerSecond, rttBudgetMs: d.rttBudgetMs }))
        .sort(byClass),
    })),
    latencies: latencies
      .map((l) => ({ siteCode: l.site.code, regionCode: l.region.code, ...pick(l, LATENCY_FIELDS) }))
      .sort((a, b) => a.siteCode.localeCompare(b.siteCode) || a.regionCode.localeCompare(b.regionCode)),
  };
}
