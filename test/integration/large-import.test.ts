// A large-ish import (100 sites × 50 regions, 5000 latencies) through the
// set-based writes stores exactly what Prisma's own row writes store (the import
// before issue 12 item 17: createMany per table), compared as exported data sets;
// re-importing changes nothing, a changed import updates only what changed, and
// one bad row refuses all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../src/generated/prisma/client.js';
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
} from '../../src/dataset/schema.js';
import type { Database } from '../../src/db/database.js';
import { IMPLIED_DEFAULT_MODEL, readDataset } from '../../src/db/dataset-store.js';
import { DEFAULT_MODEL_CODE } from '../../src/optimizer/types.js';
import { importDataset } from '../../src/db/import.js';
import { openTestDatabase } from '../helpers/database.js';
import { largeDataset } from '../helpers/large-dataset.js';

function pick(record: object, fields: readonly string[]): Record<string, unknown> {
  const source = record as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, source[field]]));
}

/** The reference: every table through Prisma's createMany, as the import wrote before. */
async function writeThroughPrisma(db: Database, dataset: Required<Dataset>): Promise<void> {
  await db.prisma.$transaction(
    async (tx: Prisma.TransactionClient) => {
      // rows of validated records with complete id maps; typed by the call they go to
      const data = (rows: object[]) => rows as never;
      await tx.workloadClass.createMany({
        data: data(dataset.workloadClasses.map((r) => pick(r, fieldNames(workloadClassFields)))),
      });
      await tx.gpuType.createMany({ data: data(dataset.gpuTypes.map((r) => pick(r, fieldNames(gpuTypeFields)))) });
      await tx.site.createMany({ data: data(dataset.sites.map((r) => pick(r, fieldNames(siteFields)))) });
      await tx.demandRegion.createMany({
        data: data(dataset.demandRegions.map((r) => pick(r, fieldNames(demandRegionFields)))),
      });
      const ids = async (rows: Promise<{ id: number; code: string }[]>) =>
        new Map((await rows).map((r) => [r.code, r.id]));
      const classes = await ids(tx.workloadClass.findMany({ select: { id: true, code: true } }));
      const gpus = await ids(tx.gpuType.findMany({ select: { id: true, code: true } }));
      const sites = await ids(tx.site.findMany({ select: { id: true, code: true } }));
      const regions = await ids(tx.demandRegion.findMany({ select: { id: true, code: true } }));
      // the data set's models, and DEFAULT where a row names none (as the import creates it)
      const modelRows = (dataset.models ?? []).map((m) => pick(m, fieldNames(modelFields)));
      const named = new Set(modelRows.map((m) => (m as { code: string }).code));
      const rowModels = [
        ...dataset.gpuTypes.flatMap((g) => g.throughputs.map((t) => t.modelCode)),
        ...dataset.demandRegions.flatMap((r) => r.demand.map((d) => d.modelCode)),
      ];
      if (rowModels.includes(DEFAULT_MODEL_CODE) && !named.has(DEFAULT_MODEL_CODE))
        modelRows.push(pick(IMPLIED_DEFAULT_MODEL, fieldNames(modelFields)));
      await tx.model.createMany({ data: data(modelRows) });
      const models = await ids(tx.model.findMany({ select: { id: true, code: true } }));
      await tx.gpuThroughput.createMany({
        data: data(
          dataset.gpuTypes.flatMap((g) =>
            g.throughputs.map((t) => ({
              gpuTypeId: gpus.get(g.code),
              workloadClassId: classes.get(t.workloadClassCode),
              modelId: models.get(t.modelCode),
              ...pick(t, fieldNames(gpuThroughputFields, 'workloadClassCode', 'modelCode')),
            })),
          ),
        ),
      });
      await tx.siteInventory.createMany({
        data: data(
          dataset.sites.flatMap((s) =>
            s.inventory.map((i) => ({
              siteId: sites.get(s.code),
              gpuTypeId: gpus.get(i.gpuTypeCode),
              ...pick(i, fieldNames(inventoryFields, 'gpuTypeCode')),
            })),
          ),
        ),
      });
      await tx.demand.createMany({
        data: data(
          dataset.demandRegions.flatMap((r) =>
            r.demand.map((d) => ({
              regionId: regions.get(r.code),
              workloadClassId: classes.get(d.workloadClassCode),
              modelId: models.get(d.modelCode),
              ...pick(d, fieldNames(demandFields, 'workloadClassCode', 'modelCode')),
            })),
          ),
        ),
      });
      await tx.latency.createMany({
        data: data(
          dataset.latencies.map((l) => ({
            siteId: sites.get(l.siteCode),
            regionId: regions.get(l.regionCode),
            ...pick(l, fieldNames(latencyFields, 'siteCode', 'regionCode')),
          })),
        ),
      });
    },
    { timeout: 300_000 },
  );
}

let dataset: Required<Dataset>;
let db: Database;
let reference: Database;

beforeAll(async () => {
  dataset = await largeDataset({ sites: 100, regions: 50 });
  db = await openTestDatabase({ fixtures: false });
  reference = await openTestDatabase({ fixtures: false });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await reference?.close();
});

describe('a large import (100 × 50)', () => {
  it('stores what Prisma row writes store', async () => {
    const outcome = await importDataset(db, { json: dataset });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues.slice(0, 3)));
    expect(outcome.summary.sites).toEqual({ created: 100, updated: 0, unchanged: 0 });
    expect(outcome.summary.latencies).toEqual({ created: 5000, updated: 0, unchanged: 0 });
    await writeThroughPrisma(reference, dataset);
    const [ours, theirs] = [await readDataset(db), await readDataset(reference)];
    expect(ours.latencies).toHaveLength(5000);
    expect(ours).toEqual(theirs);
  }, 300_000);

  it('changes nothing when imported again, and updates only the rows that changed', async () => {
    const again = await importDataset(db, { json: dataset });
    if (!again.ok) throw new Error('refused');
    const { warnings, ...counted } = again.summary;
    expect(warnings).toEqual([]);
    for (const counts of Object.values(counted)) expect(counts).toMatchObject({ created: 0, updated: 0 });
    expect(again.summary.latencies.unchanged).toBe(5000);

    const changed = {
      ...dataset,
      sites: dataset.sites.map((s, i) =>
        i % 10 === 0 ? { ...s, pricePerKwh: s.pricePerKwh + 0.001, notes: null } : s,
      ),
      latencies: dataset.latencies.map((l, i) =>
        i % 5 === 0 ? { ...l, rttMs: l.rttMs + 1, source: `moved ${i}` } : l,
      ),
    };
    const update = await importDataset(db, { json: changed });
    if (!update.ok) throw new Error('refused');
    expect(update.summary.sites).toEqual({ created: 0, updated: 10, unchanged: 90 });
    expect(update.summary.latencies).toEqual({ created: 0, updated: 1000, unchanged: 4000 });
    const stored = await readDataset(db);
    const sorted = [...changed.latencies].sort(
      (a, b) => a.siteCode.localeCompare(b.siteCode) || a.regionCode.localeCompare(b.regionCode),
    );
    expect(stored.latencies).toEqual(sorted);
    expect(stored.sites.find((s) => s.code === changed.sites[10]!.code)).toMatchObject({
      pricePerKwh: changed.sites[10]!.pricePerKwh,
      notes: null,
    });
  }, 300_000);

  it('refuses all of it for one bad row, naming it, and writes nothing', async () => {
    const before = await readDataset(db);
    const bad = {
      ...dataset,
      sites: dataset.sites.map((s) => ({ ...s, pricePerKwh: 0.5 })),
      latencies: dataset.latencies.map((l, i) => (i === 4321 ? { ...l, rttMs: -3 } : l)),
    };
    const outcome = await importDataset(db, { json: bad });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues.map((i) => i.path)).toEqual(['latencies[4321].rttMs']);
    expect(await readDataset(db)).toEqual(before);
  }, 300_000);
});
