// A PostgreSQL that goes away under a running `tokengrid serve` (API keys
// configured), through a TCP proxy started here: refusing connections (a stopped
// server) and black-holed (a cut network: connections accepted, nothing answered).
// Every wait is bounded: /ready answers 503 within 2 s, a GraphQL request fails
// with the masked error and its request id within the configured timeouts (never
// the driver's text or a stack), the job queue logs the outage once rather than
// once per poll, and everything recovers by itself once the database is back.
// The embedded database lives in the server's own process and cannot go away.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { READINESS_TIMEOUT_MS } from '../../src/server/app.js';
import { cliWorkspace, runCli, serve, stop, type CliWorkspace, type ServerProcess } from '../helpers/cli.js';
import { describeIf } from '../helpers/skip.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const onPostgres = inject('testDatabase').kind === 'postgres';
const CONNECT_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 3_000;
/** the longest a request may wait: a connection, a statement, the client's margin for its answer */
const REQUEST_BOUND_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 2_000 + 1_500;

let workspace: CliWorkspace;
let proxy: TcpProxy;
let server: ServerProcess;
let key: string;

beforeAll(async () => {
  if (!onPostgres) return;
  workspace = await cliWorkspace('outage', { from: 'started' });
  const created = await runCli(workspace, ['keys', 'create', '--role', 'viewer', '--name', 'probe']);
  expect(created.code).toBe(0);
  key = created.out.trim();
  const direct = new URL(workspace.env['DATABASE_URL']!);
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  server = await serve(workspace, {
    DATABASE_URL: viaProxy.toString(),
    TOKENGRID_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    TOKENGRID_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
  });
}, 120_000);
afterAll(async () => {
  if (!onPostgres) return;
  await proxy?.forward();
  if (server) await stop(server.child);
  await proxy?.close();
  await workspace?.cleanup();
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: Math.round(performance.now() - started), value };
}

async function ready() {
  const response = await fetch(`${server.url}/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

async function query(headers: Record<string, string> = { authorization: `Bearer ${key}` }) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ sites(first: 1) { totalCount } }' }),
  });
  const text = await response.text();
  return { status: response.status, requestId: response.headers.get('x-request-id'), text, body: JSON.parse(text) };
}

/** The masked error, with the request id the response carries, and nothing of the driver. */
function expectMasked(answer: Awaited<ReturnType<typeof query>>) {
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0]).toEqual({
    message: 'Unexpected error.',
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: answer.requestId },
    ...(answer.body.errors[0].locations ? { locations: answer.body.errors[0].locations } : {}),
    ...(answer.body.errors[0].path ? { path: answer.body.errors[0].path } : {}),
  });
  expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.text).not.toMatch(/prisma|ECONNREFUSED|timeout|stack|invocation|\bat \S+ \(|127\.0\.0\.1|postgres/i);
}

/** Polls until the database answers the probe and a query again; the time it took. */
async function recovery(): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probe = await ready().catch(() => null);
    const answer = probe?.status === 200 ? await query().catch(() => null) : null;
    if (answer?.status === 200 && answer.body.data?.sites?.totalCount > 0) break;
    if (Date.now() > deadline) throw new Error(`not recovered within 30 s:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Math.round(performance.now() - started);
}

const queueLines = (from: number) =>
  server
    .output()
    .slice(from)
    .split('\n')
    .filter((line) => /"msg":"job queue/.test(line));

describeIf(
  onPostgres,
  'a database that goes away',
  'PostgreSQL only: the embedded PGlite runs inside the server process and cannot go away on its own',
  () => {
    it(
      'refused, then black-holed: bounded waits, masked errors, one log line, recovery by itself',
      { timeout: 120_000 },
      async () => {
        expect((await ready()).status).toBe(200);
        expect((await query()).body.data.sites.totalCount).toBeGreaterThan(0);

        // refusing: the key lookup fails before execution, and is masked all the same
        let logFrom = server.output().length;
        await proxy.refuse();
        const refusedReady = await timed(ready);
        expect(refusedReady.value).toEqual({
          status: 503,
          body: { status: 'not ready', reason: 'the database does not answer' },
        });
        const refusedQuery = await timed(() => query());
        expect(refusedQuery.value.status).toBe(500);
        expectMasked(refusedQuery.value);
        // a request without a key asks whether any key exists: masked too
        const keyless = await query({});
        expect(keyless.status).toBe(500);
        expectMasked(keyless);
        // the real error is in the log under the client's request id
        expect(server.output()).toContain(`"requestId":"${refusedQuery.value.requestId}"`);
        // the job queue's workers poll every 2 s meanwhile: one line, not one per poll
        await new Promise((resolve) => setTimeout(resolve, 8_000));
        const refusedLines = queueLines(logFrom);
        expect(refusedLines.length).toBeGreaterThanOrEqual(1);
        expect(refusedLines.length).toBeLessThanOrEqual(2);
        logFrom = server.output().length;
        await proxy.forward();
        const refusedRecovery = await recovery();
        // the queue notices on its next try (its window is at most 15 s)
        const deadline = Date.now() + 25_000;
        while (!queueLines(logFrom).some((line) => line.includes('answers again')) && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 200));
        expect(queueLines(logFrom).some((line) => line.includes('answers again'))).toBe(true);

        // black-holed: connections are accepted and nothing comes back, on the pool's open
        // connections too (the query just before leaves one idle: the answer's bound holds there)
        expect((await query()).status).toBe(200);
        proxy.blackhole();
        const heldReady = await timed(ready);
        expect(heldReady.value).toEqual({
          status: 503,
          body: { status: 'not ready', reason: 'the database does not answer' },
        });
        expect(heldReady.ms).toBeLessThan(READINESS_TIMEOUT_MS + 500);
        const heldQueries = await Promise.all([timed(() => query()), timed(() => query())]);
        for (const held of heldQueries) {
          expect(held.value.status).toBe(500);
          expectMasked(held.value);
          expect(held.ms).toBeLessThan(REQUEST_BOUND_MS);
        }
        await proxy.forward();
        const heldRecovery = await recovery();

        expect(refusedReady.ms).toBeLessThan(READINESS_TIMEOUT_MS + 500);
        expect(refusedQuery.ms).toBeLessThan(REQUEST_BOUND_MS);
        console.log(
          `database outage (PostgreSQL through a TCP proxy; connect timeout ${CONNECT_TIMEOUT_MS} ms, statement timeout ${STATEMENT_TIMEOUT_MS} ms): ` +
            `refused: /ready 503 in ${refusedReady.ms} ms, GraphQL masked 500 in ${refusedQuery.ms} ms, ` +
            `${refusedLines.length} job-queue log line(s) in 8 s, recovered ${refusedRecovery} ms after it came back; ` +
            `black-holed: /ready 503 in ${heldReady.ms} ms, GraphQL masked 500 in ${heldQueries.map((q) => q.ms).join(' and ')} ms, ` +
            `recovered ${heldRecovery} ms after it came back`,
        );
      },
    );
  },
);
