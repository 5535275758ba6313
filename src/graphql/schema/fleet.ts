// Fleet totals a planner reads before any solve: installed GPUs, power, capacity
// per workload class against demand, for one model.
import { fleetByClass, fleetTotals } from '../../domain/economics.js';
import type { GpuType, Model, WorkloadClass } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { MODEL_ARG_DESCRIPTION, modelCodeOrThrow } from './common.js';
import { GpuTypeRef } from './gpu-type.js';
import { ModelRef } from './model.js';
import { WorkloadClassRef } from './workload-class.js';

interface ClassTotals {
  workloadClass: WorkloadClass;
  capacityTokensPerSecond: number;
  demandTokensPerSecond: number;
}

interface GpuTotals {
  gpuType: GpuType;
  installed: number;
  maxAdditional: number;
}

interface Fleet {
  model: Model | null;
  sites: number;
  gpusInstalled: number;
  itPowerKw: number;
  facilityPowerKw: number;
  powerCapKw: number;
  demandTokensPerSecond: number;
  capacityTokensPerSecond: number;
  demandShareOfCapacity: number | null;
  byClass: ClassTotals[];
  byGpuType: GpuTotals[];
}

const ClassTotalsRef = builder.objectRef<ClassTotals>('FleetClassTotals').implement({
  fields: (t) => ({
    workloadClass: t.field({ type: WorkloadClassRef, resolve: (row) => row.workloadClass }),
    capacityTokensPerSecond: t.exposeFloat('capacityTokensPerSecond', {
      description: "if every installed GPU served only this class of the fleet's model at full utilization",
    }),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond', {
      description: "the fleet's model's demand of this class",
    }),
    demandShareOfCapacity: t.float({
      nullable: true,
      description: 'demand ÷ capacity for this class alone (null without capacity)',
      resolve: (row) =>
        row.capacityTokensPerSecond > 0 ? row.demandTokensPerSecond / row.capacityTokensPerSecond : null,
    }),
  }),
});

const GpuTotalsRef = builder.objectRef<GpuTotals>('FleetGpuTotals').implement({
  fields: (t) => ({
    gpuType: t.field({ type: GpuTypeRef, resolve: (row) => row.gpuType }),
    installed: t.exposeInt('installed'),
    maxAdditional: t.exposeInt('maxAdditional'),
  }),
});

const FleetRef = builder.objectRef<Fleet>('Fleet').implement({
  description:
    'Totals over the sites that are not RETIRED, for one model (`model`): its throughputs give the capacity and its demand the load. GPUs and power are the same for every model.',
  fields: (t) => ({
    model: t.field({
      type: ModelRef,
      nullable: true,
      description: 'the model the capacity and demand figures are for (null only when the data has no model)',
      resolve: (fleet) => fleet.model,
    }),
    sites: t.exposeInt('sites'),
    gpusInstalled: t.exposeInt('gpusInstalled'),
    itPowerKw: t.exposeFloat('itPowerKw', { description: 'every installed GPU (with its host share) at full draw' }),
    facilityPowerKw: t.exposeFloat('facilityPowerKw', { description: "IT power × each site's PUE" }),
    powerCapKw: t.exposeFloat('powerCapKw'),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond', {
      description: 'the model’s demand: all regions, all classes',
    }),
    capacityTokensPerSecond: t.exposeFloat('capacityTokensPerSecond', {
      description:
        'installed capacity at full utilization if every GPU served only the model, on its demand’s own class mix (GPU types that cannot hold the model add nothing)',
    }),
    demandShareOfCapacity: t.exposeFloat('demandShareOfCapacity', {
      nullable: true,
      description:
        'demand ÷ capacity on the demand’s class mix: the average utilization a perfect placement of this model alone would need; with several models, the share of the fleet this model’s demand takes',
    }),
    byClass: t.field({ type: [ClassTotalsRef], resolve: (fleet) => fleet.byClass }),
    byGpuType: t.field({ type: [GpuTotalsRef], resolve: (fleet) => fleet.byGpuType }),
  }),
});

async function fleet(ctx: Context, model: string | null | undefined): Promise<Fleet> {
  const modelCode = await modelCodeOrThrow(ctx, model);
  const [siteRows, regionRows, gpus, gpuThroughputs, classes, models] = await Promise.all([
    ctx.db.prisma.site.findMany({
      where: { status: { not: 'RETIRED' } },
      select: {
        pue: true,
        coolingType: true,
        powerCapKw: true,
        status: true,
        inventory: { select: { installed: true, maxAdditional: true, gpuType: { select: { code: true } } } },
      },
    }),
    ctx.db.prisma.demandRegion.findMany({
      select: {
        demands: {
          where: { model: { code: modelCode } },
          select: { tokensPerSecond: true, workloadClass: { select: { code: true } } },
        },
      },
    }),
    ctx.reference.gpuTypes(),
    ctx.reference.gpuThroughputs(),
    ctx.reference.workloadClasses(),
    ctx.reference.models(),
  ]);
  const sites = siteRows.map((site) => ({
    ...site,
    inventory: site.inventory.map((row) => ({
      gpuTypeCode: row.gpuType.code,
      installed: row.installed,
      maxAdditional: row.maxAdditional,
    })),
  }));
  const demandRegions = regionRows.map((region) => ({
    demand: region.demands.map((d) => ({
      modelCode,
      workloadClassCode: d.workloadClass.code,
      tokensPerSecond: d.tokensPerSecond,
    })),
  }));
  const data = { sites, gpuTypes: gpuThroughputs, demandRegions };
  const totals = fleetTotals(data, { modelCode });
  const byClass = fleetByClass(data, [...classes.keys()], modelCode).map((row) => ({
    ...row,
    workloadClass: classes.get(row.workloadClassCode)!,
  }));
  const byGpu = new Map<string, GpuTotals>();
  for (const site of sites) {
    for (const row of site.inventory) {
      const gpuType = gpus.get(row.gpuTypeCode);
      if (!gpuType) continue;
      const entry = byGpu.get(gpuType.code) ?? { gpuType, installed: 0, maxAdditional: 0 };
      entry.installed += row.installed;
      entry.maxAdditional += row.maxAdditional;
      byGpu.set(gpuType.code, entry);
    }
  }
  return {
    model: models.get(modelCode) ?? null,
    sites: sites.length,
    gpusInstalled: totals.gpus,
    itPowerKw: totals.itKw,
    facilityPowerKw: totals.facilityKw,
    powerCapKw: totals.powerCapKw,
    demandTokensPerSecond: totals.demandTokensPerSecond,
    capacityTokensPerSecond: totals.tokensPerSecond,
    demandShareOfCapacity: totals.utilization,
    byClass,
    byGpuType: [...byGpu.values()].sort((a, b) => a.gpuType.code.localeCompare(b.gpuType.code)),
  };
}

builder.queryField('fleet', (t) =>
  t.field({
    type: FleetRef,
    description: 'Installed fleet, power and capacity against demand, for one model (`Fleet.model` says which).',
    args: { model: t.arg.string({ required: false, description: MODEL_ARG_DESCRIPTION }) },
    resolve: (_root, args, ctx) => fleet(ctx, args.model),
  }),
);
