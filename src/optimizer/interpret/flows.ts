// The solved flows as the planner reads them: routes split back from demand
// groups to each region's demand (allocations, what each demand got, from
// where and how near), unserved flow per demand, and the GPU work at each
// pool with its power, carbon and cost.
import { crossesBorder, pricePerKtokHour, servedFlow, TOKENS_PER_KTOK } from '../costs.js';
import type { AllocationRow, GpuAllocationRow } from '../types.js';
import { byCodesThenPeriod, FLOW_EPSILON_KTOK, round, type CostLedger, type Solution } from './solution.js';

export interface RouteFlows {
  allocations: AllocationRow[];
  /** by global demand index, mean ktok/s */
  servedKtokByDemand: Float64Array;
  /** [site * classes + class], mean ktok/s */
  siteLoadKtok: Float64Array;
  /** key region * sites + site → mean ktok/s */
  sourceKtok: Map<number, number>;
  /** by global demand index: Σ rtt × flow, Σ flow over routes with a known RTT, the worst such RTT (NaN = none) */
  rttWeighted: Float64Array;
  rttWeight: Float64Array;
  worstRtt: Float64Array;
  /** by model index, $/h */
  egressPerHourByModel: Float64Array;
}

export function routeFlows(solution: Solution, ledger: CostLedger): RouteFlows {
  const { prepared, layout, x, options, periodWeight: w, totalDemands } = solution;
  const { sites, regions, classes } = prepared;
  const K = classes.length;
  const flows: RouteFlows = {
    allocations: [],
    servedKtokByDemand: new Float64Array(totalDemands),
    siteLoadKtok: new Float64Array(sites.length * K),
    sourceKtok: new Map(),
    rttWeighted: new Float64Array(totalDemands),
    rttWeight: new Float64Array(totalDemands),
    worstRtt: new Float64Array(totalDemands).fill(Number.NaN),
    egressPerHourByModel: new Float64Array(prepared.models.length),
  };
  const egressPerKtokHour = pricePerKtokHour(options.egressPricePerMillionTokens, w);
  for (let j = layout.routes.start; j < layout.routes.end; j++) {
    const groupValue = x[j]!;
    if (!(groupValue > FLOW_EPSILON_KTOK)) continue;
    const s = layout.columns.site[j]!;
    const groupIndex = layout.columns.group[j]!;
    const t = layout.columns.period[j]!;
    for (const g of layout.groups[groupIndex]!.members) {
      const value = groupValue * solution.memberShare(groupIndex, g, t);
      if (!(value > FLOW_EPSILON_KTOK)) continue;
      const { r, d } = solution.demandAt(g);
      const region = regions[r]!;
      const demand = region.demands[d]!;
      const service = classes[demand.classIndex]!;
      flows.allocations.push({
        siteCode: sites[s]!.code,
        regionCode: region.code,
        modelCode: service.modelCode,
        workloadClassCode: service.code,
        period: t,
        tokensPerSecond: round(value * TOKENS_PER_KTOK),
      });
      flows.servedKtokByDemand[g]! += value * w;
      flows.siteLoadKtok[s * K + demand.classIndex]! += value * w;
      const key = r * sites.length + s;
      flows.sourceKtok.set(key, (flows.sourceKtok.get(key) ?? 0) + value * w);
      if (crossesBorder(sites[s]!.country, region.country)) {
        ledger.egressPerHour += value * egressPerKtokHour;
        ledger.siteCostPerHour[s]! += value * egressPerKtokHour;
        flows.egressPerHourByModel[service.modelIndex]! += value * egressPerKtokHour;
      }
      const rtt = prepared.rttMs[s * regions.length + r]!;
      if (!Number.isNaN(rtt)) {
        flows.rttWeighted[g]! += rtt * value * w;
        flows.rttWeight[g]! += value * w;
        if (!(flows.worstRtt[g]! >= rtt)) flows.worstRtt[g] = rtt;
      }
    }
  }
  // documented order: by codes, not by the internal indices the model uses
  flows.allocations.sort(byCodesThenPeriod('siteCode', 'regionCode', 'modelCode', 'workloadClassCode'));
  return flows;
}

/** [global demand * periods + t] → ktok/s left unserved; the penalty goes on the ledger. */
export function unservedFlows(solution: Solution, ledger: CostLedger): Float64Array {
  const { layout, x, options, periods: T } = solution;
  const unservedKtokByDemandPeriod = new Float64Array(solution.totalDemands * T);
  const penaltyPerKtokHour = pricePerKtokHour(options.unservedPenaltyPerMillionTokens, solution.periodWeight);
  for (let j = layout.unserved.start; j < layout.unserved.end; j++) {
    const value = Math.max(0, x[j]!);
    const groupIndex = layout.columns.group[j]!;
    const t = layout.columns.period[j]!;
    for (const g of layout.groups[groupIndex]!.members) {
      unservedKtokByDemandPeriod[g * T + t] = value * solution.memberShare(groupIndex, g, t);
    }
    ledger.penaltyPerHour += value * penaltyPerKtokHour;
  }
  return unservedKtokByDemandPeriod;
}

export interface GpuWork {
  gpuAllocations: GpuAllocationRow[];
  /** [site * periods + t] */
  siteItKwByPeriod: Float64Array;
  siteFacilityKwByPeriod: Float64Array;
  /** [(global pool) * periods + t] → GPUs held at the target utilization */
  poolOccupancy: Float64Array;
  /** the same by model: [((global pool) * models + m) * periods + t] */
  modelOccupancy: Float64Array;
  /** by model index: $/h of energy, carbon price and (AMORTIZED LPs) capex, kg CO2/h, mean facility kW */
  modelEnergyPerHour: Float64Array;
  modelCarbonPerHour: Float64Array;
  modelCapexPerHour: Float64Array;
  modelCarbonKgPerHour: Float64Array;
  modelFacilityKw: Float64Array;
  /** [site * models + m]: energy, carbon and occupancy capex at the site, $/h */
  siteModelCostPerHour: Float64Array;
}

export function gpuWork(solution: Solution, ledger: CostLedger): GpuWork {
  const { prepared, layout, x, options, periods: T, periodWeight: w } = solution;
  const { sites, gpus, classes } = prepared;
  const M = prepared.models.length;
  const work: GpuWork = {
    gpuAllocations: [],
    siteItKwByPeriod: new Float64Array(sites.length * T),
    siteFacilityKwByPeriod: new Float64Array(sites.length * T),
    poolOccupancy: new Float64Array(solution.totalPools * T),
    modelOccupancy: new Float64Array(solution.totalPools * M * T),
    modelEnergyPerHour: new Float64Array(M),
    modelCarbonPerHour: new Float64Array(M),
    modelCapexPerHour: new Float64Array(M),
    modelCarbonKgPerHour: new Float64Array(M),
    modelFacilityKw: new Float64Array(M),
    siteModelCostPerHour: new Float64Array(sites.length * M),
  };
  for (let j = layout.serve.start; j < layout.serve.end; j++) {
    const value = x[j]!;
    if (!(value > FLOW_EPSILON_KTOK)) continue;
    const s = layout.columns.site[j]!;
    const p = layout.columns.pool[j]!;
    const k = layout.columns.workloadClass[j]!;
    const t = layout.columns.period[j]!;
    const site = sites[s]!;
    const gpu = gpus[site.pools[p]!.gpuIndex]!;
    const flow = servedFlow(value, gpu.tokensPerSecondByClass[k]!, gpu, site, t, w, options);
    ledger.energyPerHour += flow.energyPerHour;
    ledger.carbonPerHour += flow.carbonPerHour;
    ledger.capexPerHour += flow.capexPerHour;
    ledger.carbonKgPerHour += flow.carbonKgPerHour;
    ledger.siteCostPerHour[s]! += flow.energyPerHour + flow.carbonPerHour + flow.capexPerHour;
    work.siteItKwByPeriod[s * T + t]! += flow.itKw;
    work.siteFacilityKwByPeriod[s * T + t]! += flow.facilityKw;
    work.poolOccupancy[(layout.poolOffset[s]! + p) * T + t]! += flow.gpusBusy;
    const m = classes[k]!.modelIndex;
    work.modelOccupancy[((layout.poolOffset[s]! + p) * M + m) * T + t]! += flow.gpusBusy;
    work.modelEnergyPerHour[m]! += flow.energyPerHour;
    work.modelCarbonPerHour[m]! += flow.carbonPerHour;
    work.modelCapexPerHour[m]! += flow.capexPerHour;
    work.modelCarbonKgPerHour[m]! += flow.carbonKgPerHour;
    work.modelFacilityKw[m]! += flow.facilityKw * w;
    work.siteModelCostPerHour[s * M + m]! += flow.energyPerHour + flow.carbonPerHour + flow.capexPerHour;
    work.gpuAllocations.push({
      siteCode: site.code,
      gpuTypeCode: gpu.code,
      modelCode: classes[k]!.modelCode,
      workloadClassCode: classes[k]!.code,
      period: t,
      tokensPerSecond: round(value * TOKENS_PER_KTOK),
      gpusBusy: round(flow.gpusBusy),
    });
  }
  work.gpuAllocations.sort(byCodesThenPeriod('siteCode', 'gpuTypeCode', 'modelCode', 'workloadClassCode'));
  return work;
}
