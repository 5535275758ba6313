// A full picture of a database's state, to show a refused request changed
// nothing: the data set as exported, a digest of every row of every table,
// and the job queue's size.
import type { Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';

export interface DatabaseDump {
  dataset: unknown;
  /** table → row count and an md5 of all its rows as text */
  tables: Record<string, { rows: number; digest: string | null }>;
  jobs: number;
}

export async function dumpDatabase(db: Database): Promise<DatabaseDump> {
  const names = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
     ORDER BY table_name`,
  );
  const tables: DatabaseDump['tables'] = {};
  for (const { table_name: name } of names) {
    const [row] = await db.query<{ rows: number | string; digest: string | null }>(
      `SELECT count(*) AS "rows", md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS "digest" FROM "${name}" t`,
    );
    tables[name] = { rows: Number(row!.rows), digest: row!.digest };
  }
  const [jobs] = await db.query<{ n: number | string }>(`SELECT count(*) AS "n" FROM pgboss.job`);
  return { dataset: await readDataset(db), tables, jobs: Number(jobs!.n) };
}
