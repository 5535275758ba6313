// The web view's map in Chromium (issue #12): every marker reachable by a real
// pointer, the largest flows only, labels and zoom, phone-sized targets and text,
// tap tooltips, and the markers as one Tab stop with arrow keys. Plans are made
// through the API; screenshots go to test-output/web/map-*.png.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from '../helpers/browser.js';
import { describeIf } from '../helpers/skip.js';
import { graphqlAt, newPage, SCREENSHOTS, startWebApp, type WebApp } from '../helpers/web.js';

/** the map's default flow count (its "largest 15") */
const FLOW_CAP = 15;

let app: WebApp | undefined;
let url: string;
let page: Page;

interface Source {
  siteCode: string;
  regionCode: string;
}

const api = (query: string, variables: Record<string, unknown> = {}) => graphqlAt(url, query, variables);

async function requestPlan(name: string, options: Record<string, unknown>): Promise<string> {
  const data = await api(
    `mutation($input: RequestPlanInput!) { requestPlan(input: $input) { __typename
      ... on MutationRequestPlanSuccess { data { id status } } ... on Error { message } } }`,
    { input: { name, options, wait: true } },
  );
  expect(data.requestPlan.data?.status, JSON.stringify(data.requestPlan)).toBe('SOLVED');
  return data.requestPlan.data.id as string;
}

/** the plan's site→region pairs as the map should aggregate them */
async function planPairs(id: string): Promise<Source[]> {
  const { plan } = await api(`query($id: ID!) { plan(id: $id) { regions { regionCode sources { siteCode } } } }`, {
    id,
  });
  return (plan.regions as { regionCode: string; sources: { siteCode: string }[] }[]).flatMap((r) =>
    r.sources.map((s) => ({ siteCode: s.siteCode, regionCode: r.regionCode })),
  );
}

/** Opens the page afresh on a plan (no selection, no zoom left by a test before). */
async function showPlan(id: string): Promise<void> {
  await page.goto(`${url}/#plan=${id}`);
  await page.reload();
  // a 24-hour plan's hourly view still pages through its allocations: slow on a loaded machine
  await page.locator('body[data-ready=true]').waitFor({ timeout: 90_000 });
  await expect.poll(() => page.getByTestId('current-plan').getAttribute('data-plan-id')).toBe(id);
}

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

/** the centre of a marker's glyph on the page */
async function centreOf(selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  expect(box, selector).not.toBeNull();
  return { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
}

const markers = () =>
  page
    .locator('svg [data-code][data-kind]')
    .evaluateAll((nodes) =>
      nodes.map((n) => ({ code: n.getAttribute('data-code')!, kind: n.getAttribute('data-kind')! })),
    );

const flowCount = () => page.locator('svg path.flow').count();
const flowNote = () => page.getByTestId('flow-description');
const geoTransform = () => page.locator('svg g.geo').getAttribute('transform');

describeIf(hasChromium, 'the web map in Chromium', `${CHROMIUM} is not installed (apt-get install chromium)`, () => {
  let steady: string;
  let day: string;
  let carbon: string;

  beforeAll(async () => {
    app = await startWebApp('web-map');
    url = app.url;
    steady = await requestPlan('map steady', { periods: 1 });
    carbon = await requestPlan('map carbon priced', { periods: 1, carbonPricePerTonne: 400 });
    day = await requestPlan('map day-ahead', { periods: 24 });
    page = await newPage(app.browser, { viewport: { width: 1280, height: 800 } });
  });

  afterAll(() => app?.close());

  it('opens the right panel on a pointer click at the centre of every site and region', async () => {
    await showPlan(steady);
    await shot('map-desktop');
    // the bundled fixtures name seven models: the model filter is there (which plans name models, so that data
    // without models shows none: test/unit/model-filter.test.ts)
    expect(await page.getByTestId('model-filter').isVisible()).toBe(true);
    const all = await markers();
    expect(all.filter((m) => m.kind === 'site')).toHaveLength(36);
    expect(all.filter((m) => m.kind === 'region')).toHaveLength(20);
    const wrong: string[] = [];
    for (const { code, kind } of all) {
      const at = await centreOf(`svg [data-kind=${kind}][data-code="${code}"]`);
      await page.mouse.click(at.x, at.y);
      const title = `${kind === 'site' ? 'Site' : 'Region'} ${code}`;
      await expect
        .poll(() => page.getByTestId('panel-title').textContent(), { timeout: 2_000 })
        .toBe(title)
        .catch(() => {});
      const shown = await page.getByTestId('panel-title').textContent();
      if (shown !== title) wrong.push(`${title} opened ${shown}`);
    }
    expect(wrong).toEqual([]);
  });

  it('draws the largest flows per site→region by default, all of a selected marker, and says so', async () => {
    await showPlan(day);
    const pairs = await planPairs(day);
    expect(pairs.length).toBeGreaterThan(FLOW_CAP);
    expect(await flowCount()).toBe(FLOW_CAP);
    expect(await flowNote().textContent()).toBe(`largest ${FLOW_CAP} of ${pairs.length} flows`);
    // every line is one site→region pair of the plan, and no pair is drawn twice
    const drawn = await page
      .locator('svg path.flow')
      .evaluateAll((lines) => lines.map((l) => `${l.getAttribute('data-site')}>${l.getAttribute('data-region')}`));
    expect(new Set(drawn).size).toBe(drawn.length);
    const known = new Set(pairs.map((p) => `${p.siteCode}>${p.regionCode}`));
    expect(drawn.filter((d) => !known.has(d))).toEqual([]);

    // the site with the most flows: all of them once it is selected
    const perSite = new Map<string, number>();
    for (const p of pairs) perSite.set(p.siteCode, (perSite.get(p.siteCode) ?? 0) + 1);
    const [busiest, count] = [...perSite].sort((a, b) => b[1] - a[1])[0]!;
    const at = await centreOf(`svg [data-kind=site][data-code="${busiest}"]`);
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${busiest}`);
    expect(await flowCount()).toBe(count);
    expect(await flowNote().textContent()).toBe(`all ${count} flows of ${busiest} (of ${pairs.length})`);
    await shot('map-site-selected');

    const region = pairs[0]!.regionCode;
    const regionCount = pairs.filter((p) => p.regionCode === region).length;
    const regionAt = await centreOf(`svg [data-kind=region][data-code="${region}"]`);
    await page.mouse.click(regionAt.x, regionAt.y);
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Region ${region}`);
    expect(await flowCount()).toBe(regionCount);
    await shot('map-region-selected');

    // a click on open sea clears the selection; "all" draws every pair
    const map = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(map.x + map.width * 0.02, map.y + map.height * 0.5);
    expect(await flowCount()).toBe(FLOW_CAP);
    await page.getByTestId('flow-limit').selectOption('all');
    expect(await flowCount()).toBe(pairs.length);
    expect(await flowNote().textContent()).toBe(`all ${pairs.length} flows`);
    await page.getByTestId('flow-limit').selectOption(String(FLOW_CAP));
  });

  it('gives a flow line a tooltip with its size', async () => {
    // a point on a drawn line that no marker reaches and no other line covers
    const spot = await page.evaluate(() => {
      const hits = [...document.querySelectorAll<SVGCircleElement>('svg circle.hit')].map((c) => {
        const box = c.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2, r: box.width / 2 };
      });
      for (const line of document.querySelectorAll<SVGPathElement>('svg path.flow-hit'))
        for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
          const p = line.getPointAtLength(line.getTotalLength() * t);
          const { x, y } = new DOMPoint(p.x, p.y).matrixTransform(line.getScreenCTM()!);
          if (document.elementFromPoint(x, y) !== line) continue;
          if (hits.some((h) => Math.hypot(h.x - x, h.y - y) <= h.r + 2)) continue;
          return { x, y, site: line.dataset.site!, region: line.dataset.region! };
        }
      return null;
    });
    expect(spot).not.toBeNull();
    const { plan } = await api(
      `query($id: ID!) { plan(id: $id) { regions { regionCode sources { siteCode tokensPerSecond } } } }`,
      {
        id: day,
      },
    );
    const size = (plan.regions as { regionCode: string; sources: { siteCode: string; tokensPerSecond: number }[] }[])
      .find((r) => r.regionCode === spot!.region)!
      .sources.find((s) => s.siteCode === spot!.site)!.tokensPerSecond;
    await page.mouse.move(spot!.x, spot!.y);
    const tooltip = page.locator('#tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    const text = (await tooltip.textContent())!;
    expect(text).toContain(`${spot!.site} → ${spot!.region}`);
    // the size as the page writes tok/s: 12.3 k tok/s
    const shown = Number(/([\d.,]+) (k |M )?tok\/s, mean over the plan/.exec(text)?.[1]?.replace(/,/g, ''));
    const unit = /k tok/.test(text) ? 1e3 : /M tok/.test(text) ? 1e6 : 1;
    // written with 0, 1 or 2 decimals (tok/s, k, M): within half the last digit
    expect(Math.abs(shown * unit - size)).toBeLessThanOrEqual(unit === 1 ? 0.5 : unit === 1e3 ? 50 : 5_000);
  });

  it('shows a comparison as the site→region flows that moved most', async () => {
    await showPlan(carbon);
    await page.locator('#compare-from').selectOption(steady);
    await page.locator('#compare-to').selectOption(carbon);
    await page.getByTestId('compare-form').getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('diff-heading').waitFor();
    const { plan } = await api(
      `query($from: ID!, $to: ID!) { plan(id: $to) { diff(against: $from) { flows { fromSiteCode toSiteCode regionCode tokensPerSecond } } } }`,
      { from: steady, to: carbon },
    );
    const net = new Map<string, number>();
    for (const f of plan.diff.flows as {
      fromSiteCode: string | null;
      toSiteCode: string | null;
      regionCode: string;
      tokensPerSecond: number;
    }[]) {
      if (f.fromSiteCode)
        net.set(
          `${f.fromSiteCode}>${f.regionCode}`,
          (net.get(`${f.fromSiteCode}>${f.regionCode}`) ?? 0) - f.tokensPerSecond,
        );
      if (f.toSiteCode)
        net.set(
          `${f.toSiteCode}>${f.regionCode}`,
          (net.get(`${f.toSiteCode}>${f.regionCode}`) ?? 0) + f.tokensPerSecond,
        );
    }
    const changed = [...net].filter(([, v]) => Math.abs(v) >= 0.5);
    expect(changed.length).toBeGreaterThan(0);
    const shown = Math.min(FLOW_CAP, changed.length);
    expect(await flowCount()).toBe(shown);
    expect(await page.locator('svg path.flow.gain').count()).toBeGreaterThan(0);
    expect(await flowNote().textContent()).toBe(
      changed.length > FLOW_CAP
        ? `the ${FLOW_CAP} changed flows that moved most of ${changed.length}`
        : `all ${changed.length} changed flows`,
    );
    // the largest net change is the first line drawn, with its sign
    const [largestPair, largest] = changed.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0]!;
    const first = page.locator('svg path.flow').first();
    expect(`${await first.getAttribute('data-site')}>${await first.getAttribute('data-region')}`).toBe(largestPair);
    expect(await first.getAttribute('class')).toBe(`flow ${largest > 0 ? 'gain' : 'loss'}`);
    // the map, not the comparison table the page has scrolled to
    await page.locator('.map-wrap').screenshot({ path: join(SCREENSHOTS, 'map-compare.png') });
  });

  it('zooms with the buttons and the wheel, keeps markers their size, and labels Europe when zoomed in', async () => {
    await showPlan(steady);
    const { sites } = await api(`{ sites(first: 100) { edges { node { code latitude longitude } } } }`);
    const european = (sites.edges as { node: { code: string; latitude: number; longitude: number } }[])
      .map((e) => e.node)
      .filter((s) => s.longitude > -11 && s.longitude < 31 && s.latitude > 36 && s.latitude < 63)
      .map((s) => s.code);
    expect(european.length).toBeGreaterThanOrEqual(6);
    const labelled = () =>
      page
        .locator('svg text.site-label')
        .evaluateAll(
          (labels, codes) => labels.filter((l) => codes.includes(l.getAttribute('data-code')!)).length,
          european,
        );
    const radius = () =>
      page
        .locator(`svg circle.site[data-code="${european[0]}"]`)
        .boundingBox()
        .then((b) => b!.width);

    const world = { transform: await geoTransform(), labels: await labelled(), radius: await radius() };
    await page.getByTestId('zoom-in').click();
    const zoomedIn = await geoTransform();
    expect(zoomedIn).not.toBe(world.transform);
    expect(Number(await page.getByTestId('map').getAttribute('data-zoom'))).toBeCloseTo(1.6, 2);

    const map = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(map.x + map.width / 2, map.y + map.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(geoTransform).not.toBe(zoomedIn);
    expect(Number(await page.getByTestId('map').getAttribute('data-zoom'))).toBeGreaterThan(1.6);

    await page.getByTestId('view-europe').click();
    const europe = { labels: await labelled(), radius: await radius() };
    console.log(
      `European sites labelled: ${world.labels} of ${european.length} at world zoom, ${europe.labels} zoomed to Europe`,
    );
    expect(europe.labels).toBeGreaterThan(world.labels);
    expect(europe.labels).toBeGreaterThanOrEqual(Math.ceil(european.length * 0.75));
    // the geography scales, the marker does not
    expect(europe.radius).toBeCloseTo(world.radius, 0);
    await shot('map-zoomed-europe');

    await page.getByTestId('view-world').click();
    expect(await geoTransform()).toBe(world.transform);
  });

  it('makes the markers one Tab stop with arrow keys between them, Enter to open, Escape to leave', async () => {
    await showPlan(steady);
    expect(await page.locator('svg [data-code][tabindex="0"]').count()).toBe(1);
    await page.getByTestId('flow-limit').focus();
    await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement;
        const box = e?.getBoundingClientRect();
        return { code: e?.getAttribute('data-code') ?? null, x: box ? box.x + box.width / 2 : 0, tag: e?.tagName };
      });
    const first = await focused();
    expect(first.code, JSON.stringify(first)).not.toBeNull();
    await expect.poll(() => page.locator('#tooltip').isVisible()).toBe(true);
    await page.keyboard.press('ArrowRight');
    const second = await focused();
    expect(second.code).not.toBeNull();
    expect(second.code).not.toBe(first.code);
    expect(second.x).toBeGreaterThan(first.x);
    await page.keyboard.press('ArrowLeft');
    expect((await focused()).x).toBeLessThan(second.x);
    await page.keyboard.press('ArrowDown');
    const current = (await focused()).code!;
    expect(await page.locator('svg [data-code][tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('panel-title').textContent()).toMatch(new RegExp(` ${current}$`));
    // + / − / 0 zoom from the keyboard, focus staying on the marker
    const zoomLevel = async () => Number(await page.getByTestId('map').getAttribute('data-zoom'));
    await page.keyboard.press('+');
    expect(await zoomLevel()).toBeCloseTo(1.6, 2);
    await page.keyboard.press('-');
    expect(await zoomLevel()).toBeCloseTo(1, 2);
    await page.keyboard.press('+');
    await page.keyboard.press('0');
    expect(await zoomLevel()).toBe(1);
    expect((await focused()).code).toBe(current);
    // the next Tab leaves the map: the 56 markers are one stop
    await page.keyboard.press('Tab');
    expect((await focused()).code).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect((await focused()).code).toBe(current);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('side');
  });

  it('at 390×844: hit areas of 24 px, text of at least 11 px, a tapped tooltip that closes', async () => {
    const previous = page;
    page = await newPage(app!.browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      await showPlan(steady);
      const hits = await page
        .locator('svg circle.hit')
        .evaluateAll((circles) =>
          circles.map((c) => ({ code: c.getAttribute('data-hit-for'), ...c.getBoundingClientRect().toJSON() })),
        );
      expect(hits).toHaveLength(56);
      expect(hits.filter((h) => h.width < 23.9 || h.height < 23.9)).toEqual([]);
      // rendered sizes: SVG text scales with the drawing, so its font size times the screen scale
      const small = await page.evaluate(() => {
        const out: string[] = [];
        for (const text of document.querySelectorAll<SVGTextElement>('[data-testid=map] svg text')) {
          const px = parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM()?.a ?? 1);
          if (px < 11) out.push(`${text.textContent}: ${px.toFixed(1)} px`);
        }
        for (const e of document.querySelectorAll<HTMLElement>('.map-wrap *')) {
          if (e.closest('svg') || !e.textContent?.trim() || e.hidden) continue;
          const px = parseFloat(getComputedStyle(e).fontSize);
          if (px < 11) out.push(`${e.tagName}.${e.className}: ${px} px`);
        }
        return out;
      });
      expect(small).toEqual([]);
      expect(await page.locator('[data-testid=map] svg text').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'map-phone.png'), fullPage: true });

      const tooltip = page.locator('#tooltip');
      const site = (await page.locator('svg circle.site').first().getAttribute('data-code'))!;
      const at = await centreOf(`svg [data-kind=site][data-code="${site}"]`);
      await page.touchscreen.tap(at.x, at.y);
      await expect.poll(() => tooltip.isVisible()).toBe(true);
      expect(await tooltip.textContent()).toContain(site);
      await page.screenshot({ path: join(SCREENSHOTS, 'map-phone-tooltip.png') });
      // a tap elsewhere (the page header) closes it
      await page.locator('header h1').tap();
      await expect.poll(() => tooltip.isVisible()).toBe(false);
      // a second tap on the marker closes it too, and its close control does
      await page.touchscreen.tap(at.x, at.y);
      await expect.poll(() => tooltip.isVisible()).toBe(true);
      await page.touchscreen.tap(at.x, at.y);
      await expect.poll(() => tooltip.isVisible()).toBe(false);
      await page.touchscreen.tap(at.x, at.y);
      await page.locator('#tooltip .tooltip-close').tap();
      await expect.poll(() => tooltip.isVisible()).toBe(false);
      // its Details button opens the panel
      await page.touchscreen.tap(at.x, at.y);
      await page.locator('#tooltip [data-action=details]').tap();
      await expect.poll(() => page.getByTestId('panel-title').textContent()).toBe(`Site ${site}`);
    } finally {
      await page.context().close();
      page = previous;
    }
  });
});
