// Shadow prices from the LP duals (the objective is in $/h with flows in
// ktok/s): what one more GPU, kW or token/s of demand is worth, and where that
// value comes from (shadow-basis.ts).
import { MILLION_TOKENS_PER_KTOK_HOUR, TOKENS_PER_KTOK } from '../costs.js';
import type { CompiledModel } from '../compile.js';
import { shadowPriceBasis } from '../shadow-basis.js';
import type { ShadowPrices } from '../types.js';
import { cleanDual, round, type Solution } from './solution.js';

export interface ShadowValues {
  shadowPrices: ShadowPrices;
  /** by global pool: $/h one more GPU is worth, summed over the periods */
  gpuValue: Float64Array;
  /** by site: $/h one more kW is worth, summed over the periods */
  powerValue: Float64Array;
}

export function shadowValues(
  solution: Solution,
  rowDuals: Float64Array,
  unservedKtokByDemandPeriod: Float64Array,
): ShadowValues {
  const { prepared, layout, options, periods: T } = solution;
  const { sites, gpus } = prepared;
  const compiled: CompiledModel = { lp: solution.lp, layout };
  const basisOf = shadowPriceBasis(prepared, compiled, options, rowDuals, unservedKtokByDemandPeriod);
  const gpuValue = new Float64Array(solution.totalPools);
  const powerValue = new Float64Array(sites.length);
  /** −Σ duals of a unit's rows over the periods (rowOf(t) = -1: none in t) */
  const valueOfRows = (rowOf: (t: number) => number): number => {
    let value = 0;
    for (let t = 0; t < T; t++) {
      const row = rowOf(t);
      if (row >= 0) value -= rowDuals[row]!;
    }
    return cleanDual(value);
  };
  const gpuPrices: ShadowPrices['gpus'] = [];
  const powerPrices: ShadowPrices['power'] = [];
  sites.forEach((site, s) => {
    site.pools.forEach((pool, p) => {
      const g = layout.poolOffset[s]! + p;
      gpuValue[g] = valueOfRows((t) => layout.gpuRowOf[g * T + t]!);
      // a GPU worth nothing more is not a shadow price worth listing
      if (gpuValue[g] === 0) return;
      const { basis, servesUnservedKtok } = basisOf.pool(s, p);
      gpuPrices.push({
        siteCode: site.code,
        gpuTypeCode: gpus[pool.gpuIndex]!.code,
        valuePerGpuPerHour: gpuValue[g]!,
        basis,
        servesUnservedTokensPerSecond: round(servesUnservedKtok * TOKENS_PER_KTOK),
      });
    });
    powerValue[s] = valueOfRows((t) => layout.powerRowOf[s * T + t]!);
    if (powerValue[s] === 0) return;
    const { basis, servesUnservedKtok } = basisOf.power(s);
    powerPrices.push({
      siteCode: site.code,
      valuePerKwPerHour: powerValue[s]!,
      basis,
      servesUnservedTokensPerSecond: round(servesUnservedKtok * TOKENS_PER_KTOK),
    });
  });
  const shadowPrices: ShadowPrices = {
    gpus: gpuPrices,
    power: powerPrices,
    demand: demandPrices(solution, rowDuals, (group) => basisOf.demand(group)),
    carbonCapValuePerTonne: layout.carbonRow >= 0 ? cleanDual(-rowDuals[layout.carbonRow]!) : null,
  };
  return { shadowPrices, gpuValue, powerValue };
}

function demandPrices(
  solution: Solution,
  rowDuals: Float64Array,
  basisOfGroup: (group: number) => ShadowPrices['demand'][number]['basis'],
): ShadowPrices['demand'] {
  const { prepared, layout, periods: T } = solution;
  return prepared.regions.flatMap((region, r) =>
    region.demands.map((demand, d) => {
      const groupIndex = layout.groupOfDemand[layout.demandOffset[r]! + d]!;
      // One more token/s of this demand follows its hourly profile: period t
      // gets profile[t] of it (mean 1), so its marginal cost is the
      // profile-weighted sum of the hourly duals.
      const mean = demand.meanTokensPerSecond;
      let value = 0;
      for (let t = 0; t < T; t++) {
        const row = layout.demandRowOf[groupIndex * T + t]!;
        if (row < 0) continue;
        const profile = mean > 0 ? demand.tokensPerSecondByPeriod[t]! / mean : 1;
        value += profile * rowDuals[row]!;
      }
      return {
        regionCode: region.code,
        modelCode: prepared.classes[demand.classIndex]!.modelCode,
        workloadClassCode: prepared.classes[demand.classIndex]!.code,
        marginalCostPerMillionTokens: cleanDual(value / MILLION_TOKENS_PER_KTOK_HOUR),
        basis: basisOfGroup(groupIndex),
      };
    }),
  );
}
