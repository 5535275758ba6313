// What sensitivity ranging costs next to the solve (figures printed, not
// asserted): for each case, HiGHS's solve, the zero-iteration run that rebuilds
// the original model's factor, and the parametric ranging of every site price,
// power cap and GPU pool with no budget, in CPU ms of this process (the machine
// is shared: CPU time moves less than the wall clock under load).
// Run: npx tsx bench/solver/ranging.ts [case name filter]
import { rangeDirections } from '../../src/optimizer/interpret/ranges.js';
import { parametricRanges } from '../../src/optimizer/ranging/parametric.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { loadHighsOnce, solveWithHighs } from '../../src/optimizer/solvers/highs.js';
import { DEFAULT_PLAN_OPTIONS, parsePlanOptions } from '../../src/optimizer/types.js';
import { BENCH_CASES } from './cases.js';

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const filter = process.argv[2] ?? '';
await loadHighsOnce();
console.log('| case | columns × rows | parameters | solve (CPU ms) | refactor run | ranging | ranging / solve |');
console.log('|---|---|---|---|---|---|---|');
for (const benchCase of BENCH_CASES) {
  if (!benchCase.name.includes(filter) || benchCase.options.integerGpus) continue;
  const parsed = parsePlanOptions({ ...DEFAULT_PLAN_OPTIONS, ...benchCase.options, solver: 'highs' });
  if (!parsed.ok) throw new Error(benchCase.name);
  const { prepared, compiled } = buildPlanModel(await benchCase.input(), parsed.options);
  const directions = rangeDirections(prepared, compiled, parsed.options);
  // once without ranging, once with: the difference less the ranging is the refactor run
  let started = cpuMs();
  await solveWithHighs(compiled.lp, { timeLimitSeconds: 600, mipGapRelative: 1e-4 });
  const solveMs = cpuMs() - started;
  let rangingMs = 0;
  started = cpuMs();
  await solveWithHighs(compiled.lp, {
    timeLimitSeconds: 600,
    mipGapRelative: 1e-4,
    onOptimalBasis: (basis) => {
      const rangingStarted = cpuMs();
      parametricRanges(compiled.lp, basis, directions, Infinity);
      rangingMs = cpuMs() - rangingStarted;
    },
  });
  const refactorMs = Math.max(0, cpuMs() - started - solveMs - rangingMs);
  const share = rangingMs + refactorMs;
  console.log(
    `| ${benchCase.name} | ${compiled.lp.numColumns} × ${compiled.lp.numRows} | ${directions.length} | ${solveMs.toFixed(0)} | ${refactorMs.toFixed(0)} | ${rangingMs.toFixed(0)} | ${((100 * share) / solveMs).toFixed(0)}% |`,
  );
}
