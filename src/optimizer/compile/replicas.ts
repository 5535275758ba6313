// Whole replicas in integer mode. A model runs on a GPU type in replicas of its
// replica size (the GPUs its weights need), so where a pool may run more than
// one model, or a model whose replicas span several GPUs, the GPUs each model
// holds there are counted in whole replicas:
//   replica[s,pool,m,t]  occupancy of model m's classes − size × replicas <= 0
//   gpu[s,pool,t]        Σ_m size × replicas − busy <= 0
// A pool that runs one model in replicas of one GPU needs none of this (its
// whole busy GPUs are already the replicas), which keeps data without models
// exactly the model it was before.
import type { PreparedInput } from '../prepare.js';
import type { PlanOptions } from '../types.js';

export interface ReplicaRule {
  /** [global pool] = 1 where the pool counts replicas per model */
  poolUsesReplicas: Uint8Array;
  /** [(global pool * models + m) * periods + t] = 1 where model m runs on the pool then */
  modelRunsAt: Uint8Array;
}

export function replicaRule(
  prepared: PreparedInput,
  options: PlanOptions,
  poolOffset: Int32Array,
  servesClassAt: Uint8Array,
): ReplicaRule {
  const { sites, gpus, classes, models } = prepared;
  const T = prepared.periods;
  const K = classes.length;
  const M = models.length;
  const totalPools = poolOffset[sites.length]!;
  const poolUsesReplicas = new Uint8Array(totalPools);
  const modelRunsAt = new Uint8Array(totalPools * M * T);
  if (!options.integerGpus) return { poolUsesReplicas, modelRunsAt };
  sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const global = poolOffset[s]! + p;
      const gpu = gpus[pool.gpuIndex]!;
      const modelsHere = new Set<number>();
      for (let k = 0; k < K; k++) {
        if (!(gpu.tokensPerSecondByClass[k]! > 0)) continue;
        const m = classes[k]!.modelIndex;
        for (let t = 0; t < T; t++) {
          if (servesClassAt[(s * K + k) * T + t] !== 1) continue;
          modelRunsAt[(global * M + m) * T + t] = 1;
          modelsHere.add(m);
        }
      }
      const multiGpu = [...modelsHere].some((m) => gpu.gpusPerReplicaByModel[m]! > 1);
      if (modelsHere.size > 1 || multiGpu) poolUsesReplicas[global] = 1;
    });
  });
  return { poolUsesReplicas, modelRunsAt };
}
