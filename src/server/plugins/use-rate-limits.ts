// Per-caller rate limits on the mutations that cost a solve or an import, counted
// over the root fields that execute (fragments, aliases and directives applied).
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Limits } from '../../limits-config.js';
import { limitError } from '../limit-errors.js';
import type { RateLimit } from '../../limits-config.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../rate-limit-store.js';
import { executedRootFields } from './executed-root-fields.js';

/**
 * The caller a rate limit counts: the API key's id when the request carried a
 * key; else (the loopback default) the client's network address (requests made
 * in process, without a socket, share one identity).
 */
export function callerIdentityOf(context: unknown): string {
  const auth = (context as { auth?: { keyId: string | null } | null } | null)?.auth;
  if (auth?.keyId) return `key:${auth.keyId}`;
  const req = (context as { req?: IncomingMessage } | null)?.req;
  const address = req?.socket?.remoteAddress;
  return address ? `address:${address}` : 'address:in-process';
}

// a sweep is one request: its values (at most 50, src/plans/sweeps) bound what it queues, and counting
// each value made every sweep past the burst (5) impossible to ask for
const PLAN_FIELDS = new Set(['requestPlan', 'resolvePlan', 'requestPlanSweep']);

const IMPORT_FIELDS = new Set(['importDataset']);

export function useRateLimits(
  limits: Pick<Limits, 'planRequestRate' | 'importRate'>,
  options: { identity?: (context: unknown) => string; now?: () => number; store?: RateLimitStore } = {},
): Plugin {
  const identity = options.identity ?? callerIdentityOf;
  const now = options.now ?? Date.now;
  // the buckets: in this process, or shared by every API process on PostgreSQL (src/server/rate-limit-store.ts)
  const store = options.store ?? new MemoryRateLimitStore();
  const buckets: { name: string; fields: Set<string>; limit: RateLimit }[] = [
    { name: 'plan requests', fields: PLAN_FIELDS, limit: limits.planRequestRate },
    { name: 'imports', fields: IMPORT_FIELDS, limit: limits.importRate },
  ];
  const describe = (limit: RateLimit) => `${limit.perMinute} per minute, at most ${limit.burst} at once`;
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const executed = executedRootFields(args);
      if (!executed || executed.operation !== 'mutation') return;
      const caller = identity(args.contextValue);
      const at = now();
      const costs = buckets
        .map((bucket) => ({
          ...bucket,
          cost: executed.fields.reduce((sum, field) => sum + (bucket.fields.has(field) ? 1 : 0), 0),
        }))
        .filter(({ cost }) => cost > 0);
      const spent: typeof costs = [];
      for (const bucket of costs) {
        const { name, limit, cost } = bucket;
        const decision = await store.take(name, limit, caller, at, cost);
        if (!decision.allowed) {
          // more than the bucket holds: waiting will not help, so say what would
          const message =
            cost > limit.burst
              ? `Too many ${name} at once: this document asks for ${cost} and the limit is ${describe(limit)}; ask for fewer.`
              : `Too many ${name}: the limit is ${describe(limit)}; retry in ${decision.retryAfterSeconds} s.`;
          setResultAndStopExecution({
            errors: [limitError(message, 'RATE_LIMITED', 429, { 'retry-after': String(decision.retryAfterSeconds) })],
          });
          // a refused document costs nothing: what the other limits took goes back
          for (const taken of spent) await store.refund(taken.name, taken.limit, caller, taken.cost);
          return;
        }
        spent.push(bucket);
      }
    },
  };
}
