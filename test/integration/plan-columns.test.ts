// Plans read only the columns the asked fields need: the stored result (about a
// megabyte for a 24-hour plan) and the snapshot (the whole data set) are sent by
// the database only for fields that show them, and the answers stay the same.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let jobs: Jobs;
let api: ReturnType<typeof testApi>;
let statements: string[] = [];
let planId: string;

beforeAll(async () => {
  db = await openTestDatabase({ onQuery: (sql) => statements.push(sql) });
  jobs = await startJobs(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
  api = testApi(db, { jobs });
  const requested = await api.data<{ requestPlan: { data: { id: string; status: string } } }>(
    `mutation { requestPlan(input: { name: "columns", wait: true }) { ... on MutationRequestPlanSuccess { data { id status } } } }`,
  );
  expect(requested.requestPlan.data.status).toBe('SOLVED');
  planId = requested.requestPlan.data.id;
});
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

/** The SQL statements one operation sends that read the plan table's named column. */
async function planStatementsReading(column: string, query: string, variables?: Record<string, unknown>) {
  statements = [];
  const data = await api.data(query, variables);
  const reading = statements.filter((sql) => /FROM\s+"public"\."Plan"/i.test(sql) && sql.includes(`"${column}"`));
  return { data, reading };
}

it('the plans list reads neither the result nor the snapshot', async () => {
  const list = `{ plans(first: 20) { totalCount edges { node {
    id name status final requestedAt finishedAt costPerMillionTokens costPerHour solver scenario { code } schedule { name }
  } } } }`;
  for (const column of ['result', 'inputSnapshot']) {
    const { data, reading } = await planStatementsReading(column, list);
    expect(reading).toEqual([]);
    expect(data.plans.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(planId);
  }
});

it('fields over the result still read it, and agree with the list', async () => {
  const { data, reading } = await planStatementsReading(
    'result',
    `query ($id: ID!) { plan(id: $id) { costPerMillionTokens message totals { costPerMillionTokens } sites { siteCode } } }`,
    { id: planId },
  );
  expect(reading.length).toBeGreaterThan(0);
  expect(data.plan.totals.costPerMillionTokens).toBeCloseTo(data.plan.costPerMillionTokens, 9);
  expect(data.plan.sites.length).toBeGreaterThan(0);
  const snapshot = await planStatementsReading(
    'inputSnapshot',
    `query ($id: ID!) { plan(id: $id) { totals { gpusBusy } } }`,
    {
      id: planId,
    },
  );
  expect(snapshot.reading).toEqual([]);
});

it('requesting a plan does not read back its snapshot', async () => {
  statements = [];
  const data = await api.data(
    `mutation { requestPlan(input: { name: "no read-back" }) { ... on MutationRequestPlanSuccess { data { id status } } } }`,
  );
  expect(data.requestPlan.data.status).toMatch(/QUEUED|RUNNING|SOLVED/);
  const inserts = statements.filter((sql) => /INSERT INTO\s+"public"\."Plan"/i.test(sql));
  expect(inserts).toHaveLength(1);
  // the INSERT writes it; nothing selects or returns it
  expect(inserts[0]).toContain('"inputSnapshot"');
  expect(/RETURNING(.*)$/is.exec(inserts[0]!)?.[1] ?? '').not.toContain('"inputSnapshot"');
  const reads = statements.filter((sql) => !/^\s*INSERT/i.test(sql) && sql.includes('"inputSnapshot"'));
  expect(reads).toEqual([]);
});
