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

type ModelRule = NonNullable<PlanModel['rule']>;

/** A list of codes, or its count when it is too long to read in a line. */
const codesOrCount = (codes: readonly string[], noun: string) =>
  codes.length <= 5 ? `${noun} ${codes.join(', ')}` : `${codes.length} listed ${noun}`;

/** What a model's deployment rule allows, and which sites that could run it it blocks. */
function ruleLimits(rule: ModelRule): string {
  const blocked = rule.blockedSiteCodes;
  return [
    rule.allowedCountries.length > 0 ? codesOrCount(rule.allowedCountries, 'countries') : null,
    rule.allowedSites.length > 0 ? codesOrCount(rule.allowedSites, 'sites') : null,
    `${blocked.length} site(s) blocked${blocked.length > 0 && blocked.length <= 5 ? ` (${blocked.join(', ')})` : ''}`,
  ]
    .filter((part) => part !== null)
    .join('; ');
}

/** The rule's price in the words of `tokengrid plans show`: null without duals, 0 when no blocked route would pay. */
export function rulePriceText(rule: ModelRule): string {
  if (rule.shadowPricePerMillionTokens === null)
    return 'no price (no dual values: an integer plan or javascript-lp-solver)';
  if (rule.shadowPricePerMillionTokens === 0 || rule.bestBlockedSiteCode === null) return 'costs nothing at the margin';
  return `moving its ${rule.bestBlockedRegionCode ?? ''} demand to ${rule.bestBlockedSiteCode} would save ${usd(rule.shadowPricePerMillionTokens, 4)} per M tok at the margin`;
}

/** "DEEPSEEK-R1 may run only in countries US; 30 site(s) blocked: moving its … would save $0.0278 per M tok" */
export function ruleText(modelCode: string, rule: ModelRule): string {
  return `${modelCode} may run only in ${ruleLimits(rule)}: ${rulePriceText(rule)}.`;
}

/** The price of each model's deployment rule, under the per-model table. */
export function modelRulesHtml(models: readonly PlanModel[]): string {
  const ruled = models.filter((m) => m.rule);
  if (ruled.length === 0) return '';
  return `<ul class="model-rules" data-testid="model-rules">${ruled
    .map(
      (m) =>
        `<li data-model="${esc(m.modelCode)}" data-value="${m.rule!.shadowPricePerMillionTokens ?? ''}" data-best-site="${esc(m.rule!.bestBlockedSiteCode ?? '')}" data-best-region="${esc(m.rule!.bestBlockedRegionCode ?? '')}">Rule: ${esc(ruleText(m.modelCode, m.rule!))}</li>`,
    )
    .join('')}</ul>`;
}

/** A site's cap on the models it hosts: the site's own figure, and with a plan, what the plan does with it. */
export function modelCapHtml(maxModels: number | null, cap: SiteLoad['modelCap'] | null): string {
  if (maxModels === null && !cap) return '';
  const value = cap?.valuePerHour ?? null;
  const text = cap
    ? `hosts ${cap.modelsHosted} of at most ${cap.maxModels} model(s)${
        cap.binds
          ? ` — the cap binds${value === null ? '' : `; one more model here would save ${usd(value, 4)}/h`}`
          : ' — the cap does not bind'
      }`
    : `at most ${maxModels} model(s)`;
  return `<dt>Model cap</dt><dd data-testid="site-model-cap" data-max-models="${cap?.maxModels ?? maxModels ?? ''}" data-models-hosted="${cap?.modelsHosted ?? ''}" data-binds="${cap ? cap.binds : ''}" data-value="${value ?? ''}">${esc(text)}</dd>`;
}
