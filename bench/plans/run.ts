// Plans-service benchmark: the time from requestPlan to SOLVED over real HTTP
// against the bare solve of the same snapshot (the service's overhead), on the
// embedded database and on PostgreSQL, and on PostgreSQL with the API and a
// `tokengrid worker` in separate processes; and the API's latency for a simple
// query while a large solve runs, against idle. Prints figures; asserts nothing.
// Run: npx tsx bench/plans/run.ts [data set directory]   (PostgreSQL: TOKENGRID_BENCH_DATABASE_URL,
// default postgres://postgres@127.0.0.1:5432/postgres; skipped when it does not answer)
// With a directory (e.g. fixtures/one-model) that data set is seeded instead
// of the bundled fixtures, and the large solve is its 24-hour plan.
import { spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { openDatabase, type Database } from '../../src/db/database.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import { startJobs } from '../../src/jobs/runtime.js';
import type { Jobs } from '../../src/jobs/runtime.js';
import { DEFAULT_LIMITS } from '../../src/limits-config.js';
import { closeSolverWorkers, solvePlacementInWorker } from '../../src/optimizer/worker-pool.js';
import { createApp } from '../../src/server/app.js';
import { listen } from '../../src/server/http.js';
import { seedFixtures } from '../../src/server/start.js';
import { scratchPostgresDatabase } from '../scratch-postgres.js';

const RUNS = 7;
const LATENCY_REQUESTS = 60;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function graphql(url: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const REQUEST = `mutation ($options: PlanOptionsInput) { requestPlan(input: { name: "bench", options: $options, wait: true }) {
  __typename ... on MutationRequestPlanSuccess { data { id status solveMs buildMs } } } }`;
const SIMPLE = `{ sites(first: 10) { totalCount edges { node { code pricePerKwh } } } }`;
/** the data set seeded (default: the bundled fixtures) */
const fixturesDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
const seedOptions = fixturesDir === undefined ? {} : { fixturesDir };
/**
 * The bundled fixtures: a whole-GPU 24-hour plan, seconds of HiGHS branch and bound in the worker thread.
 * Another data set (seven models): its 24-hour plan, an LP that alone takes seconds.
 */
const LARGE_OPTIONS =
  fixturesDir === undefined
    ? { periods: 24, integerGpus: true, mipGapRelative: 0.0001, timeLimitSeconds: 60 }
    : { periods: 24, timeLimitSeconds: 60 };
const LARGE_LABEL = fixturesDir === undefined ? 'a 24-hour whole-GPU plan' : 'its 24-hour plan';

/** a plan's status and a page of sites: what a tool following a plan asks */
const FOLLOW = `query ($id: ID!) { plan(id: $id) { status } ${SIMPLE.slice(1, -1)} }`;

async function latencies(url: string, planId: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const started = performance.now();
    await graphql(url, FOLLOW, { id: planId });
    out.push(performance.now() - started);
  }
  return out;
}

/** The API on loopback, its plan-request rate limit lifted: the benchmark sends more than a person would. */
const benchServer = (db: Database, jobs: Jobs) =>
  listen(
    createApp({ db, jobs, limits: { ...DEFAULT_LIMITS, planRequestRate: { perMinute: 100_000, burst: 1_000 } } }),
    '127.0.0.1',
    0,
  );

/** requestPlan(wait: true) → SOLVED over HTTP, RUNS times after a warm-up, and each plan's pick-up as stored. */
async function requestToSolved(url: string, db: Database) {
  await graphql(url, REQUEST); // warm the service path
  const service: number[] = [];
  const pickUp: number[] = [];
  const heard: number[] = [];
  let solvedId = '';
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const data = await graphql(url, REQUEST);
    if (data.requestPlan.data?.status !== 'SOLVED') throw new Error(`service: ${JSON.stringify(data)}`);
    service.push(performance.now() - started);
    const answeredAt = Date.now();
    solvedId = data.requestPlan.data.id;
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { id: solvedId } });
    pickUp.push(plan.startedAt!.getTime() - plan.requestedAt.getTime());
    heard.push(answeredAt - plan.finishedAt!.getTime());
  }
  return { service, pickUp, heard, solvedId };
}

/**
 * The API here (no worker) and `tokengrid worker` in a child process on the
 * same PostgreSQL database, with the deployment's defaults: request → SOLVED
 * includes the worker's pick-up and the API hearing of the other process's write.
 */
async function benchSeparateProcesses(databaseUrl: string) {
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl });
  await applyMigrations(db);
  await seedFixtures(db, seedOptions);
  const jobs = await startJobs(db, { worker: false, queue: { supervise: false } });
  const server = await benchServer(db, jobs);
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../../src/cli/main.ts'), 'worker'],
    { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      worker.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('tokengrid worker ready')) resolve();
      });
      worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready:\n${output}`)));
    });
    const { service, pickUp, heard } = await requestToSolved(server.url, db);
    console.log(`\n## PostgreSQL, API and \`tokengrid worker\` in separate processes`);
    console.log(`| figure | value |\n|---|---|`);
    console.log(`| requestPlan(wait: true) → SOLVED over HTTP, median of ${RUNS} | ${ms(median(service))} |`);
    console.log(`| job pick-up (plan requested → RUNNING), median of ${RUNS} | ${ms(median(pickUp))} |`);
    console.log(`| final status written → answer received, median of ${RUNS} | ${ms(median(heard))} |`);
  } finally {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
    await server.close();
    await jobs.stop({ graceMs: 0 });
    await db.close();
  }
}

async function bench(label: string, db: Database) {
  await applyMigrations(db);
  await seedFixtures(db, seedOptions);
  const jobs = await startJobs(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
  const server = await benchServer(db, jobs);
  try {
    const input = await planningInputFromDatabase(db);
    await solvePlacementInWorker(input, {}); // warm the worker and HiGHS
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const result = await solvePlacementInWorker(input, {});
      if (result.status !== 'optimal') throw new Error(`bare solve: ${result.status}`);
      bare.push(performance.now() - started);
    }
    const { service, pickUp, heard, solvedId } = await requestToSolved(server.url, db);

    const idle = await latencies(server.url, solvedId);
    // sample the same query for as long as a large solve runs in the worker thread
    const busyStart = performance.now();
    const started = await graphql(server.url, REQUEST.replace('wait: true', 'wait: false'), { options: LARGE_OPTIONS });
    const planId: string = started.requestPlan.data.id;
    const busy: number[] = [];
    let status = 'QUEUED';
    while (!['SOLVED', 'INFEASIBLE', 'TIME_LIMIT', 'FAILED', 'CANCELLED'].includes(status)) {
      const sampled = performance.now();
      const data = await graphql(server.url, FOLLOW, { id: planId });
      if (status === 'RUNNING') busy.push(performance.now() - sampled);
      status = data.plan.status;
    }
    const largeMs = performance.now() - busyStart;
    const largePlan = { requestPlan: { data: { status } } };

    console.log(`\n## ${label}`);
    console.log(`| figure | value |\n|---|---|`);
    console.log(`| bare solve of the snapshot (warm worker), median of ${RUNS} | ${ms(median(bare))} |`);
    console.log(`| requestPlan(wait: true) → SOLVED over HTTP, median of ${RUNS} | ${ms(median(service))} |`);
    console.log(`| job pick-up (plan requested → RUNNING), median of ${RUNS} | ${ms(median(pickUp))} |`);
    console.log(`| final status written → answer received, median of ${RUNS} | ${ms(median(heard))} |`);
    console.log(
      `| service overhead | ${ms(median(service) - median(bare))} (${(median(service) / median(bare)).toFixed(2)}×) |`,
    );
    console.log(
      `| plan status + 10 sites, idle, p50 / p95 (${LATENCY_REQUESTS} sequential) | ${ms(percentile(idle, 0.5))} / ${ms(percentile(idle, 0.95))} |`,
    );
    console.log(
      `| same query (with the plan's status) while it solves, p50 / p95 (${busy.length} samples) | ${ms(percentile(busy, 0.5))} / ${ms(percentile(busy, 0.95))} |`,
    );
    console.log(
      `| busy ÷ idle, p50 / p95 | ${(percentile(busy, 0.5) / percentile(idle, 0.5)).toFixed(2)}× / ${(percentile(busy, 0.95) / percentile(idle, 0.95)).toFixed(2)}× |`,
    );
    console.log(
      `| the large solve, ${LARGE_LABEL} (${largePlan.requestPlan.data?.status}), request to finish | ${(largeMs / 1000).toFixed(1)} s |`,
    );
  } finally {
    await server.close();
    await jobs.stop({ graceMs: 0 });
    await db.close();
  }
}

console.log(
  `# Plans service (node ${process.version}, ${new Date().toISOString()}, data: ${fixturesDir === undefined ? 'the bundled fixtures' : relative(process.cwd(), fixturesDir)})`,
);
await bench('embedded (PGlite)', await openDatabase({ kind: 'pglite', dataDir: ':memory:' }));
const postgres = await scratchPostgresDatabase('tokengrid_bench');
if (postgres) {
  try {
    await bench('PostgreSQL', await openDatabase({ kind: 'postgres', url: postgres.url }));
  } finally {
    await postgres.drop();
  }
  const separate = await scratchPostgresDatabase('tokengrid_bench');
  if (separate) {
    try {
      await benchSeparateProcesses(separate.url);
    } finally {
      await separate.drop();
    }
  }
}
await closeSolverWorkers();
