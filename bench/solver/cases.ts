// The benchmark's cases: the fixtures in both period modes and in integer
// mode, and seeded synthetic instances (4 classes, 10 GPU types).
import { loadFixtures } from '../../src/dataset/load.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import type { PlanningInput, PlanOptions } from '../../src/optimizer/types.js';
import { syntheticInput } from '../../test/optimizer/synthetic.js';

export interface BenchCase {
  name: string;
  input: () => Promise<PlanningInput>;
  options: Partial<PlanOptions>;
}

const fixtures = async (): Promise<PlanningInput> => {
  const { dataset, issues } = await loadFixtures();
  if (issues.length > 0) throw new Error(`fixtures have ${issues.length} issue(s)`);
  return planningInputFromDataset(dataset);
};
const synthetic = (sites: number, regions: number) => async () =>
  syntheticInput({ sites, regions, classes: 4, gpuTypes: 10, seed: 1 });

export const BENCH_CASES: BenchCase[] = [
  { name: 'fixtures, 1 period', input: fixtures, options: {} },
  { name: 'fixtures, 24 periods', input: fixtures, options: { periods: 24 } },
  {
    name: 'fixtures, integer, 1 period',
    input: fixtures,
    options: { integerGpus: true, allowExpansion: true, capexMode: 'SUNK' },
  },
  {
    name: 'fixtures, integer, 24 periods',
    input: fixtures,
    options: { integerGpus: true, allowExpansion: true, capexMode: 'SUNK', periods: 24 },
  },
  { name: 'synthetic 200×50', input: synthetic(200, 50), options: {} },
  { name: 'synthetic 500×100', input: synthetic(500, 100), options: {} },
  { name: 'synthetic 1000×200', input: synthetic(1000, 200), options: {} },
];
