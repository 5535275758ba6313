// Demand groups: demands of one class whose regions may use exactly the same
// sites at the same route costs are interchangeable, so they share one demand
// row and one set of routes; the interpreter splits the flows back in
// proportion to demand. This is exact, and it collapses classes with loose or
// no latency budgets (batch: sites × regions routes → sites × a few). Not done
// under maxSiteShare, whose limit is per region.
import { TOKENS_PER_KTOK } from '../costs.js';
import type { PreparedInput } from '../prepare.js';
import type { PlanOptions } from '../types.js';
import type { DemandCandidates, DemandGroup } from './layout.js';

export interface DemandGroups {
  groups: DemandGroup[];
  /** global demand index → its group */
  groupOfDemand: Int32Array;
}

export function groupDemands(
  prepared: PreparedInput,
  options: PlanOptions,
  demandOffset: Int32Array,
  candidates: readonly DemandCandidates[],
): DemandGroups {
  const { regions } = prepared;
  const T = prepared.periods;
  const groups: DemandGroup[] = [];
  const groupOfDemand = new Int32Array(candidates.length).fill(-1);
  const groupByKey = new Map<string, number>();
  const egressPriced = options.egressPricePerMillionTokens > 0;
  regions.forEach((region, r) => {
    region.demands.forEach((demand, d) => {
      const g = demandOffset[r]! + d;
      const sites = candidates[g]!.sites;
      // Same class, same candidate sites, same route costs (egress depends on the region's country).
      const key =
        options.maxSiteShare === null && sites.length > 0
          ? `${demand.classIndex}|${egressPriced ? String(region.country) : ''}|${sites.join(',')}`
          : null;
      let index = key === null ? undefined : groupByKey.get(key);
      if (index === undefined) {
        index = groups.length;
        groups.push({
          classIndex: demand.classIndex,
          members: [],
          sites,
          regionIndex: r,
          demandKtokByPeriod: new Float64Array(T),
        });
        if (key !== null) groupByKey.set(key, index);
      }
      groupOfDemand[g] = index;
      const group = groups[index]!;
      group.members.push(g);
      for (let t = 0; t < T; t++) group.demandKtokByPeriod[t]! += demand.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK;
    });
  });
  return { groups, groupOfDemand };
}
