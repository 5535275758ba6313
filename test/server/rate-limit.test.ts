// The token bucket behind the per-caller rate limits, on a fake clock.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/server/rate-limit.js';

describe('RateLimiter', () => {
  it('lets a caller spend its burst at once, then refuses with the wait until one token is back', () => {
    const limiter = new RateLimiter({ perMinute: 6, burst: 3 }); // one token every 10 s
    expect(limiter.take('a', 0)).toEqual({ allowed: true, remaining: 2 });
    expect(limiter.take('a', 0)).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.take('a', 0)).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('a', 4_000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
  });

  it('refills continuously, never above the burst', () => {
    const limiter = new RateLimiter({ perMinute: 6, burst: 3 });
    for (let i = 0; i < 3; i++) limiter.take('a', 0);
    expect(limiter.take('a', 9_999).allowed).toBe(false);
    expect(limiter.take('a', 10_000).allowed).toBe(true);
    // an hour idle gives back 3 tokens, not 360
    expect(limiter.take('a', 3_600_000, 3)).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('a', 3_600_000).allowed).toBe(false);
  });

  it('keeps one bucket per caller', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 0).allowed).toBe(false);
    expect(limiter.take('b', 0).allowed).toBe(true);
  });

  it('charges a cost of several tokens all or nothing', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 });
    expect(limiter.take('a', 0, 2).allowed).toBe(true);
    expect(limiter.take('a', 0, 2)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 0, 1)).toEqual({ allowed: true, remaining: 0 });
    // more than the bucket holds can never pass at once
    expect(limiter.take('b', 0, 4).allowed).toBe(false);
  });

  it('does not refuse a refused request twice: a refusal spends nothing', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1 });
    limiter.take('a', 0);
    for (let i = 0; i < 5; i++) expect(limiter.take('a', 500).allowed).toBe(false);
    expect(limiter.take('a', 1_000).allowed).toBe(true);
  });

  it('is off with perMinute 0', () => {
    const limiter = new RateLimiter({ perMinute: 0, burst: 1 });
    for (let i = 0; i < 100; i++) expect(limiter.take('a', 0).allowed).toBe(true);
  });

  it('forgets the least recently seen callers past its capacity', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 }, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    expect(limiter.size).toBe(2);
    // 'a' was dropped: it starts with a full bucket again
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('c', 0).allowed).toBe(false);
  });

  it('tolerates a clock that goes backwards', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1 });
    limiter.take('a', 10_000);
    expect(limiter.take('a', 5_000).allowed).toBe(false);
    expect(limiter.take('a', 11_000).allowed).toBe(true);
  });
});
