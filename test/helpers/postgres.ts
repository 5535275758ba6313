// Administration of throw-away PostgreSQL databases for tests.
import pg from 'pg';

/** Template database names of one test run: unique, so runs sharing a server do not drop each other's. */
export function templateNames(runId: string) {
  return {
    empty: `tokengrid_test_tpl_${runId}_empty`,
    fixtures: `tokengrid_test_tpl_${runId}_fixtures`,
    bundled: `tokengrid_test_tpl_${runId}_bundled`,
    started: `tokengrid_test_tpl_${runId}_started`,
  };
}

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
