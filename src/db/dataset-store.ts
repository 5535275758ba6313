// Writes a validated Dataset into the database (upsert by code, all-or-nothing,
// idempotent: a record equal to what is stored is not touched), and reads the
// database back as a Dataset (export, and the optimizer's planning snapshot).
import type { Prisma } from '../generated/prisma/client.js';
import {
  demandFields,
  demandRegionFields,
  fieldNames,
  gpuThroughputFields,
  gpuTypeFields,
  inventoryFields,
  latencyFields,
  modelFields,
  siteFields,
  workloadClassFields,
  type Dataset,
  type DemandRegionRecord,
  type DetachedDemandRecord,
  type DetachedInventoryRecord,
  type DetachedThroughputRecord,
  type GpuTypeRecord,
  type LatencyRecord,
  type ModelRecord,
  type SiteRecord,
  type WorkloadClassRecord,
} from '../dataset/schema.js';
import { DEFAULT_MODEL_CODE } from '../optimizer/types.js';
import { insertRows, updateRows } from './bulk-rows.js';
import type { Database } from './database.js';

type Tx = Prisma.TransactionClient;

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportSummary {
  models: WriteCounts;
  workloadClasses: WriteCounts;
  gpuTypes: WriteCounts;
  gpuThroughputs: WriteCounts;
  sites: WriteCounts;
  inventory: WriteCounts;
  demandRegions: WriteCounts;
  demand: WriteCounts;
  latencies: WriteCounts;
  /** what the data now asks that the importer may not have meant (the import is written all the same) */
  warnings: string[];
}

const zero = (): WriteCounts => ({ created: 0, updated: 0, unchanged: 0 });

function emptySummary(): ImportSummary {
  return {
    models: zero(),
    workloadClasses: zero(),
    gpuTypes: zero(),
    gpuThroughputs: zero(),
    sites: zero(),
    inventory: zero(),
    demandRegions: zero(),
    demand: zero(),
    latencies: zero(),
    warnings: [],
  };
}

/**
 * Equal as stored. Numbers inside float arrays come back from the driver rounded to
 * 15 significant digits, so numbers compare to a relative 1e-12: a re-import of the
 * same data must find nothing to change.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
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

// The stored fields of each record but its key (code, or the codes of its parents):
// what an import compares and writes, and what an export reads back.
const MODEL_FIELDS = fieldNames(modelFields, 'code');
const CLASS_FIELDS = fieldNames(workloadClassFields, 'code');
const GPU_FIELDS = fieldNames(gpuTypeFields, 'code');
const THROUGHPUT_FIELDS = fieldNames(gpuThroughputFields, 'modelCode', 'workloadClassCode');
const SITE_FIELDS = fieldNames(siteFields, 'code');
const INVENTORY_FIELDS = fieldNames(inventoryFields, 'gpuTypeCode');
const REGION_FIELDS = fieldNames(demandRegionFields, 'code');
const DEMAND_FIELDS = fieldNames(demandFields, 'modelCode', 'workloadClassCode');
const LATENCY_FIELDS = fieldNames(latencyFields, 'siteCode', 'regionCode');

function pick<T, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const field of fields) out[field] = record[field];
  return out;
}

/** Code → id maps for every table a record may reference. */
async function idMaps(tx: Tx) {
  const [models, classes, gpus, sites, regions] = await Promise.all([
    tx.model.findMany({ select: { id: true, code: true } }),
    tx.workloadClass.findMany({ select: { id: true, code: true } }),
    tx.gpuType.findMany({ select: { id: true, code: true } }),
    tx.site.findMany({ select: { id: true, code: true } }),
    tx.demandRegion.findMany({ select: { id: true, code: true } }),
  ]);
  const toMap = (rows: { id: number; code: string }[]) => new Map(rows.map((r) => [r.code, r.id]));
  return {
    models: toMap(models),
    classes: toMap(classes),
    gpus: toMap(gpus),
    sites: toMap(sites),
    regions: toMap(regions),
  };
}

function required<V>(map: Map<string, V>, code: string, what: string): V {
  const value = map.get(code);
  // validation runs before writing, so this is a bug, not bad input
  if (value === undefined) throw new Error(`internal: ${what} ${code} vanished during import`);
  return value;
}

/**
 * Makes the stored rows of `table` match `rows` (matched by `key`): creates the
 * missing ones, updates those with a field that differs, leaves equal rows
 * untouched. The comparison is here (so counts and the tolerance of `sameValue`
 * hold); the writes are set-based, a statement per batch of rows (bulk-rows.ts).
 */
async function reconcile<Row extends object>(
  tx: Tx,
  options: {
    table: string;
    rows: Row[];
    stored: ({ id: number } & Record<string, unknown>)[];
    /** the columns that identify a row (its code, or its parents' ids) */
    keys: readonly (keyof Row & string)[];
    fields: readonly (keyof Row & string)[];
    counts: WriteCounts;
  },
): Promise<void> {
  const keyOf = (row: Record<string, unknown>) => options.keys.map((column) => String(row[column])).join(':');
  const byKey = new Map(options.stored.map((row) => [keyOf(row), row]));
  const fresh: Row[] = [];
  const changed: ({ id: number } & Row)[] = [];
  for (const row of options.rows) {
    const existing = byKey.get(keyOf(row as Record<string, unknown>));
    if (!existing) fresh.push(row);
    else if (Object.keys(changes(existing, row, options.fields)).length > 0) changed.push({ ...row, id: existing.id });
    else options.counts.unchanged += 1;
  }
  await updateRows(tx, options.table, options.fields, changed);
  await insertRows(tx, options.table, [...options.keys, ...options.fields], fresh as Record<string, unknown>[]);
  options.counts.updated += changed.length;
  options.counts.created += fresh.length;
}

/**
 * The model that throughput and demand rows naming none belong to, as the importer
 * creates it when such a row arrives and neither the import nor the database has it
 * (migration 20261202150200_models creates the same one for data from before models).
 */
export const IMPLIED_DEFAULT_MODEL: ModelRecord = {
  code: DEFAULT_MODEL_CODE,
  name: 'Default model',
  vendor: 'unspecified',
  paramsTotalB: null,
  paramsActiveB: null,
  architecture: null,
  servedPrecision: null,
  weightsGb: null,
  contextTokens: null,
  license: null,
  source: 'created by the importer: it carries the throughputs and demand given without a model',
  notes: null,
  allowedCountries: [],
  allowedSites: [],
};

async function writeModels(tx: Tx, records: ModelRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  await reconcile(tx, {
    rows: records.map((r) => ({ code: r.code, ...pick(r, MODEL_FIELDS) })),
    stored: await tx.model.findMany({ where: { code: { in: records.map((r) => r.code) } } }),
    table: 'Model',
    keys: ['code'],
    fields: MODEL_FIELDS,
    counts: summary.models,
  });
}

/** Creates DEFAULT when a row uses it and it is neither imported nor stored (a stored one is left as it is). */
async function writeImpliedDefaultModel(
  tx: Tx,
  dataset: Partial<Dataset>,
  rows: readonly { modelCode: string }[],
  summary: ImportSummary,
) {
  if (!rows.some((row) => row.modelCode === DEFAULT_MODEL_CODE)) return;
  if ((dataset.models ?? []).some((m) => m.code === DEFAULT_MODEL_CODE)) return;
  if (await tx.model.findUnique({ where: { code: DEFAULT_MODEL_CODE }, select: { id: true } })) return;
  await writeModels(tx, [IMPLIED_DEFAULT_MODEL], summary);
}

/** The id of DEFAULT, created as the importer would when it is not stored (a mutation giving a row no model). */
export async function defaultModelId(tx: Tx): Promise<number> {
  const stored = await tx.model.findUnique({ where: { code: DEFAULT_MODEL_CODE }, select: { id: true } });
  if (stored) return stored.id;
  const created = await tx.model.create({ data: IMPLIED_DEFAULT_MODEL, select: { id: true } });
  return created.id;
}

async function writeWorkloadClasses(tx: Tx, records: WorkloadClassRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  await reconcile(tx, {
    rows: records.map((r) => ({ code: r.code, ...pick(r, CLASS_FIELDS) })),
    stored: await tx.workloadClass.findMany({ where: { code: { in: records.map((r) => r.code) } } }),
    table: 'WorkloadClass',
    keys: ['code'],
    fields: CLASS_FIELDS,
    counts: summary.workloadClasses,
  });
}

async function writeGpuTypes(tx: Tx, records: GpuTypeRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  await reconcile(tx, {
    rows: records.map((r) => ({ code: r.code, ...pick(r, GPU_FIELDS) })),
    stored: await tx.gpuType.findMany({ where: { code: { in: records.map((r) => r.code) } } }),
    table: 'GpuType',
    keys: ['code'],
    fields: GPU_FIELDS,
    counts: summary.gpuTypes,
  });
}

async function writeSites(tx: Tx, records: SiteRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  await reconcile(tx, {
    rows: records.map((r) => ({ code: r.code, ...pick(r, SITE_FIELDS) })),
    stored: await tx.site.findMany({ where: { code: { in: records.map((r) => r.code) } } }),
    table: 'Site',
    keys: ['code'],
    fields: SITE_FIELDS,
    counts: summary.sites,
  });
}

async function writeRegions(tx: Tx, records: DemandRegionRecord[], summary: ImportSummary) {
  if (records.length === 0) return;
  await reconcile(tx, {
    rows: records.map((r) => ({ code: r.code, ...pick(r, REGION_FIELDS) })),
    stored: await tx.demandRegion.findMany({ where: { code: { in: records.map((r) => r.code) } } }),
    table: 'DemandRegion',
    keys: ['code'],
    fields: REGION_FIELDS,
    counts: summary.demandRegions,
  });
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
    ...(dataset.demandRegions ?? []).flatMap((region) =>
      region.demand.map((row) => ({ ...row, regionCode: region.code })),
    ),
    ...(dataset.demands ?? []),
  ];
}

type Ids = Awaited<ReturnType<typeof idMaps>>;
const distinct = (values: number[]) => [...new Set(values)];

async function writeThroughputs(tx: Tx, records: DetachedThroughputRecord[], ids: Ids, summary: ImportSummary) {
  const rows = records.map((t) => ({
    gpuTypeId: required(ids.gpus, t.gpuTypeCode, 'GPU type'),
    modelId: required(ids.models, t.modelCode, 'model'),
    workloadClassId: required(ids.classes, t.workloadClassCode, 'workload class'),
    ...pick(t, THROUGHPUT_FIELDS),
  }));
  if (rows.length === 0) return;
  await reconcile(tx, {
    rows,
    stored: await tx.gpuThroughput.findMany({ where: { gpuTypeId: { in: distinct(rows.map((r) => r.gpuTypeId)) } } }),
    table: 'GpuThroughput',
    keys: ['gpuTypeId', 'modelId', 'workloadClassId'],
    fields: THROUGHPUT_FIELDS,
    counts: summary.gpuThroughputs,
  });
}

async function writeInventory(tx: Tx, records: DetachedInventoryRecord[], ids: Ids, summary: ImportSummary) {
  const rows = records.map((inv) => ({
    siteId: required(ids.sites, inv.siteCode, 'site'),
    gpuTypeId: required(ids.gpus, inv.gpuTypeCode, 'GPU type'),
    ...pick(inv, INVENTORY_FIELDS),
  }));
  if (rows.length === 0) return;
  await reconcile(tx, {
    rows,
    stored: await tx.siteInventory.findMany({ where: { siteId: { in: distinct(rows.map((r) => r.siteId)) } } }),
    table: 'SiteInventory',
    keys: ['siteId', 'gpuTypeId'],
    fields: INVENTORY_FIELDS,
    counts: summary.inventory,
  });
}

async function writeDemand(tx: Tx, records: DetachedDemandRecord[], ids: Ids, summary: ImportSummary) {
  const rows = records.map((d) => ({
    regionId: required(ids.regions, d.regionCode, 'region'),
    modelId: required(ids.models, d.modelCode, 'model'),
    workloadClassId: required(ids.classes, d.workloadClassCode, 'workload class'),
    ...pick(d, DEMAND_FIELDS),
  }));
  if (rows.length === 0) return;
  await reconcile(tx, {
    rows,
    stored: await tx.demand.findMany({ where: { regionId: { in: distinct(rows.map((r) => r.regionId)) } } }),
    table: 'Demand',
    keys: ['regionId', 'modelId', 'workloadClassId'],
    fields: DEMAND_FIELDS,
    counts: summary.demand,
  });
}

async function writeLatencies(tx: Tx, records: LatencyRecord[], ids: Ids, summary: ImportSummary) {
  if (records.length === 0) return;
  const rows = records.map((l) => ({
    siteId: required(ids.sites, l.siteCode, 'site'),
    regionId: required(ids.regions, l.regionCode, 'region'),
    ...pick(l, LATENCY_FIELDS),
  }));
  await reconcile(tx, {
    rows,
    stored: await tx.latency.findMany({ where: { siteId: { in: distinct(rows.map((r) => r.siteId)) } } }),
    table: 'Latency',
    keys: ['siteId', 'regionId'],
    fields: LATENCY_FIELDS,
    counts: summary.latencies,
  });
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
  return db.prisma.$transaction(async (tx) => {
    const summary = await writeDatasetIn(tx, dataset);
    beforeCommit?.(summary);
    return summary;
  }, IMPORT_TRANSACTION);
}

/** An import can be large: the transaction may run for minutes. */
export const IMPORT_TRANSACTION = { timeout: 600_000, maxWait: 60_000 } as const;

/** The writes of `writeDataset` inside a transaction the caller holds (seeding adds its record to it). */
export async function writeDatasetIn(tx: Tx, dataset: Partial<Dataset>): Promise<ImportSummary> {
  const summary = emptySummary();
  const throughputs = throughputRows(dataset);
  const demand = demandRows(dataset);
  await writeModels(tx, dataset.models ?? [], summary);
  await writeImpliedDefaultModel(tx, dataset, [...throughputs, ...demand], summary);
  await writeWorkloadClasses(tx, dataset.workloadClasses ?? [], summary);
  await writeGpuTypes(tx, dataset.gpuTypes ?? [], summary);
  await writeSites(tx, dataset.sites ?? [], summary);
  await writeRegions(tx, dataset.demandRegions ?? [], summary);
  const ids = await idMaps(tx);
  await writeThroughputs(tx, throughputs, ids, summary);
  await writeInventory(tx, inventoryRows(dataset), ids, summary);
  await writeDemand(tx, demand, ids, summary);
  await writeLatencies(tx, dataset.latencies ?? [], ids, summary);
  // said when this import writes demand or models, not on a re-import that changes nothing
  const changed = summary.demand.created + summary.demand.updated + summary.models.created;
  if (changed > 0) summary.warnings.push(...(await mixedModelDemand(tx)));
  return summary;
}

/**
 * Demand of DEFAULT (data without models) beside demand of named models: a plan asks for both. That is
 * what happens when data without models is imported into a database of named models, or the other way
 * round; it is allowed (DEFAULT is a model like the others), but seldom meant.
 */
async function mixedModelDemand(tx: Tx): Promise<string[]> {
  const rows = await tx.demand.groupBy({ by: ['modelId'], _count: { _all: true } });
  if (rows.length < 2) return [];
  const defaultModel = await tx.model.findUnique({ where: { code: DEFAULT_MODEL_CODE }, select: { id: true } });
  const defaultRows = rows.find((row) => row.modelId === defaultModel?.id)?._count._all ?? 0;
  if (defaultRows === 0) return [];
  const namedRows = rows.reduce((sum, row) => sum + row._count._all, 0) - defaultRows;
  return [
    `the database now holds demand for ${DEFAULT_MODEL_CODE} (data without models, ${defaultRows} rows) beside demand ` +
      `for ${rows.length - 1} named model(s) (${namedRows} rows): a plan asks for both; data without models that ` +
      `should stand alone belongs in a database of its own (TOKENGRID_DATA_DIR or TOKENGRID_DATABASE_URL)`,
  ];
}

/** The codes already stored, so an import may reference records it does not carry. */
export async function knownCodes(db: Database) {
  const [sites, gpuTypes, classes, regions, models] = await Promise.all([
    db.prisma.site.findMany({ select: { code: true } }),
    db.prisma.gpuType.findMany({ select: { code: true } }),
    db.prisma.workloadClass.findMany({ select: { code: true } }),
    db.prisma.demandRegion.findMany({ select: { code: true } }),
    db.prisma.model.findMany({ select: { code: true } }),
  ]);
  const codes = (rows: { code: string }[]) => new Set(rows.map((r) => r.code));
  return {
    siteCodes: codes(sites),
    gpuTypeCodes: codes(gpuTypes),
    workloadClassCodes: codes(classes),
    regionCodes: codes(regions),
    modelCodes: codes(models),
  };
}

/** The whole database as a Dataset, in a stable order (codes ascending); inside a transaction too (`{ prisma: tx }`). */
export async function readDataset(db: { prisma: Prisma.TransactionClient }): Promise<Dataset> {
  const p = db.prisma;
  const [models, classes, gpuTypes, sites, regions, latencies] = await Promise.all([
    p.model.findMany({ orderBy: { code: 'asc' } }),
    p.workloadClass.findMany({ orderBy: { id: 'asc' } }),
    p.gpuType.findMany({
      orderBy: { code: 'asc' },
      include: {
        throughputs: { include: { model: { select: { code: true } }, workloadClass: { select: { code: true } } } },
      },
    }),
    p.site.findMany({
      orderBy: { code: 'asc' },
      include: { inventory: { include: { gpuType: { select: { code: true } } } } },
    }),
    p.demandRegion.findMany({
      orderBy: { code: 'asc' },
      include: {
        demands: { include: { model: { select: { code: true } }, workloadClass: { select: { code: true } } } },
      },
    }),
    p.latency.findMany({ include: { site: { select: { code: true } }, region: { select: { code: true } } } }),
  ]);
  const classOrder = new Map(classes.map((c, i) => [c.code, i]));
  type Row = { modelCode: string; workloadClassCode: string };
  const byModelAndClass = (a: Row, b: Row) =>
    a.modelCode.localeCompare(b.modelCode) ||
    (classOrder.get(a.workloadClassCode) ?? 0) - (classOrder.get(b.workloadClassCode) ?? 0);
  return {
    models: models.map((m) => ({
      code: m.code,
      ...pick(m, MODEL_FIELDS),
      // stored as text; only the schema's values are ever written
      architecture: m.architecture as ModelRecord['architecture'],
    })),
    workloadClasses: classes.map((c) => ({ code: c.code, ...pick(c, CLASS_FIELDS) })),
    gpuTypes: gpuTypes.map((g) => ({
      code: g.code,
      ...pick(g, GPU_FIELDS),
      throughputs: g.throughputs
        .map((t) => ({
          modelCode: t.model.code,
          workloadClassCode: t.workloadClass.code,
          ...pick(t, THROUGHPUT_FIELDS),
        }))
        .sort(byModelAndClass),
    })),
    sites: sites.map((s) => ({
      code: s.code,
      ...pick(s, SITE_FIELDS),
      inventory: s.inventory
        .map((i) => ({ gpuTypeCode: i.gpuType.code, ...pick(i, INVENTORY_FIELDS) }))
        .sort((a, b) => a.gpuTypeCode.localeCompare(b.gpuTypeCode)),
    })),
    demandRegions: regions.map((r) => ({
      code: r.code,
      ...pick(r, REGION_FIELDS),
      demand: r.demands
        .map((d) => ({ modelCode: d.model.code, workloadClassCode: d.workloadClass.code, ...pick(d, DEMAND_FIELDS) }))
        .sort(byModelAndClass),
    })),
    latencies: latencies
      .map((l) => ({ siteCode: l.site.code, regionCode: l.region.code, ...pick(l, LATENCY_FIELDS) }))
      .sort((a, b) => a.siteCode.localeCompare(b.siteCode) || a.regionCode.localeCompare(b.regionCode)),
  };
}
