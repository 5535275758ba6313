// Figures a planner reads before any solve: what a GPU-hour costs at a site, what
// a million tokens cost at full utilization, how many tokens a joule buys, and
// the capacity and power of an installed fleet. Pure functions on plain records.

import type { GpuThroughputRecord, GpuTypeRecord, SiteRecord } from '../dataset/schema.js';
import { DEFAULT_MODEL_CODE } from '../optimizer/types.js';
import { effectivePue } from './cooling.js';

export const SECONDS_PER_HOUR = 3600;
export const TOKENS_PER_MILLION = 1_000_000;

export type SitePricing = Pick<SiteRecord, 'pricePerKwh' | 'hourlyPricesPerKwh' | 'pue' | 'coolingType'>;
export type GpuCosts = Pick<GpuTypeRecord, 'powerWatts' | 'capexPerHour'>;

export interface PriceOptions {
  /**
   * Local hour 0–23: use that hour's price when the site has hourly prices.
   * Without it the flat `pricePerKwh` applies (the fixtures keep the hourly
   * mean equal to it, so a steady-state figure is the same either way).
   */
  localHour?: number;
}

/** USD/kWh at a site: the hour's price when asked for and known, else the flat price. */
export function pricePerKwhAt(
  site: Pick<SiteRecord, 'pricePerKwh' | 'hourlyPricesPerKwh'>,
  options: PriceOptions = {},
): number {
  const { localHour } = options;
  if (localHour === undefined || site.hourlyPricesPerKwh.length === 0) return site.pricePerKwh;
  const hour = ((Math.floor(localHour) % 24) + 24) % 24;
  return site.hourlyPricesPerKwh[hour] ?? site.pricePerKwh;
}

/** Mean of the hourly prices, or the flat price when the site has none. */
export function meanPricePerKwh(site: Pick<SiteRecord, 'pricePerKwh' | 'hourlyPricesPerKwh'>): number {
  const hourly = site.hourlyPricesPerKwh;
  if (hourly.length === 0) return site.pricePerKwh;
  return hourly.reduce((sum, price) => sum + price, 0) / hourly.length;
}

/** Facility kW one busy GPU draws at a site: its IT power (host share included) × PUE. */
export function facilityKwPerGpu(
  site: Pick<SiteRecord, 'pue' | 'coolingType'>,
  gpu: Pick<GpuTypeRecord, 'powerWatts'>,
): number {
  return (gpu.powerWatts / 1000) * effectivePue(site);
}

/** USD per busy GPU-hour of electricity: powerWatts/1000 × PUE × USD/kWh. */
export function energyCostPerGpuHour(
  site: SitePricing,
  gpu: Pick<GpuTypeRecord, 'powerWatts'>,
  options: PriceOptions = {},
): number {
  return facilityKwPerGpu(site, gpu) * pricePerKwhAt(site, options);
}

export interface GpuHourCost {
  energy: number;
  capital: number;
  total: number;
}

/** USD per busy GPU-hour: energy plus amortized capital. */
export function gpuHourCost(site: SitePricing, gpu: GpuCosts, options: PriceOptions = {}): GpuHourCost {
  const energy = energyCostPerGpuHour(site, gpu, options);
  return { energy, capital: gpu.capexPerHour, total: energy + gpu.capexPerHour };
}

/**
 * USD per million tokens on one GPU type at one site, at full utilization:
 * (energy + capital per GPU-hour) / (tokens/s × 3600) × 1e6. Pass `utilization`
 * (0–1] to spread the same hourly cost over fewer tokens (idle GPUs are still paid for
 * and, conservatively, still draw their power).
 */
export function costPerMillionTokens(
  site: SitePricing,
  gpu: GpuCosts,
  tokensPerSecond: number,
  options: PriceOptions & { utilization?: number } = {},
): number {
  const utilization = options.utilization ?? 1;
  if (!(tokensPerSecond > 0)) throw new RangeError('tokensPerSecond must be greater than 0');
  if (!(utilization > 0 && utilization <= 1)) throw new RangeError('utilization must be greater than 0 and at most 1');
  const tokensPerHour = tokensPerSecond * SECONDS_PER_HOUR * utilization;
  return (gpuHourCost(site, gpu, options).total / tokensPerHour) * TOKENS_PER_MILLION;
}

/**
 * Tokens per joule. Without `pue` this is IT-level: per joule the server draws for
 * this GPU (its powerWatts, host/network/storage share included). With `pue` it is
 * facility-level: per joule taken from the grid, cooling and losses included.
 */
export function tokensPerJoule(gpu: Pick<GpuTypeRecord, 'powerWatts'>, tokensPerSecond: number, pue = 1): number {
  return tokensPerSecond / (gpu.powerWatts * pue);
}

export interface TokensPerJouleBreakdown {
  /** per joule of the accelerator board alone (null when its board power is unknown) */
  boardOnly: number | null;
  /** per joule of IT power: board + host/network/storage share */
  it: number;
  /** per joule of facility power: IT × PUE */
  facility: number;
}

export function tokensPerJouleBreakdown(
  gpu: Pick<GpuTypeRecord, 'powerWatts' | 'boardPowerWatts'>,
  tokensPerSecond: number,
  pue: number,
): TokensPerJouleBreakdown {
  return {
    boardOnly: gpu.boardPowerWatts === null ? null : tokensPerSecond / gpu.boardPowerWatts,
    it: tokensPerJoule(gpu, tokensPerSecond),
    facility: tokensPerJoule(gpu, tokensPerSecond, pue),
  };
}

// ---------------------------------------------------------------------------
// Capacity

/** Shares of demand by workload class code; normalised, so percentages work too. */
export type ClassMix = Readonly<Record<string, number>>;

/** One throughput figure; a figure without a model is the DEFAULT model's. */
export type ThroughputFigure = Pick<GpuThroughputRecord, 'workloadClassCode' | 'tokensPerSecond'> &
  Partial<Pick<GpuThroughputRecord, 'modelCode' | 'gpusPerReplica' | 'derivation'>>;

export interface GpuThroughputs extends Pick<GpuTypeRecord, 'code' | 'powerWatts'> {
  throughputs: readonly ThroughputFigure[];
}

type WithThroughputs = Pick<GpuThroughputs, 'throughputs'>;

/** One demand row; a row without a model is the DEFAULT model's. */
export interface DemandFigure {
  modelCode?: string;
  workloadClassCode: string;
  tokensPerSecond: number;
}

const modelOf = (row: { modelCode?: string }) => row.modelCode ?? DEFAULT_MODEL_CODE;

/**
 * tokens/s per GPU for one model and class, or undefined when the GPU type has no
 * figure for them (the model cannot run on it). The model defaults to DEFAULT.
 */
export function throughputFor(
  gpu: WithThroughputs,
  workloadClassCode: string,
  modelCode: string = DEFAULT_MODEL_CODE,
): number | undefined {
  return gpu.throughputs.find((t) => t.workloadClassCode === workloadClassCode && modelOf(t) === modelCode)
    ?.tokensPerSecond;
}

/**
 * tokens/s one GPU sustains on a mix of classes: each token of the mix takes
 * Σ share_k / throughput_k GPU-seconds, so the rate is the weighted harmonic mean
 * (an arithmetic mean would overstate it). Undefined when a class in the mix has no figure.
 */
export function mixThroughput(
  gpu: WithThroughputs,
  mix: ClassMix,
  modelCode: string = DEFAULT_MODEL_CODE,
): number | undefined {
  const total = Object.values(mix).reduce((sum, share) => sum + share, 0);
  if (!(total > 0)) return undefined;
  let secondsPerToken = 0;
  for (const [classCode, share] of Object.entries(mix)) {
    if (share === 0) continue;
    const throughput = throughputFor(gpu, classCode, modelCode);
    if (throughput === undefined || throughput <= 0) return undefined;
    secondsPerToken += share / total / throughput;
  }
  return 1 / secondsPerToken;
}

export interface FleetCapacity {
  gpus: number;
  /** tokens/s the installed GPUs sustain on the class (or mix) at full utilization */
  tokensPerSecond: number;
  /** IT power of the installed GPUs at full load, kW */
  itKw: number;
  /** facility power: IT × PUE, kW */
  facilityKw: number;
  /** GPU types in the inventory with no throughput for the class (or a class of the mix) */
  missingThroughput: string[];
}

function gpuIndex(
  gpuTypes: readonly GpuThroughputs[] | ReadonlyMap<string, GpuThroughputs>,
): ReadonlyMap<string, GpuThroughputs> {
  return gpuTypes instanceof Map ? gpuTypes : new Map((gpuTypes as readonly GpuThroughputs[]).map((g) => [g.code, g]));
}

/** Installed capacity and power of one site's inventory, for one class code or a class mix, of one model (DEFAULT). */
export function siteInstalledCapacity(
  site: Pick<SiteRecord, 'inventory' | 'pue' | 'coolingType'>,
  gpuTypes: readonly GpuThroughputs[] | ReadonlyMap<string, GpuThroughputs>,
  workload: string | ClassMix,
  modelCode: string = DEFAULT_MODEL_CODE,
): FleetCapacity {
  const byCode = gpuIndex(gpuTypes);
  const pue = effectivePue(site);
  const out: FleetCapacity = { gpus: 0, tokensPerSecond: 0, itKw: 0, facilityKw: 0, missingThroughput: [] };
  for (const row of site.inventory) {
    const gpu = byCode.get(row.gpuTypeCode);
    out.gpus += row.installed;
    if (gpu === undefined) {
      if (row.installed > 0) out.missingThroughput.push(row.gpuTypeCode);
      continue;
    }
    const itKw = (row.installed * gpu.powerWatts) / 1000;
    out.itKw += itKw;
    out.facilityKw += itKw * pue;
    const perGpu =
      typeof workload === 'string' ? throughputFor(gpu, workload, modelCode) : mixThroughput(gpu, workload, modelCode);
    if (perGpu === undefined) {
      if (row.installed > 0) out.missingThroughput.push(row.gpuTypeCode);
    } else {
      out.tokensPerSecond += row.installed * perGpu;
    }
  }
  return out;
}

/** The class mix of a set of regions' demand (tokens/s by class), of every model or of one. */
export function demandMix(
  regions: readonly { demand: readonly DemandFigure[] }[],
  modelCode?: string,
): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const region of regions) {
    for (const d of region.demand) {
      if (modelCode !== undefined && modelOf(d) !== modelCode) continue;
      mix[d.workloadClassCode] = (mix[d.workloadClassCode] ?? 0) + d.tokensPerSecond;
    }
  }
  return mix;
}

export interface FleetTotals extends FleetCapacity {
  /** Σ power caps of the sites counted, kW */
  powerCapKw: number;
  /** the model's demand, every region and class */
  demandTokensPerSecond: number;
  /** demand / capacity on the demand's own class mix (null without capacity) */
  utilization: number | null;
}

export interface FleetData {
  sites: readonly Pick<SiteRecord, 'inventory' | 'pue' | 'coolingType' | 'powerCapKw' | 'status'>[];
  gpuTypes: readonly GpuThroughputs[] | ReadonlyMap<string, GpuThroughputs>;
  demandRegions: readonly { demand: readonly DemandFigure[] }[];
}

export interface FleetOptions {
  /** the model whose throughputs and demand count; DEFAULT when left out */
  modelCode?: string;
  /** a class mix to size capacity on instead of the model's own demand mix */
  mix?: ClassMix;
}

const notRetired = (data: FleetData) => data.sites.filter((site) => site.status !== 'RETIRED');

/**
 * Totals over all sites that are not RETIRED, for one model: installed GPUs, IT
 * and facility power and power caps (the same for every model), capacity if every
 * GPU served only this model on its demand's class mix (or `mix` when given), the
 * model's demand and the resulting average utilization. With several models,
 * each model's utilization is the share of the fleet its demand alone would take.
 */
export function fleetTotals(data: FleetData, options: FleetOptions = {}): FleetTotals {
  const modelCode = options.modelCode ?? DEFAULT_MODEL_CODE;
  const byCode = gpuIndex(data.gpuTypes);
  const demand = demandMix(data.demandRegions, modelCode);
  const workload = options.mix ?? demand;
  const totals: FleetTotals = {
    gpus: 0,
    tokensPerSecond: 0,
    itKw: 0,
    facilityKw: 0,
    missingThroughput: [],
    powerCapKw: 0,
    demandTokensPerSecond: 0,
    utilization: null,
  };
  for (const site of notRetired(data)) {
    const c = siteInstalledCapacity(site, byCode, workload, modelCode);
    totals.gpus += c.gpus;
    totals.tokensPerSecond += c.tokensPerSecond;
    totals.itKw += c.itKw;
    totals.facilityKw += c.facilityKw;
    totals.powerCapKw += site.powerCapKw;
    for (const code of c.missingThroughput)
      if (!totals.missingThroughput.includes(code)) totals.missingThroughput.push(code);
  }
  totals.demandTokensPerSecond = Object.values(demand).reduce((sum, tps) => sum + tps, 0);
  totals.utilization = totals.tokensPerSecond > 0 ? totals.demandTokensPerSecond / totals.tokensPerSecond : null;
  return totals;
}

export interface FleetClassTotals {
  workloadClassCode: string;
  /** if every installed GPU of a site that is not RETIRED served only this model and class, full utilization */
  capacityTokensPerSecond: number;
  /** the model's demand of this class, every region */
  demandTokensPerSecond: number;
}

/** Per workload class, one model's installed capacity and demand (DEFAULT when no model is named). */
export function fleetByClass(
  data: FleetData,
  workloadClassCodes: readonly string[],
  modelCode: string = DEFAULT_MODEL_CODE,
): FleetClassTotals[] {
  const byCode = gpuIndex(data.gpuTypes);
  const demand = demandMix(data.demandRegions, modelCode);
  const sites = notRetired(data);
  return workloadClassCodes.map((workloadClassCode) => ({
    workloadClassCode,
    capacityTokensPerSecond: sites.reduce(
      (sum, site) => sum + siteInstalledCapacity(site, byCode, workloadClassCode, modelCode).tokensPerSecond,
      0,
    ),
    demandTokensPerSecond: demand[workloadClassCode] ?? 0,
  }));
}
