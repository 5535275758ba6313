// Getting a database ready to serve: open it, apply pending migrations (refusing a
// diverged history), and load the bundled fixtures into a database that never had
// them and holds no site (the rule: src/db/seed.ts).
import type { DatabaseConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { applyMigrations } from '../db/migrate.js';
import { seedFixturesIfNeeded, type SeedOptions } from '../db/seed.js';
import { seedExampleScenarios } from '../scenarios/examples.js';

export interface PreparedDatabase {
  db: Database;
  appliedMigrations: string[];
  /** the fixtures were loaded in this start (the database had never been seeded and held no site) */
  seeded: boolean;
}

export async function prepareDatabase(
  config: DatabaseConfig,
  options: { seedFixtures: boolean },
): Promise<PreparedDatabase> {
  const db = await openDatabase(config);
  try {
    const appliedMigrations = await applyMigrations(db);
    const seeded = await seedFixtures(db, {
      seedFixtures: options.seedFixtures,
      // stderr: stdout may be a command's JSON output
      onSeeding: () =>
        process.stderr.write(`tokengrid: ${db.location} has no data yet: loading the bundled fixtures\n`),
    });
    return { db, appliedMigrations, seeded };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * Writes that belong to the first-start seed besides the fixtures (e.g. the example
 * scenarios shipped with them): they run in the seeding transaction, after the fixtures.
 */
const SEED_EXTRAS: NonNullable<SeedOptions['beforeCommit']>[] = [
  async (tx) => {
    await seedExampleScenarios(tx);
  },
];

/** Loads the bundled fixtures (and SEED_EXTRAS) when the rule says so; true when it did. */
export async function seedFixtures(db: Database, options: Partial<SeedOptions> = {}): Promise<boolean> {
  return seedFixturesIfNeeded(db, {
    seedFixtures: true,
    ...options,
    beforeCommit: async (tx) => {
      for (const extra of SEED_EXTRAS) await extra(tx);
      await options.beforeCommit?.(tx);
    },
  });
}
