// The one way a command opens the database: commands that read or change data
// get it ready as the server does (prepareDatabase: migrations, and the
// fixtures where the data calls for them); `worker` and `migrate`, for which
// migrating (or seeding) would be wrong, open it as it is.
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { prepareDatabase } from '../server/start.js';

export interface WithDatabaseOptions {
  /** apply pending migrations and seed as `serve` does (default true); false: open as it is */
  prepare?: boolean;
  /** with `prepare`: load the bundled fixtures when the data calls for it (default: the configured TOKENGRID_SEED_FIXTURES) */
  seed?: boolean;
}

export async function withDatabase<T>(
  config: Config,
  run: (db: Database) => Promise<T>,
  options: WithDatabaseOptions = {},
): Promise<T> {
  const prepare = options.prepare ?? true;
  const db = prepare
    ? (await prepareDatabase(config.database, { seedFixtures: options.seed ?? config.seedFixtures })).db
    : await openDatabase(config.database);
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}
