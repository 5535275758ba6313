// Migrations against a real database: applied once, recorded like `prisma migrate
// deploy`, and a diverged history refused with a clear message.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import {
  applyMigrations,
  MigrationDivergenceError,
  migrationStatus,
  readLocalMigrations,
} from '../../src/db/migrate.js';
import { fieldNames, type Dataset } from '../../src/dataset/schema.js';
import {
  demandRegionFields,
  gpuTypeFields,
  latencyFields,
  siteFields,
  workloadClassFields,
} from '../../src/dataset/schema.js';
import { loadFixtures } from '../../src/dataset/load.js';
import { insertRows } from '../../src/db/bulk-rows.js';
import { readDataset, writeDataset } from '../../src/db/dataset-store.js';
import { planningInputFromDatabase, planningInputFromDataset } from '../../src/db/planning-input.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import type { PlanningInput } from '../../src/optimizer/types.js';
import { createApp } from '../../src/server/app.js';
import { openBlankDatabase, openTestDatabase } from '../helpers/database.js';

const BEFORE_MODELS = '20261202061920_lookup_version';
const MODELS = '20261202150200_models';
const SITE_MAX_MODELS = '20261202190429_site_max_models';
const PLAN_SWEEPS = '20261208004136_plan_sweeps';
const PLAN_BASIS = '20261208010348_plan_basis';
/** fields added after the models migration, absent from a database from before it */
const LATER_FIELDS = new Set(['maxModels']);

/**
 * The fixtures as a database from before models held them: the rows of one model
 * (all of them while the fixtures name none), with the fields that existed then.
 */
async function oldFixtures(): Promise<Dataset> {
  const { dataset, issues } = await loadFixtures();
  expect(issues).toEqual([]);
  const model = dataset.gpuTypes[0]?.throughputs[0]?.modelCode ?? 'DEFAULT';
  return {
    workloadClasses: dataset.workloadClasses,
    gpuTypes: dataset.gpuTypes.map((g) => ({
      ...g,
      throughputs: g.throughputs
        .filter((t) => t.modelCode === model)
        .map((t) => ({ ...t, modelCode: 'DEFAULT', gpusPerReplica: 1 })),
    })),
    sites: dataset.sites,
    demandRegions: dataset.demandRegions.map((r) => ({
      ...r,
      demand: r.demand.filter((d) => d.modelCode === model).map((d) => ({ ...d, modelCode: 'DEFAULT' })),
    })),
    latencies: dataset.latencies,
  };
}

/** Writes the data set with the columns of the tables as they were before migration 20261202150200_models. */
async function writeAsBeforeModels(db: Database, dataset: Dataset): Promise<void> {
  const tx = db.prisma;
  const parents = [
    ['WorkloadClass', workloadClassFields, dataset.workloadClasses],
    ['GpuType', gpuTypeFields, dataset.gpuTypes],
    ['Site', siteFields, dataset.sites],
    ['DemandRegion', demandRegionFields, dataset.demandRegions],
  ] as const;
  for (const [table, fields, records] of parents) {
    const columns = Object.keys(fields).filter((field) => !LATER_FIELDS.has(field));
    await insertRows(tx, table, columns, records as unknown as Record<string, unknown>[]);
  }
  const ids = async (table: string) =>
    new Map(
      (await db.query<{ id: number; code: string }>(`SELECT id, code FROM "${table}"`)).map((r) => [r.code, r.id]),
    );
  const [classes, gpus, sites, regions] = await Promise.all(
    ['WorkloadClass', 'GpuType', 'Site', 'DemandRegion'].map(ids),
  );
  await insertRows(
    tx,
    'GpuThroughput',
    ['gpuTypeId', 'workloadClassId', 'tokensPerSecond', 'derivation'],
    dataset.gpuTypes.flatMap((g) =>
      g.throughputs.map((t) => ({
        gpuTypeId: gpus!.get(g.code),
        workloadClassId: classes!.get(t.workloadClassCode),
        tokensPerSecond: t.tokensPerSecond,
        derivation: t.derivation,
      })),
    ),
  );
  await insertRows(
    tx,
    'SiteInventory',
    ['siteId', 'gpuTypeId', 'installed', 'maxAdditional'],
    dataset.sites.flatMap((s) =>
      s.inventory.map((i) => ({ ...i, siteId: sites!.get(s.code), gpuTypeId: gpus!.get(i.gpuTypeCode) })),
    ),
  );
  await insertRows(
    tx,
    'Demand',
    ['regionId', 'workloadClassId', 'tokensPerSecond', 'rttBudgetMs'],
    dataset.demandRegions.flatMap((r) =>
      r.demand.map((d) => ({
        regionId: regions!.get(r.code),
        workloadClassId: classes!.get(d.workloadClassCode),
        tokensPerSecond: d.tokensPerSecond,
        rttBudgetMs: d.rttBudgetMs,
      })),
    ),
  );
  await insertRows(
    tx,
    'Latency',
    ['siteId', 'regionId', ...fieldNames(latencyFields, 'siteCode', 'regionCode')],
    dataset.latencies.map((l) => ({ ...l, siteId: sites!.get(l.siteCode), regionId: regions!.get(l.regionCode) })),
  );
}

/** The data set without its models, every list in code order (readDataset's order is its own). */
function withoutModels(dataset: Omit<Dataset, 'models'>) {
  const by =
    <T>(key: (row: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  const byClass = by<{ workloadClassCode: string }>((r) => r.workloadClassCode);
  return {
    workloadClasses: [...dataset.workloadClasses].sort(by((c) => c.code)),
    gpuTypes: dataset.gpuTypes
      .map((g) => ({ ...g, throughputs: [...g.throughputs].sort(byClass) }))
      .sort(by((g) => g.code)),
    sites: dataset.sites
      .map((site) => ({ ...site, inventory: [...site.inventory].sort(by((i) => i.gpuTypeCode)) }))
      .sort(by((site) => site.code)),
    demandRegions: dataset.demandRegions
      .map((r) => ({ ...r, demand: [...r.demand].sort(byClass) }))
      .sort(by((r) => r.code)),
    latencies: [...dataset.latencies].sort(by((l) => `${l.siteCode} ${l.regionCode}`)),
  };
}

/** A snapshot as the planner took it before models: no models, no model on any row. */
function stripModels(input: PlanningInput): PlanningInput {
  const { models: _models, ...rest } = structuredClone(input);
  for (const gpu of rest.gpuTypes) {
    for (const t of gpu.throughputs) {
      delete t.modelCode;
      delete t.gpusPerReplica;
    }
  }
  for (const region of rest.regions) for (const d of region.demand) delete d.modelCode;
  return rest;
}

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('migrations', () => {
  it('records every committed migration with its checksum and applies nothing twice', async () => {
    db = await openTestDatabase({ fixtures: false });
    const local = await readLocalMigrations();
    const rows = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(local.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(await applyMigrations(db)).toEqual([]);
  });

  it('refuses a database whose history has a migration this build does not know', async () => {
    db = await openTestDatabase({ fixtures: false });
    await db.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ('x', 'abc', '29990101000000_from_the_future', now(), now(), 1)`,
    );
    await expect(applyMigrations(db)).rejects.toThrow(MigrationDivergenceError);
    await expect(applyMigrations(db)).rejects.toThrow(/29990101000000_from_the_future/);
    const ready = await createApp({ db }).fetch('http://tokengrid.test/ready');
    expect(ready.status).not.toBe(200);
  });

  it('gives the throughputs and demand of a database from before models to DEFAULT, and plans it as before', async () => {
    db = await openBlankDatabase();
    expect(await applyMigrations(db, { through: BEFORE_MODELS })).toContain(BEFORE_MODELS);
    const before = await oldFixtures();
    await writeAsBeforeModels(db, before);

    expect(await applyMigrations(db)).toEqual([MODELS, SITE_MAX_MODELS, PLAN_SWEEPS, PLAN_BASIS]);
    const models = await db.prisma.model.findMany();
    expect(models).toMatchObject([
      { code: 'DEFAULT', name: 'Default model', vendor: 'unspecified', allowedCountries: [], allowedSites: [] },
    ]);
    expect(models[0]!.source).toMatch(/throughputs and demand recorded before models existed/);
    const [counts] = await db.query<{ throughputs: string; demand: string; other: string }>(
      `SELECT (SELECT count(*) FROM "GpuThroughput")::text AS "throughputs", (SELECT count(*) FROM "Demand")::text AS "demand",
              ((SELECT count(*) FROM "GpuThroughput" WHERE "modelId" <> $1 OR "gpusPerReplica" <> 1)
                + (SELECT count(*) FROM "Demand" WHERE "modelId" <> $1))::text AS "other"`,
      [models[0]!.id],
    );
    const rows = (list: { throughputs?: unknown[]; demand?: unknown[] }[], key: 'throughputs' | 'demand') =>
      list.reduce((n, r) => n + (r[key]?.length ?? 0), 0);
    expect(Number(counts!.throughputs)).toBe(rows(before.gpuTypes, 'throughputs'));
    expect(Number(counts!.demand)).toBe(rows(before.demandRegions, 'demand'));
    expect(Number(counts!.other)).toBe(0);

    // the data read back is the old data, every row the DEFAULT model's
    const after = await readDataset(db);
    const { models: afterModels, ...afterRest } = after;
    expect(afterModels?.map((m) => m.code)).toEqual(['DEFAULT']);
    expect(withoutModels(afterRest)).toEqual(withoutModels(before));

    // and it plans exactly as before: the same solve as the snapshot of the old data, which names no model
    const oldInput = stripModels(planningInputFromDataset(before));
    const newInput = await planningInputFromDatabase(db);
    expect(newInput.models).toEqual([{ code: 'DEFAULT', allowedCountries: [], allowedSites: [] }]);
    const [oldPlan, newPlan] = [await solvePlacement(oldInput), await solvePlacement(newInput)];
    expect(newPlan.status).toBe(oldPlan.status);
    expect(newPlan.status).toBe('optimal');
    expect(newPlan.totals!.costPerHour.total).toBeCloseTo(oldPlan.totals!.costPerHour.total, 6);
    expect(newPlan.totals!.servedTokensPerSecond).toBeCloseTo(oldPlan.totals!.servedTokensPerSecond, 6);

    // a second import of the same data changes nothing, and adds no second model
    await writeDataset(db, before);
    expect(await db.prisma.model.count()).toBe(1);
  });

  it('creates no DEFAULT model in a database with no throughput or demand', async () => {
    db = await openTestDatabase({ fixtures: false });
    expect(await db.prisma.model.count()).toBe(0);
  });

  it('refuses a database where an applied migration was edited', async () => {
    db = await openTestDatabase({ fixtures: false });
    await db.query(`UPDATE _prisma_migrations SET checksum = 'edited'`);
    const status = await migrationStatus(db);
    expect(status.divergence).toMatch(/changed after it was applied/);
    await expect(applyMigrations(db)).rejects.toThrow(/Refusing to use/);
  });
});
