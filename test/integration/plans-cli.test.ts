// `tokengrid plan --async | --wait [--scenario]` and `tokengrid plans list |
// show | diff`, run in process against a real database: output, progress on
// stderr and exit codes (0 done, 1 failed or missing, 2 bad arguments).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPlanFromService } from '../../src/cli/plan-service.js';
import { DEFAULT_SOLVER_CAPS } from '../../src/plans/solver-caps.js';
import { planCommand } from '../../src/cli/plan.js';
import { plansCommand } from '../../src/cli/plans.js';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let jobs: Jobs;

beforeAll(async () => {
  db = await openTestDatabase();
  jobs = await startJobs(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5, schedule: false } });
  await db.prisma.scenario.create({
    data: {
      code: 'PRICEY-US',
      name: 'US power ×1.5',
      overrides: { priceMultipliers: [{ scope: 'COUNTRY', code: 'US', multiplier: 1.5 }] },
    },
  });
});
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

async function cli(run: (io: { out: (t: string) => void; err: (t: string) => void }) => Promise<number>) {
  let stdout = '';
  let stderr = '';
  const code = await run({ out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const plan = (argv: string[]) =>
  cli((io) =>
    planCommand(
      argv,
      {
        loadPlanningInput: () => Promise.reject(new Error('not used')),
        requestPlan: (request, out) => requestPlanFromService(db, jobs.plans, request, out, DEFAULT_SOLVER_CAPS),
      },
      io,
    ),
  );
const plans = (argv: string[]) => cli((io) => plansCommand(argv, { withDatabase: (run) => run(db) }, io));

let baselineId: string;
let scenarioId: string;

describe('tokengrid plan through the plans service', () => {
  it('--wait stores the plan, follows it with status and elapsed time on stderr, prints it', async () => {
    const { code, stdout, stderr } = await plan(['--wait', '--name', 'baseline']);
    expect(code).toBe(0);
    baselineId = /^Plan ([0-9a-f-]{36}) "baseline": SOLVED/.exec(stdout)![1]!;
    expect(stdout).toMatch(/Cost per million tokens: \$/);
    expect(stderr).toMatch(new RegExp(`plan ${baselineId}: SOLVED \\d+\\.\\d s`));
    const row = await db.prisma.plan.findUniqueOrThrow({ where: { id: baselineId } });
    expect(row).toMatchObject({ name: 'baseline', status: 'SOLVED', scenarioId: null });
  });

  it('--scenario applies a stored scenario; --json prints the stored plan', async () => {
    const { code, stdout } = await plan(['--wait', '--scenario', 'PRICEY-US', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ status: 'SOLVED', scenarioApplied: { code: 'PRICEY-US' } });
    expect(json.inputSnapshot).toBeUndefined();
    expect(json.result.totals.costPerMillionTokens).toBeGreaterThan(0);
    scenarioId = json.id;
  });

  it('--async prints the id of the queued plan at once', async () => {
    const { code, stdout } = await plan(['--async', '--periods', '1']);
    expect(code).toBe(0);
    const id = stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const row = await db.prisma.plan.findUniqueOrThrow({ where: { id } });
    expect(['QUEUED', 'RUNNING', 'SOLVED']).toContain(row.status);
    await jobs.plans.waitForFinal(id, { timeoutMs: 30_000 });
  });

  it('refuses bad arguments (2) and an unknown scenario (1), writing nothing', async () => {
    const before = await db.prisma.plan.count();
    expect((await plan(['--wait', '--async'])).code).toBe(2);
    expect((await plan(['--scenario', 'PRICEY-US'])).code).toBe(2);
    expect((await plan(['--wait', '--fixtures', 'fixtures'])).code).toBe(2);
    expect((await plan(['--async', '--utilization', '7'])).code).toBe(2);
    const unknown = await plan(['--async', '--scenario', 'NO-SUCH']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/scenario "NO-SUCH" does not exist/);
    expect(await db.prisma.plan.count()).toBe(before);
  });
});

describe('tokengrid plans', () => {
  it('list: newest first, filtered by status, limited', async () => {
    const all = await plans(['list']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+REQUESTED/);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain(baselineId);
    expect(lines[2]).toMatch(/scenario PRICEY-US/);
    const limited = JSON.parse((await plans(['list', '--status', 'solved', '--limit', '1', '--json'])).stdout);
    expect(limited).toHaveLength(1);
    expect(limited[0].status).toBe('SOLVED');
    expect((await plans(['list', '--status', 'DONE'])).code).toBe(2);
    expect((await plans(['list', '--limit', '0'])).code).toBe(2);
  });

  it('show: a summary or the JSON; a missing plan exits 1', async () => {
    const shown = await plans(['show', baselineId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Plan .* "baseline": SOLVED/);
    expect(shown.stdout).toMatch(/Top sites/);
    expect(JSON.parse((await plans(['show', baselineId, '--json'])).stdout).id).toBe(baselineId);
    const missing = await plans(['show', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    expect((await plans(['show'])).code).toBe(2);
  });

  it('diff: what the scenario changed, readable and as JSON; a plan without a solution exits 1', async () => {
    const readable = await plans(['diff', baselineId, scenarioId]);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(new RegExp(`^Plan diff: ${baselineId} → ${scenarioId}`));
    expect(readable.stdout).toMatch(/Cost per million tokens: \$[\d.]+ → \$[\d.]+ \(\+/);
    expect(readable.stdout).toMatch(/Load that moved/);
    const json = JSON.parse((await plans(['diff', baselineId, scenarioId, '--json'])).stdout);
    expect(json).toMatchObject({ fromPlanId: baselineId, toPlanId: scenarioId, unchanged: false });
    expect(json.totals.costPerMillionTokens).toBeGreaterThan(0);
    expect((await plans(['diff', baselineId, baselineId])).stdout).toMatch(/No change/);

    const cancelled = await db.prisma.plan.create({
      data: { status: 'CANCELLED', options: {}, inputSnapshot: {}, inputHash: 'x' },
    });
    const refused = await plans(['diff', baselineId, cancelled.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is CANCELLED and has no solution to compare/);
    expect((await plans(['diff', baselineId])).code).toBe(2);
    expect((await plans(['bogus'])).code).toBe(2);
  });
});
