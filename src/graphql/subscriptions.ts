// Open subscriptions: at most so many per API key in this process, and each
// one ends, with an UNAUTHENTICATED error, once its key is revoked or expires
// (checked on every event and every few seconds between them, through a
// short-lived cache: src/auth/authenticate.ts KeyRecheck).
import { GraphQLError } from 'graphql';
import { KeyRecheck, unauthenticatedError, type Auth, type AuthFailure } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import type { ErrorCode } from '../errors.js';

/** How often an open stream with no event re-checks its key. */
export const KEY_RECHECK_INTERVAL_MS = 5_000;

/** What a guarded stream yields instead of an event once its key stops being usable. */
export interface KeyLost {
  keyLost: AuthFailure;
}

export const isKeyLost = (value: unknown): value is KeyLost =>
  typeof value === 'object' && value !== null && 'keyLost' in value;

/** The error event that ends a stream whose key was revoked or expired. */
export const keyLostError = (value: KeyLost): GraphQLError => unauthenticatedError(value.keyLost);

export class SubscriptionGuard {
  private readonly open = new Map<string, number>();
  private readonly recheck: KeyRecheck;

  constructor(
    db: Database,
    private readonly maxPerKey: number,
    private readonly recheckIntervalMs = KEY_RECHECK_INTERVAL_MS,
  ) {
    this.recheck = new KeyRecheck(db);
  }

  /** Streams open for one caller now. */
  openFor(caller: string): number {
    return this.open.get(caller) ?? 0;
  }

  /**
   * Takes a slot for the caller (or refuses past the limit) and answers
   * `inner` wrapped: the slot is given back when the stream ends for any
   * reason, and the stream ends once the key is no longer usable.
   */
  follow<T>(auth: Auth, inner: AsyncIterator<T>): AsyncIterableIterator<T | KeyLost> {
    // without a key (the loopback default, in-process callers) every such caller shares one count
    const caller = auth.keyId ?? `${auth.source}:${auth.keyName ?? ''}`;
    const count = this.openFor(caller);
    if (count >= this.maxPerKey) {
      void inner.return?.();
      throw new GraphQLError(
        `This API key already has ${count} open subscriptions; the limit is ${this.maxPerKey} (TOKENGRID_MAX_SUBSCRIPTIONS_PER_KEY). Close one first.`,
        { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' satisfies ErrorCode, limit: this.maxPerKey } },
      );
    }
    this.open.set(caller, count + 1);
    const keyId = auth.source === 'key' ? auth.keyId : null;
    const check = async (): Promise<AuthFailure | null> => {
      if (!keyId) return null;
      try {
        return await this.recheck.failure(keyId);
      } catch {
        // the database did not answer: the stream's own read fails too; the key is checked again next time
        return null;
      }
    };

    let ended = false;
    let pending: Promise<IteratorResult<T>> | null = null;
    const end = async () => {
      if (ended) return;
      ended = true;
      const left = this.openFor(caller) - 1;
      if (left > 0) this.open.set(caller, left);
      else this.open.delete(caller);
      await inner.return?.();
    };
    const done = (): IteratorResult<T | KeyLost> => ({ value: undefined, done: true });
    const interval = this.recheckIntervalMs;

    return {
      async next(): Promise<IteratorResult<T | KeyLost>> {
        while (!ended) {
          pending ??= inner.next();
          let timer: NodeJS.Timeout | undefined;
          const tick = new Promise<'tick'>((resolve) => {
            timer = setTimeout(() => resolve('tick'), interval);
          });
          const first = await Promise.race([pending, tick]);
          clearTimeout(timer);
          if (first !== 'tick') pending = null;
          if (first !== 'tick' && first.done) {
            await end();
            return done();
          }
          const failure = await check();
          if (failure) {
            await end();
            return { value: { keyLost: failure }, done: false };
          }
          if (first !== 'tick') return first;
        }
        return done();
      },
      async return() {
        await end();
        return done();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
