// The fixtures database with a solving job worker and the API in front of it:
// what most plan tests start from.
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { testApi } from './api.js';
import { openTestDatabase, type TestDatabaseOptions } from './database.js';

export interface PlanService {
  db: Database;
  jobs: Jobs;
  api: ReturnType<typeof testApi>;
  close(): Promise<void>;
}

export async function openPlanService(options: Pick<TestDatabaseOptions, 'fixtures'> = {}): Promise<PlanService> {
  const db = await openTestDatabase(options);
  const jobs = await startJobs(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
  return {
    db,
    jobs,
    api: testApi(db, { jobs: jobs }),
    async close() {
      await jobs.stop({ graceMs: 0 });
      await closeSolverWorkers();
      await db.close();
    },
  };
}
