// Property-based tests (fast-check) through the GraphQL API:
// - importDataset: any mix of valid and invalid records either succeeds and
//   round-trips (the export holds what was imported, defaults filled in) or is
//   refused with a ValidationError and changes nothing;
// - requestPlan options: any option object either creates a plan or is refused
//   with a ValidationError (or a GraphQL error) naming fields under
//   `input.options`, and creates no plan.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { dumpDatabase } from '../helpers/dump.js';

let db: Database;
let planJobs: Jobs;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase();
  // enqueue only: plans stay QUEUED, nothing is solved
  planJobs = await startJobs(db, { worker: false, queue: { supervise: false, schedule: false } });
  api = testApi(db, { jobs: planJobs });
});
afterAll(async () => {
  await planJobs?.stop({ graceMs: 0 });
  await db?.close();
});

/** Seeded so a failure reproduces; the seed is printed by fast-check when a property fails. */
const RUNS = { numRuns: 30, seed: 20261128 } as const;

// ---- importDataset

const validCode = fc.stringMatching(/^P-[A-Z0-9]{1,6}$/);
const anyCode = fc.oneof(
  { weight: 6, arbitrary: validCode },
  { weight: 1, arbitrary: fc.constantFrom('', 'p-lower', `'; DROP TABLE "Site"; --`, 'ÄÖ', 'A'.repeat(33)) },
);
const text = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0 && !/\p{Cc}/u.test(s)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', 'x'.repeat(201), 'tab\there', 'nul\u0000') },
);
/** mostly in range, sometimes outside or not a number at all */
const number = (min: number, max: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, -1e300, 1e300) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('1', null, true) },
  );
const hourly = fc.oneof(
  { weight: 4, arbitrary: fc.constant([] as number[]) },
  { weight: 4, arbitrary: fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 24, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 30 }) },
);

const siteRecord = fc.record({
  code: anyCode,
  name: text,
  country: fc.constantFrom('US', 'DE', 'FI', 'JP', 'XX', 'us'),
  regionLabel: text,
  latitude: number(-90, 90),
  longitude: number(-180, 180),
  pricePerKwh: number(0, 2),
  hourlyPricesPerKwh: hourly,
  utcOffsetHours: fc.constantFrom(-5, 0, 1, 5.5, 5.75, 9, 1.3, 15),
  coolingType: fc.constantFrom('AIR', 'FREE_AIR', 'EVAPORATIVE', 'LIQUID_COLD_PLATE', 'IMMERSION', 'LAVA'),
  pue: fc.oneof(fc.constant(null), number(1, 3)),
  powerCapKw: number(1, 1_000_000),
  carbonGramsPerKwh: number(0, 2000),
  status: fc.constantFrom('ACTIVE', 'PLANNED', 'RETIRED', 'GONE'),
  inventory: fc.constant([] as unknown[]),
});

const IMPORT = `mutation ($input: ImportDatasetInput!) { importDataset(input: $input) {
  __typename
  ... on ValidationError { issues { path message } }
  ... on Error { message }
} }`;

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

function sameAsImported(given: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  const differences: string[] = [];
  for (const [field, value] of Object.entries(given)) {
    const back = stored[field];
    const equal =
      typeof value === 'number'
        ? typeof back === 'number' && close(value, back)
        : typeof value === 'string'
          ? back === value.trim()
          : Array.isArray(value)
            ? Array.isArray(back) &&
              value.length === back.length &&
              value.every((v, i) => close(v as number, back[i] as number))
            : value === back;
    if (!equal) differences.push(`${field}: imported ${JSON.stringify(value)}, exported ${JSON.stringify(back)}`);
  }
  return differences;
}

describe('importDataset (fast-check)', () => {
  it('any sites either import and round-trip through export, or are refused with a ValidationError and change nothing', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(siteRecord, { minLength: 1, maxLength: 4 }), async (sites) => {
        const before = await dumpDatabase(db);
        const result = await api.graphql<{
          importDataset: { __typename: string; issues?: { path: string; message: string }[] };
        }>(IMPORT, {
          input: { json: { sites } },
        });
        if (result.errors) {
          // a value GraphQL itself refuses (the JSON scalar takes anything, so only transport problems land here)
          throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors)}`);
        }
        const answer = result.data!.importDataset;
        if (answer.__typename === 'MutationImportDatasetSuccess') {
          accepted++;
          const codes = sites.map((site) => site.code);
          expect(new Set(codes).size).toBe(codes.length); // duplicates must never pass
          const exported = new Map(
            (await readDataset(db)).sites.map((site) => [site.code, site as unknown as Record<string, unknown>]),
          );
          for (const site of sites) {
            const { inventory: _inventory, ...fields } = site;
            expect(sameAsImported(fields, exported.get(site.code)!)).toEqual([]);
          }
          // a second import of the same records changes nothing
          const again = await dumpDatabase(db);
          await api.graphql(IMPORT, { input: { json: { sites } } });
          expect(await dumpDatabase(db)).toEqual(again);
        } else {
          refused++;
          expect(answer.__typename).toBe('ValidationError');
          expect(answer.issues!.length).toBeGreaterThan(0);
          for (const issue of answer.issues!) expect(issue.path).toMatch(/^sites\[\d+\]|^sites|^input/);
          expect(await dumpDatabase(db)).toEqual(before);
        }
      }),
      RUNS,
    );
    // both branches were exercised
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

// ---- requestPlan options

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const anyFloat = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 1, 1e6, -1, 1e300),
);
const planOptions = fc.record(
  {
    periods: maybe(fc.constantFrom(1, 24, 0, 2, 48)),
    capexMode: maybe(fc.constantFrom('AMORTIZED', 'SUNK')),
    targetUtilization: maybe(anyFloat),
    allowExpansion: maybe(fc.boolean()),
    carbonPricePerTonne: maybe(fc.oneof(anyFloat, fc.constant(null))),
    carbonCapTonnesPerHour: maybe(fc.oneof(anyFloat, fc.constant(null))),
    egressPricePerMillionTokens: maybe(anyFloat),
    unservedPenaltyPerMillionTokens: maybe(anyFloat),
    maxSiteShare: maybe(anyFloat),
    excludeSites: maybe(fc.array(fc.constantFrom('US-DFW', 'FI-HAM', 'NOPE-1', ''), { maxLength: 3 })),
    integerGpus: maybe(fc.boolean()),
    mipGapRelative: maybe(anyFloat),
    timeLimitSeconds: maybe(fc.oneof(anyFloat, fc.constantFrom(30, 600, 601, 100_000))),
    solver: maybe(fc.constantFrom('AUTO', 'JSLP', 'HIGHS')),
  },
  { requiredKeys: [] },
);

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { id status options } }
  ... on ValidationError { issues { path message } }
  ... on Error { message }
} }`;

async function planCount(): Promise<number> {
  const [row] = await db.query<{ n: number | string }>('SELECT count(*) AS "n" FROM "Plan"');
  return Number(row!.n);
}

describe('requestPlan options (fast-check)', () => {
  it('any options either create a plan with them, or are refused naming fields under input.options and create none', async () => {
    let created = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(planOptions, async (options) => {
        const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
        const plansBefore = await planCount();
        const result = await api.graphql<{
          requestPlan: { __typename: string; data?: { options: Record<string, unknown> }; issues?: { path: string }[] };
        }>(REQUEST, {
          input: { name: 'property', options: given },
        });
        if (result.errors) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors)}`);
        const answer = result.data!.requestPlan;
        if (answer.__typename === 'MutationRequestPlanSuccess') {
          created++;
          expect(await planCount()).toBe(plansBefore + 1);
          // the stored options hold what was given (enums in their stored spelling)
          for (const [field, value] of Object.entries(given)) {
            const stored = answer.data!.options[field];
            if (typeof value === 'string') expect(String(stored).toUpperCase()).toBe(value);
            else expect(stored).toEqual(value);
          }
        } else {
          refused++;
          expect(answer.__typename).toBe('ValidationError');
          expect(answer.issues!.length).toBeGreaterThan(0);
          for (const issue of answer.issues!) expect(issue.path).toMatch(/^input(\.options(\.\w+)?)?/);
          expect(await planCount()).toBe(plansBefore);
        }
      }),
      { ...RUNS, numRuns: 60 },
    );
    expect(created).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
