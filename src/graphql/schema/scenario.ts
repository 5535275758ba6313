// Scenario: a named, stored set of what-if overrides on top of the current data;
// its queries and mutations, and
// compareScenarios (plans side by side).
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { CODE_MESSAGE, CODE_PATTERN } from '../../dataset/ranges.js';
import { storedPlanResult } from '../../db/plan-store.js';
import { planningInputFromDatabase } from '../../db/planning-input.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { PlanResult } from '../../optimizer/types.js';
import { checkScenario } from '../../scenarios/apply.js';
import { describeOverrides, scenarioOverridesSchema, type ScenarioOverrides } from '../../scenarios/overrides.js';
import { PLANNER_FIELD } from '../authorization.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { checkPageSize, DeletedRef, MUTATION_ERRORS, selection } from './common.js';
import { validated } from './validate.js';

export const ScenarioRef = builder.prismaObject('Scenario', {
  description: 'A named set of what-if overrides (prices, demand, latency budgets, GPUs, sites, carbon price, plan options) applied when a plan is requested with it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    overrides: t.expose('overrides', { type: 'JSON', description: 'as validated by the scenario overrides schema' }),
    summary: t.stringList({
      description: 'the overrides, one line each, in words',
      select: { overrides: true },
      resolve: (scenario) => {
        const parsed = scenarioOverridesSchema.safeParse(scenario.overrides);
        return parsed.success ? describeOverrides(parsed.data) : ['(stored overrides no longer valid)'];
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  scenario: t.prismaField({
    type: 'Scenario',
    nullable: true,
    args: { code: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.prisma.scenario.findUnique({ ...selection(query), where: { code: args.code } }),
  }),
  scenarios: t.prismaConnection(
    {
      type: 'Scenario',
      cursor: 'id',
      description: 'Scenarios by code.',
      maxSize: checkPageSize,
      resolve: (query, _root, _args, ctx) => ctx.db.prisma.scenario.findMany({ ...selection(query), orderBy: [{ code: 'asc' }, { id: 'asc' }] }),
      totalCount: (_parent, _args, ctx) => ctx.db.prisma.scenario.count(),
    },
    {},
  ),
}));

// ---- mutations

const code = z.string({ error: 'must be a string' }).regex(CODE_PATTERN, { error: CODE_MESSAGE });
// no control characters but line breaks (PostgreSQL refuses NUL in text)
const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, { error: 'must not contain control characters' });

const createSchema = z.object({
  code,
  name: text(200).min(1, { error: 'must not be empty' }),
  description: text(2000).default(''),
  overrides: scenarioOverridesSchema,
});
const updateSchema = z.object({
  code,
  name: text(200).min(1, { error: 'must not be empty' }).optional(),
  description: text(2000).optional(),
  overrides: scenarioOverridesSchema.optional(),
});

const CreateScenarioInput = builder.inputType('CreateScenarioInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: '[A-Z0-9-]{2,32}' }),
    name: t.string({ required: true }),
    description: t.string({ required: false }),
    overrides: t.field({
      type: 'JSON',
      required: true,
      description:
        '{ priceMultipliers, absolutePricesPerKwh: [{ scope: ALL|COUNTRY|SITE, code?, multiplier | pricePerKwh }], demandGrowth: [{ regionCode?, workloadClassCode?, multiplier }], ' +
        'rttBudgetChanges: [{ workloadClassCode, regionCode?, budgetMs | deltaMs }], inventoryDeltas: [{ siteCode, gpuTypeCode, installedDelta?, maxAdditionalDelta? }], ' +
        'unavailableGpuTypes: [code], sitesOut: [code], carbonPricePerTonne, planOptions: {…} } — every field optional',
    }),
  }),
});
const UpdateScenarioInput = builder.inputType('UpdateScenarioInput', {
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    overrides: t.field({ type: 'JSON', required: false, description: 'replaces the overrides as a whole' }),
  }),
});
const DeleteScenarioInput = builder.inputType('DeleteScenarioInput', { fields: (t) => ({ code: t.string({ required: true }) }) });

/** The given fields only: omitted ones (undefined or null) are left out. */
const given = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).filter(([, value]) => value != null));

/** Refuses overrides naming sites, countries, regions, classes or GPU types the data does not have. */
async function checkAgainstData(ctx: Context, overrides: ScenarioOverrides): Promise<void> {
  const issues = checkScenario(await planningInputFromDatabase(ctx.db), overrides);
  if (issues.length) throw new ValidationError(issues.map((issue) => ({ path: `input.overrides.${issue.path}`, message: issue.message })));
}

builder.mutationFields((t) => ({
  createScenario: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Scenario',
    errors: { types: MUTATION_ERRORS },
    description: 'Stores a scenario; its overrides are checked against the current data.',
    args: { input: t.arg({ type: CreateScenarioInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = validated(createSchema, given(args.input));
      await checkAgainstData(ctx, input.overrides);
      if (await ctx.db.prisma.scenario.findUnique({ where: { code: input.code }, select: { id: true } })) {
        throw new ConflictError(`a scenario with code "${input.code}" already exists`);
      }
      return ctx.db.prisma.scenario.create({ ...selection(query), data: { ...input, overrides: input.overrides as Prisma.InputJsonValue } });
    },
  }),
  updateScenario: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Scenario',
    errors: { types: MUTATION_ERRORS },
    description: 'Changes the fields given; plans already requested keep the overrides they were solved with.',
    args: { input: t.arg({ type: UpdateScenarioInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { code: scenarioCode, overrides, ...changes } = validated(updateSchema, given(args.input));
      const existing = await ctx.db.prisma.scenario.findUnique({ where: { code: scenarioCode }, select: { id: true } });
      if (!existing) throw new NotFoundError('Scenario', scenarioCode);
      if (overrides) await checkAgainstData(ctx, overrides);
      return ctx.db.prisma.scenario.update({
        ...selection(query),
        where: { id: existing.id },
        data: { ...changes, ...(overrides ? { overrides: overrides as Prisma.InputJsonValue } : {}) },
      });
    },
  }),
}));

builder.mutationField('deleteScenario', (t) =>
  t.field({
    ...PLANNER_FIELD,
    type: DeletedRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Deletes a scenario; its plans stay, with the overrides they were solved with. Refused while a schedule uses it.',
    args: { input: t.arg({ type: DeleteScenarioInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const schedule = await ctx.db.prisma.schedule.findFirst({ where: { scenario: { code: input.code } }, select: { name: true } });
      if (schedule) throw new ConflictError(`scenario "${input.code}" is used by schedule "${schedule.name}"`);
      const { count } = await ctx.db.prisma.scenario.deleteMany({ where: { code: input.code } });
      if (count === 0) throw new NotFoundError('Scenario', input.code);
      return { code: input.code };
    },
  }),
);

// ---- comparing plans

interface SiteLoadChange {
  siteCode: string;
  baseTokensPerSecond: number;
  tokensPerSecond: number;
  changeTokensPerSecond: number;
}

interface ScenarioComparisonRow {
  planId: string;
  planName: string | null;
  scenarioCode: string | null;
  totals: NonNullable<PlanResult['totals']>;
  /** against the first plan, largest absolute change first (empty for the first plan) */
  siteChanges: SiteLoadChange[];
}

const SITE_CHANGES_SHOWN = 10;

const SiteLoadChangeRef = builder.objectRef<SiteLoadChange>('SiteLoadChange').implement({
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    baseTokensPerSecond: t.exposeFloat('baseTokensPerSecond', { description: 'served here in the first plan' }),
    tokensPerSecond: t.exposeFloat('tokensPerSecond', { description: 'served here in this plan' }),
    changeTokensPerSecond: t.exposeFloat('changeTokensPerSecond'),
  }),
});

const ScenarioComparisonRef = builder.objectRef<ScenarioComparisonRow>('ScenarioComparison').implement({
  description: "One plan's totals beside the others'.",
  fields: (t) => ({
    planId: t.exposeID('planId'),
    planName: t.exposeString('planName', { nullable: true }),
    scenarioCode: t.exposeString('scenarioCode', { nullable: true, description: 'the scenario as applied to the plan' }),
    costPerMillionTokens: t.float({ nullable: true, resolve: (row) => row.totals.costPerMillionTokens }),
    costPerHour: t.float({ description: 'USD/h: energy + capex + egress + carbon (the unserved penalty is not money)', resolve: (row) => row.totals.costPerHour.total }),
    energyCostPerHour: t.float({ resolve: (row) => row.totals.costPerHour.energy }),
    capexCostPerHour: t.float({ resolve: (row) => row.totals.costPerHour.capex }),
    egressCostPerHour: t.float({ resolve: (row) => row.totals.costPerHour.egress }),
    carbonCostPerHour: t.float({ resolve: (row) => row.totals.costPerHour.carbon }),
    tokensPerJoule: t.float({ nullable: true, resolve: (row) => row.totals.tokensPerJoule }),
    facilityPowerMw: t.float({ resolve: (row) => row.totals.facilityPowerKw / 1000 }),
    carbonKgPerHour: t.float({ resolve: (row) => row.totals.carbonKgPerHour }),
    servedTokensPerSecond: t.float({ resolve: (row) => row.totals.servedTokensPerSecond }),
    unservedTokensPerSecond: t.float({ resolve: (row) => row.totals.unservedTokensPerSecond }),
    siteChanges: t.field({
      type: [SiteLoadChangeRef],
      description: `the ${SITE_CHANGES_SHOWN} sites whose load changes most against the first plan`,
      resolve: (row) => row.siteChanges,
    }),
  }),
});

const MAX_COMPARED_PLANS = 20;

/** The latest SOLVED plan of each scenario, in the order given. */
async function latestSolvedPlanIds(ctx: Context, codes: string[]): Promise<string[]> {
  if (codes.length < 1 || codes.length > MAX_COMPARED_PLANS) {
    throw new GraphQLError(`give 1 to ${MAX_COMPARED_PLANS} scenario codes`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'scenarioCodes' } });
  }
  return Promise.all(
    codes.map(async (code, index) => {
      const plan = await ctx.db.prisma.plan.findFirst({
        where: { status: 'SOLVED', scenario: { code } },
        orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      });
      if (!plan) {
        throw new GraphQLError(`scenarioCodes[${index}]: scenario "${code}" has no SOLVED plan; request one with requestPlan(input: { scenario: "${code}" })`, {
          extensions: { code: 'BAD_USER_INPUT', argumentName: 'scenarioCodes' },
        });
      }
      return plan.id;
    }),
  );
}

/** A query has no typed errors: a bad id is the client's mistake, said plainly. */
const badPlanIds = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'planIds' } });

builder.queryField('compareScenarios', (t) =>
  t.field({
    type: [ScenarioComparisonRef],
    description: `Finished plans side by side (1–${MAX_COMPARED_PLANS}, in the order given), named by plan id or by scenario code (its latest SOLVED plan); site changes are against the first.`,
    args: {
      planIds: t.arg.idList({ required: false }),
      scenarioCodes: t.arg.stringList({ required: false, description: 'compare the latest SOLVED plan of each of these scenarios' }),
    },
    resolve: async (_root, args, ctx) => {
      if ((args.planIds == null) === (args.scenarioCodes == null)) {
        throw new GraphQLError('give exactly one of planIds or scenarioCodes', { extensions: { code: 'BAD_USER_INPUT', argumentName: 'planIds' } });
      }
      const ids = args.planIds ? args.planIds.map(String) : await latestSolvedPlanIds(ctx, args.scenarioCodes ?? []);
      if (ids.length < 1 || ids.length > MAX_COMPARED_PLANS) {
        throw badPlanIds(`give 1 to ${MAX_COMPARED_PLANS} plan ids`);
      }
      const uuids = ids.filter((id) => UUID.test(id));
      const plans = await ctx.db.prisma.plan.findMany({
        where: { id: { in: uuids } },
        select: { id: true, name: true, result: true, scenarioApplied: true },
      });
      const byId = new Map(plans.map((plan) => [plan.id, plan]));
      const rows = ids.map((id, index) => {
        const plan = byId.get(id);
        const result = storedPlanResult(plan?.result);
        if (!plan) throw badPlanIds(`planIds[${index}]: no plan ${id}`);
        if (!result?.totals) throw badPlanIds(`planIds[${index}]: plan ${id} has no solved result`);
        const applied = plan.scenarioApplied as { code?: string } | null;
        return { plan, result, totals: result.totals, scenarioCode: applied?.code ?? null };
      });
      const load = (result: PlanResult) => new Map(result.sites.map((site) => [site.siteCode, site.servedTokensPerSecond]));
      const base = load(rows[0]!.result);
      return rows.map((row, index): ScenarioComparisonRow => {
        const here = load(row.result);
        const siteChanges =
          index === 0
            ? []
            : [...new Set([...base.keys(), ...here.keys()])]
                .map((siteCode) => {
                  const before = base.get(siteCode) ?? 0;
                  const after = here.get(siteCode) ?? 0;
                  return { siteCode, baseTokensPerSecond: before, tokensPerSecond: after, changeTokensPerSecond: after - before };
                })
                .filter((change) => change.changeTokensPerSecond !== 0)
                .sort((a, b) => Math.abs(b.changeTokensPerSecond) - Math.abs(a.changeTokensPerSecond) || (a.siteCode < b.siteCode ? -1 : 1))
                .slice(0, SITE_CHANGES_SHOWN);
        return { planId: row.plan.id, planName: row.plan.name, scenarioCode: row.scenarioCode, totals: row.totals, siteChanges };
      });
    },
  }),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
