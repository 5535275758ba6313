// The size of the model a plan would build, counted without building it: the
// API process checks a request against the solver caps with this (a refused
// 24-hour 500×200 request cost 2 s and 500 MB when it built the model to count
// its columns). It runs the same route pruning and demand grouping as the
// compiler, then walks the row and column rules of compile/rows.ts and
// compile/columns.ts adding up what they would add, so the counts are exact:
// test/optimizer/model-size.test.ts compares them with built models.
import { offsets } from './compile.js';
import { groupDemands } from './compile/demand-groups.js';
import { modelCapRule } from './compile/model-caps.js';
import { replicaRule } from './compile/replicas.js';
import { pruneRoutes } from './compile/routes.js';
import { serveRatesPerKtok } from './costs.js';
import { prepareInput, type PreparedInput } from './prepare.js';
import type { ModelSize, PlanOptions, PlanningInput } from './types.js';

/** prepareInput (PlanInputError on unusable input, as a build) + countModel. */
export function countPlanModel(input: PlanningInput, options: PlanOptions): ModelSize {
  return countModel(prepareInput(input, options), options);
}

export function countModel(prepared: PreparedInput, options: PlanOptions): ModelSize {
  const { demandOffset, poolOffset } = offsets(prepared);
  const { candidates, servesClassAt } = pruneRoutes(prepared, demandOffset);
  const replicas = replicaRule(prepared, options, poolOffset, servesClassAt);
  const modelCaps = modelCapRule(prepared, poolOffset, servesClassAt);
  const M = prepared.models.length;
  const { groups } = groupDemands(prepared, options, demandOffset, candidates);
  const T = prepared.periods;
  const K = prepared.classes.length;
  const size: ModelSize = { variables: 0, integerVariables: 0, constraints: 0, nonzeros: 0 };
  const column = (nonzeros: number, isInteger: boolean) => {
    size.variables += 1;
    size.nonzeros += nonzeros;
    if (isInteger) size.integerVariables += 1;
  };

  // demand rows, each with its routes (2 nonzeros: demand and balance) and its unserved column
  for (const group of groups) {
    for (let t = 0; t < T; t++) {
      if (!(group.demandKtokByPeriod[t]! > 0)) continue;
      size.constraints += 1;
      for (let i = 0; i < group.sites.length; i++) column(2, false);
      column(1, false);
    }
  }
  // balance rows
  for (const serves of servesClassAt) size.constraints += serves;
  const carbonRow = options.carbonCapTonnesPerHour !== null;
  if (carbonRow) size.constraints += 1;

  prepared.sites.forEach((site, s) => {
    const servesAt = (k: number, t: number) => servesClassAt[(s * K + k) * T + t] === 1;
    // power rows
    for (let t = 0; t < T; t++) {
      let serves = false;
      for (let k = 0; k < K && !serves; k++) serves = servesAt(k, t);
      if (serves) size.constraints += 1;
    }
    site.pools.forEach((pool, p) => {
      const gpu = prepared.gpus[pool.gpuIndex]!;
      // replica rows (integer mode, pools that count replicas), each with its replica column (2 nonzeros)
      const global = poolOffset[s]! + p;
      if (replicas.poolUsesReplicas[global]) {
        for (let i = global * M * T; i < (global + 1) * M * T; i++) {
          if (!replicas.modelRunsAt[i]) continue;
          size.constraints += 1;
          column(2, true);
        }
      }
      // gpu rows: where the pool runs a class the site serves
      let gpuRows = 0;
      for (let t = 0; t < T; t++) {
        let runs = false;
        for (let k = 0; k < K && !runs; k++) runs = gpu.tokensPerSecondByClass[k]! > 0 && servesAt(k, t);
        if (runs) gpuRows += 1;
      }
      size.constraints += gpuRows;
      // serve columns: balance −1, then occupancy, facility kW and carbon where not zero (the LP drops zeros)
      for (let k = 0; k < K; k++) {
        const tokensPerSecond = gpu.tokensPerSecondByClass[k]!;
        if (!(tokensPerSecond > 0)) continue;
        const rates = serveRatesPerKtok(tokensPerSecond, gpu, site, options);
        const coefficients = [rates.occupancyPerKtok, rates.facilityKwPerKtok];
        if (carbonRow) coefficients.push((1 / T) * rates.carbonTonnesPerKtokHour);
        const nonzeros = 1 + coefficients.filter((c) => c !== 0).length;
        // and the occupancy again in the model's deploy row, at a site whose model cap can bind
        const deployAt = (t: number) => modelCaps.deployRowAt[(global * M + prepared.classes[k]!.modelIndex) * T + t]!;
        for (let t = 0; t < T; t++) if (servesAt(k, t)) column(nonzeros + deployAt(t), false);
      }
      const buys = pool.buyable > 0 && gpuRows > 0;
      // integer mode with expansion: a capacity row per gpu row
      const capacityRows = options.integerGpus && buys ? gpuRows : 0;
      size.constraints += capacityRows;
      // add: one column in every row that caps the pool
      if (buys) column(options.integerGpus ? capacityRows : gpuRows, options.integerGpus);
      // busy (integer mode): one per gpu row, in it and in its capacity row
      if (options.integerGpus) for (let t = 0; t < gpuRows; t++) column(capacityRows > 0 ? 2 : 1, true);
    });
    // a capped site: its deploy rows, its models cap row, and a binary per model in both
    if (modelCaps.cappedModels[s]!.length === 0) return;
    size.constraints += 1;
    for (const m of modelCaps.cappedModels[s]!) {
      let deployRows = 0;
      site.pools.forEach((_pool, p) => {
        const at = ((poolOffset[s]! + p) * M + m) * T;
        for (let t = 0; t < T; t++) deployRows += modelCaps.deployRowAt[at + t]!;
      });
      size.constraints += deployRows;
      column(1 + deployRows, true);
    }
  });
  return size;
}
