// For the browser suites: the web view's build (dist/web, rebuilt by Vite when
// web/ is newer than it, so a test never runs a stale page) and the API of the
// server under test, as the tests read it to check the page; where their
// screenshots go.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

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
        edges { node { siteCode regionCode workloadClassCode period tokensPerSecond } } } } }`,
      { id, after },
      key,
    );
    const page = data.plan.allocations;
    rows.push(
      ...page.edges.map(({ node: r }: any) =>
        [r.siteCode, r.regionCode, r.workloadClassCode, r.period, r.tokensPerSecond].join(','),
      ),
    );
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}
