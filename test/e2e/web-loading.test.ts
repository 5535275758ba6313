// How the web view loads a plan: a 24-hour fixture plan opened at /#plan=ID,
// the GraphQL requests the page sends until the plan is shown (counted, and
// held to at most 5) and the time it takes (printed, not asserted: a timing
// under load is not a result); the exports, one request each, and the export
// endpoint itself over HTTP (keys, 404, a big plan streamed).
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { cliWorkspace, serve, stop, type CliWorkspace } from '../helpers/cli.js';
import { rawRequest } from '../helpers/raw-http.js';
import { describeIf } from '../helpers/skip.js';
import { allocationCsvLines, ensureWebBuild, graphqlAt } from '../helpers/web.js';

const MAX_PLAN_VIEW_REQUESTS = 5;

let workspace: CliWorkspace | undefined;
let server: ChildProcess | undefined;
let url: string;
let browser: Browser | undefined;

const api = (query: string, variables: Record<string, unknown> = {}) => graphqlAt(url, query, variables);

/** A response's body as the chunks the network delivered. */
async function chunksOf(response: Response): Promise<string[]> {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(decoder.decode(value, { stream: true }));
  }
}

/** The first error of a JSON error body (every refusal of the export endpoint is one). */
async function errorOf(response: Response): Promise<{ message: string; extensions: Record<string, unknown> }> {
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return ((await response.json()) as any).errors[0];
}

const csvLine = (r: any) =>
  [r.siteCode, r.regionCode, r.modelCode, r.workloadClassCode, r.period, r.tokensPerSecond].join(',');

describeIf(
  hasChromium,
  'loading a plan in the web view',
  `${CHROMIUM} is not installed (apt-get install chromium)`,
  () => {
    let dayPlanId: string;
    /** its allocations over GraphQL, as CSV lines */
    let dayRows: string[];

    beforeAll(async () => {
      ensureWebBuild();
      workspace = await cliWorkspace('web-loading', { from: 'started' });
      const started = await serve(workspace, { LOG_LEVEL: 'warn' });
      server = started.child;
      url = started.url;
      browser = await launchChromium();
      const { requestPlan } = await api(
        `mutation { requestPlan(input: { name: "day-ahead loading", options: { periods: 24 }, wait: true }) {
        __typename ... on MutationRequestPlanSuccess { data { id status } } } }`,
      );
      expect(requestPlan.data.status).toBe('SOLVED');
      dayPlanId = requestPlan.data.id;
      dayRows = await allocationCsvLines(url, dayPlanId);
      expect(dayRows.length).toBeGreaterThan(1000);
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      if (server) await stop(server);
      await workspace?.cleanup();
    });

    it(`shows a 24-hour plan with at most ${MAX_PLAN_VIEW_REQUESTS} GraphQL requests (and prints the time)`, async () => {
      // a fresh page each time: the first visit pays the cold caches, the second is the planner's usual case
      for (const visit of ['first', 'second']) {
        const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        page.on('pageerror', (error) => console.error('page error:', error));
        let requests = 0;
        let exports = 0;
        page.on('request', (request) => {
          const path = new URL(request.url()).pathname;
          if (path === '/graphql') requests += 1;
          if (path.startsWith('/plans/')) exports += 1;
        });
        // each request's operation and its time from sent to answered, for the printed line
        const answered: string[] = [];
        page.on('requestfinished', (request) => {
          if (new URL(request.url()).pathname !== '/graphql') return;
          const operation =
            /(?:query|mutation|subscription)\s+(\w+)/.exec(request.postData() ?? '')?.[1] ?? 'anonymous';
          answered.push(`${operation} ${Math.round(request.timing().responseEnd)} ms`);
        });
        const started = performance.now();
        await page.goto(`${url}/#plan=${dayPlanId}`);
        // shown: the page says so, with the summary for this plan and its hourly chart drawn
        await page.waitForFunction(
          (id) =>
            document.body.dataset.planShown === id &&
            document.querySelector<HTMLElement>('[data-testid=current-plan]')?.dataset.planId === id &&
            document.querySelector('[data-testid=summary-costPerHour]') !== null &&
            document.querySelector('[data-testid=hourly-chart] path') !== null,
          dayPlanId,
          { timeout: 120_000 },
        );
        const ms = performance.now() - started;
        const shown = requests;
        console.log(
          `24-hour plan view (${visit} visit): ${shown} GraphQL requests, ${Math.round(ms)} ms (${answered.join(', ')})`,
        );
        expect(shown).toBeLessThanOrEqual(MAX_PLAN_VIEW_REQUESTS);
        expect(exports).toBe(0);
        // one area per top site and "others", from the server's per-hour loads
        expect(await page.getByTestId('hourly-chart').locator('path').count()).toBeGreaterThan(3);
        await context.close();
      }
    });

    it('exports with one request per button: the CSV has the rows of allocations over GraphQL, the JSON the stored plan', async () => {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(`${url}/#plan=${dayPlanId}`);
      await page.locator(`body[data-plan-shown="${dayPlanId}"]`).waitFor();
      const sent: string[] = [];
      page.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path === '/graphql' || path.startsWith('/plans/')) sent.push(path);
      });
      const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      expect(csvDownload.suggestedFilename()).toBe(`tokengrid-plan-${dayPlanId}-allocations.csv`);
      const csv = (await readFile((await csvDownload.path())!, 'utf8')).trimEnd().split('\n');
      expect(sent).toEqual([`/plans/${dayPlanId}/allocations.csv`]);
      expect(csv[0]).toBe('siteCode,regionCode,modelCode,workloadClassCode,period,tokensPerSecond');
      expect(csv.slice(1)).toEqual(dayRows);

      sent.length = 0;
      const [jsonDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-json').click(),
      ]);
      expect(sent).toEqual([`/plans/${dayPlanId}.json`]);
      expect(jsonDownload.suggestedFilename()).toBe(`tokengrid-plan-${dayPlanId}.json`);
      const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8'));
      const { plan } = await api(
        `query($id: ID!) { plan(id: $id) { id name status inputHash totals { costPerMillionTokens } } }`,
        { id: dayPlanId },
      );
      // the stored plan as `tokengrid plans show --json` prints it: its row (no snapshot) and its whole result
      expect({ id: json.id, name: json.name, status: json.status, inputHash: json.inputHash }).toEqual({
        id: plan.id,
        name: plan.name,
        status: plan.status,
        inputHash: plan.inputHash,
      });
      expect(json.inputSnapshot).toBeUndefined();
      expect(json.result.totals.costPerMillionTokens).toBe(plan.totals.costPerMillionTokens);
      expect(json.result.allocations.map(csvLine)).toEqual(dayRows);
      await context.close();
    });

    it('streams a big plan from GET /plans/<id>/allocations.csv and /plans/<id>.json', async () => {
      const csv = await fetch(`${url}/plans/${dayPlanId}/allocations.csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toBe(
        `attachment; filename="tokengrid-plan-${dayPlanId}-allocations.csv"`,
      );
      // streamed: no length known up front, and the body arrives in pieces
      expect(csv.headers.get('content-length')).toBeNull();
      const chunks = await chunksOf(csv);
      const text = chunks.join('');
      console.log(
        `GET /plans/<id>/allocations.csv: ${dayRows.length} rows, ${text.length} bytes in ${chunks.length} chunks`,
      );
      expect(chunks.length).toBeGreaterThan(1);
      expect(text.trimEnd().split('\n').slice(1)).toEqual(dayRows);

      const json = await fetch(`${url}/plans/${dayPlanId}.json`);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(json.headers.get('content-length')).toBeNull();
      const jsonChunks = await chunksOf(json);
      expect(jsonChunks.length).toBeGreaterThan(1);
      expect(JSON.parse(jsonChunks.join('')).result.allocations.map(csvLine)).toEqual(dayRows);
    });

    it('answers an unknown plan 404, a plan without a solution 409 (CSV), another method 405, a foreign Host 421, as JSON', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const path of [`/plans/${missing}/allocations.csv`, `/plans/${missing}.json`, '/plans/not-a-uuid.json']) {
        const response = await fetch(`${url}${path}`);
        expect(response.status, path).toBe(404);
        const error = await errorOf(response);
        expect(error.extensions.code).toBe('NOT_FOUND');
        expect(error.message).toMatch(/^no plan with id "/);
      }
      const { requestPlan } = await api(
        `mutation { requestPlan(input: { name: "cancelled at once", options: { periods: 24 } }) {
        ... on MutationRequestPlanSuccess { data { id } } } }`,
      );
      const cancelled: string = requestPlan.data.id;
      await api(`mutation($id: ID!) { cancelPlan(input: { id: $id }) { __typename } }`, { id: cancelled });
      const noSolution = await fetch(`${url}/plans/${cancelled}/allocations.csv`);
      expect(noSolution.status).toBe(409);
      expect((await errorOf(noSolution)).message).toBe(
        `plan ${cancelled} is CANCELLED and has no solution: it has no allocations`,
      );
      const cancelledJson = await fetch(`${url}/plans/${cancelled}.json`);
      expect(cancelledJson.status).toBe(200);
      expect(await cancelledJson.json()).toMatchObject({ id: cancelled, status: 'CANCELLED', result: null });

      const post = await fetch(`${url}/plans/${dayPlanId}.json`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      expect((await errorOf(post)).message).toBe(`/plans/${dayPlanId}.json answers GET only`);

      const foreign = await rawRequest(url, { host: 'rebound.example', path: `/plans/${dayPlanId}.json` });
      expect(foreign.status).toBe(421);
      expect(JSON.parse(foreign.body).errors[0].extensions.code).toBe('MISDIRECTED_REQUEST');
    });

    // last: once a key exists, this loopback server asks every request for one
    it('needs an API key as /graphql does once keys exist: 401 without one or with a bad one, any role reads', async () => {
      const { createApiKey } = await api(
        `mutation { createApiKey(input: { name: "export-viewer", role: VIEWER }) {
        ... on MutationCreateApiKeySuccess { data { key } } } }`,
      );
      const key: string = createApiKey.data.key;
      const path = `${url}/plans/${dayPlanId}/allocations.csv`;
      for (const [authorization, reason] of [
        [null, 'missing'],
        ['Bearer nonsense', 'malformed'],
        [`Bearer ${key.slice(0, -2)}${key.endsWith('xx') ? 'yy' : 'xx'}`, 'invalid'],
      ] as const) {
        const response = await fetch(path, authorization ? { headers: { authorization } } : {});
        expect(response.status, reason).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect((await errorOf(response)).extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
      }
      // a browser's navigation (accept: text/html) is no GraphiQL page load here: refused as well
      expect((await fetch(path, { headers: { accept: 'text/html' } })).status).toBe(401);
      // a refused caller learns nothing, not even whether the plan exists
      expect((await fetch(`${url}/plans/00000000-0000-4000-8000-000000000000.json`)).status).toBe(401);
      const allowed = await fetch(path, { headers: { authorization: `Bearer ${key}` } });
      expect(allowed.status).toBe(200);
      expect((await allowed.text()).trimEnd().split('\n').slice(1)).toEqual(dayRows);
    });
  },
);
