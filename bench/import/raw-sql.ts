// The baseline: the same rows written by hand-written SQL in one transaction,
// nothing validated or compared (the data set is known good, the tables empty).
import { readFile } from 'node:fs/promises';
import type { Dataset } from '../../src/dataset/schema.js';
import type { Database } from '../../src/db/database.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

type Row = Record<string, unknown>;

async function insert(tx: Prisma.TransactionClient, table: string, rows: Row[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 10_000) {
    const batch = rows.slice(start, start + 10_000);
    const columns = [...new Set(batch.flatMap((row) => Object.keys(row)))].map((c) => `"${c}"`);
    await tx.$executeRawUnsafe(
      `INSERT INTO "${table}" (${columns.join(', ')}, "updatedAt")
       SELECT ${columns.map((c) => `r.${c}`).join(', ')}, now() FROM json_populate_recordset(NULL::"${table}", $1::json) AS r`,
      JSON.stringify(batch),
    );
  }
}

async function ids(tx: Prisma.TransactionClient, table: string): Promise<Map<string, number>> {
  const rows = await tx.$queryRawUnsafe<{ id: number; code: string }[]>(`SELECT id, code FROM "${table}"`);
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function rawSqlImport(db: Database, file: string): Promise<void> {
  const d = JSON.parse(await readFile(file, 'utf8')) as Required<Dataset>;
  await db.prisma.$transaction(
    async (tx) => {
      await insert(tx, 'WorkloadClass', d.workloadClasses);
      await insert(
        tx,
        'GpuType',
        d.gpuTypes.map(({ throughputs: _, ...g }) => g),
      );
      await insert(
        tx,
        'Site',
        d.sites.map(({ inventory: _, ...s }) => s),
      );
      await insert(
        tx,
        'DemandRegion',
        d.demandRegions.map(({ demand: _, ...r }) => r),
      );
      const [classes, gpus, sites, regions] = [
        await ids(tx, 'WorkloadClass'),
        await ids(tx, 'GpuType'),
        await ids(tx, 'Site'),
        await ids(tx, 'DemandRegion'),
      ];
      await insert(
        tx,
        'GpuThroughput',
        d.gpuTypes.flatMap((g) =>
          g.throughputs.map(({ workloadClassCode, ...t }) => ({
            ...t,
            gpuTypeId: gpus.get(g.code),
            workloadClassId: classes.get(workloadClassCode),
          })),
        ),
      );
      await insert(
        tx,
        'SiteInventory',
        d.sites.flatMap((s) =>
          s.inventory.map(({ gpuTypeCode, ...i }) => ({
            ...i,
            siteId: sites.get(s.code),
            gpuTypeId: gpus.get(gpuTypeCode),
          })),
        ),
      );
      await insert(
        tx,
        'Demand',
        d.demandRegions.flatMap((r) =>
          r.demand.map(({ workloadClassCode, ...x }) => ({
            ...x,
            regionId: regions.get(r.code),
            workloadClassId: classes.get(workloadClassCode),
          })),
        ),
      );
      await insert(
        tx,
        'Latency',
        d.latencies.map(({ siteCode, regionCode, ...l }) => ({
          ...l,
          siteId: sites.get(siteCode),
          regionId: regions.get(regionCode),
        })),
      );
    },
    { timeout: 600_000 },
  );
}
