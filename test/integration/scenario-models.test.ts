// Scenarios with several models through GraphQL (#13), on a database holding the
// seven-model fixtures, with real solves: the shipped "DeepSeek-R1 demand x2 in
// Europe" file as createScenario takes it (what `scenarios create --file` sends),
// then plans with it and with DeepSeek-R1 unavailable, with and without a
// substitute, read back per model and per region; and the baseline's GPUs per
// model read the same by model and by site (one type, PlanModelGpus).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

const SEVEN = join(PACKAGE_ROOT, 'fixtures');
const DEEPSEEK = 'DEEPSEEK-R1';
const QWEN = 'QWEN3-235B-A22B';
/** the regions located in GB, FR, DE and SE */
const EUROPE = ['EU-CENTRAL', 'EU-WEST', 'NORDICS', 'UK'];

let db: Database;
let jobs: Jobs;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase({ fixtures: 'bundled' });
  jobs = await startJobs(db, { queue: { supervise: false, pollingIntervalSeconds: 0.5 } });
  api = testApi(db, { jobs });
}, 120_000);
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
});

const CREATE = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) {
  __typename
  ... on MutationCreateScenarioSuccess { data { code summary overridesJson
    overrides { demandGrowth { regionCode regionCountries modelCode workloadClassCode multiplier }
      unavailableModels { modelCode substituteModelCode } } } }
  ... on ValidationError { issues { path message } }
} }`;

const REQUEST = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { id status
    models { modelCode demandTokensPerSecond servedTokensPerSecond unservedTokensPerSecond }
    regions { regionCode models { modelCode demandTokensPerSecond servedTokensPerSecond unservedTokensPerSecond } }
    unserved { regionCode modelCode workloadClassCode unservedTokensPerSecond reason explanation }
    totals { demandTokensPerSecond } } }
  ... on ValidationError { issues { path message } }
} }`;

interface ModelRow {
  modelCode: string;
  demandTokensPerSecond: number;
  servedTokensPerSecond: number;
  unservedTokensPerSecond: number;
}
interface PlanView {
  status: string;
  models: ModelRow[];
  regions: { regionCode: string; models: ModelRow[] }[];
  unserved: { regionCode: string; modelCode: string; reason: string; explanation: string }[];
  totals: { demandTokensPerSecond: number };
}

async function createScenario(input: Record<string, unknown>) {
  return (await api.data(CREATE, { input })).createScenario;
}
async function plan(name: string, scenario?: string): Promise<PlanView> {
  const result = (await api.data(REQUEST, { input: { name, wait: true, ...(scenario ? { scenario } : {}) } }))
    .requestPlan;
  expect(result.__typename, JSON.stringify(result)).toBe('MutationRequestPlanSuccess');
  expect(result.data.status).toBe('SOLVED');
  return result.data;
}
const model = (view: PlanView, code: string) => view.models.find((m) => m.modelCode === code)!;
/** a model's tokens/s in some regions */
const inRegions = (view: PlanView, code: string, regions: string[], field: keyof Omit<ModelRow, 'modelCode'>) =>
  view.regions
    .filter((r) => regions.includes(r.regionCode))
    .flatMap((r) => r.models.filter((m) => m.modelCode === code))
    .reduce((sum, m) => sum + m[field], 0);

let baseline: PlanView;

describe('model scenarios on the seven-model fixtures', () => {
  beforeAll(async () => {
    baseline = await plan('baseline');
  }, 120_000);

  it('gives a model’s GPUs in one shape by model and by site: the same rows, each naming its site', async () => {
    const GPUS = '__typename siteCode gpuTypeCode gpusBusy peakGpusBusy gpusPerReplica peakReplicas';
    const { plan: read } = await api.data(
      `query ($id: ID!) { plan(id: $id) { models { modelCode gpus { ${GPUS} } } sites { siteCode models { modelCode gpus { ${GPUS} } } } } }`,
      { id: (baseline as PlanView & { id: string }).id },
    );
    type Gpus = { __typename: string; siteCode: string; gpuTypeCode: string };
    const key = (modelCode: string, g: Gpus) => JSON.stringify([modelCode, g]);
    const byModel = read.models.flatMap((m: { modelCode: string; gpus: Gpus[] }) =>
      m.gpus.map((g) => key(m.modelCode, g)),
    );
    const bySite = read.sites.flatMap((s: { siteCode: string; models: { modelCode: string; gpus: Gpus[] }[] }) =>
      s.models.flatMap((m) =>
        m.gpus.map((g) => {
          expect(g.siteCode).toBe(s.siteCode);
          return key(m.modelCode, g);
        }),
      ),
    );
    expect(byModel.length).toBeGreaterThan(7);
    expect(bySite.sort()).toEqual(byModel.sort());
    expect(new Set([...byModel].map((k: string) => JSON.parse(k)[1].__typename))).toEqual(new Set(['PlanModelGpus']));
  });

  it("doubles DeepSeek-R1's demand in Europe with the shipped file and serves what the fleet can hold", async () => {
    const file = JSON.parse(await readFile(join(SEVEN, 'scenarios/deepseek-europe.json'), 'utf8'));
    const created = await createScenario(file);
    expect(created.__typename, JSON.stringify(created)).toBe('MutationCreateScenarioSuccess');
    expect(created.data.overridesJson).toEqual(file.overrides);
    expect(created.data.overrides.demandGrowth).toEqual([
      {
        regionCode: null,
        regionCountries: ['GB', 'FR', 'DE', 'SE'],
        modelCode: DEEPSEEK,
        workloadClassCode: null,
        multiplier: 2,
      },
    ]);
    expect(created.data.summary).toEqual(['DEEPSEEK-R1 demand ×2 for every class in regions in GB, FR, DE, SE']);

    const grown = await plan('deepseek x2 in Europe', 'DEEPSEEK-EUROPE');
    const europeDemand = inRegions(baseline, DEEPSEEK, EUROPE, 'demandTokensPerSecond');
    expect(europeDemand).toBeGreaterThan(0);
    expect(inRegions(grown, DEEPSEEK, EUROPE, 'demandTokensPerSecond')).toBeCloseTo(2 * europeDemand, 3);
    // served in Europe grows by about half (measured ×1.49): the GPUs within reach that hold DeepSeek-R1 fill up,
    // and what they cannot take is left unserved for capacity, not for a model reason
    const servedBefore = inRegions(baseline, DEEPSEEK, EUROPE, 'servedTokensPerSecond');
    const servedAfter = inRegions(grown, DEEPSEEK, EUROPE, 'servedTokensPerSecond');
    expect(servedAfter / servedBefore).toBeGreaterThan(1.4);
    expect(servedAfter / servedBefore).toBeLessThanOrEqual(2 + 1e-9);
    expect(servedAfter + inRegions(grown, DEEPSEEK, EUROPE, 'unservedTokensPerSecond')).toBeCloseTo(
      2 * europeDemand,
      1,
    );
    const reasons = grown.unserved.filter((u) => u.modelCode === DEEPSEEK && EUROPE.includes(u.regionCode));
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((u) => !u.reason.startsWith('MODEL_'))).toBe(true);
    // the plan's model row grows by Europe's DeepSeek-R1 demand, and no other model's demand changes
    expect(model(grown, DEEPSEEK).demandTokensPerSecond).toBeCloseTo(
      model(baseline, DEEPSEEK).demandTokensPerSecond + europeDemand,
      3,
    );
    for (const row of grown.models.filter((m) => m.modelCode !== DEEPSEEK))
      expect(row.demandTokensPerSecond).toBeCloseTo(model(baseline, row.modelCode).demandTokensPerSecond, 3);
    // elsewhere DeepSeek-R1's demand stays
    const elsewhere = baseline.regions.map((r) => r.regionCode).filter((code) => !EUROPE.includes(code));
    expect(inRegions(grown, DEEPSEEK, elsewhere, 'demandTokensPerSecond')).toBeCloseTo(
      inRegions(baseline, DEEPSEEK, elsewhere, 'demandTokensPerSecond'),
      3,
    );
  }, 180_000);

  it('leaves an unavailable DeepSeek-R1 unserved as MODEL_UNAVAILABLE, or serves its demand as Qwen3’s', async () => {
    expect(
      (
        await createScenario({
          code: 'NO-DEEPSEEK',
          name: 'DeepSeek-R1 unavailable',
          overrides: { unavailableModels: [{ modelCode: DEEPSEEK }] },
        })
      ).__typename,
    ).toBe('MutationCreateScenarioSuccess');
    const substituted = await createScenario({
      code: 'DEEPSEEK-TO-QWEN',
      name: 'DeepSeek-R1 unavailable, Qwen3 instead',
      overrides: { unavailableModels: [{ modelCode: DEEPSEEK, substituteModelCode: QWEN }] },
    });
    expect(substituted.data.overrides.unavailableModels).toEqual([{ modelCode: DEEPSEEK, substituteModelCode: QWEN }]);
    expect(substituted.data.summary).toEqual([`model ${DEEPSEEK} unavailable: its demand moves to ${QWEN}`]);

    const none = await plan('no deepseek', 'NO-DEEPSEEK');
    const deepseekDemand = model(baseline, DEEPSEEK).demandTokensPerSecond;
    expect(model(none, DEEPSEEK)).toMatchObject({ servedTokensPerSecond: 0 });
    expect(model(none, DEEPSEEK).unservedTokensPerSecond).toBeCloseTo(deepseekDemand, 3);
    const rows = none.unserved.filter((u) => u.modelCode === DEEPSEEK);
    expect(rows.length).toBe(baseline.regions.length * 4);
    expect(new Set(rows.map((u) => u.reason))).toEqual(new Set(['MODEL_UNAVAILABLE']));
    expect(rows[0]!.explanation).toBe('DEEPSEEK-R1 is unavailable: no site may serve it');

    const qwen = await plan('qwen instead', 'DEEPSEEK-TO-QWEN');
    expect(model(qwen, DEEPSEEK)).toMatchObject({ demandTokensPerSecond: 0, servedTokensPerSecond: 0 });
    expect(model(qwen, QWEN).demandTokensPerSecond).toBeCloseTo(
      model(baseline, QWEN).demandTokensPerSecond + deepseekDemand,
      3,
    );
    expect(qwen.totals.demandTokensPerSecond).toBeCloseTo(baseline.totals.demandTokensPerSecond, 3);
    expect(qwen.unserved.filter((u) => u.reason === 'MODEL_UNAVAILABLE')).toEqual([]);
    expect(model(qwen, QWEN).servedTokensPerSecond).toBeGreaterThan(model(baseline, QWEN).servedTokensPerSecond);
  }, 240_000);

  it('refuses unknown and self-referring model codes, naming the field, and stores nothing', async () => {
    const before = await db.prisma.scenario.count();
    const bad = await createScenario({
      code: 'BAD-MODELS',
      name: 'bad',
      overrides: {
        demandGrowth: [{ modelCode: 'GPT-5', regionCountries: ['FR'], multiplier: 2 }],
        unavailableModels: [{ modelCode: DEEPSEEK, substituteModelCode: 'LLAMA-9' }],
      },
    });
    expect(bad).toEqual({
      __typename: 'ValidationError',
      issues: [
        { path: 'input.overrides.demandGrowth[0].modelCode', message: 'no model GPT-5' },
        { path: 'input.overrides.unavailableModels[0].substituteModelCode', message: 'no model LLAMA-9' },
      ],
    });
    const self = await createScenario({
      code: 'BAD-MODELS',
      name: 'bad',
      overrides: { unavailableModels: [{ modelCode: DEEPSEEK, substituteModelCode: DEEPSEEK }] },
    });
    expect(self.issues).toEqual([
      {
        path: 'input.overrides.unavailableModels[0].substituteModelCode',
        message: 'substituteModelCode must be another model than modelCode',
      },
    ]);
    expect(await db.prisma.scenario.count()).toBe(before);
  });
});
