// Fleet and reach fields per model (#13) through GraphQL, on a database holding
// the seven-model data a first start loads: `fleet(model:)` counts that model's
// throughputs and demand (checked against sums over the fixture files), left out
// it takes the same model as `costPerMillionTokens` does, and `Site.reach` /
// `DemandRegion.candidateSites` apply the RTT budget of the model asked about.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { loadFixtures } from '../../src/dataset/load.js';
import type { Dataset } from '../../src/dataset/schema.js';
import { FIXTURES_DIR } from '../../src/paths.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let api: ReturnType<typeof testApi>;
let data: Dataset;

beforeAll(async () => {
  db = await openTestDatabase({ fixtures: 'bundled' });
  api = testApi(db);
  const parsed = await loadFixtures(FIXTURES_DIR);
  expect(parsed.issues).toEqual([]);
  data = parsed.dataset;
}, 120_000);
afterAll(async () => {
  await db?.close();
});

const FLEET = `query ($model: String) { fleet(model: $model) {
  model { code } sites gpusInstalled itPowerKw powerCapKw demandTokensPerSecond capacityTokensPerSecond demandShareOfCapacity
  byClass { workloadClass { code } capacityTokensPerSecond demandTokensPerSecond } } }`;

interface Fleet {
  model: { code: string } | null;
  sites: number;
  gpusInstalled: number;
  itPowerKw: number;
  powerCapKw: number;
  demandTokensPerSecond: number;
  capacityTokensPerSecond: number;
  demandShareOfCapacity: number | null;
  byClass: { workloadClass: { code: string }; capacityTokensPerSecond: number; demandTokensPerSecond: number }[];
}

const fleetOf = async (model?: string) => (await api.data<{ fleet: Fleet }>(FLEET, { model })).fleet;

/** tokens/s per GPU of a model and class on a GPU type in the fixture files, 0 where it cannot run */
const perGpu = (gpuTypeCode: string, model: string, workloadClass: string) =>
  data.gpuTypes
    .find((g) => g.code === gpuTypeCode)!
    .throughputs.find((t) => t.modelCode === model && t.workloadClassCode === workloadClass)?.tokensPerSecond ?? 0;

const demandOf = (model: string, workloadClass?: string) =>
  data.demandRegions
    .flatMap((r) => r.demand)
    .filter((d) => d.modelCode === model && (workloadClass === undefined || d.workloadClassCode === workloadClass))
    .reduce((sum, d) => sum + d.tokensPerSecond, 0);

const counted = () => data.sites.filter((s) => s.status !== 'RETIRED');

describe('fleet(model:) on the seven-model data', () => {
  it('counts one model’s throughputs and demand, class by class and on its demand’s mix', async () => {
    const models = (data.models ?? []).map((m) => m.code);
    expect(models).toHaveLength(7);
    const fleets = new Map(await Promise.all(models.map(async (m) => [m, await fleetOf(m)] as const)));
    for (const [model, fleet] of fleets) {
      expect(fleet.model?.code).toBe(model);
      expect(fleet.demandTokensPerSecond).toBeCloseTo(demandOf(model), 3);
      for (const row of fleet.byClass) {
        const k = row.workloadClass.code;
        const capacity = counted().reduce(
          (sum, site) => sum + site.inventory.reduce((s, i) => s + i.installed * perGpu(i.gpuTypeCode, model, k), 0),
          0,
        );
        expect(row.capacityTokensPerSecond, `${model} ${k}`).toBeCloseTo(capacity, 3);
        expect(row.demandTokensPerSecond, `${model} ${k}`).toBeCloseTo(demandOf(model, k), 3);
      }
      // on the mix: each GPU type that holds the model runs 1 / Σ_k (share_k / tokens/s_k)
      const shares = fleet.byClass.map((row) => [row.workloadClass.code, demandOf(model, row.workloadClass.code)]);
      const total = demandOf(model);
      const onMix = counted().reduce(
        (sum, site) =>
          sum +
          site.inventory.reduce((s, i) => {
            const figures = shares.map(([k, share]) => [share as number, perGpu(i.gpuTypeCode, model, k as string)]);
            if (figures.some(([share, tps]) => share! > 0 && tps === 0)) return s;
            return (
              s + i.installed / figures.reduce((x, [share, tps]) => x + (share! > 0 ? share! / total / tps! : 0), 0)
            );
          }, 0),
        0,
      );
      expect(fleet.capacityTokensPerSecond, model).toBeCloseTo(onMix, 3);
      expect(fleet.demandShareOfCapacity, model).toBeCloseTo(fleet.demandTokensPerSecond / onMix, 9);
    }
    // GPUs and power do not depend on the model; demand splits across the models without a remainder
    const all = [...fleets.values()];
    for (const fleet of all) {
      expect(fleet.gpusInstalled).toBe(all[0]!.gpusInstalled);
      expect(fleet.itPowerKw).toBeCloseTo(all[0]!.itPowerKw, 6);
    }
    const everything = data.demandRegions.flatMap((r) => r.demand).reduce((s, d) => s + d.tokensPerSecond, 0);
    expect(all.reduce((s, f) => s + f.demandTokensPerSecond, 0)).toBeCloseTo(everything, 1);
    // a model that fits on fewer GPU types and needs more GPUs per token gets far less capacity than a small one
    const deepseek = fleets.get('DEEPSEEK-R1')!;
    const small = fleets.get('LLAMA-3.1-8B')!;
    expect(deepseek.capacityTokensPerSecond).toBeGreaterThan(0);
    expect(deepseek.capacityTokensPerSecond).toBeLessThan(small.capacityTokensPerSecond / 4);
  });

  it('left out, takes the model costPerMillionTokens takes: the one with the most demand', async () => {
    const byDemand = (data.models ?? []).map((m) => m.code).sort((a, b) => demandOf(b) - demandOf(a));
    const read = await api.data<{ fleet: Fleet; site: { implicit: number; named: number } }>(`{
      fleet { model { code } }
      site(code: "US-ASH") {
        implicit: costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD")
        named: costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD", model: "${byDemand[0]}")
      } }`);
    expect(read.fleet.model?.code).toBe(byDemand[0]);
    expect(read.site.implicit).toBe(read.site.named);
    expect(await fleetOf()).toEqual(await fleetOf(byDemand[0]));
  });

  it('refuses an unknown model with one error naming the argument', async () => {
    const result = await api.graphql(FLEET, { model: 'NO-SUCH-MODEL' });
    expect(result.errors?.map((e) => [e.message, e.extensions?.code, e.extensions?.argumentName, e.path])).toEqual([
      ['model "NO-SUCH-MODEL" does not exist', 'NOT_FOUND', 'model', ['fleet']],
    ]);
  });
});

const REACH = `query ($model: String) {
  site(code: "US-ATL") { reach(model: $model) { model { code } workloadClass { code } regions { region { code } rttBudgetMs } } }
  demandRegion(code: "US-EAST") { candidateSites(workloadClass: "INTERACTIVE", model: $model) { site { code } rttMs rttBudgetMs } } }`;

interface Reach {
  site: {
    reach: { model: { code: string }; workloadClass: { code: string }; regions: { region: { code: string } }[] }[];
  };
  demandRegion: { candidateSites: { site: { code: string }; rttMs: number; rttBudgetMs: number | null }[] };
}

describe('reach per model on the seven-model data', () => {
  it('applies the RTT budget of the model asked about, in Site.reach and DemandRegion.candidateSites alike', async () => {
    const reachOf = (model: string) => api.data<Reach>(REACH, { model });
    const before = { deepseek: await reachOf('DEEPSEEK-R1'), small: await reachOf('LLAMA-3.1-8B') };
    expect(before.deepseek).toEqual({
      ...before.small,
      site: { reach: before.small.site.reach.map((r) => ({ ...r, model: { code: 'DEEPSEEK-R1' } })) },
    });
    expect(before.deepseek.demandRegion.candidateSites.length).toBeGreaterThan(2);

    // DeepSeek-R1's interactive demand in US-EAST now needs 20 ms: only US-ASH (11 ms) and US-CMH (20 ms) remain
    const changed = await db.prisma.demand.updateMany({
      where: { region: { code: 'US-EAST' }, model: { code: 'DEEPSEEK-R1' }, workloadClass: { code: 'INTERACTIVE' } },
      data: { rttBudgetMs: 20 },
    });
    expect(changed.count).toBe(1);
    try {
      const after = { deepseek: await reachOf('DEEPSEEK-R1'), small: await reachOf('LLAMA-3.1-8B') };
      expect(after.small).toEqual(before.small);
      expect(after.deepseek.demandRegion.candidateSites).toEqual([
        { site: { code: 'US-ASH' }, rttMs: 11, rttBudgetMs: 20 },
        { site: { code: 'US-CMH' }, rttMs: 20, rttBudgetMs: 20 },
      ]);
      const interactive = (r: Reach) =>
        r.site.reach.find((x) => x.workloadClass.code === 'INTERACTIVE')!.regions.map((x) => x.region.code);
      // US-ATL (24 ms from US-EAST) no longer reaches it for DeepSeek-R1, and still does for Llama-3.1-8B
      expect(interactive(after.small)).toContain('US-EAST');
      expect(interactive(after.deepseek)).toEqual(interactive(after.small).filter((code) => code !== 'US-EAST'));
    } finally {
      await db.prisma.demand.updateMany({
        where: { region: { code: 'US-EAST' }, model: { code: 'DEEPSEEK-R1' }, workloadClass: { code: 'INTERACTIVE' } },
        data: { rttBudgetMs: null },
      });
    }
  });

  it('refuses an unknown model in both fields, naming the argument', async () => {
    const result = await api.graphql(REACH, { model: 'NO-SUCH-MODEL' });
    expect(
      result.errors?.map((e) => [e.message, e.extensions?.code, e.extensions?.argumentName, e.path?.join('.')]).sort(),
    ).toEqual([
      ['model "NO-SUCH-MODEL" does not exist', 'NOT_FOUND', 'model', 'demandRegion.candidateSites'],
      ['model "NO-SUCH-MODEL" does not exist', 'NOT_FOUND', 'model', 'site.reach'],
    ]);
  });
});
