// N+1 guard: the number of SQL statements an operation sends must not grow with
// the number of sites it returns.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let statements: string[] = [];
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase({ onQuery: (sql) => statements.push(sql) });
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

const SITES_WITH_EVERYTHING = `query ($first: Int!) { sites(first: $first) { totalCount edges { node {
  code effectivePue
  inventory { installed gpuType { code throughputs { workloadClass { code } tokensPerSecond } } }
  energyCostPerGpuHour(gpuType: "H100-SXM")
  costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD")
  tokensPerJoule(gpuType: "H100-SXM", workloadClass: "AGENT")
  installedCapacity(workloadClass: "STANDARD") { tokensPerSecond itPowerKw }
  reach { workloadClass { code } regions { region { code } rttMs } }
} } } }`;

async function countStatements(query: string, variables: Record<string, unknown>) {
  await api.data(query, variables); // warm caches that are per process, not per request
  statements = [];
  await api.data(query, variables);
  return statements.length;
}

it('sites with inventory, derived costs, capacity and reach: constant statement count', async () => {
  const few = await countStatements(SITES_WITH_EVERYTHING, { first: 3 });
  const all = await countStatements(SITES_WITH_EVERYTHING, { first: 36 });
  expect(all).toBe(few);
  expect(all).toBeLessThanOrEqual(20);
});

it('demand regions with demand and candidate sites: constant statement count', async () => {
  const query = `{ demandRegions { code totalTokensPerSecond demand { workloadClass { code } tokensPerSecond effectiveRttBudgetMs }
    candidateSites(workloadClass: "INTERACTIVE") { site { code } rttMs } } }`;
  const count = await countStatements(query, {});
  expect(count).toBeLessThanOrEqual(10);
});
