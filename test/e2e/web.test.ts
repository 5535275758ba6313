// The planner's web view in a real browser: `tokengrid serve` on a fresh data
// directory (or PostgreSQL database), Debian's Chromium driven by playwright-core.
// Screenshots go to test-output/web/ for a reviewer.
import { priceRangeSentence, type RangeEnds } from '../../src/plans/range-words.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { CHROMIUM, hasChromium } from '../helpers/browser.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIf } from '../helpers/skip.js';
import { allocationCsvLines, graphqlAt, newPage, SCREENSHOTS, startWebApp, type WebApp } from '../helpers/web.js';

let app: WebApp | undefined;
let url: string;
let page: Page;

const api = (query: string, variables: Record<string, unknown> = {}) => graphqlAt(url, query, variables);

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** Requests a plan through the form and waits for the page to show it SOLVED; returns its id. */
async function requestThroughPage(
  name: string,
  options: { carbonPricePerTonne?: number; periods?: 1 | 24 } = {},
): Promise<string> {
  const form = page.getByTestId('request-form');
  await form.locator('input[name=name]').fill(name);
  await form.locator('select[name=periods]').selectOption(String(options.periods ?? 1));
  if (options.carbonPricePerTonne !== undefined)
    await form.locator('input[name=carbonPricePerTonne]').fill(String(options.carbonPricePerTonne));
  return submitAndFollow(form);
}

/** Sends the request form, waits for SOLVED and for the view to follow the new plan; returns its id. */
async function submitAndFollow(form: Locator): Promise<string> {
  const previous = await page.getByTestId('current-plan').getAttribute('data-plan-id');
  await form.getByRole('button', { name: 'Request plan' }).click();
  await page.locator('[data-testid=request-status][data-status=SOLVED]').waitFor({ timeout: 60_000 });
  await page.waitForFunction((old) => {
    const id = document.querySelector<HTMLElement>('[data-testid=current-plan]')?.dataset.planId;
    return Boolean(id) && id !== old;
  }, previous);
  return (await page.getByTestId('current-plan').getAttribute('data-plan-id'))!;
}

describeIf(hasChromium, 'the web app in Chromium', `${CHROMIUM} is not installed (apt-get install chromium)`, () => {
  const planIds: string[] = [];

  beforeAll(async () => {
    app = await startWebApp('web');
    url = app.url;
    page = await newPage(app.browser, { viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  });

  afterAll(() => app?.close());

  it('serves the app at / with its hashed assets cached, and GraphiQL still at /graphql', async () => {
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${url}${script}`);
    expect(asset.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${url}/assets/nothing-here.js`)).status).toBe(404);
    expect(await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text()).toMatch(/graphiql/i);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('loads the 36 fixture sites and 20 regions on the map', async () => {
    const started = Date.now();
    await page.goto(`${url}/`);
    await page.locator('body[data-ready=true]').waitFor();
    const loadMs = Date.now() - started;
    expect(await page.locator('svg circle.site').count()).toBe(36);
    expect(await page.locator('svg rect.region').count()).toBe(20);
    // a figure, not an assertion: about 0.2 s on loopback, and seconds on a loaded shared machine
    console.log(`web view: map ready ${loadMs} ms after navigation`);
    await shot('01-map-before-any-plan');
  });

  it('requests a plan and follows it live to SOLVED', async () => {
    const statuses: string[] = [];
    await page.exposeFunction('recordStatus', (status: string) => statuses.push(status));
    await page.evaluate(() => {
      const element = document.querySelector('[data-testid=request-status]')!;
      new MutationObserver(() => (window as any).recordStatus((element as HTMLElement).dataset.status)).observe(
        element,
        { attributes: true },
      );
    });
    planIds.push(await requestThroughPage('web e2e first'));
    expect(statuses).toContain('SOLVED');
    expect(statuses[0]).toBe('REQUESTING');
    const { plan } = await api(`query($id: ID!) { plan(id: $id) { status name } }`, { id: planIds[0] });
    expect(plan).toEqual({ status: 'SOLVED', name: 'web e2e first' });
    // the map draws the largest 15 of the plan's site→region flows (test/e2e/web-map.test.ts has the rest)
    expect(Number(await page.getByTestId('flow-description').getAttribute('data-total'))).toBeGreaterThan(20);
    expect(await page.locator('svg path.flow').count()).toBe(15);
    await shot('02-plan-solved');
  });

  it('shows the summary figures the API returns for that plan', async () => {
    const { plan } = await api(
      `query($id: ID!) { plan(id: $id) { totals { costPerMillionTokens tokensPerJoule facilityPowerKw carbonKgPerHour servedTokensPerSecond unservedTokensPerSecond gpusBusy demandTokensPerSecond
        costPerHour { total energy capex egress carbon } unserved { tokensPerSecond penaltyPerHour } } } }`,
      { id: planIds[0] },
    );
    const value = async (id: string) => Number(await page.getByTestId(`summary-${id}`).getAttribute('data-value'));
    const t = plan.totals;
    for (const key of [
      'costPerMillionTokens',
      'tokensPerJoule',
      'facilityPowerKw',
      'carbonKgPerHour',
      'servedTokensPerSecond',
      'unservedTokensPerSecond',
      'gpusBusy',
    ]) {
      expect(await value(key), key).toBe(t[key]);
    }
    // cost per hour is money: the API's total, which is the sum of its parts (the unserved penalty is apart)
    expect(await value('costPerHour')).toBe(t.costPerHour.total);
    expect(t.costPerHour.total).toBeCloseTo(
      t.costPerHour.energy + t.costPerHour.capex + t.costPerHour.egress + t.costPerHour.carbon,
      6,
    );
    for (const part of ['energy', 'capex', 'egress', 'carbon'])
      expect(await value(`cost-${part}`), part).toBe(t.costPerHour[part]);
    expect(await page.getByTestId('summary-cost-penalty').count()).toBe(0);
    const money = `$${t.costPerHour.total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(await page.getByTestId('summary-costPerHour').textContent()).toBe(money);
    // the first line: the same money figure, and the unserved demand with its reasons when there is any
    const headline = (await page.getByTestId('summary-headline').textContent())!;
    expect(headline.startsWith(`${money}/h for `)).toBe(true);
    if (t.unservedTokensPerSecond > 0) {
      expect(headline).toMatch(/; leaves [\d.,]+ (k |M )?tok\/s \([\d.]+%\) of demand unserved: /);
      expect(await page.getByTestId('summary-unservedTokensPerSecond').textContent()).toContain('not money');
    } else {
      expect(headline).toMatch(/all demand served$/);
    }
    await expect
      .poll(() => page.getByTestId('summary-costPerMillionTokens').textContent())
      .toBe(`$${t.costPerMillionTokens.toFixed(4)}`);
    await expect.poll(() => page.getByTestId('summary-status').textContent()).toBe('SOLVED');
  });

  it('a site panel says over which price the plan holds, with the numbers GraphQL gives', async () => {
    const { plan } = await api(
      `query($id: ID!) { plan(id: $id) { sites { siteCode servedTokensPerSecond ranges { pricePerKwh { low high } } } } }`,
      { id: planIds[0] },
    );
    const sites = plan.sites as {
      siteCode: string;
      servedTokensPerSecond: number;
      ranges: { pricePerKwh: RangeEnds } | null;
    }[];
    const ranged = sites.find((s) => s.servedTokensPerSecond > 0 && s.ranges?.pricePerKwh?.high != null);
    expect(ranged).toBeDefined();
    const site = page.locator(`svg circle.site[data-code="${ranged!.siteCode}"]`);
    await site.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${ranged!.siteCode}`);
    const sentence = page.getByTestId('price-range');
    const range = ranged!.ranges!.pricePerKwh;
    expect(await sentence.textContent()).toBe(priceRangeSentence(ranged!.siteCode, range));
    expect(await sentence.textContent()).toMatch(
      /^this plan holds while .+'s price stays between \$[\d.]+ and \$[\d.]+\/kWh$/,
    );
    expect(Number(await sentence.getAttribute('data-low'))).toBe(range.low);
    expect(Number(await sentence.getAttribute('data-high'))).toBe(range.high);
    if (process.env.TOKENGRID_SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.TOKENGRID_SCREENSHOTS}/ranges-desktop.png` });
      const size = page.viewportSize();
      await page.setViewportSize({ width: 390, height: 844 });
      await sentence.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${process.env.TOKENGRID_SCREENSHOTS}/ranges-390.png` });
      if (size) await page.setViewportSize(size);
    }
  });

  it('opens a site panel from the keyboard, with its shadow prices', async () => {
    const { plan } = await api(
      `query($id: ID!) { plan(id: $id) { shadowPrices { gpus { siteCode gpuTypeCode valuePerGpuPerHour basis servesUnservedTokensPerSecond } } } }`,
      { id: planIds[0] },
    );
    const gpus = plan.shadowPrices.gpus as {
      siteCode: string;
      gpuTypeCode: string;
      valuePerGpuPerHour: number;
      basis: string;
    }[];
    expect(gpus.every((g) => g.valuePerGpuPerHour !== 0)).toBe(true);
    expect(gpus.length).toBeGreaterThan(0);
    const siteCode = gpus[0]!.siteCode;
    const site = page.locator(`svg circle.site[data-code="${siteCode}"]`);
    await site.focus();
    await expect.poll(() => page.locator('#tooltip').isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${siteCode}`);
    for (const price of gpus.filter((g) => g.siteCode === siteCode)) {
      const item = page.locator(`[data-testid=shadow-prices] li[data-gpu="${price.gpuTypeCode}"]`);
      expect(Number(await item.getAttribute('data-value'))).toBe(price.valuePerGpuPerHour);
      expect(await item.getAttribute('data-basis')).toBe(price.basis);
      // a value that is the unserved penalty avoided says so, with the demand it would serve
      if (price.basis === 'UNSERVED_DEMAND') {
        expect(await item.textContent()).toMatch(
          new RegExp(
            `^One more ${price.gpuTypeCode} here would serve .+ of demand now unserved \\(penalty avoided \\$[\\d,.]+/h, not money\\)$`,
          ),
        );
      } else {
        expect(await item.textContent()).toContain(
          `One more ${price.gpuTypeCode} here saves $${price.valuePerGpuPerHour.toFixed(2)}/h`,
        );
      }
    }
    await shot('03-site-panel');
    // a region opens by mouse, clicked at its centre (DE-FRA's circle shares its point)
    await page.locator('svg rect.region[data-code="EU-CENTRAL"]').click();
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe('Region EU-CENTRAL');
    expect(await page.getByTestId('region-sources').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot('04-region-panel');
  });

  it('compares two plans', async () => {
    planIds.push(await requestThroughPage('web e2e carbon priced', { carbonPricePerTonne: 400 }));
    const [from, to] = planIds as [string, string];
    await page.locator('#compare-from').selectOption(from);
    await page.locator('#compare-to').selectOption(to);
    await page.getByTestId('compare-form').getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('diff-heading').waitFor();
    const { plan } = await api(
      `query($from: ID!, $to: ID!) { plan(id: $to) { diff(against: $from) { totals { costPerHour { total } carbonKgPerHour } sites { siteCode tokensPerSecondChange } } } }`,
      { from, to },
    );
    expect(Number(await page.getByTestId('diff-costPerHour').getAttribute('data-value'))).toBe(
      plan.diff.totals.costPerHour.total,
    );
    expect(Number(await page.getByTestId('diff-carbonKgPerHour').getAttribute('data-value'))).toBe(
      plan.diff.totals.carbonKgPerHour,
    );
    const moved = (plan.diff.sites as { siteCode: string; tokensPerSecondChange: number }[]).filter(
      (s) => Math.abs(s.tokensPerSecondChange) > 0.5,
    );
    expect(await page.getByTestId('diff-sites').locator('tbody tr').count()).toBe(moved.length);
    await shot('05-compare');
    // back to one plan: the exports are that plan's again
    await page.locator('#compare-close').click();
    await expect.poll(() => page.getByTestId('export-csv').isEnabled()).toBe(true);
  });

  it('exports the plan as a CSV whose rows are the API allocations, and as JSON', async () => {
    const id = (await page.getByTestId('current-plan').getAttribute('data-plan-id'))!;
    expect(id).toBe(planIds[1]);
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = (await readFile((await csvDownload.path())!, 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe('siteCode,regionCode,modelCode,workloadClassCode,period,tokensPerSecond');
    const expected = await allocationCsvLines(url, id);
    expect(csv.slice(1)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    // the stored plan as `tokengrid plans show --json` prints it: its row and its whole result
    const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8'));
    expect(json.id).toBe(id);
    expect(json.result.allocations).toHaveLength(expected.length);
  });

  it('shows the hourly view of a 24-period plan', async () => {
    const id = await requestThroughPage('web e2e day-ahead', { periods: 24 });
    // its allocations load page by page: long on a loaded shared machine
    await page.getByTestId('hourly-chart').waitFor({ timeout: 120_000 });
    const { plan } = await api(`query($id: ID!) { plan(id: $id) { options } }`, { id });
    expect(plan.options.periods).toBe(24);
    expect(await page.getByTestId('hourly-chart').locator('path').count()).toBeGreaterThan(3);
    await page.getByTestId('hourly').screenshot({ path: join(SCREENSHOTS, '06-hourly.png') });

    // the fixtures' day-ahead plan leaves peak demand unserved: the summary says so first,
    // and a GPU whose value is the penalty avoided says what it would serve
    const { plan: day } = await api(
      `query($id: ID!) { plan(id: $id) { totals { unservedTokensPerSecond costPerHour { total } }
        shadowPrices { gpus { siteCode gpuTypeCode basis servesUnservedTokensPerSecond } } } }`,
      { id },
    );
    expect(day.totals.unservedTokensPerSecond).toBeGreaterThan(0);
    const headline = (await page.getByTestId('summary-headline').textContent())!;
    expect(headline).toMatch(
      /^\$[\d,.]+\/h for [\d.,]+ (k |M )?tok\/s served; leaves [\d.,]+ (k |M )?tok\/s \([\d.]+%\) of demand unserved: [A-Za-z][^;]* [\d.,]+ (k |M )?tok\/s/,
    );
    expect(
      headline.startsWith(
        `$${day.totals.costPerHour.total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}/h`,
      ),
    ).toBe(true);
    const penalty = (day.shadowPrices.gpus as { siteCode: string; gpuTypeCode: string; basis: string }[]).find(
      (g) => g.basis === 'UNSERVED_DEMAND',
    );
    expect(penalty).toBeDefined();
    await page.locator(`svg circle.site[data-code="${penalty!.siteCode}"]`).click();
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${penalty!.siteCode}`);
    const item = page.locator(`[data-testid=shadow-prices] li[data-gpu="${penalty!.gpuTypeCode}"]`);
    expect(await item.getAttribute('data-basis')).toBe('UNSERVED_DEMAND');
    expect(await item.textContent()).toMatch(
      /would serve [\d.,]+ (k |M )?tok\/s of demand now unserved \(penalty avoided/,
    );
    await shot('06b-day-ahead-unserved');
  }, 240_000);

  it("puts a refused request's issues beside their fields, takes any valid number, and writes dates as the CLI does", async () => {
    const form = page.getByTestId('request-form');
    const utilization = form.locator('input[name=targetUtilization]');
    await utilization.fill('0.83');
    expect(await utilization.evaluate((input: HTMLInputElement) => input.checkValidity())).toBe(true);
    // a value the browser lets through (its min taken away) that the server refuses
    const carbon = form.locator('input[name=carbonPricePerTonne]');
    await carbon.evaluate((input: HTMLInputElement) => input.removeAttribute('min'));
    await carbon.fill('-5');
    await form.getByRole('button', { name: 'Request plan' }).click();
    await page.locator('[data-testid=request-status][data-status=REFUSED]').waitFor();
    const note = form.locator('.field-error[data-field=carbonPricePerTonne]');
    await note.waitFor();
    expect(await note.textContent()).toBe('carbonPricePerTonne must be >= 0');
    expect(await carbon.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('request-status').textContent()).toBe('refused: see the fields marked below');
    await shot('refused-request');
    // corrected and sent again: the marks are gone and the plan (at 0.83) is made
    await carbon.fill('0');
    // the view follows the new plan: let it settle before the next test navigates
    await submitAndFollow(form);
    expect(await form.locator('.field-error').count()).toBe(0);
    expect(await carbon.getAttribute('aria-invalid')).toBeNull();
    await utilization.fill('0.8');
    // instants as the CLI prints them, the zone named
    const requested = await page
      .getByTestId('plans-table')
      .locator('tbody tr')
      .first()
      .locator('td')
      .nth(3)
      .textContent();
    expect(requested).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  });

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/#plan=${planIds[0]}`);
    await page.reload();
    await page.locator('body[data-ready=true]').waitFor();
    await expect.poll(() => page.getByTestId('current-plan').getAttribute('data-plan-id')).toBe(planIds[0]);
    const overflowing = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-wrap'))
        .map((e) => `${e.tagName}.${e.className}`);
    });
    expect(overflowing).toEqual([]);
    await shot('07-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('asks for an API key once keys are required, and keeps it only in memory', async () => {
    const created = await api(
      `mutation { createApiKey(input: { name: "web-viewer", role: VIEWER }) { ... on MutationCreateApiKeySuccess { data { key } } } }`,
    );
    const key = created.createApiKey.data.key as string;
    await page.reload();
    const form = page.getByTestId('key-form');
    await form.waitFor({ state: 'visible' });
    await shot('08-key-entry');
    await form.locator('input[type=password]').fill(key);
    await form.getByRole('button', { name: 'Use key' }).click();
    await page.locator('body[data-ready=true]').waitFor();
    expect(await page.locator('svg circle.site').count()).toBe(36);
    expect(await form.isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // a viewer may read plans but not request them: the form says why and is disabled (test/e2e/web-page.test.ts)
    expect(await page.getByTestId('request-form').getByRole('button', { name: 'Request plan' }).isDisabled()).toBe(
      true,
    );
    expect(await page.getByTestId('request-role').textContent()).toMatch(/viewer.*planner or admin/);
  });
});
