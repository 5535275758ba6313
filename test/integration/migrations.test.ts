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
import { createApp } from '../../src/server/app.js';
import { openTestDatabase } from '../helpers/database.js';

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

  it('refuses a database where an applied migration was edited', async () => {
    db = await openTestDatabase({ fixtures: false });
    await db.query(`UPDATE _prisma_migrations SET checksum = 'edited'`);
    const status = await migrationStatus(db);
    expect(status.divergence).toMatch(/changed after it was applied/);
    await expect(applyMigrations(db)).rejects.toThrow(/Refusing to use/);
  });
});
