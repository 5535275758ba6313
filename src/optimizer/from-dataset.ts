// The one bridge from the planning data set (database export, fixtures) to the
// optimizer's input snapshot.
//
// Site status: RETIRED sites are dropped here, with their inventory and
// latency rows (withoutSites); ACTIVE and PLANNED sites pass
// with their status, and the compiler lets PLANNED sites take load only when
// the plan allows expansion (their GPUs are then all bought capacity).
import type { Dataset } from '../dataset/schema.js';
import { effectivePue } from '../domain/cooling.js';
import { withoutSites } from './drop-sites.js';
import type { PlanningInput, PlanningSiteStatus } from './types.js';

const WATTS_PER_KW = 1000;

export function planningInputFromDataset(dataset: Dataset): PlanningInput {
  const retired = dataset.sites.filter((s) => s.status === 'RETIRED').map((s) => s.code);
  return withoutSites(planningInputFromAllSites(dataset), retired);
}

function planningInputFromAllSites(dataset: Dataset): PlanningInput {
  return {
    workloadClasses: dataset.workloadClasses.map((c) => ({
      code: c.code,
      rttBudgetMs: c.rttBudgetMs,
      hourlyDemandProfile: [...c.hourlyDemandProfile],
    })),
    gpuTypes: dataset.gpuTypes.map((g) => ({
      code: g.code,
      powerKw: g.powerWatts / WATTS_PER_KW,
      capexPerHour: g.capexPerHour,
      throughputs: g.throughputs.map((t) => ({
        workloadClassCode: t.workloadClassCode,
        tokensPerSecond: t.tokensPerSecond,
      })),
    })),
    sites: dataset.sites.map((s) => ({
      code: s.code,
      country: s.country,
      status: s.status as PlanningSiteStatus,
      pue: effectivePue(s),
      powerCapKw: s.powerCapKw,
      pricePerKwh: s.pricePerKwh,
      hourlyPricesPerKwh: [...s.hourlyPricesPerKwh],
      utcOffsetHours: s.utcOffsetHours,
      carbonGramsPerKwh: s.carbonGramsPerKwh,
      inventory: s.inventory.map((i) => ({
        gpuTypeCode: i.gpuTypeCode,
        installed: i.installed,
        maxAdditional: i.maxAdditional,
      })),
    })),
    regions: dataset.demandRegions.map((r) => ({
      code: r.code,
      country: r.country,
      utcOffsetHours: r.utcOffsetHours,
      allowedCountries: [...r.allowedCountries],
      demand: r.demand.map((d) => ({
        workloadClassCode: d.workloadClassCode,
        tokensPerSecond: d.tokensPerSecond,
        rttBudgetMs: d.rttBudgetMs,
      })),
    })),
    latencies: dataset.latencies.map((l) => ({ siteCode: l.siteCode, regionCode: l.regionCode, rttMs: l.rttMs })),
  };
}
