// Warm re-solves: for each case, solve the data once (cold) and keep its final
// basis; then solve it again after a 5 % change (price-change.ts: every site's
// electricity price, every region's demand, or both) cold and warm from that
// basis, in the same process (HiGHS already loaded), and print the median
// solver times, simplex iterations and the basis's stored size.
// Run: npx tsx bench/warm/run.ts [price|demand|both] [case-name-filter] [repeats, default 3]
import { encodeBasis } from '../../src/db/plan-basis.js';
import { solvePlacementWithBasis } from '../../src/optimizer/solve.js';
import type { LpBasis } from '../../src/optimizer/solvers/outcome.js';
import type { PlanningInput, PlanOptions, PlanResult } from '../../src/optimizer/types.js';
import { BENCH_CASES } from '../solver/cases.js';
import { demandChanged, priceChanged } from './price-change.js';

const WARM_CASES = [
  'fixtures 7 models, 1 period',
  'fixtures 7 models, 24 periods',
  'synthetic 200×50',
  'synthetic 500×100',
];
const CHANGES = {
  price: priceChanged,
  demand: demandChanged,
  both: (input: PlanningInput) => demandChanged(priceChanged(input)),
};
const changeName = (process.argv[2] ?? 'price') as keyof typeof CHANGES;
if (!(changeName in CHANGES)) throw new Error(`the change must be one of ${Object.keys(CHANGES).join(', ')}`);
const filter = process.argv[3];
const repeats = Number(process.argv[4] ?? 3);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function solve(input: PlanningInput, options: Partial<PlanOptions>, basis?: LpBasis) {
  const source = basis ? { find: () => Promise.resolve({ planId: 'previous', basis, solveMs: null }) } : undefined;
  return solvePlacementWithBasis(input, { ...options, timeLimitSeconds: 600 }, source);
}

const describe = (result: PlanResult): string =>
  `${result.status}, ${result.timings.solveMs.toFixed(0)} ms, ${result.warmStart?.simplexIterations ?? '—'} iterations`;

console.log(`5 % ${changeName} change, median of ${repeats}`);
console.log(
  '| case | variables | cold solve (ms) | warm solve (ms) | warm / cold | iterations cold → warm | basis stored (bytes) | objective rel. diff |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const benchCase of BENCH_CASES.filter(
  (c) => WARM_CASES.includes(c.name) && (!filter || c.name.includes(filter)),
)) {
  const input = await benchCase.input();
  const changed = CHANGES[changeName](input);
  const first = await solve(input, benchCase.options);
  if (!first.basis) throw new Error(`${benchCase.name}: no basis (${describe(first.result)})`);
  const cold: PlanResult[] = [];
  const warm: PlanResult[] = [];
  for (let i = 0; i < repeats; i++) {
    cold.push((await solve(changed, benchCase.options)).result);
    warm.push((await solve(changed, benchCase.options, first.basis)).result);
  }
  const coldMs = median(cold.map((r) => r.timings.solveMs));
  const warmMs = median(warm.map((r) => r.timings.solveMs));
  if (!warm.every((r) => r.warmStart?.used))
    throw new Error(`${benchCase.name}: the basis was not used: ${warm[0]!.warmStart?.coldReason}`);
  const objectiveDiff =
    Math.abs(warm[0]!.objectivePerHour! - cold[0]!.objectivePerHour!) / Math.abs(cold[0]!.objectivePerHour!);
  console.log(
    `| ${benchCase.name} | ${first.result.modelSize.variables} | ${coldMs.toFixed(0)} | ${warmMs.toFixed(0)} | ${((100 * warmMs) / coldMs).toFixed(0)} % | ` +
      `${cold[0]!.warmStart?.simplexIterations} → ${warm[0]!.warmStart?.simplexIterations} | ${encodeBasis(first.basis).length} | ${objectiveDiff.toExponential(1)} |`,
  );
}
