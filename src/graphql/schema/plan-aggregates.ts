// Plan.siteLoadsByPeriod and Plan.siteRegionFlows: what a plan view draws,
// aggregated on the server (src/plans/aggregates.ts) so a client reads a few
// hundred rows in the plan's own request instead of paging through every allocation.
import { storedPlanResult, storedSnapshot } from '../../db/plan-store.js';
import { sitePeriodLoads, siteRegionFlows, type SitePeriodLoad, type SiteRegionFlow } from '../../plans/aggregates.js';
import { builder } from '../builder.js';
import { PlanRef } from './plan.js';

const SitePeriodLoadRef = builder.objectRef<SitePeriodLoad>('PlanSitePeriodLoad').implement({
  description: 'One site in one period of a plan.',
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    period: t.exposeInt('period', { description: 'UTC hour (0–23) in a 24-period plan; 0 in a steady-state plan' }),
    tokensPerSecond: t.exposeFloat('tokensPerSecond', {
      description:
        "tokens/s served at the site in this period: the sum of the plan's allocations of this site and period",
    }),
    gpusBusy: t.exposeFloat('gpusBusy', {
      description:
        'GPUs held for that load at the target utilization (tokens/s ÷ (throughput × targetUtilization)), every GPU type: fractional, also in integer plans; in an LP plan its mean over the periods is the sum of PlanSite.gpus[].gpusBusy',
    }),
    facilityPowerKw: t.exposeFloat('facilityPowerKw', {
      description:
        "facility power in this period, kW: busy GPUs at full speed × each type's IT power × the site's PUE (its mean over the periods is PlanSite.facilityPowerKw, its largest peakFacilityPowerKw)",
    }),
  }),
});

const SiteRegionFlowRef = builder.objectRef<SiteRegionFlow>('PlanSiteRegionFlow').implement({
  description:
    'The load one site serves for one region over the plan, every workload class together (every model, unless the field names some).',
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    regionCode: t.exposeString('regionCode'),
    meanTokensPerSecond: t.exposeFloat('meanTokensPerSecond', {
      description:
        "tokens/s, mean over the plan's periods: the same figure as the region's PlanRegion.sources[].tokensPerSecond for this site",
    }),
    peakTokensPerSecond: t.exposeFloat('peakTokensPerSecond', {
      description: 'tokens/s in the period with the most (equal to the mean in a steady-state plan)',
    }),
    peakPeriod: t.exposeInt('peakPeriod', { description: 'the first period (UTC hour) with that peak' }),
  }),
});

builder.prismaObjectFields(PlanRef, (t) => ({
  siteLoadsByPeriod: t.field({
    type: [SitePeriodLoadRef],
    description:
      'Load per site and period, for an hourly chart: one row for every period of every site that serves load in any of them (zeros included), ordered by site code and period; empty without a solution.',
    // the snapshot gives each site's PUE and each GPU type's power
    select: { result: true, inputSnapshot: true },
    resolve: (plan) => {
      const result = storedPlanResult(plan.result);
      return result ? sitePeriodLoads(result, storedSnapshot(plan.inputSnapshot)) : [];
    },
  }),
  siteRegionFlows: t.field({
    type: [SiteRegionFlowRef],
    description:
      "Load from each site to each region over the plan's periods (mean and peak), for a map's flows: every pair with load, ordered by site code and region code; empty without a solution. `modelCodes` counts only those models' load.",
    args: { modelCodes: t.arg.stringList({ required: false }) },
    select: { result: true },
    resolve: (plan, args) => {
      const result = storedPlanResult(plan.result);
      return result ? siteRegionFlows(result, args.modelCodes) : [];
    },
  }),
}));
