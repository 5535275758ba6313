// The reference tables that change rarely (GPU types with their throughputs,
// workload classes, models), kept in memory per process and per database, and read
// again only after a committed change. Every statement that writes one of them
// bumps the LookupVersion row in the same transaction (a trigger, migration
// 20261202061920_lookup_version), whatever wrote it: this API, an import, the
// CLI, another process on the same PostgreSQL, a migration or psql. A reader
// looks at that one row (a primary-key read) and reuses what it loaded for the
// version it sees.
import type { GpuThroughputs } from '../domain/economics.js';
import type { GpuThroughput, GpuType, Model, PrismaClient, WorkloadClass } from '../generated/prisma/client.js';
import type { Database } from './database.js';

export type GpuTypeWithThroughputs = GpuType & {
  throughputs: (GpuThroughput & { workloadClass: WorkloadClass; model: Model })[];
};

/** The reference tables as of one version. Shared by every request: never change them. */
export interface Lookups {
  gpuTypes: ReadonlyMap<string, GpuTypeWithThroughputs>;
  /** the same GPU types in the shape the domain calculations take */
  gpuThroughputs: ReadonlyMap<string, GpuThroughputs>;
  workloadClasses: ReadonlyMap<string, WorkloadClass>;
  models: ReadonlyMap<string, Model>;
}

async function loadLookups(prisma: PrismaClient): Promise<Lookups> {
  const [gpuRows, classRows, modelRows] = await Promise.all([
    prisma.gpuType.findMany({
      include: { throughputs: { include: { workloadClass: true, model: true } } },
      orderBy: { code: 'asc' },
    }),
    prisma.workloadClass.findMany({ orderBy: { id: 'asc' } }),
    prisma.model.findMany({ orderBy: { code: 'asc' } }),
  ]);
  const gpuThroughputs = gpuRows.map((gpu): [string, GpuThroughputs] => [
    gpu.code,
    {
      code: gpu.code,
      powerWatts: gpu.powerWatts,
      throughputs: gpu.throughputs.map((t) => ({
        modelCode: t.model.code,
        workloadClassCode: t.workloadClass.code,
        tokensPerSecond: t.tokensPerSecond,
        derivation: t.derivation,
      })),
    },
  ]);
  return {
    gpuTypes: new Map(gpuRows.map((row) => [row.code, row])),
    gpuThroughputs: new Map(gpuThroughputs),
    workloadClasses: new Map(classRows.map((row) => [row.code, row])),
    models: new Map(modelRows.map((row) => [row.code, row])),
  };
}

export class LookupCache {
  private loaded: { version: bigint; lookups: Promise<Lookups> } | null = null;

  constructor(private readonly db: Pick<Database, 'prisma' | 'query'>) {}

  /** The version row's value, or null when the row is missing (then nothing is kept). */
  private async version(): Promise<bigint | null> {
    const [row] = await this.db.query<{ version: string }>(
      'SELECT "version"::text AS "version" FROM "LookupVersion" WHERE "id" = 1',
    );
    return row ? BigInt(row.version) : null;
  }

  /**
   * The tables as committed now. The version is read before the rows: rows read
   * after it are at least that new, so a change committed meanwhile is only
   * loaded once more at the next look, never missed.
   */
  async current(): Promise<Lookups> {
    const version = await this.version();
    const known = this.loaded;
    if (version !== null && known?.version === version) return known.lookups;
    const lookups = loadLookups(this.db.prisma);
    if (version !== null && (!known || version > known.version)) {
      const entry = { version, lookups };
      this.loaded = entry;
      // a failed load is not kept: the next look tries again
      lookups.catch(() => {
        if (this.loaded === entry) this.loaded = null;
      });
    }
    return lookups;
  }
}

/** One cache per Prisma client, i.e. per open database. */
const caches = new WeakMap<PrismaClient, LookupCache>();

export function lookupCacheOf(db: Pick<Database, 'prisma' | 'query'>): LookupCache {
  let cache = caches.get(db.prisma);
  if (!cache) caches.set(db.prisma, (cache = new LookupCache(db)));
  return cache;
}
