// Every request limit, tripped by a request just over it and passed by one just
// under it, through the real HTTP app in process against a real database.
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { buildPlanModel } from '../../src/optimizer/solve.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/optimizer/types.js';
import { schema } from '../../src/graphql/schema/index.js';
import { createApp } from '../../src/server/app.js';
import { introspectionCosts } from '../../src/server/plugins/use-complexity-limit.js';
import { DEFAULT_LIMITS, MIB, type Limits } from '../../src/limits-config.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let planJobs: Jobs;

beforeAll(async () => {
  db = await openTestDatabase();
  planJobs = await startJobs(db, { worker: false, queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
});
afterAll(async () => {
  await planJobs?.stop({ graceMs: 0 });
  await db?.close();
});

// on PostgreSQL the buckets are rows shared by every app on the database: each test starts with full ones
beforeEach(async () => {
  if (db.kind === 'postgres') await db.exec('DELETE FROM "RateLimitBucket"');
});

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

function appWith(limits: Partial<Limits> = {}) {
  return createApp({ db, jobs: planJobs, limits: { ...TEST_LIMITS, ...limits } });
}

async function post(app: ReturnType<typeof appWith>, body: string, headers: Record<string, string> = {}) {
  const response = await app.fetch('http://tokengrid.test/graphql', {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** A request body of exactly `size` bytes: the operation plus an unused, padded variable. */
function bodyOfSize(size: number, query: string, variables: Record<string, unknown> = {}): string {
  const empty = JSON.stringify({ query, variables: { ...variables, pad: '' } });
  const body = JSON.stringify({ query, variables: { ...variables, pad: 'x'.repeat(size - empty.length) } });
  expect(Buffer.byteLength(body)).toBe(size);
  return body;
}

const IMPORT = `mutation ($json: JSON) { importDataset(input: { json: $json, dryRun: true }) { __typename
  ... on MutationImportDatasetSuccess { data { dryRun } } ... on ValidationError { issues { path message } } } }`;

describe('request body size', () => {
  const app = () => appWith();

  it(`passes an ordinary operation of ${DEFAULT_LIMITS.maxBodyBytes} bytes and refuses one byte more with 413`, async () => {
    const under = await post(app(), bodyOfSize(DEFAULT_LIMITS.maxBodyBytes, '{ __typename }'));
    expect(under.status).toBe(200);
    expect(under.body).toEqual({ data: { __typename: 'Query' } });

    const over = await post(app(), bodyOfSize(DEFAULT_LIMITS.maxBodyBytes + 1, '{ __typename }'));
    expect(over.status).toBe(413);
    expect(over.body.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(over.body.errors[0].message).toBe(
      'The request body is 1,048,577 bytes; the limit is 1,048,576 bytes (33,554,432 bytes for importDataset).',
    );
  });

  it('lets importDataset past the ordinary limit up to its own, and no further', async () => {
    const limited = appWith({ maxBodyBytes: 10_000, maxImportBodyBytes: 50_000 });
    const json = { workloadClasses: [] };
    const under = await post(limited, bodyOfSize(50_000, IMPORT, { json }));
    expect(under.status).toBe(200);
    expect(under.body.data.importDataset).toEqual({
      __typename: 'MutationImportDatasetSuccess',
      data: { dryRun: true },
    });

    const over = await post(limited, bodyOfSize(50_001, IMPORT, { json }));
    expect(over.status).toBe(413);

    // the exception is for importDataset alone, not for a mutation that also asks for something else
    const mixed = `mutation ($json: JSON) { importDataset(input: { json: $json, dryRun: true }) { __typename } deleteSite(input: { code: "NOPE" }) { __typename } }`;
    expect((await post(limited, bodyOfSize(10_001, mixed, { json }))).status).toBe(413);
    expect((await post(limited, bodyOfSize(10_000, mixed, { json }))).status).toBe(200);
  });

  it('a Content-Length that is not one whole number is a 400', async () => {
    for (const value of ['abc', '12, 12', '-1']) {
      const answer = await post(app(), '{"query":"{ __typename }"}', { 'content-length': value });
      expect([value, answer.status]).toEqual([value, 400]);
      expect(answer.body.errors[0]).toMatchObject({
        message: 'Content-Length header is invalid.',
        extensions: { code: 'BAD_REQUEST' },
      });
    }
  });

  it('refuses from Content-Length alone, and counts a streamed body that has none', async () => {
    const limited = appWith({ maxBodyBytes: 10_000, maxImportBodyBytes: 50_000 });
    const declared = await limited.fetch('http://tokengrid.test/graphql', {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'content-length': '50001' },
      body: '{"query":"{ __typename }"}',
    });
    expect(declared.status).toBe(413);

    const chunk = new TextEncoder().encode(bodyOfSize(10_001, '{ __typename }'));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < chunk.length; at += 1000) controller.enqueue(chunk.slice(at, at + 1000));
        controller.close();
      },
    });
    const streamed = await limited.fetch(
      new Request('http://tokengrid.test/graphql', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
  });
});

describe('document limits', () => {
  let app: ReturnType<typeof appWith>;
  beforeAll(() => {
    app = appWith();
  });

  it('tokens: 5000 pass, 5001 are refused with 400', async () => {
    const ofTokens = (count: number) => `{${' __typename'.repeat(count - 2)} }`;
    expect((await post(app, JSON.stringify({ query: ofTokens(5000) }))).status).toBe(200);
    const over = await post(app, JSON.stringify({ query: ofTokens(5001) }));
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({
      message: 'The document has more than 5000 tokens; the limit is 5000.',
      extensions: { code: 'TOO_MANY_TOKENS' },
    });
  });

  it('depth: 10 passes, 11 is refused with 400, through fragments too', async () => {
    // plan(id) is depth 1; each sourcePlan adds one; id is the last level
    const ofDepth = (depth: number) =>
      `{ plan(id: "00000000-0000-0000-0000-000000000000") { ${'sourcePlan { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;
    const under = await post(app, JSON.stringify({ query: ofDepth(10) }));
    expect(under.status).toBe(200);
    expect(under.body).toEqual({ data: { plan: null } });

    const over = await post(app, JSON.stringify({ query: ofDepth(11) }));
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({
      message: 'The query is 11 fields deep; the limit is 10.',
      extensions: { code: 'QUERY_TOO_DEEP' },
    });

    const viaFragment = `query { plan(id: "x") { ...Deep } } fragment Deep on Plan { ${'sourcePlan { '.repeat(9)}id${' }'.repeat(9)} }`;
    expect((await post(app, JSON.stringify({ query: viaFragment }))).status).toBe(400);
  });

  it('aliases: 15 pass, 16 are refused with 400, counted through fragments', async () => {
    const withAliases = (count: number) =>
      `{ fleet { ${Array.from({ length: count }, (_, i) => `a${i}: sites`).join(' ')} } }`;
    const under = await post(app, JSON.stringify({ query: withAliases(15) }));
    expect(under.status).toBe(200);
    expect(under.body.data.fleet.a14).toBe(36);

    const over = await post(app, JSON.stringify({ query: withAliases(16) }));
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({
      message: 'The query has 16 aliases; the limit is 15.',
      extensions: { code: 'TOO_MANY_ALIASES' },
    });

    const spreadTwice = `{ fleet { ...F } again: fleet { ...F } } fragment F on Fleet { ${Array.from({ length: 8 }, (_, i) => `a${i}: sites`).join(' ')} }`;
    expect((await post(app, JSON.stringify({ query: spreadTwice }))).body.errors[0].message).toBe(
      'The query has 17 aliases; the limit is 15.',
    );
  });

  it('complexity weighs a list by its page size: the limit passes, one more row is refused with 400', async () => {
    // sites 1 + first × (edges 1 + node 1 + code 1)
    const limited = appWith({ maxComplexity: 1 + 3 * 10 });
    const query = 'query ($first: Int) { sites(first: $first) { edges { node { code } } } }';
    const under = await post(limited, JSON.stringify({ query, variables: { first: 10 } }));
    expect(under.status).toBe(200);
    expect(under.body.data.sites.edges).toHaveLength(10);

    const over = await post(limited, JSON.stringify({ query, variables: { first: 11 } }));
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(over.body.errors[0].message).toMatch(/^The query's complexity is 34; the limit is 31 /);
    expect(over.body.data).toBeUndefined();
  });

  it('complexity is kept per document, operation and variables: each answer is its own', async () => {
    const limited = appWith({ maxComplexity: 1 + 3 * 10 });
    const document = `query Pages($first: Int) { sites(first: $first) { edges { node { code } } } }
      query Small { sites(first: 2) { edges { node { code } } } }
      query Large { sites(first: 20) { edges { node { code } } } }`;
    const send = (operationName: string, variables: Record<string, unknown> = {}) =>
      post(limited, JSON.stringify({ query: document, operationName, variables }));
    for (const [operationName, variables, status] of [
      ['Pages', { first: 10 }, 200],
      ['Pages', { first: 11 }, 400],
      ['Pages', { first: 10 }, 200],
      ['Large', {}, 400],
      ['Small', {}, 200],
      ['Large', {}, 400],
      ['Pages', { first: 11 }, 400],
    ] as const) {
      const answer = await send(operationName, variables);
      expect([operationName, variables, answer.status]).toEqual([operationName, variables, status]);
      if (status === 400) expect(answer.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    }
  });

  it('the default complexity limit takes every site with everything, and refuses a 100-row page of it', async () => {
    const everything = (first: number) => `{ sites(first: ${first}) { totalCount edges { node {
      code effectivePue
      inventory { installed gpuType { code throughputs { workloadClass { code } tokensPerSecond } } }
      costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD")
      reach { workloadClass { code } regions { region { code } rttMs } }
    } } } }`;
    const all = await post(app, JSON.stringify({ query: everything(36) }));
    expect(all.status).toBe(200);
    expect(all.body.data.sites.edges).toHaveLength(36);
    expect((await post(app, JSON.stringify({ query: everything(100) }))).status).toBe(400);
  });

  it('page size: 100 passes, 101 is refused', async () => {
    const page = (first: number) =>
      post(app, JSON.stringify({ query: `{ latencies(first: ${first}) { edges { node { rttMs } } } }` }));
    const under = await page(100);
    expect(under.body.data.latencies.edges).toHaveLength(100);
    const over = await page(101);
    expect(over.body.errors[0]).toMatchObject({
      message: 'first must be between 1 and 100 (got 101)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('batching is off', async () => {
    const batch = await post(app, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(batch.status).toBe(400);
    expect(batch.body.data).toBeUndefined();
  });
});

describe('introspection, GraphiQL, CSRF and CORS', () => {
  const INTROSPECT = JSON.stringify({ query: '{ __schema { queryType { name } } }' });

  it('introspection is on by default (loopback) and can be turned off', async () => {
    expect((await post(appWith(), INTROSPECT)).body.data.__schema.queryType.name).toBe('Query');
    const off = await post(appWith({ introspection: false }), INTROSPECT, {
      accept: 'application/graphql-response+json',
    });
    expect(off.status).toBe(400);
    expect(off.body.errors[0].message).toMatch(/introspection has been disabled/);
    // __typename is not introspection of the schema
    expect(
      (await post(appWith({ introspection: false }), JSON.stringify({ query: '{ __typename }' }))).body.data.__typename,
    ).toBe('Query');
  });

  it('GraphiQL is served to a browser unless turned off', async () => {
    const page = (limits: Partial<Limits>) =>
      appWith(limits).fetch('http://tokengrid.test/graphql', { headers: { accept: 'text/html' } });
    const on = await page({});
    expect(on.status).toBe(200);
    expect(on.headers.get('content-type')).toMatch(/text\/html/);
    expect(await on.text()).toMatch(/<title>tokengrid<\/title>/);
    const off = await page({ graphiql: false });
    expect(off.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });

  it('CSRF: a GET or a simple-content-type POST needs the header; an application/json POST does not', async () => {
    const app = appWith();
    const url = `http://tokengrid.test/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const bare = await app.fetch(url, { headers: { accept: 'application/json' } });
    expect(bare.status).toBe(403);
    expect((await bare.json()).errors[0].extensions.code).toBe('CSRF_PREVENTED');
    expect((await app.fetch(url, { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } })).status).toBe(
      200,
    );
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const simple = await app.fetch('http://tokengrid.test/graphql', {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(simple.status, contentType).toBe(403);
    }
    expect((await post(app, JSON.stringify({ query: '{ __typename }' }))).status).toBe(200);
  });

  it('CORS: no CORS headers by default; an allowlisted origin is answered, any other is not', async () => {
    const preflight = (app: ReturnType<typeof appWith>, origin: string) =>
      app.fetch('http://tokengrid.test/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect(
      (await preflight(appWith(), 'https://planner.example.com')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const listed = appWith({ corsOrigins: ['https://planner.example.com'] });
    const ok = await preflight(listed, 'https://planner.example.com');
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://planner.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect((await preflight(listed, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await post(listed, JSON.stringify({ query: '{ __typename }' }), {
      origin: 'https://evil.example',
    });
    expect(evilPost.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits per caller (the client address until API keys exist)', () => {
  it('importDataset: the burst passes, the next is refused with 429 and Retry-After', async () => {
    const app = appWith({ importRate: { perMinute: 1, burst: 2 } });
    const body = JSON.stringify({ query: IMPORT, variables: { json: {} } });
    for (let i = 0; i < 2; i++)
      expect((await post(app, body)).body.data.importDataset.__typename).toBe('MutationImportDatasetSuccess');
    const over = await post(app, body);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('60');
    expect(over.body.errors[0]).toMatchObject({
      message: 'Too many imports: the limit is 1 per minute, at most 2 at once; retry in 60 s.',
      extensions: { code: 'RATE_LIMITED' },
    });
    // reads are not limited
    expect((await post(app, JSON.stringify({ query: '{ __typename }' }))).status).toBe(200);
  });

  it('requestPlan: the burst passes, the next is refused with 429; aliases count one each', async () => {
    const app = appWith({ planRequestRate: { perMinute: 1, burst: 3 } });
    const one = JSON.stringify({ query: 'mutation { requestPlan(input: {}) { __typename } }' });
    expect((await post(app, one)).body.data.requestPlan.__typename).toBe('MutationRequestPlanSuccess');
    const two = JSON.stringify({
      query: 'mutation { a: requestPlan(input: {}) { __typename } b: requestPlan(input: {}) { __typename } }',
    });
    expect((await post(app, two)).status).toBe(200);
    const over = await post(app, one);
    expect(over.status).toBe(429);
    expect(over.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('solver caps at requestPlan', () => {
  const REQUEST = `mutation ($options: PlanOptionsInput) { requestPlan(input: { options: $options }) { __typename
    ... on MutationRequestPlanSuccess { data { status } } ... on ValidationError { issues { path message } } } }`;
  const request = (app: ReturnType<typeof appWith>, options: Record<string, unknown>) =>
    post(app, JSON.stringify({ query: REQUEST, variables: { options } }));

  it('timeLimitSeconds at the cap is queued; above it is a ValidationError on input.options.timeLimitSeconds', async () => {
    const app = appWith({ maxSolveTimeLimitSeconds: 120 });
    expect((await request(app, { timeLimitSeconds: 120 })).body.data.requestPlan).toEqual({
      __typename: 'MutationRequestPlanSuccess',
      data: { status: 'QUEUED' },
    });
    const over = await request(app, { timeLimitSeconds: 120.5 });
    expect(over.status).toBe(200);
    expect(over.body.data.requestPlan).toEqual({
      __typename: 'ValidationError',
      issues: [{ path: 'input.options.timeLimitSeconds', message: 'must be at most 120 s on this server (got 120.5)' }],
    });
  });

  it('a model at the size cap is queued; one variable over is refused with the size it would have had', async () => {
    const options = { ...DEFAULT_PLAN_OPTIONS, periods: 24 as const };
    const variables = buildPlanModel(await planningInputFromDatabase(db), options).compiled.lp.numColumns;
    expect(variables).toBeGreaterThan(1000);

    const atCap = await request(appWith({ maxModelVariables: variables }), { periods: 24 });
    expect(atCap.body.data.requestPlan.__typename).toBe('MutationRequestPlanSuccess');

    const before = await db.prisma.plan.count();
    const over = await request(appWith({ maxModelVariables: variables - 1 }), { periods: 24 });
    const count = (n: number) => n.toLocaleString('en-US');
    expect(over.body.data.requestPlan).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: 'input',
          message: `the model would have ${count(variables)} variables; the limit is ${count(variables - 1)} (fewer periods, excluded sites or no expansion make it smaller)`,
        },
      ],
    });
    expect(await db.prisma.plan.count()).toBe(before);
  });

  it('the default caps are 600 s and 2,000,000 variables', () => {
    expect(DEFAULT_LIMITS.maxSolveTimeLimitSeconds).toBe(600);
    expect(DEFAULT_LIMITS.maxModelVariables).toBe(2_000_000);
    expect(32 * MIB).toBe(DEFAULT_LIMITS.maxImportBodyBytes);
  });
});

// Every per-caller and document limit, through every way of writing the same root
// field: the limits count the root fields that execute (graphql-js's own field
// collection), whatever the document's text shows.
interface RootField {
  operation: 'query' | 'mutation';
  /** variable definitions the field needs, e.g. `$json: JSON` */
  variables?: string;
  name: string;
  args?: string;
  selection: string;
}
interface Shape {
  name: string;
  executes: boolean;
  /** a document whose root has `copies` of the field (aliased), written this way */
  build(field: RootField, copies: number): { query: string; variables: Record<string, unknown> };
}

function copiesOf(field: RootField, copies: number, directive = '', aliased = true): string {
  return Array.from(
    { length: copies },
    (_, i) => `${aliased ? `f${i}: ` : ''}${field.name}${field.args ?? ''} ${directive} ${field.selection}`,
  ).join(' ');
}
const rootTypeOf = (field: RootField) => (field.operation === 'query' ? 'Query' : 'Mutation');
const definitions = (field: RootField, extra?: string) => {
  const all = [field.variables, extra].filter(Boolean).join(', ');
  return all ? `(${all})` : '';
};
function directiveShape(name: string, directive: '@include' | '@skip', value: boolean): Shape {
  return {
    name,
    executes: directive === '@include' ? value : !value,
    build: (field, copies) => ({
      query: `${field.operation} ${definitions(field, '$flag: Boolean!')} { ${copiesOf(field, copies, `${directive}(if: $flag)`)} }`,
      variables: { flag: value },
    }),
  };
}
const SHAPES: Shape[] = [
  {
    name: 'direct field',
    executes: true,
    build: (field, copies) => ({
      query: `${field.operation} ${definitions(field)} { ${copiesOf(field, copies, '', copies !== 1)} }`,
      variables: {},
    }),
  },
  {
    name: 'aliases',
    executes: true,
    build: (field, copies) => ({
      query: `${field.operation} ${definitions(field)} { ${copiesOf(field, copies)} }`,
      variables: {},
    }),
  },
  {
    name: 'inline fragment',
    executes: true,
    build: (field, copies) => ({
      query: `${field.operation} ${definitions(field)} { ... on ${rootTypeOf(field)} { ${copiesOf(field, copies)} } }`,
      variables: {},
    }),
  },
  {
    name: 'named fragment',
    executes: true,
    build: (field, copies) => ({
      query: `${field.operation} ${definitions(field)} { ...Fields } fragment Fields on ${rootTypeOf(field)} { ${copiesOf(field, copies)} }`,
      variables: {},
    }),
  },
  directiveShape('@include(if: true) by variable', '@include', true),
  directiveShape('@include(if: false) by variable', '@include', false),
  directiveShape('@skip(if: true) by variable', '@skip', true),
  directiveShape('@skip(if: false) by variable', '@skip', false),
];

const REQUEST_PLAN: RootField = {
  operation: 'mutation',
  name: 'requestPlan',
  args: '(input: {})',
  selection: '{ __typename }',
};
const IMPORT_DRY_RUN: RootField = {
  operation: 'mutation',
  variables: '$json: JSON',
  name: 'importDataset',
  args: '(input: { json: $json, dryRun: true })',
  selection: '{ __typename }',
};
const SCHEMA: RootField = { operation: 'query', name: '__schema', selection: '{ queryType { name } }' };

/** The successes in a response's data (one per executed mutation field). */
const successes = (body: any) =>
  Object.values((body?.data ?? {}) as Record<string, { __typename?: string }>).filter((v) =>
    v?.__typename?.endsWith('Success'),
  ).length;

describe('every limit counts what executes, in every document shape', () => {
  const rateCases = [
    { limit: 'plan requests', field: REQUEST_PLAN, limits: { planRequestRate: { perMinute: 1, burst: 3 } } },
    { limit: 'imports', field: IMPORT_DRY_RUN, limits: { importRate: { perMinute: 1, burst: 3 } } },
  ];
  for (const { limit, field, limits } of rateCases) {
    it.each(SHAPES.map((shape) => [shape.name, shape] as const))(
      `rate limit on ${limit} (burst 3): %s`,
      async (_, shape) => {
        const app = appWith(limits);
        const send = (copies: number) => {
          const { query, variables } = shape.build(field, copies);
          return post(app, JSON.stringify({ query, variables: { json: {}, ...variables } }));
        };
        const plansBefore = await db.prisma.plan.count();
        if (!shape.executes) {
          for (let i = 0; i < 3; i++) {
            const skipped = await send(4);
            expect(skipped.status).toBe(200);
            expect(skipped.body.errors).toBeUndefined();
            expect(successes(skipped.body)).toBe(0);
          }
          // the bucket is still full
          const direct = SHAPES[0]!.build(field, 3);
          expect((await post(app, JSON.stringify({ query: direct.query, variables: { json: {} } }))).status).toBe(200);
          return;
        }
        if (shape.name !== 'direct field') {
          // more than the burst in one document: refused whole, nothing runs
          const over = await send(4);
          expect(over.status).toBe(429);
          expect(over.body.errors[0].extensions.code).toBe('RATE_LIMITED');
          expect(over.body.data).toBeUndefined();
          expect(await db.prisma.plan.count()).toBe(plansBefore);
        }
        const passed = shape.name === 'direct field' ? [await send(1), await send(1), await send(1)] : [await send(3)];
        expect(passed.map((p) => p.status)).toEqual(passed.map(() => 200));
        expect(passed.reduce((sum, p) => sum + successes(p.body), 0)).toBe(3);
        if (field === REQUEST_PLAN) expect(await db.prisma.plan.count()).toBe(plansBefore + 3);
        const next = await send(1);
        expect(next.status).toBe(429);
        expect(next.body.errors[0].extensions.code).toBe('RATE_LIMITED');
        if (field === REQUEST_PLAN) expect(await db.prisma.plan.count()).toBe(plansBefore + 3);
      },
      60_000,
    );
  }

  it('a document refused by one rate limit spends nothing from another', async () => {
    const app = appWith({ planRequestRate: { perMinute: 1, burst: 1 }, importRate: { perMinute: 1, burst: 3 } });
    const both = `mutation ($json: JSON) { ${copiesOf(REQUEST_PLAN, 1, '', false)} ...Imports }
      fragment Imports on Mutation { ${copiesOf(IMPORT_DRY_RUN, 4)} }`;
    expect((await post(app, JSON.stringify({ query: both, variables: { json: {} } }))).status).toBe(429);
    const plan = await post(app, JSON.stringify({ query: SHAPES[0]!.build(REQUEST_PLAN, 1).query }));
    expect(plan.status).toBe(200);
    expect(successes(plan.body)).toBe(1);
  });

  it.each(SHAPES.map((shape) => [shape.name, shape] as const))(
    'the body-size exception holds for what executes: importDataset only, %s',
    async (_, shape) => {
      const limited = appWith({ maxBodyBytes: 10_000, maxImportBodyBytes: 50_000 });
      const { query, variables } = shape.build(IMPORT_DRY_RUN, 1);
      const alone = await post(limited, bodyOfSize(20_000, query, { json: {}, ...variables }));
      if (shape.executes) {
        expect(alone.status).toBe(200);
        expect(successes(alone.body)).toBe(1);
      } else {
        // nothing that may be large executes
        expect(alone.status).toBe(413);
        expect(alone.body.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
      }
      // beside another executed field, in the same shape: refused, whatever the text shows
      const other: RootField = { ...IMPORT_DRY_RUN, name: 'deleteSite', args: '(input: { code: "NOPE" })' };
      const mixed = shape
        .build(IMPORT_DRY_RUN, 1)
        .query.replace('importDataset', `${copiesOf(other, 1, '', false)} importDataset`);
      const mixedAnswer = await post(limited, bodyOfSize(20_000, mixed, { json: {}, ...variables }));
      expect(mixedAnswer.status).toBe(413);
      expect(mixedAnswer.body.data).toBeUndefined();
    },
    60_000,
  );

  it('the body-size exception: a second field that is skipped does not count; one in a fragment does', async () => {
    const limited = appWith({ maxBodyBytes: 10_000, maxImportBodyBytes: 50_000 });
    const skipped = `mutation ($json: JSON, $no: Boolean!) { importDataset(input: { json: $json, dryRun: true }) { __typename }
      deleteSite(input: { code: "NOPE" }) @include(if: $no) { __typename } }`;
    const answer = await post(limited, bodyOfSize(20_000, skipped, { json: {}, no: false }));
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ importDataset: { __typename: 'MutationImportDatasetSuccess' } });
    const hidden = `mutation ($json: JSON) { importDataset(input: { json: $json, dryRun: true }) { __typename } ...Other }
      fragment Other on Mutation { deleteSite(input: { code: "NOPE" }) { __typename } }`;
    expect((await post(limited, bodyOfSize(20_000, hidden, { json: {} }))).status).toBe(413);
  });

  it.each(SHAPES.map((shape) => [shape.name, shape] as const))(
    'aliased __schema counts toward max aliases (15) and complexity: %s',
    async (_, shape) => {
      const app = appWith();
      const send = (copies: number, target = app) => {
        const { query, variables } = shape.build(SCHEMA, copies);
        return post(target, JSON.stringify({ query, variables }));
      };
      const sixteen = await send(16);
      expect(sixteen.status).toBe(400);
      expect(sixteen.body.errors[0].extensions.code).toBe('TOO_MANY_ALIASES');
      const fifteen = await send(15);
      expect(fifteen.status).toBe(200);
      expect(Object.keys(fifteen.body.data ?? {})).toHaveLength(shape.executes ? 15 : 0);

      // each executed __schema weighs what it can return (every element of the schema)
      const { __schema: perSchema } = introspectionCosts(schema);
      // (Pothos counts the fields under __schema too, a few each)
      const limited = appWith({ maxComplexity: 2 * perSchema + 10 });
      expect((await send(2, limited)).status).toBe(200);
      const three = await send(3, limited);
      if (shape.executes) {
        expect(three.status).toBe(400);
        expect(three.body.errors[0]).toMatchObject({
          message: expect.stringMatching(/^The query's complexity is \d+; the limit is \d+/),
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        });
      } else expect(three.status).toBe(200);
    },
    60_000,
  );

  it('GraphiQL’s introspection query still passes every default limit', async () => {
    const answer = await post(appWith(), JSON.stringify({ query: getIntrospectionQuery() }));
    expect(answer.status).toBe(200);
    expect(answer.body.data.__schema.queryType.name).toBe('Query');
  });
});
