// The plan by model as the page shows it: which models a plan names (none when
// it plans only the implied DEFAULT model, and the page then looks as it did
// before models), the map filtered to one model, why a model has nothing to
// draw, and the per-model rows of the site and region panels.
import type { SiteRegionFlow } from './flows.js';
import { esc, fmt, tokensPerSecond, usd } from './format.js';
import type { MapData } from './map-data.js';
import { UNSERVED_REASON_WORDS as REASON_WORDS } from '../../src/plans/unserved-reason-words.js';
import type { Plan, Region, Site, UnservedReason } from './queries.js';

/** the model data without models is planned for (see the README, "Several models") */
export const DEFAULT_MODEL = 'DEFAULT';

export type PlanModel = Plan['models'][number];
type SiteLoad = Plan['sites'][number];
type RegionServed = Plan['regions'][number];

/** The models a plan names; empty when it plans only DEFAULT. */
export function namedModels(plan: Plan | null): PlanModel[] {
  const models = plan?.models ?? [];
  return models.length === 1 && models[0]!.modelCode === DEFAULT_MODEL ? [] : models;
}

/** "CODE — name" when the data gives the model a name of its own */
export function modelLabel(code: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(code);
  return name && name !== code ? `${code} — ${name}` : code;
}

/**
 * Why a model has no load to draw, or null when it has some: no demand, or
 * its demand left unserved with the reasons (largest first) and the first
 * explanation the plan gives.
 */
export function noneServedText(plan: Plan, modelCode: string): string | null {
  const model = plan.models.find((m) => m.modelCode === modelCode);
  if (!model) return `${modelCode} is not in this plan.`;
  if (model.servedTokensPerSecond > 0) return null;
  if (!(model.demandTokensPerSecond > 0)) return `${modelCode}: none served — the plan has no demand for it.`;
  const rows = plan.unserved.filter((u) => u.modelCode === modelCode);
  const sums = new Map<UnservedReason, number>();
  for (const u of rows) sums.set(u.reason, (sums.get(u.reason) ?? 0) + u.unservedTokensPerSecond);
  const reasons = [...sums]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([reason, value]) => `${REASON_WORDS[reason] ?? reason} (${tokensPerSecond(value)})`);
  const explanation = rows.find((u) => u.explanation)?.explanation;
  return `${modelCode}: none served — its ${tokensPerSecond(model.demandTokensPerSecond)} of demand is left unserved${
    reasons.length ? `: ${reasons.join(', ')}` : ''
  }.${explanation ? ` ${explanation.charAt(0).toUpperCase()}${explanation.slice(1)}${explanation.endsWith('.') ? '' : '.'}` : ''}`;
}

/** The map for one model: its flows, sites sized and coloured by its load and cost there, regions by its demand. */
export function modelMapData(
  modelCode: string,
  plan: Plan,
  sites: readonly Site[],
  regions: readonly Region[],
  flows: SiteRegionFlow[],
): MapData {
  const siteLoads = new Map(plan.sites.map((s) => [s.siteCode, s.models.find((m) => m.modelCode === modelCode)]));
  const regionRows = new Map(plan.regions.map((r) => [r.regionCode, r.models.find((m) => m.modelCode === modelCode)]));
  return {
    sizeLabel: `${modelCode}'s load in the plan`,
    colourLabel: `${modelCode}'s cost per million tokens at each site (grey: serves none of it)`,
    flows,
    comparing: false,
    noFlowsText: `Lines: none, no load of ${modelCode} is served (the note above the map says why).`,
    sites: sites.map((site) => {
      const load = siteLoads.get(site.code);
      return {
        code: site.code,
        name: site.name,
        latitude: site.latitude,
        longitude: site.longitude,
        sizeTokensPerSecond: load?.servedTokensPerSecond ?? 0,
        costPerMillionTokens: load?.costPerMillionTokens ?? null,
        tooltip: `<strong>${esc(site.code)}</strong> ${esc(site.name)}<br>${esc(modelCode)}: ${
          load
            ? `${esc(tokensPerSecond(load.servedTokensPerSecond))}<br>${load.gpus
                .map((g) => `${esc(g.gpuTypeCode)} ${esc(fmt(g.gpusBusy, 1))} GPUs`)
                .join(', ')}<br>${esc(usd(load.costPerMillionTokens, 4))} / M tok`
            : 'none served here'
        }`,
      };
    }),
    regions: regions.map((region) => {
      const row = regionRows.get(region.code);
      return {
        code: region.code,
        name: region.name,
        latitude: region.latitude,
        longitude: region.longitude,
        demandTokensPerSecond: row?.demandTokensPerSecond ?? 0,
        tooltip: `<strong>${esc(region.code)}</strong> ${esc(region.name)}<br>${esc(modelCode)}: ${
          row
            ? `demand ${esc(tokensPerSecond(row.demandTokensPerSecond))}<br>served ${esc(tokensPerSecond(row.servedTokensPerSecond))}<br>unserved ${esc(tokensPerSecond(row.unservedTokensPerSecond))}`
            : 'no demand here'
        }`,
      };
    }),
  };
}

const highlight = (code: string, selected: string | null) =>
  code === selected ? ' class="current-row" aria-current="true"' : '';

/** its GPUs by type: busy (mean), replicas at the peak (whole in integer plans, GPUs ÷ replica size in LP plans) */
function gpuCell(gpus: SiteLoad['models'][number]['gpus']): string {
  return gpus
    .map((g) => {
      const replicas =
        g.peakReplicas != null
          ? `${fmt(g.peakReplicas, 0)} × ${g.gpusPerReplica}`
          : `${fmt(g.peakGpusBusy / g.gpusPerReplica, 1)} × ${g.gpusPerReplica}`;
      return `<span class="gpu-line" data-gpu="${esc(g.gpuTypeCode)}" data-gpus-busy="${g.gpusBusy}" data-peak-replicas="${g.peakReplicas ?? ''}" data-gpus-per-replica="${g.gpusPerReplica}">${esc(g.gpuTypeCode)} ${esc(fmt(g.gpusBusy, 1))} · ${esc(replicas)}</span>`;
    })
    .join('');
}

/** A site's load by model (the plan names models), the model the map shows highlighted. */
export function siteModelsHtml(load: SiteLoad, selected: string | null): string {
  const missing =
    selected && !load.models.some((m) => m.modelCode === selected)
      ? `<p class="note" data-testid="site-model-none">This site serves none of ${esc(selected)}.</p>`
      : '';
  const rows = load.models
    .map(
      (m) => `<tr data-testid="site-model-row" data-model="${esc(m.modelCode)}"${highlight(m.modelCode, selected)}>
        <th scope="row">${esc(m.modelCode)}</th>
        <td class="num" data-value="${m.servedTokensPerSecond}">${esc(tokensPerSecond(m.servedTokensPerSecond))}</td>
        <td class="gpus">${gpuCell(m.gpus)}</td>
        <td class="num" data-value="${m.costPerMillionTokens ?? ''}">${esc(usd(m.costPerMillionTokens, 4))}</td></tr>`,
    )
    .join('');
  return `<h3>By model</h3>${missing}
    <div class="table-wrap"><table data-testid="site-models"><thead><tr><th scope="col">Model</th><th scope="col" class="num">served</th><th scope="col">GPUs · replicas × size</th><th scope="col" class="num">$/M tok</th></tr></thead><tbody>${rows}</tbody></table></div>
    <p class="note">GPUs: held, mean over the day; replicas: at the busiest hour, × the GPUs of one. $/M tok: the energy, carbon price and capex of the GPUs the model holds here, per million of its tokens served here (egress is in the plan's table).${
      load.models.some((m) => m.gpus.some((g) => g.peakReplicas == null))
        ? ' An LP plan holds fractional GPUs: its replicas are the peak GPUs over the replica size.'
        : ''
    }</p>`;
}

/** A region's demand by model (the plan names models), the model the map shows highlighted. */
export function regionModelsHtml(served: RegionServed, selected: string | null): string {
  const missing =
    selected && !served.models.some((m) => m.modelCode === selected)
      ? `<p class="note" data-testid="region-model-none">This region has no demand for ${esc(selected)}.</p>`
      : '';
  const rows = served.models
    .map(
      (m) => `<tr data-testid="region-model-row" data-model="${esc(m.modelCode)}"${highlight(m.modelCode, selected)}>
        <th scope="row">${esc(m.modelCode)}</th>
        <td class="num" data-value="${m.demandTokensPerSecond}">${esc(tokensPerSecond(m.demandTokensPerSecond))}</td>
        <td class="num" data-value="${m.servedTokensPerSecond}">${esc(tokensPerSecond(m.servedTokensPerSecond))}</td>
        <td class="num${m.unservedTokensPerSecond > 0 ? ' unserved' : ''}" data-value="${m.unservedTokensPerSecond}">${esc(tokensPerSecond(m.unservedTokensPerSecond))}</td></tr>`,
    )
    .join('');
  return `<h3>By model</h3>${missing}
    <div class="table-wrap"><table data-testid="region-models"><thead><tr><th scope="col">Model</th><th scope="col" class="num">demand</th><th scope="col" class="num">served</th><th scope="col" class="num">unserved</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
