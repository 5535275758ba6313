// The benchmark's cases: the fixtures (the seven models of fixtures/, and the
// fleet without models of fixtures/one-model) in both period modes and in integer mode,
// and seeded synthetic instances (4 classes, 10 GPU types; some with 5 models), the large
// ones also as the full LP (columnGeneration off) beside column generation.
import { loadDataset } from '../../src/dataset/load.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import type { PlanningInput, PlanOptions } from '../../src/optimizer/types.js';
import { FIXTURES_DIR, ONE_MODEL_FIXTURES_DIR } from '../../src/paths.js';
import { syntheticInput } from '../../test/optimizer/synthetic.js';

export interface BenchCase {
  name: string;
  input: () => Promise<PlanningInput>;
  options: Partial<PlanOptions>;
}

const fixturesIn = (dir: string) => async (): Promise<PlanningInput> => {
  const { dataset, issues } = await loadDataset(dir);
  if (issues.length > 0) throw new Error(`${dir} has ${issues.length} issue(s)`);
  return planningInputFromDataset(dataset);
};
const fixtures = fixturesIn(ONE_MODEL_FIXTURES_DIR);
const sevenModels = fixturesIn(FIXTURES_DIR);
const synthetic = (sites: number, regions: number, models?: number) => async () =>
  syntheticInput({ sites, regions, classes: 4, gpuTypes: 10, seed: 1, ...(models === undefined ? {} : { models }) });
/** the full LP, for the same case solved by column generation (which `auto` picks at this size) */
const FULL_LP: Partial<PlanOptions> = { columnGeneration: 'off' };

const WHOLE_GPUS: Partial<PlanOptions> = { integerGpus: true, allowExpansion: true, capexMode: 'SUNK' };

export const BENCH_CASES: BenchCase[] = [
  { name: 'fixtures without models, 1 period', input: fixtures, options: {} },
  { name: 'fixtures without models, 24 periods', input: fixtures, options: { periods: 24 } },
  { name: 'fixtures without models, integer, 1 period', input: fixtures, options: WHOLE_GPUS },
  { name: 'fixtures without models, integer, 24 periods', input: fixtures, options: { ...WHOLE_GPUS, periods: 24 } },
  { name: 'fixtures 7 models, 1 period', input: sevenModels, options: {} },
  { name: 'fixtures 7 models, 24 periods', input: sevenModels, options: { periods: 24 } },
  { name: 'fixtures 7 models, integer, 1 period', input: sevenModels, options: WHOLE_GPUS },
  { name: 'synthetic 200×50', input: synthetic(200, 50), options: {} },
  { name: 'synthetic 500×100', input: synthetic(500, 100), options: {} },
  { name: 'synthetic 500×100, full LP', input: synthetic(500, 100), options: FULL_LP },
  { name: 'synthetic 500×100, 5 models', input: synthetic(500, 100, 5), options: {} },
  { name: 'synthetic 1000×200', input: synthetic(1000, 200), options: {} },
  { name: 'synthetic 1000×200, full LP', input: synthetic(1000, 200), options: FULL_LP },
  { name: 'synthetic 1000×200, 5 models', input: synthetic(1000, 200, 5), options: {} },
  { name: 'synthetic 2000×400', input: synthetic(2000, 400), options: {} },
  { name: 'synthetic 300×200, 24 periods', input: synthetic(300, 200), options: { periods: 24 } },
];
