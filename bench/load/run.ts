// Load benchmark: the real server (`tokengrid serve`, embedded database with the
// fixtures, on loopback) under a mixed load of read queries (sites with derived
// costs, a region with its candidate sites, plan reads) with plan requests sent
// below the rate limit at the same time; then a bare graphql-yoga server
// answering `{ hello }` under the same load generator in the same run, and our
// overhead as a ratio. Prints figures; asserts nothing but reports errors.
// Run: npx tsx bench/load/run.ts [seconds per phase, default 10] [connections, default 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

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
const PLAN_REQUEST = `mutation { requestPlan(input: { name: "load" }) { __typename ... on MutationRequestPlanSuccess { data { id } } } }`;

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
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000);
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

const row = (name: string, f: Figures) =>
  `| ${name} | ${f.requests} | ${f.throughput.toFixed(0)} | ${f.meanMs.toFixed(2)} | ${f.p50} | ${f.p90} | ${f.p99} | ${f.errors} | ${f.non2xx} | ${f.graphqlErrors} |`;

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokengrid-load-'));
  const children: ChildProcess[] = [];
  try {
    console.log(`load: ${DURATION_SECONDS} s per phase, ${CONNECTIONS} connections, loopback only`);
    const server = await startProcess([CLI, 'serve'], {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      TOKENGRID_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      TOKENGRID_PLAN_REQUESTS_PER_MINUTE: String(PLAN_REQUESTS_PER_MINUTE),
      TOKENGRID_PLAN_REQUEST_BURST: '10',
    });
    children.push(server.child);
    // one solved plan, so plan reads have something to read
    const first = await post(server.url, PLAN_REQUEST.replace('name: "load"', 'name: "load", wait: true'));
    if (first.body.errors) throw new Error(JSON.stringify(first.body.errors));

    // plan requests alongside the read load, one a second (the limit is 2 a second)
    let planRequests = 0;
    let planFailures = 0;
    const planLoop = setInterval(() => {
      planRequests++;
      post(server.url, PLAN_REQUEST).then(
        (r) => {
          if (
            r.status !== 200 ||
            r.body.errors ||
            r.body.data?.requestPlan?.__typename !== 'MutationRequestPlanSuccess'
          )
            planFailures++;
        },
        () => planFailures++,
      );
    }, PLAN_REQUEST_EVERY_MS);
    const ours = await load(server.url, Object.values(READS));
    clearInterval(planLoop);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const oursSimple = await load(server.url, [`{ sites(first: 1) { totalCount } }`]);
    await stop(server.child);

    const bare = await startProcess([join(import.meta.dirname, 'bare-yoga.ts')], {});
    children.push(bare.child);
    const baseline = await load(bare.url, ['{ hello }']);
    await stop(bare.child);

    console.log(
      '\n| server, load | requests | req/s | mean ms | p50 ms | p90 ms | p99 ms | errors | non-2xx | GraphQL errors |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(row('tokengrid, mixed reads + plan requests', ours));
    console.log(row('tokengrid, `{ sites(first: 1) { totalCount } }`', oursSimple));
    console.log(row('bare graphql-yoga, `{ hello }`', baseline));
    console.log(
      `\nplan requests during the mixed load: ${planRequests} sent, ${planFailures} failed (limit ${PLAN_REQUESTS_PER_MINUTE}/min)`,
    );
    console.log(
      `overhead against bare yoga: throughput ×${(baseline.throughput / ours.throughput).toFixed(1)} lower (mixed), ` +
        `×${(baseline.throughput / oursSimple.throughput).toFixed(1)} lower (simple); ` +
        `mean latency ×${(ours.meanMs / baseline.meanMs).toFixed(1)} (mixed), ×${(oursSimple.meanMs / baseline.meanMs).toFixed(1)} (simple)`,
    );
    const failed =
      ours.errors +
      ours.non2xx +
      ours.graphqlErrors +
      oursSimple.errors +
      oursSimple.non2xx +
      oursSimple.graphqlErrors +
      planFailures;
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
