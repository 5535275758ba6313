// Builds migrated template databases once per test run, so each test file gets a
// fresh database in about a second instead of an initdb plus migrations:
// - embedded: PGlite data directories dumped to tar files (loadDataDir);
// - PostgreSQL (TOKENGRID_TEST_DATABASE_URL set): template databases to clone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrate.js';
// the data set alone: the example scenarios a first start also stores are seeded by the tests that use them
import { seedFixturesIfNeeded } from '../src/db/seed.js';
import { randomBytes } from 'node:crypto';
import { adminQuery, templateNames, withDatabaseName } from './helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase:
      | { kind: 'pglite'; emptyTemplate: string; fixturesTemplate: string }
      | { kind: 'postgres'; url: string; templates: { empty: string; fixtures: string } };
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TOKENGRID_TEST_DATABASE_URL;
  if (url) {
    const templates = templateNames(randomBytes(4).toString('hex'));
    for (const [name, seeded] of [
      [templates.empty, false],
      [templates.fixtures, true],
    ] as const) {
      await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await adminQuery(url, `CREATE DATABASE "${name}"`);
      const db = await openDatabase({ kind: 'postgres', url: withDatabaseName(url, name) });
      await applyMigrations(db);
      if (seeded) await seedFixturesIfNeeded(db, { seedFixtures: true });
      await db.close();
    }
    project.provide('testDatabase', { kind: 'postgres', url, templates });
    return async () => {
      for (const name of [templates.empty, templates.fixtures])
        await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
  }

  const dir = await mkdtemp(join(tmpdir(), 'tokengrid-test-'));
  const db = await openDatabase({ kind: 'pglite', dataDir: ':memory:' });
  await applyMigrations(db);
  const emptyTemplate = join(dir, 'empty.tar');
  await writeFile(emptyTemplate, Buffer.from(await (await db.pglite!.dumpDataDir('none')).arrayBuffer()));
  await seedFixturesIfNeeded(db, { seedFixtures: true });
  const fixturesTemplate = join(dir, 'fixtures.tar');
  await writeFile(fixturesTemplate, Buffer.from(await (await db.pglite!.dumpDataDir('none')).arrayBuffer()));
  await db.close();
  project.provide('testDatabase', { kind: 'pglite', emptyTemplate, fixturesTemplate });
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
