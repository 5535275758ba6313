// Token buckets per caller: each caller may spend `burst` requests at once and
// gets `perMinute` back per minute, continuously. Pure (the clock is passed in)
// and in memory: one process's view, which is what the embedded database (one
// process) needs; on PostgreSQL the buckets are rows (src/server/rate-limit-store.ts).
import type { RateLimit } from '../limits-config.js';

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** The refusal of a take of `cost` from a bucket holding `tokens`: the wait until it would pass. */
export function refusal(limit: RateLimit, tokens: number, cost: number): RateDecision {
  const { perMinute, burst } = limit;
  // a cost above the bucket size can never be met at once
  if (cost > burst) return { allowed: false, retryAfterSeconds: Math.ceil(60 * (burst / perMinute)) };
  const refillPerMs = perMinute / 60_000;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / refillPerMs / 1000)) };
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    /** buckets kept at most; the oldest are dropped first (they would be full again anyway after idling) */
    private readonly maxCallers = 10_000,
  ) {}

  /**
   * Takes `cost` tokens from the caller's bucket when it has them; otherwise
   * takes nothing and says how long until it would.
   */
  take(caller: string, nowMs: number, cost = 1): RateDecision {
    const { perMinute, burst } = this.limit;
    if (perMinute <= 0) return { allowed: true, remaining: Number.POSITIVE_INFINITY };
    const bucket = this.refilled(caller, nowMs, perMinute / 60_000, burst);
    if (cost <= bucket.tokens) {
      bucket.tokens -= cost;
      this.store(caller, bucket);
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    this.store(caller, bucket);
    return refusal(this.limit, bucket.tokens, cost);
  }

  /** Gives back what a take spent (never above the burst): another limit refused the same document. */
  refund(caller: string, cost: number): void {
    const bucket = this.buckets.get(caller);
    if (bucket) bucket.tokens = Math.min(this.limit.burst, bucket.tokens + cost);
  }

  private refilled(caller: string, nowMs: number, refillPerMs: number, burst: number): Bucket {
    const bucket = this.buckets.get(caller);
    if (!bucket) return { tokens: burst, updatedAtMs: nowMs };
    const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
    return {
      tokens: Math.min(burst, bucket.tokens + elapsedMs * refillPerMs),
      updatedAtMs: Math.max(nowMs, bucket.updatedAtMs),
    };
  }

  private store(caller: string, bucket: Bucket): void {
    // re-insert so Map order is least recently used first
    this.buckets.delete(caller);
    this.buckets.set(caller, bucket);
    if (this.buckets.size > this.maxCallers) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  /** callers currently tracked (for tests) */
  get size(): number {
    return this.buckets.size;
  }
}
