// Plan sweeps in the database: the row a sweep request creates (its points are
// plans, created beside it by src/jobs/plan-jobs.ts in the same transaction).
import type { Prisma, PlanSweep, SweepParameter } from '../generated/prisma/client.js';
import type { Database } from './database.js';

type Client = Database['prisma'] | Prisma.TransactionClient;

export interface NewSweep {
  name: string | null;
  parameter: SweepParameter;
  values: number[];
  scope: object;
  scenarioCode: string | null;
  options: Record<string, unknown>;
  requestedByKeyId: string | null;
}

export function createSweepRow(client: Client, sweep: NewSweep): Promise<PlanSweep> {
  return client.planSweep.create({
    data: {
      ...sweep,
      scope: sweep.scope as Prisma.InputJsonValue,
      options: sweep.options as Prisma.InputJsonValue,
    },
  });
}
