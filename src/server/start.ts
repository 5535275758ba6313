// Getting a database ready to serve: open it, apply pending migrations (refusing a
// diverged history), and load the bundled fixtures the first time.
import type { DatabaseConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { importDataset } from '../db/import.js';
import { applyMigrations, readLocalMigrations } from '../db/migrate.js';
import { FIXTURES_DIR, readDatasetFiles } from '../dataset/load.js';

export interface PreparedDatabase {
  db: Database;
  appliedMigrations: string[];
  /** the fixtures were loaded because the database was created in this start */
  seeded: boolean;
}

export async function prepareDatabase(config: DatabaseConfig, options: { seedFixtures: boolean }): Promise<PreparedDatabase> {
  const db = await openDatabase(config);
  try {
    const appliedMigrations = await applyMigrations(db);
    const [first] = await readLocalMigrations();
    // "the first time" = the very first migration was applied just now
    const fresh = first !== undefined && appliedMigrations.includes(first.name);
    const seeded = fresh && options.seedFixtures;
    if (seeded) await seedFixtures(db);
    return { db, appliedMigrations, seeded };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export async function seedFixtures(db: Database): Promise<void> {
  const outcome = await importDataset(db, { files: await readDatasetFiles(FIXTURES_DIR) });
  if (!outcome.ok) {
    const lines = outcome.issues.slice(0, 10).map((i) => `  ${i.path}: ${i.message}`);
    throw new Error(`the bundled fixtures do not validate:\n${lines.join('\n')}`);
  }
}
