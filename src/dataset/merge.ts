import type { Dataset } from './schema.js';

export function emptyDataset(): Required<Dataset> {
  return {
    models: [],
    workloadClasses: [],
    gpuTypes: [],
    sites: [],
    demandRegions: [],
    latencies: [],
    gpuThroughputs: [],
    siteInventory: [],
    demands: [],
  };
}

/** Concatenates the sections of several data sets, in order (no de-duplication: the cross-check reports duplicates). */
export function mergeDatasets(...datasets: Dataset[]): Required<Dataset> {
  const out = emptyDataset();
  for (const d of datasets) {
    out.models.push(...(d.models ?? []));
    out.workloadClasses.push(...d.workloadClasses);
    out.gpuTypes.push(...d.gpuTypes);
    out.sites.push(...d.sites);
    out.demandRegions.push(...d.demandRegions);
    out.latencies.push(...d.latencies);
    out.gpuThroughputs.push(...(d.gpuThroughputs ?? []));
    out.siteInventory.push(...(d.siteInventory ?? []));
    out.demands.push(...(d.demands ?? []));
  }
  return out;
}
