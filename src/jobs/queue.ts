// The job queue: pg-boss 10 in the application's own database (schema `pgboss`),
// reached through the Database's `executeSql` on both engines, so jobs and data
// share one connection pool (PostgreSQL) or the one embedded engine (PGlite).
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Prisma } from '../generated/prisma/client.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { QueueHealth } from './queue-health.js';

export interface JobQueueOptions {
  /** expire stuck jobs and archive old ones (off in short-lived tests) */
  supervise?: boolean;
  /** how often an idle worker looks for jobs (at least 0.5 s); a job queued in this process, or NOTIFYed by another, wakes it at once */
  pollingIntervalSeconds?: number;
  /** how often the supervisor expires stuck jobs (a worker that died) and archives old ones (pg-boss default 120) */
  maintenanceIntervalSeconds?: number;
  /**
   * Run pg-boss's timekeeper (cron schedules; default on). Every instance may
   * run it: per interval only one evaluates the crons, and each tick is sent
   * once (a singleton per schedule and minute).
   */
  schedule?: boolean;
  /** how often the timekeeper evaluates the crons, 1–45 s (default 30) */
  cronMonitorIntervalSeconds?: number;
  /** how often a due tick is moved onto its schedule's queue, 1–45 s (default 5) */
  cronWorkerIntervalSeconds?: number;
}

export async function startJobQueue(
  db: Database,
  options: JobQueueOptions = {},
  logger: Logger = silentLogger,
): Promise<PgBoss> {
  // a database that goes away is logged once (not once per poll) and polled less often (src/jobs/queue-health.ts)
  const statements = new QueueStatements(db, new QueueHealth(logger), logger);
  const boss = new PgBoss({
    db: statements,
    schedule: options.schedule ?? true,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds ?? 5,
    supervise: options.supervise ?? true,
    ...(options.maintenanceIntervalSeconds !== undefined
      ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds }
      : {}),
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
  });
  // pg-boss reports background errors (a failed poll) as events: they must not crash the process
  boss.on('error', (error) => statements.health.error(error));
  // pg-boss records a finished job without awaiting it, and its stop does not
  // wait for that: the stop here does, so closing the database afterwards is safe
  const stop = boss.stop.bind(boss);
  boss.stop = async (stopOptions) => {
    await stop(stopOptions);
    await statements.close();
  };
  await boss.start();
  // the timekeeper creates its queue at start but ignores a failure (e.g. the
  // deadlock below, when several processes start on a new database at once)
  if (options.schedule ?? true) await ensureQueue(boss, TIMEKEEPER_QUEUE);
  return boss;
}

/**
 * The queue's statements: each goes through QueueHealth, and those still
 * running when the queue stops are waited for. A statement that comes later (a
 * handler that outlived the stop's timeout, recording its job) is not run, and
 * never answers: the database may be closed by then, and pg-boss does not await
 * that statement, so an error would be an unhandled rejection and an empty
 * answer breaks pg-boss. Its job was already failed by the stop ("pg-boss shut
 * down while active").
 */
class QueueStatements implements PgBoss.Db {
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly db: Database,
    readonly health: QueueHealth,
    private readonly logger: Logger,
  ) {}

  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    if (this.closed) {
      this.logger.warn({ statement: text.trim().slice(0, 80) }, 'job queue stopped: a late statement was not run');
      return new Promise(() => {});
    }
    const statement = this.health.run(() => this.db.executeSql(text, values ?? []));
    this.running.add(statement);
    const done = () => this.running.delete(statement);
    statement.then(done, done);
    return statement;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}

/** pg-boss 10's timekeeper moves due ticks onto their schedules' queues through this queue. */
const TIMEKEEPER_QUEUE = '__pgboss__send-it';

/**
 * createQueue, retried when PostgreSQL picks it as a deadlock victim: two
 * processes creating different new queues at once (each adds a partition with
 * a foreign key to pgboss.queue) can deadlock. Idempotent.
 */
export async function ensureQueue(boss: PgBoss, name: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

/**
 * pg-boss's `db` option for one statement inside a Prisma interactive
 * transaction, so a job is enqueued atomically with the rows that need it.
 */
export function transactionSql(tx: Prisma.TransactionClient): PgBoss.Db {
  return {
    async executeSql(text, values) {
      // Prisma binds plain JS values; pg-boss passes job data as an object and omits unset options
      const args = (values ?? []).map((value) =>
        value === undefined
          ? null
          : value !== null && typeof value === 'object' && !(value instanceof Date)
            ? JSON.stringify(value)
            : value,
      );
      return { rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...args) };
    },
  };
}
