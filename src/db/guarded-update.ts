// Optimistic concurrency for the update mutations: a row's updatedAt is its
// version. A client that read the row sends the updatedAt it saw
// (expectedUpdatedAt) and the write is one compare-and-set,
// UPDATE … WHERE id = ? AND updated_at = ?, so of twenty read-modify-write
// clients racing on one row exactly one wins each round and the others are told,
// never silently overwritten. Every write moves updatedAt forward by at least
// 1 ms (the column's precision), so no two versions of a row share one.

export type GuardedUpdate =
  | { outcome: 'updated' }
  /** the row does not exist (any more) */
  | { outcome: 'missing' }
  /** the row was changed since the expected updatedAt: nothing was written */
  | { outcome: 'changed'; currentUpdatedAt: Date };

export interface GuardedWrite {
  /** the row's updatedAt now, or null when there is no such row */
  current(): Promise<Date | null>;
  /** updates the row where its updatedAt is `expected`, setting it to `next`; answers the rows updated (0 or 1) */
  write(expected: Date, next: Date): Promise<number>;
}

/** An updatedAt later than `previous` (and never earlier than now). */
export function nextUpdatedAt(previous: Date): Date {
  return new Date(Math.max(Date.now(), previous.getTime() + 1));
}

/**
 * The write, only if the row's updatedAt is still `expectedUpdatedAt`. Without
 * one, the write wins whatever came before (last writer wins), still as a
 * compare-and-set on the updatedAt read just before, retried when another
 * write came between, so updatedAt stays a version.
 */
export async function updateIfUnchanged(
  row: GuardedWrite,
  expectedUpdatedAt: Date | null | undefined,
): Promise<GuardedUpdate> {
  for (;;) {
    const base = expectedUpdatedAt ?? (await row.current());
    if (base === null) return { outcome: 'missing' };
    if ((await row.write(base, nextUpdatedAt(base))) === 1) return { outcome: 'updated' };
    const current = await row.current();
    if (current === null) return { outcome: 'missing' };
    if (expectedUpdatedAt != null) return { outcome: 'changed', currentUpdatedAt: current };
  }
}
