// importDataset: the full fixtures into an empty database, idempotent re-import,
// and bad imports that must leave the database exactly as it was.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatasetFiles } from '../../src/dataset/load.js';
import { FIXTURES_DIR, ONE_MODEL_FIXTURES_DIR } from '../../src/paths.js';
import type { Database } from '../../src/db/database.js';
import { readDataset } from '../../src/db/dataset-store.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase({ fixtures: false });
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
});

const IMPORT = `mutation ($input: ImportDatasetInput!) { importDataset(input: $input) { __typename
  ... on MutationImportDatasetSuccess { data { dryRun models { created updated unchanged }
    workloadClasses { created updated unchanged } gpuTypes { created updated unchanged } gpuThroughputs { created updated unchanged }
    sites { created updated unchanged } inventory { created updated unchanged } demandRegions { created updated unchanged }
    demand { created updated unchanged } latencies { created updated unchanged } warnings } }
  ... on ValidationError { message issues { path message } } } }`;

async function fixtureFiles() {
  return (await readDatasetFiles(FIXTURES_DIR)).map((f) => ({ name: f.name, text: f.text }));
}

describe('importDataset', () => {
  it('validates a dry run and writes nothing', async () => {
    const result = await api.data(IMPORT, { input: { files: await fixtureFiles(), dryRun: true } });
    expect(result.importDataset.data.dryRun).toBe(true);
    expect(result.importDataset.data.sites.created).toBe(36);
    expect(await db.prisma.site.count()).toBe(0);
  });

  it('imports the full fixtures from CSV files', async () => {
    const result = await api.data(IMPORT, { input: { files: await fixtureFiles() } });
    const summary = result.importDataset.data;
    expect(summary.sites).toEqual({ created: 36, updated: 0, unchanged: 0 });
    expect(summary.gpuTypes.created).toBe(11);
    expect(summary.workloadClasses.created).toBe(4);
    expect(summary.demandRegions.created).toBe(20);
    expect(summary.latencies.created).toBe(720);
    expect(summary.models.created).toBe(7);
    expect(summary.demand.created).toBe(560);
    expect(summary.gpuThroughputs.created).toBe(288);
    expect(summary.warnings).toEqual([]);
    expect(await db.prisma.latency.count()).toBe(720);
  });

  it('changes nothing when the same data is imported again', async () => {
    const before = await db.query<{ max: Date }>(`SELECT max("updatedAt") AS max FROM "Site"`);
    const result = await api.data(IMPORT, { input: { files: await fixtureFiles() } });
    const { warnings, ...counted } = result.importDataset.data;
    expect(warnings).toEqual([]);
    for (const counts of Object.values(counted).filter((v) => typeof v === 'object')) {
      expect(counts).toMatchObject({ created: 0, updated: 0 });
    }
    const after = await db.query<{ max: Date }>(`SELECT max("updatedAt") AS max FROM "Site"`);
    expect(after).toEqual(before);
  });

  it('round-trips: exporting and re-importing the JSON form changes nothing', async () => {
    const exported = await readDataset(db);
    const result = await api.data(IMPORT, { input: { json: exported } });
    expect(result.importDataset.data.latencies).toEqual({ created: 0, updated: 0, unchanged: 720 });
    expect(await readDataset(db)).toEqual(exported);
  });

  it('reports every problem of a bad CSV import with file, line and column, and writes nothing', async () => {
    const before = await readDataset(db);
    const files = await fixtureFiles();
    const sites = files.find((f) => f.name === 'sites.csv')!;
    const lines = sites.text.split('\n');
    // line 3 = second site: break its price; append a duplicate of line 2's code with a bad latitude
    const header = lines[0]!.split(',');
    const priceColumn = header.indexOf('price_per_kwh');
    expect(priceColumn).toBeGreaterThan(0);
    const broken = files.map((f) => {
      if (f.name === 'latencies.csv')
        return { ...f, text: f.text.replace(/\n(US-ASH),(US-EAST),[0-9.]+,/, '\n$1,$2,-5,') };
      if (f.name === 'site-inventory.csv') return { ...f, text: f.text.trimEnd() + '\nUS-ASH,NO-SUCH-GPU,10,0\n' };
      return f;
    });
    const result = await api.data(IMPORT, { input: { files: broken } });
    expect(result.importDataset.__typename).toBe('ValidationError');
    const paths: string[] = result.importDataset.issues.map((i: any) => i.path);
    expect(paths.some((p) => /^latencies\.csv:\d+ rtt_ms$/.test(p))).toBe(true);
    expect(paths.some((p) => /^site-inventory\.csv:\d+ gpu_type_code$/.test(p))).toBe(true);
    expect(await readDataset(db)).toEqual(before);
  });

  it('reports duplicates and missing references in a JSON document, and writes nothing', async () => {
    const before = await readDataset(db);
    const json = {
      sites: [
        { ...before.sites[0], code: 'DUP-1', inventory: [] },
        { ...before.sites[0], code: 'DUP-1', inventory: [] },
      ],
      latencies: [{ siteCode: 'DUP-1', regionCode: 'ATLANTIS', rttMs: 10, method: 'ESTIMATED' }],
    };
    const result = await api.data(IMPORT, { input: { json } });
    expect(result.importDataset.__typename).toBe('ValidationError');
    const issues = result.importDataset.issues;
    expect(issues.some((i: any) => i.path.startsWith('input.json.sites[1]') && /duplicate/i.test(i.message))).toBe(
      true,
    );
    expect(issues.some((i: any) => i.path === 'input.json.latencies[0].regionCode')).toBe(true);
    expect(await readDataset(db)).toEqual(before);
  });

  it('refuses input with both or neither of json and files', async () => {
    const neither = await api.data(IMPORT, { input: {} });
    expect(neither.importDataset.issues).toEqual([{ path: 'input', message: 'give exactly one of json or files' }]);
  });

  it('imports a partial JSON data set that references stored records', async () => {
    const result = await api.data(IMPORT, {
      input: {
        json: {
          latencies: [
            { siteCode: 'US-ASH', regionCode: 'US-EAST', rttMs: 7, method: 'MEASURED', source: 'test probe' },
          ],
        },
      },
    });
    expect(result.importDataset.data.latencies).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });
});

describe('child rows without their parents', () => {
  it('warns, and still writes nothing on a dry run, when data without models joins named models', async () => {
    const oneModel = (await readDatasetFiles(ONE_MODEL_FIXTURES_DIR)).map((f) => ({ name: f.name, text: f.text }));
    const demandBefore = await db.prisma.demand.count();
    const result = await api.data(IMPORT, { input: { files: oneModel, dryRun: true } });
    const [warning, ...more] = result.importDataset.data.warnings as string[];
    expect(more).toEqual([]);
    expect(warning).toMatch(
      /demand for DEFAULT \(data without models, 80 rows\) beside demand for 7 named model\(s\) \(560 rows\)/,
    );
    expect(warning).toMatch(/a database of its own/);
    expect(await db.prisma.demand.count()).toBe(demandBefore);
  });

  it('attaches a lone site-inventory.csv to sites already stored', async () => {
    const text = 'site_code,gpu_type_code,installed,max_additional\nUS-ASH,B200,77,5\n';
    const result = await api.data(IMPORT, { input: { files: [{ name: 'site-inventory.csv', text }] } });
    expect(result.importDataset.data.inventory.created + result.importDataset.data.inventory.updated).toBe(1);
    const row = await db.prisma.siteInventory.findFirst({
      where: { site: { code: 'US-ASH' }, gpuType: { code: 'B200' } },
    });
    expect(row).toMatchObject({ installed: 77, maxAdditional: 5 });
    const orphan = await api.data(IMPORT, {
      input: { files: [{ name: 'site-inventory.csv', text: text.replace('US-ASH', 'NO-SITE') }] },
    });
    expect(orphan.importDataset.issues.map((i: any) => i.path)).toEqual(['site-inventory.csv:2 site_code']);
  });
});

describe('fixture files', () => {
  it('carry their source columns', async () => {
    const sites = await readFile(join(FIXTURES_DIR, 'sites.csv'), 'utf8');
    expect(sites.split('\n')[0]).toMatch(/price_source/);
    const latencies = await readFile(join(FIXTURES_DIR, 'latencies.csv'), 'utf8');
    expect(latencies.split('\n')[0]).toMatch(/source/);
  });
});
