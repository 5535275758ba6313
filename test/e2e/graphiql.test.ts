// GraphiQL at /graphql in a real Chromium with the network to anything but
// loopback refused: every request the page makes is routed here, and one to a
// host other than 127.0.0.1/localhost fails the test. The editor must render and
// its default query (the ten cheapest-power sites) must run and show data.
import { type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliWorkspace, serve, stop, type CliWorkspace } from '../helpers/cli.js';
import { describeIf } from '../helpers/skip.js';

const SCREENSHOTS = join(import.meta.dirname, '../../test-output/web');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

let workspace: CliWorkspace | undefined;
let server: ChildProcess | undefined;
let url: string;
let browser: Browser | undefined;

/** defined in the page by an init script */
declare function editorText(selector: string): string;

describeIf(
  hasChromium,
  'GraphiQL offline in Chromium',
  `${CHROMIUM} is not installed (apt-get install chromium)`,
  () => {
    beforeAll(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      workspace = await cliWorkspace('graphiql', { from: 'started' });
      const started = await serve(workspace, { LOG_LEVEL: 'warn' });
      server = started.child;
      url = started.url;
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      if (server) await stop(server);
      await workspace?.cleanup();
    });

    it('renders the editor and runs the default query with no request to a non-loopback host', async () => {
      const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
      const offHost: string[] = [];
      const requested: string[] = [];
      const isLoopback = (address: string) => {
        const parsed = new URL(address);
        // data: and blob: URLs (the inlined fonts, favicon and editor workers) never leave the page
        return parsed.protocol === 'data:' || parsed.protocol === 'blob:' || LOOPBACK.has(parsed.hostname);
      };
      await context.route('**/*', (route) => {
        const address = route.request().url();
        requested.push(address);
        if (isLoopback(address)) return route.continue();
        offHost.push(address);
        return route.abort('internetdisconnected');
      });
      // also what the routes cannot see: web sockets and service workers' requests
      context.on('request', (request) => {
        if (!isLoopback(request.url())) offHost.push(request.url());
      });
      const page = await context.newPage();
      page.on('websocket', (socket) => {
        if (!isLoopback(socket.url())) offHost.push(socket.url());
      });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));

      const started = Date.now();
      // Monaco renders lines as spans with non-breaking spaces: read them as plain text
      await page.addInitScript(() => {
        (globalThis as unknown as { editorText: (selector: string) => string }).editorText = (selector) =>
          [...document.querySelectorAll<HTMLElement>(`${selector} .view-line`)]
            .map((line) => line.innerText.replace(/\u00a0/g, ' '))
            .join('\n');
      });
      const loaded = await page.goto(`${url}/graphql`);
      expect(loaded?.status()).toBe(200);
      expect(await page.title()).toBe('tokengrid');
      // the query editor (Monaco) shows the default query
      await page.waitForFunction(() => editorText('.graphiql-query-editor').includes('sites(first: 10'), null, {
        timeout: 60_000,
      });
      const rendered = Date.now() - started;
      // the favicon is the page's own, inlined
      expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\//);

      // the answer as it came over the wire (the response pane, Monaco, draws only the lines in view)
      // (GraphiQL posts its introspection query too: wait for the default query's answer)
      const answered = page.waitForResponse(
        (response) =>
          response.url().startsWith(`${url}/graphql`) &&
          response.request().method() === 'POST' &&
          (response.request().postData() ?? '').includes('fleet'),
      );
      await page.locator('.graphiql-execute-button').click();
      const body = (await (await answered).json()) as {
        data?: { fleet: { sites: number }; sites: { edges: unknown[] } };
        errors?: unknown;
      };
      expect(body.errors).toBeUndefined();
      expect(body.data?.fleet.sites).toBe(36);
      expect(body.data?.sites.edges).toHaveLength(10);
      // and the pane shows it: the first site by price with its figures
      await page.waitForFunction(() => editorText('.graphiql-response').includes('"costPerMillionTokens"'), null, {
        timeout: 60_000,
      });
      const response = await page.evaluate(() => editorText('.graphiql-response'));
      expect(response).toMatch(/"code": "[A-Z]{2}-[A-Z]{3}",\s+"name": "[^"]+",\s+"pricePerKwh": 0\.\d+/);
      expect(response).toMatch(/"costPerMillionTokens": 0\.\d+/);
      // what the page asked for went to this server only (the page, then the query)
      expect(requested.filter((address) => address.startsWith(`${url}/graphql`)).length).toBeGreaterThanOrEqual(2);
      expect(offHost).toEqual([]);
      expect(pageErrors).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'graphiql.png') });
      console.log(`GraphiQL rendered in ${rendered} ms; ${requested.length} requests, all to ${url}`);
      await context.close();
    }, 180_000);
  },
);
