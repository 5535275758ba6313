// The model compiler's shape: pruned routes, generated names, demand groups,
// the auto solver choice and the MPS writer.
import { describe, expect, it } from 'vitest';
import { syntheticInput } from './synthetic.js';
import { toFreeMps } from '../../src/optimizer/mps.js';
import { sanitizeToken, uniqueTokens } from '../../src/optimizer/names.js';
import { buildPlanModel, chooseSolver, JSLP_MAX_COLUMNS, solvePlacement } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS, type SolverName } from '../../src/optimizer/types.js';
import { baseInput, latencies, region, site } from './builders.js';

describe('model compiler', () => {
  it('never uses a client string as a solver key', () => {
    expect(sanitizeToken('__proto__')).toBe('xxprotoxx');
    expect(sanitizeToken('a b;"c')).toBe('axbxxc');
    expect(uniqueTokens(['A-1', 'A_1', 'B'])).toEqual(['Ax1.0', 'Ax1.1', 'B']);
    const input = baseInput({
      sites: [site('evil"; DROP', { pricePerKwh: 0.1 })],
      regions: [region('R/1', 1000)],
      latencies: latencies([['evil"; DROP', 'R/1', 5]]),
    });
    const { compiled } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS });
    const names = Array.from({ length: compiled.lp.numColumns }, (_, j) => compiled.lp.columnName(j));
    expect(names).toContain('route_evilxxxDROP_Rx1_STD_0');
    for (const name of names) expect(name).toMatch(/^[a-z]+_[A-Za-z0-9._]+$/);
  });

  it('prunes routes beyond the latency budget or residency before they become variables', () => {
    const input = baseInput({
      sites: [site('A'), site('B', { country: 'DE' }), site('C')],
      regions: [region('R', 1000, { allowedCountries: ['US'] })],
      latencies: latencies([
        ['A', 'R', 10],
        ['B', 'R', 10],
        ['C', 'R', 500],
      ]),
    });
    const { compiled } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS });
    const routes = Array.from({ length: compiled.layout.routes.end - compiled.layout.routes.start }, (_, i) =>
      compiled.lp.columnName(compiled.layout.routes.start + i),
    );
    expect(routes).toEqual(['route_A_R_STD_0']);
  });

  it('merges interchangeable demands into one group and splits the plan back per region', async () => {
    const input = syntheticInput({ sites: 10, regions: 8, seed: 5, restrictedShare: 0 });
    const { compiled } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS });
    // BATCH has no latency budget: all eight regions share one group.
    const batch = compiled.layout.groups.filter((g) => g.members.length === 8);
    expect(batch.length).toBeGreaterThanOrEqual(1);
    const plan = await solvePlacement(input, { solver: 'highs' });
    for (const r of plan.regions) {
      const c = r.classes.find((x) => x.workloadClassCode === 'BATCH')!;
      expect(c.servedTokensPerSecond + c.unservedTokensPerSecond).toBeCloseTo(c.demandTokensPerSecond, 3);
    }
    // With a site-share limit (per region) nothing is merged.
    const shared = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS, maxSiteShare: 0.5 });
    expect(shared.compiled.layout.groups.every((g) => g.members.length === 1)).toBe(true);
  });

  it('picks the solver by size: tiny models to javascript-lp-solver, the rest and integer ones to HiGHS', () => {
    const auto = { ...DEFAULT_PLAN_OPTIONS };
    const bundledOnly = (solver: SolverName) => solver === 'jslp' || solver === 'highs';
    expect(chooseSolver(auto, { columns: 10, rows: 10, integer: false }, bundledOnly)).toBe('jslp');
    expect(chooseSolver(auto, { columns: JSLP_MAX_COLUMNS + 1, rows: 10, integer: false }, bundledOnly)).toBe('highs');
    expect(chooseSolver(auto, { columns: 10, rows: 10, integer: true }, bundledOnly)).toBe('highs');
    expect(chooseSolver({ ...auto, solver: 'jslp' }, { columns: 10_000, rows: 10, integer: false })).toBe('jslp');
  });

  it('prefers the native engines past javascript-lp-solver’s range when the machine has them', () => {
    const auto = { ...DEFAULT_PLAN_OPTIONS };
    const everything = () => true;
    expect(chooseSolver(auto, { columns: 10, rows: 10, integer: false }, everything)).toBe('jslp');
    expect(chooseSolver(auto, { columns: JSLP_MAX_COLUMNS + 1, rows: 10, integer: false }, everything)).toBe('clp');
    // integer plans stay on HiGHS: CBC is slower on some of our MIPs (see chooseSolver)
    expect(chooseSolver(auto, { columns: 10, rows: 10, integer: true }, everything)).toBe('highs');
    // an engine asked for by name is used (or its absence reported), never swapped
    expect(chooseSolver({ ...auto, solver: 'cbc' }, { columns: 10_000, rows: 10, integer: false }, () => false)).toBe(
      'cbc',
    );
  });

  it('writes free MPS with integer markers and bounds', () => {
    const input = baseInput({
      sites: [site('A', { inventory: [{ gpuTypeCode: 'G1', installed: 1, maxAdditional: 3 }] })],
      regions: [region('R', 2000)],
      latencies: latencies([['A', 'R', 5]]),
    });
    const { compiled } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS, integerGpus: true, allowExpansion: true });
    const mps = toFreeMps(compiled.lp);
    expect(mps).toMatch(/^NAME tokengrid\nROWS\n N obj\n E demand_R_STD_0\n/);
    expect(mps).toContain("'MARKER' 'INTORG'");
    expect(mps).toMatch(/ UP BND add_A_G1 3\n/);
    expect(mps.trimEnd().endsWith('ENDATA')).toBe(true);
  });
});
