// Token buckets per caller: each caller may spend `burst` requests at once and
// gets `perMinute` back per minute, continuously. Pure (the clock is passed in)
// and in memory: one process's view, which is what a single API process needs.
import type { RateLimit } from '../limits-config.js';

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAtMs: number;
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
    const decision = this.check(caller, nowMs, cost);
    const { perMinute, burst } = this.limit;
    if (perMinute <= 0) return decision;
    const bucket = this.refilled(caller, nowMs, perMinute / 60_000, burst);
    if (decision.allowed) bucket.tokens -= cost;
    this.store(caller, bucket);
    return decision;
  }

  /** What take() would decide, spending nothing (to judge several buckets before spending from any). */
  check(caller: string, nowMs: number, cost = 1): RateDecision {
    const { perMinute, burst } = this.limit;
    if (perMinute <= 0) return { allowed: true, remaining: Number.POSITIVE_INFINITY };
    const refillPerMs = perMinute / 60_000;
    const { tokens } = this.refilled(caller, nowMs, refillPerMs, burst);
    if (cost <= tokens) return { allowed: true, remaining: Math.floor(tokens - cost) };
    if (cost > burst) return { allowed: false, retryAfterSeconds: Math.ceil(60 * (burst / perMinute)) };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / refillPerMs / 1000)) };
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
