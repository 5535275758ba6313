// A plan's result written the way Prisma's updateMany wrote it against
// recordResult's one raw statement, on one database: `result-case.ts <pglite|url>`.
// The result is a real solve of a synthetic instance (200 × 50, 24 periods).
// Prints one JSON line: { resultMb, ormMs, rawMs } (medians of 7 writes each).
import { openDatabase } from '../../src/db/database.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPlanRow, recordResult } from '../../src/db/plan-store.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';
import { syntheticInput } from '../../test/optimizer/synthetic.js';

const [target] = process.argv.slice(2);
const db = await openDatabase(
  target === 'pglite' ? { kind: 'pglite', dataDir: ':memory:' } : { kind: 'postgres', url: target! },
);
await applyMigrations(db);
const snapshot = syntheticInput({ sites: 200, regions: 50, seed: 2 });
const options = { ...DEFAULT_PLAN_OPTIONS, periods: 24 as const };
const result = await solvePlacement(snapshot, options);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(write: (planId: string) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    const plan = await createPlanRow(
      db.prisma,
      { name: 'bench', options, snapshot: { ...snapshot, sites: [] } },
      { status: 'RUNNING' },
    );
    const started = performance.now();
    await write(plan.id);
    if (i > 0) times.push(performance.now() - started); // the first warms the statement
  }
  return median(times);
}

// what recordResult sent before: the result and figures through Prisma's JSON column
const ormMs = await timed((id) =>
  db.prisma.plan.updateMany({
    where: { id, status: 'RUNNING' },
    data: { status: 'SOLVED', result: result as never, solver: result.solver, finishedAt: new Date() },
  }),
);
const rawMs = await timed((id) => recordResult(db.prisma, id, result));
await db.close();
console.log(JSON.stringify({ resultMb: JSON.stringify(result).length / 1e6, ormMs, rawMs }));
