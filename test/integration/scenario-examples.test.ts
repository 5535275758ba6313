// The example scenarios shipped in fixtures/scenarios/: each file is a valid
// createScenario input that seedExampleScenarios stores (once; a bad file stores
// nothing), and the README's worked example (baseline vs PRICEY-US) prints the
// figures these real solves give.
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { ValidationError } from '../../src/errors.js';
import { EXAMPLE_SCENARIOS_DIR, seedExampleScenarios } from '../../src/scenarios/examples.js';
import { openPlanService, type PlanService } from '../helpers/plan-service.js';

let service: PlanService;

beforeAll(async () => {
  // what a first start loads (seven models): the README's worked example is what a new user sees
  service = await openPlanService({ fixtures: 'bundled' });
});
afterAll(async () => {
  await service?.close();
});

const PLAN = `mutation ($input: RequestPlanInput!) { requestPlan(input: $input) {
  __typename
  ... on MutationRequestPlanSuccess { data { id status costPerMillionTokens
    totals { costPerHour { energy capex egress carbon } unservedTokensPerSecond servedTokensPerSecond }
    sites { siteCode servedTokensPerSecond } } }
  ... on ValidationError { issues { path message } }
} }`;

async function plan(input: Record<string, unknown>) {
  const result = (await service.api.data(PLAN, { input: { wait: true, ...input } })).requestPlan;
  expect(result.__typename).toBe('MutationRequestPlanSuccess');
  expect(result.data.status).toBe('SOLVED');
  return result.data;
}

const money = (p: any) =>
  p.totals.costPerHour.energy + p.totals.costPerHour.capex + p.totals.costPerHour.egress + p.totals.costPerHour.carbon;

describe('example scenarios', () => {
  it('stores the four shipped scenarios once, as createScenario would', async () => {
    const first = await seedExampleScenarios(service.db.prisma);
    expect(first).toEqual({ created: ['DEEPSEEK-EUROPE', 'EU-HEATWAVE', 'EU-RESIDENCY', 'PRICEY-US'], existing: [] });
    expect(await seedExampleScenarios(service.db.prisma)).toEqual({
      created: [],
      existing: ['DEEPSEEK-EUROPE', 'EU-HEATWAVE', 'EU-RESIDENCY', 'PRICEY-US'],
    });
    const stored = await service.api.data(
      `{ scenarios(first: 10) { edges { node { code name summary overridesJson } } } }`,
    );
    const byCode = Object.fromEntries(stored.scenarios.edges.map(({ node }: any) => [node.code, node]));
    for (const file of ['pricey-us.json', 'eu-heatwave.json', 'eu-residency.json']) {
      const input = JSON.parse(await readFile(join(EXAMPLE_SCENARIOS_DIR, file), 'utf8'));
      expect(Object.keys(input).sort()).toEqual(['code', 'description', 'name', 'overrides']);
      expect(byCode[input.code].overridesJson).toEqual(input.overrides);
    }
    expect(byCode['PRICEY-US'].summary).toEqual(['electricity price ×1.5 for sites in US']);
    expect(byCode['EU-HEATWAVE'].summary).toContain('PUE +0.15 for sites in DE');
    expect(byCode['EU-HEATWAVE'].summary).toContain('power cap ×0.8 for sites in GB');
    expect(byCode['EU-RESIDENCY'].summary[0]).toMatch(
      /^regions EU-WEST, EU-CENTRAL, NORDICS served only from AT, BE, /,
    );
  });

  it('takes each file as it is as the createScenario input variable (what `scenarios create --file` sends), typed overrides back', async () => {
    const CREATE = `mutation ($input: CreateScenarioInput!) { createScenario(input: $input) {
      __typename
      ... on MutationCreateScenarioSuccess { data { code overridesJson overrides {
        priceMultipliers { scope code multiplier } pueChanges { scope code multiplier delta }
        powerCapMultipliers { scope code multiplier } residencyRules { regionCodes regionCountries allowedCountries } } } }
      ... on ValidationError { issues { path message } }
    } }`;
    for (const file of ['pricey-us.json', 'eu-heatwave.json', 'eu-residency.json']) {
      const input = JSON.parse(await readFile(join(EXAMPLE_SCENARIOS_DIR, file), 'utf8'));
      const created = (await service.api.data(CREATE, { input: { ...input, code: `GQL-${input.code}` } }))
        .createScenario;
      expect(created.__typename, file).toBe('MutationCreateScenarioSuccess');
      expect(created.data.overridesJson).toEqual(input.overrides);
    }
    const heat = JSON.parse(await readFile(join(EXAMPLE_SCENARIOS_DIR, 'eu-heatwave.json'), 'utf8'));
    const typed = (
      await service.api.data(
        `{ scenario(code: "EU-HEATWAVE") { overrides { pueChanges { scope code multiplier delta } powerCapMultipliers { scope code multiplier } } } }`,
      )
    ).scenario;
    expect(typed.overrides.pueChanges[0]).toEqual({ scope: 'COUNTRY', code: 'DE', multiplier: null, delta: 0.15 });
    expect(typed.overrides.powerCapMultipliers).toHaveLength(heat.overrides.powerCapMultipliers.length);
    const bad = (
      await service.api.data(CREATE, {
        input: {
          code: 'GQL-BAD',
          name: 'bad',
          overrides: {
            pueChanges: [{ scope: 'SITE', code: 'DE-FRA', delta: 0.1, multiplier: 1.1 }],
            residencyRules: [
              { regionCountries: ['DE'], allowedCountries: ['DE'] },
              { regionCodes: ['ATLANTIS'], allowedCountries: ['DE'] },
            ],
          },
        },
      })
    ).createScenario;
    expect(bad).toEqual({
      __typename: 'ValidationError',
      issues: [
        { path: 'input.overrides.pueChanges[0].multiplier', message: 'give exactly one of multiplier or delta' },
      ],
    });
    const unknownRegion = (
      await service.api.data(CREATE, {
        input: {
          code: 'GQL-BAD',
          name: 'bad',
          overrides: {
            residencyRules: [
              { regionCountries: ['DE'], allowedCountries: ['DE'] },
              { regionCodes: ['ATLANTIS'], allowedCountries: ['DE'] },
            ],
          },
        },
      })
    ).createScenario;
    expect(unknownRegion.issues).toEqual([
      { path: 'input.overrides.residencyRules[1].regionCodes[0]', message: 'no region ATLANTIS' },
    ]);
    expect(await service.db.prisma.scenario.count({ where: { code: 'GQL-BAD' } })).toBe(0);
  });

  it('refuses a directory with a bad file naming the file and field, and stores nothing from it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokengrid-scenarios-'));
    try {
      await cp(EXAMPLE_SCENARIOS_DIR, dir, { recursive: true });
      await writeFile(
        join(dir, 'a-good.json'),
        JSON.stringify({ code: 'A-GOOD', name: 'fine', overrides: { sitesOut: ['US-ASH'] } }),
      );
      await writeFile(
        join(dir, 'b-bad.json'),
        JSON.stringify({
          code: 'B-BAD',
          name: 'bad',
          overrides: {
            priceMultipliers: [{ scope: 'SITE', code: 'NOPE-1', multiplier: 2 }],
            pueChanges: [{ scope: 'ALL', delta: 9 }],
          },
        }),
      );
      await writeFile(join(dir, 'c-broken.json'), '{ "code": ');
      const before = await service.db.prisma.scenario.count();
      const error = await seedExampleScenarios(service.db.prisma, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        { path: 'b-bad.json.overrides.pueChanges[0].delta', message: 'delta must be in [-2, 2]' },
        { path: 'c-broken.json', message: expect.stringMatching(/^is not JSON: /) },
      ]);
      await writeFile(
        join(dir, 'b-bad.json'),
        JSON.stringify({
          code: 'B-BAD',
          name: 'bad',
          overrides: { priceMultipliers: [{ scope: 'SITE', code: 'NOPE-1', multiplier: 2 }] },
        }),
      );
      await rm(join(dir, 'c-broken.json'));
      const unknown = await seedExampleScenarios(service.db.prisma, dir).catch((e: unknown) => e);
      expect((unknown as ValidationError).issues).toEqual([
        { path: 'b-bad.json.overrides.priceMultipliers[0].code', message: 'no site NOPE-1' },
      ]);
      expect(await service.db.prisma.scenario.count()).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("gives the README's worked example (baseline vs PRICEY-US) exactly the figures it prints", async () => {
    const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const options = { allowExpansion: true };
    const base = await plan({ name: 'baseline', options });
    const pricey = await plan({ name: 'pricey-us', scenario: 'PRICEY-US', options });
    const compared = await service.api.data(
      `query ($ids: [ID!]!) { compareScenarios(planIds: $ids) { scenarioCode costPerMillionTokens siteChanges { siteCode changeTokensPerSecond } } }`,
      { ids: [base.id, pricey.id] },
    );
    expect(compared.compareScenarios.map((row: any) => row.scenarioCode)).toEqual([null, 'PRICEY-US']);

    const usd = (value: number, digits: number) =>
      `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
    const signed = (value: number, digits: number) => `${value >= 0 ? '+' : '−'}${usd(Math.abs(value), digits)}`;
    const lines = [
      `| cost per million tokens | ${usd(base.costPerMillionTokens, 4)} | ${usd(pricey.costPerMillionTokens, 4)} | ${signed(pricey.costPerMillionTokens - base.costPerMillionTokens, 4)} |`,
      `| cost per hour (energy + capital + egress + carbon) | ${usd(money(base), 0)} | ${usd(money(pricey), 0)} | ${signed(money(pricey) - money(base), 0)} |`,
      `| unserved demand | ${base.totals.unservedTokensPerSecond} tok/s | ${pricey.totals.unservedTokensPerSecond} tok/s | |`,
    ];
    const changes = compared.compareScenarios[1].siteChanges as { siteCode: string; changeTokensPerSecond: number }[];
    const losing = changes.filter((c) => c.changeTokensPerSecond < 0).slice(0, 3);
    // which of several equally cheap sites takes load can differ between solves (ties): the README names no
    // figure of it but the largest loss's order of magnitude
    expect(losing[0]!.siteCode).toBe('US-MEM');
    expect(-losing[0]!.changeTokensPerSecond / 1e6).toBeGreaterThan(3.5);
    expect(-losing[0]!.changeTokensPerSecond / 1e6).toBeLessThan(4.2);
    for (const line of lines) expect(readme, `README.md should contain:\n${line}`).toContain(line);
    // the rise is paid in the US, not elsewhere: the three sites losing most are American
    expect(losing.map((c) => c.siteCode.slice(0, 3))).toEqual(['US-', 'US-', 'US-']);
  }, 300_000);
});
