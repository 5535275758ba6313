// The seeded synthetic generator's models (used by bench/solver's 5-model
// case): what one model changes (nothing but the names), what five give
// (replica sizes, throughputs by size, models some GPU types cannot hold,
// demand per region × model × class), and that a plan on them keeps every
// constraint.
import { describe, expect, it } from 'vitest';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type PlanningInput, type PlanOptions } from '../../src/optimizer/types.js';
import { checkPlan } from './check-plan.js';
import { MODEL_DEFS, syntheticInput } from './synthetic.js';

const SPEC = { sites: 12, regions: 5, classes: 4, gpuTypes: 10, seed: 4 };

/** The input with every model name taken off: what the same spec without models gives, if models change nothing else. */
const unnamed = (input: PlanningInput): string =>
  JSON.stringify(input, (k, v) => (k === 'modelCode' || k === 'gpusPerReplica' || k === 'models' ? undefined : v));

describe('syntheticInput with models', () => {
  it('names no model without `models`, and one model changes nothing but the names', () => {
    const plain = syntheticInput(SPEC);
    expect(plain.models).toBeUndefined();
    expect(plain.gpuTypes.flatMap((g) => g.throughputs).some((t) => t.modelCode !== undefined)).toBe(false);
    expect(plain.regions.flatMap((r) => r.demand).some((d) => d.modelCode !== undefined)).toBe(false);

    const one = syntheticInput({ ...SPEC, models: 1 });
    expect(one.models).toEqual([{ code: MODEL_DEFS[0].code }]);
    expect(one.regions.flatMap((r) => r.demand).every((d) => d.modelCode === MODEL_DEFS[0].code)).toBe(true);
    expect(unnamed(one)).toBe(unnamed(plain));
  });

  it('gives five models of 1, 1, 2, 4 and 8 GPUs per replica, slower the larger, some not fitting every GPU type', () => {
    const input = syntheticInput({ ...SPEC, models: 5 });
    expect(input).toEqual(syntheticInput({ ...SPEC, models: 5 })); // seeded
    expect(input).not.toEqual(syntheticInput({ ...SPEC, seed: 5, models: 5 }));
    // the sites, latencies and classes are those of the spec without models
    const plain = syntheticInput(SPEC);
    expect(input.sites).toEqual(plain.sites);
    expect(input.latencies).toEqual(plain.latencies);
    expect(input.workloadClasses).toEqual(plain.workloadClasses);

    expect(input.models!.map((m) => m.code)).toEqual(MODEL_DEFS.map((m) => m.code));
    const pairs = new Map<string, Set<string>>();
    for (const gpu of input.gpuTypes) {
      const standard = new Map<string, number>();
      for (const t of gpu.throughputs) {
        const def = MODEL_DEFS.find((m) => m.code === t.modelCode)!;
        expect(t.gpusPerReplica).toBe(def.gpusPerReplica);
        expect(t.tokensPerSecond).toBeGreaterThan(0);
        if (!pairs.has(t.modelCode!)) pairs.set(t.modelCode!, new Set());
        pairs.get(t.modelCode!)!.add(gpu.code);
        if (t.workloadClassCode === 'STANDARD') standard.set(t.modelCode!, t.tokensPerSecond);
      }
      // every GPU type holds the smallest model; the 405B-like one, where it fits, makes 50–150× fewer tokens
      expect(standard.has('DENSE-8B')).toBe(true);
      const big = standard.get('DENSE-405B');
      if (big !== undefined) {
        const ratio = standard.get('DENSE-8B')! / big;
        expect(ratio).toBeGreaterThan(50);
        expect(ratio).toBeLessThan(150);
      }
    }
    expect(pairs.get('DENSE-8B')!.size).toBe(10);
    // some (model, GPU type) pairs are missing, and every model fits somewhere
    const held = [...pairs.values()].reduce((a, gpus) => a + gpus.size, 0);
    expect(held).toBeLessThan(5 * 10);
    expect(pairs.size).toBe(5);

    // demand for every region × model × class, each model's share in its own tokens
    for (const region of input.regions) {
      expect(region.demand).toHaveLength(5 * 4);
      const keys = new Set(region.demand.map((d) => `${d.modelCode}/${d.workloadClassCode}`));
      expect(keys.size).toBe(5 * 4);
    }
    const total = (code: string) =>
      input.regions.flatMap((r) => r.demand).reduce((a, d) => a + (d.modelCode === code ? d.tokensPerSecond : 0), 0);
    expect(total('DENSE-8B')).toBeGreaterThan(20 * total('DENSE-405B'));
  });

  it('plans five models within every constraint, never on a GPU type that cannot hold the model', async () => {
    const input = syntheticInput({ sites: 10, regions: 4, classes: 3, gpuTypes: 6, seed: 8, models: 5 });
    const options: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, solver: 'highs' };
    const plan = await solvePlacement(input, options);
    expect(plan.status, plan.message ?? '').toBe('optimal');
    checkPlan(input, options, plan);
    const holds = new Set(input.gpuTypes.flatMap((g) => g.throughputs.map((t) => `${g.code}/${t.modelCode}`)));
    const placed = plan.models.flatMap((m) => m.gpus.map((g) => `${g.gpuTypeCode}/${m.modelCode}`));
    expect(placed.length).toBeGreaterThan(0);
    expect(holds.size).toBeLessThan(5 * 6); // some model cannot run on some GPU type here
    for (const pair of placed) expect(holds.has(pair), pair).toBe(true);
    expect(plan.models.map((m) => m.modelCode).sort()).toEqual(MODEL_DEFS.map((m) => m.code).sort());
    expect(plan.models.every((m) => m.servedTokensPerSecond > 0)).toBe(true);
  });
});
