// Measures where javascript-lp-solver stops being the faster solver, to set
// JSLP_MAX_COLUMNS / JSLP_MAX_ROWS in src/optimizer/solve.ts, and, where the
// native COIN-OR engines are installed, CLP against HiGHS on the same LPs and
// CBC against HiGHS on their whole-GPU versions (auto's preference for them).
// Run: npx tsx bench/solver/thresholds.ts
import { syntheticInput } from '../../test/optimizer/synthetic.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { loadHighsOnce, solveWithHighs } from '../../src/optimizer/solvers/highs.js';
import { solveWithJslp } from '../../src/optimizer/solvers/jslp.js';
import { solveWithCbc } from '../../src/optimizer/solvers/cbc.js';
import { solveWithClp } from '../../src/optimizer/solvers/clp.js';
import { isAvailable } from '../../src/optimizer/solvers/engines.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';

const settings = { timeLimitSeconds: 60, mipGapRelative: 0.005 };
const sizes: [sites: number, regions: number, classes: number][] = [
  [2, 2, 2],
  [3, 2, 4],
  [4, 3, 4],
  [6, 4, 4],
  [8, 5, 4],
  [10, 6, 4],
  [12, 8, 4],
  [16, 10, 4],
  [20, 12, 4],
  [30, 15, 4],
  [40, 20, 4],
];
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const loadStarted = performance.now();
await loadHighsOnce();
console.log(`HiGHS WebAssembly load: ${(performance.now() - loadStarted).toFixed(0)} ms (once per worker)`);
const native = isAvailable('clp') && isAvailable('cbc');
console.log(
  `sites×regions×classes | columns | rows | jslp ms | HiGHS ms | faster${native ? ' | CLP ms | whole GPUs: HiGHS ms | CBC ms' : ''}`,
);
for (const [sites, regions, classes] of sizes) {
  const input = syntheticInput({ sites, regions, classes, gpuTypes: 4, seed: 7 });
  const { compiled } = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS });
  const lp = compiled.lp;
  const jslpRuns: number[] = [];
  const highsRuns: number[] = [];
  let jslpObjective = 0;
  let highsObjective = 0;
  for (let i = 0; i < 3; i++) {
    const h = await solveWithHighs(lp, settings);
    highsRuns.push(h.solveMs);
    highsObjective = h.objective ?? NaN;
    if (jslpRuns.length > 0 && median(jslpRuns) > 20_000) continue;
    const j = await solveWithJslp(lp, settings);
    jslpRuns.push(j.solveMs);
    jslpObjective = j.objective ?? NaN;
  }
  const nativeFigures: number[] = [];
  if (native) {
    const integer = buildPlanModel(input, { ...DEFAULT_PLAN_OPTIONS, integerGpus: true }).compiled.lp;
    const runs = async (solve: typeof solveWithClp, model: typeof lp) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push((await solve(model, settings)).solveMs);
      return median(times);
    };
    nativeFigures.push(
      await runs(solveWithClp, lp),
      await runs(solveWithHighs, integer),
      await runs(solveWithCbc, integer),
    );
  }
  const jslpMs = median(jslpRuns);
  const highsMs = median(highsRuns);
  const agree = Math.abs(jslpObjective - highsObjective) <= 1e-6 * Math.max(1, Math.abs(highsObjective));
  console.log(
    `${sites}×${regions}×${classes} | ${lp.numColumns} | ${lp.numRows} | ${jslpMs.toFixed(1)} | ${highsMs.toFixed(1)} | ${jslpMs < highsMs ? 'jslp' : 'HiGHS'}${agree ? '' : ' (objectives differ!)'}${nativeFigures.map((ms) => ` | ${ms.toFixed(1)}`).join('')}`,
  );
}
