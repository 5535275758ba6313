import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, parseDataset, readDatasetFiles } from '../../src/dataset/load.js';
import { FIXTURES_DIR } from '../../src/paths.js';

describe('FIXTURES_DIR', () => {
  it('points at the bundled fixtures', () => {
    expect(existsSync(join(FIXTURES_DIR, 'workload-classes.csv'))).toBe(true);
  });
});

describe('readDatasetFiles / loadDataset', () => {
  it('reads only the CSV files of a directory', async () => {
    const files = await readDatasetFiles(FIXTURES_DIR);
    expect(files.map((f) => f.name).sort()).toEqual([
      'demand-regions.csv',
      'demand.csv',
      'gpu-throughputs.csv',
      'gpu-types.csv',
      'latencies.csv',
      'models.csv',
      'site-inventory.csv',
      'sites.csv',
      'workload-classes.csv',
    ]);
  });

  it('reads a single CSV file and attaches its rows to known parents', async () => {
    const { dataset, issues } = await loadDataset(join(FIXTURES_DIR, 'site-inventory.csv'), {
      siteCodes: [],
      gpuTypeCodes: ['H100-SXM'],
    });
    expect(dataset.siteInventory.length).toBe(88);
    // every site is unknown, and so is every GPU type but H100-SXM
    expect(issues.filter((i) => i.field === 'site_code')).toHaveLength(88);
    expect(issues.every((i) => i.file === 'site-inventory.csv')).toBe(true);
  });

  it('reads a JSON file, and a directory holding only one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengrid-dataset-'));
    const doc = { latencies: [{ siteCode: 'S1', regionCode: 'R1', rttMs: 12, method: 'MEASURED' }] };
    writeFileSync(join(dir, 'data.json'), JSON.stringify(doc));
    const fromFile = await loadDataset(join(dir, 'data.json'), { siteCodes: ['S1'], regionCodes: ['R1'] });
    expect(fromFile.issues).toEqual([]);
    expect(fromFile.dataset.latencies[0]?.rttMs).toBe(12);
    const fromDir = await loadDataset(dir);
    expect(fromDir.issues.map((i) => i.path)).toEqual(['latencies[0].siteCode', 'latencies[0].regionCode']);
  });

  it('reports JSON that does not parse', () => {
    const { issues } = parseDataset({ files: [{ name: 'broken.json', text: '{ "sites": [' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'broken.json', file: 'broken.json' });
    expect(issues[0]?.message).toMatch(/^is not valid JSON/);
  });

  it('round-trips the fixtures through JSON with zero issues', async () => {
    const csv = await loadDataset(FIXTURES_DIR);
    const again = parseDataset({ json: JSON.parse(JSON.stringify(csv.dataset)) });
    expect(again.issues).toEqual([]);
    expect(again.dataset).toEqual(csv.dataset);
    expect(readFileSync(join(FIXTURES_DIR, 'sites.csv'), 'utf8').split('\n')[0]).toMatch(
      /^code,name,country,region_label/,
    );
  });
});
