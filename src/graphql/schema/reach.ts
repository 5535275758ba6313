// Reach: which demand regions a site may serve (Site.reach) and which sites may
// serve a region (DemandRegion.candidateSites), for one model, by the reach rule
// of src/domain/reach.ts. Each field needs both nouns, so both live here, added to
// the two types with prismaObjectFields: site.ts and demand-region.ts do not
// import each other.
import { reachableRegions } from '../../domain/reach.js';
import type { DemandRegion, Model, Site, WorkloadClass } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { MODEL_ARG_DESCRIPTION, modelCodeOrThrow, workloadClassOrThrow } from './common.js';
import { DemandRegionRef } from './demand-region.js';
import { ModelRef } from './model.js';
import { SiteRef } from './site.js';
import { WorkloadClassRef } from './workload-class.js';

// ---- Site.reach

const ReachRegionRef = builder.objectRef<{ region: DemandRegion; rttMs: number; rttBudgetMs: number | null }>(
  'ReachRegion',
);
ReachRegionRef.implement({
  fields: (t) => ({
    region: t.field({ type: DemandRegionRef, resolve: (entry) => entry.region }),
    rttMs: t.exposeFloat('rttMs'),
    rttBudgetMs: t.exposeFloat('rttBudgetMs', { nullable: true, description: 'null = no network latency limit' }),
  }),
});

const SiteReachRef = builder.objectRef<{
  model: Model | null;
  workloadClass: WorkloadClass;
  regions: { region: DemandRegion; rttMs: number; rttBudgetMs: number | null }[];
}>('SiteReach');
SiteReachRef.implement({
  fields: (t) => ({
    model: t.field({
      type: ModelRef,
      nullable: true,
      description: 'the model whose RTT budgets applied (null only when the data has no model)',
      resolve: (entry) => entry.model,
    }),
    workloadClass: t.field({ type: WorkloadClassRef, resolve: (entry) => entry.workloadClass }),
    regions: t.field({ type: [ReachRegionRef], resolve: (entry) => entry.regions }),
  }),
});

builder.prismaObjectFields(SiteRef, (t) => ({
  reach: t.field({
    type: [SiteReachRef],
    description:
      "per workload class, the demand regions this site may serve one model's demand of (`SiteReach.model` says which): within the region's RTT budget for that model and class, and allowed by residency. The model's deployment rule and whether a GPU here holds it are not part of reach.",
    args: { model: t.arg.string({ required: false, description: MODEL_ARG_DESCRIPTION }) },
    select: {
      country: true,
      latencies: {
        select: {
          rttMs: true,
          region: {
            include: {
              demands: { include: { workloadClass: true, model: { select: { code: true } } } },
            },
          },
        },
      },
    },
    resolve: async (site, args, ctx) => {
      const modelCode = await modelCodeOrThrow(ctx, args.model);
      const model = (await ctx.reference.models()).get(modelCode) ?? null;
      const classes = [...(await ctx.reference.workloadClasses()).values()];
      const regionByCode = new Map(site.latencies.map((l) => [l.region.code, l.region]));
      return classes.map((workloadClass) => ({
        model,
        workloadClass,
        regions: reachableRegions(site, workloadClass, modelCode).map((r) => ({
          region: regionByCode.get(r.regionCode)!,
          rttMs: r.rttMs,
          rttBudgetMs: r.rttBudgetMs,
        })),
      }));
    },
  }),
}));

// ---- DemandRegion.candidateSites

const CandidateSiteRef = builder.objectRef<{ site: Site; rttMs: number; rttBudgetMs: number | null }>('CandidateSite');
CandidateSiteRef.implement({
  description: 'A site that may serve a region: within the RTT budget and allowed by residency.',
  fields: (t) => ({
    site: t.field({ type: SiteRef, resolve: (entry) => entry.site }),
    rttMs: t.exposeFloat('rttMs'),
    rttBudgetMs: t.exposeFloat('rttBudgetMs', { nullable: true }),
  }),
});

builder.prismaObjectFields(DemandRegionRef, (t) => ({
  candidateSites: t.field({
    type: [CandidateSiteRef],
    description:
      "sites that may serve this region's demand of the class for one model (the region's RTT budget for that model and class applies), nearest first",
    args: {
      workloadClass: t.arg.string({ required: true }),
      model: t.arg.string({ required: false, description: MODEL_ARG_DESCRIPTION }),
    },
    select: {
      code: true,
      allowedCountries: true,
      demands: {
        select: { rttBudgetMs: true, workloadClass: { select: { code: true } }, model: { select: { code: true } } },
      },
      latencies: { include: { site: true } },
    },
    resolve: async (region, args, ctx) => {
      const workloadClass = await workloadClassOrThrow(ctx, args.workloadClass);
      const modelCode = await modelCodeOrThrow(ctx, args.model);
      const regionForReach = {
        code: region.code,
        allowedCountries: region.allowedCountries,
        demands: region.demands,
      };
      return region.latencies
        .flatMap((latency) => {
          const [entry] = reachableRegions(
            { country: latency.site.country, latencies: [{ rttMs: latency.rttMs, region: regionForReach }] },
            workloadClass,
            modelCode,
          );
          return entry ? [{ site: latency.site, rttMs: entry.rttMs, rttBudgetMs: entry.rttBudgetMs }] : [];
        })
        .sort((a, b) => a.rttMs - b.rttMs || a.site.code.localeCompare(b.site.code));
    },
  }),
}));
