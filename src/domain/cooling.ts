// Default PUE by cooling type: what a site's PUE is taken to be when it has none
// of its own. Values from the ranges collected in fixtures/SOURCES.md §6.

import type { CoolingType, SiteRecord } from '../dataset/schema.js';

export const DEFAULT_PUE_BY_COOLING: Readonly<Record<CoolingType, number>> = {
  // Modern air-cooled halls with containment and economizers: 1.2–1.4; the fleet
  // average is 1.55–1.58 (Uptime Institute 2023/2024). The top of the modern range.
  AIR: 1.4,
  // Cold-climate free-air sites report about 1.1 (Zhongwei, China Daily 2020).
  FREE_AIR: 1.12,
  // Evaporative assist: chiller hours remain in warm months; between free air and air.
  EVAPORATIVE: 1.2,
  // Direct-to-chip cold plates: 1.05–1.15 in new builds, 1.10 central estimate,
  // 1.16 median of published hyperscale figures (aiinframap.com).
  LIQUID_COLD_PLATE: 1.15,
  // Immersion: about 1.02–1.05 (inferensys.com; research-viewer summary).
  IMMERSION: 1.05,
};

export function defaultPue(coolingType: CoolingType): number {
  return DEFAULT_PUE_BY_COOLING[coolingType];
}

/** The site's own PUE when it has one, else its cooling type's default. */
export function effectivePue(site: Pick<SiteRecord, 'pue' | 'coolingType'>): number {
  return site.pue ?? DEFAULT_PUE_BY_COOLING[site.coolingType];
}
