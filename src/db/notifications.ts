// Notifications between the processes sharing one PostgreSQL database (LISTEN/
// NOTIFY): one dedicated connection per Database listens on every channel for
// every listener in the process, and is opened again when it is lost (the
// server restarted, the backend terminated). What NOTIFY sends while it is down
// is lost, so listeners are told when it is back (`onResumed`) and re-read what
// they follow; they also keep a slow poll for a connection that hangs unnoticed.
import pg from 'pg';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export interface NotificationHandlers {
  /** a NOTIFY on the channel, from any process (this one included) */
  onNotify(payload: string): void;
  /** the connection was lost and is listening again: notifications may have been missed meanwhile */
  onResumed?(): void;
}

/** The LISTEN connection's `application_name`: what an operator (or a test) finds it by in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'tokengrid-listen';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/** Channel names are our own constants, quoted anyway: never a client's text in SQL. */
function quotedChannel(channel: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return `"${channel}"`;
}

/**
 * Sends `payload` on `channel` through `client`. Inside a transaction it is
 * delivered when that commits, and never when it rolls back.
 */
export async function sendNotification(
  client: PrismaClient | Prisma.TransactionClient,
  channel: string,
  payload: string,
): Promise<void> {
  await client.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
}

export class NotificationListener {
  private readonly channels = new Map<string, Set<NotificationHandlers>>();
  /** the connection listening now, or the attempt under way (null: none, or it failed) */
  private connection: Promise<{ client: pg.Client; listening: Set<string> } | null> | null = null;
  private retryMs = FIRST_RETRY_MS;
  private retry: NodeJS.Timeout | null = null;
  /** a connection was tried before: any later one resumes after a gap */
  private tried = false;
  private closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  /**
   * Calls `handlers` for every NOTIFY on `channel`; answers the unsubscribe
   * once the channel is listened to, or once the connection could not be made
   * (it is tried again in the background, and `onResumed` called when it is).
   */
  async listen(channel: string, handlers: NotificationHandlers): Promise<() => void> {
    const quoted = quotedChannel(channel);
    let listeners = this.channels.get(channel);
    if (!listeners) this.channels.set(channel, (listeners = new Set()));
    listeners.add(handlers);
    // a channel stays listened to when its last listener leaves: it is one of a few constants
    const unlisten = () => void listeners.delete(handlers);
    if (this.closed) return unlisten;
    const current = await (this.connection ??= this.connect());
    if (current && !current.listening.has(channel)) {
      try {
        await current.client.query(`LISTEN ${quoted}`);
        current.listening.add(channel);
      } catch {
        // the connection broke: its error handler reconnects and listens on every channel
      }
    }
    return unlisten;
  }

  private async connect(): Promise<{ client: pg.Client; listening: Set<string> } | null> {
    const resumed = this.tried;
    this.tried = true;
    const client = new pg.Client({ ...this.config, application_name: LISTENER_APPLICATION_NAME });
    const listening = new Set<string>();
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      this.connection = null;
      this.scheduleRetry();
    };
    // the error comes with the end: both mean the same here, and neither may crash the process
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', ({ channel, payload }) => {
      for (const handlers of this.channels.get(channel) ?? []) handlers.onNotify(payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of [...this.channels.keys()]) {
        await client.query(`LISTEN ${quotedChannel(channel)}`);
        listening.add(channel);
      }
    } catch {
      onLost();
      return null;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return null;
    }
    this.retryMs = FIRST_RETRY_MS;
    if (resumed) for (const listeners of this.channels.values()) for (const h of listeners) h.onResumed?.();
    return { client, listening };
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && !this.connection) this.connection = this.connect();
    }, this.retryMs);
    // a process with nothing else to do must not stay up for this
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const current = await this.connection;
    this.connection = null;
    if (current) {
      current.client.removeAllListeners('end');
      current.client.removeAllListeners('error');
      current.client.on('error', () => {});
      await current.client.end().catch(() => {});
    }
  }
}
