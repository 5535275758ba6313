// Route pruning: a route (site → a region's class demand) becomes a variable
// only where the site can run the class at all and the reach rule allows it.
import type { PreparedInput } from '../prepare.js';
import { reach } from '../reach.js';
import type { DemandCandidates } from './layout.js';

export interface PrunedRoutes {
  /** by global demand index */
  candidates: DemandCandidates[];
  /** [(site * classes + class) * periods + t] = 1 where some route lands: the balance rows needed */
  servesClassAt: Uint8Array;
}

/**
 * [site * classes + class] = 1 where some pool's GPU type has a throughput for the class (the model under the
 * workload class), the site has power and the model's deployment rule allows the site; with `ignoreModelRules`,
 * whatever the rule says.
 */
export function classesEachSiteRuns(prepared: PreparedInput, ignoreModelRules = false): Uint8Array {
  const { sites, gpus, classes } = prepared;
  const K = classes.length;
  const runs = new Uint8Array(sites.length * K);
  sites.forEach((site, s) => {
    for (const pool of site.pools) {
      const tokensPerSecondByClass = gpus[pool.gpuIndex]!.tokensPerSecondByClass;
      for (let k = 0; k < K; k++) {
        const allowed = ignoreModelRules || site.modelAllowed[classes[k]!.modelIndex] === 1;
        if (tokensPerSecondByClass[k]! > 0 && site.powerCapKw > 0 && allowed) runs[s * K + k] = 1;
      }
    }
  });
  return runs;
}

export function pruneRoutes(prepared: PreparedInput, demandOffset: Int32Array): PrunedRoutes {
  const { sites, regions } = prepared;
  const T = prepared.periods;
  const K = prepared.classes.length;
  const R = regions.length;
  const siteRunsClass = classesEachSiteRuns(prepared);
  const siteCouldRunClass = classesEachSiteRuns(prepared, true);
  const candidates: DemandCandidates[] = new Array(demandOffset[R]!);
  const servesClassAt = new Uint8Array(sites.length * K * T);
  regions.forEach((region, r) => {
    region.demands.forEach((demand, d) => {
      const k = demand.classIndex;
      if (prepared.models[prepared.classes[k]!.modelIndex]!.unavailable) {
        candidates[demandOffset[r]! + d] = {
          sites: [],
          residencyBlocked: 0,
          withinLatency: 0,
          withoutGpuForModel: 0,
          modelRuleBlocked: [],
          modelUnavailable: true,
        };
        return;
      }
      const routeSites: number[] = [];
      let residencyBlocked = 0;
      let withinLatency = 0;
      let withoutGpuForModel = 0;
      const modelRuleBlocked: number[] = [];
      for (let s = 0; s < sites.length; s++) {
        const verdict = reach(
          sites[s]!.country,
          prepared.rttMs[s * R + r]!,
          demand.rttBudgetMs,
          region.allowedCountries,
        );
        if (!siteRunsClass[s * K + k]) {
          if (verdict === 'REACHABLE' && sites[s]!.powerCapKw > 0) {
            if (siteCouldRunClass[s * K + k]) modelRuleBlocked.push(s);
            else withoutGpuForModel++;
          }
          continue;
        }
        if (verdict === 'BEYOND_RTT_BUDGET') continue;
        withinLatency++;
        if (verdict === 'RESIDENCY') {
          residencyBlocked++;
          continue;
        }
        routeSites.push(s);
        for (let t = 0; t < T; t++) if (demand.tokensPerSecondByPeriod[t]! > 0) servesClassAt[(s * K + k) * T + t] = 1;
      }
      candidates[demandOffset[r]! + d] = {
        sites: routeSites,
        residencyBlocked,
        withinLatency,
        withoutGpuForModel,
        modelRuleBlocked,
        modelUnavailable: false,
      };
    });
  });
  return { candidates, servesClassAt };
}
