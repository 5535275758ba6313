// Racing creators: twenty clients create the same code at once. Each checks that
// the code is free and then inserts it; all but one are refused by the unique
// index, and that refusal is the mutation's ConflictError, as an existing
// duplicate is (src/graphql/unique-conflicts.ts), never "Unexpected error.". On
// PostgreSQL (a pool of connections) they truly race; on the embedded database
// the statements interleave on one connection, and the test holds there too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';
import { describeUniqueViolation, uniqueViolationOf } from '../../src/db/unique-violation.js';
import { testApi, type GraphQLResponse } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase();
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

const CLIENTS = 20;

const CREATE_SITE = `mutation ($input: CreateSiteInput!) { createSite(input: $input) {
  __typename ... on MutationCreateSiteSuccess { data { code } } ... on Error { message } } }`;

const IMPORT = `mutation ($input: ImportDatasetInput!) { importDataset(input: $input) {
  __typename ... on MutationImportDatasetSuccess { data { sites { created unchanged } inventory { created unchanged } } }
  ... on Error { message } } }`;

/** how many answers had each outcome: a result's __typename, or the error's message */
function outcomes(results: GraphQLResponse[], field: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = result.errors?.length ? `error: ${result.errors[0]!.message}` : result.data![field].__typename;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe(`${CLIENTS} concurrent creators of one code`, () => {
  it('createSite: one success, every other a ConflictError', async () => {
    const input = {
      code: 'RACE-SITE',
      name: 'Raced',
      country: 'IS',
      regionLabel: 'Europe',
      latitude: 64.1,
      longitude: -21.9,
      pricePerKwh: 0.04,
      coolingType: 'FREE_AIR',
      powerCapKw: 20000,
      carbonGramsPerKwh: 28,
      inventory: [{ gpuTypeCode: 'H100-SXM', installed: 8, maxAdditional: 8 }],
    };
    const results = await Promise.all(Array.from({ length: CLIENTS }, () => api.graphql(CREATE_SITE, { input })));
    expect(outcomes(results, 'createSite')).toEqual({ MutationCreateSiteSuccess: 1, ConflictError: CLIENTS - 1 });
    const messages: Record<string, number> = {};
    for (const result of results.filter((r) => r.data?.createSite.__typename === 'ConflictError')) {
      const message = result.data!.createSite.message as string;
      // found by the resolver's check, or refused by the unique index after it
      expect(message).toMatch(
        /^(a site with code "RACE-SITE" already exists|a Site with this code was created by another request at the same time; nothing was changed \(retry to see it\))$/,
      );
      messages[message] = (messages[message] ?? 0) + 1;
    }
    console.log(`createSite ×${CLIENTS} on ${db.kind}: ${JSON.stringify(messages)}`);
    expect(await db.prisma.site.count({ where: { code: 'RACE-SITE' } })).toBe(1);
    expect(await db.prisma.siteInventory.count({ where: { site: { code: 'RACE-SITE' } } })).toBe(1);
  });

  it('importDataset of a new site: each import succeeds or is a ConflictError, none is masked, the site is written once', async () => {
    const template = (await readDataset(db)).sites.find((site) => site.inventory.length > 0)!;
    const json = { sites: [{ ...template, code: 'RACE-IMPORT', name: 'Raced import' }] };
    const results = await Promise.all(Array.from({ length: CLIENTS }, () => api.graphql(IMPORT, { input: { json } })));
    const counts = outcomes(results, 'importDataset');
    expect(Object.keys(counts).sort()).toEqual(
      Object.keys(counts).length === 1
        ? ['MutationImportDatasetSuccess']
        : ['ConflictError', 'MutationImportDatasetSuccess'],
    );
    const created = results
      .map((r) => r.data!.importDataset)
      .filter((r) => r.__typename === 'MutationImportDatasetSuccess' && r.data.sites.created === 1);
    expect(created).toHaveLength(1);
    expect(await db.prisma.site.count({ where: { code: 'RACE-IMPORT' } })).toBe(1);
    expect(await db.prisma.siteInventory.count({ where: { site: { code: 'RACE-IMPORT' } } })).toBe(
      template.inventory.length,
    );
    console.log(`importDataset ×${CLIENTS} of a new site on ${db.kind}: ${JSON.stringify(counts)}`);
  });
});

describe('uniqueViolationOf', () => {
  it("reads the table and columns from Prisma's P2002 and from the driver's raw 23505", async () => {
    const site = await db.prisma.site.findFirstOrThrow({ select: { code: true } });
    const fromPrisma = await db.prisma.site
      .create({
        data: {
          code: site.code,
          name: 'x',
          country: 'IS',
          regionLabel: 'x',
          latitude: 0,
          longitude: 0,
          pricePerKwh: 0.1,
          coolingType: 'AIR',
          powerCapKw: 1,
          carbonGramsPerKwh: 1,
        },
      })
      .catch((error: unknown) => error);
    expect(uniqueViolationOf(fromPrisma)).toEqual({ table: 'Site', fields: ['code'] });
    const insertScenario = () =>
      db.query(
        `INSERT INTO "Scenario" ("id", "code", "name", "overrides", "updatedAt") VALUES (gen_random_uuid(), 'DUP-SC', 'x', '{}', now())`,
      );
    await insertScenario();
    const fromDriver = await insertScenario().catch((error: unknown) => error);
    const violation = uniqueViolationOf(fromDriver);
    expect(violation).toEqual({ table: 'Scenario', fields: ['code'] });
    expect(describeUniqueViolation(violation!)).toBe('a Scenario with this code');
    expect(uniqueViolationOf(new Error('other'))).toBeNull();
  });
});
