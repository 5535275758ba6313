// Several models end to end: the seven-model fixtures imported by the CLI into
// a new database, a plan requested over HTTP, read back per model through
// GraphQL, by `tokengrid plans show` and in the web view in Chromium, which
// must all say the same cost per million tokens for each model; the map's model
// filter draws one model's flows, markers and panels as GraphQL gives them; the
// price of a model's deployment rule and a site's cap on models show as
// GraphQL gives them (last: they change the data).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { cliWorkspace, runCli, serve, stop, type CliWorkspace } from '../helpers/cli.js';
import { describeIf } from '../helpers/skip.js';
import { ensureWebBuild, graphqlAt, refuseNonLoopback, SCREENSHOTS } from '../helpers/web.js';

vi.setConfig({ testTimeout: 240_000 });

const SEVEN = join(import.meta.dirname, '../../fixtures');

let workspace: CliWorkspace;
let server: ChildProcess | undefined;
let url: string;
let planId: string;
let models: { modelCode: string; costPerMillionTokens: number | null; servedTokensPerSecond: number }[];

/** One model's flows per site → region from its allocations (GraphQL, 100 a page), mean over the plan's periods. */
async function allocationFlows(id: string, modelCode: string): Promise<Map<string, number>> {
  const flows = new Map<string, number>();
  let after: string | null = null;
  let periods = 1;
  for (;;) {
    const data = await graphqlAt(
      url,
      `query($id: ID!, $after: String, $model: String!) { plan(id: $id) { options
        allocations(first: 100, after: $after, filter: { modelCodes: [$model] }) { pageInfo { hasNextPage endCursor }
          edges { node { siteCode regionCode modelCode tokensPerSecond } } } } }`,
      { id, after, model: modelCode },
    );
    periods = data.plan.options.periods;
    const page = data.plan.allocations;
    for (const { node } of page.edges) {
      expect(node.modelCode).toBe(modelCode);
      const pair = `${node.siteCode}>${node.regionCode}`;
      flows.set(pair, (flows.get(pair) ?? 0) + node.tokensPerSecond);
    }
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return new Map([...flows].filter(([, sum]) => sum > 0).map(([pair, sum]) => [pair, sum / periods]));
}

/** the flows the map draws, by site>region */
async function drawnFlows(page: Page): Promise<Map<string, number>> {
  const lines = await page
    .locator('svg path.flow')
    .evaluateAll((paths) =>
      paths.map((p) => [`${p.getAttribute('data-site')}>${p.getAttribute('data-region')}`, p.dataset.tokensPerSecond]),
    );
  return new Map(lines.map(([pair, value]) => [pair!, Number(value)]));
}

const PLAN_BY_MODEL = `query($id: ID!) { plan(id: $id) {
  sites { siteCode models { modelCode servedTokensPerSecond costPerMillionTokens gpus { gpuTypeCode gpusBusy peakReplicas gpusPerReplica } } }
  regions { regionCode models { modelCode demandTokensPerSecond servedTokensPerSecond unservedTokensPerSecond } }
} }`;

/** the page has no wider content than its window */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

beforeAll(async () => {
  workspace = await cliWorkspace('models-e2e', { from: 'migrated' });
  const imported = await runCli(workspace, ['import', SEVEN]);
  expect(imported.err).toBe('');
  expect(imported.code).toBe(0);
  const started = await serve(workspace, { LOG_LEVEL: 'warn' });
  server = started.child;
  url = started.url;
  const data = await graphqlAt(
    url,
    `mutation { requestPlan(input: { name: "seven models", wait: true }) {
      __typename ... on MutationRequestPlanSuccess { data { id status
        models { modelCode servedTokensPerSecond demandTokensPerSecond costPerMillionTokens gpus { siteCode gpuTypeCode gpusPerReplica } }
      } } } }`,
  );
  const plan = data.requestPlan.data;
  expect(plan.status).toBe('SOLVED');
  planId = plan.id;
  models = plan.models;
}, 240_000);

afterAll(async () => {
  if (server) await stop(server);
  await workspace?.cleanup();
});

describe('the seven-model fixtures through the service', () => {
  it('stores the seven models and plans each, DeepSeek-R1 only on GPU types that can hold it', async () => {
    const data = await graphqlAt(url, '{ models { code architecture paramsTotalB } }');
    const codes = (data.models.nodes ?? data.models).map((m: { code: string }) => m.code);
    expect(codes).toHaveLength(7);
    expect(models.map((m) => m.modelCode)).toEqual([...codes].sort());
    const deepseek = (
      await graphqlAt(
        url,
        `{ plan(id: "${planId}") { models(modelCodes: ["DEEPSEEK-R1"]) { gpus { gpuTypeCode gpusPerReplica } } } }`,
      )
    ).plan.models;
    expect(deepseek).toHaveLength(1);
    const types = new Set(deepseek[0].gpus.map((g: { gpuTypeCode: string }) => g.gpuTypeCode));
    for (const unable of ['H100-SXM', 'L40S', 'A100-SXM', 'ASCEND-910B']) expect(types.has(unable)).toBe(false);
    for (const model of models) expect(model.costPerMillionTokens).toBeGreaterThan(0);
  });

  it('`tokengrid plans show` prints the same cost per million tokens for each model', async () => {
    await stop(server!);
    server = undefined;
    const shown = await runCli(workspace, ['plans', 'show', planId]);
    expect(shown.err).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('By model (7):');
    for (const model of models) {
      const line = shown.out.split('\n').find((l) => l.trimStart().startsWith(`${model.modelCode} `))!;
      expect(line, model.modelCode).toBeDefined();
      expect(line).toContain(`$${model.costPerMillionTokens!.toFixed(4)}`);
    }
    const started = await serve(workspace, { LOG_LEVEL: 'warn' });
    server = started.child;
    url = started.url;
  });
});

describeIf(hasChromium, 'the seven-model plan in the web view', `${CHROMIUM} is not installed`, () => {
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('shows a per-model cost table with the API’s figures, at desktop and phone width', async () => {
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await (await browser.newContext({ viewport })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${url}/#plan=${planId}`);
      await page.locator('body[data-ready=true]').waitFor({ timeout: 120_000 });
      const rows = page.getByTestId('model-row');
      await expect.poll(() => rows.count()).toBe(7);
      for (const model of models) {
        const cell = page.locator(`[data-testid=model-row][data-model="${model.modelCode}"] td`).first();
        expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(model.costPerMillionTokens!, 9);
      }
      const table = page.getByTestId('model-table');
      await table.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `models-${name}.png`), fullPage: false });
      // the table scrolls inside its wrapper on a phone rather than cutting columns
      const wrap = await table.evaluate((el) => {
        const parent = el.parentElement!;
        return { scrollable: getComputedStyle(parent).overflowX, width: parent.clientWidth };
      });
      expect(['auto', 'scroll']).toContain(wrap.scrollable);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
  it('filters the map to one model: its flows, markers, legend and panels as GraphQL gives them, kept in the address', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const refused = await refuseNonLoopback(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${url}/#plan=${planId}`);
    await page.locator('body[data-ready=true]').waitFor({ timeout: 120_000 });
    const select = page.getByLabel('Model', { exact: true });
    await expect.poll(() => select.isVisible()).toBe(true);
    const names = new Map<string, string>(
      (await graphqlAt(url, '{ models { code name } }')).models.map((m: { code: string; name: string }) => [
        m.code,
        m.name,
      ]),
    );
    expect(await select.locator('option').allTextContents()).toEqual([
      'All models',
      ...models.map((m) => `${m.modelCode} — ${names.get(m.modelCode)}`),
    ]);
    await page.getByTestId('flow-limit').selectOption('all');
    const everyModel = await drawnFlows(page);

    // keyboard: the select takes focus and an arrow key picks the next option
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await page.locator(`body[data-model-shown="${models[0]!.modelCode}"]`).waitFor();

    const chosen = 'DEEPSEEK-R1';
    await select.selectOption(chosen);
    await page.locator(`body[data-model-shown="${chosen}"]`).waitFor();
    expect(new URL(page.url()).hash).toBe(`#plan=${planId}&model=${chosen}`);
    const expected = await allocationFlows(planId, chosen);
    expect(expected.size).toBeGreaterThan(0);
    const drawn = await drawnFlows(page);
    expect([...drawn.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [pair, value] of expected)
      expect(Math.abs(drawn.get(pair)! - value), pair).toBeLessThanOrEqual(1e-6 * Math.max(1, value));
    // one model's flows are not every model's
    expect([...drawn.keys()].sort()).not.toEqual([...everyModel.keys()].sort());
    expect(await page.getByTestId('flow-description').textContent()).toBe(`all ${expected.size} flows`);

    // sites are coloured where the model is served, grey elsewhere; the largest circle serves the most of it
    const { plan } = await graphqlAt(url, PLAN_BY_MODEL, { id: planId });
    const servedHere = (site: any) => site.models.find((m: any) => m.modelCode === chosen)?.servedTokensPerSecond ?? 0;
    const serving = plan.sites.filter((s: any) => servedHere(s) > 0);
    const coloured = await page
      .locator('svg circle.site')
      .evaluateAll((circles) => circles.filter((c) => c.getAttribute('fill') !== '#9a9a9a').map((c) => c.dataset.code));
    expect(coloured.sort()).toEqual(serving.map((s: any) => s.siteCode).sort());
    const busiest = [...serving].sort((a: any, b: any) => servedHere(b) - servedHere(a))[0];
    const radii = await page
      .locator('svg circle.site')
      .evaluateAll((circles) => circles.map((c) => [c.dataset.code, Number(c.getAttribute('r'))] as const));
    expect(radii.sort((a, b) => b[1] - a[1])[0]![0]).toBe(busiest.siteCode);
    expect(await page.locator('#legend').textContent()).toContain(`${chosen}'s cost per million tokens`);
    expect(await page.getByTestId('model-note').isHidden()).toBe(true);
    // the summary's model table marks it
    expect(await page.locator('[data-testid=model-row][aria-current=true]').getAttribute('data-model')).toBe(chosen);

    // the site panel (opened from the keyboard): one row per model as PlanSite.models, the chosen one marked
    await page.locator(`svg circle.site[data-code="${busiest.siteCode}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${busiest.siteCode}`);
    const rows = await page.getByTestId('site-model-row').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = tr.querySelectorAll('td');
        return {
          modelCode: tr.getAttribute('data-model'),
          servedTokensPerSecond: Number(cells[0]!.dataset.value),
          costPerMillionTokens: cells[2]!.dataset.value === '' ? null : Number(cells[2]!.dataset.value),
          gpus: [...tr.querySelectorAll<HTMLElement>('.gpu-line')].map((g) => ({
            gpuTypeCode: g.dataset.gpu,
            gpusBusy: Number(g.dataset.gpusBusy),
            peakReplicas: g.dataset.peakReplicas === '' ? null : Number(g.dataset.peakReplicas),
            gpusPerReplica: Number(g.dataset.gpusPerReplica),
          })),
        };
      }),
    );
    expect(rows).toEqual(busiest.models);
    expect(rows.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=site-model-row][aria-current=true]').getAttribute('data-model')).toBe(
      chosen,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'models-filter-desktop.png'), fullPage: true });

    // the choice survives a switch to a region's panel, which has its rows by model too
    const region = plan.regions.find((r: any) =>
      [...expected.keys()].some((pair) => pair.endsWith(`>${r.regionCode}`)),
    );
    await page.locator(`svg rect.region[data-code="${region.regionCode}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Region ${region.regionCode}`);
    expect(await select.inputValue()).toBe(chosen);
    const regionRows = await page.getByTestId('region-model-row').evaluateAll((trs) =>
      trs.map((tr) => {
        const [demand, served, unserved] = [...tr.querySelectorAll('td')].map((td) => Number(td.dataset.value));
        return {
          modelCode: tr.getAttribute('data-model'),
          demandTokensPerSecond: demand,
          servedTokensPerSecond: served,
          unservedTokensPerSecond: unserved,
        };
      }),
    );
    expect(regionRows).toEqual(region.models);
    expect(await page.locator('[data-testid=region-model-row][aria-current=true]').getAttribute('data-model')).toBe(
      chosen,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'models-filter-region-desktop.png'), fullPage: false });

    // the address brings the choice back on a new visit; "All models" takes it out again
    await page.goto(`${url}/#plan=${planId}&model=LLAMA-3.1-8B`);
    await page.reload();
    await page.locator('body[data-ready=true][data-model-shown="LLAMA-3.1-8B"]').waitFor({ timeout: 120_000 });
    expect(await select.inputValue()).toBe('LLAMA-3.1-8B');
    await select.selectOption('');
    await page.locator('body[data-model-shown=""]').waitFor();
    expect(new URL(page.url()).hash).toBe(`#plan=${planId}`);
    await page.getByTestId('flow-limit').selectOption('all');
    expect(await drawnFlows(page)).toEqual(everyModel);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('at 390 px the filter and the per-model panel fit the width', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const refused = await refuseNonLoopback(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${url}/#plan=${planId}&model=DEEPSEEK-R1`);
    await page.locator('body[data-ready=true][data-model-shown="DEEPSEEK-R1"]').waitFor({ timeout: 120_000 });
    const select = page.getByLabel('Model', { exact: true });
    const box = (await select.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height).toBeGreaterThanOrEqual(24);
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'models-filter-phone-map.png') });
    const site = (await page.locator('svg circle.site:not([fill="#9a9a9a"])').first().getAttribute('data-code'))!;
    await page.locator(`svg circle.site[data-code="${site}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${site}`);
    await page.getByTestId('site-models').scrollIntoViewIfNeeded();
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'models-filter-phone-panel.png') });
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a model with no tokens served says so and why, rather than show an empty map', async () => {
    // every GPU type that can hold DeepSeek-R1 taken out: its demand has nowhere to go
    const holders = ['H200-SXM', 'B200', 'GB200', 'H20', 'MI300X', 'MI325X', 'ASCEND-910C'];
    const created = await graphqlAt(
      url,
      `mutation($input: CreateScenarioInput!) { createScenario(input: $input) { __typename } }`,
      {
        input: {
          code: 'NO-DEEPSEEK-GPUS',
          name: 'no GPU for DeepSeek-R1',
          overrides: { unavailableGpuTypes: holders },
        },
      },
    );
    expect(created.createScenario.__typename).toBe('MutationCreateScenarioSuccess');
    const requested = await graphqlAt(
      url,
      `mutation { requestPlan(input: { name: "no deepseek gpus", scenario: "NO-DEEPSEEK-GPUS", wait: true }) {
        ... on MutationRequestPlanSuccess { data { id status models(modelCodes: ["DEEPSEEK-R1"]) { servedTokensPerSecond demandTokensPerSecond }
          unserved { modelCode reason } } } } }`,
    );
    const plan = requested.requestPlan.data;
    expect(plan.status).toBe('SOLVED');
    expect(plan.models[0].servedTokensPerSecond).toBe(0);
    expect(plan.models[0].demandTokensPerSecond).toBeGreaterThan(0);
    expect(plan.unserved.filter((u: any) => u.modelCode === 'DEEPSEEK-R1').map((u: any) => u.reason)).toContain(
      'NO_GPU_FOR_MODEL',
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const refused = await refuseNonLoopback(context);
    const page = await context.newPage();
    await page.goto(`${url}/#plan=${plan.id}&model=DEEPSEEK-R1`);
    await page.locator('body[data-ready=true][data-model-shown="DEEPSEEK-R1"]').waitFor({ timeout: 120_000 });
    const note = page.getByTestId('model-note');
    expect(await note.isVisible()).toBe(true);
    expect(await note.getAttribute('data-kind')).toBe('none-served');
    const text = (await note.textContent())!;
    expect(text).toContain('DEEPSEEK-R1: none served');
    expect(text).toContain('no GPU type that can hold the model');
    expect(await page.locator('svg path.flow').count()).toBe(0);
    expect(await page.locator('#legend').textContent()).toContain('Lines: none, no load of DEEPSEEK-R1 is served');
    await page.screenshot({ path: join(SCREENSHOTS, 'models-none-served.png') });
    // another model of the same plan is drawn, and the note goes
    await page.getByLabel('Model', { exact: true }).selectOption('LLAMA-3.1-8B');
    await page.locator('body[data-model-shown="LLAMA-3.1-8B"]').waitFor();
    expect(await note.isHidden()).toBe(true);
    expect(await page.locator('svg path.flow').count()).toBeGreaterThan(0);
    // an address naming a model the plan does not have says so and shows every model
    await page.goto('about:blank');
    await page.goto(`${url}/#plan=${plan.id}&model=NO-SUCH-MODEL`);
    await page.locator('body[data-ready=true][data-model-shown=""]').waitFor({ timeout: 120_000 });
    expect(await note.textContent()).toBe('NO-SUCH-MODEL is not in this plan: showing all models.');
    expect(new URL(page.url()).hash).toBe(`#plan=${plan.id}`);
    expect(refused).toEqual([]);
    await context.close();
  });

  /** A plan opened in a fresh context at desktop or phone width, every non-loopback request refused. */
  async function openPlan(name: 'desktop' | 'phone', id: string) {
    const context = await browser.newContext(
      name === 'phone'
        ? { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }
        : { viewport: { width: 1280, height: 800 } },
    );
    const refused = await refuseNonLoopback(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${url}/#plan=${id}`);
    await page.locator('body[data-ready=true]').waitFor({ timeout: 120_000 });
    return { context, page, refused, errors };
  }

  it('shows the price of a model’s deployment rule and a site’s model cap as GraphQL gives them, at desktop and 390 px', async () => {
    // Mixtral kept off the site that serves the most of it: a rule with a price (an LP plan, HiGHS: duals)
    const ruled = 'MIXTRAL-8X7B';
    const { plan: before } = await graphqlAt(url, PLAN_BY_MODEL, { id: planId });
    const servedOf = (site: any, code: string) =>
      site.models.find((m: any) => m.modelCode === code)?.servedTokensPerSecond ?? 0;
    const busiest = [...before.sites].sort((a: any, b: any) => servedOf(b, ruled) - servedOf(a, ruled))[0].siteCode;
    const allSites = (await graphqlAt(url, '{ sites(first: 100) { edges { node { code } } } }')).sites.edges.map(
      (e: any) => e.node.code as string,
    );
    const model = (await graphqlAt(url, `{ model(code: "${ruled}") { name vendor } }`)).model;
    const upserted = await graphqlAt(
      url,
      `mutation($input: UpsertModelInput!) { upsertModel(input: $input) { __typename } }`,
      {
        input: {
          code: ruled,
          name: model.name,
          vendor: model.vendor,
          allowedSites: allSites.filter((c: string) => c !== busiest),
        },
      },
    );
    expect(upserted.upsertModel.__typename).toBe('MutationUpsertModelSuccess');
    const RULE_AND_CAP = `models { modelCode rule { blockedSiteCodes shadowPricePerMillionTokens bestBlockedSiteCode bestBlockedRegionCode } }
      sites { siteCode models { modelCode } modelCap { maxModels modelsHosted binds valuePerHour } }`;
    const request = async (name: string) => {
      const data = await graphqlAt(
        url,
        `mutation($input: RequestPlanInput!) { requestPlan(input: $input) { __typename
          ... on MutationRequestPlanSuccess { data { id status ${RULE_AND_CAP} } } ... on Error { message } } }`,
        { input: { name, options: { solver: 'HIGHS' }, wait: true } },
      );
      expect(data.requestPlan.data?.status, JSON.stringify(data.requestPlan)).toBe('SOLVED');
      return data.requestPlan.data;
    };
    const withRule = await request('mixtral rule');
    const rule = withRule.models.find((m: any) => m.modelCode === ruled).rule;
    expect(rule.blockedSiteCodes).toEqual([busiest]);
    expect(rule.shadowPricePerMillionTokens).toBeGreaterThan(0);
    expect(rule.bestBlockedSiteCode).toBe(busiest);
    expect(withRule.models.filter((m: any) => m.rule).map((m: any) => m.modelCode)).toEqual([ruled]);

    for (const name of ['desktop', 'phone'] as const) {
      const { context, page, refused, errors } = await openPlan(name, withRule.id);
      await expect.poll(() => page.getByTestId('model-row').count()).toBe(7);
      // the per-model cost table: a rule column, the price where a rule is, "no rule" elsewhere
      const prices = await page
        .getByTestId('model-rule-price')
        .evaluateAll((tds) =>
          tds.map((td) => [
            td.closest('tr')!.getAttribute('data-model'),
            td.getAttribute('data-value'),
            td.textContent,
          ]),
        );
      expect(prices).toHaveLength(7);
      for (const [code, value, text] of prices) {
        if (code === ruled) expect(Number(value)).toBe(rule.shadowPricePerMillionTokens);
        else expect([value, text]).toEqual(['', 'no rule']);
      }
      const line = page.locator(`[data-testid=model-rules] li[data-model="${ruled}"]`);
      expect(Number(await line.getAttribute('data-value'))).toBe(rule.shadowPricePerMillionTokens);
      expect(await line.getAttribute('data-best-site')).toBe(rule.bestBlockedSiteCode);
      expect(await line.getAttribute('data-best-region')).toBe(rule.bestBlockedRegionCode);
      expect(await line.textContent()).toContain(`to ${busiest} would save $`);
      // the model filter's panel says the chosen model's rule and price
      await page.getByLabel('Model', { exact: true }).selectOption(ruled);
      await page.locator(`body[data-model-shown="${ruled}"]`).waitFor();
      const note = page.getByTestId('model-rule');
      expect(await note.isVisible()).toBe(true);
      expect(Number(await note.getAttribute('data-value'))).toBe(rule.shadowPricePerMillionTokens);
      expect(await note.textContent()).toContain(
        `${ruled} may run only in ${allSites.length - 1} listed sites; 1 site(s) blocked (${busiest})`,
      );
      expect(await overflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `models-rule-filter-${name}.png`) });
      await page.getByTestId('model-rules').scrollIntoViewIfNeeded();
      expect(await overflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `models-rule-table-${name}.png`) });
      // another model has no rule: the note goes
      await page.getByLabel('Model', { exact: true }).selectOption('LLAMA-3.1-8B');
      await page.locator('body[data-model-shown="LLAMA-3.1-8B"]').waitFor();
      expect(await note.isHidden()).toBe(true);
      expect(refused).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }

    // a cap of 2 models at the site that hosts the most: it binds, and a re-solve prices it (a MIP: the rule has
    // no price then)
    const hosting = [...withRule.sites].sort((a: any, b: any) => b.models.length - a.models.length)[0];
    const maxModels = 2;
    expect(hosting.models.length).toBeGreaterThan(maxModels);
    const updated = await graphqlAt(
      url,
      `mutation($input: UpdateSiteInput!) { updateSite(input: $input) { __typename ... on Error { message } } }`,
      { input: { code: hosting.siteCode, maxModels } },
    );
    expect(updated.updateSite.__typename, JSON.stringify(updated)).toBe('MutationUpdateSiteSuccess');
    const capped = await request('capped site');
    const cap = capped.sites.find((s: any) => s.siteCode === hosting.siteCode).modelCap;
    expect(cap).toMatchObject({ maxModels, modelsHosted: maxModels, binds: true });
    expect(cap.valuePerHour).toBeGreaterThanOrEqual(0);
    expect(capped.models.find((m: any) => m.modelCode === ruled).rule.shadowPricePerMillionTokens).toBeNull();

    for (const name of ['desktop', 'phone'] as const) {
      const { context, page, refused, errors } = await openPlan(name, capped.id);
      expect(await page.locator(`[data-testid=model-rule-price]`).filter({ hasText: 'n/a' }).count()).toBe(1);
      await page.locator(`svg circle.site[data-code="${hosting.siteCode}"]`).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${hosting.siteCode}`);
      const shown = page.getByTestId('site-model-cap');
      await shown.scrollIntoViewIfNeeded();
      expect({
        maxModels: Number(await shown.getAttribute('data-max-models')),
        modelsHosted: Number(await shown.getAttribute('data-models-hosted')),
        binds: (await shown.getAttribute('data-binds')) === 'true',
        valuePerHour: Number(await shown.getAttribute('data-value')),
      }).toEqual(cap);
      expect(await shown.textContent()).toContain(
        `hosts ${maxModels} of at most ${maxModels} model(s) — the cap binds`,
      );
      expect(await page.locator('#panel .sub').textContent()).toContain(`hosts at most ${maxModels} model(s)`);
      expect(await overflow(page)).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `models-cap-site-${name}.png`) });
      expect(refused).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
