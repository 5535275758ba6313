// Environment parsed once, at start-up. A bad value stops the process with a
// message that names the variable.
import { z } from 'zod';
import { LIMITS_ENV, limitsFromEnv, type Limits } from './limits-config.js';
import { isLoopbackHost, parseDestinationAllow, parseHostHeader, type DestinationAllow } from './net.js';

/** pino's levels (src/observability/logger.ts), listed here so the configuration loads no logger */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  TOKENGRID_DATA_DIR: z.string().min(1).default('./data'),
  TOKENGRID_SEED_FIXTURES: booleanFlag.default(true),
  TOKENGRID_SOLVE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  TOKENGRID_SOLVE_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  // pg-boss 10 polls at most every 0.5 s; queued jobs also wake idle workers at once (NOTIFY)
  TOKENGRID_WORKER_POLL_SECONDS: z.coerce.number().min(0.5).max(600).default(2),
  TOKENGRID_QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(120),
  TOKENGRID_CRON_MONITOR_SECONDS: z.coerce.number().int().min(1).max(45).default(30),
  TOKENGRID_CRON_WORKER_SECONDS: z.coerce.number().int().min(1).max(45).default(5),
  TOKENGRID_MAX_RUNNING_PLANS_PER_KEY: z.coerce.number().int().min(1).max(1_000).default(2),
  TOKENGRID_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine((entry) => parseHostHeader(entry) !== null, {
          error: (issue) =>
            `"${String(issue.input)}" is not a host name, optionally with :port (e.g. planner.example.com:4000)`,
        }),
      ),
    ),
  TOKENGRID_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  TOKENGRID_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  TOKENGRID_SOLVE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  TOKENGRID_SOLVE_LOST_SECONDS: z.coerce.number().int().min(3).max(3_600).default(45),
  TOKENGRID_WEBHOOK_ALLOW: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const parsed = parseDestinationAllow(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      }
      return parsed.allow;
    }),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // request limits, introspection, GraphiQL, CORS, rate limits (src/limits-config.ts)
  ...LIMITS_ENV,
});

export type Config = {
  port: number;
  host: string;
  database: DatabaseConfig;
  seedFixtures: boolean;
  /** plan solves this process runs at a time */
  solveConcurrency: number;
  /** how long a solve job may stay active before the queue expires it and another worker retries it (null: the solve's deadline + 60 s) */
  solveJobExpireSeconds: number | null;
  /** how often an idle solve worker looks for jobs it was not told of */
  workerPollSeconds: number;
  /** how often the queue expires stuck jobs and archives old ones */
  queueMaintenanceSeconds: number;
  /** how often schedules are evaluated, and how often a tick is picked up (pg-boss timekeeper) */
  cronMonitorSeconds: number;
  cronWorkerSeconds: number;
  /** plans one API key may have RUNNING at once; more stay QUEUED */
  maxRunningPlansPerKey: number;
  /** how often a solving worker writes its plan's heartbeat, and how often RUNNING plans are checked for lost workers */
  solveHeartbeatSeconds: number;
  /** a RUNNING plan whose heartbeat is older than this has lost its worker: its job is retried (or the plan FAILED) */
  solveLostSeconds: number;
  /** request limits, introspection, GraphiQL, CORS and rate limits */
  limits: Limits;
  /** loopback, private, link-local and metadata destinations a schedule's webhook may still reach */
  webhookAllow: DestinationAllow;
  /** the structured log's level (JSON lines on stdout) */
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * Host header values answered besides the loopback names (src/server/host-check.ts); null:
   * every Host is answered (a network address without TOKENGRID_ALLOWED_HOSTS: keys are required there)
   */
  allowedHosts: string[] | null;
};

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | {
      kind: 'postgres';
      url: string;
      /** how long to wait for a connection, new or from the pool (default 5000) */
      connectTimeoutMs?: number;
      /** the longest a statement may run, and wait for its answer (default 30000) */
      statementTimeoutMs?: number;
    };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TOKENGRID_SOLVE_LOST_SECONDS < 2 * e.TOKENGRID_SOLVE_HEARTBEAT_SECONDS) {
    throw new ConfigError(
      `Invalid environment:\n  TOKENGRID_SOLVE_LOST_SECONDS: must be at least twice TOKENGRID_SOLVE_HEARTBEAT_SECONDS (${e.TOKENGRID_SOLVE_HEARTBEAT_SECONDS} s), got ${e.TOKENGRID_SOLVE_LOST_SECONDS}`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          connectTimeoutMs: e.TOKENGRID_DB_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: e.TOKENGRID_DB_STATEMENT_TIMEOUT_MS,
        }
      : { kind: 'pglite', dataDir: e.TOKENGRID_DATA_DIR },
    seedFixtures: e.TOKENGRID_SEED_FIXTURES,
    solveConcurrency: e.TOKENGRID_SOLVE_CONCURRENCY,
    solveJobExpireSeconds: e.TOKENGRID_SOLVE_JOB_EXPIRE_SECONDS ?? null,
    workerPollSeconds: e.TOKENGRID_WORKER_POLL_SECONDS,
    queueMaintenanceSeconds: e.TOKENGRID_QUEUE_MAINTENANCE_SECONDS,
    cronMonitorSeconds: e.TOKENGRID_CRON_MONITOR_SECONDS,
    cronWorkerSeconds: e.TOKENGRID_CRON_WORKER_SECONDS,
    maxRunningPlansPerKey: e.TOKENGRID_MAX_RUNNING_PLANS_PER_KEY,
    solveHeartbeatSeconds: e.TOKENGRID_SOLVE_HEARTBEAT_SECONDS,
    solveLostSeconds: e.TOKENGRID_SOLVE_LOST_SECONDS,
    limits: limitsFromEnv(e, e.HOST),
    webhookAllow: e.TOKENGRID_WEBHOOK_ALLOW,
    logLevel: e.LOG_LEVEL,
    // on loopback the Host is always checked (DNS rebinding); elsewhere only when names are configured
    allowedHosts: isLoopbackHost(e.HOST) || e.TOKENGRID_ALLOWED_HOSTS.length > 0 ? e.TOKENGRID_ALLOWED_HOSTS : null,
  };
}
