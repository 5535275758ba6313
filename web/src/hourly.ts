// The hourly view of a 24-period plan: load by site over the UTC day (the
// largest sites stacked, the rest as "others"), the load-weighted electricity
// price and the demand served, as an SVG chart.
import { okabeIto } from './palette.js';
import { esc, fmt, tokensPerSecond, usd } from './format.js';
import type { Site, SitePeriodLoad } from './queries.js';

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 56, right: 56, top: 12, bottom: 28 };
const TOP_SITES = 7;

/** $/kWh of a site in a UTC hour: its local-hour price when it has one, else the flat price. */
function priceAt(site: Site, utcHour: number): number {
  if (site.hourlyPricesPerKwh.length !== 24) return site.pricePerKwh;
  const local = (((utcHour + Math.floor(site.utcOffsetHours)) % 24) + 24) % 24;
  return site.hourlyPricesPerKwh[local] ?? site.pricePerKwh;
}

/** `loads`: the plan's siteLoadsByPeriod (the server sums the allocations per site and hour). */
export function hourlyHtml(loads: SitePeriodLoad[], sites: Site[]): string {
  const bySite = new Map<string, number[]>();
  for (const row of loads) {
    const hours = bySite.get(row.siteCode) ?? Array.from({ length: 24 }, () => 0);
    hours[row.period] = (hours[row.period] ?? 0) + row.tokensPerSecond;
    bySite.set(row.siteCode, hours);
  }
  const ranked = [...bySite.entries()].sort(
    (a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0),
  );
  const series = ranked.slice(0, TOP_SITES).map(([code, hours]) => ({ code, hours }));
  const others = Array.from({ length: 24 }, (_, h) =>
    ranked.slice(TOP_SITES).reduce((sum, [, hours]) => sum + (hours[h] ?? 0), 0),
  );
  if (ranked.length > TOP_SITES) series.push({ code: 'others', hours: others });
  const total = Array.from({ length: 24 }, (_, h) => series.reduce((sum, s) => sum + (s.hours[h] ?? 0), 0));
  const siteByCode = new Map(sites.map((s) => [s.code, s]));
  const price = Array.from({ length: 24 }, (_, h) => {
    let weighted = 0;
    let load = 0;
    for (const [code, hours] of bySite) {
      const site = siteByCode.get(code);
      if (!site || !hours[h]) continue;
      weighted += priceAt(site, h) * hours[h]!;
      load += hours[h]!;
    }
    return load > 0 ? weighted / load : 0;
  });

  const maxLoad = Math.max(1, ...total);
  const minPrice = Math.min(...price);
  const maxPrice = Math.max(...price);
  const x = (h: number) => PAD.left + (h / 23) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - (v / maxLoad) * (HEIGHT - PAD.top - PAD.bottom);
  const yPrice = (p: number) =>
    HEIGHT -
    PAD.bottom -
    (maxPrice > minPrice ? (p - minPrice) / (maxPrice - minPrice) : 0.5) * (HEIGHT - PAD.top - PAD.bottom);

  const base = Array.from({ length: 24 }, () => 0);
  const areas = series.map((s, i) => {
    const lower = [...base];
    s.hours.forEach((v, h) => (base[h] = (base[h] ?? 0) + v));
    const upper = [...base];
    const d = `M${upper.map((v, h) => `${x(h).toFixed(1)},${y(v).toFixed(1)}`).join('L')}L${lower
      .map((v, h) => `${x(h).toFixed(1)},${y(v).toFixed(1)}`)
      .reverse()
      .join('L')}Z`;
    return `<path d="${d}" fill="${okabeIto[i % okabeIto.length]}" fill-opacity="0.85"><title>${esc(s.code)}</title></path>`;
  });
  const line = (values: number[], scale: (v: number) => number) =>
    `M${values.map((v, h) => `${x(h).toFixed(1)},${scale(v).toFixed(1)}`).join('L')}`;
  const ticks = [0, 6, 12, 18, 23]
    .map((h) => `<text x="${x(h)}" y="${HEIGHT - 8}" text-anchor="middle">${h}h</text>`)
    .join('');
  return `
    <h2>Hourly view (UTC)</h2>
    <svg class="hourly" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Load by site over the day, with the load-weighted electricity price and the demand served" data-testid="hourly-chart">
      ${areas.join('')}
      <path d="${line(total, y)}" class="demand-line"><title>demand served</title></path>
      <path d="${line(price, yPrice)}" class="price-line"><title>load-weighted price</title></path>
      <line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}" class="axis" />
      ${ticks}
      <text x="4" y="${PAD.top + 8}">${esc(tokensPerSecond(maxLoad))}</text>
      <text x="${WIDTH - 4}" y="${PAD.top + 8}" text-anchor="end">${esc(usd(maxPrice, 4))}</text>
      <text x="${WIDTH - 4}" y="${HEIGHT - PAD.bottom}" text-anchor="end">${esc(usd(minPrice, 4))}</text>
    </svg>
    <ul class="costlegend">${series.map((s, i) => `<li><span class="swatch" style="background:${okabeIto[i % okabeIto.length]}"></span>${esc(s.code)}</li>`).join('')}
      <li><span class="swatch line demand"></span>demand served (peak ${esc(tokensPerSecond(maxLoad))})</li>
      <li><span class="swatch line price"></span>load-weighted $/kWh (right scale, ${esc(fmt(minPrice, 4))}–${esc(fmt(maxPrice, 4))})</li></ul>`;
}
