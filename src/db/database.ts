// Opens the configured database: PGlite (embedded, a local data directory) or a
// PostgreSQL server. Both speak the same schema and are reached by Prisma through
// a driver adapter; `query`/`exec` give raw SQL to migrations and the job queue.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { DatabaseConfig } from '../config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { NotificationListener, type NotificationHandlers } from './notifications.js';

export interface Database {
  readonly kind: DatabaseConfig['kind'];
  /** where it lives, for messages (data directory or URL without password) */
  readonly location: string;
  readonly prisma: PrismaClient;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** One parameterized statement. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements without parameters. */
  exec(sql: string): Promise<void>;
  /**
   * SQL as the job queue (pg-boss) sends it: parameterized single statements,
   * or several statements without parameters; answers the last one's rows.
   */
  executeSql(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /**
   * Hears NOTIFY on `channel` from every process on the database (src/db/notifications.ts):
   * answers the unsubscribe once listening, or once the connection could not be made (it is
   * retried; `onResumed` follows). The embedded database has one process: nothing arrives.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<() => void>;
  /** The embedded engine itself, when embedded (tests dump it as a template). */
  readonly pglite?: PGlite;
  /** the data directory's lock, when embedded on disk (this process is its one owner until close) */
  readonly lock?: DataDirLock;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** a dumped PGlite data directory to start from (tests: a migrated template) */
  loadDataDir?: Blob | File;
  /** called with each SQL statement Prisma sends (tests count queries per operation) */
  onQuery?: (sql: string) => void;
  /** who holds an embedded data directory, for the message another process gets (default: this command line) */
  command?: string;
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<Database> {
  return config.kind === 'pglite' ? openPglite(config.dataDir, options) : openPostgres(config, options);
}

/** What a PostgreSQL connection waits at most, when the configuration does not say (src/config.ts). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** The client gives up on an answer this long after the server would have cancelled the statement. */
const ANSWER_MARGIN_MS = 2_000;

/**
 * The pool's bounds on every wait, so a database that refuses, stops answering
 * or is cut off (a black-holed connection) fails each request within a known time:
 * a connection (new, or a free one from the pool) within the connect timeout, a
 * statement within the statement timeout (PostgreSQL cancels it), and its answer
 * within that plus a margin (the client gives up: nothing came back at all).
 */
export function poolOptions(config: Extract<DatabaseConfig, { kind: 'postgres' }>): pg.PoolConfig {
  const connectTimeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const statementTimeoutMs = config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    connectionString: config.url,
    max: 10,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    // a transaction left open by a client that went away must not hold its locks for ever
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    query_timeout: statementTimeoutMs + ANSWER_MARGIN_MS,
    keepAlive: true,
  };
}

/** The LISTEN connection's bounds: as the pool's, and TCP keepalive soon, to notice a connection cut off. */
function listenerOptions(config: Extract<DatabaseConfig, { kind: 'postgres' }>): pg.ClientConfig {
  const { connectionString, connectionTimeoutMillis, query_timeout } = poolOptions(config);
  return {
    connectionString,
    connectionTimeoutMillis,
    query_timeout,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

function prismaClient(adapterFactory: SqlMigrationAwareDriverAdapterFactory, options: OpenOptions): PrismaClient {
  if (!options.onQuery) return new PrismaClient({ adapter: adapterFactory });
  const client = new PrismaClient({ adapter: adapterFactory, log: [{ emit: 'event', level: 'query' }] });
  const onQuery = options.onQuery;
  client.$on('query', (event) => onQuery(event.query));
  return client;
}

async function openPglite(dataDir: string, options: OpenOptions): Promise<Database> {
  // ':memory:' keeps nothing on disk (tests); anything else is a directory
  const inMemory = dataDir === ':memory:';
  let lock: DataDirLock | undefined;
  if (!inMemory) {
    await mkdir(dataDir, { recursive: true });
    // before PGlite touches the directory: a second owner corrupts it (DatabaseLockedError)
    lock = acquireDataDirLock(dataDir, options.command);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(inMemory ? {} : { dataDir }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = prismaClient(adapterFactory, options);
  return {
    kind: 'pglite',
    location: inMemory ? 'in memory' : dataDir,
    prisma,
    adapterFactory,
    pglite,
    ...(lock ? { lock } : {}),
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pglite.query<Row>(sql, params)).rows;
    },
    async exec(sql: string) {
      await pglite.exec(sql);
    },
    async executeSql(sql: string, params: unknown[] = []) {
      // PGlite's `query` takes exactly one statement (extended protocol); `exec` takes several
      if (params.length > 0) return { rows: (await pglite.query<Record<string, unknown>>(sql, params)).rows };
      const results = await pglite.exec(sql);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    },
    // every writer is in this process, whose own events (src/db/plan-events.ts) say it all
    listen: async () => () => {},
    async close() {
      try {
        await prisma.$disconnect();
        if (!pglite.closed) await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function openPostgres(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  options: OpenOptions,
): Promise<Database> {
  const url = config.url;
  const pool = new pg.Pool(poolOptions(config));
  // an idle client that loses its server must not crash the process
  pool.on('error', () => {});
  const adapterFactory = new PrismaPg(pool);
  const prisma = prismaClient(adapterFactory, options);
  // connects on the first listen: a short command that listens to nothing opens no extra connection
  const listener = new NotificationListener(listenerOptions(config));
  return {
    kind: 'postgres',
    location: redactUrl(url),
    prisma,
    adapterFactory,
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async executeSql(sql: string, params: unknown[] = []) {
      // without parameters pg uses the simple protocol and answers one result per statement
      const result = (await pool.query(sql, params)) as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
    },
    listen: (channel, handlers) => listener.listen(channel, handlers),
    async close() {
      await listener.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** A server records where it listens in its data directory's lock, so another process's refusal can point at it. */
export function recordServerUrl(db: Database, url: string): void {
  db.lock?.recordUrl(url);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
