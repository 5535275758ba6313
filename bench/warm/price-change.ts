// A 5 % electricity-price change: every site's price (flat and hourly) moved
// 5 % up or down, alternating by site in code order, so the cheapest sites
// change rank and the previous optimal basis is no longer optimal.
import type { PlanningInput } from '../../src/optimizer/types.js';

export function priceChanged(input: PlanningInput, share = 0.05): PlanningInput {
  const codes = input.sites.map((site) => site.code).sort();
  const factorOf = new Map(codes.map((code, i) => [code, i % 2 === 0 ? 1 + share : 1 - share]));
  return {
    ...input,
    sites: input.sites.map((site) => {
      const factor = factorOf.get(site.code)!;
      return {
        ...site,
        pricePerKwh: site.pricePerKwh * factor,
        hourlyPricesPerKwh: site.hourlyPricesPerKwh.map((price) => price * factor),
      };
    }),
  };
}

/** Every demand moved `share` up or down, alternating by region in code order. */
export function demandChanged(input: PlanningInput, share = 0.05): PlanningInput {
  const codes = input.regions.map((region) => region.code).sort();
  const factorOf = new Map(codes.map((code, i) => [code, i % 2 === 0 ? 1 + share : 1 - share]));
  return {
    ...input,
    regions: input.regions.map((region) => ({
      ...region,
      demand: region.demand.map((d) => ({ ...d, tokensPerSecond: d.tokensPerSecond * factorOf.get(region.code)! })),
    })),
  };
}
