// Where the rate limits' token buckets live: in the process on the embedded
// database (one process), in the database on PostgreSQL, so that every API
// process on it takes from the same bucket (two processes must not give a
// caller twice the limit).
import type { Database } from '../db/database.js';
import type { RateLimit } from '../limits-config.js';
import { RateLimiter, refusal, type RateDecision } from './rate-limit.js';

export interface RateLimitStore {
  /** Takes `cost` tokens from the caller's bucket of the named limit, all or nothing (src/server/rate-limit.ts). */
  take(limitName: string, limit: RateLimit, caller: string, nowMs: number, cost: number): Promise<RateDecision>;
  /** Gives back what a take spent, up to the burst (another limit refused the same document). */
  refund(limitName: string, limit: RateLimit, caller: string, cost: number): Promise<void>;
}

export function rateLimitStoreFor(db: Database): RateLimitStore {
  return db.kind === 'postgres' ? new DatabaseRateLimitStore(db) : new MemoryRateLimitStore();
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly limiters = new Map<string, RateLimiter>();

  async take(limitName: string, limit: RateLimit, caller: string, nowMs: number, cost: number) {
    let limiter = this.limiters.get(limitName);
    if (!limiter || limiter.limit.perMinute !== limit.perMinute || limiter.limit.burst !== limit.burst) {
      limiter = new RateLimiter(limit);
      this.limiters.set(limitName, limiter);
    }
    return limiter.take(caller, nowMs, cost);
  }

  async refund(limitName: string, _limit: RateLimit, caller: string, cost: number) {
    this.limiters.get(limitName)?.refund(caller, cost);
  }
}

/**
 * One statement refills and takes: a new row starts full less the cost; an
 * existing one (locked by ON CONFLICT) is refilled for the time since its
 * update, capped at the burst, and charged only when it holds the cost. When
 * it does not, the WHERE leaves it as it was and no row comes back (a refusal
 * spends nothing). $1 caller, $2 limit, $3 burst, $4 cost, $5 now, $6 tokens per second.
 */
const TAKE = `
INSERT INTO "RateLimitBucket" AS bucket ("caller", "limitName", "tokens", "updatedAt")
VALUES ($1, $2, $3::float8 - $4::float8, $5::timestamptz)
ON CONFLICT ("caller", "limitName") DO UPDATE SET
  "tokens" = LEAST($3::float8, bucket."tokens"
    + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - bucket."updatedAt")))::float8 * $6::float8) - $4::float8,
  "updatedAt" = GREATEST(bucket."updatedAt", EXCLUDED."updatedAt")
WHERE LEAST($3::float8, bucket."tokens"
    + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - bucket."updatedAt")))::float8 * $6::float8) >= $4::float8
RETURNING "tokens"`;

/** After a refusal: what the bucket holds now, for the wait. $1 caller, $2 limit, $3 burst, $4 now, $5 tokens per second. */
const LEVEL = `
SELECT LEAST($3::float8, "tokens"
  + GREATEST(0, EXTRACT(EPOCH FROM ($4::timestamptz - "updatedAt")))::float8 * $5::float8) AS "tokens"
FROM "RateLimitBucket" WHERE "caller" = $1 AND "limitName" = $2`;

/** $1 caller, $2 limit, $3 burst, $4 cost. */
const REFUND = `UPDATE "RateLimitBucket" SET "tokens" = LEAST($3::float8, "tokens" + $4::float8)
WHERE "caller" = $1 AND "limitName" = $2`;

/** A row idle long enough to be full again is the same as none: dropped now and then. */
const PRUNE = `DELETE FROM "RateLimitBucket" WHERE "limitName" = $1 AND "updatedAt" < $2::timestamptz`;
const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * The clock is the API process's (passed in, as to the in-memory buckets). A
 * process whose clock runs ahead only delays the others' refill by the skew:
 * `updatedAt` never goes back.
 */
export class DatabaseRateLimitStore implements RateLimitStore {
  private readonly lastPruneMs = new Map<string, number>();

  constructor(private readonly db: Database) {}

  async take(limitName: string, limit: RateLimit, caller: string, nowMs: number, cost: number) {
    const { perMinute, burst } = limit;
    if (perMinute <= 0) return { allowed: true, remaining: Number.POSITIVE_INFINITY } as const;
    if (cost > burst) return refusal(limit, burst, cost);
    const perSecond = perMinute / 60;
    const now = new Date(nowMs);
    this.pruneNowAndThen(limitName, limit, nowMs);
    const [taken] = await this.db.query<{ tokens: number }>(TAKE, [caller, limitName, burst, cost, now, perSecond]);
    if (taken) return { allowed: true, remaining: Math.floor(taken.tokens) } as const;
    const [level] = await this.db.query<{ tokens: number }>(LEVEL, [caller, limitName, burst, now, perSecond]);
    return refusal(limit, level?.tokens ?? burst, cost);
  }

  async refund(limitName: string, limit: RateLimit, caller: string, cost: number) {
    if (limit.perMinute <= 0) return;
    await this.db.query(REFUND, [caller, limitName, limit.burst, cost]);
  }

  private pruneNowAndThen(limitName: string, limit: RateLimit, nowMs: number): void {
    const last = this.lastPruneMs.get(limitName);
    if (last !== undefined && nowMs - last < PRUNE_INTERVAL_MS) return;
    this.lastPruneMs.set(limitName, nowMs);
    const fullAfterMs = (limit.burst / limit.perMinute) * 60_000;
    this.db.query(PRUNE, [limitName, new Date(nowMs - fullAfterMs)]).catch(() => {
      // best effort: a row left behind is a full bucket's worth of nothing
    });
  }
}
