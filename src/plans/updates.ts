// Following one plan until it is final: yields the plan id at once and again on
// every status change seen. Changes written in this process arrive as events
// (instantly); changes written by another process (a separate worker) are
// found by reading the plan every `pollMs`.
import type { Database } from '../db/database.js';
import { isFinal } from '../db/plan-store.js';
import type { PlanStatus } from '../generated/prisma/client.js';
import { onPlanStatus } from '../db/plan-events.js';

export const PLAN_UPDATES_POLL_MS = 1_000;

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
  let changed = false;
  let lastStatus: PlanStatus | null = null;
  let wake: (() => void) | null = null;
  const unsubscribe = onPlanStatus((change) => {
    if (change.planId !== planId) return;
    changed = true;
    wake?.();
  });
  const close = () => {
    closed = true;
    unsubscribe();
    wake?.();
  };
  const done = (): IteratorResult<string> => ({ value: undefined, done: true });

  const next = async (): Promise<IteratorResult<string>> => {
    while (!closed && !finished) {
      changed = false;
      const plan = await db.prisma.plan.findUnique({ where: { id: planId }, select: { status: true } });
      if (closed || !plan) break;
      if (plan.status !== lastStatus) {
        lastStatus = plan.status;
        finished = isFinal(plan.status);
        return { value: planId, done: false };
      }
      // an event during the read: read again at once
      if (changed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
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
