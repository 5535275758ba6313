// Whether a database gets the bundled fixtures is decided by its data, in one
// place: it gets them when seeding is on, it was never seeded and it holds no
// site. The fixtures and the record that they were loaded are written in one
// transaction, so a start interrupted while seeding leaves a database that the
// next start seeds again, never a half-loaded one.
import { parseDataset, readDatasetFiles } from '../dataset/load.js';
import { FIXTURES_DIR } from '../paths.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Database } from './database.js';
import { IMPORT_TRANSACTION, knownCodes, writeDatasetIn } from './dataset-store.js';

type Tx = Prisma.TransactionClient;

export interface SetupState {
  /** when the bundled fixtures were loaded into this database, or null: never */
  fixturesSeededAt: Date | null;
  siteCount: number;
}

/** THE rule. A planner who deleted everything after a seed, or who imported data before the first start, is not seeded over. */
export function shouldSeedFixtures(state: SetupState, seedFixtures: boolean): boolean {
  return seedFixtures && state.fixturesSeededAt === null && state.siteCount === 0;
}

export async function readSetupState(tx: Tx | Database['prisma']): Promise<SetupState> {
  const [setup, siteCount] = await Promise.all([
    tx.databaseSetup.findUnique({ where: { id: 1 }, select: { fixturesSeededAt: true } }),
    tx.site.count(),
  ]);
  return { fixturesSeededAt: setup?.fixturesSeededAt ?? null, siteCount };
}

export interface SeedOptions {
  /** false: never seed (TOKENGRID_SEED_FIXTURES=false) */
  seedFixtures: boolean;
  /** the data set to load (default: the bundled fixtures) */
  fixturesDir?: string;
  /** more writes in the seeding transaction (and the place tests make it fail); throwing rolls the whole seed back */
  beforeCommit?: (tx: Tx) => Promise<void>;
  /** told just before the writes start (the server says so on a TTY-less log too) */
  onSeeding?: () => void;
}

/** Any key: serializes seeding between processes starting at once on one PostgreSQL database. */
const SEED_LOCK_KEY = 7_105_330_917;

/** Seeds when the rule says so; true when the fixtures were loaded now. */
export async function seedFixturesIfNeeded(db: Database, options: SeedOptions): Promise<boolean> {
  // the common case (a database in use) costs two small queries, no parsing
  if (!shouldSeedFixtures(await readSetupState(db.prisma), options.seedFixtures)) return false;
  const { dataset, issues } = parseDataset({
    files: await readDatasetFiles(options.fixturesDir ?? FIXTURES_DIR),
    known: await knownCodes(db),
  });
  if (issues.length > 0) {
    const lines = issues.slice(0, 10).map((i) => `  ${i.path}: ${i.message}`);
    throw new Error(`the bundled fixtures do not validate:\n${lines.join('\n')}`);
  }
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY}::bigint)`;
    // decided again under the lock: another process may have seeded (or imported) meanwhile
    if (!shouldSeedFixtures(await readSetupState(tx), options.seedFixtures)) return false;
    options.onSeeding?.();
    await writeDatasetIn(tx, dataset);
    const now = new Date();
    await tx.databaseSetup.upsert({
      where: { id: 1 },
      create: { id: 1, fixturesSeededAt: now },
      update: { fixturesSeededAt: now },
    });
    await options.beforeCommit?.(tx);
    return true;
  }, IMPORT_TRANSACTION);
}
