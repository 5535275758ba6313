// Administration of throw-away PostgreSQL databases for tests.
import pg from 'pg';

export const TEMPLATE_NAMES = { empty: 'tokengrid_test_tpl_empty', fixtures: 'tokengrid_test_tpl_fixtures' } as const;

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs one statement on the server's maintenance connection (the URL as given). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
