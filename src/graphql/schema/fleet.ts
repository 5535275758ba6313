// Fleet totals a planner reads before any solve: installed GPUs, power, capacity
// per workload class against demand.
import { fleetTotals, siteInstalledCapacity } from '../../domain/economics.js';
import type { GpuType, WorkloadClass } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { GpuTypeRef } from './gpu-type.js';
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
      description: 'if every installed GPU served only this class at full utilization',
    }),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond'),
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
  description: 'Totals over the sites that are not RETIRED.',
  fields: (t) => ({
    sites: t.exposeInt('sites'),
    gpusInstalled: t.exposeInt('gpusInstalled'),
    itPowerKw: t.exposeFloat('itPowerKw', { description: 'every installed GPU (with its host share) at full draw' }),
    facilityPowerKw: t.exposeFloat('facilityPowerKw', { description: "IT power × each site's PUE" }),
    powerCapKw: t.exposeFloat('powerCapKw'),
    demandTokensPerSecond: t.exposeFloat('demandTokensPerSecond', { description: 'all regions, all classes' }),
    capacityTokensPerSecond: t.exposeFloat('capacityTokensPerSecond', {
      description: 'installed capacity at full utilization on the demand’s own class mix',
    }),
    demandShareOfCapacity: t.exposeFloat('demandShareOfCapacity', {
      nullable: true,
      description:
        'demand ÷ capacity on the demand’s class mix: the average utilization a perfect placement would need',
    }),
    byClass: t.field({ type: [ClassTotalsRef], resolve: (fleet) => fleet.byClass }),
    byGpuType: t.field({ type: [GpuTotalsRef], resolve: (fleet) => fleet.byGpuType }),
  }),
});

async function fleet(ctx: Context): Promise<Fleet> {
  const [siteRows, regionRows, gpus, gpuThroughputs, classes] = await Promise.all([
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
        demands: { select: { tokensPerSecond: true, rttBudgetMs: true, workloadClass: { select: { code: true } } } },
      },
    }),
    ctx.reference.gpuTypes(),
    ctx.reference.gpuThroughputs(),
    ctx.reference.workloadClasses(),
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
      workloadClassCode: d.workloadClass.code,
      tokensPerSecond: d.tokensPerSecond,
      rttBudgetMs: d.rttBudgetMs,
    })),
  }));
  const totals = fleetTotals({ sites, gpuTypes: [...gpuThroughputs.values()], demandRegions });

  const byClass = [...classes.values()].map((workloadClass) => ({
    workloadClass,
    capacityTokensPerSecond: sites.reduce(
      (sum, site) => sum + siteInstalledCapacity(site, gpuThroughputs, workloadClass.code).tokensPerSecond,
      0,
    ),
    demandTokensPerSecond: demandRegions.reduce(
      (sum, region) =>
        sum +
        region.demand
          .filter((d) => d.workloadClassCode === workloadClass.code)
          .reduce((s, d) => s + d.tokensPerSecond, 0),
      0,
    ),
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
    description: 'Installed fleet, power and capacity against demand.',
    resolve: (_root, _args, ctx) => fleet(ctx),
  }),
);
