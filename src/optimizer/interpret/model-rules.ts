// What a model's deployment rule costs at the margin. The routes the rule
// blocks are not in the model, so the price is what they would earn if they
// were: a blocked route to site s carries a unit of the demand into s and a
// serve column there takes it onto a GPU pool, so together (the balance row they
// would share cancels) the pair's reduced cost is
//   egress + serve cost − dual(demand) − occupancy·dual(gpu) − kW·dual(power) − carbon·dual(carbon cap)
// read from the optimal duals. Negative means moving a unit there would pay:
// its saving, in $ per million tokens moved (the unit of the demand shadow
// prices), is the rule's price, taken at the best blocked route of the model.
import {
  boughtGpuCostPerHour,
  crossesBorder,
  MILLION_TOKENS_PER_KTOK_HOUR,
  pricePerKtokHour,
  serveCostPerKtokHour,
  serveRatesPerKtok,
} from '../costs.js';
import { classesEachSiteRuns } from '../compile/routes.js';
import type { ModelRulePlan } from '../types.js';
import { cleanDual, type Solution } from './solution.js';

/** by model index: its rule and the rule's price; null for a model without a rule */
export function modelRulePlans(solution: Solution): (ModelRulePlan | null)[] {
  const { prepared, layout, rowDuals, periods: T, periodWeight: w } = solution;
  const { sites, classes, models } = prepared;
  const K = classes.length;
  const couldRun = classesEachSiteRuns(prepared, true);
  const best = models.map(() => ({ saving: 0, site: -1, region: -1 }));
  if (rowDuals) {
    const dualOf = (row: number): number => (row >= 0 ? rowDuals[row]! : 0);
    prepared.regions.forEach((region, r) => {
      region.demands.forEach((demand, d) => {
        const g = layout.demandOffset[r]! + d;
        const m = classes[demand.classIndex]!.modelIndex;
        const group = layout.groupOfDemand[g]!;
        for (const s of layout.candidates[g]!.modelRuleBlocked) {
          for (let t = 0; t < T; t++) {
            const demandRow = layout.demandRowOf[group * T + t]!;
            if (demandRow < 0) continue;
            // −(reduced cost), $/h of the average hour per ktok/s moved in period t → $ per million tokens moved
            const pathCost = blockedRouteCost(solution, s, r, demand.classIndex, t, dualOf);
            const saving = cleanDual((rowDuals[demandRow]! - pathCost) / (w * MILLION_TOKENS_PER_KTOK_HOUR));
            if (saving > best[m]!.saving) best[m] = { saving, site: s, region: r };
          }
        }
      });
    });
  }
  return models.map((model, m): ModelRulePlan | null => {
    if (!model.rule) return null;
    const blockedSiteCodes = sites
      .filter((site, s) => {
        if (site.modelAllowed[m]) return false;
        for (let k = 0; k < K; k++) if (classes[k]!.modelIndex === m && couldRun[s * K + k]) return true;
        return false;
      })
      .map((site) => site.code);
    const found = best[m]!;
    return {
      allowedCountries: model.rule.allowedCountries,
      allowedSites: model.rule.allowedSites,
      blockedSiteCodes,
      shadowPricePerMillionTokens: rowDuals ? found.saving : null,
      bestBlockedSiteCode: found.site >= 0 ? sites[found.site]!.code : null,
      bestBlockedRegionCode: found.region >= 0 ? prepared.regions[found.region]!.code : null,
    };
  });
}

/**
 * The cheapest way to serve one more ktok/s of class k at site s in period t, priced at the duals, plus the
 * route's egress: the blocked route's reduced cost before the demand row's dual is taken off. A pool with no
 * gpu row then (it runs nothing the site serves) has GPUs to spare at no price, or, with none installed, costs
 * what buying one costs.
 */
function blockedRouteCost(
  solution: Solution,
  s: number,
  r: number,
  k: number,
  t: number,
  dualOf: (row: number) => number,
): number {
  const { prepared, layout, options, periods: T, periodWeight: w } = solution;
  const site = prepared.sites[s]!;
  const egress = crossesBorder(site.country, prepared.regions[r]!.country)
    ? pricePerKtokHour(options.egressPricePerMillionTokens, w)
    : 0;
  let cheapest = Infinity;
  site.pools.forEach((pool, p) => {
    const gpu = prepared.gpus[pool.gpuIndex]!;
    const tokensPerSecond = gpu.tokensPerSecondByClass[k]!;
    if (!(tokensPerSecond > 0)) return;
    const rates = serveRatesPerKtok(tokensPerSecond, gpu, site, options);
    const gpuRow = layout.gpuRowOf[(layout.poolOffset[s]! + p) * T + t]!;
    const gpuDual =
      gpuRow >= 0 ? dualOf(gpuRow) : pool.installed > 0 ? 0 : -boughtGpuCostPerHour(gpu.capexPerHour, options);
    const cost =
      serveCostPerKtokHour(rates, gpu, site, t, w, options) -
      rates.occupancyPerKtok * gpuDual -
      rates.facilityKwPerKtok * dualOf(layout.powerRowOf[s * T + t]!) -
      w * rates.carbonTonnesPerKtokHour * dualOf(layout.carbonRow);
    cheapest = Math.min(cheapest, cost);
  });
  return egress + cheapest;
}
