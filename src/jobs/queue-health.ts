// The job queue while its database is away: pg-boss polls on (every worker
// loop, the timekeeper, the supervisor) and reports each failure. Here those
// failures are logged once when the database stops answering, once more each
// minute while it stays away, and once when it answers again; and after a
// connection failure the queue's own statements fail at once, without touching
// the database, for a window that doubles up to 15 s (one real try per window).
// The API's queries do not go through here.
import type { Logger } from '../observability/logger.js';

const FIRST_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 15_000;
const REMINDER_MS = 60_000;

/** Node's socket errors and PostgreSQL's connection classes (08, 57P: the server shut down) */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** A failure to reach the database at all, as opposed to a statement that failed on a database that answers. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|57P)/.test(code))) return true;
  return /timeout exceeded when trying to connect|Query read timeout|Connection terminated|connect ECONNREFUSED/i.test(
    error.message,
  );
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export class QueueHealth {
  private failingSince: number | null = null;
  private suppressed = 0;
  private lastLineAt = 0;
  private windowMs = 0;
  private retryAt = 0;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs one of the queue's statements, or refuses it at once while the database is known to be away. */
  async run<T>(statement: () => Promise<T>): Promise<T> {
    if (this.failingSince !== null && this.now() < this.retryAt) {
      throw new DatabaseUnavailableError(
        `the database did not answer; the job queue tries again in ${Math.ceil((this.retryAt - this.now()) / 1000)} s`,
      );
    }
    try {
      const result = await statement();
      this.answered();
      return result;
    } catch (error) {
      if (isConnectionFailure(error)) this.unreachable();
      throw error;
    }
  }

  /** pg-boss's `error` event: logged unless the database is already known to be away. */
  error(error: unknown): void {
    if (this.failingSince === null) {
      this.logger.error({ err: error }, 'job queue error');
      return;
    }
    this.suppressed += 1;
    const now = this.now();
    if (now - this.lastLineAt >= REMINDER_MS) {
      this.lastLineAt = now;
      this.logger.warn(
        { err: error, failingForMs: now - this.failingSince, suppressedErrors: this.suppressed },
        'job queue: the database still does not answer',
      );
    }
  }

  private unreachable(): void {
    const now = this.now();
    this.windowMs = this.windowMs === 0 ? FIRST_WINDOW_MS : Math.min(this.windowMs * 2, MAX_WINDOW_MS);
    this.retryAt = now + this.windowMs;
    if (this.failingSince !== null) return;
    this.failingSince = now;
    this.suppressed = 0;
    this.lastLineAt = now;
    this.logger.error(
      { retryInMs: this.windowMs },
      'job queue: the database does not answer; jobs wait until it does (one line a minute meanwhile)',
    );
  }

  private answered(): void {
    if (this.failingSince === null) return;
    this.logger.info(
      { failedForMs: this.now() - this.failingSince, suppressedErrors: this.suppressed },
      'job queue: the database answers again',
    );
    this.failingSince = null;
    this.windowMs = 0;
    this.retryAt = 0;
  }
}
