// /health and /ready: x-request-id like every response, a short JSON body, and
// for /ready what is not ready (503).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createApp, READINESS_TIMEOUT_MS } from '../../src/server/app.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase({ fixtures: false });
});
afterAll(async () => {
  await db.close();
});

async function probe(database: Database, path: string, headers: Record<string, string> = {}) {
  const response = await createApp({ db: database, limits: TEST_LIMITS }).fetch(`http://tokengrid.test${path}`, {
    headers,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    id: response.headers.get('x-request-id'),
    body: await response.json(),
  };
}

describe('/health and /ready', () => {
  it('/health answers {"status":"ok"} as JSON with a request id, the caller\'s own when it sent one', async () => {
    const health = await probe(db, '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(health.type).toMatch(/^application\/json/);
    expect(health.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await probe(db, '/health', { 'x-request-id': 'probe-7' })).id).toBe('probe-7');
  });

  it('/ready answers {"status":"ok"} on a migrated database', async () => {
    const ready = await probe(db, '/ready', { 'x-request-id': 'lb-1' });
    expect(ready).toMatchObject({ status: 200, id: 'lb-1', body: { status: 'ok' } });
    expect(ready.type).toMatch(/^application\/json/);
  });

  it('/ready answers 503 with the reason when the database does not answer', async () => {
    const gone = await openTestDatabase({ fixtures: false });
    await gone.close();
    const ready = await probe(gone, '/ready');
    expect(ready.status).toBe(503);
    expect(ready.type).toMatch(/^application\/json/);
    expect(ready.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ready.body).toEqual({ status: 'not ready', reason: 'the database does not answer' });
  });

  it('/ready answers 503 within 2 s when the database holds its answer (a black-holed connection)', async () => {
    const silent: Database = { ...db, query: () => new Promise(() => {}) };
    const started = performance.now();
    const ready = await probe(silent, '/ready');
    const ms = performance.now() - started;
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not ready', reason: 'the database does not answer' });
    expect(ms).toBeGreaterThanOrEqual(READINESS_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(READINESS_TIMEOUT_MS + 1_000);
  });

  it('/ready answers 503 naming the pending migration', async () => {
    const behind = await openTestDatabase({ fixtures: false });
    try {
      const [last] = await behind.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1',
      );
      await behind.query('DELETE FROM _prisma_migrations WHERE migration_name = $1', [last!.migration_name]);
      const ready = await probe(behind, '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not ready');
      expect(ready.body.reason).toBe(`1 migration(s) pending (${last!.migration_name}): run tokengrid migrate`);
    } finally {
      await behind.close();
    }
  });
});
