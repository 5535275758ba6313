// Load benchmark: the real server (`tokengrid serve`, fixtures loaded, on
// loopback) on the embedded database and, when one answers, on PostgreSQL (a
// database of its own, created for the run and dropped after), side by side.
// On each: a mixed load of read queries (sites with derived costs, a region
// with its candidate sites, plan reads) with 24-hour plan requests sent below
// the rate limit at the same time; then the plans list, a page of 20 sites with
// derived costs, and the smallest query alone. Last, a bare graphql-yoga server
// answering `{ hello }` under the same load generator, and our overhead as a
// ratio. Prints figures; asserts nothing but reports errors.
// Run: npx tsx bench/load/run.ts [seconds per phase, default 10] [connections, default 10]
// PostgreSQL: TOKENGRID_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres;
// skipped when it does not answer, or with TOKENGRID_BENCH_DATABASE_URL=none)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { scratchPostgresDatabase } from '../scratch-postgres.js';

const DURATION_SECONDS = Math.min(60, Math.max(2, Number(process.argv[2] ?? 10)));
const CONNECTIONS = Math.min(64, Math.max(1, Number(process.argv[3] ?? 10)));
/** the bench's own rate limit, and the plan requests it sends: well below it */
const PLAN_REQUESTS_PER_MINUTE = 120;
const PLAN_REQUEST_EVERY_MS = 1_000;

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

const READS = {
  sites: `{ sites(first: 20, orderBy: { field: PRICE_PER_KWH }) { totalCount edges { node {
    code pricePerKwh effectivePue powerCapKw
    energyCostPerGpuHour(gpuType: "H100-SXM")
    costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD")
    tokensPerJoule(gpuType: "B200", workloadClass: "STANDARD") } } } }`,
  region: `{ demandRegion(code: "EU-CENTRAL") { name totalTokensPerSecond
    demand { workloadClass { code } tokensPerSecond effectiveRttBudgetMs }
    candidateSites(workloadClass: "INTERACTIVE") { site { code country } rttMs rttBudgetMs } } }`,
  plans: `{ plans(first: 5) { totalCount edges { node { id status costPerMillionTokens solver } } }
    latestPlan { id status costPerMillionTokens totals { facilityPowerKw unservedTokensPerSecond } } }`,
};
/** the plans list as the web view asks for it */
const PLANS_LIST = `{ plans(first: 20) { totalCount edges { node { id name status final requestedAt costPerMillionTokens solver } } } }`;
const SIMPLEST = `{ sites(first: 1) { totalCount } }`;
/** 24-hour plans: their stored results are about a megabyte each, as a day-ahead planner's are */
const planRequest = (wait: boolean) =>
  `mutation { requestPlan(input: { name: "load", options: { periods: 24 }${wait ? ', wait: true' : ''} }) { __typename ... on MutationRequestPlanSuccess { data { id status } } } }`;

async function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL within 180 s:\n${output}`));
    }, 180_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL: (http:\/\/[^\s]+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
        output = '';
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  // drain the structured log so the pipe never blocks the server
  child.stdout!.resume();
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function post(url: string, query: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}

interface Figures {
  requests: number;
  throughput: number;
  meanMs: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
}

async function load(url: string, queries: string[]): Promise<Figures> {
  let graphqlErrors = 0;
  const result = await autocannon({
    url: `${url}/graphql`,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    requests: queries.map((query) => ({
      method: 'POST' as const,
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      onResponse: (_status: number, body: string) => {
        if (body.includes('"errors"')) graphqlErrors++;
      },
    })),
  });
  return {
    requests: result.requests.total,
    throughput: result.requests.average,
    meanMs: result.latency.mean,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
  };
}

type LoadName = 'mixed' | 'plans' | 'sites' | 'simplest';
const LOAD_NAMES: Record<LoadName, string> = {
  mixed: 'mixed reads + 24-hour plan requests',
  plans: '`plans(first: 20)` (the web list)',
  sites: '`sites(first: 20)` with derived costs',
  simplest: '`{ sites(first: 1) { totalCount } }`',
};

interface ServerRun {
  figures: Record<LoadName, Figures>;
  planRequests: number;
  planFailures: number;
}

/**
 * Another checkout (its dependencies installed) whose server runs every phase
 * just before ours, on a database of its own: a before/after in one run, under
 * the same machine load.
 */
const BASELINE_CHECKOUT = process.env.TOKENGRID_LOAD_BASELINE ?? null;

interface Side {
  cli: string;
  env: Record<string, string>;
}

async function solvedPlans(url: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const first = await post(url, planRequest(true));
    if (first.body.errors || first.body.data?.requestPlan?.data?.status !== 'SOLVED')
      throw new Error(JSON.stringify(first.body));
  }
}

/** The mixed load on one server, with its plan requests one a second (the limit is 2 a second). */
async function mixedLoad(url: string): Promise<Omit<ServerRun, 'figures'> & { figures: Figures }> {
  let planRequests = 0;
  let planFailures = 0;
  const planLoop = setInterval(() => {
    planRequests++;
    post(url, planRequest(false)).then(
      (r) => {
        if (r.status !== 200 || r.body.errors || r.body.data?.requestPlan?.__typename !== 'MutationRequestPlanSuccess')
          planFailures++;
      },
      () => planFailures++,
    );
  }, PLAN_REQUEST_EVERY_MS);
  const figures = await load(url, Object.values(READS));
  clearInterval(planLoop);
  return { figures, planRequests, planFailures };
}

/** Every load against freshly started servers (one per side), each phase on each server in turn. */
async function runServers(sides: Side[], children: ChildProcess[]): Promise<ServerRun[]> {
  // one at a time: two embedded databases loading the fixtures at once starve a small machine
  const servers: { child: ChildProcess; url: string }[] = [];
  for (const side of sides) {
    const server = await startProcess([side.cli, 'serve'], {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      TOKENGRID_PLAN_REQUESTS_PER_MINUTE: String(PLAN_REQUESTS_PER_MINUTE),
      TOKENGRID_PLAN_REQUEST_BURST: '10',
      ...side.env,
    });
    children.push(server.child);
    servers.push(server);
  }
  try {
    // solved plans, so plan reads have something to read
    for (const server of servers) await solvedPlans(server.url);
    const runs: ServerRun[] = [];
    for (const server of servers) {
      const mixed = await mixedLoad(server.url);
      // the queued plans finish before the next phase, so no solve competes with it
      await waitForQueue(server.url);
      runs.push({ ...mixed, figures: { mixed: mixed.figures } as Record<LoadName, Figures> });
    }
    for (const [name, query] of [
      ['plans', PLANS_LIST],
      ['sites', READS.sites],
      ['simplest', SIMPLEST],
    ] as const) {
      for (const [i, server] of servers.entries()) runs[i]!.figures[name] = await load(server.url, [query]);
    }
    return runs;
  } finally {
    for (const server of servers) await stop(server.child);
  }
}

async function waitForQueue(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const r = await post(url, `{ plans(first: 1, filter: { status: [QUEUED, RUNNING] }) { totalCount } }`);
    if (r.body.data?.plans?.totalCount === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the queued plans did not finish within 120 s');
}

const failures = (f: Figures) => f.errors + f.non2xx + f.graphqlErrors;
const cells = (f: Figures | undefined) =>
  f
    ? `${f.throughput.toFixed(0)} | ${f.meanMs.toFixed(2)} | ${f.p50} | ${f.p99} | ${failures(f)}`
    : '— | — | — | — | —';

/** Each load's figures on our server, and the ratio against the baseline's when there is one. */
function report(title: string, ours: ServerRun, baseline: ServerRun | undefined): void {
  console.log(`\n### ${title}\n`);
  if (baseline) {
    console.log(
      `| load | baseline req/s | ours req/s | ours ÷ baseline | baseline p50 / p99 ms | ours p50 / p99 ms | failed |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
  } else {
    console.log('| load | req/s | mean ms | p50 ms | p99 ms | failed |');
    console.log('|---|---:|---:|---:|---:|---:|');
  }
  for (const [name, label] of Object.entries(LOAD_NAMES) as [LoadName, string][]) {
    const f = ours.figures[name];
    const b = baseline?.figures[name];
    console.log(
      b
        ? `| ${label} | ${b.throughput.toFixed(0)} | ${f.throughput.toFixed(0)} | ×${(f.throughput / b.throughput).toFixed(2)} | ${b.p50} / ${b.p99} | ${f.p50} / ${f.p99} | ${failures(b) + failures(f)} |`
        : `| ${label} | ${cells(f)} |`,
    );
  }
  console.log(
    `\nplan requests during the mixed load: ${ours.planRequests} sent, ${ours.planFailures} failed` +
      (baseline ? ` (baseline: ${baseline.planRequests} sent, ${baseline.planFailures} failed)` : ''),
  );
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokengrid-load-'));
  const children: ChildProcess[] = [];
  try {
    console.log(`load: ${DURATION_SECONDS} s per phase, ${CONNECTIONS} connections, loopback only`);
    const cli = (checkout: string | null) => (checkout ? join(checkout, 'src/cli/main.ts') : CLI);
    const checkouts = BASELINE_CHECKOUT ? [null, BASELINE_CHECKOUT] : [null];
    if (BASELINE_CHECKOUT) console.log(`baseline: ${BASELINE_CHECKOUT}, each phase run on it just before ours`);
    const sides = (env: (i: number) => Record<string, string>) =>
      checkouts.map((checkout, i) => ({ cli: cli(checkout), env: env(i) })).reverse();
    const [embedded, embeddedBaseline] = (
      await runServers(
        sides((i) => ({ TOKENGRID_DATA_DIR: join(dataDir, String(i)) })),
        children,
      )
    ).reverse() as [ServerRun, ServerRun | undefined];
    const databases = await Promise.all(checkouts.map(() => scratchPostgresDatabase('tokengrid_load')));
    let postgres: ServerRun | null = null;
    let postgresBaseline: ServerRun | undefined;
    try {
      if (databases.every((database) => database !== null)) {
        [postgres, postgresBaseline] = (
          await runServers(
            sides((i) => ({ DATABASE_URL: databases[i]!.url })),
            children,
          )
        ).reverse() as [ServerRun, ServerRun | undefined];
      }
    } finally {
      for (const database of databases) await database?.drop();
    }

    const bare = await startProcess([join(import.meta.dirname, 'bare-yoga.ts')], {});
    children.push(bare.child);
    const baseline = await load(bare.url, ['{ hello }']);
    await stop(bare.child);

    report('embedded (PGlite)', embedded, embeddedBaseline);
    if (postgres) report('PostgreSQL', postgres, postgresBaseline);

    console.log('\n### side by side\n');
    const side = '| req/s | mean ms | p50 ms | p99 ms | failed ';
    console.log(`\n| load ${side.replaceAll('| ', '| embedded ')}${side.replaceAll('| ', '| PostgreSQL ')}|`);
    console.log(`|---${'|---:'.repeat(10)}|`);
    for (const [name, label] of Object.entries(LOAD_NAMES) as [LoadName, string][]) {
      console.log(`| ${label} | ${cells(embedded.figures[name])} | ${cells(postgres?.figures[name])} |`);
    }
    console.log(`| bare graphql-yoga, \`{ hello }\` | ${cells(baseline)} | | | | | |`);
    for (const [label, run] of [
      ['embedded', embedded],
      ['PostgreSQL', postgres],
    ] as const) {
      if (!run) continue;
      const { mixed, simplest } = run.figures;
      console.log(
        `\n${label}: plan requests during the mixed load: ${run.planRequests} sent, ${run.planFailures} failed (limit ${PLAN_REQUESTS_PER_MINUTE}/min); ` +
          `throughput against bare yoga ×${(baseline.throughput / simplest.throughput).toFixed(1)} lower (simplest), ` +
          `×${(baseline.throughput / mixed.throughput).toFixed(1)} lower (mixed)`,
      );
    }
    const failed = [embedded, postgres, embeddedBaseline, postgresBaseline].reduce(
      (sum, run) =>
        sum + (run ? Object.values(run.figures).reduce((s, f) => s + failures(f), 0) + run.planFailures : 0),
      0,
    );
    if (failed > 0) {
      console.error(`\n${failed} failed request(s) below the rate limit: that is a bug`);
      process.exitCode = 1;
    }
  } finally {
    for (const child of children) await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
