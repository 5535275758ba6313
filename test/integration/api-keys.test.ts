// API keys end to end on one database: the keys CLI (create, list, revoke) and
// the per-key cap on concurrent solves (further plans wait QUEUED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/key-store.js';
import { Authenticator } from '../../src/auth/authenticate.js';
import { keysCommand } from '../../src/cli/keys.js';
import type { Database } from '../../src/db/database.js';
import { startJobs } from '../../src/jobs/runtime.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { preparePlan } from '../../src/plans/request.js';
import { createApp } from '../../src/server/app.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
}, 60_000);
afterAll(async () => {
  await closeSolverWorkers();
  await db?.close();
});

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await keysCommand(argv, {
    withDatabase: (fn) => fn(db),
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

describe('tokengrid keys', () => {
  it('creates a key (printed once, stored hashed), lists it without the key or hash, and revokes it', async () => {
    const created = await run(['create', '--role', 'planner', '--name', 'ci-bot', '--expires-in-days', '30']);
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^tgk_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
    expect(created.err).toContain('shown this once');
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { name: 'ci-bot' } });
    expect(row.role).toBe('PLANNER');
    expect(row.secretHash).not.toContain(key.slice('tgk_'.length + 13));
    expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBeGreaterThan(29 * 86_400_000);

    const authenticator = new Authenticator(db, { kind: 'keys' });
    expect(await authenticator.authenticate(`Bearer ${key}`)).toMatchObject({
      ok: true,
      auth: { role: 'planner', keyName: 'ci-bot', source: 'key' },
    });

    const listed = await run(['list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/NAME\s+ROLE\s+ID\s+CREATED\s+EXPIRES\s+STATUS\s+LAST USED/);
    expect(listed.out).toMatch(new RegExp(`ci-bot\\s+planner\\s+${row.keyId}`));
    expect(listed.out).not.toContain(key.slice('tgk_'.length + 13));
    expect(listed.out).not.toContain(row.secretHash);

    expect((await run(['create', '--role', 'admin', '--name', 'ci-bot'])).code).toBe(1);
    expect((await run(['create', '--role', 'owner', '--name', 'x'])).code).toBe(2);

    const revoked = await run(['revoke', 'ci-bot']);
    expect(revoked.code).toBe(0);
    expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({ ok: false, reason: 'revoked' });
    const json = JSON.parse((await run(['list', '--json'])).out) as { name: string; status: string }[];
    expect(json.find((k) => k.name === 'ci-bot')?.status).toBe('revoked');
    expect((await run(['revoke', 'nobody'])).code).toBe(1);
  });
});

/**
 * A solve can start and finish between two looks at the statuses, so the solved
 * plans' own times say it exactly: none of them ran while another did.
 */
async function expectSolvedOneAtATime(ids: string[]): Promise<void> {
  const runs = await db.prisma.plan.findMany({
    where: { id: { in: ids }, status: 'SOLVED' },
    select: { startedAt: true, finishedAt: true },
    orderBy: { startedAt: 'asc' },
  });
  expect(runs.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < runs.length; i++) {
    expect(runs[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finishedAt!.getTime());
  }
}

describe('concurrent solves per key', () => {
  it('keeps a key to its maximum of RUNNING plans; the rest wait QUEUED and are solved after', async () => {
    const jobs = await startJobs(db, {
      concurrency: 3,
      maxRunningPerKey: 1,
      deferSeconds: 1,
      queue: { supervise: false, schedule: false },
    });
    try {
      const created = await createApiKey(db, { name: 'busy', role: 'planner' });
      if (!created.ok) throw new Error('key not created');
      const keyId = created.row.keyId;
      const prepared = await preparePlan(db, { name: 'per-key', options: { periods: 24 } });
      const plans = [];
      for (let i = 0; i < 3; i++) plans.push(await jobs.plans.enqueue({ ...prepared, requestedByKeyId: keyId }));
      // a plan of nobody's key is not held back by that key's limit
      const free = await jobs.plans.enqueue(prepared);
      let maxRunning = 0;
      const deadline = Date.now() + 90_000;
      for (;;) {
        const rows = await db.prisma.plan.findMany({
          where: { id: { in: plans.map((p) => p.id) } },
          select: { status: true },
        });
        const running = rows.filter((r) => r.status === 'RUNNING').length;
        maxRunning = Math.max(maxRunning, running);
        if (rows.every((r) => r.status === 'SOLVED') || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(maxRunning).toBeLessThanOrEqual(1);
      await expectSolvedOneAtATime(plans.map((p) => p.id));
      const statuses = await db.prisma.plan.findMany({
        where: { id: { in: [...plans.map((p) => p.id), free.id] } },
        select: { status: true, requestedByKeyId: true },
      });
      expect(statuses.map((s) => s.status)).toEqual(['SOLVED', 'SOLVED', 'SOLVED', 'SOLVED']);
      expect(statuses.filter((s) => s.requestedByKeyId === keyId)).toHaveLength(3);
    } finally {
      await jobs.stop();
    }
  }, 120_000);

  it('counts rows, not documents: 15 requestPlan aliases inside a fragment still run one at a time', async () => {
    const jobs = await startJobs(db, {
      concurrency: 3,
      maxRunningPerKey: 1,
      deferSeconds: 1,
      queue: { supervise: false, schedule: false },
    });
    try {
      const created = await createApiKey(db, { name: 'fragment-planner', role: 'planner' });
      if (!created.ok) throw new Error('key not created');
      const app = createApp({ db, jobs, limits: TEST_LIMITS, auth: { kind: 'keys' } });
      const aliases = Array.from(
        { length: 15 },
        (_, i) =>
          `p${i}: requestPlan(input: { options: { periods: 24 } }) { ... on MutationRequestPlanSuccess { data { id } } }`,
      ).join(' ');
      const response = await app.fetch('http://tokengrid.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${created.key}` },
        body: JSON.stringify({ query: `mutation { ...Many } fragment Many on Mutation { ${aliases} }` }),
      });
      const body = (await response.json()) as { data: Record<string, { data: { id: string } }> };
      const ids = Object.values(body.data).map((plan) => plan.data.id);
      expect(ids).toHaveLength(15);
      let maxRunning = 0;
      let solved = 0;
      const deadline = Date.now() + 60_000;
      // two solved one after the other is enough to see the limit hold while the queue moves
      while (solved < 2 && Date.now() < deadline) {
        const rows = await db.prisma.plan.groupBy({ by: ['status'], where: { id: { in: ids } }, _count: true });
        const count = (status: string) => rows.find((r) => r.status === status)?._count ?? 0;
        maxRunning = Math.max(maxRunning, count('RUNNING'));
        solved = count('SOLVED');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(solved).toBeGreaterThanOrEqual(2);
      expect(maxRunning).toBeLessThanOrEqual(1);
      await expectSolvedOneAtATime(ids);
      await db.prisma.plan.updateMany({ where: { id: { in: ids }, status: 'QUEUED' }, data: { status: 'CANCELLED' } });
    } finally {
      await jobs.stop({ graceMs: 0 });
    }
  }, 120_000);
});
