// Following one plan until it is final: yields the plan id at once and again on
// every status change seen. Changes are heard as they are written, in this
// process or (PostgreSQL NOTIFY) in another one (src/db/plan-events.ts); the
// plan is read again every `pollMs` as well, a safety net for a notification lost.
import type { Database } from '../db/database.js';
import { watchPlanStatus } from '../db/plan-events.js';
import { isFinal } from '../db/plan-store.js';
import type { PlanStatus } from '../generated/prisma/client.js';

export const PLAN_UPDATES_POLL_MS = 2_000;

/**
 * An iterator over a plan's status changes; it ends after the final status (or
 * when the plan is deleted). `return()` (a subscriber that leaves) stops it at
 * once, even in the middle of a wait.
 */
export function planStatusUpdates(
  db: Database,
  planId: string,
  { pollMs = PLAN_UPDATES_POLL_MS } = {},
): AsyncIterableIterator<string> {
  let closed = false;
  let finished = false;
  let lastStatus: PlanStatus | null = null;
  // listening before the first read, so no change falls between the two
  const watching = watchPlanStatus(db, planId);
  const close = () => {
    closed = true;
    void watching.then(
      (watch) => watch.close(),
      () => {},
    );
  };
  const done = (): IteratorResult<string> => ({ value: undefined, done: true });

  const next = async (): Promise<IteratorResult<string>> => {
    const watch = await watching;
    while (!closed && !finished) {
      const plan = await db.prisma.plan.findUnique({ where: { id: planId }, select: { status: true } });
      if (closed || !plan) break;
      if (plan.status !== lastStatus) {
        lastStatus = plan.status;
        finished = isFinal(plan.status);
        return { value: planId, done: false };
      }
      // at once when a change was heard during the read
      await watch.next(pollMs);
    }
    close();
    return done();
  };

  return {
    next,
    async return() {
      close();
      return done();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
