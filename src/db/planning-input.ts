// The optimizer's snapshot of the database: everything a plan reads, as plain objects.
import { planningInputFromDataset } from '../optimizer/from-dataset.js';
import type { PlanningInput } from '../optimizer/types.js';
import type { Database } from './database.js';
import { readDataset } from './dataset-store.js';

export async function planningInputFromDatabase(db: Database): Promise<PlanningInput> {
  return planningInputFromDataset(await readDataset(db));
}
