// The request limits and their environment variables (parsed in src/config.ts;
// enforced by src/server/ and, for the solver caps, src/plans/solver-caps.ts).
// Each default is documented in the README's "Limits" section.
import { z } from 'zod';
import { isLoopbackHost } from './net.js';

/** A token bucket per caller (src/server/rate-limit.ts). */
export interface RateLimit {
  /** tokens refilled per minute; 0 = no limit */
  perMinute: number;
  /** bucket size: requests a caller may make at once after being idle */
  burst: number;
}

export interface Limits {
  /** request body of every operation except importDataset */
  maxBodyBytes: number;
  /** request body of an importDataset mutation */
  maxImportBodyBytes: number;
  /** lexical tokens in a GraphQL document */
  maxTokens: number;
  /** field nesting (a root field is depth 1; introspection fields are not counted) */
  maxDepth: number;
  /** aliased fields in the executed operation, fragments included */
  maxAliases: number;
  /** query cost: list fields count their page size (first/last) times their selection */
  maxComplexity: number;
  /** requestPlan's options.timeLimitSeconds */
  maxSolveTimeLimitSeconds: number;
  /**
   * columns of the LP a requestPlan would build. 2,000,000 holds the 24-hour plan of 300 sites × 200
   * regions (1.94 M columns; native CLP 73 s, 1.1 GB, on the shared 2-core machine) and 2000 × 400 in
   * steady state (1.08 M; CLP 31 s, HiGHS with column generation 307 s): bench/README.md
   */
  maxModelVariables: number;
  introspection: boolean;
  graphiql: boolean;
  /** origins allowed by CORS; empty = no CORS headers (same-origin only) */
  corsOrigins: string[];
  /** requestPlan and resolvePlan, per caller */
  planRequestRate: RateLimit;
  /** importDataset, per caller */
  importRate: RateLimit;
  /** subscriptions (planUpdated) one API key may have open at once in a process */
  maxSubscriptionsPerKey: number;
}

export const MIB = 1024 * 1024;

/** Defaults for a server on loopback (introspection and GraphiQL on). */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBodyBytes: 1 * MIB,
  maxImportBodyBytes: 32 * MIB,
  maxTokens: 5000,
  maxDepth: 10,
  maxAliases: 15,
  maxComplexity: 50_000,
  maxSolveTimeLimitSeconds: 600,
  maxModelVariables: 2_000_000,
  introspection: true,
  graphiql: true,
  corsOrigins: [],
  planRequestRate: { perMinute: 10, burst: 5 },
  importRate: { perMinute: 6, burst: 3 },
  maxSubscriptionsPerKey: 20,
});

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const rate = z.coerce.number().int().min(0).max(1_000_000);

const origin = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'must be an origin such as https://planner.example.com (scheme and host, no path)');

/** Spread into the environment schema of src/config.ts. */
export const LIMITS_ENV = {
  TOKENGRID_MAX_BODY_BYTES: positiveInt(1024 * MIB).default(DEFAULT_LIMITS.maxBodyBytes),
  TOKENGRID_MAX_IMPORT_BODY_BYTES: positiveInt(1024 * MIB).default(DEFAULT_LIMITS.maxImportBodyBytes),
  TOKENGRID_MAX_TOKENS: positiveInt(1_000_000).default(DEFAULT_LIMITS.maxTokens),
  TOKENGRID_MAX_DEPTH: positiveInt(1000).default(DEFAULT_LIMITS.maxDepth),
  TOKENGRID_MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_LIMITS.maxAliases),
  TOKENGRID_MAX_COMPLEXITY: positiveInt(100_000_000).default(DEFAULT_LIMITS.maxComplexity),
  TOKENGRID_MAX_SOLVE_TIME_LIMIT_SECONDS: z.coerce
    .number()
    .positive()
    .max(86_400)
    .default(DEFAULT_LIMITS.maxSolveTimeLimitSeconds),
  TOKENGRID_MAX_MODEL_VARIABLES: positiveInt(100_000_000).default(DEFAULT_LIMITS.maxModelVariables),
  TOKENGRID_INTROSPECTION: flag.optional(),
  TOKENGRID_GRAPHIQL: flag.optional(),
  TOKENGRID_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  TOKENGRID_PLAN_REQUESTS_PER_MINUTE: rate.default(DEFAULT_LIMITS.planRequestRate.perMinute),
  TOKENGRID_PLAN_REQUEST_BURST: positiveInt(1_000_000).default(DEFAULT_LIMITS.planRequestRate.burst),
  TOKENGRID_IMPORTS_PER_MINUTE: rate.default(DEFAULT_LIMITS.importRate.perMinute),
  TOKENGRID_IMPORT_BURST: positiveInt(1_000_000).default(DEFAULT_LIMITS.importRate.burst),
  TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY: positiveInt(100_000).default(DEFAULT_LIMITS.maxSubscriptionsPerKey),
};

export type LimitsEnv = z.output<z.ZodObject<typeof LIMITS_ENV>>;

export function limitsFromEnv(env: LimitsEnv, host: string): Limits {
  const loopback = isLoopbackHost(host);
  return {
    maxBodyBytes: env.TOKENGRID_MAX_BODY_BYTES,
    maxImportBodyBytes: Math.max(env.TOKENGRID_MAX_IMPORT_BODY_BYTES, env.TOKENGRID_MAX_BODY_BYTES),
    maxTokens: env.TOKENGRID_MAX_TOKENS,
    maxDepth: env.TOKENGRID_MAX_DEPTH,
    maxAliases: env.TOKENGRID_MAX_ALIASES,
    maxComplexity: env.TOKENGRID_MAX_COMPLEXITY,
    maxSolveTimeLimitSeconds: env.TOKENGRID_MAX_SOLVE_TIME_LIMIT_SECONDS,
    maxModelVariables: env.TOKENGRID_MAX_MODEL_VARIABLES,
    introspection: env.TOKENGRID_INTROSPECTION ?? loopback,
    graphiql: env.TOKENGRID_GRAPHIQL ?? loopback,
    corsOrigins: env.TOKENGRID_CORS_ORIGINS,
    planRequestRate: { perMinute: env.TOKENGRID_PLAN_REQUESTS_PER_MINUTE, burst: env.TOKENGRID_PLAN_REQUEST_BURST },
    importRate: { perMinute: env.TOKENGRID_IMPORTS_PER_MINUTE, burst: env.TOKENGRID_IMPORT_BURST },
    maxSubscriptionsPerKey: env.TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY,
  };
}
