// A large data set built from the bundled fixtures, deterministically: the
// fixture sites and regions copied under new codes until there are `sites` ×
// `regions` of them, every site–region pair given the latency of the fixture
// pair it copies (so the rows carry realistic text), and every record valid.
// The import benchmark (bench/import/) and the large-import test share it.
import { loadFixtures } from '../../src/dataset/load.js';
import type { Dataset } from '../../src/dataset/schema.js';

export interface LargeDatasetSpec {
  sites: number;
  regions: number;
}

const siteCode = (i: number, code: string) => `S${String(i).padStart(4, '0')}-${code}`.slice(0, 32);
const regionCode = (i: number, code: string) => `R${String(i).padStart(4, '0')}-${code}`.slice(0, 32);

export async function largeDataset(spec: LargeDatasetSpec): Promise<Required<Dataset>> {
  const { dataset: fixtures, issues } = await loadFixtures();
  if (issues.length > 0) throw new Error(`the fixtures do not load: ${issues[0]!.message}`);
  const fixtureLatency = new Map(fixtures.latencies.map((l) => [`${l.siteCode}:${l.regionCode}`, l]));
  const sites = Array.from({ length: spec.sites }, (_, i) => {
    const base = fixtures.sites[i % fixtures.sites.length]!;
    return { base: base.code, record: { ...base, code: siteCode(i, base.code), name: `${base.name} #${i}` } };
  });
  const regions = Array.from({ length: spec.regions }, (_, i) => {
    const base = fixtures.demandRegions[i % fixtures.demandRegions.length]!;
    return { base: base.code, record: { ...base, code: regionCode(i, base.code), name: `${base.name} #${i}` } };
  });
  const latencies = sites.flatMap((site) =>
    regions.map((region) => {
      const base = fixtureLatency.get(`${site.base}:${region.base}`);
      if (!base) throw new Error(`the fixtures have no latency ${site.base} → ${region.base}`);
      return { ...base, siteCode: site.record.code, regionCode: region.record.code };
    }),
  );
  return {
    ...fixtures,
    sites: sites.map((s) => s.record),
    demandRegions: regions.map((r) => r.record),
    latencies,
  };
}
