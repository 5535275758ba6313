// Stopping the job queue, then closing the database: pg-boss records a finished
// job without awaiting the statement, and its own stop does not wait for it, so
// the statement could reach a closed pool ("Cannot use a pool after calling end
// on the pool", an unhandled rejection; seen in CI). The queue's stop waits for
// the statements still running, and one that comes after the stop is not run.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ensureQueue, startJobQueue } from '../../src/jobs/queue.js';
import { openTestDatabase } from '../helpers/database.js';
import { until } from '../helpers/until.js';

const QUEUE = { supervise: false, pollingIntervalSeconds: 0.5, schedule: false };
const STOP = { graceful: true, wait: true, close: false, timeout: 1_000 };

let db: Database;
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** a handler that runs until released, then fails */
function heldHandler() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  return {
    release,
    started: () => started,
    handler: async () => {
      started = true;
      await released;
      throw new Error('the job failed');
    },
  };
}

async function jobState(id: string): Promise<string> {
  const rows = await db.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [id]);
  return rows[0]?.state ?? 'gone';
}

it('waits for the statement that records a job finishing during the stop', async () => {
  // the statement that records a failure takes 1.5 s, longer than pg-boss's stop waits
  const slowFail: Database = {
    ...db,
    executeSql: async (sql, params) => {
      if (/state < 'completed'/.test(sql) && /DELETE FROM/.test(sql)) await new Promise((r) => setTimeout(r, 1_500));
      return db.executeSql(sql, params);
    },
  };
  const boss = await startJobQueue(slowFail, QUEUE);
  await ensureQueue(boss, 'stop-drain');
  const held = heldHandler();
  await boss.work('stop-drain', held.handler);
  const id = (await boss.send('stop-drain', {}, { retryLimit: 0 }))!;
  await until('the handler to start', async () => held.started());

  const stopped = boss.stop(STOP);
  held.release();
  await stopped;

  expect(await jobState(id)).toBe('failed');
  expect(unhandled).toEqual([]);
});

it('does not run a statement that comes after the stop, when the database may be closed', async () => {
  const own = await openTestDatabase();
  const boss = await startJobQueue(own, QUEUE);
  await ensureQueue(boss, 'stop-late');
  const held = heldHandler();
  await boss.work('stop-late', held.handler);
  const id = (await boss.send('stop-late', {}, { retryLimit: 0 }))!;
  await until('the handler to start', async () => held.started());

  // the handler outlives the stop's 1 s: pg-boss fails its job as shut down
  await boss.stop(STOP);
  const rows = await own.query<{ state: string; output: { value?: string } }>(
    'SELECT state, output FROM pgboss.job WHERE id = $1',
    [id],
  );
  expect(rows[0]).toMatchObject({ state: 'failed', output: { value: 'pg-boss shut down while active' } });
  await own.close();
  // then it fails too, and pg-boss records that without awaiting it
  held.release();
  await new Promise((resolve) => setTimeout(resolve, 500));

  expect(unhandled).toEqual([]);
});
