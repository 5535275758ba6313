// Seeding decided by the data (issue 9 item 5): every `prepareDatabase` loads the
// bundled fixtures into a database that was never seeded and holds no site, in one
// transaction with the record that it did; nothing else is ever seeded over.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { importDataset } from '../../src/db/import.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { shouldSeedFixtures } from '../../src/db/seed.js';
import { readDatasetFiles } from '../../src/dataset/load.js';
import { FIXTURES_DIR } from '../../src/paths.js';
import { prepareDatabase, seedFixtures } from '../../src/server/start.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli.js';

const FIXTURE_SITES = 36;
let workspace: CliWorkspace | undefined;

afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

/** A new, empty database of the run's kind (embedded data directory as initdb leaves it, or PostgreSQL database). */
async function newDatabaseConfig(name: string) {
  workspace = await cliWorkspace(name, { from: 'blank' });
  return loadConfig(workspace.env).database;
}

async function counts(config: Awaited<ReturnType<typeof newDatabaseConfig>>) {
  const db = await openDatabase(config);
  try {
    const setup = await db.prisma.databaseSetup.findUnique({ where: { id: 1 } });
    return {
      sites: await db.prisma.site.count(),
      gpuTypes: await db.prisma.gpuType.count(),
      seededAt: setup?.fixturesSeededAt ?? null,
    };
  } finally {
    await db.close();
  }
}

describe('the seeding rule', () => {
  it('seeds only when seeding is on, the database was never seeded and it has no site', () => {
    expect(shouldSeedFixtures({ fixturesSeededAt: null, siteCount: 0 }, true)).toBe(true);
    expect(shouldSeedFixtures({ fixturesSeededAt: null, siteCount: 0 }, false)).toBe(false);
    expect(shouldSeedFixtures({ fixturesSeededAt: new Date(), siteCount: 0 }, true)).toBe(false);
    expect(shouldSeedFixtures({ fixturesSeededAt: null, siteCount: 2 }, true)).toBe(false);
  });
});

describe('prepareDatabase seeding', () => {
  it('seeds a database that another command created and migrated first', async () => {
    const config = await newDatabaseConfig('seed-after-migrate');
    // what `tokengrid migrate` (or keys create, plan, …) did before the first start
    const first = await openDatabase(config);
    expect(await applyMigrations(first)).not.toHaveLength(0);
    await first.close();

    const { db, appliedMigrations, seeded } = await prepareDatabase(config, { seedFixtures: true });
    await db.close();
    expect(appliedMigrations).toEqual([]);
    expect(seeded).toBe(true);
    const after = await counts(config);
    expect(after.sites).toBe(FIXTURE_SITES);
    expect(after.seededAt).toBeInstanceOf(Date);

    // and once only
    const again = await prepareDatabase(config, { seedFixtures: true });
    await again.db.close();
    expect(again.seeded).toBe(false);
    expect((await counts(config)).sites).toBe(FIXTURE_SITES);
  }, 120_000);

  it('writes nothing when the seed fails part-way, and seeds on the next start', async () => {
    const config = await newDatabaseConfig('seed-fails');
    const first = await openDatabase(config);
    await applyMigrations(first);
    let sitesWrittenBeforeFailure = 0;
    const failure = await seedFixtures(first, {
      beforeCommit: async (tx) => {
        sitesWrittenBeforeFailure = await tx.site.count();
        throw new Error('interrupted while seeding');
      },
    }).catch((error: Error) => error);
    await first.close();
    expect(String(failure)).toMatch(/interrupted while seeding/);
    // the failure came after the writes, inside the transaction
    expect(sitesWrittenBeforeFailure).toBe(FIXTURE_SITES);
    expect(await counts(config)).toEqual({ sites: 0, gpuTypes: 0, seededAt: null });

    const { db, seeded } = await prepareDatabase(config, { seedFixtures: true });
    await db.close();
    expect(seeded).toBe(true);
    expect((await counts(config)).sites).toBe(FIXTURE_SITES);
  }, 120_000);

  it('does not seed again a database that was emptied after its seed', async () => {
    const config = await newDatabaseConfig('seed-emptied');
    const first = await prepareDatabase(config, { seedFixtures: true });
    expect(first.seeded).toBe(true);
    await first.db.exec(`TRUNCATE "Site", "GpuType", "DemandRegion", "WorkloadClass" CASCADE`);
    await first.db.close();
    expect((await counts(config)).sites).toBe(0);

    const { db, seeded } = await prepareDatabase(config, { seedFixtures: true });
    await db.close();
    expect(seeded).toBe(false);
    expect((await counts(config)).sites).toBe(0);
  }, 120_000);

  it('does not seed over data imported before the first start', async () => {
    const config = await newDatabaseConfig('seed-imported');
    const dir = await mkdtemp(join(tmpdir(), 'tokengrid-two-sites-'));
    try {
      const lines = (await readFile(join(FIXTURES_DIR, 'sites.csv'), 'utf8')).trim().split('\n');
      await writeFile(join(dir, 'sites.csv'), lines.slice(0, 3).join('\n') + '\n');
      const first = await openDatabase(config);
      await applyMigrations(first);
      const imported = await importDataset(first, { files: await readDatasetFiles(dir) });
      await first.close();
      expect(imported.ok).toBe(true);

      const { db, seeded } = await prepareDatabase(config, { seedFixtures: true });
      await db.close();
      expect(seeded).toBe(false);
      expect(await counts(config)).toMatchObject({ sites: 2, gpuTypes: 0, seededAt: null });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('does not seed with TOKENGRID_SEED_FIXTURES off, and seeds a later start that has it on', async () => {
    const config = await newDatabaseConfig('seed-off');
    const off = await prepareDatabase(config, { seedFixtures: false });
    await off.db.close();
    expect(off.seeded).toBe(false);
    expect((await counts(config)).sites).toBe(0);
    const on = await prepareDatabase(config, { seedFixtures: true });
    await on.db.close();
    expect(on.seeded).toBe(true);
  }, 120_000);
});
