// Plan status changes made by this process, announced by the plan store
// (plan-store.ts) as it writes them: the cheap, instant source for planUpdated
// subscriptions and the worker's log. Changes made by other processes are not
// seen here (subscribers also poll the database).
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

export function notifyPlanStatus(change: PlanStatusChange): void {
  emitter.emit(EVENT, change);
}

/** Calls `listener` on every status change written in this process; returns the unsubscribe. */
export function onPlanStatus(listener: (change: PlanStatusChange) => void): () => void {
  emitter.on(EVENT, listener);
  return () => emitter.off(EVENT, listener);
}
