// The world map: countries from world-atlas (bundled), sites as circles sized by
// load (or installed capacity before a plan) and coloured by cost per million
// tokens, regions as squares sized by demand, a plan's largest flows as lines.
// The geography zooms and pans (d3-zoom); markers, labels and line widths keep
// their screen size, so the SVG's user units are the map box's pixels.
import { geoNaturalEarth1, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { interpolateCividis } from 'd3-scale-chromatic';
import { select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { shownFlows, type SelectedMarker } from './flows.js';
import { esc, tokensPerSecond, usd } from './format.js';
import { placeLabels } from './labels.js';
import type { MapData, MapRegion, MapSite } from './map-data.js';
import { hitTest, neighbourInDirection, spreadApart, type Direction, type Point } from './markers.js';

/** the drawing's own size, before it is scaled to the map box */
const WIDTH = 960;
const HEIGHT = 500;
const SVG = 'http://www.w3.org/2000/svg';
/** a marker's hit area is at least this wide on screen (a fingertip) */
const MIN_HIT_PX = 24;
/** markers closer than this (a site and the region of its city) are moved apart */
const MIN_SEPARATION_PX = 14;
const LABEL_FONT_PX = 12;
const FLOW_LIMITS = [15, 50, null] as const;

export interface MapHandlers {
  onSelectSite(code: string): void;
  onSelectRegion(code: string): void;
  /** Escape on a marker: focus goes to what follows the map */
  onLeave(): void;
}

interface Marker extends SelectedMarker {
  /** projected, in the drawing's units */
  base: [number, number];
  radius: number;
  glyph: SVGElement;
  group: SVGGElement;
  hit: SVGCircleElement;
  leader: SVGLineElement;
  tooltip: string;
  /** on screen after zoom and spreading */
  screen: Point;
}

const VIEWS: Record<string, { label: string; bounds: [[number, number], [number, number]] | null }> = {
  world: { label: 'World', bounds: null },
  europe: {
    label: 'Europe',
    bounds: [
      [-11, 36],
      [31, 63],
    ],
  },
  'east-asia': {
    label: 'East Asia',
    bounds: [
      [96, 0],
      [146, 45],
    ],
  },
};

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

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export class WorldMap {
  private readonly svg: SVGSVGElement;
  private readonly geo: SVGGElement;
  private readonly layers: {
    flows: SVGGElement;
    leaders: SVGGElement;
    sites: SVGGElement;
    regions: SVGGElement;
    labels: SVGGElement;
  };
  private readonly zoomBehavior: ZoomBehavior<SVGSVGElement, unknown>;
  private readonly selection: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly flowLimit: HTMLSelectElement;
  private transform: ZoomTransform = zoomIdentity;
  private size = { width: WIDTH, height: HEIGHT };
  private markers: Marker[] = [];
  private data: MapData | null = null;
  private selected: SelectedMarker | null = null;
  /** the marker holding the map's one Tab stop */
  private active = 0;
  /** a tooltip opened by a tap stays until the next tap */
  private pinned: string | null = null;
  private lastPointer = 'mouse';

  constructor(
    private readonly container: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly tooltip: HTMLElement,
    private readonly handlers: MapHandlers,
  ) {
    // tabindex -1: Chromium would make the svg itself a Tab stop before its markers
    this.svg = el('svg', {
      role: 'group',
      tabindex: -1,
      'aria-label': 'World map: arrow keys move between markers, + and − zoom',
    });
    this.geo = el('g', { class: 'geo' }, this.svg);
    el('path', { d: path({ type: 'Sphere' } as GeoPermissibleObjects) ?? '', class: 'sphere' }, this.geo);
    el('path', { d: path(land) ?? '', class: 'land' }, this.geo);
    this.layers = {
      flows: el('g', { class: 'flows' }, this.geo),
      leaders: el('g', { class: 'leaders' }, this.svg),
      sites: el('g', { class: 'sites' }, this.svg),
      // regions above sites: a region's square is never under its city's circle
      regions: el('g', { class: 'regions' }, this.svg),
      labels: el('g', { class: 'labels', 'aria-hidden': 'true' }, this.svg),
    };
    container.appendChild(this.svg);
    this.flowLimit = this.buildToolbar();

    this.selection = select(this.svg);
    this.zoomBehavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent([1, 16])
      // at the whole world a one-finger swipe scrolls the page (there is nothing to pan); pinch zooms
      .filter((event: Event) =>
        // (not `instanceof TouchEvent`: desktop Firefox has no such global)
        'touches' in event
          ? (event as TouchEvent).touches.length > 1 || this.transform.k > 1
          : // d3-zoom's own default: no ctrl-drag, no secondary button
            (!(event as MouseEvent).ctrlKey || event.type === 'wheel') && !(event as MouseEvent).button,
      )
      .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.transform = event.transform;
        this.layout();
      });
    // a double click is two selections here, not a zoom
    this.selection.call(this.zoomBehavior).on('dblclick.zoom', null);

    this.svg.addEventListener('pointerdown', (event) => (this.lastPointer = event.pointerType || 'mouse'));
    this.svg.addEventListener('pointermove', (event) => {
      if (event.pointerType === 'mouse' && this.pinned === null) this.hover(event);
    });
    this.svg.addEventListener('pointerleave', () => {
      if (this.pinned === null) this.hideTooltip();
    });
    this.svg.addEventListener('click', (event) => this.click(event));
    this.svg.addEventListener('keydown', (event) => this.key(event));
    this.svg.addEventListener('focusin', (event) => {
      const marker = this.markerOf(event.target);
      if (!marker) return;
      this.reveal(marker);
      this.showTooltip(marker.tooltip, marker.screen);
    });
    this.svg.addEventListener('focusout', () => {
      if (this.pinned === null) this.hideTooltip();
    });
    // a pinned tooltip closes on a tap anywhere outside the map and the tooltip
    document.addEventListener('pointerdown', (event) => {
      const target = event.target as Node;
      if (this.pinned !== null && !this.svg.contains(target) && !this.tooltip.contains(target)) this.hideTooltip();
    });
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  /** + / − / views and the flow count, above the map */
  private buildToolbar(): HTMLSelectElement {
    const bar = document.createElement('div');
    bar.className = 'map-tools';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Map view');
    const button = (label: string, title: string, action: () => void, testId: string) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.title = title;
      b.setAttribute('aria-label', title);
      b.dataset.testid = testId;
      b.addEventListener('click', action);
      bar.append(b);
    };
    button('+', 'Zoom in', () => this.zoomBy(1.6), 'zoom-in');
    button('−', 'Zoom out', () => this.zoomBy(1 / 1.6), 'zoom-out');
    for (const [id, view] of Object.entries(VIEWS))
      button(view.label, `Show ${view.label}`, () => this.showView(id), `view-${id}`);
    const label = document.createElement('label');
    label.textContent = 'Flows ';
    const limit = document.createElement('select');
    limit.dataset.testid = 'flow-limit';
    limit.innerHTML = FLOW_LIMITS.map(
      (n) => `<option value="${n ?? 'all'}">${n ? `largest ${n}` : 'all'}</option>`,
    ).join('');
    limit.addEventListener('change', () => this.drawFlows());
    label.append(limit);
    bar.append(label);
    this.container.before(bar);
    return limit;
  }

  render(data: MapData): void {
    this.data = data;
    const previous = this.markers[this.active]?.code;
    for (const layer of [this.layers.sites, this.layers.regions, this.layers.leaders]) layer.replaceChildren();
    this.hideTooltip();
    const shrink = Math.min(1, Math.max(0.7, this.size.width / WIDTH));

    const costs = data.sites.map((s) => s.costPerMillionTokens).filter((c): c is number => c !== null);
    const range: [number, number] = costs.length ? [Math.min(...costs), Math.max(...costs)] : [0, 1];
    const maxSize = Math.max(1, ...data.sites.map((s) => s.sizeTokensPerSecond));
    const maxDemand = Math.max(1, ...data.regions.map((r) => r.demandTokensPerSecond));
    const markers: Marker[] = [];
    // largest first, so small circles are drawn over large ones
    for (const site of [...data.sites].sort((a, b) => b.sizeTokensPerSecond - a.sizeTokensPerSecond)) {
      const radius = (3 + 11 * Math.sqrt(site.sizeTokensPerSecond / maxSize)) * shrink;
      const glyph = el('circle', {
        cx: 0,
        cy: 0,
        r: radius.toFixed(1),
        fill: colourFor(site.costPerMillionTokens, range),
        class: 'site',
        'aria-label': `Site ${site.code}, ${site.name}: ${usd(site.costPerMillionTokens, 4)} per million tokens`,
      });
      markers.push(this.marker('site', site, radius, glyph, this.layers.sites));
    }
    for (const region of data.regions) {
      const side = (6 + 9 * Math.sqrt(region.demandTokensPerSecond / maxDemand)) * shrink;
      const glyph = el('rect', {
        x: (-side / 2).toFixed(1),
        y: (-side / 2).toFixed(1),
        width: side.toFixed(1),
        height: side.toFixed(1),
        class: 'region',
        'aria-label': `Region ${region.code}, ${region.name}: demand ${tokensPerSecond(region.demandTokensPerSecond)}`,
      });
      markers.push(this.marker('region', region, side / 2, glyph, this.layers.regions));
    }
    this.markers = markers;
    const again = markers.findIndex((m) => m.code === previous);
    this.setActive(again >= 0 ? again : 0);
    this.renderLegend(range, data.sizeLabel, data.colourLabel);
    this.layout();
  }

  private marker(
    kind: 'site' | 'region',
    item: MapSite | MapRegion,
    radius: number,
    glyph: SVGElement,
    layer: SVGGElement,
  ): Marker {
    const [x, y] = projection([item.longitude, item.latitude]) ?? [0, 0];
    const group = el('g', { class: `marker ${kind}-marker` }, layer);
    const hit = el(
      'circle',
      { class: 'hit', r: Math.max(MIN_HIT_PX / 2, radius + 2), 'data-hit-for': item.code },
      group,
    );
    group.append(glyph);
    glyph.setAttribute('role', 'button');
    glyph.setAttribute('tabindex', '-1');
    glyph.dataset.code = item.code;
    glyph.dataset.kind = kind;
    const leader = el('line', { class: 'leader' }, this.layers.leaders);
    return {
      kind,
      code: item.code,
      base: [x, y],
      radius,
      glyph,
      group,
      hit,
      leader,
      tooltip: item.tooltip,
      screen: { x, y },
    };
  }

  private resize(): void {
    const width = this.container.clientWidth || WIDTH;
    const height = this.container.clientHeight || (width * HEIGHT) / WIDTH;
    if (width === this.size.width && height === this.size.height && this.svg.hasAttribute('viewBox')) return;
    this.size = { width, height };
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.zoomBehavior
      .extent([
        [0, 0],
        [width, height],
      ])
      .translateExtent([
        [0, 0],
        [width, height],
      ]);
    if (this.data) this.render(this.data);
  }

  /** screen position of a point of the drawing at the current zoom */
  private toScreen([x, y]: [number, number]): Point {
    const scale = this.size.width / WIDTH;
    const [sx, sy] = this.transform.apply([x * scale, y * scale]);
    return { x: sx, y: sy };
  }

  /** Places markers, leaders and labels for the current zoom. */
  private layout(): void {
    const scale = this.size.width / WIDTH;
    const { x, y, k } = this.transform;
    this.geo.setAttribute('transform', `translate(${x},${y}) scale(${k * scale})`);
    const exact = this.markers.map((m) => this.toScreen(m.base));
    const spread = spreadApart(exact, MIN_SEPARATION_PX);
    this.markers.forEach((marker, i) => {
      const at = spread[i]!;
      const from = exact[i]!;
      marker.screen = at;
      marker.group.setAttribute('transform', `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`);
      const moved = Math.hypot(at.x - from.x, at.y - from.y) > 2;
      marker.leader.setAttribute('visibility', moved ? 'visible' : 'hidden');
      marker.leader.setAttribute('x1', from.x.toFixed(1));
      marker.leader.setAttribute('y1', from.y.toFixed(1));
      marker.leader.setAttribute('x2', at.x.toFixed(1));
      marker.leader.setAttribute('y2', at.y.toFixed(1));
    });
    this.container.dataset.zoom = k.toFixed(3);
    this.svg.style.touchAction = k > 1 ? 'none' : 'pan-y';
    this.drawLabels();
    if (this.pinned === null) this.hideTooltip();
  }

  private drawLabels(): void {
    const order = this.markers
      .map((marker, index) => ({ marker, index }))
      .sort(
        (a, b) =>
          Number(this.isSelected(b.marker)) - Number(this.isSelected(a.marker)) || b.marker.radius - a.marker.radius,
      );
    const placed = placeLabels(
      order.map(({ marker }) => ({ text: marker.code, x: marker.screen.x, y: marker.screen.y, radius: marker.radius })),
      { fontSize: LABEL_FONT_PX, charWidth: LABEL_FONT_PX * 0.7, bounds: this.size },
    );
    this.layers.labels.replaceChildren();
    for (const label of placed) {
      const marker = order[label.index]!.marker;
      const text = el(
        'text',
        {
          x: label.x.toFixed(1),
          y: label.y.toFixed(1),
          'text-anchor': label.anchor,
          class: `label ${marker.kind}-label`,
          'data-code': marker.code,
        },
        this.layers.labels,
      );
      text.textContent = marker.code;
    }
  }

  private isSelected(marker: SelectedMarker): boolean {
    return this.selected?.kind === marker.kind && this.selected.code === marker.code;
  }

  private drawFlows(): void {
    const layer = this.layers.flows;
    layer.replaceChildren();
    const data = this.data;
    if (!data) return;
    const limitValue = this.flowLimit.value;
    const shown = shownFlows(data.flows, {
      limit: limitValue === 'all' ? null : Number(limitValue),
      selected: this.selected,
      comparing: data.comparing,
    });
    const where = (code: string, kind: 'site' | 'region') =>
      (kind === 'site' ? data.sites : data.regions).find((m) => m.code === code);
    const maxFlow = Math.max(1, ...shown.flows.map((f) => Math.abs(f.tokensPerSecond)));
    for (const flow of shown.flows) {
      const from = where(flow.siteCode, 'site');
      const to = where(flow.regionCode, 'region');
      if (!from || !to) continue;
      const d =
        path({
          type: 'LineString',
          coordinates: [
            [from.longitude, from.latitude],
            [to.longitude, to.latitude],
          ],
        } as GeoPermissibleObjects) ?? '';
      const kind = !data.comparing ? 'flow' : flow.tokensPerSecond > 0 ? 'gain' : 'loss';
      const size = tokensPerSecond(Math.abs(flow.tokensPerSecond));
      const tooltip = `<strong>${esc(flow.siteCode)} → ${esc(flow.regionCode)}</strong><br>${
        kind === 'flow' ? `${esc(size)}, mean over the plan` : `${kind === 'gain' ? 'gained' : 'lost'} ${esc(size)}`
      }`;
      el(
        'path',
        {
          d,
          class: `flow ${kind}`,
          'stroke-width': (1 + 6 * Math.sqrt(Math.abs(flow.tokensPerSecond) / maxFlow)).toFixed(2),
          'data-site': flow.siteCode,
          'data-region': flow.regionCode,
          'data-tokens-per-second': flow.tokensPerSecond,
        },
        layer,
      );
      // a wider, invisible twin takes the pointer: thin lines are hard to hover or tap
      el(
        'path',
        { d, class: 'flow-hit', 'data-site': flow.siteCode, 'data-region': flow.regionCode, 'data-tooltip': tooltip },
        layer,
      );
    }
    const note = this.legend.querySelector<HTMLElement>('[data-testid=flow-description]');
    if (note) {
      note.textContent = shown.description;
      note.dataset.shown = String(shown.flows.length);
      note.dataset.total = String(shown.total);
    }
  }

  private markerOf(target: EventTarget | null): Marker | undefined {
    const code = (target as Element | null)?.closest?.('[data-code]')?.getAttribute('data-code');
    const kind = (target as Element | null)?.closest?.('[data-kind]')?.getAttribute('data-kind');
    return this.markers.find((m) => m.code === code && m.kind === kind);
  }

  /** the marker under a pointer event: the nearest centre in reach, else the element itself */
  private markerAt(event: MouseEvent): Marker | undefined {
    const box = this.svg.getBoundingClientRect();
    const at = { x: event.clientX - box.left, y: event.clientY - box.top };
    const index = hitTest(
      at,
      this.markers.map((m) => ({ ...m.screen, hitRadius: Math.max(MIN_HIT_PX / 2, m.radius + 2) })),
    );
    return index >= 0 ? this.markers[index] : this.markerOf(event.target);
  }

  private hover(event: PointerEvent): void {
    const marker = this.markerAt(event);
    this.svg.classList.toggle('over-marker', Boolean(marker));
    if (marker) return this.showTooltip(marker.tooltip, marker.screen);
    const flow = (event.target as Element).closest?.('.flow-hit');
    if (flow) return this.showTooltip(flow.getAttribute('data-tooltip') ?? '', this.pointFrom(event));
    this.hideTooltip();
  }

  private pointFrom(event: MouseEvent): Point {
    const box = this.svg.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  private click(event: MouseEvent): void {
    const marker = this.markerAt(event);
    const touch = this.lastPointer !== 'mouse';
    this.lastPointer = 'mouse';
    if (!touch) {
      if (marker) this.choose(marker);
      else if (this.selected) this.clearSelection();
      return;
    }
    // a tap shows the figures (and a way to the panel); a second tap or a tap elsewhere closes them
    const flow = marker ? null : (event.target as Element).closest?.('.flow-hit');
    const id = marker ? `${marker.kind}:${marker.code}` : flow ? `flow:${flow.getAttribute('d')}` : null;
    if (id === null || id === this.pinned) return this.hideTooltip();
    if (marker) {
      const details = `<p class="tooltip-actions"><button type="button" data-action="details">Details</button></p>`;
      this.showTooltip(marker.tooltip + details, marker.screen, id);
      this.tooltip
        .querySelector('[data-action=details]')
        ?.addEventListener('click', () => (this.hideTooltip(), this.choose(marker)));
    } else this.showTooltip(flow!.getAttribute('data-tooltip') ?? '', this.pointFrom(event), id);
  }

  private choose(marker: Marker): void {
    this.selected = { kind: marker.kind, code: marker.code };
    for (const m of this.markers) m.glyph.classList.toggle('selected', this.isSelected(m));
    this.setActive(this.markers.indexOf(marker));
    this.drawFlows();
    this.drawLabels();
    if (marker.kind === 'site') this.handlers.onSelectSite(marker.code);
    else this.handlers.onSelectRegion(marker.code);
  }

  /** a click on no marker: back to the largest flows (the panel stays) */
  private clearSelection(): void {
    this.selected = null;
    for (const m of this.markers) m.glyph.classList.remove('selected');
    this.drawFlows();
    this.drawLabels();
  }

  private key(event: KeyboardEvent): void {
    const marker = this.markerOf(event.target);
    if (!marker) return;
    const direction = ARROWS[event.key];
    if (direction) {
      event.preventDefault();
      const next = neighbourInDirection(
        this.markers.map((m) => m.screen),
        this.markers.indexOf(marker),
        direction,
      );
      this.setActive(next);
      this.focusActive();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.choose(marker);
    } else if (event.key === 'Escape') {
      this.hideTooltip();
      this.handlers.onLeave();
    } else if (event.key === '+' || event.key === '=') this.zoomBy(1.6);
    else if (event.key === '-') this.zoomBy(1 / 1.6);
    else if (event.key === '0') this.showView('world');
  }

  /** roving tabindex: the markers are one Tab stop */
  private setActive(index: number): void {
    this.markers[this.active]?.glyph.setAttribute('tabindex', '-1');
    this.active = Math.max(0, Math.min(index, this.markers.length - 1));
    this.markers[this.active]?.glyph.setAttribute('tabindex', '0');
  }

  private focusActive(): void {
    this.markers[this.active]?.glyph.focus();
  }

  /** a focused marker outside the zoomed view is brought into it */
  private reveal(marker: Marker): void {
    const { x, y } = marker.screen;
    if (x >= 0 && y >= 0 && x <= this.size.width && y <= this.size.height) return;
    const scale = this.size.width / WIDTH;
    this.zoomBehavior.translateTo(this.selection, marker.base[0] * scale, marker.base[1] * scale);
  }

  private zoomBy(factor: number): void {
    this.zoomBehavior.scaleBy(this.selection, factor);
  }

  private showView(id: string): void {
    const bounds = VIEWS[id]?.bounds;
    if (!bounds) return this.zoomBehavior.transform(this.selection, zoomIdentity);
    const scale = this.size.width / WIDTH;
    const [[west, south], [east, north]] = bounds;
    const corners = [
      [west, south],
      [west, north],
      [east, south],
      [east, north],
      [(west + east) / 2, north],
      [(west + east) / 2, south],
    ].map((c) => (projection(c as [number, number]) ?? [0, 0]).map((v) => v * scale) as [number, number]);
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const k = Math.min(16, this.size.width / (x1 - x0), this.size.height / (y1 - y0));
    this.zoomBehavior.transform(
      this.selection,
      zoomIdentity
        .translate(this.size.width / 2, this.size.height / 2)
        .scale(k)
        .translate(-(x0 + x1) / 2, -(y0 + y1) / 2),
    );
  }

  private showTooltip(html: string, at: Point, pin: string | null = null): void {
    this.pinned = pin;
    this.tooltip.innerHTML = html;
    this.tooltip.hidden = false;
    this.tooltip.classList.toggle('pinned', pin !== null);
    if (pin !== null) {
      const close = document.createElement('button');
      close.type = 'button';
      close.className = 'tooltip-close';
      close.setAttribute('aria-label', 'Close');
      close.textContent = '×';
      close.addEventListener('click', () => this.hideTooltip());
      this.tooltip.prepend(close);
    }
    const host = this.container.getBoundingClientRect();
    const wrap = this.tooltip.offsetParent?.getBoundingClientRect() ?? host;
    const width = this.tooltip.offsetWidth;
    const left = host.left - wrap.left + at.x + 14;
    this.tooltip.style.left = `${Math.max(0, Math.min(wrap.width - width - 4, left))}px`;
    this.tooltip.style.top = `${Math.max(0, host.top - wrap.top + at.y - 8)}px`;
  }

  private hideTooltip(): void {
    this.pinned = null;
    this.tooltip.hidden = true;
    this.tooltip.classList.remove('pinned');
  }

  private renderLegend(range: [number, number], sizeLabel: string, colourLabel: string): void {
    const comparing = this.data?.comparing ?? false;
    const description = '<span data-testid="flow-description"></span>';
    const lines = comparing
      ? `Lines: ${description}, <span class="key gain">load gained</span> / <span class="key loss">load lost</span> per site→region; select a marker for all of its flows.`
      : this.data?.flows.length
        ? `Lines: ${description} per site→region, width by tok/s (mean over the plan); select a marker for all of its flows.`
        : `${esc(this.data?.noFlowsText ?? 'Lines: the flows of a plan, once one is shown.')}<span data-testid="flow-description" hidden></span>`;
    const stops = Array.from({ length: 11 }, (_, i) => `${interpolateCividis(i / 10)} ${i * 10}%`).join(', ');
    this.legend.innerHTML = `
      <div class="legend-scale"><span>${esc(usd(range[0], 3))}</span><span class="ramp" style="background: linear-gradient(to right, ${stops})"></span><span>${esc(usd(range[1], 3))}</span></div>
      <div class="legend-note">Colour: ${esc(colourLabel)}. Circles: sites, area by ${esc(sizeLabel)}. Squares: regions, area by demand.
      ${lines}</div>`;
    this.drawFlows();
  }
}
