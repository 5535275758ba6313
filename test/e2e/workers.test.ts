// API and solvers as separate processes on one PostgreSQL: `tokengrid serve
// --no-worker`, two `tokengrid worker`s, a plan queued by `tokengrid plan
// --async`. The worker that takes the plan is killed with SIGKILL mid-solve;
// the job expires, the other worker takes it over, and the plan is SOLVED with
// its result written exactly once. planUpdated on the API process (which
// solves nothing) follows it all through the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { adminQuery, withDatabaseName } from '../helpers/postgres.js';
import { describeIf } from '../helpers/skip.js';
import { allEvents, subscribe } from '../helpers/sse.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const target = inject('testDatabase');
const onPostgres = target.kind === 'postgres';
const pgDatabase = `tokengrid_workers_${randomBytes(6).toString('hex')}`;
/** short enough for the test, longer than the solve (≈ 7 s) so the second attempt does not expire too */
const EXPIRE_SECONDS = 15;
let env: Record<string, string> = {};
let db: Database | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (target.kind !== 'postgres') return;
  await adminQuery(target.url, `CREATE DATABASE "${pgDatabase}" TEMPLATE "${target.templates.fixtures}"`);
  const url = withDatabaseName(target.url, pgDatabase);
  env = {
    DATABASE_URL: url,
    TOKENGRID_SOLVE_JOB_EXPIRE_SECONDS: String(EXPIRE_SECONDS),
    TOKENGRID_QUEUE_MAINTENANCE_SECONDS: '1',
  };
  db = await openDatabase({ kind: 'postgres', url });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.close();
  if (target.kind === 'postgres') await adminQuery(target.url, `DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
});

interface Proc {
  child: ChildProcess;
  output: () => string;
  /** resolves with the first match of `pattern` in the output so far or to come */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

function run(args: string[], extraEnv: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const watchers = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of watchers) check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms in:\n${output}`));
        }, timeoutMs);
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        check();
        void exited.then(() => {
          if (watchers.has(check)) {
            clearTimeout(timer);
            watchers.delete(check);
            reject(new Error(`exited before ${pattern}:\n${output}`));
          }
        });
      }),
  };
}

describeIf(
  onPostgres,
  'API and workers as separate processes',
  'PostgreSQL only (the embedded database admits one process): run `npm run test:postgres`',
  () => {
    it(
      'a worker killed mid-solve: the other takes the job over after its expiry and the plan is SOLVED once',
      { timeout: 90_000 },
      async () => {
        const started = Date.now();
        const api = run(['serve', '--no-worker']);
        const workers = [run(['worker']), run(['worker'])];
        const [url] = await Promise.all([
          api.waitFor(/GraphiQL: (http:\/\/\S+)\/graphql/).then((m) => m[1]!),
          ...workers.map((w) => w.waitFor(/tokengrid worker ready on PostgreSQL/)),
        ]);
        expect(api.output()).toMatch(/no solve worker \(--no-worker\)/);

        // ≈ 7 s with javascript-lp-solver: long enough to kill its worker in the middle
        const enqueue = run([
          'plan',
          '--async',
          '--name',
          'killed mid-solve',
          '--periods',
          '24',
          '--solver',
          'jslp',
          '--expansion',
        ]);
        expect(await enqueue.exited).toBe(0);
        const planId = /^([0-9a-f-]{36})$/m.exec(enqueue.output())![1]!;
        const updates = allEvents(
          await subscribe(`${url}/graphql`, 'subscription ($id: ID!) { planUpdated(id: $id) { status final } }', {
            id: planId,
          }),
          80_000,
        );

        const running = new RegExp(`plan ${planId}: RUNNING`);
        const taker = await Promise.any(workers.map((w) => w.waitFor(running).then(() => w)));
        const other = workers.find((w) => w !== taker)!;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect((await db!.prisma.plan.findUniqueOrThrow({ where: { id: planId } })).status).toBe('RUNNING');
        taker.child.kill('SIGKILL');
        await taker.exited;
        const killedAt = Date.now();

        await other.waitFor(new RegExp(`plan ${planId}: SOLVED`), 70_000);
        const tookOverAfterMs = Date.now() - killedAt;
        const plan = await db!.prisma.plan.findUniqueOrThrow({ where: { id: planId } });
        expect(plan.status).toBe('SOLVED');
        expect(plan.finishedAt!.getTime()).toBeGreaterThan(killedAt);
        // one result write: only the surviving worker recorded a final status, once
        const finalLines = workers
          .flatMap((w) => w.output().split('\n'))
          .filter((line) => line.startsWith(`plan ${planId}: `) && !line.endsWith('RUNNING'));
        expect(finalLines).toEqual([`plan ${planId}: SOLVED`]);
        // the job's history: expired once (the killed attempt), then completed
        // (the job completes once its handler returns, just after the plan's status is written)
        const jobState = async () =>
          (await db!.executeSql(`SELECT state, retry_count FROM pgboss.job WHERE data->>'planId' = $1`, [planId])).rows;
        // on a loaded machine an attempt after the SOLVED write may still be active or waiting to retry (it then writes nothing)
        for (let i = 0; i < 600 && (await jobState())[0]?.['state'] !== 'completed'; i++)
          await new Promise((resolve) => setTimeout(resolve, 100));
        // on a loaded machine the surviving attempt can itself outlive an expiry before it
        // finishes (retry 2): the plan is still written once, as checked above
        const [job] = await jobState();
        expect(job).toMatchObject({ state: 'completed' });
        expect(Number(job!['retry_count'])).toBeGreaterThanOrEqual(1);

        // the API process solved nothing yet followed the plan to the end through the database
        const events = await updates;
        const statuses = events.filter((e) => e.event === 'next').map((e) => e.data.data.planUpdated.status);
        expect(statuses[0]).toMatch(/QUEUED|RUNNING/);
        expect(statuses).toContain('RUNNING');
        expect(statuses.at(-1)).toBe('SOLVED');
        expect(events.at(-1)!.event).toBe('complete');

        // graceful stops
        other.child.kill('SIGTERM');
        api.child.kill('SIGTERM');
        expect(await other.exited).toBe(0);
        expect(await api.exited).toBe(0);
        console.log(
          `multi-process test: taken over ${(tookOverAfterMs / 1000).toFixed(1)} s after the kill; ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
        );
      },
    );

    it('two server instances with one schedule: one plan per tick', { timeout: 90_000 }, async () => {
      // both instances run API + worker + scheduler; crons are evaluated every second
      const fast = { TOKENGRID_CRON_MONITOR_SECONDS: '1', TOKENGRID_CRON_WORKER_SECONDS: '1' };
      const servers = [run(['serve'], fast), run(['serve'], fast)];
      const [url] = await Promise.all(
        servers.map((s) => s.waitFor(/GraphiQL: (http:\/\/\S+)\/graphql/).then((m) => m[1]!)),
      );
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `mutation { createSchedule(input: { name: "every-minute", cron: "* * * * *", timeZone: "UTC" }) { __typename } }`,
        }),
      });
      expect(((await response.json()) as any).data.createSchedule.__typename).toBe('MutationCreateScheduleSuccess');
      const schedule = await db!.prisma.schedule.findUniqueOrThrow({ where: { name: 'every-minute' } });

      // the first tick fires within seconds (the cron's previous minute is under 60 s old)
      const deadline = Date.now() + 30_000;
      while ((await db!.prisma.plan.count({ where: { scheduleId: schedule.id } })) === 0) {
        if (Date.now() > deadline) throw new Error('the schedule did not fire within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // give both instances several more evaluation intervals to (wrongly) fire again
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const plans = await db!.prisma.plan.findMany({
        where: { scheduleId: schedule.id },
        select: { requestedAt: true, scheduleTickId: true },
      });
      const minutes = new Set(plans.map((p) => Math.floor(p.requestedAt.getTime() / 60_000)));
      // one plan per cron minute; a test that straddles a minute boundary legitimately sees two
      expect(plans.length).toBe(minutes.size);
      expect(plans.length).toBeLessThanOrEqual(2);
      expect(new Set(plans.map((p) => p.scheduleTickId)).size).toBe(plans.length);

      for (const server of servers) server.child.kill('SIGTERM');
      expect(await Promise.all(servers.map((s) => s.exited))).toEqual([0, 0]);
    });

    it('a sweep queued by `tokengrid sweep`: two workers share its points', { timeout: 300_000 }, async () => {
      const workers = [run(['worker']), run(['worker'])];
      await Promise.all(workers.map((w) => w.waitFor(/tokengrid worker ready on PostgreSQL/)));
      // 24-hour plans take a few seconds each: while one worker solves, the other takes the next point
      const values = ['0.8', '0.9', '1.1', '1.2'];
      const queued = run(['sweep', '--parameter', 'price-multiplier', '--values', values.join(','), '--periods', '24']);
      expect(await queued.exited).toBe(0);
      const sweepId = /^([0-9a-f-]{36})$/m.exec(queued.output())![1]!;
      const points = await db!.prisma.plan.findMany({ where: { sweepId }, select: { id: true } });
      expect(points).toHaveLength(values.length);
      const solvedBy = await Promise.all(
        points.map(({ id }) =>
          Promise.any(workers.map((w, i) => w.waitFor(new RegExp(`plan ${id}: SOLVED`), 270_000).then(() => i))),
        ),
      );
      const perWorker = [0, 1].map((i) => solvedBy.filter((worker) => worker === i).length);
      expect(perWorker[0]).toBeGreaterThan(0);
      expect(perWorker[1]).toBeGreaterThan(0);

      const shown = run(['sweeps', 'show', sweepId]);
      expect(await shown.exited).toBe(0);
      expect(shown.output()).toMatch(/FINISHED, 4\/4 plans final/);
      expect(shown.output().match(/ SOLVED /g)).toHaveLength(values.length);
      for (const worker of workers) worker.child.kill('SIGTERM');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
      console.log(`sweep across workers: points solved per worker ${perWorker.join(' / ')}`);
    });

    it('a worker refuses a database with pending migrations', async () => {
      const name = `${pgDatabase}_empty`;
      await adminQuery((target as { url: string }).url, `CREATE DATABASE "${name}"`);
      try {
        const worker = run(['worker'], { DATABASE_URL: withDatabaseName((target as { url: string }).url, name) });
        expect(await worker.exited).toBe(1);
        expect(worker.output()).toMatch(/pending migration\(s\).*tokengrid migrate/);
      } finally {
        await adminQuery((target as { url: string }).url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    });
  },
);
