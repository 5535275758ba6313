// The job queue while its database is away: one line when it goes, a reminder a
// minute, one when it is back; and its statements refused at once within a
// window that doubles (1, 2, 4, 8, 15, 15 s) instead of a connection try per poll.
import { expect, it } from 'vitest';
import { DatabaseUnavailableError, isConnectionFailure, QueueHealth } from '../../src/jobs/queue-health.js';
import { createLogger } from '../../src/observability/logger.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

it('logs an outage once, polls the database once per growing window, and says when it answers again', async () => {
  const lines: { msg: string; suppressedErrors?: number }[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  let now = 0;
  const health = new QueueHealth(logger, () => now);
  let tries = 0;
  const down = () => {
    tries += 1;
    return Promise.reject(refused());
  };
  // pg-boss polls every 2 s for 60 s, and reports every failure
  for (; now < 60_000; now += 2_000) {
    await health.run(down).catch((error) => health.error(error));
  }
  expect(lines.map((l) => l.msg)).toEqual([
    'job queue: the database does not answer; jobs wait until it does (one line a minute meanwhile)',
  ]);
  // tries at 0, 2 (window 1 s), 4 (2 s), 8 (4 s), 16 (8 s), 32 and 48 (15 s): 7 of 30 polls
  expect(tries).toBe(7);
  await expect(health.run(down)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  now += 2_000;
  health.error(new Error('still away'));
  expect(lines.at(-1)!.msg).toBe('job queue: the database still does not answer');
  now += 20_000;
  expect(await health.run(async () => 'ok')).toBe('ok');
  expect(lines.at(-1)).toMatchObject({ msg: 'job queue: the database answers again' });
  expect(lines.at(-1)!.suppressedErrors).toBeGreaterThan(20);
  // a statement that failed on a database that answers is no outage: logged as before, nothing refused
  health.error(new Error('deadlock detected'));
  expect(lines.at(-1)!.msg).toBe('job queue error');
  await expect(health.run(() => Promise.reject(Object.assign(new Error('x'), { code: '40P01' })))).rejects.toThrow('x');
  expect(await health.run(async () => 1)).toBe(1);
});

it('tells connection failures from statement failures', () => {
  expect(isConnectionFailure(refused())).toBe(true);
  expect(isConnectionFailure(new Error('timeout exceeded when trying to connect'))).toBe(true);
  expect(isConnectionFailure(new Error('Query read timeout'))).toBe(true);
  expect(isConnectionFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
  expect(isConnectionFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
});
