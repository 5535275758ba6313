// A throwaway PostgreSQL database for one benchmark run, on the server named by
// TOKENGRID_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres;
// `none` skips PostgreSQL). Null, with the reason printed, when it cannot be made.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const BENCH_ADMIN_URL =
  process.env.TOKENGRID_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  url: string;
  drop: () => Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function scratchPostgresDatabase(prefix: string): Promise<ScratchDatabase | null> {
  if (BENCH_ADMIN_URL === 'none') return null;
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  try {
    await admin(`CREATE DATABASE "${name}"`);
  } catch (error) {
    console.log(`(PostgreSQL skipped: ${(error as Error).message})`);
    return null;
  }
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
