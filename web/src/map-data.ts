// What the world map draws (web/src/map.ts), as plain data the page builds
// from the plan: kept apart from the map so pure code can build it without d3.
import type { SiteRegionFlow } from './flows.js';

export interface MapSite {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  /** what sizes the circle: the plan's load, else installed capacity (tok/s) */
  sizeTokensPerSecond: number;
  costPerMillionTokens: number | null;
  tooltip: string;
}

export interface MapRegion {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  demandTokensPerSecond: number;
  tooltip: string;
}

export interface MapData {
  sites: MapSite[];
  regions: MapRegion[];
  /** per site→region over the day; in a comparison the net change */
  flows: SiteRegionFlow[];
  comparing: boolean;
  sizeLabel: string;
  /** what the colour shows: the plan's cost per site, or the pre-plan H100 cost */
  colourLabel: string;
  /** what the legend says when there are no flows (default: there is no plan yet) */
  noFlowsText?: string;
}
