// The optimizer's snapshot of the planning data: everything a plan reads, as
// plain objects, from the database or from a data set (a database export, the
// fixtures). The optimizer takes the snapshot and imports nothing from here.
//
// Site status: RETIRED sites are dropped here, with their inventory and
// latency rows (withoutSites); ACTIVE and PLANNED sites pass
// with their status, and the compiler lets PLANNED sites take load only when
// the plan allows expansion (their GPUs are then all bought capacity).
import type { Dataset } from '../dataset/schema.js';
import { effectivePue } from '../domain/cooling.js';
import { withoutSites } from '../optimizer/drop-sites.js';
import type { PlanningInput, PlanningSiteStatus } from '../optimizer/types.js';
import type { Database } from './database.js';
import { readDataset } from './dataset-store.js';

export async function planningInputFromDatabase(db: Database): Promise<PlanningInput> {
  return planningInputFromDataset(await readDataset(db));
}

const WATTS_PER_KW = 1000;

export function planningInputFromDataset(dataset: Dataset): PlanningInput {
  const retired = dataset.sites.filter((s) => s.status === 'RETIRED').map((s) => s.code);
  return withoutSites(planningInputFromAllSites(dataset), retired);
}

function planningInputFromAllSites(dataset: Dataset): PlanningInput {
  return {
    models: (dataset.models ?? []).map((m) => ({
      code: m.code,
      allowedCountries: [...m.allowedCountries],
      allowedSites: [...m.allowedSites],
    })),
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
        modelCode: t.modelCode,
        workloadClassCode: t.workloadClassCode,
        tokensPerSecond: t.tokensPerSecond,
        gpusPerReplica: t.gpusPerReplica,
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
      maxModels: s.maxModels,
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
        modelCode: d.modelCode,
        workloadClassCode: d.workloadClassCode,
        tokensPerSecond: d.tokensPerSecond,
        rttBudgetMs: d.rttBudgetMs,
      })),
    })),
    latencies: dataset.latencies.map((l) => ({ siteCode: l.siteCode, regionCode: l.regionCode, rttMs: l.rttMs })),
  };
}
