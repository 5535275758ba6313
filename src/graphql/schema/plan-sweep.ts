// PlanSweep: one plan per value of a parameter, read as a curve (cost per
// million tokens and carbon against the parameter); its queries and the
// requestPlanSweep mutation. The points are ordinary plans solved by any worker.
import { isUuid } from '../../db/ids.js';
import { isFinal } from '../../db/plan-store.js';
import type { PlanStatus, Prisma } from '../../generated/prisma/client.js';
import { PLANNER_FIELD } from '../authorization.js';
import { builder } from '../builder.js';
import { solverCapsOf } from '../context.js';
import {
  MAX_SWEEP_VALUES,
  prepareSweep,
  SWEEP_PARAMETERS,
  sweepPlans,
  sweepStatus,
  type SweepScope,
} from '../../plans/sweep.js';
import { checkPageSize, MUTATION_ERRORS, selection } from './common.js';
import { checkedName, givenOptions, planJobsOrThrow, PlanOptionsInput, PlanStatusEnum } from './plan.js';

const SweepParameterEnum = builder.enumType('SweepParameter', {
  description:
    'PRICE_MULTIPLIER: the electricity price of the scoped sites times the value. DEMAND_GROWTH: the scoped demand times the value. LATENCY_BUDGET_MS: the RTT budget of the scoped regions and classes set to the value, in ms.',
  values: SWEEP_PARAMETERS,
});

const PlanSweepStatusEnum = builder.enumType('PlanSweepStatus', {
  description: 'QUEUED until a point starts; RUNNING; FINISHED once every point is final (whatever its status).',
  values: ['QUEUED', 'RUNNING', 'FINISHED'] as const,
});

/** The columns of a point's plan the curve reads (never the result or the snapshot). */
const POINT_SELECT = {
  id: true,
  sweepValue: true,
  sweepIndex: true,
  status: true,
  costPerMillionTokens: true,
  costPerHour: true,
  carbonKgPerHour: true,
  carbonKgPerMillionTokens: true,
  servedTokensPerSecond: true,
  unservedTokensPerSecond: true,
} satisfies Prisma.PlanSelect;

type PointRow = Prisma.PlanGetPayload<{ select: typeof POINT_SELECT }>;

const PlanSweepPointRef = builder.objectRef<PointRow>('PlanSweepPoint').implement({
  description: "One value of the sweep's parameter and the plan solved with it; figures null until it is solved.",
  fields: (t) => ({
    value: t.float({ resolve: (point) => point.sweepValue! }),
    index: t.int({ description: "its place in the sweep's values", resolve: (point) => point.sweepIndex! }),
    status: t.field({ type: PlanStatusEnum, resolve: (point) => point.status }),
    plan: t.prismaField({
      type: 'Plan',
      resolve: (query, point, _args, ctx) =>
        ctx.db.prisma.plan.findUniqueOrThrow({ ...selection(query), where: { id: point.id } }),
    }),
    costPerMillionTokens: t.exposeFloat('costPerMillionTokens', {
      nullable: true,
      description: 'USD per million tokens served',
    }),
    costPerHour: t.exposeFloat('costPerHour', {
      nullable: true,
      description: 'USD per hour, unserved penalty excluded',
    }),
    carbonKgPerHour: t.exposeFloat('carbonKgPerHour', { nullable: true }),
    carbonKgPerMillionTokens: t.exposeFloat('carbonKgPerMillionTokens', { nullable: true }),
    servedTokensPerSecond: t.exposeFloat('servedTokensPerSecond', { nullable: true }),
    unservedTokensPerSecond: t.exposeFloat('unservedTokensPerSecond', { nullable: true }),
  }),
});

export const PlanSweepRef = builder.prismaObject('PlanSweep', {
  description: 'One plan per value of a parameter (its points), read as a curve.',
  select: { id: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    parameter: t.expose('parameter', { type: SweepParameterEnum }),
    values: t.exposeFloatList('values', { description: 'in the order asked' }),
    scope: t.expose('scope', { type: 'JSON', description: 'what the parameter applies to, as asked' }),
    scenarioCode: t.exposeString('scenarioCode', {
      nullable: true,
      description: 'the scenario every point starts from',
    }),
    options: t.expose('options', { type: 'JSON', description: 'the plan options as given' }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    status: t.field({
      type: PlanSweepStatusEnum,
      select: { plans: { select: { status: true } } },
      resolve: (sweep) => sweepStatus(sweep.plans.map((plan: { status: PlanStatus }) => plan.status)),
    }),
    pointsFinal: t.int({
      description: 'points whose plan is final',
      select: { plans: { select: { status: true } } },
      resolve: (sweep) => sweep.plans.filter((plan: { status: PlanStatus }) => isFinal(plan.status)).length,
    }),
    points: t.field({
      type: [PlanSweepPointRef],
      description: 'one per value, in the order of the values',
      select: { plans: { select: POINT_SELECT, orderBy: { sweepIndex: 'asc' } } },
      resolve: (sweep) => sweep.plans as PointRow[],
    }),
  }),
});

builder.queryFields((t) => ({
  planSweep: t.prismaField({
    type: 'PlanSweep',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = String(args.id);
      return ctx.db.prisma.planSweep.findFirst({
        ...selection(query),
        where: isUuid(id) ? { id } : { id: { in: [] } },
      });
    },
  }),
  planSweeps: t.prismaConnection(
    {
      type: 'PlanSweep',
      cursor: 'id',
      description: 'Plan sweeps, newest request first.',
      maxSize: checkPageSize,
      resolve: (query, _root, _args, ctx) =>
        ctx.db.prisma.planSweep.findMany({ ...selection(query), orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }] }),
      totalCount: (_parent, _args, ctx) => ctx.db.prisma.planSweep.count(),
    },
    {},
  ),
}));

const PlanSweepScopeInput = builder.inputType('PlanSweepScopeInput', {
  description:
    'What the parameter applies to; left out: everything. PRICE_MULTIPLIER takes siteCode or country; DEMAND_GROWTH regionCode or regionCountries, workloadClassCode, modelCode; LATENCY_BUDGET_MS regionCode, workloadClassCode (left out: every class the region asks for).',
  fields: (t) => ({
    siteCode: t.string({ required: false }),
    country: t.string({ required: false, description: 'ISO 3166-1 alpha-2: the sites in it' }),
    regionCode: t.string({ required: false }),
    regionCountries: t.stringList({ required: false, description: 'the regions located in these countries' }),
    workloadClassCode: t.string({ required: false }),
    modelCode: t.string({ required: false }),
  }),
});

const RequestPlanSweepInput = builder.inputType('RequestPlanSweepInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    parameter: t.field({ type: SweepParameterEnum, required: true }),
    values: t.floatList({
      required: true,
      description: `2 to ${MAX_SWEEP_VALUES} distinct values, one plan each; counted as that many plan requests by the rate limit`,
    }),
    scope: t.field({ type: PlanSweepScopeInput, required: false }),
    scenario: t.string({ required: false, description: 'code of a scenario every point starts from' }),
    options: t.field({ type: PlanOptionsInput, required: false, description: "every point's options" }),
  }),
});

builder.mutationFields((t) => ({
  requestPlanSweep: t.prismaField({
    ...PLANNER_FIELD,
    type: 'PlanSweep',
    errors: { types: MUTATION_ERRORS },
    description:
      'Queues one plan per value of the parameter (all or none) and answers at once with the sweep; follow it with planSweep(id).',
    args: { input: t.arg({ type: RequestPlanSweepInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const name = checkedName(input.name);
      const jobs = planJobsOrThrow(ctx);
      const scope = givenOptions(input.scope) as SweepScope;
      const options = givenOptions(input.options);
      const request = {
        name,
        parameter: input.parameter,
        values: input.values,
        scope,
        scenarioCode: input.scenario ?? null,
        options,
      };
      const prepared = await prepareSweep(ctx.db, request, { caps: solverCapsOf(ctx) });
      const keyId = ctx.auth?.keyId ?? null;
      const sweep = await jobs.enqueueSweep(
        {
          name,
          parameter: input.parameter,
          values: input.values,
          scope,
          scenarioCode: request.scenarioCode,
          options,
          requestedByKeyId: keyId,
        },
        (sweepId) => sweepPlans(prepared, sweepId, keyId),
      );
      return ctx.db.prisma.planSweep.findUniqueOrThrow({ ...selection(query), where: { id: sweep.id } });
    },
  }),
}));
