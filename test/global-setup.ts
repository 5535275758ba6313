// Builds migrated template databases once per test run, so each test file gets a
// fresh database in about a second instead of an initdb plus migrations:
// - embedded: PGlite data directories dumped to tar files (loadDataDir in
//   process; a spawned command's data directory is the tar extracted, test/helpers/cli.ts);
// - PostgreSQL (TOKENGRID_TEST_DATABASE_URL set): template databases to clone.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase, type Database } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrate.js';
// the data set alone: the example scenarios a first start also stores are seeded by the tests that use them
import { seedFixturesIfNeeded } from '../src/db/seed.js';
import { ONE_MODEL_FIXTURES_DIR } from '../src/paths.js';
// what a first start seeds (the data set and the example scenarios): the `started` template
import { seedFixtures } from '../src/server/start.js';
import { randomBytes } from 'node:crypto';
import { adminQuery, templateNames, withDatabaseName } from './helpers/postgres.js';

/** Where a spawned command's database starts (test/helpers/cli.ts); a fresh one when none is named. */
export type StartingPoint = 'blank' | 'migrated' | 'started';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase:
      | {
          kind: 'pglite';
          emptyTemplate: string;
          /** the fleet without models (fixtures/one-model): the figures most integration tests pin */
          fixturesTemplate: string;
          /** the bundled data set a first start loads (fixtures/, seven models), without the example scenarios */
          bundledTemplate: string;
          /** tar files of a data directory: initdb only; migrated; as a first start leaves it */
          dataDirs: Record<StartingPoint, string>;
        }
      | {
          kind: 'postgres';
          url: string;
          templates: { empty: string; fixtures: string; bundled: string; started: string };
        };
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TOKENGRID_TEST_DATABASE_URL;
  if (url) {
    const templates = templateNames(randomBytes(4).toString('hex'));
    for (const [name, seed] of [
      [templates.empty, null],
      [
        templates.fixtures,
        (db: Database) => seedFixturesIfNeeded(db, { seedFixtures: true, fixturesDir: ONE_MODEL_FIXTURES_DIR }),
      ],
      [templates.bundled, (db: Database) => seedFixturesIfNeeded(db, { seedFixtures: true })],
      [templates.started, (db: Database) => seedFixtures(db)],
    ] as const) {
      await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await adminQuery(url, `CREATE DATABASE "${name}"`);
      const db = await openDatabase({ kind: 'postgres', url: withDatabaseName(url, name) });
      await applyMigrations(db);
      await seed?.(db);
      await db.close();
    }
    project.provide('testDatabase', { kind: 'postgres', url, templates });
    return async () => {
      for (const name of Object.values(templates))
        await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
  }

  const dir = await mkdtemp(join(tmpdir(), 'tokengrid-test-'));
  const dump = async (db: Database, name: string) => {
    const file = join(dir, name);
    await writeFile(file, Buffer.from(await (await db.pglite!.dumpDataDir('none')).arrayBuffer()));
    return file;
  };
  const db = await openDatabase({ kind: 'pglite', dataDir: ':memory:' });
  const blank = await dump(db, 'blank.tar');
  await applyMigrations(db);
  const emptyTemplate = await dump(db, 'empty.tar');
  await seedFixturesIfNeeded(db, { seedFixtures: true, fixturesDir: ONE_MODEL_FIXTURES_DIR });
  const fixturesTemplate = await dump(db, 'fixtures.tar');
  await db.close();
  const bundled = await openDatabase(
    { kind: 'pglite', dataDir: ':memory:' },
    { loadDataDir: await blob(emptyTemplate) },
  );
  await seedFixturesIfNeeded(bundled, { seedFixtures: true });
  const bundledTemplate = await dump(bundled, 'bundled.tar');
  await bundled.close();
  const first = await openDatabase({ kind: 'pglite', dataDir: ':memory:' }, { loadDataDir: await blob(emptyTemplate) });
  await seedFixtures(first);
  const started = await dump(first, 'started.tar');
  await first.close();
  project.provide('testDatabase', {
    kind: 'pglite',
    emptyTemplate,
    fixturesTemplate,
    bundledTemplate,
    dataDirs: { blank, migrated: emptyTemplate, started },
  });
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

async function blob(file: string): Promise<Blob> {
  return new Blob([await readFile(file)]);
}
