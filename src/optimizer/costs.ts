// What serving tokens costs and draws, written once: the compiler takes these
// formulas per ktok/s as column costs and coefficients, the interpreter applies
// them to the solved flows. Units as in the model: flows in ktok/s, money in $/h
// averaged over the periods (each period weighs 1 / periods), power in kW.
import type { PreparedGpu, PreparedSite } from './prepare.js';
import type { PlanOptions } from './types.js';

/** one ktok/s for an hour is 3.6 million tokens */
export const MILLION_TOKENS_PER_KTOK_HOUR = 3.6;
export const TOKENS_PER_KTOK = 1000;
const TONNES_PER_GRAM = 1e-6;
const KG_PER_GRAM = 1e-3;
const KG_PER_TONNE = 1000;

/** Egress is paid when the site is abroad, or the region has no country. */
export function crossesBorder(siteCountry: string, regionCountry: string | null): boolean {
  return regionCountry === null || siteCountry !== regionCountry;
}

/** A price per million tokens as $/h per ktok/s in one period (egress, the unserved penalty). */
export function pricePerKtokHour(pricePerMillionTokens: number, periodWeight: number): number {
  return pricePerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * periodWeight;
}

/**
 * Capex by mode. AMORTIZED: a GPU is paid for the hours it is busy (per GPU-hour
 * of occupancy in an LP, per whole busy GPU in an integer plan). SUNK: a bought
 * GPU costs its capex every hour, busy or not; installed ones cost nothing more.
 */
export function capexChargedPerOccupancy(options: PlanOptions): boolean {
  return options.capexMode === 'AMORTIZED' && !options.integerGpus;
}

/** $/h of one bought GPU (the `add` column). */
export function boughtGpuCostPerHour(capexPerHour: number, options: PlanOptions): number {
  return options.capexMode === 'AMORTIZED' ? 0 : capexPerHour;
}

/** $/h of one whole GPU busy in one period (integer plans' `busy` column). */
export function busyGpuCostPerHour(capexPerHour: number, periodWeight: number, options: PlanOptions): number {
  return options.capexMode === 'AMORTIZED' ? periodWeight * capexPerHour : 0;
}

/** The plan's capex of a pool: its mean whole busy GPUs (integer, AMORTIZED) or the GPUs it bought (SUNK). */
export function poolCapexPerHour(
  meanGpusBusy: number,
  gpusAdded: number,
  capexPerHour: number,
  options: PlanOptions,
): number {
  if (options.capexMode !== 'AMORTIZED') return gpusAdded * capexPerHour;
  return options.integerGpus ? meanGpusBusy * capexPerHour : 0;
}

/** One ktok/s of a class on one GPU type at one site: the coefficients of its `serve` column. */
export interface ServeRatesPerKtok {
  /** GPUs held per ktok/s at the target utilization */
  occupancyPerKtok: number;
  facilityKwPerKtok: number;
  carbonTonnesPerKtokHour: number;
}

export function serveRatesPerKtok(
  tokensPerSecond: number,
  gpu: PreparedGpu,
  site: PreparedSite,
  options: PlanOptions,
): ServeRatesPerKtok {
  const gpusPerKtok = TOKENS_PER_KTOK / tokensPerSecond;
  const facilityKwPerKtok = gpusPerKtok * gpu.powerKw * site.pue;
  return {
    occupancyPerKtok: gpusPerKtok / options.targetUtilization,
    facilityKwPerKtok,
    carbonTonnesPerKtokHour: facilityKwPerKtok * site.carbonGramsPerKwh * TONNES_PER_GRAM,
  };
}

/** The objective cost of one ktok/s served in period t: energy, carbon price and (AMORTIZED LPs) capex. */
export function serveCostPerKtokHour(
  rates: ServeRatesPerKtok,
  gpu: PreparedGpu,
  site: PreparedSite,
  period: number,
  periodWeight: number,
  options: PlanOptions,
): number {
  return (
    periodWeight *
    (rates.facilityKwPerKtok * site.pricePerKwhByPeriod[period]! +
      rates.carbonTonnesPerKtokHour * options.carbonPricePerTonne +
      (capexChargedPerOccupancy(options) ? rates.occupancyPerKtok * gpu.capexPerHour : 0))
  );
}

/** A solved serve flow in its period: what it holds and draws, and its cost share of the average hour. */
export interface ServedFlow {
  gpusBusy: number;
  itKw: number;
  facilityKw: number;
  energyPerHour: number;
  carbonKgPerHour: number;
  carbonPerHour: number;
  capexPerHour: number;
}

/**
 * The formulas above applied to a flow. The arithmetic is grouped from the flow
 * out (not flow × rate) as plans have always been reported, so stored and new
 * plans agree to the last digit.
 */
export function servedFlow(
  ktokPerSecond: number,
  tokensPerSecond: number,
  gpu: PreparedGpu,
  site: PreparedSite,
  period: number,
  periodWeight: number,
  options: PlanOptions,
): ServedFlow {
  const gpusAtFullSpeed = (ktokPerSecond * TOKENS_PER_KTOK) / tokensPerSecond;
  const gpusBusy = gpusAtFullSpeed / options.targetUtilization;
  const itKw = gpusAtFullSpeed * gpu.powerKw;
  const facilityKw = itKw * site.pue;
  const carbonKgPerHour = periodWeight * facilityKw * site.carbonGramsPerKwh * KG_PER_GRAM;
  return {
    gpusBusy,
    itKw,
    facilityKw,
    energyPerHour: periodWeight * facilityKw * site.pricePerKwhByPeriod[period]!,
    carbonKgPerHour,
    carbonPerHour: (carbonKgPerHour / KG_PER_TONNE) * options.carbonPricePerTonne,
    capexPerHour: capexChargedPerOccupancy(options) ? periodWeight * gpusBusy * gpu.capexPerHour : 0,
  };
}
