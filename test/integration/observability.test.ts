// Observability: one structured log line per GraphQL request (request id,
// operation, key name, outcome, duration; never the key), /metrics in
// Prometheus format with request, rejection, queue and solve metrics, one log
// line per solve, and /ready false when the database cannot be reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { createApp } from '../../src/server/app.js';
import { testApi, TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let planJobs: Jobs;
let metrics: Metrics;
let lines: Record<string, any>[];
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase();
  lines = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  metrics = createMetrics({ defaultMetrics: false });
  planJobs = await startJobs(db, {
    queue: { supervise: false, schedule: false, pollingIntervalSeconds: 0.5 },
    logger,
    metrics,
  });
  api = testApi(db, { jobs: planJobs, logger, metrics });
});
afterAll(async () => {
  await planJobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

const SECRET_KEY = 'tgk_abcdefghijkl_0123456789abcdefghijklmnopqrstuv';

async function post(body: unknown, headers: Record<string, string> = {}) {
  return api.app.fetch('http://tokengrid.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const requestLines = () => lines.filter((line) => line.msg === 'graphql request');

describe('request log', () => {
  it('logs one JSON line per request with its id, operation, key name, outcome and duration', async () => {
    lines.length = 0;
    await (
      await post({ query: 'query CheapSites { sites(first: 2) { totalCount } }' }, { 'x-request-id': 'obs-1' })
    ).text();
    const [line] = requestLines();
    expect(line).toMatchObject({
      requestId: 'obs-1',
      operationName: 'CheapSites',
      operationType: 'query',
      outcome: 'ok',
      status: 200,
      service: 'tokengrid',
    });
    expect(line).toHaveProperty('keyName');
    expect(typeof line!.durationMs).toBe('number');
  });

  it('never logs the key or the Authorization header, even of a refused request', async () => {
    lines.length = 0;
    await (
      await post(
        { query: '{ sites(first: 1) { totalCount } }' },
        { 'x-request-id': 'obs-2', authorization: `Bearer ${SECRET_KEY}` },
      )
    ).text();
    expect(requestLines()).toHaveLength(1);
    expect(requestLines()[0]).toMatchObject({ requestId: 'obs-2' });
    expect(JSON.stringify(lines)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(lines).toLowerCase()).not.toContain('bearer');
  });

  it('anonymous mutations get their type; refusals are "rejected" with a reason; field errors are "error"', async () => {
    lines.length = 0;
    await (await post({ query: 'mutation { deleteSite(input: { code: "NOPE-1" }) { __typename } }' })).text();
    await (await post({ query: '{ sites(first: 0) { totalCount } }' })).text();
    await (await post({ query: '{ nope }' })).text();
    const [mutation, fieldError, invalid] = requestLines();
    expect(mutation).toMatchObject({ operationName: null, operationType: 'mutation', outcome: 'ok' });
    expect(fieldError).toMatchObject({ outcome: 'error' });
    expect(invalid).toMatchObject({ outcome: 'rejected', reason: 'validation' });
  });

  it('a query past the depth limit is rejected with reason "depth"', async () => {
    lines.length = 0;
    const levels = [
      'site(code: "FI-HAM")',
      'reach',
      'regions',
      'region',
      'candidateSites(workloadClass: "STANDARD")',
      'site',
    ];
    const path = [...levels, ...levels.slice(1)];
    const deep = `{ ${path.join(' { ')} { code${' }'.repeat(path.length)} }`;
    const response = await post({ query: deep });
    expect(response.status).toBe(400);
    expect(requestLines()[0]).toMatchObject({ outcome: 'rejected', reason: 'depth', status: 400 });
  });
});

describe('/metrics', () => {
  it('serves the registry in Prometheus text format with requests, rejections, queue depth and solves', async () => {
    const response = await api.app.fetch('http://tokengrid.test/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^tokengrid_graphql_requests_total\{operation="CheapSites",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(
      /^tokengrid_graphql_request_duration_seconds_bucket\{le="0.005",operation="CheapSites",outcome="ok"\} \d+/m,
    );
    expect(text).toMatch(/^tokengrid_rejected_requests_total\{reason="depth"\} [1-9]/m);
    expect(text).toMatch(/^tokengrid_solve_queue_depth 0$/m);
    expect(text).toMatch(/^tokengrid_solves_running 0$/m);
  });

  it('counts a solve by solver and status, the plan outcome, and logs the solve with its model size and times', async () => {
    lines.length = 0;
    const result = await api.data<{ requestPlan: { data: { id: string; status: string } } }>(
      `mutation { requestPlan(input: { name: "observed", wait: true }) { ... on MutationRequestPlanSuccess { data { id status } } } }`,
    );
    const { id, status } = result.requestPlan.data;
    expect(status).toBe('SOLVED');
    // the job's log line is written after the plan's status: wait for it
    for (let i = 0; i < 50 && !lines.some((line) => line.msg === 'solve finished'); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const solve = lines.find((line) => line.msg === 'solve finished');
    expect(solve).toMatchObject({ planId: id, status: 'SOLVED', outcome: 'recorded' });
    expect(solve!.modelVariables).toBeGreaterThan(0);
    expect(solve!.modelConstraints).toBeGreaterThan(0);
    expect(typeof solve!.buildMs).toBe('number');
    expect(typeof solve!.solveMs).toBe('number');
    expect(typeof solve!.solver).toBe('string');
    const text = await (await api.app.fetch('http://tokengrid.test/metrics')).text();
    expect(text).toMatch(
      new RegExp(`^tokengrid_solve_duration_seconds_count\\{solver="${solve!.solver}",status="SOLVED"\\} 1$`, 'm'),
    );
    expect(text).toMatch(/^tokengrid_plan_outcomes_total\{status="SOLVED"\} 1$/m);
    expect(text).toMatch(/^tokengrid_graphql_requests_total\{operation="anonymous",outcome="ok"\} [1-9]/m);
  });

  it('reports the queue depth read from pg-boss at each scrape', async () => {
    const enqueueOnly = await startJobs(db, { worker: false, queue: { supervise: false, schedule: false } });
    try {
      const queued = testApi(db, { jobs: enqueueOnly, metrics: createMetrics({ defaultMetrics: false }) });
      // the solving Jobs above would take it: stop its worker first
      await planJobs.stop({ graceMs: 0 });
      await queued.data(`mutation { requestPlan(input: { name: "waiting" }) { __typename } }`);
      const text = await (await queued.app.fetch('http://tokengrid.test/metrics')).text();
      expect(text).toMatch(/^tokengrid_solve_queue_depth [1-9]/m);
    } finally {
      await enqueueOnly.stop({ graceMs: 0 });
    }
  });
});

describe('/ready', () => {
  it('is not ready when the database cannot be reached', async () => {
    // a database whose connection is gone: every query fails as it would with the server down
    const unreachable = await openTestDatabase({ fixtures: false });
    await unreachable.close();
    const response = await createApp({ db: unreachable, limits: TEST_LIMITS }).fetch('http://tokengrid.test/ready');
    expect(response.status).toBe(503);
    const healthy = await createApp({ db, limits: TEST_LIMITS }).fetch('http://tokengrid.test/ready');
    expect(healthy.status).toBe(200);
  });
});
