// countPlanModel against the model the compiler builds: the same variables,
// integer variables, constraints and nonzeros, exactly, on the fixtures under
// every option that changes the model's shape and on seeded random instances.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadFixtures, parseDataset, readDatasetFiles } from '../../src/dataset/load.js';
import { planningInputFromDataset } from '../../src/db/planning-input.js';
import { integerColumnCount } from '../../src/optimizer/lp-model.js';
import { countPlanModel } from '../../src/optimizer/model-size.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions, type PlanningInput } from '../../src/optimizer/types.js';
import { seededRandom, syntheticInput } from './synthetic.js';

function builtSize(input: PlanningInput, options: PlanOptions) {
  const { lp } = buildPlanModel(input, options).compiled;
  return {
    variables: lp.numColumns,
    integerVariables: integerColumnCount(lp),
    constraints: lp.numRows,
    nonzeros: lp.matrixValues.length,
  };
}

const SHAPES: Record<string, Partial<PlanOptions>> = {
  'steady state': {},
  '24 periods': { periods: 24 },
  expansion: { allowExpansion: true },
  'whole GPUs': { integerGpus: true },
  'whole GPUs, expansion, 24 periods': { integerGpus: true, allowExpansion: true, periods: 24 },
  'carbon cap': { carbonCapTonnesPerHour: 5, periods: 24 },
  'max site share (no demand groups)': { maxSiteShare: 0.3 },
  'egress priced (groups by country)': { egressPricePerMillionTokens: 0.05 },
  'sites excluded': { excludeSites: ['US-ASH', 'FI-HAM'] },
};

describe('countPlanModel', () => {
  let fixtures: PlanningInput;
  beforeAll(async () => {
    const { dataset, issues } = await loadFixtures();
    expect(issues).toEqual([]);
    fixtures = planningInputFromDataset(dataset);
  });

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`counts the fixtures' model exactly: ${name}`, () => {
      const options = { ...DEFAULT_PLAN_OPTIONS, ...shape };
      const counted = countPlanModel(fixtures, options);
      expect(counted).toEqual(builtSize(fixtures, options));
      expect(counted.variables).toBeGreaterThan(0);
    });
  }

  it('counts seeded random instances and options exactly', () => {
    const random = seededRandom(17);
    for (let seed = 1; seed <= 25; seed++) {
      const input = syntheticInput({
        sites: 3 + Math.floor(random() * 30),
        regions: 2 + Math.floor(random() * 15),
        classes: 2 + Math.floor(random() * 3), // synthetic demand is sized on STANDARD, the second class
        gpuTypes: 1 + Math.floor(random() * 10),
        seed,
        restrictedShare: random(),
        expandableShare: random(),
      });
      const options: PlanOptions = {
        ...DEFAULT_PLAN_OPTIONS,
        periods: random() < 0.5 ? 1 : 24,
        allowExpansion: random() < 0.5,
        integerGpus: random() < 0.4,
        maxSiteShare: random() < 0.3 ? 0.5 : null,
        carbonCapTonnesPerHour: random() < 0.3 ? 10 : null,
        egressPricePerMillionTokens: random() < 0.3 ? 0.02 : 0,
      };
      expect(countPlanModel(input, options), `seed ${seed} ${JSON.stringify(options)}`).toEqual(
        builtSize(input, options),
      );
    }
  });

  it('counts a zero-carbon site without its carbon nonzeros, as the model drops zeros', () => {
    const input = syntheticInput({ sites: 8, regions: 4, seed: 3 });
    const clean = { ...input, sites: input.sites.map((s, i) => (i % 2 ? { ...s, carbonGramsPerKwh: 0 } : s)) };
    const options = { ...DEFAULT_PLAN_OPTIONS, carbonCapTonnesPerHour: 10 };
    expect(countPlanModel(clean, options)).toEqual(builtSize(clean, options));
  });

  it('counts the deploy rows and binaries of sites whose model cap can bind (the seven-model fixtures)', async () => {
    const files = await readDatasetFiles(join(import.meta.dirname, '../../fixtures'));
    const seven = planningInputFromDataset(parseDataset({ files }).dataset);
    // every third site may host at most two of the seven models, one site one
    const capped = { ...seven, sites: seven.sites.map((s, i) => (i % 3 ? s : { ...s, maxModels: i === 0 ? 1 : 2 })) };
    for (const shape of [
      {},
      { periods: 24 as const },
      { integerGpus: true },
      { allowExpansion: true, integerGpus: true },
    ]) {
      const options = { ...DEFAULT_PLAN_OPTIONS, ...shape };
      const counted = countPlanModel(capped, options);
      expect(counted, JSON.stringify(shape)).toEqual(builtSize(capped, options));
      expect(counted.integerVariables).toBeGreaterThan(builtSize(seven, options).integerVariables);
    }
  });
});
