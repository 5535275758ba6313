// What changed from one plan to another: GPUs and load per site × GPU type,
// load and cost per site, load that moved between sites per region × model ×
// class, each model's tokens, cost and GPUs, and the change in totals. Pure: reads two PlanResults, writes nothing.
import { DEFAULT_MODEL_CODE, type CostBreakdownPerHour, type PlanResult, type PlanTotals } from '../optimizer/types.js';

/** Per site × GPU type; values are means over each plan's periods. */
export interface SiteGpuChange {
  siteCode: string;
  gpuTypeCode: string;
  fromGpusBusy: number;
  toGpusBusy: number;
  gpusBusyChange: number;
  fromGpusAdded: number;
  toGpusAdded: number;
  gpusAddedChange: number;
  /** tokens/s served on this GPU type at this site */
  fromTokensPerSecond: number;
  toTokensPerSecond: number;
  tokensPerSecondChange: number;
}

export interface SiteChange {
  siteCode: string;
  fromTokensPerSecond: number;
  toTokensPerSecond: number;
  tokensPerSecondChange: number;
  fromCostPerHour: number;
  toCostPerHour: number;
  costPerHourChange: number;
}

/**
 * Tokens/s of one region × class that moved from one site to another. A null
 * site is "unserved": fromSiteCode null = newly served, toSiteCode null = no longer served.
 */
export interface LoadFlow {
  regionCode: string;
  modelCode: string;
  workloadClassCode: string;
  fromSiteCode: string | null;
  toSiteCode: string | null;
  tokensPerSecond: number;
}

export interface RegionClassChange {
  regionCode: string;
  modelCode: string;
  workloadClassCode: string;
  /** tokens/s that changed site (flows between two sites) */
  movedTokensPerSecond: number;
  servedTokensPerSecondChange: number;
  flows: LoadFlow[];
}

/** One model's tokens served, cost and GPUs held, from → to; only models where one of them changed. */
export interface ModelChange {
  modelCode: string;
  fromTokensPerSecond: number;
  toTokensPerSecond: number;
  tokensPerSecondChange: number;
  fromCostPerHour: number;
  toCostPerHour: number;
  costPerHourChange: number;
  /** null where that plan serves none of the model */
  fromCostPerMillionTokens: number | null;
  toCostPerMillionTokens: number | null;
  fromGpusBusy: number;
  toGpusBusy: number;
  gpusBusyChange: number;
  /** tokens/s of the model that changed site */
  movedTokensPerSecond: number;
}

/** The change in every total (to − from), in the totals' own units and shape; null where either plan has none. */
export type TotalsChange = PlanTotals;

export interface PlanDiff {
  /** true when no row changed and every total is unchanged (within the tolerance) */
  unchanged: boolean;
  siteGpus: SiteGpuChange[];
  sites: SiteChange[];
  regions: RegionClassChange[];
  /** by model, in model order */
  models: ModelChange[];
  /** every region's flows, largest first */
  flows: LoadFlow[];
  /** null when either plan has no totals (no solution) */
  totals: TotalsChange | null;
}

export interface DiffOptions {
  /** a change counts when |to − from| > tolerance × max(1, |from|, |to|): solver noise is not a change */
  tolerance?: number;
}

const DEFAULT_TOLERANCE = 1e-6;

/** The change from `from` to `to` (to − from). */
export function diffPlans(from: PlanResult, to: PlanResult, options: DiffOptions = {}): PlanDiff {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const changed = (a: number, b: number) => Math.abs(b - a) > tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  /** the change, or exactly 0 when it is within the tolerance */
  const delta = (a: number, b: number) => (changed(a, b) ? b - a : 0);

  const siteGpus = diffSiteGpus(from, to, changed, delta);
  const sites = diffSites(from, to, changed, delta);
  const regions = diffRegions(from, to, changed);
  const flows = regions.flatMap((region) => region.flows).sort(byFlow);
  const models = diffModels(from, to, regions, changed, delta);
  const totals = from.totals && to.totals ? diffTotals(from.totals, to.totals, delta) : null;
  const totalsUnchanged =
    totals === null
      ? (from.totals === null) === (to.totals === null)
      : Object.values(totals.costPerHour).every((v) => v === 0) &&
        Object.values(totals).every((value) => typeof value !== 'number' || value === 0);
  return {
    unchanged:
      siteGpus.length === 0 && sites.length === 0 && regions.length === 0 && models.length === 0 && totalsUnchanged,
    siteGpus,
    sites,
    regions,
    models,
    flows,
    totals,
  };
}

type Changed = (a: number, b: number) => boolean;
type Delta = (a: number, b: number) => number;

const periodsOf = (plan: PlanResult) => Math.max(1, plan.periods);
const key = (...parts: string[]) => parts.join('\u0000');
const byCode = (a: string | null, b: string | null) => (a ?? '').localeCompare(b ?? '');

function diffSiteGpus(from: PlanResult, to: PlanResult, changed: Changed, delta: Delta): SiteGpuChange[] {
  interface Side {
    gpusBusy: number;
    gpusAdded: number;
    tokensPerSecond: number;
  }
  const rows = new Map<string, { siteCode: string; gpuTypeCode: string; from: Side; to: Side }>();
  const row = (siteCode: string, gpuTypeCode: string) => {
    const k = key(siteCode, gpuTypeCode);
    let found = rows.get(k);
    if (!found) {
      found = {
        siteCode,
        gpuTypeCode,
        from: { gpusBusy: 0, gpusAdded: 0, tokensPerSecond: 0 },
        to: { gpusBusy: 0, gpusAdded: 0, tokensPerSecond: 0 },
      };
      rows.set(k, found);
    }
    return found;
  };
  for (const [plan, side] of [
    [from, 'from'],
    [to, 'to'],
  ] as const) {
    for (const site of plan.sites) {
      for (const gpu of site.gpus) {
        const r = row(site.siteCode, gpu.gpuTypeCode)[side];
        r.gpusBusy += gpu.gpusBusy;
        r.gpusAdded += gpu.gpusAdded;
      }
    }
    const periods = periodsOf(plan);
    for (const allocation of plan.gpuAllocations) {
      row(allocation.siteCode, allocation.gpuTypeCode)[side].tokensPerSecond += allocation.tokensPerSecond / periods;
    }
  }
  return [...rows.values()]
    .filter(
      (r) =>
        changed(r.from.gpusBusy, r.to.gpusBusy) ||
        changed(r.from.gpusAdded, r.to.gpusAdded) ||
        changed(r.from.tokensPerSecond, r.to.tokensPerSecond),
    )
    .map((r) => ({
      siteCode: r.siteCode,
      gpuTypeCode: r.gpuTypeCode,
      fromGpusBusy: r.from.gpusBusy,
      toGpusBusy: r.to.gpusBusy,
      gpusBusyChange: delta(r.from.gpusBusy, r.to.gpusBusy),
      fromGpusAdded: r.from.gpusAdded,
      toGpusAdded: r.to.gpusAdded,
      gpusAddedChange: delta(r.from.gpusAdded, r.to.gpusAdded),
      fromTokensPerSecond: r.from.tokensPerSecond,
      toTokensPerSecond: r.to.tokensPerSecond,
      tokensPerSecondChange: delta(r.from.tokensPerSecond, r.to.tokensPerSecond),
    }))
    .sort(
      (a, b) =>
        Math.abs(b.gpusBusyChange) +
          Math.abs(b.gpusAddedChange) -
          (Math.abs(a.gpusBusyChange) + Math.abs(a.gpusAddedChange)) ||
        Math.abs(b.tokensPerSecondChange) - Math.abs(a.tokensPerSecondChange) ||
        byCode(a.siteCode, b.siteCode) ||
        byCode(a.gpuTypeCode, b.gpuTypeCode),
    );
}

function diffSites(from: PlanResult, to: PlanResult, changed: Changed, delta: Delta): SiteChange[] {
  const rows = new Map<string, SiteChange>();
  const row = (siteCode: string) => {
    let found = rows.get(siteCode);
    if (!found) {
      found = {
        siteCode,
        fromTokensPerSecond: 0,
        toTokensPerSecond: 0,
        tokensPerSecondChange: 0,
        fromCostPerHour: 0,
        toCostPerHour: 0,
        costPerHourChange: 0,
      };
      rows.set(siteCode, found);
    }
    return found;
  };
  for (const site of from.sites) {
    row(site.siteCode).fromTokensPerSecond += site.servedTokensPerSecond;
    row(site.siteCode).fromCostPerHour += site.costPerHour;
  }
  for (const site of to.sites) {
    row(site.siteCode).toTokensPerSecond += site.servedTokensPerSecond;
    row(site.siteCode).toCostPerHour += site.costPerHour;
  }
  return [...rows.values()]
    .filter((r) => changed(r.fromTokensPerSecond, r.toTokensPerSecond) || changed(r.fromCostPerHour, r.toCostPerHour))
    .map((r) => ({
      ...r,
      tokensPerSecondChange: delta(r.fromTokensPerSecond, r.toTokensPerSecond),
      costPerHourChange: delta(r.fromCostPerHour, r.toCostPerHour),
    }))
    .sort(
      (a, b) =>
        Math.abs(b.tokensPerSecondChange) - Math.abs(a.tokensPerSecondChange) ||
        Math.abs(b.costPerHourChange) - Math.abs(a.costPerHourChange) ||
        byCode(a.siteCode, b.siteCode),
    );
}

/**
 * Per region × class and period, the sites that lost load send it to the sites
 * that gained, in proportion (loss_i × gain_j / total gain): there is no "which
 * token went where" in an LP answer, and proportional matching is the one that
 * does not depend on the order of the rows. What is left over on one side is
 * load newly served or no longer served. When both plans have the same number
 * of periods, flows are matched hour by hour and then averaged; otherwise the
 * mean loads are compared.
 */
function diffRegions(from: PlanResult, to: PlanResult, changed: Changed): RegionClassChange[] {
  const samePeriods = periodsOf(from) === periodsOf(to);
  const periods = samePeriods ? periodsOf(from) : 1;
  // region × class → period → site → [from, to] tokens/s
  const loads = new Map<
    string,
    {
      regionCode: string;
      modelCode: string;
      workloadClassCode: string;
      byPeriod: Map<number, Map<string, [number, number]>>;
    }
  >();
  for (const [plan, side] of [
    [from, 0],
    [to, 1],
  ] as const) {
    const scale = samePeriods ? 1 : 1 / periodsOf(plan);
    for (const a of plan.allocations) {
      const modelCode = a.modelCode ?? DEFAULT_MODEL_CODE;
      const k = key(a.regionCode, modelCode, a.workloadClassCode);
      let group = loads.get(k);
      if (!group) {
        group = { regionCode: a.regionCode, modelCode, workloadClassCode: a.workloadClassCode, byPeriod: new Map() };
        loads.set(k, group);
      }
      const period = samePeriods ? a.period : 0;
      let sites = group.byPeriod.get(period);
      if (!sites) group.byPeriod.set(period, (sites = new Map()));
      const pair = sites.get(a.siteCode) ?? [0, 0];
      pair[side] += a.tokensPerSecond * scale;
      sites.set(a.siteCode, pair);
    }
  }

  const result: RegionClassChange[] = [];
  for (const group of loads.values()) {
    const flows = new Map<string, LoadFlow>();
    const addFlow = (fromSiteCode: string | null, toSiteCode: string | null, tokensPerSecond: number) => {
      const k = key(fromSiteCode ?? '', toSiteCode ?? '');
      const flow = flows.get(k);
      if (flow) flow.tokensPerSecond += tokensPerSecond;
      else
        flows.set(k, {
          regionCode: group.regionCode,
          modelCode: group.modelCode,
          workloadClassCode: group.workloadClassCode,
          fromSiteCode,
          toSiteCode,
          tokensPerSecond,
        });
    };
    for (const sites of group.byPeriod.values()) {
      const losses: [string, number][] = [];
      const gains: [string, number][] = [];
      for (const [siteCode, [before, after]] of sites) {
        if (after < before) losses.push([siteCode, before - after]);
        else if (after > before) gains.push([siteCode, after - before]);
      }
      const totalLoss = losses.reduce((sum, [, v]) => sum + v, 0);
      const totalGain = gains.reduce((sum, [, v]) => sum + v, 0);
      const matched = Math.min(totalLoss, totalGain);
      for (const [lost, loss] of losses) {
        for (const [gained, gain] of gains)
          addFlow(lost, gained, (matched * (loss / totalLoss) * (gain / totalGain)) / periods);
        if (totalLoss > totalGain) addFlow(lost, null, ((totalLoss - totalGain) * (loss / totalLoss)) / periods);
      }
      if (totalGain > totalLoss) {
        for (const [gained, gain] of gains)
          addFlow(null, gained, ((totalGain - totalLoss) * (gain / totalGain)) / periods);
      }
    }
    // a flow counts when it is more than noise on the region × class's own scale
    let scaleTokens = 0;
    for (const sites of group.byPeriod.values())
      for (const [a, b] of sites.values()) scaleTokens = Math.max(scaleTokens, a, b);
    const kept = [...flows.values()]
      .filter((flow) => changed(0, flow.tokensPerSecond / Math.max(1, scaleTokens)))
      .sort(byFlow);
    if (kept.length === 0) continue;
    const moved = kept
      .filter((f) => f.fromSiteCode !== null && f.toSiteCode !== null)
      .reduce((sum, f) => sum + f.tokensPerSecond, 0);
    const served = kept.reduce(
      (sum, f) =>
        sum + (f.fromSiteCode === null ? f.tokensPerSecond : 0) - (f.toSiteCode === null ? f.tokensPerSecond : 0),
      0,
    );
    result.push({
      regionCode: group.regionCode,
      modelCode: group.modelCode,
      workloadClassCode: group.workloadClassCode,
      movedTokensPerSecond: moved,
      servedTokensPerSecondChange: served,
      flows: kept,
    });
  }
  const size = (r: RegionClassChange) => r.flows.reduce((sum, f) => sum + f.tokensPerSecond, 0);
  return result.sort(
    (a, b) =>
      size(b) - size(a) ||
      byCode(a.regionCode, b.regionCode) ||
      byCode(a.modelCode, b.modelCode) ||
      byCode(a.workloadClassCode, b.workloadClassCode),
  );
}

function diffModels(
  from: PlanResult,
  to: PlanResult,
  regions: readonly RegionClassChange[],
  changed: Changed,
  delta: Delta,
): ModelChange[] {
  const codes = [...new Set([...from.models, ...to.models].map((m) => m.modelCode))].sort(byCode);
  return codes.flatMap((modelCode) => {
    const a = from.models.find((m) => m.modelCode === modelCode);
    const b = to.models.find((m) => m.modelCode === modelCode);
    const moved = regions.filter((r) => r.modelCode === modelCode).reduce((sum, r) => sum + r.movedTokensPerSecond, 0);
    const change: ModelChange = {
      modelCode,
      fromTokensPerSecond: a?.servedTokensPerSecond ?? 0,
      toTokensPerSecond: b?.servedTokensPerSecond ?? 0,
      tokensPerSecondChange: delta(a?.servedTokensPerSecond ?? 0, b?.servedTokensPerSecond ?? 0),
      fromCostPerHour: a?.costPerHour.total ?? 0,
      toCostPerHour: b?.costPerHour.total ?? 0,
      costPerHourChange: delta(a?.costPerHour.total ?? 0, b?.costPerHour.total ?? 0),
      fromCostPerMillionTokens: a?.costPerMillionTokens ?? null,
      toCostPerMillionTokens: b?.costPerMillionTokens ?? null,
      fromGpusBusy: a?.gpusBusy ?? 0,
      toGpusBusy: b?.gpusBusy ?? 0,
      gpusBusyChange: delta(a?.gpusBusy ?? 0, b?.gpusBusy ?? 0),
      movedTokensPerSecond: moved,
    };
    const same =
      change.tokensPerSecondChange === 0 &&
      change.costPerHourChange === 0 &&
      change.gpusBusyChange === 0 &&
      !changed(0, moved / Math.max(1, change.fromTokensPerSecond, change.toTokensPerSecond));
    return same ? [] : [change];
  });
}

function byFlow(a: LoadFlow, b: LoadFlow): number {
  return (
    b.tokensPerSecond - a.tokensPerSecond ||
    byCode(a.regionCode, b.regionCode) ||
    byCode(a.modelCode, b.modelCode) ||
    byCode(a.workloadClassCode, b.workloadClassCode) ||
    byCode(a.fromSiteCode, b.fromSiteCode) ||
    byCode(a.toSiteCode, b.toSiteCode)
  );
}

function diffTotals(from: PlanTotals, to: PlanTotals, delta: Delta): TotalsChange {
  const nullable = (a: number | null, b: number | null) => (a === null || b === null ? null : delta(a, b));
  const cost = (field: keyof CostBreakdownPerHour) => delta(from.costPerHour[field], to.costPerHour[field]);
  return {
    costPerMillionTokens: nullable(from.costPerMillionTokens, to.costPerMillionTokens),
    costPerHour: {
      total: cost('total'),
      energy: cost('energy'),
      capex: cost('capex'),
      egress: cost('egress'),
      carbon: cost('carbon'),
    },
    tokensPerJoule: nullable(from.tokensPerJoule, to.tokensPerJoule),
    itPowerKw: delta(from.itPowerKw, to.itPowerKw),
    facilityPowerKw: delta(from.facilityPowerKw, to.facilityPowerKw),
    peakFacilityPowerKw: delta(from.peakFacilityPowerKw, to.peakFacilityPowerKw),
    carbonKgPerHour: delta(from.carbonKgPerHour, to.carbonKgPerHour),
    carbonKgPerMillionTokens: nullable(from.carbonKgPerMillionTokens, to.carbonKgPerMillionTokens),
    demandTokensPerSecond: delta(from.demandTokensPerSecond, to.demandTokensPerSecond),
    servedTokensPerSecond: delta(from.servedTokensPerSecond, to.servedTokensPerSecond),
    unservedTokensPerSecond: delta(from.unservedTokensPerSecond, to.unservedTokensPerSecond),
    unservedPenaltyPerHour: delta(from.unservedPenaltyPerHour, to.unservedPenaltyPerHour),
    gpusBusy: delta(from.gpusBusy, to.gpusBusy),
    gpusAdded: delta(from.gpusAdded, to.gpusAdded),
  };
}
