// Scenario: a named, stored set of what-if overrides on top of the current data;
// its queries and mutations, and
// compareScenarios (plans side by side).
import { isUuid } from '../../db/ids.js';
import { storedPlanResult, storedScenarioCode } from '../../db/plan-store.js';
import type { PlanResult } from '../../optimizer/types.js';
import {
  describeOverrides,
  scenarioOverridesSchema,
  SITE_SCOPES,
  type ScenarioOverrides,
} from '../../scenarios/overrides.js';
import { createScenario, updateScenario } from '../../scenarios/store.js';
import { PLANNER_FIELD } from '../authorization.js';
import { builder } from '../builder.js';
import { solverCapsOf, type Context } from '../context.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import {
  argumentError,
  checkPageSize,
  DeletedRef,
  expectedUpdatedAtField,
  MUTATION_ERRORS,
  selection,
} from './common.js';
import { PlanOptionsInput } from './plan.js';

const SiteScopeEnum = builder.enumType('ScenarioSiteScope', {
  description:
    'which sites an override applies to: ALL (no code), COUNTRY (code = ISO country), SITE (code = site code)',
  values: SITE_SCOPES,
});

type Overrides = ScenarioOverrides;
type Item<K extends keyof Overrides> = NonNullable<Overrides[K]> extends readonly (infer T)[] ? T : never;

// The stored overrides, typed: the same fields and names as ScenarioOverridesInput.
const PriceMultiplierRef = builder.objectRef<Item<'priceMultipliers'>>('ScenarioPriceMultiplier').implement({
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, resolve: (row) => row.scope }),
    code: t.exposeString('code', { nullable: true }),
    multiplier: t.exposeFloat('multiplier'),
  }),
});
const AbsolutePriceRef = builder.objectRef<Item<'absolutePricesPerKwh'>>('ScenarioAbsolutePrice').implement({
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, resolve: (row) => row.scope }),
    code: t.exposeString('code', { nullable: true }),
    pricePerKwh: t.exposeFloat('pricePerKwh'),
  }),
});
const DemandGrowthRef = builder.objectRef<Item<'demandGrowth'>>('ScenarioDemandGrowth').implement({
  fields: (t) => ({
    regionCode: t.exposeString('regionCode', { nullable: true }),
    regionCountries: t.exposeStringList('regionCountries', { nullable: true }),
    modelCode: t.exposeString('modelCode', { nullable: true }),
    workloadClassCode: t.exposeString('workloadClassCode', { nullable: true }),
    multiplier: t.exposeFloat('multiplier'),
  }),
});
const RttBudgetChangeRef = builder.objectRef<Item<'rttBudgetChanges'>>('ScenarioRttBudgetChange').implement({
  fields: (t) => ({
    workloadClassCode: t.exposeString('workloadClassCode'),
    regionCode: t.exposeString('regionCode', { nullable: true }),
    budgetMs: t.exposeFloat('budgetMs', { nullable: true }),
    deltaMs: t.exposeFloat('deltaMs', { nullable: true }),
  }),
});
const InventoryDeltaRef = builder.objectRef<Item<'inventoryDeltas'>>('ScenarioInventoryDelta').implement({
  fields: (t) => ({
    siteCode: t.exposeString('siteCode'),
    gpuTypeCode: t.exposeString('gpuTypeCode'),
    installedDelta: t.exposeInt('installedDelta', { nullable: true }),
    maxAdditionalDelta: t.exposeInt('maxAdditionalDelta', { nullable: true }),
  }),
});
const PueChangeRef = builder.objectRef<Item<'pueChanges'>>('ScenarioPueChange').implement({
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, resolve: (row) => row.scope }),
    code: t.exposeString('code', { nullable: true }),
    multiplier: t.exposeFloat('multiplier', { nullable: true }),
    delta: t.exposeFloat('delta', { nullable: true }),
  }),
});
const PowerCapMultiplierRef = builder.objectRef<Item<'powerCapMultipliers'>>('ScenarioPowerCapMultiplier').implement({
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, resolve: (row) => row.scope }),
    code: t.exposeString('code', { nullable: true }),
    multiplier: t.exposeFloat('multiplier'),
  }),
});
const ResidencyRuleRef = builder.objectRef<Item<'residencyRules'>>('ScenarioResidencyRule').implement({
  fields: (t) => ({
    regionCodes: t.exposeStringList('regionCodes', { nullable: true }),
    regionCountries: t.exposeStringList('regionCountries', { nullable: true }),
    allowedCountries: t.exposeStringList('allowedCountries'),
  }),
});
const UnavailableModelRef = builder.objectRef<Item<'unavailableModels'>>('ScenarioUnavailableModel').implement({
  fields: (t) => ({
    modelCode: t.exposeString('modelCode'),
    substituteModelCode: t.exposeString('substituteModelCode', { nullable: true }),
  }),
});
const list = <T>(rows: T[] | undefined): T[] => rows ?? [];
const ScenarioOverridesRef = builder.objectRef<Overrides>('ScenarioOverrides').implement({
  description: 'What a scenario changes; a kind the scenario does not use is an empty list (or null).',
  fields: (t) => ({
    absolutePricesPerKwh: t.field({ type: [AbsolutePriceRef], resolve: (o) => list(o.absolutePricesPerKwh) }),
    priceMultipliers: t.field({ type: [PriceMultiplierRef], resolve: (o) => list(o.priceMultipliers) }),
    demandGrowth: t.field({ type: [DemandGrowthRef], resolve: (o) => list(o.demandGrowth) }),
    rttBudgetChanges: t.field({ type: [RttBudgetChangeRef], resolve: (o) => list(o.rttBudgetChanges) }),
    inventoryDeltas: t.field({ type: [InventoryDeltaRef], resolve: (o) => list(o.inventoryDeltas) }),
    unavailableGpuTypes: t.stringList({ resolve: (o) => list(o.unavailableGpuTypes) }),
    unavailableModels: t.field({ type: [UnavailableModelRef], resolve: (o) => list(o.unavailableModels) }),
    sitesOut: t.stringList({ resolve: (o) => list(o.sitesOut) }),
    pueChanges: t.field({ type: [PueChangeRef], resolve: (o) => list(o.pueChanges) }),
    powerCapMultipliers: t.field({ type: [PowerCapMultiplierRef], resolve: (o) => list(o.powerCapMultipliers) }),
    residencyRules: t.field({ type: [ResidencyRuleRef], resolve: (o) => list(o.residencyRules) }),
    carbonPricePerTonne: t.float({ nullable: true, resolve: (o) => o.carbonPricePerTonne ?? null }),
    planOptions: t.field({
      type: 'JSON',
      nullable: true,
      description: 'the plan options the scenario sets, as given (like Plan.options)',
      resolve: (o) => o.planOptions ?? null,
    }),
  }),
});

export const ScenarioRef = builder.prismaObject('Scenario', {
  description:
    'A named set of what-if overrides (prices, demand, latency budgets, GPUs, models, sites, carbon price, plan options) applied when a plan is requested with it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    overrides: t.field({
      type: ScenarioOverridesRef,
      nullable: true,
      description: 'the overrides, typed (null only if the stored ones no longer pass the overrides schema)',
      select: { overrides: true },
      resolve: (scenario) => {
        const parsed = scenarioOverridesSchema.safeParse(scenario.overrides);
        return parsed.success ? parsed.data : null;
      },
    }),
    overridesJson: t.field({
      type: 'JSON',
      description:
        "the overrides as stored: the shape of createScenario's `overrides`, for copying a scenario or saving it as a file",
      select: { overrides: true },
      resolve: (scenario) => scenario.overrides,
    }),
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
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.scenario.findUnique({ ...selection(query), where: { code: args.code } }),
  }),
  scenarios: t.prismaConnection(
    {
      type: 'Scenario',
      cursor: 'id',
      description: 'Scenarios by code.',
      maxSize: checkPageSize,
      resolve: (query, _root, _args, ctx) =>
        ctx.db.prisma.scenario.findMany({ ...selection(query), orderBy: [{ code: 'asc' }, { id: 'asc' }] }),
      totalCount: (_parent, _args, ctx) => ctx.db.prisma.scenario.count(),
    },
    {},
  ),
}));

// ---- mutations

// One input type per kind of override. Their GraphQL types say the shape; the
// rules (ranges, one of two fields, codes that exist) are the zod schema's
// (src/scenarios/overrides.ts), checked by the same function for every caller.
const scoped = { scope: 'ALL, COUNTRY or SITE', code: 'a country (COUNTRY) or site code (SITE); left out for ALL' };

const PriceMultiplierInput = builder.inputType('ScenarioPriceMultiplierInput', {
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, required: true, description: scoped.scope }),
    code: t.string({ required: false, description: scoped.code }),
    multiplier: t.float({ required: true, description: 'the price (hourly prices too) times this, [0, 100]' }),
  }),
});
const AbsolutePriceInput = builder.inputType('ScenarioAbsolutePriceInput', {
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, required: true, description: scoped.scope }),
    code: t.string({ required: false, description: scoped.code }),
    pricePerKwh: t.float({ required: true, description: 'USD/kWh, [0, 2]; hourly prices keep their shape around it' }),
  }),
});
const DemandGrowthInput = builder.inputType('ScenarioDemandGrowthInput', {
  description: 'give at most one of regionCode or regionCountries',
  fields: (t) => ({
    regionCode: t.string({ required: false, description: 'left out (and no regionCountries): every region' }),
    regionCountries: t.stringList({
      required: false,
      description: 'every region located in one of these countries (ISO 3166-1 alpha-2), e.g. the European ones',
    }),
    modelCode: t.string({ required: false, description: 'left out: every model' }),
    workloadClassCode: t.string({ required: false, description: 'left out: every class' }),
    multiplier: t.float({ required: true, description: '[0, 100]' }),
  }),
});
const UnavailableModelInput = builder.inputType('ScenarioUnavailableModelInput', {
  description: 'a model no site may serve in the scenario',
  fields: (t) => ({
    modelCode: t.string({ required: true }),
    substituteModelCode: t.string({
      required: false,
      description:
        "its demand (per region, class and hour) is added to this model's; left out: its demand stays and goes unserved (MODEL_UNAVAILABLE). Must be another model, not unavailable itself",
    }),
  }),
});
const RttBudgetChangeInput = builder.inputType('ScenarioRttBudgetChangeInput', {
  description: 'give exactly one of budgetMs or deltaMs',
  fields: (t) => ({
    workloadClassCode: t.string({ required: true }),
    regionCode: t.string({ required: false, description: "left out: the class's budget in every region" }),
    budgetMs: t.float({ required: false, description: 'the new budget, [0, 2000] ms' }),
    deltaMs: t.float({
      required: false,
      description: 'added to the budget, [-2000, 2000] ms (no effect where there is no limit)',
    }),
  }),
});
const InventoryDeltaInput = builder.inputType('ScenarioInventoryDeltaInput', {
  description: 'give installedDelta, maxAdditionalDelta or both',
  fields: (t) => ({
    siteCode: t.string({ required: true }),
    gpuTypeCode: t.string({ required: true }),
    installedDelta: t.int({ required: false }),
    maxAdditionalDelta: t.int({ required: false }),
  }),
});
const PueChangeInput = builder.inputType('ScenarioPueChangeInput', {
  description: 'give exactly one of multiplier or delta; the PUE must stay in [1, 3]',
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, required: true, description: scoped.scope }),
    code: t.string({ required: false, description: scoped.code }),
    multiplier: t.float({ required: false, description: 'the PUE times this, [0.5, 3]' }),
    delta: t.float({ required: false, description: 'added to the PUE, [-2, 2]' }),
  }),
});
const PowerCapMultiplierInput = builder.inputType('ScenarioPowerCapMultiplierInput', {
  fields: (t) => ({
    scope: t.field({ type: SiteScopeEnum, required: true, description: scoped.scope }),
    code: t.string({ required: false, description: scoped.code }),
    multiplier: t.float({ required: true, description: 'the power cap times this, [0, 10]' }),
  }),
});
const ResidencyRuleInput = builder.inputType('ScenarioResidencyRuleInput', {
  description: 'give exactly one of regionCodes or regionCountries',
  fields: (t) => ({
    regionCodes: t.stringList({ required: false, description: 'the regions by code' }),
    regionCountries: t.stringList({ required: false, description: 'every region located in one of these countries' }),
    allowedCountries: t.stringList({
      required: true,
      description: "the countries whose sites may serve them (replaces the regions' own rule)",
    }),
  }),
});

const ScenarioOverridesInput = builder.inputType('ScenarioOverridesInput', {
  description: 'What a scenario changes on top of the current data; every field optional, every list applied in order.',
  fields: (t) => ({
    absolutePricesPerKwh: t.field({ type: [AbsolutePriceInput], required: false, description: 'applied first' }),
    priceMultipliers: t.field({
      type: [PriceMultiplierInput],
      required: false,
      description: 'applied after absolutePricesPerKwh',
    }),
    demandGrowth: t.field({ type: [DemandGrowthInput], required: false }),
    rttBudgetChanges: t.field({ type: [RttBudgetChangeInput], required: false }),
    inventoryDeltas: t.field({ type: [InventoryDeltaInput], required: false }),
    unavailableGpuTypes: t.stringList({ required: false, description: 'GPU type codes taken out everywhere' }),
    unavailableModels: t.field({
      type: [UnavailableModelInput],
      required: false,
      description: 'models no site may serve: their demand goes unserved, or moves onto a substitute model',
    }),
    sitesOut: t.stringList({ required: false, description: 'outage or export restriction: these sites take no load' }),
    pueChanges: t.field({ type: [PueChangeInput], required: false, description: 'heat wave, cooling failure' }),
    powerCapMultipliers: t.field({
      type: [PowerCapMultiplierInput],
      required: false,
      description: 'grid curtailment, cooling derating',
    }),
    residencyRules: t.field({
      type: [ResidencyRuleInput],
      required: false,
      description: 'which countries may serve which regions',
    }),
    carbonPricePerTonne: t.float({ required: false, description: 'USD per tonne CO2, >= 0' }),
    planOptions: t.field({
      type: PlanOptionsInput,
      required: false,
      description: "plan options under the request's own",
    }),
  }),
});

const CreateScenarioInput = builder.inputType('CreateScenarioInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: '[A-Z0-9-]{2,32}' }),
    name: t.string({ required: true }),
    description: t.string({ required: false }),
    overrides: t.field({ type: ScenarioOverridesInput, required: true }),
  }),
});
const UpdateScenarioInput = builder.inputType('UpdateScenarioInput', {
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    overrides: t.field({
      type: ScenarioOverridesInput,
      required: false,
      description: 'replaces the overrides as a whole',
    }),
    expectedUpdatedAt: expectedUpdatedAtField(t),
  }),
});
const DeleteScenarioInput = builder.inputType('DeleteScenarioInput', {
  fields: (t) => ({ code: t.string({ required: true }) }),
});

/** The given fields only: omitted ones (undefined or null) are left out. */
const given = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value != null));

const definedOnly = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

/** A GraphQL null means "left out" everywhere in the overrides but in planOptions, where it means "off" (maxSiteShare: null). */
function overridesFromInput(
  overrides: Record<string, unknown> | null | undefined,
): Record<string, unknown> | undefined {
  if (overrides == null) return undefined;
  const { planOptions, ...rest } = overrides;
  const kinds = Object.fromEntries(
    Object.entries(given(rest)).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? value.map((item) =>
            item !== null && typeof item === 'object' ? given(item as Record<string, unknown>) : item,
          )
        : value,
    ]),
  );
  return {
    ...kinds,
    ...(planOptions != null ? { planOptions: definedOnly(planOptions as Record<string, unknown>) } : {}),
  };
}

const scenarioInput = (input: Record<string, unknown>) => {
  const overrides = overridesFromInput(input.overrides as Record<string, unknown> | null | undefined);
  return { ...given(input), ...(overrides ? { overrides } : {}) };
};

builder.mutationFields((t) => ({
  createScenario: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Scenario',
    errors: { types: MUTATION_ERRORS },
    description: 'Stores a scenario; its overrides are checked against the current data.',
    args: { input: t.arg({ type: CreateScenarioInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await createScenario(ctx.db.prisma, scenarioInput(args.input), 'input', solverCapsOf(ctx));
      return ctx.db.prisma.scenario.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  updateScenario: t.prismaField({
    ...PLANNER_FIELD,
    type: 'Scenario',
    errors: { types: MUTATION_ERRORS },
    description: 'Changes the fields given; plans already requested keep the overrides they were solved with.',
    args: { input: t.arg({ type: UpdateScenarioInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await updateScenario(ctx.db.prisma, scenarioInput(args.input), solverCapsOf(ctx));
      return ctx.db.prisma.scenario.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
}));

builder.mutationField('deleteScenario', (t) =>
  t.field({
    ...PLANNER_FIELD,
    type: DeletedRef,
    errors: { types: MUTATION_ERRORS },
    description:
      'Deletes a scenario; its plans stay, with the overrides they were solved with. Refused while a schedule uses it.',
    args: { input: t.arg({ type: DeleteScenarioInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const schedule = await ctx.db.prisma.schedule.findFirst({
        where: { scenario: { code: input.code } },
        select: { name: true },
      });
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
    scenarioCode: t.exposeString('scenarioCode', {
      nullable: true,
      description: 'the scenario as applied to the plan',
    }),
    costPerMillionTokens: t.float({ nullable: true, resolve: (row) => row.totals.costPerMillionTokens }),
    costPerHour: t.float({
      description: 'USD/h: energy + capex + egress + carbon (the unserved penalty is not money)',
      resolve: (row) => row.totals.costPerHour.total,
    }),
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
    throw argumentError('BAD_USER_INPUT', 'scenarioCodes', `give 1 to ${MAX_COMPARED_PLANS} scenario codes`);
  }
  return Promise.all(
    codes.map(async (code, index) => {
      const plan = await ctx.db.prisma.plan.findFirst({
        where: { status: 'SOLVED', scenario: { code } },
        orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      });
      if (!plan) {
        throw argumentError(
          'BAD_USER_INPUT',
          'scenarioCodes',
          `scenarioCodes[${index}]: scenario "${code}" has no SOLVED plan; request one with requestPlan(input: { scenario: "${code}" })`,
        );
      }
      return plan.id;
    }),
  );
}

/** A query has no typed errors: a bad id is the client's mistake, said plainly. */
const badPlanIds = (message: string) => argumentError('BAD_USER_INPUT', 'planIds', message);

builder.queryField('compareScenarios', (t) =>
  t.field({
    type: [ScenarioComparisonRef],
    description: `Finished plans side by side (1–${MAX_COMPARED_PLANS}, in the order given), named by plan id or by scenario code (its latest SOLVED plan); site changes are against the first.`,
    args: {
      planIds: t.arg.idList({ required: false }),
      scenarioCodes: t.arg.stringList({
        required: false,
        description: 'compare the latest SOLVED plan of each of these scenarios',
      }),
    },
    resolve: async (_root, args, ctx) => {
      if ((args.planIds == null) === (args.scenarioCodes == null)) {
        throw badPlanIds('give exactly one of planIds or scenarioCodes');
      }
      const ids = args.planIds ? args.planIds.map(String) : await latestSolvedPlanIds(ctx, args.scenarioCodes ?? []);
      if (ids.length < 1 || ids.length > MAX_COMPARED_PLANS) {
        throw badPlanIds(`give 1 to ${MAX_COMPARED_PLANS} plan ids`);
      }
      const uuids = ids.filter(isUuid);
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
        return { plan, result, totals: result.totals, scenarioCode: storedScenarioCode(plan.scenarioApplied) };
      });
      const load = (result: PlanResult) =>
        new Map(result.sites.map((site) => [site.siteCode, site.servedTokensPerSecond]));
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
                  return {
                    siteCode,
                    baseTokensPerSecond: before,
                    tokensPerSecond: after,
                    changeTokensPerSecond: after - before,
                  };
                })
                .filter((change) => change.changeTokensPerSecond !== 0)
                .sort(
                  (a, b) =>
                    Math.abs(b.changeTokensPerSecond) - Math.abs(a.changeTokensPerSecond) ||
                    (a.siteCode < b.siteCode ? -1 : 1),
                )
                .slice(0, SITE_CHANGES_SHOWN);
        return {
          planId: row.plan.id,
          planName: row.plan.name,
          scenarioCode: row.scenarioCode,
          totals: row.totals,
          siteChanges,
        };
      });
    },
  }),
);
