// The worker-thread runner: same plan as in process, cancellation, and a
// solver that ignores its time limit is stopped.
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticInput } from './synthetic.js';
import { solvePlacement } from '../../src/optimizer/solve.js';
import { closeSolverWorkers, solvePlacementInWorker } from '../../src/optimizer/worker-pool.js';

afterAll(() => closeSolverWorkers());

describe('solvePlacementInWorker', () => {
  const input = syntheticInput({ sites: 20, regions: 8, seed: 41 });

  it('returns the same plan as solving in process', async () => {
    const inWorker = await solvePlacementInWorker(input, { solver: 'highs' });
    const inProcess = await solvePlacement(input, { solver: 'highs' });
    expect(inWorker.status).toBe('optimal');
    expect(inWorker.totals).toEqual(inProcess.totals);
    expect(inWorker.allocations).toEqual(inProcess.allocations);
    // and again on the reused worker
    const again = await solvePlacementInWorker(input, { solver: 'highs', periods: 24 });
    expect(again.status).toBe('optimal');
    expect(again.periods).toBe(24);
  });

  it('rejects with the abort reason when cancelled', async () => {
    const controller = new AbortController();
    const pending = solvePlacementInWorker(
      syntheticInput({ sites: 200, regions: 40, seed: 42 }),
      { solver: 'jslp', timeLimitSeconds: 60 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('user cancelled')), 300);
    await expect(pending).rejects.toThrow('user cancelled');
    await expect(solvePlacementInWorker(input, {}, { signal: controller.signal })).rejects.toThrow('user cancelled');
  });

  it('stops a solver that ignores the time limit and says there is no plan', async () => {
    // javascript-lp-solver does not check the clock while it pivots an LP.
    const started = performance.now();
    const plan = await solvePlacementInWorker(
      syntheticInput({ sites: 200, regions: 40, seed: 42 }),
      { solver: 'jslp' },
      { timeLimitSeconds: 0.3, graceMs: 1500 },
    );
    const elapsedMs = performance.now() - started;
    expect(plan.status).toBe('error');
    expect(plan.message).toMatch(/did not stop at the time limit of 0.3 s/);
    expect(plan.totals).toBeNull();
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('returns the best plan with time_limit when HiGHS stops at the limit', async () => {
    const plan = await solvePlacementInWorker(
      syntheticInput({ sites: 40, regions: 10, seed: 43, expandableShare: 0.8, loadFactor: 1.2 }),
      { integerGpus: true, allowExpansion: true, capexMode: 'SUNK', mipGapRelative: 0, periods: 24 },
      { timeLimitSeconds: 1 },
    );
    // HiGHS keeps its incumbent: a plan marked time_limit, or a clear message when it had none yet.
    expect(['time_limit', 'error']).toContain(plan.status);
    if (plan.status === 'time_limit') {
      expect(plan.totals).not.toBeNull();
      expect(plan.message).toMatch(/time limit/);
    } else {
      expect(plan.message).toMatch(/time limit/);
    }
  });
});
