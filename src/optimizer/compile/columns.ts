// The model's columns, in this order (DESIGN.md "The placement model"):
//   route[s,group,t]  ktok/s of a demand group served at site s
//   unserved[group,t] ktok/s left unserved, at the penalty price
//   serve[s,pool,k,t] ktok/s of class k run on one GPU pool at site s
//   add[s,pool]       GPUs bought (expansion only)
//   busy[s,pool,t]    whole GPUs held (integer mode only)
//   replicas[s,pool,m,t] whole replicas of model m (integer mode, pools that count replicas: replicas.ts)
//   deploy[s,m]       binary: model m deployed at a site whose model cap can bind (model-caps.ts)
import {
  boughtGpuCostPerHour,
  busyGpuCostPerHour,
  crossesBorder,
  pricePerKtokHour,
  serveCostPerKtokHour,
  serveRatesPerKtok,
} from '../costs.js';
import type { PreparedInput } from '../prepare.js';
import type { PlanOptions } from '../types.js';
import type { DemandGroup, ModelColumnIndex, ModelRowIndex, TaggedModelBuilder } from './layout.js';

export interface ColumnInputs {
  prepared: PreparedInput;
  options: PlanOptions;
  periodWeight: number;
  poolOffset: Int32Array;
  groups: readonly DemandGroup[];
  rows: ModelRowIndex;
  /** [global pool] = 1 where the pool has a gpu row in some period */
  poolUsed: Uint8Array;
}

export function addColumns(model: TaggedModelBuilder, inputs: ColumnInputs): ModelColumnIndex {
  const routeStartOf = new Int32Array(inputs.groups.length * inputs.prepared.periods).fill(-1);
  const routes = model.columnBlock(() => addRouteColumns(model, inputs, routeStartOf));
  const unserved = model.columnBlock(() => addUnservedColumns(model, inputs));
  const serve = model.columnBlock(() => addServeColumns(model, inputs));
  const addColumnOf = new Int32Array(inputs.poolOffset[inputs.prepared.sites.length]!).fill(-1);
  const add = model.columnBlock(() => addBoughtGpuColumns(model, inputs, addColumnOf));
  const busyColumnOf = new Int32Array(addColumnOf.length * inputs.prepared.periods).fill(-1);
  const busy = model.columnBlock(() => addBusyGpuColumns(model, inputs, busyColumnOf));
  const replicaColumnOf = new Int32Array(inputs.rows.replicaRowOf.length).fill(-1);
  const replicas = model.columnBlock(() => addReplicaColumns(model, inputs, replicaColumnOf));
  const deployColumnOf = new Int32Array(inputs.prepared.sites.length * inputs.prepared.models.length).fill(-1);
  const deploy = model.columnBlock(() => addDeployColumns(model, inputs, deployColumnOf));
  return {
    routes,
    unserved,
    serve,
    add,
    busy,
    replicas,
    deploy,
    routeStartOf,
    addColumnOf,
    busyColumnOf,
    replicaColumnOf,
    deployColumnOf,
  };
}

/** The routes of one group and period are contiguous, in `group.sites` order. */
function addRouteColumns(model: TaggedModelBuilder, inputs: ColumnInputs, routeStartOf: Int32Array): void {
  const { prepared, options, groups, rows } = inputs;
  const T = prepared.periods;
  const K = prepared.classes.length;
  const egressPerKtokHour = pricePerKtokHour(options.egressPricePerMillionTokens, inputs.periodWeight);
  for (let t = 0; t < T; t++) {
    groups.forEach((group, i) => {
      const demandRow = rows.demandRowOf[i * T + t]!;
      if (demandRow < 0) return;
      const region = prepared.regions[group.regionIndex]!;
      const upper = options.maxSiteShare === null ? Infinity : options.maxSiteShare * group.demandKtokByPeriod[t]!;
      routeStartOf[i * T + t] = model.lp.numColumns;
      for (const s of group.sites) {
        const cost = crossesBorder(prepared.sites[s]!.country, region.country) ? egressPerKtokHour : 0;
        const balanceRow = rows.balanceRowOf[(s * K + group.classIndex) * T + t]!;
        const spec = { lower: 0, upper, cost, isInteger: false, rows: [demandRow, balanceRow], coefficients: [1, 1] };
        model.addColumn(spec, { site: s, group: i, period: t });
      }
    });
  }
}

function addUnservedColumns(
  model: TaggedModelBuilder,
  { prepared, options, periodWeight, groups, rows }: ColumnInputs,
) {
  const T = prepared.periods;
  const cost = pricePerKtokHour(options.unservedPenaltyPerMillionTokens, periodWeight);
  for (let t = 0; t < T; t++) {
    groups.forEach((_group, i) => {
      const demandRow = rows.demandRowOf[i * T + t]!;
      if (demandRow < 0) return;
      model.addColumn(
        { lower: 0, upper: Infinity, cost, isInteger: false, rows: [demandRow], coefficients: [1] },
        { group: i, period: t },
      );
    });
  }
}

function addServeColumns(model: TaggedModelBuilder, inputs: ColumnInputs): void {
  const { prepared, options, periodWeight, poolOffset, rows } = inputs;
  const T = prepared.periods;
  const K = prepared.classes.length;
  const M = prepared.models.length;
  prepared.sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const gpu = prepared.gpus[pool.gpuIndex]!;
      for (let k = 0; k < K; k++) {
        const tokensPerSecond = gpu.tokensPerSecondByClass[k]!;
        if (!(tokensPerSecond > 0)) continue;
        const rates = serveRatesPerKtok(tokensPerSecond, gpu, site, options);
        for (let t = 0; t < T; t++) {
          const balanceRow = rows.balanceRowOf[(s * K + k) * T + t]!;
          if (balanceRow < 0) continue;
          const cost = serveCostPerKtokHour(rates, gpu, site, t, periodWeight, options);
          // the GPUs it occupies count in its model's replica row where the pool counts replicas, else in the gpu row
          const global = poolOffset[s]! + p;
          const replicaRow = rows.replicaRowOf[(global * M + prepared.classes[k]!.modelIndex) * T + t]!;
          const occupancyRow = replicaRow >= 0 ? replicaRow : rows.gpuRowOf[global * T + t]!;
          const columnRows = [balanceRow, occupancyRow, rows.powerRowOf[s * T + t]!];
          const coefficients = [-1, rates.occupancyPerKtok, rates.facilityKwPerKtok];
          if (rows.carbonRow >= 0) {
            columnRows.push(rows.carbonRow);
            coefficients.push(periodWeight * rates.carbonTonnesPerKtokHour);
          }
          const deployRow = rows.deployRowOf[(global * M + prepared.classes[k]!.modelIndex) * T + t]!;
          if (deployRow >= 0) {
            columnRows.push(deployRow);
            coefficients.push(rates.occupancyPerKtok);
          }
          const spec = { lower: 0, upper: Infinity, cost, isInteger: false, rows: columnRows, coefficients };
          model.addColumn(spec, { site: s, pool: p, workloadClass: k, period: t });
        }
      }
    });
  });
}

/** One column per pool that may buy GPUs, in every row that caps the pool (gpu rows, or capacity rows in integer mode). */
function addBoughtGpuColumns(model: TaggedModelBuilder, inputs: ColumnInputs, addColumnOf: Int32Array): void {
  const { prepared, options, poolOffset, rows, poolUsed } = inputs;
  const T = prepared.periods;
  prepared.sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const global = poolOffset[s]! + p;
      if (pool.buyable <= 0 || !poolUsed[global]) return;
      const capRows: number[] = [];
      for (let t = 0; t < T; t++) {
        const row = options.integerGpus ? rows.capacityRowOf[global * T + t]! : rows.gpuRowOf[global * T + t]!;
        if (row >= 0) capRows.push(row);
      }
      const cost = boughtGpuCostPerHour(prepared.gpus[pool.gpuIndex]!.capexPerHour, options);
      const spec = {
        lower: 0,
        upper: pool.buyable,
        cost,
        isInteger: options.integerGpus,
        rows: capRows,
        coefficients: capRows.map(() => -1),
      };
      addColumnOf[global] = model.addColumn(spec, { site: s, pool: p });
    });
  });
}

function addBusyGpuColumns(model: TaggedModelBuilder, inputs: ColumnInputs, busyColumnOf: Int32Array): void {
  const { prepared, options, periodWeight, poolOffset, rows } = inputs;
  if (!options.integerGpus) return;
  const T = prepared.periods;
  prepared.sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const global = poolOffset[s]! + p;
      const cost = busyGpuCostPerHour(prepared.gpus[pool.gpuIndex]!.capexPerHour, periodWeight, options);
      for (let t = 0; t < T; t++) {
        const gpuRow = rows.gpuRowOf[global * T + t]!;
        if (gpuRow < 0) continue;
        const columnRows = [gpuRow];
        const coefficients = [-1];
        const capacityRow = rows.capacityRowOf[global * T + t]!;
        if (capacityRow >= 0) {
          columnRows.push(capacityRow);
          coefficients.push(1);
        }
        const spec = {
          lower: 0,
          upper: pool.installed + pool.buyable,
          cost,
          isInteger: true,
          rows: columnRows,
          coefficients,
        };
        busyColumnOf[global * T + t] = model.addColumn(spec, { site: s, pool: p, period: t });
      }
    });
  });
}

/** Whole replicas: −size in the model's replica row, +size in the pool's gpu row (where busy GPUs cover them). */
function addReplicaColumns(model: TaggedModelBuilder, inputs: ColumnInputs, replicaColumnOf: Int32Array): void {
  const { prepared, poolOffset, rows } = inputs;
  const T = prepared.periods;
  const M = prepared.models.length;
  prepared.sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const global = poolOffset[s]! + p;
      const gpu = prepared.gpus[pool.gpuIndex]!;
      for (let m = 0; m < M; m++) {
        const size = gpu.gpusPerReplicaByModel[m]!;
        for (let t = 0; t < T; t++) {
          const at = (global * M + m) * T + t;
          const replicaRow = rows.replicaRowOf[at]!;
          if (replicaRow < 0) continue;
          const spec = {
            lower: 0,
            upper: Math.floor((pool.installed + pool.buyable) / size),
            cost: 0,
            isInteger: true,
            rows: [replicaRow, rows.gpuRowOf[global * T + t]!],
            coefficients: [-size, size],
          };
          replicaColumnOf[at] = model.addColumn(spec, { site: s, pool: p, model: m, period: t });
        }
      }
    });
  });
}

/** deploy[s,m]: 1 in the site's models cap row, −(the pool's GPUs) in each of its deploy rows. */
function addDeployColumns(model: TaggedModelBuilder, inputs: ColumnInputs, deployColumnOf: Int32Array): void {
  const { prepared, poolOffset, rows } = inputs;
  const T = prepared.periods;
  const M = prepared.models.length;
  prepared.sites.forEach((site, s) => {
    const capRow = rows.modelCapRowOf[s]!;
    if (capRow < 0) return;
    for (let m = 0; m < M; m++) {
      const columnRows = [capRow];
      const coefficients = [1];
      site.pools.forEach((pool, p) => {
        for (let t = 0; t < T; t++) {
          const row = rows.deployRowOf[((poolOffset[s]! + p) * M + m) * T + t]!;
          if (row < 0) continue;
          columnRows.push(row);
          coefficients.push(-(pool.installed + pool.buyable));
        }
      });
      if (columnRows.length === 1) continue;
      const spec = { lower: 0, upper: 1, cost: 0, isInteger: true, rows: columnRows, coefficients };
      deployColumnOf[s * M + m] = model.addColumn(spec, { site: s, model: m });
    }
  });
}
