// The authorization matrix: every root field of the schema (read from the
// schema itself, so a new field cannot be forgotten) × viewer, planner, admin
// keys × no key, a malformed key, an unknown key, a revoked key, an expired key.
// Plus nested fields, the loopback default, lastUsedAt and per-key rate limits.
import { isObjectType, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, ROLES, type Role } from '../../src/auth/api-keys.js';
import { LOCAL_ADMIN } from '../../src/auth/authenticate.js';
import { createApiKey, revokeApiKey } from '../../src/auth/key-store.js';
import type { Database } from '../../src/db/database.js';
import { schema } from '../../src/graphql/schema/index.js';
import { createApp } from '../../src/server/app.js';
import { openTestDatabase } from '../helpers/database.js';
import { TEST_LIMITS, testApi } from '../helpers/api.js';

const NO_PLAN = '00000000-0000-4000-8000-000000000000';

/** The role each root field needs, and a minimal document that reaches its resolver (mutations with input that writes nothing). */
const FIELDS: Record<string, { role: Role; query: string }> = {
  // queries: viewer
  compareScenarios: { role: 'viewer', query: `{ compareScenarios(planIds: []) { __typename } }` },
  demandRegion: { role: 'viewer', query: `{ demandRegion(code: "EU-CENTRAL") { code } }` },
  demandRegions: { role: 'viewer', query: `{ demandRegions { code } }` },
  fleet: { role: 'viewer', query: `{ fleet { sites } }` },
  gpuType: { role: 'viewer', query: `{ gpuType(code: "H100-SXM") { code } }` },
  gpuTypes: { role: 'viewer', query: `{ gpuTypes { code } }` },
  model: { role: 'viewer', query: `{ model(code: "DEFAULT") { code } }` },
  models: { role: 'viewer', query: `{ models { code } }` },
  latencies: { role: 'viewer', query: `{ latencies(first: 1) { totalCount } }` },
  me: { role: 'viewer', query: `{ me { role } }` },
  latestPlan: { role: 'viewer', query: `{ latestPlan { id } }` },
  plan: { role: 'viewer', query: `{ plan(id: "${NO_PLAN}") { id } }` },
  plans: { role: 'viewer', query: `{ plans(first: 1) { totalCount } }` },
  planSweep: { role: 'viewer', query: `{ planSweep(id: "${NO_PLAN}") { id } }` },
  planSweeps: { role: 'viewer', query: `{ planSweeps(first: 1) { totalCount } }` },
  scenario: { role: 'viewer', query: `{ scenario(code: "NONE") { code } }` },
  scenarios: { role: 'viewer', query: `{ scenarios(first: 1) { totalCount } }` },
  schedule: { role: 'viewer', query: `{ schedule(name: "none") { name } }` },
  schedules: { role: 'viewer', query: `{ schedules(first: 1) { totalCount } }` },
  site: { role: 'viewer', query: `{ site(code: "US-ASH") { code } }` },
  sites: { role: 'viewer', query: `{ sites(first: 1) { totalCount } }` },
  workloadClasses: { role: 'viewer', query: `{ workloadClasses { code } }` },
  apiKeys: { role: 'admin', query: `{ apiKeys(first: 1) { totalCount } }` },
  // subscriptions: viewer
  planUpdated: { role: 'viewer', query: `subscription { planUpdated(id: "${NO_PLAN}") { id } }` },
  // mutations: planner
  requestPlan: { role: 'planner', query: `mutation { requestPlan(input: { name: "x" }) { __typename } }` },
  resolvePlan: {
    role: 'planner',
    query: `mutation { resolvePlan(input: { sourcePlanId: "${NO_PLAN}" }) { __typename } }`,
  },
  requestPlanSweep: {
    role: 'planner',
    query: `mutation { requestPlanSweep(input: { parameter: PRICE_MULTIPLIER, values: [1] }) { __typename } }`,
  },
  cancelPlan: { role: 'planner', query: `mutation { cancelPlan(input: { id: "${NO_PLAN}" }) { __typename } }` },
  createScenario: {
    role: 'planner',
    query: `mutation { createScenario(input: { code: "!!", name: "", overrides: {} }) { __typename } }`,
  },
  updateScenario: { role: 'planner', query: `mutation { updateScenario(input: { code: "NONE" }) { __typename } }` },
  deleteScenario: { role: 'planner', query: `mutation { deleteScenario(input: { code: "NONE" }) { __typename } }` },
  // mutations: admin
  createApiKey: { role: 'admin', query: `mutation { createApiKey(input: { name: "", role: VIEWER }) { __typename } }` },
  revokeApiKey: { role: 'admin', query: `mutation { revokeApiKey(input: { name: "none" }) { __typename } }` },
  createSchedule: {
    role: 'admin',
    query: `mutation { createSchedule(input: { name: "", cron: "nope" }) { __typename } }`,
  },
  updateSchedule: { role: 'admin', query: `mutation { updateSchedule(input: { name: "none" }) { __typename } }` },
  pauseSchedule: { role: 'admin', query: `mutation { pauseSchedule(input: { name: "none" }) { __typename } }` },
  resumeSchedule: { role: 'admin', query: `mutation { resumeSchedule(input: { name: "none" }) { __typename } }` },
  deleteSchedule: { role: 'admin', query: `mutation { deleteSchedule(input: { name: "none" }) { __typename } }` },
  createSite: {
    role: 'admin',
    query: `mutation { createSite(input: { code: "!!", name: "", country: "ZZ", regionLabel: "", latitude: 0, longitude: 0, coolingType: AIR, pricePerKwh: -1, powerCapKw: -1, carbonGramsPerKwh: -1 }) { __typename } }`,
  },
  updateSite: {
    role: 'admin',
    query: `mutation { updateSite(input: { code: "NONE", pricePerKwh: -1 }) { __typename } }`,
  },
  deleteSite: { role: 'admin', query: `mutation { deleteSite(input: { code: "NONE" }) { __typename } }` },
  setInventory: {
    role: 'admin',
    query: `mutation { setInventory(input: { siteCode: "NONE", gpuTypeCode: "NONE", installed: -1 }) { __typename } }`,
  },
  upsertGpuType: {
    role: 'admin',
    query: `mutation { upsertGpuType(input: { code: "!!", name: "", vendor: "", powerWatts: -1, memoryGb: -1, capexPerHour: -1 }) { __typename } }`,
  },
  upsertModel: {
    role: 'admin',
    query: `mutation { upsertModel(input: { code: "!!", name: "", vendor: "" }) { __typename } }`,
  },
  upsertWorkloadClass: {
    role: 'admin',
    query: `mutation { upsertWorkloadClass(input: { code: "!!", name: "", description: "" }) { __typename } }`,
  },
  upsertDemandRegion: {
    role: 'admin',
    query: `mutation { upsertDemandRegion(input: { code: "!!", name: "", city: "", latitude: 0, longitude: 0, utcOffsetHours: 99 }) { __typename } }`,
  },
  deleteDemandRegion: {
    role: 'admin',
    query: `mutation { deleteDemandRegion(input: { code: "NONE" }) { __typename } }`,
  },
  setLatencies: {
    role: 'admin',
    query: `mutation { setLatencies(input: { latencies: [{ siteCode: "NONE", regionCode: "NONE", rttMs: -1, method: MEASURED }] }) { __typename } }`,
  },
  importDataset: {
    role: 'admin',
    query: `mutation { importDataset(input: { files: [{ name: "sites.csv", text: "nonsense" }] }) { __typename } }`,
  },
};

function rootFields(): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (t): t is GraphQLObjectType => !!t,
  );
  return roots.flatMap((root) => Object.keys(root.getFields()));
}

type Outcome = 'allowed' | 'FORBIDDEN' | 401;

let db: Database;
const keys = {} as Record<Role | 'revoked' | 'expired', string>;
let keysApp: ReturnType<typeof createApp>;

async function send(
  app: ReturnType<typeof createApp>,
  query: string,
  key: string | null,
): Promise<{ outcome: Outcome; body: any; status: number }> {
  const subscription = query.startsWith('subscription');
  const response = await app.fetch('http://tokengrid.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: subscription ? 'text/event-stream' : 'application/json',
      ...(key !== null ? { authorization: key } : {}),
    },
    body: JSON.stringify({ query }),
  });
  let body: any;
  if (response.status === 401 || !subscription) {
    body = await response.json();
  } else {
    // the first `next` event of the stream is enough: its errors say whether the field was allowed
    const text = await response.text();
    const data = /event: next\ndata: (.*)\n/.exec(text)?.[1];
    body = data ? JSON.parse(data) : { text };
  }
  if (response.status === 401) {
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    return { outcome: 401, body, status: 401 };
  }
  const codes = ((body.errors ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
  expect(codes).not.toContain('UNAUTHENTICATED');
  return { outcome: codes.includes('FORBIDDEN') ? 'FORBIDDEN' : 'allowed', body, status: response.status };
}

beforeAll(async () => {
  db = await openTestDatabase();
  for (const role of ['viewer', 'planner', 'admin'] as const) {
    const created = await createApiKey(db, { name: `matrix-${role}`, role });
    if (!created.ok) throw new Error('key not created');
    keys[role] = `Bearer ${created.key}`;
  }
  const revoked = await createApiKey(db, { name: 'matrix-revoked', role: 'admin' });
  const expired = await createApiKey(
    db,
    { name: 'matrix-expired', role: 'admin', expiresInDays: 1 },
    new Date(Date.now() - 2 * 86_400_000),
  );
  if (!revoked.ok || !expired.ok) throw new Error('key not created');
  await revokeApiKey(db, 'matrix-revoked');
  keys.revoked = `Bearer ${revoked.key}`;
  keys.expired = `Bearer ${expired.key}`;
  keysApp = createApp({ db, limits: TEST_LIMITS, auth: { kind: 'keys' } });
}, 60_000);
afterAll(async () => {
  await db?.close();
});

/** The matrix's cases, tried and answered as expected, printed once for the note. */
const matrix = { tried: 0, passed: 0 };

describe('authorization matrix', () => {
  afterAll(() => {
    console.log(`authorization matrix: ${matrix.tried} cases tried, ${matrix.passed} answered as expected`);
  });

  it('has an entry for every root field of the schema, and none for a field that does not exist', () => {
    const fields = rootFields();
    expect(fields.filter((field) => !(field in FIELDS))).toEqual([]);
    expect(Object.keys(FIELDS).filter((field) => !fields.includes(field))).toEqual([]);
  });

  const rank: Record<Role, number> = { viewer: 0, planner: 1, admin: 2 };
  for (const caller of ['viewer', 'planner', 'admin'] as const) {
    it(`${caller} key: every field its role allows runs, every other is FORBIDDEN naming the role needed`, async () => {
      const wrong: string[] = [];
      for (const [field, { role, query }] of Object.entries(FIELDS)) {
        const expected: Outcome = rank[caller] >= rank[role] ? 'allowed' : 'FORBIDDEN';
        const { outcome, body } = await send(keysApp, query, keys[caller]);
        matrix.tried += 1;
        if (outcome !== expected)
          wrong.push(`${field}: expected ${expected}, got ${outcome} ${JSON.stringify(body).slice(0, 300)}`);
        else matrix.passed += 1;
        if (outcome === 'FORBIDDEN') {
          const error = body.errors.find((e: any) => e.extensions?.code === 'FORBIDDEN');
          expect(error.message).toContain(`needs the ${role} role`);
          expect(error.extensions.neededRole).toBe(role);
          // a refused mutation wrote nothing and returned no data
          if (!query.startsWith('subscription')) expect(body.data?.[field] ?? null).toBeNull();
        }
      }
      expect(wrong).toEqual([]);
    }, 60_000);
  }

  const unknownKey = `Bearer ${generateApiKey().key}`;
  const cases: [string, () => string | null, string][] = [
    ['no key', () => null, 'missing'],
    ['a malformed key', () => 'Bearer not-a-key', 'malformed'],
    ['a Basic header', () => 'Basic dXNlcjpwYXNz', 'malformed'],
    ['an unknown key', () => unknownKey, 'invalid'],
    ['a known id with a wrong secret', () => keys.admin.slice(0, -4) + 'AAAA', 'invalid'],
    ['a revoked key', () => keys.revoked, 'revoked'],
    ['an expired key', () => keys.expired, 'expired'],
  ];
  for (const [label, key, reason] of cases) {
    it(`${label}: every field is refused with 401 UNAUTHENTICATED (${reason}) before execution`, async () => {
      for (const { query } of Object.values(FIELDS)) {
        const { outcome, body } = await send(keysApp, query, key());
        matrix.tried += 1;
        if (outcome === 401 && body.errors[0].extensions.reason === reason) matrix.passed += 1;
        expect(outcome).toBe(401);
        expect(body.errors[0].extensions.reason).toBe(reason);
        expect(body.data).toBeUndefined();
      }
    }, 60_000);
  }

  it('an unknown id and a wrong secret get the same answer (whether an id exists is not revealed)', async () => {
    const a = await send(keysApp, '{ fleet { sites } }', unknownKey);
    const b = await send(keysApp, '{ fleet { sites } }', keys.admin.slice(0, -4) + 'AAAA');
    expect(a.body).toEqual(b.body);
  });
});

describe('a mutation mixing allowed and forbidden fields runs nothing', () => {
  const scenario = (code: string) =>
    `createScenario(input: { code: "${code}", name: "mixed", overrides: {} }) { __typename }`;
  const site = `createSite(input: { code: "MIX-SITE", name: "Mixed", country: "DE", regionLabel: "x", latitude: 50, longitude: 8, coolingType: AIR, pricePerKwh: 0.1, powerCapKw: 100, carbonGramsPerKwh: 300 }) { __typename }`;
  const apiKey = `createApiKey(input: { name: "mixed-key", role: VIEWER }) { __typename }`;
  // the planner's allowed field first, the admin's field in every document shape
  const shapes: [string, (code: string) => string, Record<string, unknown>][] = [
    ['direct fields', (code) => `mutation { ${scenario(code)} ${site} }`, {}],
    ['aliases', (code) => `mutation { a: ${scenario(code)} b: ${apiKey} }`, {}],
    ['an inline fragment', (code) => `mutation { ${scenario(code)} ... on Mutation { ${apiKey} } }`, {}],
    [
      'a named fragment',
      (code) =>
        `mutation { ...Allowed ...Forbidden } fragment Allowed on Mutation { ${scenario(code)} } fragment Forbidden on Mutation { ${site} }`,
      {},
    ],
    [
      '@include(if: true)',
      (code) => `mutation ($on: Boolean!) { ${scenario(code)} ${apiKey.replace(') {', ') @include(if: $on) {')} }`,
      { on: true },
    ],
  ];
  const counts = async () => ({
    scenarios: await db.prisma.scenario.count(),
    sites: await db.prisma.site.count(),
    apiKeys: await db.prisma.apiKey.count(),
  });

  it.each(shapes)('planner, %s: 403 FORBIDDEN naming the field, and no row written', async (_, build, variables) => {
    const before = await counts();
    const response = await keysApp.fetch('http://tokengrid.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: keys.planner },
      body: JSON.stringify({ query: build(`MIXED-${before.scenarios}`), variables }),
    });
    const body = await response.json();
    expect(response.status).toBe(403);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: expect.stringMatching(
        /^Mutation\.(createSite|createApiKey) needs the admin role; this caller is a planner\. Nothing in this operation was run\.$/,
      ),
      extensions: { code: 'FORBIDDEN', neededRole: 'admin' },
    });
    expect(await counts()).toEqual(before);
  });

  it('a forbidden field that does not execute (@include(if: false)) does not hold back the allowed one', async () => {
    const before = await counts();
    const response = await keysApp.fetch('http://tokengrid.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: keys.planner },
      body: JSON.stringify({
        query: `mutation ($on: Boolean!) { ${scenario('MIXED-SKIPPED')} ${site.replace(') {', ') @include(if: $on) {')} }`,
        variables: { on: false },
      }),
    });
    expect(await response.json()).toEqual({
      data: { createScenario: { __typename: 'MutationCreateScenarioSuccess' } },
    });
    expect(await counts()).toEqual({ ...before, scenarios: before.scenarios + 1 });
  });

  it('a viewer asking for two mutations it may not run is told about both', async () => {
    const response = await keysApp.fetch('http://tokengrid.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: keys.viewer },
      body: JSON.stringify({ query: `mutation { ${scenario('MIXED-VIEWER')} ${site} }` }),
    });
    const body = await response.json();
    expect(response.status).toBe(403);
    expect(body.errors.map((e: any) => [e.extensions.code, e.extensions.neededRole])).toEqual([
      ['FORBIDDEN', 'planner'],
      ['FORBIDDEN', 'admin'],
    ]);
  });
});

describe('me', () => {
  it('tells each key its role and whether it may request plans (read from the scopes requestPlan enforces)', async () => {
    const answers: Record<string, unknown> = {};
    for (const role of ROLES) {
      const { body } = await send(keysApp, `{ me { role keyName openLocalMode canRequestPlans } }`, keys[role]);
      answers[role] = body.data.me;
    }
    expect(answers).toEqual({
      viewer: { role: 'VIEWER', keyName: 'matrix-viewer', openLocalMode: false, canRequestPlans: false },
      planner: { role: 'PLANNER', keyName: 'matrix-planner', openLocalMode: false, canRequestPlans: true },
      admin: { role: 'ADMIN', keyName: 'matrix-admin', openLocalMode: false, canRequestPlans: true },
    });
  });
});

describe('nested fields and connections', () => {
  it('a viewer reads nested objects and connections below a root it may read', async () => {
    const { outcome, body } = await send(
      keysApp,
      `{ site(code: "US-ASH") { inventory { gpuType { code throughputs { workloadClass { code } } } } }
         sites(first: 2) { edges { node { code inventory { installed } } } } plans(first: 1) { edges { node { id } } } }`,
      keys.viewer,
    );
    expect(outcome).toBe('allowed');
    expect(body.errors).toBeUndefined();
    expect(body.data.site.inventory.length).toBeGreaterThan(0);
    expect(body.data.site.inventory[0].gpuType.code).toBeTruthy();
  });

  it('a connection behind a denied root is denied, nodes and all', async () => {
    const { body } = await send(
      keysApp,
      `{ fleet { sites } apiKeys(first: 5) { totalCount edges { node { name keyId lastUsedAt } } } }`,
      keys.planner,
    );
    // the connection is non-null: its refusal nulls the whole data, and nothing of the keys is in the answer
    expect(body.data).toBeNull();
    expect(JSON.stringify(body)).not.toContain('matrix-');
    expect(body.errors.map((e: any) => [e.path.join('.'), e.extensions.code])).toEqual([['apiKeys', 'FORBIDDEN']]);
  });

  it('an admin-only type is refused wherever it appears, not only at its root field', async () => {
    // the ApiKey type carries the admin scope itself: a field returning it is guarded even when its root is not
    const apiKeyType = schema.getType('ApiKey');
    expect(apiKeyType && isObjectType(apiKeyType)).toBe(true);
    const extensions = (apiKeyType as GraphQLObjectType).extensions as { pothosOptions?: { authScopes?: unknown } };
    expect(extensions.pothosOptions?.authScopes).toEqual({ admin: true });
    // every object type below a root field is reachable only through one: each root field carries a scope,
    // its root type's or (when it skips that one) its own, naming a role
    type ScopeOptions = { pothosOptions?: { authScopes?: Record<string, unknown>; skipTypeScopes?: boolean } };
    const roles = (scopes: Record<string, unknown> | undefined) =>
      Object.entries(scopes ?? {})
        .filter(([scope, on]) => on === true && (ROLES as readonly string[]).includes(scope))
        .map(([scope]) => scope);
    for (const root of [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!]) {
      const options = (root.extensions as ScopeOptions).pothosOptions;
      expect(roles(options?.authScopes), root.name).not.toEqual([]);
      for (const field of Object.values(root.getFields())) {
        const own = (field.extensions as ScopeOptions).pothosOptions;
        const effective = own?.skipTypeScopes ? own.authScopes : { ...options?.authScopes, ...own?.authScopes };
        expect(roles(effective), `${root.name}.${field.name}`).not.toEqual([]);
      }
    }
  });

  it('the schema refuses every field to a context with no caller, even past the HTTP layer', async () => {
    const api = createApp({ db, limits: TEST_LIMITS, auth: { kind: 'fixed', auth: LOCAL_ADMIN } });
    const allowed = await send(api, '{ fleet { sites } }', null);
    expect(allowed.outcome).toBe('allowed');
    const { execute, parse } = await import('graphql');
    const { createContext } = await import('../../src/graphql/context.js');
    const result = await execute({
      schema,
      document: parse('{ fleet { sites } }'),
      contextValue: createContext(db, 'no-caller'),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the loopback default', () => {
  it('without any usable key, a request without a key acts as admin; once a key exists, keys are required', async () => {
    const empty = await openTestDatabase({ fixtures: false });
    try {
      const app = createApp({ db: empty, limits: TEST_LIMITS, auth: { kind: 'loopback' } });
      const before = await send(app, `{ apiKeys(first: 1) { totalCount } }`, null);
      expect(before.outcome).toBe('allowed');
      expect(before.body.data.apiKeys.totalCount).toBe(0);
      // the caller knows it: open local mode, admin, may request plans
      expect((await send(app, `{ me { role keyName openLocalMode canRequestPlans } }`, null)).body.data.me).toEqual({
        role: 'ADMIN',
        keyName: null,
        openLocalMode: true,
        canRequestPlans: true,
      });
      const created = await send(
        app,
        `mutation { createApiKey(input: { name: "first", role: ADMIN }) { ... on MutationCreateApiKeySuccess { data { key apiKey { name role status } } } } }`,
        null,
      );
      const { key, apiKey } = created.body.data.createApiKey.data;
      expect(apiKey).toEqual({ name: 'first', role: 'ADMIN', status: 'ACTIVE' });
      expect(key).toMatch(/^tgk_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
      // the key is not stored: only its hash
      const row = await empty.prisma.apiKey.findUniqueOrThrow({ where: { name: 'first' } });
      expect(JSON.stringify(row)).not.toContain(key.slice('tgk_'.length + 13));
      expect((await send(app, '{ fleet { sites } }', null)).outcome).toBe(401);
      expect((await send(app, '{ fleet { sites } }', `Bearer ${key}`)).outcome).toBe('allowed');
      // revoked again: back to the default
      await send(app, `mutation { revokeApiKey(input: { name: "first" }) { __typename } }`, `Bearer ${key}`);
      expect((await send(app, '{ fleet { sites } }', null)).outcome).toBe('allowed');
    } finally {
      await empty.close();
    }
  }, 60_000);
});

describe('key use', () => {
  it('records lastUsedAt on first use, at most once a minute, without delaying the request', async () => {
    const created = await createApiKey(db, { name: 'last-used', role: 'viewer' });
    if (!created.ok) throw new Error('key not created');
    expect(created.row.lastUsedAt).toBeNull();
    await send(keysApp, '{ fleet { sites } }', `Bearer ${created.key}`);
    let first: Date | null = null;
    for (let i = 0; i < 50 && !first; i++) {
      first = (await db.prisma.apiKey.findUniqueOrThrow({ where: { name: 'last-used' } })).lastUsedAt;
      if (!first) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(first).toBeInstanceOf(Date);
    await send(keysApp, '{ fleet { sites } }', `Bearer ${created.key}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = (await db.prisma.apiKey.findUniqueOrThrow({ where: { name: 'last-used' } })).lastUsedAt;
    expect(second?.getTime()).toBe(first!.getTime());
  });

  it('rate limits count per key: one key at its limit does not hold back another', async () => {
    const app = createApp({
      db,
      limits: { ...TEST_LIMITS, importRate: { perMinute: 1, burst: 1 } },
      auth: { kind: 'keys' },
    });
    const other = await createApiKey(db, { name: 'rate-other', role: 'admin' });
    if (!other.ok) throw new Error('key not created');
    const query = FIELDS.importDataset!.query;
    const first = await send(app, query, keys.admin);
    expect(first.status).toBe(200);
    const second = await send(app, query, keys.admin);
    expect(second.status).toBe(429);
    expect(second.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    const third = await send(app, query, `Bearer ${other.key}`);
    expect(third.status).toBe(200);
  });

  it('testApi acts as admin by default and as another role when asked', async () => {
    expect((await testApi(db).graphql('{ apiKeys(first: 1) { totalCount } }')).errors).toBeUndefined();
    const viewer = await testApi(db, { role: 'viewer' }).graphql('{ apiKeys(first: 1) { totalCount } }');
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
