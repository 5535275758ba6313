// GPUs held per pool and period: the occupancy itself for LPs; whole GPUs in
// integer mode (the solver's count when it carries capex, else the least whole
// number that covers the occupancy). From them: peak and mean GPUs held, GPUs
// bought, and the pools' capex on the ledger.
import { poolCapexPerHour } from '../costs.js';
import type { GpuWork } from './flows.js';
import type { CostLedger, Solution } from './solution.js';

export interface GpusHeld {
  /** [(global pool) * periods + t] */
  poolBusy: Float64Array;
  /** by global pool */
  poolAdded: Float64Array;
  poolPeakBusy: Float64Array;
  poolMeanBusy: Float64Array;
  /**
   * GPUs each model holds: [((global pool) * models + m) * periods + t]. Its occupancy in an LP; in integer
   * mode its whole replicas × replica size where the pool counts replicas, else the pool's whole GPUs (one
   * model runs there).
   */
  modelBusy: Float64Array;
  /** by global pool: capex $/h (split over models by the GPUs they hold) */
  poolCapex: Float64Array;
}

export function gpusHeld(solution: Solution, work: GpuWork, ledger: CostLedger): GpusHeld {
  const { prepared, layout, x, options, periods: T, periodWeight: w, totalPools } = solution;
  const poolOccupancy = work.poolOccupancy;
  const M = prepared.models.length;
  const integer = options.integerGpus;
  const amortized = options.capexMode === 'AMORTIZED';
  const held: GpusHeld = {
    poolBusy: new Float64Array(totalPools * T),
    poolAdded: new Float64Array(totalPools),
    poolPeakBusy: new Float64Array(totalPools),
    poolMeanBusy: new Float64Array(totalPools),
    modelBusy: new Float64Array(totalPools * M * T),
    poolCapex: new Float64Array(totalPools),
  };
  const poolGpu = new Int32Array(totalPools);
  prepared.sites.forEach((site, s) =>
    site.pools.forEach((pool, p) => (poolGpu[layout.poolOffset[s]! + p] = pool.gpuIndex)),
  );
  const replicaSizeOf = (g: number, m: number) => prepared.gpus[poolGpu[g]!]!.gpusPerReplicaByModel[m]!;
  for (let g = 0; g < totalPools; g++) {
    for (let t = 0; t < T; t++) {
      const occupancy = poolOccupancy[g * T + t]!;
      const busyColumn = layout.busyColumnOf[g * T + t]!;
      held.poolBusy[g * T + t] = !integer
        ? occupancy
        : amortized && busyColumn >= 0
          ? Math.round(x[busyColumn]!)
          : Math.max(0, Math.ceil(occupancy - 1e-6));
      let countsReplicas = false;
      let replicaGpus = 0;
      for (let m = 0; m < M; m++) {
        const at = (g * M + m) * T + t;
        if (layout.replicaColumnOf[at]! >= 0) {
          // the least whole replicas that cover the model's occupancy (the solver's count may carry slack where
          // replicas cost nothing)
          countsReplicas = true;
          const size = replicaSizeOf(g, m);
          held.modelBusy[at] = Math.max(0, Math.ceil(work.modelOccupancy[at]! / size - 1e-6)) * size;
          replicaGpus += held.modelBusy[at]!;
        } else if (!integer) held.modelBusy[at] = work.modelOccupancy[at]!;
      }
      if (countsReplicas) held.poolBusy[g * T + t] = Math.max(replicaGpus, amortized ? held.poolBusy[g * T + t]! : 0);
      else if (integer && held.poolBusy[g * T + t]! > 0) {
        // one model runs here in replicas of one GPU: the pool's whole GPUs are its own
        let only = 0;
        for (let m = 1; m < M; m++)
          if (work.modelOccupancy[(g * M + m) * T + t]! > work.modelOccupancy[(g * M + only) * T + t]!) only = m;
        held.modelBusy[(g * M + only) * T + t] = held.poolBusy[g * T + t]!;
      }
    }
  }
  prepared.sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      let peak = 0;
      let mean = 0;
      for (let t = 0; t < T; t++) {
        peak = Math.max(peak, held.poolBusy[g * T + t]!);
        mean += held.poolBusy[g * T + t]! * w;
      }
      held.poolPeakBusy[g] = peak;
      held.poolMeanBusy[g] = mean;
      const added = Math.min(pool.buyable, Math.max(0, peak - pool.installed));
      held.poolAdded[g] = integer ? Math.ceil(added - 1e-6) : added;
      const capex = poolCapexPerHour(mean, held.poolAdded[g]!, prepared.gpus[pool.gpuIndex]!.capexPerHour, options);
      ledger.capexPerHour += capex;
      ledger.siteCostPerHour[s]! += capex;
      held.poolCapex[g] = capex;
    });
  });
  return held;
}
