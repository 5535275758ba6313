// The plan summary, the site and region panels and the comparison, as HTML.
// Figures carry data-value with the API's number so tests compare them exactly.
import { esc, fmt, percent, signed, tokensPerSecond, usd, when } from './format.js';
import { priceRangeSentence } from '../../src/plans/range-words.js';
import { UNSERVED_REASON_WORDS } from '../../src/plans/unserved-reason-words.js';
import {
  DEFAULT_MODEL,
  modelCapHtml,
  modelRulesHtml,
  namedModels,
  regionModelsHtml,
  siteModelsHtml,
} from './models.js';
import type { Plan, PlanDiff, Region, Site, UnservedReason } from './queries.js';

function figure(id: string, label: string, value: number | null | undefined, text: string): string {
  return `<div class="figure"><dt>${esc(label)}</dt><dd data-testid="summary-${id}" data-value="${value ?? ''}">${esc(text)}</dd></div>`;
}

/** money only: the unserved penalty is a modelling price, shown beside the unserved demand */
const COST_PARTS = ['energy', 'capex', 'egress', 'carbon'] as const;

/** the same words as the CLI and the webhook; every reason of the schema's enum has its words */
export const REASON_WORDS: Readonly<Record<UnservedReason, string>> = UNSERVED_REASON_WORDS;

/**
 * The plan's first line: cost per hour (money) and, when demand is left
 * unserved, how much and the dominant reasons, as src/plans/headline.ts writes it.
 */
export function headlineText(plan: Plan): string {
  const t = plan.totals;
  if (!t) return plan.errorMessage ? `No plan: ${plan.errorMessage}` : `Plan ${plan.status.toLowerCase()}`;
  const head = `${usd(t.costPerHour.total)}/h for ${tokensPerSecond(t.servedTokensPerSecond)} served`;
  if (!(t.unservedTokensPerSecond > 0)) return `${head}; all demand served`;
  const share = t.demandTokensPerSecond > 0 ? (100 * t.unservedTokensPerSecond) / t.demandTokensPerSecond : 100;
  const sums = new Map<UnservedReason, number>();
  for (const u of plan.unserved) sums.set(u.reason, (sums.get(u.reason) ?? 0) + u.unservedTokensPerSecond);
  const reasons = [...sums].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = reasons
    .slice(0, 3)
    .map(([reason, value]) => `${REASON_WORDS[reason] ?? reason} ${tokensPerSecond(value)}`);
  const more = reasons.length > 3 ? `, … and ${reasons.length - 3} more` : '';
  return `${head}; leaves ${tokensPerSecond(t.unservedTokensPerSecond)} (${share.toFixed(1)}%) of demand unserved${shown.length ? `: ${shown.join(', ')}${more}` : ''}`;
}

/**
 * The plan by model: what each model's tokens cost, served of demand, GPUs. Shown once a plan names a
 * model; data without models plans one model, DEFAULT, and the summary above already says it all.
 */
export function modelTableHtml(plan: Plan, selectedModel: string | null = null): string {
  const models = namedModels(plan);
  if (models.length === 0) return '';
  const replicas = models.some((m) => m.peakReplicas != null);
  const rules = models.some((m) => m.rule);
  const rows = models
    .map(
      (
        m,
      ) => `<tr data-testid="model-row" data-model="${esc(m.modelCode)}"${m.modelCode === selectedModel ? ' class="current-row" aria-current="true"' : ''}>
        <th scope="row">${esc(m.modelCode)}</th>
        <td data-value="${m.costPerMillionTokens ?? ''}">${esc(usd(m.costPerMillionTokens, 4))}</td>
        <td>${esc(tokensPerSecond(m.servedTokensPerSecond))}</td>
        <td${m.unservedTokensPerSecond > 0 ? ' class="unserved"' : ''}>${esc(tokensPerSecond(m.unservedTokensPerSecond))}</td>
        <td>${esc(usd(m.costPerHour.total))}/h</td>
        <td>${esc(fmt(m.tokensPerJoule, 2))}</td>
        <td>${esc(fmt(m.gpusBusy, 1))}</td>
        ${replicas ? `<td>${esc(fmt(m.peakReplicas, 0))}</td>` : ''}
        ${rules ? `<td data-testid="model-rule-price" data-value="${m.rule?.shadowPricePerMillionTokens ?? ''}">${m.rule ? esc(m.rule.shadowPricePerMillionTokens === null ? 'n/a' : usd(m.rule.shadowPricePerMillionTokens, 4)) : 'no rule'}</td>` : ''}
      </tr>`,
    )
    .join('');
  return `<div class="table-wrap"><table class="models" data-testid="model-table">
    <caption>By model: cost per million of its tokens, money only</caption>
    <thead><tr><th scope="col">Model</th><th scope="col">$/M tokens</th><th scope="col">Served</th><th scope="col">Unserved</th><th scope="col">Cost</th><th scope="col">Tokens/J</th><th scope="col">GPUs (mean)</th>${replicas ? '<th scope="col">Replicas (peak)</th>' : ''}${rules ? '<th scope="col" title="USD per million tokens saved by moving demand onto the best route the model’s deployment rule blocks, at the margin">Rule $/M tok</th>' : ''}</tr></thead>
    <tbody>${rows}</tbody></table></div>${modelRulesHtml(models)}`;
}

/** Reserved layout with dashes before a plan is loaded, so nothing shifts when it arrives. */
export function summaryHtml(plan: Plan | null, selectedModel: string | null = null): string {
  const t = plan?.totals ?? null;
  const cost = t?.costPerHour;
  const total = cost ? COST_PARTS.reduce((sum, part) => sum + cost[part], 0) : 0;
  const bar = COST_PARTS.map((part) => {
    const share = cost && total > 0 ? cost[part] / total : 0;
    return `<span class="seg seg-${part}" style="flex-grow:${share}" title="${part} ${esc(usd(cost?.[part]))}/h"></span>`;
  }).join('');
  const legend = COST_PARTS.map(
    (part) =>
      `<li><span class="swatch seg-${part}"></span>${part} <span data-testid="summary-cost-${part}" data-value="${cost?.[part] ?? ''}">${esc(usd(cost?.[part]))}</span>/h</li>`,
  ).join('');
  const served = t && t.demandTokensPerSecond > 0 ? t.servedTokensPerSecond / t.demandTokensPerSecond : null;
  return `
    <h2>Plan summary <span class="badge status-${esc(plan?.status ?? 'NONE')}" data-testid="summary-status">${esc(plan?.status ?? 'no plan')}</span></h2>
    ${plan ? `<p class="headline${t && t.unservedTokensPerSecond > 0 ? ' unserved' : ''}" data-testid="summary-headline">${esc(headlineText(plan))}</p>` : ''}
    <dl class="figures">
      ${figure('costPerMillionTokens', 'Cost per million tokens', t?.costPerMillionTokens, usd(t?.costPerMillionTokens, 4))}
      ${figure('costPerHour', 'Cost per hour', cost?.total, usd(cost?.total))}
      ${figure('tokensPerJoule', 'Tokens per joule', t?.tokensPerJoule, fmt(t?.tokensPerJoule, 3))}
      ${figure('facilityPowerKw', 'Facility power', t?.facilityPowerKw, t ? `${fmt(t.facilityPowerKw / 1000, 2)} MW` : '—')}
      ${figure('carbonKgPerHour', 'Carbon', t?.carbonKgPerHour, t ? `${fmt(t.carbonKgPerHour, 0)} kg/h` : '—')}
      ${figure('servedTokensPerSecond', 'Served', t?.servedTokensPerSecond, t ? `${tokensPerSecond(t.servedTokensPerSecond)} (${percent(served, 1)})` : '—')}
      ${figure(
        'unservedTokensPerSecond',
        'Unserved',
        t?.unservedTokensPerSecond,
        t && t.unserved.penaltyPerHour > 0
          ? `${tokensPerSecond(t.unservedTokensPerSecond)} (penalty ${usd(t.unserved.penaltyPerHour)}/h, not money)`
          : tokensPerSecond(t?.unservedTokensPerSecond),
      )}
      ${figure('gpusBusy', 'GPUs busy / bought', t?.gpusBusy, t ? `${fmt(t.gpusBusy, 1)} / ${fmt(t.gpusAdded, 1)}` : '—')}
    </dl>
    <div class="costbar" role="img" aria-label="Cost per hour split">${bar}</div>
    <ul class="costlegend">${legend}</ul>
    ${plan ? modelTableHtml(plan, selectedModel) : ''}
    <p class="meta" data-testid="summary-meta">
      Solver ${esc(plan?.solver ?? '—')} · model ${esc(fmt(plan?.modelVariables))} variables, ${esc(fmt(plan?.modelConstraints))} constraints, ${esc(fmt(plan?.modelNonzeros))} nonzeros
      · build ${esc(fmt(plan?.buildMs))} ms, solve ${esc(fmt(plan?.solveMs))} ms${plan?.mipGap != null ? ` · gap ${esc(percent(plan.mipGap, 2))}` : ''}
      · periods ${esc(plan?.options.periods ?? '—')}, capex ${esc(plan?.options.capexMode ?? '—')}
      · requested ${esc(when(plan?.requestedAt))}, finished ${esc(when(plan?.finishedAt))}
    </p>
    ${plan?.message ? `<p class="note">${esc(plan.message)}</p>` : ''}
    ${plan?.errorMessage ? `<p class="error">${esc(plan.errorMessage)}</p>` : ''}`;
}

export function sitePanelHtml(
  site: Site,
  plan: Plan | null,
  fleetCostPerMillionTokens: number | null,
  selectedModel: string | null = null,
): string {
  const load = plan?.sites.find((s) => s.siteCode === site.code) ?? null;
  const gpuPrices = plan?.shadowPrices?.gpus.filter((g) => g.siteCode === site.code) ?? [];
  const powerPrice = plan?.shadowPrices?.power.find((p) => p.siteCode === site.code) ?? null;
  const shadow = plan
    ? plan.shadowPrices
      ? gpuPrices.length || powerPrice
        ? `<ul class="shadow" data-testid="shadow-prices">${gpuPrices
            .map((g) =>
              g.basis === 'UNSERVED_DEMAND'
                ? `<li data-gpu="${esc(g.gpuTypeCode)}" data-basis="UNSERVED_DEMAND" data-value="${g.valuePerGpuPerHour}">One more ${esc(g.gpuTypeCode)} here would serve <strong>${esc(tokensPerSecond(g.servesUnservedTokensPerSecond))}</strong> of demand now unserved (penalty avoided ${esc(usd(g.valuePerGpuPerHour, 2))}/h, not money)</li>`
                : `<li data-gpu="${esc(g.gpuTypeCode)}" data-basis="COST" data-value="${g.valuePerGpuPerHour}">One more ${esc(g.gpuTypeCode)} here saves <strong>${esc(usd(g.valuePerGpuPerHour, 2))}/h</strong></li>`,
            )
            .join('')}${
            powerPrice
              ? powerPrice.basis === 'UNSERVED_DEMAND'
                ? `<li data-power data-basis="UNSERVED_DEMAND" data-value="${powerPrice.valuePerKwPerHour}">One more kW of power cap would serve <strong>${esc(tokensPerSecond(powerPrice.servesUnservedTokensPerSecond))}</strong> of demand now unserved (penalty avoided ${esc(usd(powerPrice.valuePerKwPerHour, 2))}/h, not money)</li>`
                : `<li data-power data-basis="COST" data-value="${powerPrice.valuePerKwPerHour}">One more kW of power cap saves <strong>${esc(usd(powerPrice.valuePerKwPerHour, 4))}/h</strong></li>`
              : ''
          }</ul>`
        : '<p data-testid="shadow-prices">No binding GPU or power constraint here: one more GPU would save nothing.</p>'
      : `<p data-testid="shadow-prices">No shadow prices: ${esc(plan.shadowPricesUnavailableReason ?? 'the solver gave none')}</p>`
    : '';
  const priceRange = load?.ranges?.pricePerKwh ?? null;
  const holds = plan
    ? priceRange
      ? `<p data-testid="price-range" data-low="${priceRange.low ?? ''}" data-high="${priceRange.high ?? ''}">${esc(priceRangeSentence(site.code, priceRange))}</p>`
      : `<p data-testid="price-range">No sensitivity ranges: ${esc(plan.rangesUnavailableReason ?? 'this plan has none')}</p>`
    : '';
  const versusFleet =
    load?.costPerMillionTokens != null && fleetCostPerMillionTokens
      ? `${usd(load.costPerMillionTokens, 4)} per million tokens, ${signed(((load.costPerMillionTokens - fleetCostPerMillionTokens) / fleetCostPerMillionTokens) * 100, 1)}% vs the plan's ${usd(fleetCostPerMillionTokens, 4)}`
      : '—';
  return `
    <h2 data-testid="panel-title">Site ${esc(site.code)}</h2>
    <p class="sub">${esc(site.name)} (${esc(site.country)}) · ${esc(usd(site.pricePerKwh, 4))}/kWh · cap ${esc(fmt(site.powerCapKw))} kW · ${esc(fmt(site.installedCapacity.gpus))} GPUs installed${
      site.maxModels != null ? ` · hosts at most ${esc(site.maxModels)} model(s)` : ''
    }</p>
    ${
      plan
        ? load
          ? `<dl class="kv">
              <dt>Load</dt><dd data-testid="site-load" data-value="${load.servedTokensPerSecond}">${esc(tokensPerSecond(load.servedTokensPerSecond))}</dd>
              <dt>GPU utilization</dt><dd>mean <strong data-testid="site-utilization-mean" data-value="${load.meanUtilization}">${esc(percent(load.meanUtilization))}</strong>, peak <strong data-testid="site-utilization-peak" data-value="${load.utilization}">${esc(percent(load.utilization))}</strong> over the day</dd>
              <dt>Power vs cap</dt><dd><meter min="0" max="1" value="${load.powerUtilization}"></meter> ${esc(fmt(load.peakFacilityPowerKw))} / ${esc(fmt(load.powerCapKw))} kW (${esc(percent(load.powerUtilization))})</dd>
              <dt>Cost</dt><dd>${esc(usd(load.costPerHour))}/h · ${esc(versusFleet)}</dd>
              ${modelCapHtml(site.maxModels, load.modelCap ?? null)}
            </dl>
            ${namedModels(plan).length ? siteModelsHtml(load, selectedModel) : ''}
            <h3>Load by class</h3>
            <div class="table-wrap"><table><thead><tr><th scope="col">Class</th><th scope="col" class="num">tok/s</th></tr></thead><tbody>${load.loadByClass
              .map(
                (c) =>
                  `<tr><td>${esc(c.workloadClassCode)}</td><td class="num">${esc(tokensPerSecond(c.tokensPerSecond))}</td></tr>`,
              )
              .join('')}</tbody></table></div>
            <h3>By GPU type</h3>
            <div class="table-wrap"><table data-testid="site-gpus"><thead><tr><th scope="col">GPU</th><th scope="col" class="num">installed</th><th scope="col" class="num">added</th><th scope="col" class="num">busy, mean</th><th scope="col" class="num">busy, peak</th><th scope="col" class="num">util., peak</th></tr></thead><tbody>${load.gpus
              .map(
                (g) =>
                  `<tr data-gpu="${esc(g.gpuTypeCode)}"><td>${esc(g.gpuTypeCode)}</td><td class="num" data-value="${g.installed}">${esc(fmt(g.installed))}</td><td class="num" data-value="${g.gpusAdded}">${esc(fmt(g.gpusAdded, 1))}</td><td class="num" data-value="${g.gpusBusy}">${esc(fmt(g.gpusBusy, 1))}</td><td class="num" data-value="${g.peakGpusBusy}">${esc(fmt(g.peakGpusBusy, 1))}</td><td class="num" data-value="${g.utilization}">${esc(percent(g.utilization))}</td></tr>`,
              )
              .join('')}</tbody></table></div>
            <p class="note">Busy: GPUs held for the load, headroom included; mean over the day and at the type's busiest hour. Util.: peak busy / (installed + added). The site's peak is its types' peaks over all its GPUs.</p>`
          : '<p>This site carries no load in the plan.</p>'
        : `<p>No plan selected: installed capacity ${esc(tokensPerSecond(site.installedCapacity.tokensPerSecond))} (standard class); H100 cost ${esc(usd(site.costPerMillionTokens, 4))} per million tokens.</p>`
    }
    ${plan ? `<h3>Shadow prices</h3>${shadow}<h3>Where this plan holds</h3>${holds}` : ''}`;
}

export function regionPanelHtml(region: Region, plan: Plan | null, selectedModel: string | null = null): string {
  const served = plan?.regions.find((r) => r.regionCode === region.code) ?? null;
  const unserved = plan?.unserved.filter((u) => u.regionCode === region.code) ?? [];
  // data without models is all DEFAULT's: no model column then
  const byModel = region.demand.some((d) => d.model.code !== DEFAULT_MODEL);
  return `
    <h2 data-testid="panel-title">Region ${esc(region.code)}</h2>
    <p class="sub">${esc(region.name)} · ${esc(region.city)} · demand ${esc(tokensPerSecond(region.totalTokensPerSecond))}</p>
    <h3>RTT budget per ${byModel ? 'model and ' : ''}class</h3>
    <div class="table-wrap"><table><thead><tr>${byModel ? '<th scope="col">Model</th>' : ''}<th scope="col">Class</th><th scope="col" class="num">demand</th><th scope="col" class="num">budget</th></tr></thead><tbody>${region.demand
      .map(
        (d) =>
          `<tr${byModel && d.model.code === selectedModel ? ' class="current-row"' : ''}>${byModel ? `<td>${esc(d.model.code)}</td>` : ''}<td>${esc(d.workloadClass.code)}</td><td class="num">${esc(tokensPerSecond(d.tokensPerSecond))}</td><td class="num">${d.effectiveRttBudgetMs === null ? 'none' : `${esc(fmt(d.effectiveRttBudgetMs))} ms`}</td></tr>`,
      )
      .join('')}</tbody></table></div>
    ${
      served
        ? `<h3>Served from</h3>
           <p>${esc(tokensPerSecond(served.servedTokensPerSecond))} of ${esc(tokensPerSecond(served.demandTokensPerSecond))}; RTT weighted ${esc(fmt(served.weightedRttMs, 1))} ms, worst ${esc(fmt(served.worstRttMs, 1))} ms (tightest budget ${esc(fmt(Math.min(...region.demand.map((d) => d.effectiveRttBudgetMs ?? Infinity))))} ms)</p>
           <div class="table-wrap"><table data-testid="region-sources"><thead><tr><th scope="col">Site</th><th scope="col" class="num">tok/s</th><th scope="col" class="num">share</th><th scope="col" class="num">RTT</th></tr></thead><tbody>${served.sources
             .map(
               (s) =>
                 `<tr><td>${esc(s.siteCode)}</td><td class="num">${esc(tokensPerSecond(s.tokensPerSecond))}</td><td class="num">${esc(percent(s.share, 1))}</td><td class="num">${esc(fmt(s.rttMs, 1))} ms</td></tr>`,
             )
             .join('')}</tbody></table></div>
           ${namedModels(plan).length ? regionModelsHtml(served, selectedModel) : ''}`
        : plan
          ? '<p>Not in this plan.</p>'
          : '<p>No plan selected.</p>'
    }
    ${
      unserved.length
        ? `<h3>Unserved</h3><ul>${unserved.map((u) => `<li${u.modelCode === selectedModel ? ' class="current-row"' : ''}>${namedModels(plan).length ? `${esc(u.modelCode)} ` : ''}${esc(u.workloadClassCode)}: ${esc(tokensPerSecond(u.unservedTokensPerSecond))} — <strong data-reason="${esc(u.reason)}">${esc(REASON_WORDS[u.reason] ?? u.reason)}</strong>: ${esc(u.explanation)}</li>`).join('')}</ul>`
        : plan
          ? '<p>All demand served.</p>'
          : ''
    }`;
}

function change(label: string, id: string, value: number | null | undefined, text: string): string {
  return `<tr><th scope="row">${esc(label)}</th><td class="num" data-testid="diff-${id}" data-value="${value ?? ''}">${esc(text)}</td></tr>`;
}

/** The two plans a comparison is between, named alike in the header, the summary and the panels. */
export interface ComparedNames {
  from: string;
  to: string;
}

export const comparingText = (names: ComparedNames): string => `comparing ${names.from} → ${names.to}`;

function comparingHtml(names: ComparedNames): string {
  return `Comparing <strong>${esc(names.from)}</strong> → <strong>${esc(names.to)}</strong>`;
}

/** The summary while two plans are compared: what changed, never a third plan's figures. */
export function compareSummaryHtml(diff: PlanDiff, names: ComparedNames): string {
  return `<h2>Plan comparison <span class="badge" data-testid="summary-status">COMPARING</span></h2>${compareHtml(diff, names)}`;
}

type LoadFlow = PlanDiff['flows'][number];

const MOVED_ROWS = 12;

/** The largest moves as a table (the diff lists them largest first); `other` names each row's two ends. */
function movedTable(flows: readonly LoadFlow[], columns: [string, string], other: (f: LoadFlow) => [string, string]) {
  if (!flows.length) return '<p>No load moved here between the two plans.</p>';
  const more = flows.length - MOVED_ROWS;
  return `<div class="table-wrap"><table data-testid="panel-moved"><thead><tr><th scope="col">${esc(columns[0])}</th><th scope="col">${esc(columns[1])}</th><th scope="col">Class</th><th scope="col" class="num">tok/s</th></tr></thead><tbody>${flows
    .slice(0, MOVED_ROWS)
    .map((f) => {
      const [a, b] = other(f);
      return `<tr><td>${esc(a)}</td><td>${esc(b)}</td><td>${esc(f.workloadClassCode)}</td><td class="num">${esc(tokensPerSecond(f.tokensPerSecond))}</td></tr>`;
    })
    .join('')}</tbody></table></div>${more > 0 ? `<p class="note">… and ${more} smaller moves.</p>` : ''}`;
}

const siteOrUnserved = (code: string | null) => code ?? 'unserved';

export function compareSitePanelHtml(site: Site, diff: PlanDiff, names: ComparedNames): string {
  const change = diff.sites.find((s) => s.siteCode === site.code);
  const moved = diff.flows.filter((f) => f.fromSiteCode === site.code || f.toSiteCode === site.code);
  return `
    <h2 data-testid="panel-title">Site ${esc(site.code)}</h2>
    <p class="comparing" data-testid="panel-comparing">${comparingHtml(names)}</p>
    <p class="sub">${esc(site.name)} (${esc(site.country)}) · ${esc(usd(site.pricePerKwh, 4))}/kWh · cap ${esc(fmt(site.powerCapKw))} kW</p>
    ${
      change
        ? `<dl class="kv">
            <dt>Load</dt><dd data-testid="site-load-change" data-value="${change.tokensPerSecondChange}">${esc(tokensPerSecond(change.fromTokensPerSecond))} → ${esc(tokensPerSecond(change.toTokensPerSecond))} (${esc(signed(change.tokensPerSecondChange, 0))} tok/s)</dd>
            <dt>Cost</dt><dd>${esc(usd(change.fromCostPerHour))}/h → ${esc(usd(change.toCostPerHour))}/h (${esc(signed(change.costPerHourChange))} $/h)</dd>
          </dl>`
        : '<p>This site carries no load in either plan.</p>'
    }
    <h3>Load that moved (${moved.length})</h3>
    ${movedTable(moved, ['Region', 'Moved'], (f) => [
      f.regionCode,
      f.fromSiteCode === site.code ? `to ${siteOrUnserved(f.toSiteCode)}` : `from ${siteOrUnserved(f.fromSiteCode)}`,
    ])}`;
}

export function compareRegionPanelHtml(region: Region, diff: PlanDiff, names: ComparedNames): string {
  const moved = diff.flows.filter((f) => f.regionCode === region.code);
  return `
    <h2 data-testid="panel-title">Region ${esc(region.code)}</h2>
    <p class="comparing" data-testid="panel-comparing">${comparingHtml(names)}</p>
    <p class="sub">${esc(region.name)} · ${esc(region.city)} · demand ${esc(tokensPerSecond(region.totalTokensPerSecond))}</p>
    <h3>Load that moved (${moved.length})</h3>
    ${movedTable(moved, ['From', 'To'], (f) => [siteOrUnserved(f.fromSiteCode), siteOrUnserved(f.toSiteCode)])}`;
}

export function compareHtml(diff: PlanDiff, names: ComparedNames): string {
  const t = diff.totals;
  const moved = diff.sites
    .filter((s) => Math.abs(s.tokensPerSecondChange) > 0.5)
    .sort((a, b) => Math.abs(b.tokensPerSecondChange) - Math.abs(a.tokensPerSecondChange));
  return `
    <p data-testid="diff-heading">${comparingHtml(names)}${diff.unchanged ? ': <strong>unchanged</strong>' : ''}.</p>
    ${
      t
        ? `<div class="table-wrap"><table class="diff-totals"><tbody>
            ${change('Cost per million tokens', 'costPerMillionTokens', t.costPerMillionTokens, t.costPerMillionTokens === null ? '—' : `${signed(t.costPerMillionTokens, 4)} $`)}
            ${change('Cost per hour', 'costPerHour', t.costPerHour.total, `${signed(t.costPerHour.total)} $/h`)}
            ${change('Energy', 'energy', t.costPerHour.energy, `${signed(t.costPerHour.energy)} $/h`)}
            ${change('Capex', 'capex', t.costPerHour.capex, `${signed(t.costPerHour.capex)} $/h`)}
            ${change('Facility power', 'facilityPowerKw', t.facilityPowerKw, `${signed(t.facilityPowerKw, 0)} kW`)}
            ${change('Carbon', 'carbonKgPerHour', t.carbonKgPerHour, `${signed(t.carbonKgPerHour, 0)} kg/h`)}
            ${change('Served', 'servedTokensPerSecond', t.servedTokensPerSecond, `${signed(t.servedTokensPerSecond, 0)} tok/s`)}
            ${change('Unserved', 'unservedTokensPerSecond', t.unservedTokensPerSecond, `${signed(t.unservedTokensPerSecond, 0)} tok/s (penalty ${signed(t.unserved.penaltyPerHour)} $/h, not money)`)}
            ${change('GPUs busy', 'gpusBusy', t.gpusBusy, signed(t.gpusBusy, 1))}
          </tbody></table></div>`
        : ''
    }
    <h3>Sites whose load changed (${moved.length})</h3>
    <div class="table-wrap"><table data-testid="diff-sites"><thead><tr><th scope="col">Site</th><th scope="col" class="num">from</th><th scope="col" class="num">to</th><th scope="col" class="num">change</th><th scope="col" class="num">$/h change</th></tr></thead><tbody>${moved
      .map(
        (s) =>
          `<tr data-site="${esc(s.siteCode)}"><td>${esc(s.siteCode)}</td><td class="num">${esc(tokensPerSecond(s.fromTokensPerSecond))}</td><td class="num">${esc(tokensPerSecond(s.toTokensPerSecond))}</td><td class="num">${esc(tokensPerSecond(s.tokensPerSecondChange))}</td><td class="num">${esc(signed(s.costPerHourChange))}</td></tr>`,
      )
      .join('')}</tbody></table></div>`;
}
