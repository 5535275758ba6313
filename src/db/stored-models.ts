// Plans solved before models existed planned for one anonymous model: read
// back, they say so (and plans solved before rule prices and model caps have rule and modelCap null). Every row gets the DEFAULT model, and the per-model rows
// the optimizer now writes are filled from the figures the plan already has
// (the totals, each site's and region's own), so old and new plans read alike.
import {
  DEFAULT_MODEL_CODE,
  type ModelPlan,
  type PlanResult,
  type RegionPlan,
  type SitePlan,
} from '../optimizer/types.js';

type Legacy<T> = Omit<T, 'modelCode'> & { modelCode?: string };

export function withModels(result: PlanResult): PlanResult {
  if (Array.isArray((result as { models?: unknown }).models)) {
    // plans solved before deployment-rule prices and model caps: no rule or modelCap rows
    const sites = result.sites ?? [];
    if (result.models.every((m) => m.rule !== undefined) && sites.every((s) => s.modelCap !== undefined)) return result;
    return {
      ...result,
      models: result.models.map((m) => ({ ...m, rule: m.rule ?? null })),
      sites: sites.map((s) => ({ ...s, modelCap: s.modelCap ?? null })),
    };
  }
  const modelCode = DEFAULT_MODEL_CODE;
  const tag = <T extends object>(rows: readonly Legacy<T>[] | undefined): T[] =>
    (rows ?? []).map((row) => ({ ...row, modelCode: row.modelCode ?? modelCode }) as T);
  const sites = (result.sites ?? []).map((site): SitePlan => ({
    ...site,
    modelCap: null,
    models:
      site.servedTokensPerSecond > 0 || site.gpus.some((g) => g.gpusBusy > 0)
        ? [
            {
              modelCode,
              servedTokensPerSecond: site.servedTokensPerSecond,
              loadByClass: site.loadByClass,
              gpus: site.gpus
                .filter((g) => g.gpusBusy > 0 || g.peakGpusBusy > 0)
                .map((g) => ({
                  gpuTypeCode: g.gpuTypeCode,
                  gpusBusy: g.gpusBusy,
                  peakGpusBusy: g.peakGpusBusy,
                  gpusPerReplica: 1,
                  peakReplicas: result.options?.integerGpus ? g.peakGpusBusy : null,
                })),
              costPerHour: site.costPerHour,
            },
          ]
        : [],
  }));
  const regions = (result.regions ?? []).map((region): RegionPlan => ({
    ...region,
    classes: tag(region.classes as Legacy<RegionPlan['classes'][number]>[]),
    models: [
      {
        modelCode,
        demandTokensPerSecond: region.demandTokensPerSecond,
        servedTokensPerSecond: region.servedTokensPerSecond,
        unservedTokensPerSecond: region.unservedTokensPerSecond,
      },
    ],
  }));
  const totals = result.totals;
  const models: ModelPlan[] = totals
    ? [
        {
          modelCode,
          demandTokensPerSecond: totals.demandTokensPerSecond,
          servedTokensPerSecond: totals.servedTokensPerSecond,
          unservedTokensPerSecond: totals.unservedTokensPerSecond,
          costPerHour: totals.costPerHour,
          costPerMillionTokens: totals.costPerMillionTokens,
          tokensPerJoule: totals.tokensPerJoule,
          facilityPowerKw: totals.facilityPowerKw,
          gpusBusy: totals.gpusBusy,
          peakReplicas: null,
          gpus: sites.flatMap((site) =>
            site.models.flatMap((m) => m.gpus.map((g) => ({ siteCode: site.siteCode, ...g }))),
          ),
          rule: null,
        },
      ]
    : [];
  return {
    ...result,
    models,
    sites,
    regions,
    allocations: tag(result.allocations as Legacy<PlanResult['allocations'][number]>[]),
    gpuAllocations: tag(result.gpuAllocations as Legacy<PlanResult['gpuAllocations'][number]>[]),
    unserved: tag(result.unserved as Legacy<PlanResult['unserved'][number]>[]),
    shadowPrices: result.shadowPrices
      ? {
          ...result.shadowPrices,
          demand: tag(
            result.shadowPrices.demand as Legacy<NonNullable<PlanResult['shadowPrices']>['demand'][number]>[],
          ),
        }
      : result.shadowPrices,
    bindingConstraints: (result.bindingConstraints ?? []).map((b) => ({ ...b, modelCode: b.modelCode ?? null })),
  };
}
