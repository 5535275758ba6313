// The world map: countries from world-atlas (bundled), sites as circles sized by
// load (or installed capacity before a plan) and coloured by cost per million
// tokens, regions as squares sized by demand, a plan's flows as lines.
import { geoNaturalEarth1, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { interpolateCividis } from 'd3-scale-chromatic';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { esc, tokensPerSecond, usd } from './format.js';

const WIDTH = 960;
const HEIGHT = 500;
const SVG = 'http://www.w3.org/2000/svg';

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

export interface MapFlow {
  siteCode: string;
  regionCode: string;
  tokensPerSecond: number;
  /** 'moved-in' / 'moved-out' when showing a comparison */
  kind?: 'flow' | 'gain' | 'loss';
}

export interface MapData {
  sites: MapSite[];
  regions: MapRegion[];
  flows: MapFlow[];
  sizeLabel: string;
}

export interface MapHandlers {
  onSelectSite(code: string): void;
  onSelectRegion(code: string): void;
}

const projection = geoNaturalEarth1();
const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
const land = feature(topology, topology.objects.countries);
projection.fitExtent(
  [
    [4, 4],
    [WIDTH - 4, HEIGHT - 4],
  ],
  land,
);
const path = geoPath(projection);

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  parent?.appendChild(node);
  return node;
}

export function colourFor(cost: number | null, range: [number, number]): string {
  if (cost === null) return '#9a9a9a';
  const [low, high] = range;
  const t = high > low ? (cost - low) / (high - low) : 0.5;
  // cividis: dark blue (cheap) to yellow (dear), readable with every common colour-vision deficiency
  return interpolateCividis(Math.min(1, Math.max(0, t)));
}

export class WorldMap {
  private readonly svg: SVGSVGElement;
  private readonly layers: { flows: SVGGElement; regions: SVGGElement; sites: SVGGElement };

  constructor(
    private readonly container: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly tooltip: HTMLElement,
    private readonly handlers: MapHandlers,
  ) {
    this.svg = el('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': 'World map' });
    el('path', { d: path({ type: 'Sphere' } as GeoPermissibleObjects) ?? '', class: 'sphere' }, this.svg);
    el('path', { d: path(land) ?? '', class: 'land' }, this.svg);
    this.layers = {
      flows: el('g', { class: 'flows' }, this.svg),
      regions: el('g', { class: 'regions' }, this.svg),
      sites: el('g', { class: 'sites' }, this.svg),
    };
    container.appendChild(this.svg);
  }

  render(data: MapData): void {
    const { flows, regions, sites } = this.layers;
    flows.replaceChildren();
    regions.replaceChildren();
    sites.replaceChildren();
    const siteXY = new Map<string, [number, number]>();
    const regionXY = new Map<string, [number, number]>();
    for (const site of data.sites) siteXY.set(site.code, projection([site.longitude, site.latitude]) ?? [0, 0]);
    for (const region of data.regions)
      regionXY.set(region.code, projection([region.longitude, region.latitude]) ?? [0, 0]);

    const maxFlow = Math.max(1, ...data.flows.map((f) => Math.abs(f.tokensPerSecond)));
    for (const flow of data.flows) {
      const from = data.sites.find((s) => s.code === flow.siteCode);
      const to = data.regions.find((r) => r.code === flow.regionCode);
      if (!from || !to) continue;
      const line = {
        type: 'LineString',
        coordinates: [
          [from.longitude, from.latitude],
          [to.longitude, to.latitude],
        ],
      } as GeoPermissibleObjects;
      el(
        'path',
        {
          d: path(line) ?? '',
          class: `flow ${flow.kind ?? 'flow'}`,
          'stroke-width': (0.6 + 7 * Math.sqrt(Math.abs(flow.tokensPerSecond) / maxFlow)).toFixed(2),
        },
        flows,
      );
    }

    const maxDemand = Math.max(1, ...data.regions.map((r) => r.demandTokensPerSecond));
    for (const region of data.regions) {
      const [x, y] = regionXY.get(region.code)!;
      const side = 5 + 12 * Math.sqrt(region.demandTokensPerSecond / maxDemand);
      const node = el(
        'rect',
        {
          x: x - side / 2,
          y: y - side / 2,
          width: side,
          height: side,
          class: 'region',
          tabindex: 0,
          role: 'button',
          'data-code': region.code,
          'aria-label': `Region ${region.code}, ${region.name}: demand ${tokensPerSecond(region.demandTokensPerSecond)}`,
        },
        regions,
      );
      this.interactive(node, region.tooltip, () => this.handlers.onSelectRegion(region.code));
    }

    const costs = data.sites.map((s) => s.costPerMillionTokens).filter((c): c is number => c !== null);
    const range: [number, number] = costs.length ? [Math.min(...costs), Math.max(...costs)] : [0, 1];
    const maxSize = Math.max(1, ...data.sites.map((s) => s.sizeTokensPerSecond));
    // largest first, so small circles stay clickable on top
    for (const site of [...data.sites].sort((a, b) => b.sizeTokensPerSecond - a.sizeTokensPerSecond)) {
      const [x, y] = siteXY.get(site.code)!;
      const r = 3 + 13 * Math.sqrt(site.sizeTokensPerSecond / maxSize);
      const node = el(
        'circle',
        {
          cx: x.toFixed(1),
          cy: y.toFixed(1),
          r: r.toFixed(1),
          fill: colourFor(site.costPerMillionTokens, range),
          class: 'site',
          tabindex: 0,
          role: 'button',
          'data-code': site.code,
          'aria-label': `Site ${site.code}, ${site.name}: ${usd(site.costPerMillionTokens, 4)} per million tokens`,
        },
        sites,
      );
      this.interactive(node, site.tooltip, () => this.handlers.onSelectSite(site.code));
    }
    this.renderLegend(
      range,
      data.sizeLabel,
      data.flows.some((f) => f.kind === 'gain' || f.kind === 'loss'),
    );
  }

  private interactive(node: SVGElement, tooltip: string, select: () => void): void {
    const show = () => {
      this.tooltip.innerHTML = tooltip;
      this.tooltip.hidden = false;
      const box = node.getBoundingClientRect();
      const host = this.container.getBoundingClientRect();
      this.tooltip.style.left = `${Math.min(host.width - 220, Math.max(0, box.right - host.left + 6))}px`;
      this.tooltip.style.top = `${Math.max(0, box.top - host.top - 4)}px`;
    };
    const hide = () => {
      this.tooltip.hidden = true;
    };
    node.addEventListener('mouseenter', show);
    node.addEventListener('focus', show);
    node.addEventListener('mouseleave', hide);
    node.addEventListener('blur', hide);
    node.addEventListener('click', select);
    node.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select();
      }
    });
  }

  private renderLegend(range: [number, number], sizeLabel: string, comparing: boolean): void {
    const stops = Array.from({ length: 11 }, (_, i) => `${interpolateCividis(i / 10)} ${i * 10}%`).join(', ');
    this.legend.innerHTML = `
      <div class="legend-scale"><span>${esc(usd(range[0], 3))}</span><span class="ramp" style="background: linear-gradient(to right, ${stops})"></span><span>${esc(usd(range[1], 3))}</span></div>
      <div class="legend-note">Colour: cost per million tokens. Circles: sites, area by ${esc(sizeLabel)}. Squares: regions, area by demand. Lines: ${comparing ? '<span class="key gain">load gained</span> / <span class="key loss">load lost</span>' : 'flows, width by tok/s'}.</div>`;
  }
}
