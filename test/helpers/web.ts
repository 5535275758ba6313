// The web view for the browser suites: its build (dist/web, rebuilt by Vite
// when web/ is newer than it, so a test never runs a stale page), a served app
// with Chromium, the API of the server under test as the tests read it to check
// the page, and where the screenshots go.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './browser.js';
import { cliWorkspace, serve, stop } from './cli.js';

const ROOT = join(import.meta.dirname, '../..');
const WEB_SOURCES = join(ROOT, 'web');
const WEB_BUILD = join(ROOT, 'dist/web/index.html');
export const SCREENSHOTS = join(ROOT, 'test-output/web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/web when it is missing or older than web/ (a few seconds). */
export function ensureWebBuild(): void {
  if (existsSync(WEB_BUILD) && statSync(WEB_BUILD).mtimeMs >= newestMtime(WEB_SOURCES)) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(WEB_SOURCES, 'vite.config.ts')],
    { cwd: ROOT, stdio: 'pipe' },
  );
}

export interface WebApp {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The web view served by `tokengrid serve` on a fresh data directory (or
 * PostgreSQL database) loaded with the fixtures, and Chromium to open it.
 */
export async function startWebApp(prefix: string): Promise<WebApp> {
  ensureWebBuild();
  await mkdir(SCREENSHOTS, { recursive: true });
  const workspace = await cliWorkspace(prefix, { from: 'started' });
  let server: ChildProcess | undefined;
  try {
    const started = await serve(workspace, { LOG_LEVEL: 'warn' });
    server = started.child;
    const browser = await launchChromium();
    return {
      url: started.url,
      browser,
      async close() {
        await browser.close();
        await stop(started.child);
        await workspace.cleanup();
      },
    };
  } catch (error) {
    if (server) await stop(server);
    await workspace.cleanup();
    throw error;
  }
}

/** A page that logs the app's uncaught errors. */
export async function newPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Aborts every request of the context to a host that is not loopback (data:
 * and blob: URLs never leave the page) and answers the list of those refused,
 * so a test can say the page asked for nothing off the machine.
 */
export async function refuseNonLoopback(context: BrowserContext): Promise<string[]> {
  const refused: string[] = [];
  const local = (address: string) => {
    const parsed = new URL(address);
    return parsed.protocol === 'data:' || parsed.protocol === 'blob:' || LOOPBACK.has(parsed.hostname);
  };
  await context.route('**/*', (route) => {
    const address = route.request().url();
    if (local(address)) return route.continue();
    refused.push(address);
    return route.abort('internetdisconnected');
  });
  // what routes do not see: web sockets
  context.on('page', (page) =>
    page.on('websocket', (socket) => {
      if (!local(socket.url())) refused.push(socket.url());
    }),
  );
  return refused;
}

/** A GraphQL request to a running server, failing the test on any error; `key` is sent as a Bearer token. */
export async function graphqlAt(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** Every allocation of a plan through GraphQL (100 a page), as the lines of the CSV export. */
export async function allocationCsvLines(url: string, id: string, key?: string): Promise<string[]> {
  const rows: string[] = [];
  let after: string | null = null;
  for (;;) {
    const data = await graphqlAt(
      url,
      `query($id: ID!, $after: String) { plan(id: $id) { allocations(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { siteCode regionCode modelCode workloadClassCode period tokensPerSecond } } } } }`,
      { id, after },
      key,
    );
    const page = data.plan.allocations;
    rows.push(
      ...page.edges.map(({ node: r }: any) =>
        [r.siteCode, r.regionCode, r.modelCode, r.workloadClassCode, r.period, r.tokensPerSecond].join(','),
      ),
    );
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}
