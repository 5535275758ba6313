// Plan status changes made by this process, announced by the plan store
// (plan-store.ts) as it writes them: the cheap, instant source for planUpdated
// subscriptions and the worker's log. Changes made by other processes are not
// seen here (subscribers also poll the database).
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { PlanStatus } from '../generated/prisma/client.js';

export interface PlanStatusChange {
  planId: string;
  status: PlanStatus;
}

const emitter = new EventEmitter();
// one listener per open subscription: many are normal, not a leak
emitter.setMaxListeners(0);

const EVENT = 'status';

/** Changes written inside an `announcedAfter` run: held until it has returned (its transaction committed). */
const held = new AsyncLocalStorage<PlanStatusChange[]>();

export function notifyPlanStatus(change: PlanStatusChange): void {
  const pending = held.getStore();
  if (pending) pending.push(change);
  else emitter.emit(EVENT, change);
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
