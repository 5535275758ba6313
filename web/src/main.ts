// The planner's web view: wires the API, the map and the panels together.
import './styles.css';
import { formatAddress, parseAddress } from './address.js';
import { AuthRequired, gql, setApiKey, subscribe } from './api.js';
import { downloadPlan } from './export.js';
import { esc, tokensPerSecond, usd, when } from './format.js';
import { hourlyHtml } from './hourly.js';
import { netFlowChanges, planFlows, type SiteRegionFlow } from './flows.js';
import type { MapData } from './map-data.js';
import { WorldMap } from './map.js';
import { modelLabel, modelMapData, namedModels, noneServedText, ruleText } from './models.js';
import {
  compareRegionPanelHtml,
  compareSitePanelHtml,
  compareSummaryHtml,
  comparingText,
  regionPanelHtml,
  sitePanelHtml,
  summaryHtml,
  type ComparedNames,
} from './panels.js';
import {
  type CapexMode,
  type PlanSolver,
  WebBaseDocument,
  WebDiffDocument,
  WebModelFlowsDocument,
  WebPlanDocument,
  type WebPlanQuery,
  WebPlansDocument,
  WebPlanUpdatedDocument,
  WebRequestPlanDocument,
  type WebPlansQuery,
  WebSweepDocument,
} from './generated/graphql.js';
import { sweepHtml, xAxisLabel, type Sweep } from './sweep.js';
import type { BaseData, Plan, PlanDiff, PlanListItem, PlanStatus } from './queries.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const state: {
  base: BaseData | null;
  plans: PlanListItem[];
  plan: Plan | null;
  selected: { kind: 'site' | 'region'; code: string } | null;
  diff: PlanDiff | null;
  /** the two plans `diff` is between, as the header, summary and panels name them */
  compared: ComparedNames | null;
  /** the model the map is filtered to (null: every model); kept in the address */
  model: string | null;
  /** a model the address named that the plan shown does not: said, not silently dropped */
  missingModel: string | null;
  /** one model's site→region flows, by plan id and model code, as the server aggregates them */
  modelFlows: Map<string, SiteRegionFlow[]>;
  /** the plan sweep shown as a curve (kept in the address) and the recent ones */
  sweep: Sweep | null;
  sweeps: WebPlansQuery['planSweeps']['edges'][number]['node'][];
} = {
  base: null,
  plans: [],
  plan: null,
  selected: null,
  diff: null,
  compared: null,
  model: null,
  missingModel: null,
  modelFlows: new Map(),
  sweep: null,
  sweeps: [],
};

const flowsKey = (planId: string, modelCode: string) => `${planId} ${modelCode}`;

const worldMap = new WorldMap($('map'), $('legend'), $('tooltip'), {
  onSelectSite: (code) => select({ kind: 'site', code }),
  onSelectRegion: (code) => select({ kind: 'region', code }),
  onLeave: () => $('side').focus(),
});

function sites() {
  return state.base?.sites.edges.map((e) => e.node) ?? [];
}

/** The model the map shows: the one chosen, while one plan (not a comparison) is shown. */
function shownModel(): string | null {
  return state.plan && !state.diff ? state.model : null;
}

async function loadModelFlows(planId: string, modelCode: string): Promise<void> {
  const key = flowsKey(planId, modelCode);
  if (state.modelFlows.has(key)) return;
  const data = await gql(WebModelFlowsDocument, { id: planId, modelCode });
  state.modelFlows.set(
    key,
    (data.plan?.siteRegionFlows ?? []).map((f) => ({
      siteCode: f.siteCode,
      regionCode: f.regionCode,
      tokensPerSecond: f.meanTokensPerSecond,
    })),
  );
}

/** The model selector: shown once the plan names models; with the reason when the model chosen has nothing to draw. */
function renderModelFilter(): void {
  const models = namedModels(state.plan);
  $('model-filter').hidden = models.length === 0;
  const select = $('model-select') as HTMLSelectElement;
  const names = new Map(state.base?.models.map((m) => [m.code, m.name]) ?? []);
  select.innerHTML =
    '<option value="">All models</option>' +
    models.map((m) => `<option value="${esc(m.modelCode)}">${esc(modelLabel(m.modelCode, names))}</option>`).join('');
  select.value = state.model ?? '';
  select.disabled = Boolean(state.diff);
  const model = shownModel();
  const note = $('model-note');
  const text = state.diff
    ? 'A comparison shows every model.'
    : state.missingModel
      ? `${state.missingModel} is not in this plan: showing all models.`
      : model && state.plan
        ? noneServedText(state.plan, model)
        : null;
  note.textContent = text ?? '';
  note.hidden = !text;
  note.dataset.kind = state.diff ? 'comparing' : state.missingModel ? 'missing' : text ? 'none-served' : '';
  // the chosen model's deployment rule and its price, beside the filter that shows where it runs
  const rule = model && !state.diff ? state.plan?.models.find((m) => m.modelCode === model)?.rule : null;
  const ruleNote = $('model-rule');
  ruleNote.textContent = rule ? `Rule: ${ruleText(model!, rule)}` : '';
  ruleNote.dataset.value = rule ? String(rule.shadowPricePerMillionTokens ?? '') : '';
  ruleNote.hidden = !rule;
}

function renderMap(): void {
  renderModelFilter();
  const plan = state.plan;
  const model = shownModel();
  // for tests and scripts: the map shows this model (empty: every model)
  document.body.dataset.modelShown = model ?? '';
  if (plan && model) {
    const flows = state.modelFlows.get(flowsKey(plan.id, model)) ?? [];
    worldMap.render(modelMapData(model, plan, sites(), state.base?.demandRegions ?? [], flows));
    return;
  }
  const planSites = new Map(plan?.sites.map((s) => [s.siteCode, s]) ?? []);
  // flows per site→region over the day; a comparison shows the net change of each pair
  const flows = state.diff ? netFlowChanges(state.diff.flows) : plan ? planFlows(plan.regions) : [];
  const data: MapData = {
    sizeLabel: plan ? 'load in the plan' : 'installed capacity',
    colourLabel:
      plan || state.diff
        ? 'cost per million tokens in the plan'
        : 'cost per million tokens on an H100 (standard class, the model with the most demand), before any plan',
    flows,
    comparing: state.diff !== null,
    sites: sites().map((site) => {
      const load = planSites.get(site.code);
      const cost = plan ? (load?.costPerMillionTokens ?? null) : site.costPerMillionTokens;
      return {
        code: site.code,
        name: site.name,
        latitude: site.latitude,
        longitude: site.longitude,
        sizeTokensPerSecond: plan ? (load?.servedTokensPerSecond ?? 0) : site.installedCapacity.tokensPerSecond,
        costPerMillionTokens: cost,
        tooltip: `<strong>${esc(site.code)}</strong> ${esc(site.name)}<br>${
          load
            ? `load ${esc(tokensPerSecond(load.servedTokensPerSecond))}<br>GPU util. ${Math.round(load.utilization * 100)}%, power ${Math.round(load.powerUtilization * 100)}% of cap<br>${esc(usd(load.costPerMillionTokens, 4))} / M tok`
            : `capacity ${esc(tokensPerSecond(site.installedCapacity.tokensPerSecond))}<br>H100 ${esc(usd(site.costPerMillionTokens, 4))} / M tok`
        }<br>${esc(usd(site.pricePerKwh, 4))}/kWh`,
      };
    }),
    regions: (state.base?.demandRegions ?? []).map((region) => {
      const served = plan?.regions.find((r) => r.regionCode === region.code);
      return {
        code: region.code,
        name: region.name,
        latitude: region.latitude,
        longitude: region.longitude,
        demandTokensPerSecond: region.totalTokensPerSecond,
        tooltip: `<strong>${esc(region.code)}</strong> ${esc(region.name)}<br>demand ${esc(tokensPerSecond(region.totalTokensPerSecond))}${
          served
            ? `<br>served ${esc(tokensPerSecond(served.servedTokensPerSecond))}, ${served.sources.length} site(s)<br>unserved ${esc(tokensPerSecond(served.unservedTokensPerSecond))}`
            : ''
        }`,
      };
    }),
  };
  worldMap.render(data);
}

function renderPanel(): void {
  const panel = $('panel');
  const selected = state.selected;
  if (!selected || !state.base) return;
  // while two plans are compared the panel shows the change between them, not a third plan
  const compared = state.diff && state.compared ? { diff: state.diff, names: state.compared } : null;
  if (selected.kind === 'site') {
    const site = sites().find((s) => s.code === selected.code);
    if (site)
      panel.innerHTML = compared
        ? compareSitePanelHtml(site, compared.diff, compared.names)
        : sitePanelHtml(site, state.plan, state.plan?.totals?.costPerMillionTokens ?? null, state.model);
  } else {
    const region = state.base.demandRegions.find((r) => r.code === selected.code);
    if (region)
      panel.innerHTML = compared
        ? compareRegionPanelHtml(region, compared.diff, compared.names)
        : regionPanelHtml(region, state.plan, state.model);
  }
}

function select(selected: { kind: 'site' | 'region'; code: string }): void {
  state.selected = selected;
  renderPanel();
  // on a phone the panel sits below the map: bring it into view
  if (window.matchMedia('(max-width: 900px)').matches) $('side').scrollIntoView({ block: 'start' });
}

function renderSummary(): void {
  const comparing = state.diff && state.compared ? state.compared : null;
  $('summary').innerHTML =
    state.diff && comparing ? compareSummaryHtml(state.diff, comparing) : summaryHtml(state.plan, state.model);
  const current = $('current-plan');
  current.textContent = comparing
    ? comparingText(comparing)
    : state.plan
      ? `plan ${shortName(state.plan)} · ${state.plan.status}`
      : 'no plan selected';
  current.dataset.planId = state.plan?.id ?? '';
  current.dataset.comparing = comparing ? 'true' : '';
  // the hourly view and the exports are one plan's: out of the way while two are compared
  document.body.dataset.comparing = comparing ? 'true' : '';
  for (const id of ['export-csv', 'export-json'])
    ($(id) as HTMLButtonElement).disabled = !state.plan?.totals || Boolean(comparing);
}

/** A plan as the header and the comparison name it: its name and the start of its id. */
function shortName(plan: { id: string; name?: string | null }): string {
  return `${plan.name ?? 'unnamed'} (${plan.id.slice(0, 8)})`;
}

function planLabel(plan: PlanListItem): string {
  return `${plan.name ?? 'unnamed'} · ${plan.id.slice(0, 8)} · ${when(plan.requestedAt)}`;
}

/** The plan picker: recent plans, the one shown selected (added when it is older than the list). */
function renderPicker(): void {
  const picker = $('plan-picker') as HTMLSelectElement;
  const listed = state.plans.map((p) => ({ id: p.id, text: `${planLabel(p)} · ${p.status}` }));
  const shown = state.plan;
  if (shown && !listed.some((p) => p.id === shown.id))
    listed.unshift({ id: shown.id, text: `${shortName(shown)} · ${shown.status}` });
  picker.innerHTML = listed.length
    ? listed.map((p) => `<option value="${esc(p.id)}">${esc(p.text)}</option>`).join('')
    : '<option value="">no plan yet: request one</option>';
  // while two plans are compared the picker says so rather than name a third plan
  const comparing = state.diff && state.compared ? state.compared : null;
  if (comparing) picker.insertAdjacentHTML('afterbegin', `<option value="">${esc(comparingText(comparing))}</option>`);
  else if (!shown && listed.length) picker.insertAdjacentHTML('afterbegin', '<option value="">choose a plan</option>');
  picker.value = comparing ? '' : (shown?.id ?? '');
}

function renderPlans(): void {
  const body = $('plans-table').querySelector('tbody')!;
  // the plan shown is marked, but not while two others are compared
  const current = state.diff ? null : state.plan?.id;
  body.innerHTML = state.plans.length
    ? state.plans
        .map(
          (p) => `<tr data-plan-id="${esc(p.id)}"${current === p.id ? ' class="current-row" aria-current="true"' : ''}>
            <td><button type="button" class="link" data-show="${esc(p.id)}">${esc(p.name ?? 'unnamed')}</button> <code>${esc(p.id.slice(0, 8))}</code></td>
            <td><span class="badge status-${esc(p.status)}">${esc(p.status)}</span></td>
            <td>${esc(p.scenario?.code ?? '')}${p.schedule ? ` ⏲ ${esc(p.schedule.name)}` : ''}</td>
            <td>${esc(when(p.requestedAt))}</td>
            <td class="num">${esc(usd(p.costPerMillionTokens, 4))}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="5">No plans yet: request one above.</td></tr>';
  renderPicker();
  const solved = state.plans.filter((p) => p.status === 'SOLVED' || p.status === 'TIME_LIMIT');
  for (const [id, pick] of [
    ['compare-from', 1],
    ['compare-to', 0],
  ] as const) {
    const selectEl = $(id) as HTMLSelectElement;
    const previous = selectEl.value;
    selectEl.innerHTML = solved.map((p) => `<option value="${esc(p.id)}">${esc(planLabel(p))}</option>`).join('');
    selectEl.value = solved.some((p) => p.id === previous) ? previous : (solved[pick]?.id ?? solved[0]?.id ?? '');
    selectEl.disabled = solved.length < 2;
  }
  // a comparison needs two finished plans: say so rather than offer empty lists
  const compareButton = $('compare-form').querySelector<HTMLButtonElement>('button[type=submit]')!;
  compareButton.disabled = solved.length < 2;
  compareButton.title = solved.length < 2 ? 'needs two solved plans' : '';
}

async function loadPlans(): Promise<void> {
  const data = await gql(WebPlansDocument);
  state.plans = data.plans.edges.map((e) => e.node);
  state.sweeps = data.planSweeps.edges.map((e) => e.node);
  renderPlans();
  renderSweeps();
}

function renderSweeps(): void {
  const list = $('sweeps-list');
  list.innerHTML = state.sweeps.length
    ? state.sweeps
        .map(
          (s) =>
            `<li><a href="#sweep=${esc(s.id)}" data-sweep="${esc(s.id)}">${esc(s.name ?? xAxisLabel(s.parameter))}</a> ` +
            `<code>${esc(s.id.slice(0, 8))}</code> ${esc(s.parameter)} ${esc(s.values.join(', '))} · ${esc(s.status.toLowerCase())} · ${esc(when(s.requestedAt))}</li>`,
        )
        .join('')
    : '<li>No sweeps yet: <code>tokengrid sweep --parameter price-multiplier --values 0.8,1,1.2</code> or the requestPlanSweep mutation.</li>';
}

let sweepTimer: ReturnType<typeof setTimeout> | undefined;

/** The sweep as a curve; read again every few seconds until every point is final. */
async function showSweep(id: string): Promise<void> {
  clearTimeout(sweepTimer);
  const data = await gql(WebSweepDocument, { id });
  const section = $('sweep');
  state.sweep = data.planSweep ?? null;
  section.hidden = false;
  section.innerHTML = state.sweep
    ? sweepHtml(state.sweep)
    : `<h2>Sweep</h2><p class="hint">There is no sweep ${esc(id)}.</p>`;
  writeAddress();
  if (state.sweep && state.sweep.status !== 'FINISHED')
    sweepTimer = setTimeout(() => void guarded(() => showSweep(id)), 2_000);
  // for tests and scripts: the sweep as drawn
  document.body.dataset.sweepShown = `${id} ${state.sweep?.status ?? 'missing'}`;
}

async function showPlan(id: string, loaded?: Promise<WebPlanQuery>): Promise<void> {
  // one request: the plan with its aggregates (the hourly chart's per site × hour load), not its rows
  const data = await (loaded ?? gql(WebPlanDocument, { id }));
  if (!data.plan) return;
  // the model chosen stays when the new plan names it too
  if (state.model && !namedModels(data.plan).some((m) => m.modelCode === state.model)) {
    state.missingModel = state.model;
    state.model = null;
  }
  if (state.model) await loadModelFlows(id, state.model);
  state.plan = data.plan;
  state.diff = null;
  $('compare').innerHTML = '';
  writeAddress();
  renderSummary();
  renderMap();
  renderPanel();
  renderPlans();
  const hourly = $('hourly');
  hourly.hidden = data.plan.options.periods !== 24 || !data.plan.totals;
  hourly.innerHTML = hourly.hidden ? '' : hourlyHtml(data.plan.siteLoadsByPeriod, sites());
  // for tests and scripts: the plan is on the page, summary and chart included
  document.body.dataset.planShown = id;
}

function writeAddress(): void {
  history.replaceState(
    null,
    '',
    formatAddress({
      planId: state.plan?.id ?? null,
      modelCode: state.model,
      ...(state.sweep ? { sweepId: state.sweep.id } : {}),
    }),
  );
}

/** Filters the map to one model (null: every model); the panels and the summary highlight it. */
async function chooseModel(modelCode: string | null): Promise<void> {
  const plan = state.plan;
  if (!plan) return;
  state.missingModel = null;
  if (modelCode && !namedModels(plan).some((m) => m.modelCode === modelCode)) {
    state.missingModel = modelCode;
    modelCode = null;
  }
  if (modelCode) await loadModelFlows(plan.id, modelCode);
  state.model = modelCode;
  writeAddress();
  renderSummary();
  renderMap();
  renderPanel();
}

const FINAL: PlanStatus[] = ['SOLVED', 'INFEASIBLE', 'TIME_LIMIT', 'FAILED', 'CANCELLED'];

function setRequestStatus(text: string, status: string): void {
  const element = $('request-status');
  element.textContent = text;
  element.dataset.status = status;
}

/** Clears the form's field errors (a new request starts clean). */
function clearFieldIssues(form: HTMLFormElement): void {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/**
 * Puts each issue next to the control its path names (`input.options.targetUtilization`
 * → the `targetUtilization` input); answers the issues no control of the form holds.
 */
function showFieldIssues(
  form: HTMLFormElement,
  issues: readonly { path: string; message: string }[],
): { path: string; message: string }[] {
  const unplaced: { path: string; message: string }[] = [];
  for (const issue of issues) {
    const name = issue.path.split('.').at(-1) ?? '';
    const control = form.elements.namedItem(name);
    if (!(control instanceof HTMLInputElement || control instanceof HTMLSelectElement)) {
      unplaced.push(issue);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    const note = document.createElement('span');
    note.className = 'field-error';
    note.dataset.field = name;
    note.textContent = issue.message;
    note.id = `field-error-${name}`;
    control.setAttribute('aria-describedby', note.id);
    control.closest('label')?.append(note);
  }
  return unplaced;
}

async function requestPlan(form: HTMLFormElement): Promise<void> {
  clearFieldIssues(form);
  const fields = new FormData(form);
  const number = (name: string) => Number(fields.get(name));
  const input = {
    name: String(fields.get('name') || '') || null,
    scenario: String(fields.get('scenario') || '') || null,
    options: {
      periods: number('periods'),
      // the form's selects offer the enums' values; the server checks them again
      capexMode: String(fields.get('capexMode')) as CapexMode,
      solver: String(fields.get('solver')) as PlanSolver,
      targetUtilization: number('targetUtilization'),
      carbonPricePerTonne: number('carbonPricePerTonne'),
      allowExpansion: fields.get('allowExpansion') === 'on',
    },
  };
  const button = $('request-button') as HTMLButtonElement;
  button.disabled = true;
  setRequestStatus('requesting…', 'REQUESTING');
  try {
    const { requestPlan: result } = await gql(WebRequestPlanDocument, { input });
    if (result.__typename !== 'MutationRequestPlanSuccess') {
      // each issue beside its field; what names no field of the form goes to the status line
      const unplaced = result.__typename === 'ValidationError' ? showFieldIssues(form, result.issues) : [];
      const why =
        result.__typename === 'ValidationError'
          ? unplaced.length
            ? unplaced.map((i) => `${i.path}: ${i.message}`).join('; ')
            : 'see the fields marked below'
          : result.message;
      setRequestStatus(`refused: ${why}`, 'REFUSED');
      return;
    }
    const id = result.data.id;
    const started = performance.now();
    let status: PlanStatus = result.data.status;
    setRequestStatus(`plan ${id.slice(0, 8)}: ${status}`, status);
    await loadPlans();
    const tick = setInterval(
      () =>
        setRequestStatus(
          `plan ${id.slice(0, 8)}: ${status} · ${((performance.now() - started) / 1000).toFixed(1)} s`,
          status,
        ),
      200,
    );
    try {
      await subscribe(WebPlanUpdatedDocument, { id }, (data) => {
        status = data.planUpdated.status;
        setRequestStatus(
          `plan ${id.slice(0, 8)}: ${status}${data.planUpdated.errorMessage ? ` — ${data.planUpdated.errorMessage}` : ''}`,
          status,
        );
        void loadPlans();
      }).done;
    } finally {
      clearInterval(tick);
    }
    setRequestStatus(
      `plan ${id.slice(0, 8)}: ${status} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      status,
    );
    await loadPlans();
    if (FINAL.includes(status)) await showPlan(id);
  } finally {
    button.disabled = false;
  }
}

async function compare(form: HTMLFormElement): Promise<void> {
  const fields = new FormData(form);
  const from = String(fields.get('from') ?? '');
  const to = String(fields.get('to') ?? '');
  const target = $('compare');
  if (!from || !to) {
    target.textContent = 'Two solved plans are needed.';
    return;
  }
  const data = await gql(WebDiffDocument, { from, to });
  const diff = data.plan?.diff;
  if (!diff) {
    target.textContent = 'These plans cannot be compared (no solution).';
    return;
  }
  const name = (id: string) => shortName(state.plans.find((p) => p.id === id) ?? { id });
  state.diff = diff;
  state.compared = { from: name(from), to: name(to) };
  // the changes themselves go in the summary; here, what is shown and the way back
  target.innerHTML = `<p>Showing the change, ${esc(comparingText(state.compared))}, on the map, in the summary and in the panel. <button type="button" id="compare-close">Back to the plan shown</button></p>`;
  renderSummary();
  renderPlans();
  renderMap();
  renderPanel();
  $('compare-close').addEventListener('click', () => {
    state.diff = null;
    state.compared = null;
    target.innerHTML = '';
    renderSummary();
    renderPlans();
    renderMap();
    renderPanel();
  });
}

async function exportPlan(kind: 'csv' | 'json'): Promise<void> {
  if (state.plan) await downloadPlan(state.plan.id, kind);
}

/** Runs an action; a 401 asks for a key and runs `retry` once it is given. */
function guarded(action: () => Promise<void>, retry: () => Promise<void> = action): Promise<void> {
  return action().catch((error: unknown) => {
    if (error instanceof AuthRequired) {
      const form = $('key-form');
      $('key-reason').textContent =
        error.reason === 'missing' ? 'This server needs an API key.' : `The API key was refused (${error.reason}).`;
      form.hidden = false;
      $('key-input').focus();
      pendingRetry = retry;
      return;
    }
    $('request-status').textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
    console.error(error);
  });
}

let pendingRetry: (() => Promise<void>) | null = null;

/** A key that may not request plans gets the form disabled, saying why, instead of a refusal on submit. */
function applyRole(me: BaseData['me']): void {
  const fields = $('request-fields') as HTMLFieldSetElement;
  const note = $('request-role');
  fields.disabled = !me.canRequestPlans;
  note.hidden = me.canRequestPlans;
  note.textContent = me.canRequestPlans
    ? ''
    : `This API key (${me.keyName ?? 'unnamed'}, role ${me.role.toLowerCase()}) may read plans but not request them: that needs a planner or admin key.`;
}

async function init(): Promise<void> {
  const address = parseAddress(location.hash);
  const wanted = address.planId;
  state.model = address.modelCode;
  // the plan the address names is asked for with the data and the plan list, not after them
  const named = wanted ? gql(WebPlanDocument, { id: wanted }) : undefined;
  const [base] = await Promise.all([gql(WebBaseDocument), loadPlans(), named]);
  state.base = base;
  applyRole(base.me);
  const scenarioSelect = $('scenario-select') as HTMLSelectElement;
  scenarioSelect.innerHTML =
    '<option value="">none (stored data)</option>' +
    base.scenarios.edges
      .map((e) => `<option value="${esc(e.node.code)}">${esc(e.node.code)} — ${esc(e.node.name)}</option>`)
      .join('');
  $('map').dataset.sites = String(base.sites.edges.length);
  renderMap();
  renderPlans();
  const first = wanted ?? state.plans.find((p) => p.status === 'SOLVED')?.id;
  if (first) await showPlan(first, named);
  if (address.sweepId) await showSweep(address.sweepId);
  document.body.dataset.ready = 'true';
}

renderSummary();
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setApiKey(($('key-input') as HTMLInputElement).value, ($('key-remember') as HTMLInputElement).checked);
  ($('key-input') as HTMLInputElement).value = '';
  $('key-form').hidden = true;
  const retry = pendingRetry ?? init;
  pendingRetry = null;
  void guarded(retry);
});
$('request-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void guarded(() => requestPlan(event.currentTarget as HTMLFormElement), init);
});
$('plan-picker').addEventListener('change', (event) => {
  const id = (event.currentTarget as HTMLSelectElement).value;
  // the plan shown while comparing: picking it again ends the comparison too (showPlan clears it)
  if (id && (id !== state.plan?.id || state.diff)) void guarded(() => showPlan(id));
});
// the skip link focuses the controls without replacing the #plan= address
$('skip-controls').addEventListener('click', (event) => {
  event.preventDefault();
  $('plan-controls').focus();
});
$('compare-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void guarded(() => compare(event.currentTarget as HTMLFormElement));
});
$('plans-table').addEventListener('click', (event) => {
  const id = (event.target as HTMLElement).closest<HTMLElement>('[data-show]')?.dataset.show;
  if (id) void guarded(() => showPlan(id));
});
$('export-csv').addEventListener('click', () => void guarded(() => exportPlan('csv')));
$('export-json').addEventListener('click', () => void guarded(() => exportPlan('json')));
$('model-select').addEventListener('change', (event) => {
  const code = (event.currentTarget as HTMLSelectElement).value;
  void guarded(() => chooseModel(code || null));
});
window.addEventListener('hashchange', () => {
  const { planId, modelCode, sweepId } = parseAddress(location.hash);
  if (sweepId && sweepId !== state.sweep?.id) void guarded(() => showSweep(sweepId));
  if (planId && planId !== state.plan?.id) {
    state.model = modelCode;
    void guarded(() => showPlan(planId));
  } else if (modelCode !== state.model) void guarded(() => chooseModel(modelCode));
});
void guarded(init);
