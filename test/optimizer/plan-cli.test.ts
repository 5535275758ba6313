// `tokengrid plan` on the fixtures, and the options schema the GraphQL layer reuses.
import { afterAll, describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/plan.js';
import { FIXTURES_DIR } from '../../src/paths.js';
import {
  DEFAULT_PLAN_OPTIONS,
  parsePlanOptions,
  planOptionsSchema,
  type PlanResult,
} from '../../src/optimizer/types.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { baseInput } from './builders.js';

afterAll(() => closeSolverWorkers());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const noDatabase = { loadPlanningInput: () => Promise.reject(new Error('no database in this test')) };

describe('tokengrid plan', () => {
  it('plans the fixtures and prints a summary', async () => {
    const { io, out, err } = capture();
    const code = await planCommand(['--fixtures', FIXTURES_DIR, '--solver', 'highs'], noDatabase, io);
    const text = out.join('');
    expect(code, err.join('')).toBe(0);
    expect(text).toMatch(/Plan: SOLVED/);
    expect(text).toMatch(/Cost per million tokens: \$\d/);
    expect(text).toMatch(/Top sites/);
    expect(text).toMatch(/Binding constraints/);
    expect(err.join('')).toMatch(/plan SOLVED in \d+\.\d s/);
  });

  it('prints the whole plan as JSON', async () => {
    const { io, out } = capture();
    const code = await planCommand(
      ['--fixtures', FIXTURES_DIR, '--periods', '24', '--capex', 'sunk', '--json'],
      noDatabase,
      io,
    );
    expect(code).toBe(0);
    const plan = JSON.parse(out.join('')) as PlanResult;
    expect(plan.status).toBe('optimal');
    expect(plan.options.periods).toBe(24);
    expect(plan.options.capexMode).toBe('SUNK');
  });

  it('uses the loader it is given when there is no --fixtures', async () => {
    const { io, out } = capture();
    const code = await planCommand(['--json'], { loadPlanningInput: async () => baseInput() }, io);
    expect(code).toBe(0);
    expect((JSON.parse(out.join('')) as PlanResult).totals!.demandTokensPerSecond).toBe(0);
  });

  it('names the option that is wrong', async () => {
    const { io, err } = capture();
    expect(await planCommand(['--periods', '7'], noDatabase, io)).toBe(2);
    expect(err.join('')).toMatch(/periods: periods must be 1 .* or 24/);
    const second = capture();
    expect(await planCommand(['--bogus'], noDatabase, second.io)).toBe(2);
    expect(second.err.join('')).toBe("tokengrid plan: unknown option '--bogus'\n");
  });

  it('reports a loader failure', async () => {
    const { io, err } = capture();
    expect(await planCommand([], noDatabase, io)).toBe(1);
    expect(err.join('')).toMatch(/no database in this test/);
  });
});

describe('planOptionsSchema', () => {
  it('fills in the defaults', () => {
    expect(planOptionsSchema.parse({})).toEqual(DEFAULT_PLAN_OPTIONS);
  });

  it('gives one message per bad field, naming it', () => {
    const parsed = parsePlanOptions({
      targetUtilization: 0,
      periods: 2,
      solver: 'cplex',
      mipGapRelative: -1,
      extra: 1,
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const byPath = Object.fromEntries(parsed.issues.map((i) => [i.path, i.message]));
    expect(byPath.targetUtilization).toMatch(/targetUtilization must be in \(0, 1\]/);
    expect(byPath.periods).toMatch(/periods must be 1/);
    expect(byPath.solver).toMatch(/solver must be auto, jslp, highs, clp or cbc/);
    expect(byPath.mipGapRelative).toMatch(/mipGapRelative/);
    expect(byPath['(options)']).toMatch(/unknown option\(s\): extra/);
  });

  it('refuses integer plans on javascript-lp-solver', () => {
    const parsed = parsePlanOptions({ integerGpus: true, solver: 'jslp' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues[0]!.path).toBe('solver');
  });
});
