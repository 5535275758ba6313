// Models through GraphQL (#13): create one, give it throughputs and demand, read
// them back with the derived cost per model; and a two-model data set exported and
// imported again unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';
import { importDataset } from '../../src/db/import.js';
import { planningInputFromDatabase } from '../../src/db/planning-input.js';
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

const UPSERT_MODEL = `mutation ($input: UpsertModelInput!) { upsertModel(input: $input) { __typename
  ... on MutationUpsertModelSuccess { data { code architecture paramsActiveB contextTokens allowedCountries } }
  ... on ValidationError { issues { path message } } } }`;

describe('models over GraphQL', () => {
  it('creates a model, a throughput and demand for it, and reads them back', async () => {
    const created = await api.data(UPSERT_MODEL, {
      input: {
        code: 'TEST-MOE',
        name: 'Test MoE',
        vendor: 'Test',
        architecture: 'MOE',
        paramsTotalB: 671,
        paramsActiveB: 37,
        contextTokens: 131072,
        allowedCountries: ['US'],
      },
    });
    expect(created.upsertModel).toEqual({
      __typename: 'MutationUpsertModelSuccess',
      data: {
        code: 'TEST-MOE',
        architecture: 'MOE',
        paramsActiveB: 37,
        contextTokens: 131072,
        allowedCountries: ['US'],
      },
    });

    const bad = await api.data(UPSERT_MODEL, {
      input: {
        code: 'BAD-MODEL',
        name: 'x',
        vendor: 'x',
        architecture: 'sparse',
        contextTokens: 0,
        allowedSites: ['NOPE'],
      },
    });
    expect(bad.upsertModel.issues).toEqual([
      { path: 'input.architecture', message: 'must be one of DENSE, MOE' },
      { path: 'input.contextTokens', message: 'must be a whole number between 1 and 100000000 tokens' },
    ]);
    const unknownSite = await api.data(UPSERT_MODEL, {
      input: { code: 'BAD-MODEL', name: 'x', vendor: 'x', allowedSites: ['NOPE'] },
    });
    expect(unknownSite.upsertModel.issues).toEqual([
      { path: 'input.allowedSites[0]', message: 'site "NOPE" does not exist' },
    ]);

    const gpu = await api.data(
      `mutation ($input: UpsertGpuTypeInput!) { upsertGpuType(input: $input) { __typename
        ... on MutationUpsertGpuTypeSuccess { data { throughputs { model { code } workloadClass { code } tokensPerSecond gpusPerReplica } } }
        ... on ValidationError { issues { path message } } } }`,
      {
        input: {
          code: 'TPU-M',
          name: 'Test accelerator',
          vendor: 'Test',
          powerWatts: 1000,
          memoryGb: 141,
          capexPerHour: 2,
          throughputs: [
            { modelCode: 'TEST-MOE', workloadClassCode: 'BATCH', tokensPerSecond: 1100, gpusPerReplica: 8 },
            { workloadClassCode: 'BATCH', tokensPerSecond: 4000 },
          ],
        },
      },
    );
    expect(gpu.upsertGpuType.data.throughputs).toEqual([
      { model: { code: 'DEFAULT' }, workloadClass: { code: 'BATCH' }, tokensPerSecond: 4000, gpusPerReplica: 1 },
      { model: { code: 'TEST-MOE' }, workloadClass: { code: 'BATCH' }, tokensPerSecond: 1100, gpusPerReplica: 8 },
    ]);
    const unknownModel = await api.data(
      `mutation { upsertGpuType(input: { code: "TPU-M", name: "t", vendor: "t", powerWatts: 1000, memoryGb: 141, capexPerHour: 2,
        throughputs: [{ modelCode: "NO-MODEL", workloadClassCode: "BATCH", tokensPerSecond: 1 }] }) { __typename ... on ValidationError { issues { path message } } } }`,
    );
    expect(unknownModel.upsertGpuType.issues).toEqual([
      { path: 'input.throughputs[0].modelCode', message: 'model "NO-MODEL" does not exist' },
    ]);

    const region = await api.data(
      `mutation ($input: UpsertDemandRegionInput!) { upsertDemandRegion(input: $input) { __typename
        ... on MutationUpsertDemandRegionSuccess { data { demand { model { code } workloadClass { code } tokensPerSecond } } } } }`,
      {
        input: {
          code: 'TEST-REGION',
          name: 'Test region',
          city: 'Testville',
          latitude: 0,
          longitude: 0,
          utcOffsetHours: 0,
          demand: [{ modelCode: 'TEST-MOE', workloadClassCode: 'BATCH', tokensPerSecond: 50 }],
        },
      },
    );
    expect(region.upsertDemandRegion.data.demand).toEqual([
      { model: { code: 'TEST-MOE' }, workloadClass: { code: 'BATCH' }, tokensPerSecond: 50 },
    ]);

    const read = await api.data(`{
      model(code: "TEST-MOE") { code throughputs { gpuType { code } tokensPerSecond } demand { region { code } tokensPerSecond } }
      models { code }
      site(code: "US-ASH") {
        perModel: costPerMillionTokens(gpuType: "TPU-M", workloadClass: "BATCH", model: "TEST-MOE")
        perDefault: costPerMillionTokens(gpuType: "TPU-M", workloadClass: "BATCH")
        none: costPerMillionTokens(gpuType: "TPU-M", workloadClass: "INTERACTIVE", model: "TEST-MOE")
        joules: tokensPerJoule(gpuType: "TPU-M", workloadClass: "BATCH", model: "TEST-MOE")
      }
    }`);
    expect(read.model).toEqual({
      code: 'TEST-MOE',
      throughputs: [{ gpuType: { code: 'TPU-M' }, tokensPerSecond: 1100 }],
      demand: [{ region: { code: 'TEST-REGION' }, tokensPerSecond: 50 }],
    });
    expect(read.models.map((m: { code: string }) => m.code)).toEqual(expect.arrayContaining(['DEFAULT', 'TEST-MOE']));
    // the same GPU-hour over 1100 instead of 4000 tokens/s
    expect(read.site.perModel / read.site.perDefault).toBeCloseTo(4000 / 1100, 9);
    expect(read.site.none).toBeNull();
    expect(read.site.joules).toBeGreaterThan(0);

    const unknown = await api.graphql(
      `{ site(code: "US-ASH") { costPerMillionTokens(gpuType: "TPU-M", workloadClass: "BATCH", model: "NO-MODEL") } }`,
    );
    expect(unknown.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['model "NO-MODEL" does not exist', 'NOT_FOUND'],
    ]);
  });
});

describe('a two-model data set', () => {
  it('is exported and imported back unchanged', async () => {
    const twoModels = {
      models: [
        { code: 'MODEL-A', name: 'A', vendor: 'V', architecture: 'DENSE', paramsTotalB: 8, allowedSites: ['US-ASH'] },
        {
          code: 'MODEL-B',
          name: 'B',
          vendor: 'V',
          architecture: 'MOE',
          weightsGb: 685,
          allowedCountries: ['US', 'DE'],
        },
      ],
      gpuThroughputs: [
        { gpuTypeCode: 'H100-SXM', modelCode: 'MODEL-A', workloadClassCode: 'BATCH', tokensPerSecond: 5777 },
        {
          gpuTypeCode: 'H100-SXM',
          modelCode: 'MODEL-B',
          workloadClassCode: 'BATCH',
          tokensPerSecond: 900,
          gpusPerReplica: 16,
        },
      ],
      demands: [
        { regionCode: 'US-EAST', modelCode: 'MODEL-A', workloadClassCode: 'BATCH', tokensPerSecond: 10 },
        { regionCode: 'US-EAST', modelCode: 'MODEL-B', workloadClassCode: 'BATCH', tokensPerSecond: 20 },
      ],
    };
    const first = await importDataset(db, { json: twoModels });
    expect(first).toMatchObject({
      ok: true,
      summary: { models: { created: 2 }, gpuThroughputs: { created: 2 }, demand: { created: 2 } },
    });

    const exported = JSON.parse(JSON.stringify(await readDataset(db)));
    const b = exported.models.find((m: { code: string }) => m.code === 'MODEL-B');
    expect(b).toMatchObject({ architecture: 'MOE', weightsGb: 685, allowedCountries: ['US', 'DE'] });
    const h100 = exported.gpuTypes.find((g: { code: string }) => g.code === 'H100-SXM');
    expect(h100.throughputs).toContainEqual(
      expect.objectContaining({
        modelCode: 'MODEL-B',
        workloadClassCode: 'BATCH',
        tokensPerSecond: 900,
        gpusPerReplica: 16,
      }),
    );

    // the export, imported again, finds everything equal
    const again = await importDataset(db, { json: exported });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    const { warnings, ...counted } = again.summary;
    expect(warnings).toEqual([]);
    for (const [section, counts] of Object.entries(counted)) {
      expect({ section, created: counts.created, updated: counts.updated }).toEqual({
        section,
        created: 0,
        updated: 0,
      });
    }
    expect(JSON.parse(JSON.stringify(await readDataset(db)))).toEqual(exported);
  });

  it('keeps a site’s cap on models through GraphQL, export and import, and into the planning snapshot', async () => {
    const UPDATE = `mutation ($input: UpdateSiteInput!) { updateSite(input: $input) { __typename
      ... on MutationUpdateSiteSuccess { data { code maxModels } }
      ... on ValidationError { issues { path message } } } }`;
    const updated = await api.data(UPDATE, { input: { code: 'US-ASH', maxModels: 2 } });
    expect(updated.updateSite).toEqual({
      __typename: 'MutationUpdateSiteSuccess',
      data: { code: 'US-ASH', maxModels: 2 },
    });
    const bad = await api.data(UPDATE, { input: { code: 'US-ASH', maxModels: 1001 } });
    expect(bad.updateSite.issues).toEqual([
      { path: 'input.maxModels', message: 'must be a whole number between 1 and 1000 models' },
    ]);
    const exported = JSON.parse(JSON.stringify(await readDataset(db)));
    expect(exported.sites.find((s: { code: string }) => s.code === 'US-ASH').maxModels).toBe(2);
    expect(exported.sites.find((s: { code: string }) => s.code !== 'US-ASH').maxModels).toBeNull();
    const again = await importDataset(db, { json: exported });
    expect(again.ok && again.summary.sites).toMatchObject({ created: 0, updated: 0 });
    const input = await planningInputFromDatabase(db);
    expect(input.sites.find((s) => s.code === 'US-ASH')!.maxModels).toBe(2);
    await api.data(UPDATE, { input: { code: 'US-ASH', maxModels: null } });
    expect((await planningInputFromDatabase(db)).sites.find((s) => s.code === 'US-ASH')!.maxModels).toBeNull();
  });
});
