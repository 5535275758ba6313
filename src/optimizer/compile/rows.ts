// The model's rows, in this order (DESIGN.md "The placement model"):
//   demand[group,t]      routes + unserved = the group's demand
//   balance[s,k,t]       routes landing at site s = serve columns of class k there
//   gpu[s,pool,t]        LP: occupancy − add <= installed; integer: occupancy − busy <= 0
//   capacity[s,pool,t]   integer mode with expansion: busy − add <= installed
//   power[s,t]           facility kW <= the site's cap
//   carbon_cap           tonnes/h <= the cap (only with a cap)
//   replica[s,pool,m,t]  integer mode, pools that count replicas (replicas.ts): occupancy of model m − its replicas' GPUs <= 0
//   deploy[s,pool,m,t]   sites whose model cap can bind (model-caps.ts): occupancy of model m − the pool's GPUs × deploy <= 0
//   models_cap[s]        those sites: Σ_m deploy[s,m] <= maxModels
import type { PreparedInput } from '../prepare.js';
import type { ModelCapRule } from './model-caps.js';
import type { ReplicaRule } from './replicas.js';
import type { PlanOptions } from '../types.js';
import type { DemandGroup, ModelRowIndex, TaggedModelBuilder } from './layout.js';

export interface ModelRows {
  index: ModelRowIndex;
  /** [global pool] = 1 where the pool has a gpu row in some period */
  poolUsed: Uint8Array;
}

export interface RowInputs {
  prepared: PreparedInput;
  options: PlanOptions;
  poolOffset: Int32Array;
  groups: readonly DemandGroup[];
  /** from route pruning: [(site * classes + class) * periods + t] */
  servesClassAt: Uint8Array;
  replicas: ReplicaRule;
  modelCaps: ModelCapRule;
}

export function addRows(model: TaggedModelBuilder, inputs: RowInputs): ModelRows {
  const { options } = inputs;
  const demand = addDemandRows(model, inputs);
  const balance = addBalanceRows(model, inputs);
  const { poolUsed, ...gpu } = addGpuRows(model, inputs);
  const capacity = addCapacityRows(model, inputs, gpu.gpuRowOf, poolUsed);
  const power = addPowerRows(model, inputs);
  const carbonRow =
    options.carbonCapTonnesPerHour === null ? -1 : model.addRow(-Infinity, options.carbonCapTonnesPerHour, {});
  const replica = addReplicaRows(model, inputs);
  const caps = addModelCapRows(model, inputs);
  return { index: { ...demand, ...balance, ...gpu, ...capacity, ...power, ...replica, ...caps, carbonRow }, poolUsed };
}

function addDemandRows(model: TaggedModelBuilder, { prepared, groups }: RowInputs) {
  const T = prepared.periods;
  const demandRowOf = new Int32Array(groups.length * T).fill(-1);
  const demandRows = model.rowBlock(() => {
    groups.forEach((group, i) => {
      for (let t = 0; t < T; t++) {
        const ktokPerSecond = group.demandKtokByPeriod[t]!;
        if (ktokPerSecond > 0)
          demandRowOf[i * T + t] = model.addRow(ktokPerSecond, ktokPerSecond, { group: i, period: t });
      }
    });
  });
  return { demandRows, demandRowOf };
}

function addBalanceRows(model: TaggedModelBuilder, { prepared, servesClassAt }: RowInputs) {
  const T = prepared.periods;
  const K = prepared.classes.length;
  const balanceRowOf = new Int32Array(prepared.sites.length * K * T).fill(-1);
  const balanceRows = model.rowBlock(() => {
    for (let s = 0; s < prepared.sites.length; s++) {
      for (let k = 0; k < K; k++) {
        for (let t = 0; t < T; t++) {
          const at = (s * K + k) * T + t;
          if (servesClassAt[at]) balanceRowOf[at] = model.addRow(0, 0, { site: s, workloadClass: k, period: t });
        }
      }
    }
  });
  return { balanceRows, balanceRowOf };
}

/** A pool gets a row in period t when it can run some class the site serves then. */
function addGpuRows(model: TaggedModelBuilder, { prepared, options, poolOffset, servesClassAt }: RowInputs) {
  const { sites, gpus } = prepared;
  const T = prepared.periods;
  const K = prepared.classes.length;
  const totalPools = poolOffset[sites.length]!;
  const gpuRowOf = new Int32Array(totalPools * T).fill(-1);
  const poolUsed = new Uint8Array(totalPools);
  const gpuRows = model.rowBlock(() => {
    sites.forEach((site, s) => {
      site.pools.forEach((pool, p) => {
        const tokensPerSecondByClass = gpus[pool.gpuIndex]!.tokensPerSecondByClass;
        const global = poolOffset[s]! + p;
        for (let t = 0; t < T; t++) {
          let runs = false;
          for (let k = 0; k < K && !runs; k++)
            runs = tokensPerSecondByClass[k]! > 0 && servesClassAt[(s * K + k) * T + t] === 1;
          if (!runs) continue;
          poolUsed[global] = 1;
          const upper = options.integerGpus ? 0 : pool.installed;
          gpuRowOf[global * T + t] = model.addRow(-Infinity, upper, { site: s, pool: p, period: t });
        }
      });
    });
  });
  return { gpuRows, gpuRowOf, poolUsed };
}

function addCapacityRows(
  model: TaggedModelBuilder,
  { prepared, options, poolOffset }: RowInputs,
  gpuRowOf: Int32Array,
  poolUsed: Uint8Array,
) {
  const T = prepared.periods;
  const capacityRowOf = new Int32Array(poolOffset[prepared.sites.length]! * T).fill(-1);
  const capacityRows = model.rowBlock(() => {
    if (!options.integerGpus) return;
    prepared.sites.forEach((site, s) => {
      site.pools.forEach((pool, p) => {
        const global = poolOffset[s]! + p;
        if (pool.buyable <= 0 || !poolUsed[global]) return;
        for (let t = 0; t < T; t++) {
          if (gpuRowOf[global * T + t]! < 0) continue;
          capacityRowOf[global * T + t] = model.addRow(-Infinity, pool.installed, { site: s, pool: p, period: t });
        }
      });
    });
  });
  return { capacityRows, capacityRowOf };
}

function addPowerRows(model: TaggedModelBuilder, { prepared, servesClassAt }: RowInputs) {
  const T = prepared.periods;
  const K = prepared.classes.length;
  const powerRowOf = new Int32Array(prepared.sites.length * T).fill(-1);
  const powerRows = model.rowBlock(() => {
    prepared.sites.forEach((site, s) => {
      for (let t = 0; t < T; t++) {
        let serves = false;
        for (let k = 0; k < K && !serves; k++) serves = servesClassAt[(s * K + k) * T + t] === 1;
        if (serves) powerRowOf[s * T + t] = model.addRow(-Infinity, site.powerCapKw, { site: s, period: t });
      }
    });
  });
  return { powerRows, powerRowOf };
}

function addReplicaRows(model: TaggedModelBuilder, { prepared, poolOffset, replicas }: RowInputs) {
  const T = prepared.periods;
  const M = prepared.models.length;
  const replicaRowOf = new Int32Array(poolOffset[prepared.sites.length]! * M * T).fill(-1);
  const replicaRows = model.rowBlock(() => {
    prepared.sites.forEach((site, s) => {
      site.pools.forEach((_pool, p) => {
        const global = poolOffset[s]! + p;
        if (!replicas.poolUsesReplicas[global]) return;
        for (let m = 0; m < M; m++) {
          for (let t = 0; t < T; t++) {
            const at = (global * M + m) * T + t;
            if (replicas.modelRunsAt[at])
              replicaRowOf[at] = model.addRow(-Infinity, 0, { site: s, pool: p, model: m, period: t });
          }
        }
      });
    });
  });
  return { replicaRows, replicaRowOf };
}

function addModelCapRows(model: TaggedModelBuilder, { prepared, poolOffset, modelCaps }: RowInputs) {
  const T = prepared.periods;
  const M = prepared.models.length;
  const deployRowOf = new Int32Array(poolOffset[prepared.sites.length]! * M * T).fill(-1);
  const modelCapRowOf = new Int32Array(prepared.sites.length).fill(-1);
  const deployRows = model.rowBlock(() => {
    prepared.sites.forEach((site, s) => {
      site.pools.forEach((_pool, p) => {
        const global = poolOffset[s]! + p;
        for (const m of modelCaps.cappedModels[s]!) {
          for (let t = 0; t < T; t++) {
            const at = (global * M + m) * T + t;
            if (modelCaps.deployRowAt[at])
              deployRowOf[at] = model.addRow(-Infinity, 0, { site: s, pool: p, model: m, period: t });
          }
        }
      });
    });
  });
  const modelCapRows = model.rowBlock(() => {
    prepared.sites.forEach((site, s) => {
      if (modelCaps.cappedModels[s]!.length > 0)
        modelCapRowOf[s] = model.addRow(-Infinity, site.maxModels!, { site: s });
    });
  });
  return { deployRows, modelCapRows, deployRowOf, modelCapRowOf };
}
