// A plan sweep in the web view, in Chromium against a real server: reached by
// #sweep=ID and from the list of sweeps, drawn as two line charts whose points
// are GraphQL's figures, with labelled axes and units; a point opens its plan.
// Screenshots at desktop and phone width go to test-output/web/sweep-*.png.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CHROMIUM, hasChromium } from '../helpers/browser.js';
import { describeIf } from '../helpers/skip.js';
import { until } from '../helpers/until.js';
import { graphqlAt, refuseNonLoopback, SCREENSHOTS, startWebApp, type WebApp } from '../helpers/web.js';

vi.setConfig({ testTimeout: 300_000 });

let app: WebApp | undefined;
let sweep: {
  id: string;
  points: { value: number; costPerMillionTokens: number; carbonKgPerMillionTokens: number; plan: { id: string } }[];
};

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startWebApp('web-sweep');
  const requested = await graphqlAt(
    app.url,
    `mutation ($input: RequestPlanSweepInput!) { requestPlanSweep(input: $input) {
      __typename ... on MutationRequestPlanSweepSuccess { data { id } } } }`,
    { input: { name: 'price curve', parameter: 'PRICE_MULTIPLIER', values: [1.5, 0.5, 1] } },
  );
  expect(requested.requestPlanSweep.__typename).toBe('MutationRequestPlanSweepSuccess');
  const id = requested.requestPlanSweep.data.id;
  sweep = await until(
    'the sweep to finish',
    async () => {
      const { planSweep } = await graphqlAt(
        app!.url,
        `query ($id: ID!) { planSweep(id: $id) { id status points { value costPerMillionTokens carbonKgPerMillionTokens plan { id } } } }`,
        { id },
      );
      return planSweep.status === 'FINISHED' ? planSweep : null;
    },
    240_000,
  );
}, 300_000);
afterAll(async () => {
  await app?.close();
});

interface Drawn {
  value: number;
  y: number;
  cx: number;
  cy: number;
  plan: string;
}

async function drawn(page: Page, series: string): Promise<Drawn[]> {
  return page.locator(`[data-testid=sweep-chart-${series}] a`).evaluateAll((links) =>
    links.map((link) => {
      const circle = link.querySelector('circle')!;
      return {
        value: Number(circle.dataset.value),
        y: Number(circle.dataset.y),
        cx: Number(circle.getAttribute('cx')),
        cy: Number(circle.getAttribute('cy')),
        plan: (link as HTMLElement).dataset.plan!,
      };
    }),
  );
}

async function openSweep(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${app!.url}/#sweep=${sweep.id}`);
  await page.locator(`body[data-sweep-shown="${sweep.id} FINISHED"]`).waitFor({ timeout: 120_000 });
  return page;
}

describeIf(
  hasChromium,
  'a plan sweep in the web view',
  `${CHROMIUM} is not installed (apt-get install chromium)`,
  () => {
    it('draws GraphQL’s points as two labelled line charts; a point opens its plan', async () => {
      const context = await app!.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const refused = await refuseNonLoopback(context);
      const page = await openSweep(context);
      const byValue = [...sweep.points].sort((a, b) => a.value - b.value);
      for (const [series, field] of [
        ['cost', 'costPerMillionTokens'],
        ['carbon', 'carbonKgPerMillionTokens'],
      ] as const) {
        const points = await drawn(page, series);
        // one point per value, left to right, each GraphQL's figure for that value's plan
        expect(points.map((p) => p.value)).toEqual(byValue.map((p) => p.value));
        expect(points.map((p) => p.y)).toEqual(byValue.map((p) => p[field]));
        expect(points.map((p) => p.plan)).toEqual(byValue.map((p) => p.plan.id));
        for (let i = 1; i < points.length; i++) {
          expect(points[i]!.cx).toBeGreaterThan(points[i - 1]!.cx);
          // SVG y grows downwards: a larger figure is drawn higher
          if (points[i]!.y > points[i - 1]!.y) expect(points[i]!.cy).toBeLessThan(points[i - 1]!.cy);
          if (points[i]!.y < points[i - 1]!.y) expect(points[i]!.cy).toBeGreaterThan(points[i - 1]!.cy);
        }
        const labels = await page.locator(`[data-testid=sweep-chart-${series}] .axis-label`).allTextContents();
        expect(labels[0]).toBe('Electricity price multiplier (×)');
        expect(labels[1]).toBe(series === 'cost' ? 'USD per million tokens' : 'kg CO₂ per million tokens');
      }
      // dearer electricity, dearer tokens: the cost curve rises
      const cost = await drawn(page, 'cost');
      expect(cost.at(-1)!.y).toBeGreaterThan(cost[0]!.y);
      await expect(page.getByTestId('sweep-status').textContent()).resolves.toMatch(/finished: 3 of 3 plans final/);
      await expect(page.getByTestId('sweep-table').locator('tbody tr').count()).resolves.toBe(3);
      await page.getByTestId('sweep').screenshot({ path: join(SCREENSHOTS, 'sweep-desktop.png') });

      // the list of sweeps links to it
      await expect(page.getByTestId('sweeps-list').locator(`a[data-sweep="${sweep.id}"]`).count()).resolves.toBe(1);

      // a point opens its plan, and the sweep stays in the address
      const target = cost[0]!;
      await page.locator(`[data-testid=sweep-chart-cost] a[data-plan="${target.plan}"]`).click();
      await page.locator(`body[data-plan-shown="${target.plan}"]`).waitFor({ timeout: 60_000 });
      expect(new URL(page.url()).hash).toBe(`#sweep=${sweep.id}&plan=${target.plan}`);
      expect(refused).toEqual([]);
      await context.close();
    });

    it('fits a 390 px phone: charts one above the other, no sideways scrolling', async () => {
      const context = await app!.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
      await refuseNonLoopback(context);
      const page = await openSweep(context);
      const boxes = await Promise.all(
        ['cost', 'carbon'].map((s) => page.getByTestId(`sweep-chart-${s}`).boundingBox()),
      );
      expect(boxes[1]!.y).toBeGreaterThanOrEqual(boxes[0]!.y + boxes[0]!.height - 1);
      for (const box of boxes) expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // the smallest text in the charts stays readable once scaled
      const smallest = await page
        .locator('[data-testid=sweep] svg text')
        .evaluateAll((texts) => Math.min(...texts.map((t) => (t as SVGTextElement).getBoundingClientRect().height)));
      expect(smallest).toBeGreaterThanOrEqual(9);
      await page.getByTestId('sweep').screenshot({ path: join(SCREENSHOTS, 'sweep-phone.png') });
      await context.close();
    });
  },
);
