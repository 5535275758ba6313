// A fresh database for one test file, cloned from the run's migrated template.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { openDatabase, type Database, type OpenOptions } from '../../src/db/database.js';
import { adminQuery, withDatabaseName } from './postgres.js';

export interface TestDatabaseOptions extends Pick<OpenOptions, 'onQuery'> {
  /**
   * true (default): the fleet without models loaded (fixtures/one-model, one DEFAULT model: the figures the
   * integration tests pin); 'bundled': the data set a first start loads (fixtures/, seven models); false: empty tables
   */
  fixtures?: boolean | 'bundled';
}

export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<Database> {
  const fixtures = options.fixtures ?? true;
  const target = inject('testDatabase');
  if (target.kind === 'pglite') {
    const tar = await readFile(
      fixtures === 'bundled' ? target.bundledTemplate : fixtures ? target.fixturesTemplate : target.emptyTemplate,
    );
    return openDatabase(
      { kind: 'pglite', dataDir: ':memory:' },
      { loadDataDir: new Blob([tar]), ...(options.onQuery ? { onQuery: options.onQuery } : {}) },
    );
  }
  const name = `tokengrid_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(
    target.url,
    `CREATE DATABASE "${name}" TEMPLATE "${
      fixtures === 'bundled' ? target.templates.bundled : fixtures ? target.templates.fixtures : target.templates.empty
    }"`,
  );
  const db = await openDatabase(
    { kind: 'postgres', url: withDatabaseName(target.url, name) },
    options.onQuery ? { onQuery: options.onQuery } : {},
  );
  return {
    ...db,
    async close() {
      await db.close();
      await adminQuery(target.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** A database with no migrations applied (to build one as an older version left it). */
export async function openBlankDatabase(): Promise<Database> {
  const target = inject('testDatabase');
  if (target.kind === 'pglite') return openDatabase({ kind: 'pglite', dataDir: ':memory:' });
  const name = `tokengrid_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(target.url, `CREATE DATABASE "${name}"`);
  const db = await openDatabase({ kind: 'postgres', url: withDatabaseName(target.url, name) });
  return {
    ...db,
    async close() {
      await db.close();
      await adminQuery(target.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
