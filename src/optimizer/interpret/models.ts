// The plan by model: what each model's demand got, what its tokens cost and
// where its GPUs are. Costs are the model's own: the energy, carbon price and
// capex of the GPUs it holds (a pool's whole-GPU or bought-GPU capex split over
// its models by the GPUs they hold) and the egress of its flows, so the models'
// costs add up to the plan's.
import { MILLION_TOKENS_PER_KTOK_HOUR, TOKENS_PER_KTOK } from '../costs.js';
import type { ModelPlan } from '../types.js';
import type { GpuWork, RouteFlows } from './flows.js';
import type { GpusHeld } from './gpus-held.js';
import { modelRulePlans } from './model-rules.js';
import { round, type Solution } from './solution.js';
import { modelGpusOnPool, modelShareOfPoolCapex } from './summaries.js';

export function modelPlans(
  solution: Solution,
  flows: RouteFlows,
  unservedKtokByDemandPeriod: Float64Array,
  work: GpuWork,
  held: GpusHeld,
): ModelPlan[] {
  const { prepared, layout, options, periods: T, periodWeight: w } = solution;
  const { sites, regions, gpus, classes, models } = prepared;
  const M = models.length;
  const demandKtok = new Float64Array(M);
  const servedKtok = new Float64Array(M);
  const unservedKtok = new Float64Array(M);
  regions.forEach((region, r) => {
    region.demands.forEach((demand, d) => {
      const g = layout.demandOffset[r]! + d;
      const m = classes[demand.classIndex]!.modelIndex;
      demandKtok[m]! += demand.meanTokensPerSecond / TOKENS_PER_KTOK;
      servedKtok[m]! += flows.servedKtokByDemand[g]!;
      for (let t = 0; t < T; t++) unservedKtok[m]! += unservedKtokByDemandPeriod[g * T + t]! * w;
    });
  });
  const rules = modelRulePlans(solution);
  return models.map((model, m): ModelPlan => {
    let poolCapex = 0;
    let gpusBusy = 0;
    let peakReplicas = 0;
    const gpuRows: ModelPlan['gpus'] = [];
    sites.forEach((site, s) => {
      site.pools.forEach((pool, p) => {
        const g = layout.poolOffset[s]! + p;
        const { mean, peak } = modelGpusOnPool(solution, held, g, m);
        if (!(mean > 0) && !(peak > 0)) return;
        poolCapex += modelShareOfPoolCapex(held, g, mean);
        gpusBusy += mean;
        const gpusPerReplica = gpus[pool.gpuIndex]!.gpusPerReplicaByModel[m]!;
        peakReplicas += peak / gpusPerReplica;
        gpuRows.push({
          siteCode: site.code,
          gpuTypeCode: gpus[pool.gpuIndex]!.code,
          gpusBusy: round(mean),
          peakGpusBusy: round(peak),
          gpusPerReplica,
          peakReplicas: options.integerGpus ? round(peak / gpusPerReplica) : null,
        });
      });
    });
    const energy = work.modelEnergyPerHour[m]!;
    const capex = work.modelCapexPerHour[m]! + poolCapex;
    const egress = flows.egressPerHourByModel[m]!;
    const carbon = work.modelCarbonPerHour[m]!;
    const total = energy + capex + egress + carbon;
    const servedMillionTokensPerHour = servedKtok[m]! * MILLION_TOKENS_PER_KTOK_HOUR;
    const facilityKw = work.modelFacilityKw[m]!;
    return {
      modelCode: model.code,
      demandTokensPerSecond: round(demandKtok[m]! * TOKENS_PER_KTOK),
      servedTokensPerSecond: round(servedKtok[m]! * TOKENS_PER_KTOK),
      unservedTokensPerSecond: round(unservedKtok[m]! * TOKENS_PER_KTOK),
      costPerHour: {
        total: round(total),
        energy: round(energy),
        capex: round(capex),
        egress: round(egress),
        carbon: round(carbon),
      },
      costPerMillionTokens: servedMillionTokensPerHour > 0 ? round(total / servedMillionTokensPerHour) : null,
      tokensPerJoule: facilityKw > 0 ? round((servedKtok[m]! * TOKENS_PER_KTOK) / (facilityKw * 1000)) : null,
      facilityPowerKw: round(facilityKw),
      gpusBusy: round(gpusBusy),
      peakReplicas: options.integerGpus ? round(peakReplicas) : null,
      gpus: gpuRows,
      rule: rules[m]!,
    };
  });
}
