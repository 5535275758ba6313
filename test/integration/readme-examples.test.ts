// Every GraphQL example in README.md runs against the fixtures without errors,
// so the README cannot drift from the schema.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { PROJECT_ROOT } from '../../src/db/migrate.js';
import { PlanJobs } from '../../src/jobs/plan-jobs.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let jobs: PlanJobs;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase();
  jobs = await PlanJobs.start(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
  api = testApi(db, { planJobs: jobs });
});
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

it('runs every ```graphql block of the README without errors', async () => {
  const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  for (const block of blocks) {
    const result = await api.graphql(block);
    expect(result.errors, block).toBeUndefined();
    expect(JSON.stringify(result.data), block).not.toMatch(/"__typename":"(ValidationError|NotFoundError|ConflictError)"/);
  }
});
