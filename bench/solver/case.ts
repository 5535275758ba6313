// One benchmark case in a fresh process (cold start, its own peak memory).
//   solve:  solve as the service would and print the figures as JSON
//   export: write our LP, and for LPs the naive formulation, as MPS files
// An optional 4th argument names the engine (auto, highs, clp, cbc, jslp): clp
// and cbc run our LP in-process on the native COIN-OR libraries.
// Run by bench/solver/run.ts; not on its own.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFreeMps } from '../../src/optimizer/mps.js';
import { buildPlanModel, solvePlacement } from '../../src/optimizer/solve.js';
import { parsePlanOptions } from '../../src/optimizer/types.js';
import { BENCH_CASES } from './cases.js';
import { compileNaiveModel } from './naive.js';

const [index, mode, outDir, solver] = process.argv.slice(2);
const benchCase = BENCH_CASES[Number(index)];
if (!benchCase || (mode !== 'solve' && mode !== 'export') || !outDir) {
  console.error('usage: case.ts <case index> solve|export <output dir>');
  process.exit(2);
}
const input = await benchCase.input();
const parsed = parsePlanOptions({ timeLimitSeconds: 600, ...benchCase.options, ...(solver ? { solver } : {}) });
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const options = parsed.options;

function writeMps(path: string, model: Parameters<typeof writeFreeMps>[0]): void {
  const fd = openSync(path, 'w');
  try {
    writeFreeMps(model, (chunk) => writeSync(fd, chunk));
  } finally {
    closeSync(fd);
  }
}

if (mode === 'solve') {
  const plan = await solvePlacement(input, options);
  console.log(
    JSON.stringify({
      status: plan.status,
      solver: plan.solver,
      size: plan.modelSize,
      timings: plan.timings,
      objective: plan.objectivePerHour,
      costPerMillionTokens: plan.totals?.costPerMillionTokens ?? null,
      mipGap: plan.mipGap,
      note: plan.message,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const { prepared, compiled } = buildPlanModel(input, options);
  writeMps(join(outDir, 'ours.mps'), compiled.lp);
  let naive: { columns: number; rows: number; nonzeros: number } | null = null;
  if (!options.integerGpus) {
    const model = compileNaiveModel(prepared, options);
    writeMps(join(outDir, 'naive.mps'), model);
    naive = { columns: model.numColumns, rows: model.numRows, nonzeros: model.matrixValues.length };
  }
  console.log(JSON.stringify({ naive, mipGap: options.mipGapRelative, integer: options.integerGpus }));
}
