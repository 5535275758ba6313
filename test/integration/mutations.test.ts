// Every mutation: the happy path, typed errors naming the field, and no partial writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';
import { testApi } from '../helpers/api.js';
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

const SITE = {
  code: 'XX-TEST',
  name: 'Test site',
  country: 'IS',
  regionLabel: 'Europe',
  latitude: 64.1,
  longitude: -21.9,
  pricePerKwh: 0.04,
  coolingType: 'FREE_AIR',
  powerCapKw: 20000,
  carbonGramsPerKwh: 28,
};

const CREATE_SITE = `mutation ($input: CreateSiteInput!) { createSite(input: $input) {
  __typename
  ... on MutationCreateSiteSuccess { data { code pue effectivePue hourlyPricesPerKwh status inventory { gpuType { code } installed maxAdditional } } }
  ... on ValidationError { message issues { path message } }
  ... on ConflictError { message }
  ... on NotFoundError { message entity code }
} }`;

async function expectUnchanged<T>(action: () => Promise<T>): Promise<T> {
  const before = await readDataset(db);
  const result = await action();
  expect(await readDataset(db)).toEqual(before);
  return result;
}

describe('createSite', () => {
  it('creates a site with inventory and the cooling type default PUE', async () => {
    const result = await api.data(CREATE_SITE, {
      input: { ...SITE, inventory: [{ gpuTypeCode: 'H100-SXM', installed: 64, maxAdditional: 32 }] },
    });
    expect(result.createSite.__typename).toBe('MutationCreateSiteSuccess');
    const site = result.createSite.data;
    expect(site.pue).toBeNull();
    expect(site.effectivePue).toBeGreaterThan(1);
    expect(site.status).toBe('ACTIVE');
    expect(site.inventory).toEqual([{ gpuType: { code: 'H100-SXM' }, installed: 64, maxAdditional: 32 }]);
  });

  it('refuses a duplicate code with a ConflictError', async () => {
    const result = await expectUnchanged(() => api.data(CREATE_SITE, { input: SITE }));
    expect(result.createSite.__typename).toBe('ConflictError');
  });

  it('reports every broken rule with its field, writing nothing', async () => {
    const input = {
      ...SITE,
      code: 'bad code',
      country: 'ZZ',
      latitude: 91,
      longitude: -181,
      pricePerKwh: 2.5,
      pue: 0.9,
      hourlyPricesPerKwh: Array(23).fill(0.05),
      powerCapKw: 0,
      name: '',
    };
    const result = await expectUnchanged(() => api.data(CREATE_SITE, { input }));
    expect(result.createSite.__typename).toBe('ValidationError');
    const paths = result.createSite.issues.map((i: any) => i.path).sort();
    expect(paths).toEqual(
      [
        'input.code',
        'input.country',
        'input.hourlyPricesPerKwh',
        'input.latitude',
        'input.longitude',
        'input.name',
        'input.powerCapKw',
        'input.pricePerKwh',
        'input.pue',
      ].sort(),
    );
    const hourly = result.createSite.issues.find((i: any) => i.path === 'input.hourlyPricesPerKwh');
    expect(hourly.message).toMatch(/24/);
  });

  it('refuses inventory of an unknown GPU type, writing nothing', async () => {
    const result = await expectUnchanged(() =>
      api.data(CREATE_SITE, {
        input: { ...SITE, code: 'XX-TWO', inventory: [{ gpuTypeCode: 'NOPE-9000', installed: 1 }] },
      }),
    );
    expect(result.createSite.__typename).toBe('NotFoundError');
    expect(result.createSite.code).toBe('NOPE-9000');
  });

  it('rejects non-integer and negative counts at the field', async () => {
    const result = await expectUnchanged(() =>
      api.data(CREATE_SITE, {
        input: { ...SITE, code: 'XX-THREE', inventory: [{ gpuTypeCode: 'H100-SXM', installed: -1 }] },
      }),
    );
    expect(result.createSite.__typename).toBe('ValidationError');
    expect(result.createSite.issues[0].path).toBe('input.inventory[0].installed');
    const fractional = await api.graphql(CREATE_SITE, {
      input: { ...SITE, code: 'XX-FOUR', inventory: [{ gpuTypeCode: 'H100-SXM', installed: 1.5 }] },
    });
    expect(fractional.errors?.[0]?.message).toMatch(/installed/);
  });
});

describe('updateSite and deleteSite', () => {
  const UPDATE = `mutation ($input: UpdateSiteInput!) { updateSite(input: $input) { __typename
    ... on MutationUpdateSiteSuccess { data { code pricePerKwh hourlyPricesPerKwh } }
    ... on ValidationError { issues { path message } }
    ... on NotFoundError { code } } }`;

  it('changes only the given fields', async () => {
    const hourly = Array.from({ length: 24 }, (_, h) => 0.03 + h * 0.001);
    const result = await api.data(UPDATE, {
      input: { code: 'XX-TEST', pricePerKwh: 0.05, hourlyPricesPerKwh: hourly },
    });
    const site = result.updateSite.data;
    expect(site.pricePerKwh).toBe(0.05);
    // float arrays travel at 15 significant digits
    site.hourlyPricesPerKwh.forEach((price: number, hour: number) => expect(price).toBeCloseTo(hourly[hour]!, 12));
    expect(site.hourlyPricesPerKwh).toHaveLength(24);
  });

  it('answers a client that selects only __typename', async () => {
    const result = await api.data(
      `mutation { updateSite(input: { code: "XX-TEST", notes: "typename only" }) { __typename } }`,
    );
    expect(result.updateSite.__typename).toBe('MutationUpdateSiteSuccess');
    expect((await api.data(`{ site(code: "XX-TEST") { __typename } gpuTypes { __typename } }`)).site.__typename).toBe(
      'Site',
    );
  });

  it('names a missing site and a bad value', async () => {
    expect((await api.data(UPDATE, { input: { code: 'NO-SUCH', pricePerKwh: 0.1 } })).updateSite).toEqual({
      __typename: 'NotFoundError',
      code: 'NO-SUCH',
    });
    const bad = await expectUnchanged(() => api.data(UPDATE, { input: { code: 'XX-TEST', pricePerKwh: -0.01 } }));
    expect(bad.updateSite.issues).toEqual([
      { path: 'input.pricePerKwh', message: expect.stringMatching(/between 0 and 2/) },
    ]);
  });

  it('refuses to delete a site with inventory unless forced', async () => {
    const DELETE = `mutation ($input: DeleteSiteInput!) { deleteSite(input: $input) { __typename
      ... on MutationDeleteSiteSuccess { data { code } } ... on ConflictError { message } } }`;
    const refused = await expectUnchanged(() => api.data(DELETE, { input: { code: 'XX-TEST' } }));
    expect(refused.deleteSite.__typename).toBe('ConflictError');
    expect(refused.deleteSite.message).toMatch(/force/);
    const forced = await api.data(DELETE, { input: { code: 'XX-TEST', force: true } });
    expect(forced.deleteSite.data.code).toBe('XX-TEST');
    expect(await db.prisma.siteInventory.count({ where: { site: { code: 'XX-TEST' } } })).toBe(0);
  });
});

describe('fleet, demand and latency mutations', () => {
  it('sets inventory', async () => {
    const result =
      await api.data(`mutation { setInventory(input: { siteCode: "US-ASH", gpuTypeCode: "B200", installed: 123, maxAdditional: 7 }) {
      __typename ... on MutationSetInventorySuccess { data { site { code } gpuType { code } installed maxAdditional } } } }`);
    expect(result.setInventory.data).toEqual({
      site: { code: 'US-ASH' },
      gpuType: { code: 'B200' },
      installed: 123,
      maxAdditional: 7,
    });
  });

  it('upserts a GPU type with throughputs, rejecting unknown classes and zero throughput', async () => {
    const M = `mutation ($input: UpsertGpuTypeInput!) { upsertGpuType(input: $input) { __typename
      ... on MutationUpsertGpuTypeSuccess { data { code powerWatts throughputs { workloadClass { code } tokensPerSecond } } }
      ... on ValidationError { issues { path message } } } }`;
    const input = {
      code: 'TPU-X',
      name: 'Test accelerator',
      vendor: 'Test',
      powerWatts: 900,
      memoryGb: 96,
      capexPerHour: 1.1,
      throughputs: [{ workloadClassCode: 'BATCH', tokensPerSecond: 5000 }],
    };
    const ok = await api.data(M, { input });
    expect(ok.upsertGpuType.data.throughputs).toEqual([{ workloadClass: { code: 'BATCH' }, tokensPerSecond: 5000 }]);
    const again = await api.data(M, {
      input: { ...input, powerWatts: 950, throughputs: [{ workloadClassCode: 'INTERACTIVE', tokensPerSecond: 1200 }] },
    });
    expect(again.upsertGpuType.data.powerWatts).toBe(950);
    expect(again.upsertGpuType.data.throughputs).toHaveLength(2);
    const bad = await expectUnchanged(() =>
      api.data(M, {
        input: { ...input, powerWatts: 0, throughputs: [{ workloadClassCode: 'NOPE', tokensPerSecond: 0 }] },
      }),
    );
    expect(bad.upsertGpuType.__typename).toBe('ValidationError');
    expect(bad.upsertGpuType.issues.map((i: any) => i.path).sort()).toEqual([
      'input.powerWatts',
      'input.throughputs[0].tokensPerSecond',
    ]);
    const unknownClass = await expectUnchanged(() =>
      api.data(M, { input: { ...input, throughputs: [{ workloadClassCode: 'NOPE', tokensPerSecond: 10 }] } }),
    );
    expect(unknownClass.upsertGpuType.issues).toEqual([
      { path: 'input.throughputs[0].workloadClassCode', message: 'workload class "NOPE" does not exist' },
    ]);
  });

  it('upserts a demand region with demand rows and deletes it', async () => {
    const M = `mutation ($input: UpsertDemandRegionInput!) { upsertDemandRegion(input: $input) { __typename
      ... on MutationUpsertDemandRegionSuccess { data { code allowedCountries totalTokensPerSecond demand { workloadClass { code } tokensPerSecond rttBudgetMs effectiveRttBudgetMs } } }
      ... on ValidationError { issues { path message } } } }`;
    const input = {
      code: 'ICELAND',
      name: 'Iceland',
      city: 'Reykjavik',
      country: 'IS',
      latitude: 64.1,
      longitude: -21.9,
      utcOffsetHours: 0,
      allowedCountries: ['IS', 'NO'],
      demand: [
        { workloadClassCode: 'INTERACTIVE', tokensPerSecond: 1000, rttBudgetMs: 60 },
        { workloadClassCode: 'BATCH', tokensPerSecond: 500 },
      ],
    };
    const ok = await api.data(M, { input });
    expect(ok.upsertDemandRegion.data.totalTokensPerSecond).toBe(1500);
    const interactive = ok.upsertDemandRegion.data.demand.find((d: any) => d.workloadClass.code === 'INTERACTIVE');
    expect(interactive.effectiveRttBudgetMs).toBe(60);
    const bad = await expectUnchanged(() =>
      api.data(M, { input: { ...input, allowedCountries: ['XQ'], utcOffsetHours: 15 } }),
    );
    expect(bad.upsertDemandRegion.issues.map((i: any) => i.path).sort()).toEqual([
      'input.allowedCountries[0]',
      'input.utcOffsetHours',
    ]);
    const del = await api.data(
      `mutation { deleteDemandRegion(input: { code: "ICELAND" }) { __typename ... on MutationDeleteDemandRegionSuccess { data { code } } } }`,
    );
    expect(del.deleteDemandRegion.data.code).toBe('ICELAND');
    expect(await db.prisma.demand.count({ where: { region: { code: 'ICELAND' } } })).toBe(0);
  });

  it('sets latencies in bulk, all or nothing', async () => {
    const M = `mutation ($input: SetLatenciesInput!) { setLatencies(input: $input) { __typename
      ... on MutationSetLatenciesSuccess { data { latencies { created updated unchanged } } }
      ... on ValidationError { issues { path message } } } }`;
    const ok = await api.data(M, {
      input: {
        latencies: [
          { siteCode: 'US-ASH', regionCode: 'US-EAST', rttMs: 9, method: 'MEASURED', source: 'probe' },
          { siteCode: 'US-ASH', regionCode: 'US-WEST', rttMs: 68, method: 'MEASURED_PROXY' },
        ],
      },
    });
    expect(ok.setLatencies.data.latencies).toEqual({ created: 0, updated: 2, unchanged: 0 });
    const bad = await expectUnchanged(() =>
      api.data(M, {
        input: {
          latencies: [
            { siteCode: 'US-ASH', regionCode: 'US-EAST', rttMs: 10, method: 'MEASURED' },
            { siteCode: 'US-ASH', regionCode: 'NOWHERE', rttMs: 2001, method: 'ESTIMATED' },
          ],
        },
      }),
    );
    expect(bad.setLatencies.__typename).toBe('ValidationError');
    expect(bad.setLatencies.issues.map((i: any) => i.path)).toEqual(['input.latencies[1].rttMs']);
    const unknownRegion = await expectUnchanged(() =>
      api.data(M, {
        input: {
          latencies: [
            { siteCode: 'US-ASH', regionCode: 'NOWHERE', rttMs: 20, method: 'ESTIMATED' },
            { siteCode: 'NO-SITE', regionCode: 'US-EAST', rttMs: 20, method: 'ESTIMATED' },
          ],
        },
      }),
    );
    expect(unknownRegion.setLatencies.issues.map((i: any) => i.path).sort()).toEqual([
      'input.latencies[0].regionCode',
      'input.latencies[1].siteCode',
    ]);
  });
});
