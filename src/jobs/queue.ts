// The job queue: pg-boss 10 in the application's own database (schema `pgboss`),
// reached through the Database's `executeSql` on both engines, so jobs and data
// share one connection pool (PostgreSQL) or the one embedded engine (PGlite).
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Prisma } from '../generated/prisma/client.js';

export interface JobQueueOptions {
  /** expire stuck jobs and archive old ones (off in short-lived tests) */
  supervise?: boolean;
  /** how often an idle worker looks for jobs; in-process requests also wake it at once */
  pollingIntervalSeconds?: number;
}

export async function startJobQueue(db: Database, options: JobQueueOptions = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => db.executeSql(text, values ?? []) },
    // cron schedules are not used yet; a timekeeper would only poll for nothing
    schedule: false,
    supervise: options.supervise ?? true,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
  });
  // pg-boss reports background errors (a failed poll) as events: they must not crash the process
  boss.on('error', (error) => console.error(`job queue: ${error.message}`));
  await boss.start();
  return boss;
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
        value === undefined ? null : value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value,
      );
      return { rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...args) };
    },
  };
}
