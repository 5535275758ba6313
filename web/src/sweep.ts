// A plan sweep read as a curve: two SVG line charts against the swept
// parameter, cost per million tokens and carbon per million tokens, one point
// per solved plan (a click on a point shows that plan). Pure: data in, markup out.
import type { WebSweepQuery } from './generated/graphql.js';
import { esc, fmt } from './format.js';

export type Sweep = NonNullable<WebSweepQuery['planSweep']>;
type SweepPoint = Sweep['points'][number];

const PARAMETER_WORDS: Record<Sweep['parameter'], { axis: string; unit: string }> = {
  PRICE_MULTIPLIER: { axis: 'Electricity price multiplier', unit: '×' },
  DEMAND_GROWTH: { axis: 'Demand multiplier', unit: '×' },
  LATENCY_BUDGET_MS: { axis: 'RTT budget', unit: 'ms' },
};

export const xAxisLabel = (parameter: Sweep['parameter']) =>
  `${PARAMETER_WORDS[parameter].axis} (${PARAMETER_WORDS[parameter].unit})`;

/** About `count` round tick values covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

interface Series {
  id: string;
  title: string;
  yLabel: string;
  digits: number;
  y: (point: SweepPoint) => number | null | undefined;
}

export const SERIES: Series[] = [
  {
    id: 'cost',
    title: 'Cost per million tokens',
    yLabel: 'USD per million tokens',
    digits: 4,
    y: (p) => p.costPerMillionTokens,
  },
  {
    id: 'carbon',
    title: 'Carbon per million tokens',
    yLabel: 'kg CO₂ per million tokens',
    digits: 4,
    y: (p) => p.carbonKgPerMillionTokens,
  },
];

const W = 460;
const H = 260;
// room on the left for tick labels such as 0.06498 at the narrow-screen font size, then the axis title
const M = { top: 16, right: 16, bottom: 46, left: 88 };

/** The fewest decimals that write every tick exactly (0.2 → 1, 0.25 → 2, 20 → 0). */
function stepDigits(values: number[]): number {
  for (let digits = 0; digits < 6; digits++) {
    const scale = 10 ** digits;
    if (values.every((v) => Math.abs(v * scale - Math.round(v * scale)) < 1e-6)) return digits;
  }
  return 6;
}

/** The padded domain of some values (a flat series gets room around it). */
function domain(values: number[]): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = max > min ? (max - min) * 0.08 : Math.abs(max) * 0.05 || 1;
  return [min - pad, max + pad];
}

/** One chart's SVG: axes with ticks and labels (units named), the line, a circle per solved point. */
export function chartSvg(sweep: Sweep, series: Series): string {
  const points = sweep.points
    .map((p) => ({ p, x: p.value, y: series.y(p) }))
    .filter((d): d is { p: SweepPoint; x: number; y: number } => typeof d.y === 'number' && Number.isFinite(d.y))
    .sort((a, b) => a.x - b.x);
  const label = `${series.title} against ${xAxisLabel(sweep.parameter).toLowerCase()}`;
  if (points.length === 0)
    return `<p class="sweep-empty" data-series="${series.id}">${esc(series.title)}: no plan of the sweep is solved yet.</p>`;
  const [x0, x1] = domain(sweep.values);
  const [y0, y1] = domain(points.map((d) => d.y));
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const xTicks = ticks(x0, x1, 6);
  const yTicks = ticks(y0, y1, 5);
  const xDigits = stepDigits(xTicks);
  const yDigits = stepDigits(yTicks);
  const grid = yTicks
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}"/>` +
        `<text class="tick" x="${M.left - 6}" y="${sy(t)}" text-anchor="end" dominant-baseline="middle">${fmt(t, yDigits)}</text>`,
    )
    .join('');
  const xAxis = xTicks
    .map(
      (t) =>
        `<line class="axis" x1="${sx(t)}" x2="${sx(t)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}"/>` +
        `<text class="tick" x="${sx(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(t, xDigits)}</text>`,
    )
    .join('');
  const path = points.map((d, i) => `${i === 0 ? 'M' : 'L'}${sx(d.x).toFixed(2)},${sy(d.y).toFixed(2)}`).join('');
  const circles = points
    .map(
      (d) =>
        `<a href="#sweep=${esc(sweep.id)}&amp;plan=${esc(d.p.plan.id)}" data-plan="${esc(d.p.plan.id)}">` +
        `<circle class="point" r="5" cx="${sx(d.x)}" cy="${sy(d.y)}" data-value="${d.x}" data-y="${d.y}" tabindex="-1">` +
        `<title>${esc(`${xAxisLabel(sweep.parameter)} ${d.x}: ${fmt(d.y, series.digits)} ${series.yLabel}`)}</title></circle></a>`,
    )
    .join('');
  return `<figure class="sweep-chart" data-series="${series.id}">
  <figcaption>${esc(series.title)}</figcaption>
  <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}" data-testid="sweep-chart-${series.id}">
    ${grid}
    <line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}"/>
    <line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}"/>
    ${xAxis}
    <text class="axis-label" x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">${esc(xAxisLabel(sweep.parameter))}</text>
    <text class="axis-label" transform="translate(13 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(series.yLabel)}</text>
    <path class="line" d="${path}"/>
    ${circles}
  </svg>
</figure>`;
}

/** The sweep section: a heading, what was swept, both charts and the table of figures. */
export function sweepHtml(sweep: Sweep): string {
  const scope = Object.entries(sweep.scope ?? {})
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('; ');
  const rows = sweep.points
    .map(
      (p) =>
        `<tr><td class="num">${p.value}</td><td>${esc(p.status)}</td><td class="num">${fmt(p.costPerMillionTokens, 4)}</td>` +
        `<td class="num">${fmt(p.costPerHour, 2)}</td><td class="num">${fmt(p.carbonKgPerMillionTokens, 4)}</td>` +
        `<td class="num">${fmt(p.unservedTokensPerSecond, 0)}</td></tr>`,
    )
    .join('');
  return `<h2>Sweep${sweep.name ? ` “${esc(sweep.name)}”` : ''}: ${esc(xAxisLabel(sweep.parameter))}</h2>
<p class="hint" data-testid="sweep-status">${esc(sweep.status.toLowerCase())}: ${sweep.pointsFinal} of ${sweep.points.length} plans final${scope ? `; ${esc(scope)}` : ''}${sweep.scenarioCode ? `; scenario ${esc(sweep.scenarioCode)}` : ''}. A point opens its plan.</p>
<div class="sweep-charts">${SERIES.map((s) => chartSvg(sweep, s)).join('')}</div>
<div class="table-wrap"><table class="sweep-table" data-testid="sweep-table">
  <thead><tr><th scope="col" class="num">Value (${esc(PARAMETER_WORDS[sweep.parameter].unit)})</th><th scope="col">Status</th><th scope="col" class="num">$/M tok</th><th scope="col" class="num">$/h</th><th scope="col" class="num">kg CO₂/M tok</th><th scope="col" class="num">Unserved tok/s</th></tr></thead>
  <tbody>${rows}</tbody>
</table></div>`;
}
