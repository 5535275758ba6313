// The web page around the map, in Chromium: the plan controls come first, a skip
// link reaches them, a comparison names its two plans everywhere, the site panel
// labels mean and peak and agrees with its rows, a viewer key gets the request
// form disabled with the reason, and at phone width targets, text and tables
// stay usable. Screenshots go to test-output/web/page-*.png for a reviewer.
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { cliWorkspace, serve, stop, type CliWorkspace } from '../helpers/cli.js';
import { describeIf } from '../helpers/skip.js';
import { ensureWebBuild, graphqlAt, SCREENSHOTS } from '../helpers/web.js';

// each test opens a page on a real server; on a loaded shared machine that takes tens of seconds
vi.setConfig({ testTimeout: 240_000 });

let workspace: CliWorkspace | undefined;
let server: ChildProcess | undefined;
let url: string;
let browser: Browser | undefined;
/** once the viewer test made keys, the API needs one */
let adminKey: string | null = null;

function api(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  return graphqlAt(url, query, variables, adminKey ?? undefined);
}

async function requestPlan(name: string, options: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const data = await api(
    `mutation($input: RequestPlanInput!) { requestPlan(input: $input) {
      __typename ... on MutationRequestPlanSuccess { data { id status } } } }`,
    { input: { name, options, wait: true } },
  );
  expect(data.requestPlan.data.status).toBe('SOLVED');
  return { id: data.requestPlan.data.id, name };
}

/** How the page names a plan in its header and comparison: name and the start of its id. */
const shortName = (plan: { id: string; name: string }) => `${plan.name} (${plan.id.slice(0, 8)})`;

async function openPage(context: BrowserContext, hash = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${url}/${hash}`);
  // a 24-hour plan loads its allocations page by page: minutes on a loaded shared machine
  await page.locator('body[data-ready=true]').waitFor({ timeout: 120_000 });
  return page;
}

describeIf(hasChromium, 'the web page in Chromium', `${CHROMIUM} is not installed (apt-get install chromium)`, () => {
  let steady: { id: string; name: string };
  let carbon: { id: string; name: string };
  let day: { id: string; name: string };
  let sunk: { id: string; name: string };
  let desktop: BrowserContext;
  /** what a new user sees before any plan exists */
  let firstLook: { options: string[]; compareDisabled: boolean; legend: string };

  beforeAll(async () => {
    ensureWebBuild();
    await mkdir(SCREENSHOTS, { recursive: true });
    workspace = await cliWorkspace('web-page', { from: 'started' });
    const started = await serve(workspace, { LOG_LEVEL: 'warn' });
    server = started.child;
    url = started.url;
    browser = await launchChromium();
    desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await openPage(desktop);
    firstLook = {
      options: await first.getByTestId('plan-picker').locator('option').allTextContents(),
      compareDisabled: await first.getByTestId('compare-form').getByRole('button', { name: 'Compare' }).isDisabled(),
      legend: await first.locator('.legend-note').innerText(),
    };
    await first.close();
    // the latest (shown first) is a steady plan that no comparison below names
    day = await requestPlan('page day', { periods: 24 });
    steady = await requestPlan('page steady', { periods: 1 });
    carbon = await requestPlan('page carbon', { periods: 1, carbonPricePerTonne: 400 });
    sunk = await requestPlan('page sunk', { periods: 1, capexMode: 'SUNK' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stop(server);
    await workspace?.cleanup();
  });

  it('before any plan: the picker says to request one, Compare is off, the legend says what its colour is', () => {
    expect(firstLook.options).toEqual(['no plan yet: request one']);
    expect(firstLook.compareDisabled).toBe(true);
    expect(firstLook.legend).toContain(
      'Colour: cost per million tokens on an H100 (standard class, the model with the most demand), before any plan',
    );
    expect(firstLook.legend).toContain('Lines: the flows of a plan, once one is shown.');
    expect(firstLook.legend).not.toContain('0 flows');
  });

  it('puts the plan picker and the request form in the first 1280×800 viewport, with a hint of what to do', async () => {
    const page = await openPage(desktop);
    const picker = page.getByTestId('plan-picker');
    const submit = page.getByTestId('request-form').getByRole('button', { name: 'Request plan' });
    for (const [what, locator] of [
      ['picker', picker],
      ['submit', submit],
      ['hint', page.getByTestId('controls-hint')],
    ] as const) {
      const box = (await locator.boundingBox())!;
      expect(box.y + box.height, what).toBeLessThan(800);
    }
    console.log(
      `1280×800: plan picker at y=${Math.round((await picker.boundingBox())!.y)} px, "Request plan" at y=${Math.round((await submit.boundingBox())!.y)} px`,
    );
    expect(await page.getByTestId('controls-hint').textContent()).toMatch(/Choose the plan .* request a new one/);
    // no key configured (open local mode): the form is enabled
    expect(await submit.isEnabled()).toBe(true);
    expect(await page.getByTestId('request-role').isHidden()).toBe(true);
    // the picker lists the recent plans, the latest solved one shown; picking another shows it
    const options = await picker.locator('option').evaluateAll((o) => (o as HTMLOptionElement[]).map((x) => x.value));
    expect(options).toEqual(expect.arrayContaining([steady.id, carbon.id, day.id, sunk.id]));
    expect(await picker.inputValue()).toBe(sunk.id);
    await picker.selectOption(steady.id);
    await expect.poll(() => page.getByTestId('current-plan').getAttribute('data-plan-id')).toBe(steady.id);
    expect(page.url()).toContain(`#plan=${steady.id}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'page-desktop.png') });
    await page.close();
  });

  it('makes a skip link the first Tab stop, and it moves focus to the plan controls', async () => {
    const page = await openPage(desktop, `#plan=${steady.id}`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip-controls');
    expect(await page.getByTestId('skip-controls').isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('plan-controls');
    // the next Tab is the picker, and the address still names the plan
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('plan-picker');
    expect(page.url()).toContain(`#plan=${steady.id}`);
    await page.close();
  });

  it('names both compared plans in the header, the summary and the panel, not the plan shown before', async () => {
    // a third plan is shown when the comparison starts
    const page = await openPage(desktop, `#plan=${sunk.id}`);
    await page.locator('#compare-from').selectOption(steady.id);
    await page.locator('#compare-to').selectOption(carbon.id);
    await page.getByTestId('compare-form').getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('diff-heading').waitFor();
    const header = (await page.getByTestId('current-plan').textContent())!;
    const summary = (await page.getByTestId('summary').textContent())!;
    const expected = `${shortName(steady)} → ${shortName(carbon)}`;
    expect(header).toBe(`comparing ${expected}`);
    expect(summary).toContain(`Comparing ${expected}`);
    for (const text of [header, summary]) expect(text).not.toContain(sunk.name);
    expect(await page.evaluate(() => document.body.dataset.comparing)).toBe('true');
    expect(await page.getByTestId('export-csv').isDisabled()).toBe(true);
    expect(await page.getByTestId('plan-picker').locator('option:checked').textContent()).toBe(`comparing ${expected}`);
    // the panel of the site whose load changed most shows that change between the two
    const { plan } = await api(
      `query($from: ID!, $to: ID!) { plan(id: $to) { diff(against: $from) { sites { siteCode tokensPerSecondChange } } } }`,
      { from: steady.id, to: carbon.id },
    );
    const sites = plan.diff.sites as { siteCode: string; tokensPerSecondChange: number }[];
    const most = sites.sort((a, b) => Math.abs(b.tokensPerSecondChange) - Math.abs(a.tokensPerSecondChange))[0]!;
    expect(Math.abs(most.tokensPerSecondChange)).toBeGreaterThan(0);
    await page.locator(`svg .site[data-code="${most.siteCode}"]`).dispatchEvent('click');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${most.siteCode}`);
    expect(await page.getByTestId('panel-comparing').textContent()).toBe(`Comparing ${expected}`);
    expect(Number(await page.getByTestId('site-load-change').getAttribute('data-value'))).toBe(
      most.tokensPerSecondChange,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'page-compare.png'), fullPage: true });
    // back: the header, summary and panel are the shown plan's again
    await page.locator('#compare-close').click();
    await expect.poll(() => page.getByTestId('current-plan').textContent()).toContain(shortName(sunk));
    expect(await page.getByTestId('panel-comparing').count()).toBe(0);
    expect(await page.getByTestId('summary-status').textContent()).toBe('SOLVED');
    await page.close();
  });

  it("labels the site panel's mean and peak, and its utilization is what its GPU rows give", async () => {
    const { plan } = await api(
      `query($id: ID!) { plan(id: $id) { sites { siteCode servedTokensPerSecond utilization meanUtilization
        gpus { gpuTypeCode installed gpusAdded gpusBusy peakGpusBusy utilization } } } }`,
      { id: day.id },
    );
    type Row = { installed: number; gpusAdded: number; gpusBusy: number; peakGpusBusy: number };
    const site = (plan.sites as { siteCode: string; servedTokensPerSecond: number; gpus: Row[] }[])
      .filter((s) => s.servedTokensPerSecond > 0)
      .sort((a, b) => b.gpus.length - a.gpus.length || b.servedTokensPerSecond - a.servedTokensPerSecond)[0]!;
    const page = await openPage(desktop, `#plan=${day.id}`);
    await page.locator(`svg .site[data-code="${site.siteCode}"]`).dispatchEvent('click');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${site.siteCode}`);
    const headers = await page.getByTestId('site-gpus').locator('th').allTextContents();
    expect(headers).toEqual(['GPU', 'installed', 'added', 'busy, mean', 'busy, peak', 'util., peak']);
    expect(await page.getByTestId('panel').textContent()).toMatch(/GPU utilizationmean \d+%, peak \d+% over the day/);
    // the rows as the page shows them, and the site's figures recomputed from them
    const rows = await page
      .getByTestId('site-gpus')
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td.num')].map((td) => Number(td.getAttribute('data-value')))),
      );
    expect(rows).toHaveLength(site.gpus.length);
    const capacity = rows.reduce((sum, [installed, added]) => sum + installed! + added!, 0);
    const mean = rows.reduce((sum, row) => sum + row[2]!, 0) / capacity;
    const peak = rows.reduce((sum, row) => sum + row[3]!, 0) / capacity;
    const shownPeak = Number(await page.getByTestId('site-utilization-peak').getAttribute('data-value'));
    const shownMean = Number(await page.getByTestId('site-utilization-mean').getAttribute('data-value'));
    expect(shownPeak).toBeCloseTo(peak, 9);
    expect(shownMean).toBeCloseTo(mean, 9);
    // the same as the capacity-weighted mean of the rows' own utilization
    const weighted = rows.reduce((sum, row) => sum + row[4]! * (row[0]! + row[1]!), 0) / capacity;
    expect(shownPeak).toBeCloseTo(weighted, 9);
    expect(await page.getByTestId('site-utilization-peak').textContent()).toBe(`${Math.round(peak * 100)}%`);
    console.log(
      `site panel ${site.siteCode} (${rows.length} GPU types): mean ${(shownMean * 100).toFixed(1)}%, peak ${(shownPeak * 100).toFixed(1)}% over the day, both recomputed from the rows`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'page-site-panel.png'), fullPage: true });
    await page.close();
  });

  it('at 390×844: targets ≥ 24 px tall, text ≥ 11 px as rendered (the hourly chart too), tables scroll whole', async () => {
    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const { plan } = await api(`query($id: ID!) { plan(id: $id) { sites { siteCode servedTokensPerSecond } } }`, {
      id: day.id,
    });
    // the busiest site, so its panel has its tables
    const site = (plan.sites as { siteCode: string; servedTokensPerSecond: number }[]).sort(
      (a, b) => b.servedTokensPerSecond - a.servedTokensPerSecond,
    )[0]!.siteCode;
    const page = await openPage(phone, `#plan=${day.id}`);
    await page.getByTestId('hourly-chart').waitFor();
    await page.locator(`svg .site[data-code="${site}"]`).dispatchEvent('click');
    await page.getByTestId('panel-title').waitFor();
    // outside the map (its markers and labels are checked with it)
    const found = await page.evaluate(() => {
      const outsideMap = (e: Element) => !e.closest('.map-wrap');
      const shown = (e: Element) => {
        const box = e.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && box.right > 0 && e.checkVisibility({ visibilityProperty: true });
      };
      const small = [...document.querySelectorAll('button, input, select, a')]
        .filter((e) => outsideMap(e) && shown(e) && e.getBoundingClientRect().height < 24)
        .map(
          (e) =>
            `${e.tagName} ${e.textContent?.trim().slice(0, 30)}: ${e.getBoundingClientRect().height.toFixed(1)} px`,
        );
      const tiny: string[] = [];
      let svgTexts = 0;
      let smallestSvgPx = Infinity;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || !node.textContent?.trim() || !outsideMap(parent) || !shown(parent)) continue;
        if (parent.closest('title, script, style')) continue;
        let px = Number.parseFloat(getComputedStyle(parent).fontSize);
        const svg = parent.closest('svg');
        if (svg) {
          // SVG text is drawn in viewBox units: rendered size = font-size × the SVG's scale
          const viewBox = svg.viewBox.baseVal;
          if (viewBox && viewBox.width > 0) px *= svg.getBoundingClientRect().width / viewBox.width;
          svgTexts += 1;
          smallestSvgPx = Math.min(smallestSvgPx, px);
        }
        if (px < 11 - 1e-6)
          tiny.push(`${parent.tagName} "${node.textContent.trim().slice(0, 30)}": ${px.toFixed(1)} px`);
      }
      const tables = [...document.querySelectorAll('table')].filter(shown).map((table) => {
        const wrap = table.closest('.table-wrap');
        if (!wrap) return { table: table.className || table.dataset.testid || 'table', wrapped: false, fits: false };
        const before = wrap.scrollLeft;
        wrap.scrollLeft = wrap.scrollWidth;
        const lastHeader = [...table.querySelectorAll('tr')][0]?.lastElementChild?.getBoundingClientRect();
        const wrapBox = wrap.getBoundingClientRect();
        const reachable = !lastHeader || lastHeader.right <= wrapBox.right + 1;
        wrap.scrollLeft = before;
        return {
          table: table.className || table.dataset.testid || 'table',
          wrapped: true,
          fits:
            wrapBox.right <= document.documentElement.clientWidth + 1 &&
            table.getBoundingClientRect().width <= wrap.scrollWidth + 1 &&
            reachable,
        };
      });
      return { small, tiny, tables, svgTexts, smallestSvgPx };
    });
    expect(found.small).toEqual([]);
    expect(found.tiny).toEqual([]);
    expect(found.svgTexts).toBeGreaterThan(3);
    // the plans table, and the site panel's load by class and by GPU type
    expect(found.tables.length).toBeGreaterThanOrEqual(3);
    expect(found.tables.filter((t) => !t.wrapped || !t.fits)).toEqual([]);
    console.log(
      `390×844: hourly chart text at least ${found.smallestSvgPx.toFixed(1)} px as rendered; ${found.tables.length} tables, each whole in its scroll wrapper`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'page-phone.png'), fullPage: true });
    await phone.close();
  });

  it('disables the request form for a viewer key, saying why; planner and admin keys may request', async () => {
    // open local mode (no key yet): the keys are made as admin; from now on every request needs one
    const created = await api(`mutation {
      viewer: createApiKey(input: { name: "page-viewer", role: VIEWER }) { ... on MutationCreateApiKeySuccess { data { key } } }
      planner: createApiKey(input: { name: "page-planner", role: PLANNER }) { ... on MutationCreateApiKeySuccess { data { key } } }
      admin: createApiKey(input: { name: "page-admin", role: ADMIN }) { ... on MutationCreateApiKeySuccess { data { key } } } }`);
    const keys = {
      viewer: created.viewer.data.key as string,
      planner: created.planner.data.key as string,
      admin: created.admin.data.key as string,
    };
    adminKey = keys.admin;
    for (const role of ['viewer', 'planner', 'admin'] as const) {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${url}/#plan=${steady.id}`);
      const keyForm = page.getByTestId('key-form');
      await keyForm.waitFor({ state: 'visible' });
      await keyForm.locator('input[type=password]').fill(keys[role]);
      await keyForm.getByRole('button', { name: 'Use key' }).click();
      await page.locator('body[data-ready=true]').waitFor();
      const submit = page.getByTestId('request-form').getByRole('button', { name: 'Request plan' });
      const note = page.getByTestId('request-role');
      if (role === 'viewer') {
        expect(await submit.isDisabled()).toBe(true);
        expect(await page.getByTestId('request-form').locator('input[name=name]').isDisabled()).toBe(true);
        expect(await note.isVisible()).toBe(true);
        expect(await note.textContent()).toBe(
          'This API key (page-viewer, role viewer) may read plans but not request them: that needs a planner or admin key.',
        );
        // reading still works: the plan is shown
        expect(await page.getByTestId('current-plan').getAttribute('data-plan-id')).toBe(steady.id);
        await page.screenshot({ path: join(SCREENSHOTS, 'page-viewer.png') });
      } else {
        expect(await submit.isEnabled(), role).toBe(true);
        expect(await note.isHidden(), role).toBe(true);
      }
      await context.close();
    }
  });
});
