// Plan status changes, as the plan store (plan-store.ts) writes them: announced
// in this process (the instant source for the worker's log and for waiters
// here) and, through NOTIFY, to every process on a PostgreSQL database, so an
// API hears at once what a separate worker wrote. `watchPlanStatus` follows one
// plan through both.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Prisma, PrismaClient, PlanStatus } from '../generated/prisma/client.js';
import type { Database } from './database.js';
import { sendNotification } from './notifications.js';

export interface PlanStatusChange {
  planId: string;
  status: PlanStatus;
}

const emitter = new EventEmitter();
// one listener per open subscription: many are normal, not a leak
emitter.setMaxListeners(0);

const EVENT = 'status';

/** The NOTIFY channel of plan status changes; its payload is the change as JSON. */
export const PLAN_STATUS_CHANNEL = 'tokengrid_plan_status';

/** Changes written inside an `announcedAfter` run: held until it has returned (its transaction committed). */
const held = new AsyncLocalStorage<PlanStatusChange[]>();

export function notifyPlanStatus(change: PlanStatusChange): void {
  const pending = held.getStore();
  if (pending) pending.push(change);
  else emitter.emit(EVENT, change);
}

/**
 * A status change just written through `client`: NOTIFY to the other processes
 * (inside a transaction, delivered at its commit and dropped by its rollback),
 * then announced here as notifyPlanStatus does.
 */
export async function announcePlanStatus(
  client: PrismaClient | Prisma.TransactionClient,
  change: PlanStatusChange,
): Promise<void> {
  await sendNotification(client, PLAN_STATUS_CHANNEL, JSON.stringify(change));
  notifyPlanStatus(change);
}

/**
 * Runs `write` (a transaction) holding back the status changes it announces:
 * they are announced once it returns, and dropped when it throws (rolled back),
 * so a listener never hears of a change other connections cannot see yet.
 */
export async function announcedAfter<T>(write: () => Promise<T>): Promise<T> {
  const pending: PlanStatusChange[] = [];
  const result = await held.run(pending, write);
  for (const change of pending) emitter.emit(EVENT, change);
  return result;
}

/** Calls `listener` on every status change written in this process; returns the unsubscribe. */
export function onPlanStatus(listener: (change: PlanStatusChange) => void): () => void {
  emitter.on(EVENT, listener);
  return () => emitter.off(EVENT, listener);
}

/** The plan id a NOTIFY payload names (null for anything else on the channel). */
function notifiedPlanId(payload: string): string | null {
  try {
    const parsed: unknown = JSON.parse(payload);
    const planId = (parsed as { planId?: unknown } | null)?.planId;
    return typeof planId === 'string' ? planId : null;
  } catch {
    return null;
  }
}

/** One plan's status changes, heard from this process and (PostgreSQL) every other one. */
export interface PlanStatusWatch {
  /**
   * Resolves on the next change heard (at once when one was heard since the
   * last call: the caller was reading meanwhile), after `timeoutMs` (the
   * safety poll), or on `close`.
   */
  next(timeoutMs: number): Promise<void>;
  close(): void;
}

/**
 * Starts watching `planId`; resolves once listening, so a read after it cannot
 * miss a change (a change committed before the read is seen by it, one after
 * it is heard). A lost LISTEN connection counts as a change once it is back.
 */
export async function watchPlanStatus(db: Database, planId: string): Promise<PlanStatusWatch> {
  let heard = false;
  let closed = false;
  let wake: (() => void) | null = null;
  const changed = () => {
    heard = true;
    wake?.();
  };
  const offHere = onPlanStatus((change) => {
    if (change.planId === planId) changed();
  });
  const offElsewhere = await db.listen(PLAN_STATUS_CHANNEL, {
    onNotify: (payload) => {
      if (notifiedPlanId(payload) === planId) changed();
    },
    onResumed: changed,
  });
  return {
    async next(timeoutMs) {
      if (!heard && !closed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      heard = false;
    },
    close() {
      closed = true;
      offHere();
      offElsewhere();
      wake?.();
    },
  };
}
