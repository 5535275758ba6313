// A site's cap on how many different models it hosts (Site.maxModels: each
// deployed model costs memory and operations). Where the cap is smaller than
// the number of models the site could run, a binary deploy[s,m] says whether
// model m is deployed there:
//   models_cap[s]       Σ_m deploy[s,m] <= maxModels
//   deploy[s,pool,m,t]  occupancy of model m's classes on the pool − the pool's GPUs × deploy[s,m] <= 0
// Where a cap cannot bind nothing is added, so data without caps is the model
// it was before.
import type { PreparedInput } from '../prepare.js';

export interface ModelCapRule {
  /** by site: the models the cap chooses among (ascending); empty where the site has no cap that can bind */
  cappedModels: number[][];
  /** [(global pool * models + m) * periods + t] = 1 where a deploy row ties model m's work on the pool to deploy[s,m] */
  deployRowAt: Uint8Array;
}

export function modelCapRule(prepared: PreparedInput, poolOffset: Int32Array, servesClassAt: Uint8Array): ModelCapRule {
  const { sites, gpus, classes, models } = prepared;
  const T = prepared.periods;
  const K = classes.length;
  const M = models.length;
  const deployRowAt = new Uint8Array(poolOffset[sites.length]! * M * T);
  const cappedModels = sites.map((site, s): number[] => {
    if (site.maxModels === null) return [];
    const runs = new Set<number>();
    for (let k = 0; k < K; k++) {
      for (let t = 0; t < T; t++) if (servesClassAt[(s * K + k) * T + t] === 1) runs.add(classes[k]!.modelIndex);
    }
    if (runs.size <= site.maxModels) return [];
    site.pools.forEach((pool, p) => {
      const global = poolOffset[s]! + p;
      const tokensPerSecondByClass = gpus[pool.gpuIndex]!.tokensPerSecondByClass;
      for (let k = 0; k < K; k++) {
        if (!(tokensPerSecondByClass[k]! > 0)) continue;
        const m = classes[k]!.modelIndex;
        for (let t = 0; t < T; t++) {
          if (servesClassAt[(s * K + k) * T + t] === 1) deployRowAt[(global * M + m) * T + t] = 1;
        }
      }
    });
    return [...runs].sort((a, b) => a - b);
  });
  return { cappedModels, deployRowAt };
}

/** Whether any site's cap can bind: the plan is then a mixed-integer program. */
export const anyModelCap = (rule: ModelCapRule): boolean => rule.cappedModels.some((models) => models.length > 0);
