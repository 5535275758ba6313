// The token buckets kept in the database (src/server/rate-limit-store.ts): one
// row per caller and limit, refilled and charged in one statement. The same SQL
// runs on PGlite and PostgreSQL; on PostgreSQL the API uses it (several processes
// share the buckets), on the embedded database the in-process buckets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { DatabaseRateLimitStore, MemoryRateLimitStore, rateLimitStoreFor } from '../../src/server/rate-limit-store.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase({ fixtures: false });
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.exec('DELETE FROM "RateLimitBucket"');
});

const SIX_A_MINUTE = { perMinute: 6, burst: 3 }; // one token every 10 s
const T0 = Date.parse('2026-12-01T00:00:00Z');

describe('DatabaseRateLimitStore', () => {
  it('lets a caller spend its burst at once, then refuses with the wait until one token is back', async () => {
    const store = new DatabaseRateLimitStore(db);
    const take = (atMs: number) => store.take('imports', SIX_A_MINUTE, 'a', T0 + atMs, 1);
    expect(await take(0)).toEqual({ allowed: true, remaining: 2 });
    expect(await take(0)).toEqual({ allowed: true, remaining: 1 });
    expect(await take(0)).toEqual({ allowed: true, remaining: 0 });
    expect(await take(0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(await take(4_000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    const rows = await db.query<{ caller: string; limitName: string; tokens: number }>(
      'SELECT "caller", "limitName", "tokens" FROM "RateLimitBucket"',
    );
    expect(rows).toEqual([{ caller: 'a', limitName: 'imports', tokens: 0 }]);
  });

  it('refills continuously in SQL, never above the burst', async () => {
    const store = new DatabaseRateLimitStore(db);
    const take = (atMs: number, cost = 1) => store.take('imports', SIX_A_MINUTE, 'a', T0 + atMs, cost);
    for (let i = 0; i < 3; i++) await take(0);
    expect((await take(9_999)).allowed).toBe(false);
    expect(await take(10_000)).toEqual({ allowed: true, remaining: 0 });
    // 25 s later: 2.5 tokens back; a take of 3 waits 5 s, a take of 2 passes and leaves 0.5
    expect(await take(35_000, 3)).toEqual({ allowed: false, retryAfterSeconds: 5 });
    expect(await take(35_000, 2)).toEqual({ allowed: true, remaining: 0 });
    expect(await take(40_000, 1)).toEqual({ allowed: true, remaining: 0 });
    // an hour idle gives back 3 tokens, not 360
    expect(await take(3_640_000, 3)).toEqual({ allowed: true, remaining: 0 });
    expect((await take(3_640_000)).allowed).toBe(false);
  });

  it('a refusal spends nothing, a clock that goes back adds nothing, a cost above the burst never passes', async () => {
    const store = new DatabaseRateLimitStore(db);
    const limit = { perMinute: 60, burst: 1 };
    expect((await store.take('plans', limit, 'a', T0, 1)).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect((await store.take('plans', limit, 'a', T0 + 500, 1)).allowed).toBe(false);
    // another process whose clock is 10 s behind: no refill from the difference
    expect((await store.take('plans', limit, 'a', T0 - 10_000, 1)).allowed).toBe(false);
    expect((await store.take('plans', limit, 'a', T0 + 1_000, 1)).allowed).toBe(true);
    expect(await store.take('plans', { perMinute: 60, burst: 3 }, 'b', T0, 4)).toEqual({
      allowed: false,
      retryAfterSeconds: 3,
    });
  });

  it('keeps one bucket per caller and per limit; perMinute 0 is no limit and writes nothing', async () => {
    const store = new DatabaseRateLimitStore(db);
    const one = { perMinute: 1, burst: 1 };
    expect((await store.take('imports', one, 'a', T0, 1)).allowed).toBe(true);
    expect((await store.take('imports', one, 'a', T0, 1)).allowed).toBe(false);
    expect((await store.take('imports', one, 'b', T0, 1)).allowed).toBe(true);
    expect((await store.take('plan requests', one, 'a', T0, 1)).allowed).toBe(true);
    await db.exec('DELETE FROM "RateLimitBucket"');
    for (let i = 0; i < 20; i++)
      expect((await store.take('x', { perMinute: 0, burst: 1 }, 'a', T0, 1)).allowed).toBe(true);
    expect(await db.query('SELECT 1 FROM "RateLimitBucket"')).toEqual([]);
  });

  it('two stores on the same database (two API processes) share the bucket: 20 concurrent takes of burst 5 pass 5 times', async () => {
    const stores = [new DatabaseRateLimitStore(db), new DatabaseRateLimitStore(db)];
    const limit = { perMinute: 1, burst: 5 };
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.take('plan requests', limit, 'key:k1', T0, 1)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed)).toHaveLength(15);
  });

  it('drops rows idle long enough to be full again', async () => {
    const store = new DatabaseRateLimitStore(db);
    await db.query(
      `INSERT INTO "RateLimitBucket" ("caller", "limitName", "tokens", "updatedAt") VALUES
        ('old', 'imports', 0, $1), ('recent', 'imports', 0, $2), ('old', 'other', 0, $1)`,
      [new Date(T0 - 31_000), new Date(T0 - 29_000)],
    );
    // the first take of a store prunes its limit's rows older than burst / perMinute (30 s here)
    await store.take('imports', SIX_A_MINUTE, 'a', T0, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await db.query<{ caller: string; limitName: string }>(
      'SELECT "caller", "limitName" FROM "RateLimitBucket" ORDER BY 1, 2',
    );
    expect(rows).toEqual([
      { caller: 'a', limitName: 'imports' },
      { caller: 'old', limitName: 'other' },
      { caller: 'recent', limitName: 'imports' },
    ]);
  });
});

describe('rateLimitStoreFor', () => {
  it('the database on PostgreSQL, the process on the embedded database', () => {
    expect(rateLimitStoreFor(db)).toBeInstanceOf(
      db.kind === 'postgres' ? DatabaseRateLimitStore : MemoryRateLimitStore,
    );
  });
});
