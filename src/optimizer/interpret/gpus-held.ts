// GPUs held per pool and period: the occupancy itself for LPs; whole GPUs in
// integer mode (the solver's count when it carries capex, else the least whole
// number that covers the occupancy). From them: peak and mean GPUs held, GPUs
// bought, and the pools' capex on the ledger.
import { poolCapexPerHour } from '../costs.js';
import type { CostLedger, Solution } from './solution.js';

export interface GpusHeld {
  /** [(global pool) * periods + t] */
  poolBusy: Float64Array;
  /** by global pool */
  poolAdded: Float64Array;
  poolPeakBusy: Float64Array;
  poolMeanBusy: Float64Array;
}

export function gpusHeld(solution: Solution, poolOccupancy: Float64Array, ledger: CostLedger): GpusHeld {
  const { prepared, layout, x, options, periods: T, periodWeight: w, totalPools } = solution;
  const integer = options.integerGpus;
  const amortized = options.capexMode === 'AMORTIZED';
  const held: GpusHeld = {
    poolBusy: new Float64Array(totalPools * T),
    poolAdded: new Float64Array(totalPools),
    poolPeakBusy: new Float64Array(totalPools),
    poolMeanBusy: new Float64Array(totalPools),
  };
  for (let g = 0; g < totalPools; g++) {
    for (let t = 0; t < T; t++) {
      const occupancy = poolOccupancy[g * T + t]!;
      const busyColumn = layout.busyColumnOf[g * T + t]!;
      held.poolBusy[g * T + t] = !integer
        ? occupancy
        : amortized && busyColumn >= 0
          ? Math.round(x[busyColumn]!)
          : Math.max(0, Math.ceil(occupancy - 1e-6));
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
    });
  });
  return held;
}
