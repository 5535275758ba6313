// Environment parsed once, at start-up. A bad value stops the process with a
// message that names the variable.
import { z } from 'zod';
import { LIMITS_ENV, limitsFromEnv, type Limits } from './limits-config.js';
import { parseDestinationAllow, type DestinationAllow } from './net.js';

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
  TOKENGRID_QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(120),
  TOKENGRID_CRON_MONITOR_SECONDS: z.coerce.number().int().min(1).max(45).default(30),
  TOKENGRID_CRON_WORKER_SECONDS: z.coerce.number().int().min(1).max(45).default(5),
  TOKENGRID_MAX_RUNNING_PLANS_PER_KEY: z.coerce.number().int().min(1).max(1_000).default(2),
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
  /** how often the queue expires stuck jobs and archives old ones */
  queueMaintenanceSeconds: number;
  /** how often schedules are evaluated, and how often a tick is picked up (pg-boss timekeeper) */
  cronMonitorSeconds: number;
  cronWorkerSeconds: number;
  /** plans one API key may have RUNNING at once; more stay QUEUED */
  maxRunningPlansPerKey: number;
  /** request limits, introspection, GraphiQL, CORS and rate limits */
  limits: Limits;
  /** loopback, private, link-local and metadata destinations a schedule's webhook may still reach */
  webhookAllow: DestinationAllow;
  /** the structured log's level (JSON lines on stdout) */
  logLevel: (typeof LOG_LEVELS)[number];
};

export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

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
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dataDir: e.TOKENGRID_DATA_DIR },
    seedFixtures: e.TOKENGRID_SEED_FIXTURES,
    solveConcurrency: e.TOKENGRID_SOLVE_CONCURRENCY,
    solveJobExpireSeconds: e.TOKENGRID_SOLVE_JOB_EXPIRE_SECONDS ?? null,
    queueMaintenanceSeconds: e.TOKENGRID_QUEUE_MAINTENANCE_SECONDS,
    cronMonitorSeconds: e.TOKENGRID_CRON_MONITOR_SECONDS,
    cronWorkerSeconds: e.TOKENGRID_CRON_WORKER_SECONDS,
    maxRunningPlansPerKey: e.TOKENGRID_MAX_RUNNING_PLANS_PER_KEY,
    limits: limitsFromEnv(e, e.HOST),
    webhookAllow: e.TOKENGRID_WEBHOOK_ALLOW,
    logLevel: e.LOG_LEVEL,
  };
}
