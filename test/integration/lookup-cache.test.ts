// The reference tables cached per process (src/db/lookup-cache.ts): a request
// reads them from the cache after one version check; a write through GraphQL,
// an import, raw SQL or (on PostgreSQL) another database handle is seen by the
// very next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';
import { lookupCacheOf } from '../../src/db/lookup-cache.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { describeIf } from '../helpers/skip.js';

let db: Database;
let api: ReturnType<typeof testApi>;
let statements: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase({ onQuery: (sql) => statements.push(sql) });
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

const COST = `{ site(code: "US-ASH") { costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD") } }`;
const cost = async () => (await api.data(COST)).site.costPerMillionTokens as number;
const capexOf = async () =>
  (await api.data(`{ gpuType(code: "H100-SXM") { capexPerHour } }`)).gpuType.capexPerHour as number;

const UPSERT = `mutation ($input: UpsertGpuTypeInput!) { upsertGpuType(input: $input) {
  __typename ... on ValidationError { issues { path message } } } }`;

/** Prisma statements a request sends to the reference tables. */
const referenceReads = () =>
  statements.filter((sql) => /FROM\s+"public"\."(GpuType|GpuThroughput|WorkloadClass)"/.test(sql));

describe('the lookup cache', () => {
  it('loads the tables once for as long as they do not change', async () => {
    const first = await lookupCacheOf(db).current();
    statements = [];
    const again = await lookupCacheOf(db).current();
    expect(again).toBe(first);
    expect(referenceReads()).toEqual([]);
    const value = await cost();
    expect(referenceReads()).toEqual([]);
    expect(value).toBeGreaterThan(0);
  });

  it('sees a write through GraphQL at the next request', async () => {
    const before = await cost();
    const gpu = (await api.data(`{ gpuType(code: "H100-SXM") { code name vendor powerWatts memoryGb capexPerHour } }`))
      .gpuType;
    const written = await api.data(UPSERT, { input: { ...gpu, capexPerHour: gpu.capexPerHour + 1 } });
    expect(written.upsertGpuType.__typename).toBe('MutationUpsertGpuTypeSuccess');
    const after = await cost();
    expect(after).toBeGreaterThan(before);
    statements = [];
    expect(await cost()).toBe(after);
    expect(referenceReads()).toEqual([]);
  });

  it('sees an import at the next request', async () => {
    const before = await cost();
    const dataset = await readDataset(db);
    const h100 = dataset.gpuTypes.find((g) => g.code === 'H100-SXM')!;
    h100.capexPerHour += 2;
    const imported = await api.data(
      `mutation ($input: ImportDatasetInput!) { importDataset(input: $input) { __typename } }`,
      { input: { json: dataset } },
    );
    expect(imported.importDataset.__typename).toBe('MutationImportDatasetSuccess');
    expect(await cost()).toBeGreaterThan(before);
    expect(await capexOf()).toBeCloseTo(h100.capexPerHour, 9);
  });

  it('sees a workload class changed by raw SQL, and a deleted throughput', async () => {
    await cost();
    await db.exec(`UPDATE "WorkloadClass" SET "name" = 'Standard, renamed' WHERE "code" = 'STANDARD'`);
    expect((await lookupCacheOf(db).current()).workloadClasses.get('STANDARD')?.name).toBe('Standard, renamed');
    await db.exec(
      `DELETE FROM "GpuThroughput" WHERE "gpuTypeId" = (SELECT "id" FROM "GpuType" WHERE "code" = 'H100-SXM')
         AND "workloadClassId" = (SELECT "id" FROM "WorkloadClass" WHERE "code" = 'STANDARD')`,
    );
    expect(await cost()).toBeNull();
  });

  it('keeps nothing without its version row, and still answers what is stored', async () => {
    await db.exec(`DELETE FROM "LookupVersion"`);
    try {
      await cost();
      statements = [];
      await cost();
      expect(referenceReads().length).toBeGreaterThan(0);
    } finally {
      await db.exec(`INSERT INTO "LookupVersion" ("id", "version") VALUES (1, 1000)`);
    }
    statements = [];
    await cost();
    expect(referenceReads().length).toBeGreaterThan(0);
    statements = [];
    await cost();
    expect(referenceReads()).toEqual([]);
  });
});

describeIf(
  Boolean(process.env.TOKENGRID_TEST_DATABASE_URL),
  'on PostgreSQL, another process',
  'PostgreSQL only (the embedded database has one process)',
  () => {
    it('writing through its own database handle is seen by this one at the next request', async () => {
      await cost();
      const other = await openDatabase({ kind: 'postgres', url: db.location });
      try {
        const capex = await capexOf();
        await other.prisma.gpuType.update({ where: { code: 'H100-SXM' }, data: { capexPerHour: capex + 5 } });
        expect(await capexOf()).toBeCloseTo(capex + 5, 9);
        // and the other handle's own cache follows this one's writes
        await lookupCacheOf(other).current();
        const gpu = (
          await api.data(`{ gpuType(code: "H100-SXM") { code name vendor powerWatts memoryGb capexPerHour } }`)
        ).gpuType;
        await api.data(UPSERT, { input: { ...gpu, powerWatts: gpu.powerWatts + 10 } });
        expect((await lookupCacheOf(other).current()).gpuTypes.get('H100-SXM')?.powerWatts).toBe(gpu.powerWatts + 10);
      } finally {
        await other.close();
      }
    });
  },
);
