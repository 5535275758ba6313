// Schedule: a plan requested on a cron (pg-boss's scheduler), with its plans,
// queries and mutations (create, update, pause, resume, delete), and the
// schedule and webhook delivery of a scheduled plan.
import { z } from 'zod';
import { requiredText } from '../../dataset/schema.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { removeScheduleCron, syncScheduleCron } from '../../jobs/schedules.js';
import { preparePlan } from '../../plans/request.js';
import { checkCron, checkTimeZone, nextRunAt } from '../../schedules/cron.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { checkPageSize, MUTATION_ERRORS, selection } from './common.js';
import { givenOptions, planJobsOrThrow, PlanOptionsInput, PlanRef } from './plan.js';
import { validated } from './validate.js';

const NEWEST_FIRST: Prisma.PlanOrderByWithRelationInput[] = [{ requestedAt: 'desc' }, { id: 'desc' }];

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'PENDING (attempts remain) → DELIVERED | FAILED (every attempt failed; the plan is unaffected).',
  values: ['PENDING', 'DELIVERED', 'FAILED'] as const,
});

builder.prismaObject('WebhookDelivery', {
  description: "The POST of a finished scheduled plan's summary to its schedule's webhook URL.",
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.exposeInt('lastStatusCode', {
      nullable: true,
      description: 'HTTP status of the last attempt (null: no answer)',
    }),
    lastError: t.exposeString('lastError', { nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('Schedule', {
  description:
    'A plan requested on a cron in a time zone, with a scenario and options; each of its plans is compared with the one before.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    cron: t.exposeString('cron', { description: 'five fields: minute hour day-of-month month day-of-week' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA name the cron is read in' }),
    scenario: t.relation('scenario', { nullable: true }),
    options: t.expose('options', {
      type: 'JSON',
      description: 'the PlanOptions given (defaults and the scenario’s planOptions fill the rest at each tick)',
    }),
    enabled: t.exposeBoolean('enabled', { description: 'false while paused' }),
    webhookUrl: t.exposeString('webhookUrl', { nullable: true }),
    lastRunAt: t.expose('lastRunAt', { type: 'DateTime', nullable: true }),
    lastPlan: t.relation('lastPlan', { nullable: true, description: 'the plan of the latest tick' }),
    nextRunAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'the next tick (null while paused)',
      select: { cron: true, timeZone: true, enabled: true },
      resolve: (schedule) => (schedule.enabled ? nextRunAt(schedule.cron, schedule.timeZone) : null),
    }),
    plans: t.relatedConnection('plans', {
      cursor: 'id',
      description: 'its plans, newest first',
      query: () => ({ orderBy: NEWEST_FIRST }),
      totalCount: true,
      maxSize: checkPageSize,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields(PlanRef, (t) => ({
  schedule: t.relation('schedule', { nullable: true, description: 'the schedule whose tick created it' }),
  webhookDelivery: t.relation('webhookDelivery', {
    nullable: true,
    description: "the call to its schedule's webhook, once it finished",
  }),
}));

builder.queryFields((t) => ({
  schedule: t.prismaField({
    type: 'Schedule',
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.schedule.findUnique({ ...selection(query), where: { name: args.name } }),
  }),
  schedules: t.prismaConnection(
    {
      type: 'Schedule',
      cursor: 'id',
      description: 'Schedules by name.',
      maxSize: checkPageSize,
      resolve: (query, _root, _args, ctx) =>
        ctx.db.prisma.schedule.findMany({ ...selection(query), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      totalCount: (_parent, _args, ctx) => ctx.db.prisma.schedule.count(),
    },
    {},
  ),
}));

// ---- mutations

const name = requiredText();
const httpUrl = z
  .string({ error: 'must be a string' })
  .max(2000, { error: 'must be at most 2000 characters' })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { error: 'must be an http or https URL' },
  );
const options = z.record(z.string(), z.unknown());

/** cron and time zone together: the cron is read in the zone. */
function checkTiming(value: { cron?: string | undefined; timeZone?: string | undefined }, ctx: z.RefinementCtx) {
  const zone = value.timeZone === undefined ? { ok: true as const } : checkTimeZone(value.timeZone);
  if (!zone.ok) ctx.addIssue({ code: 'custom', path: ['timeZone'], message: zone.message });
  if (value.cron !== undefined) {
    const cron = checkCron(value.cron, zone.ok ? value.timeZone : 'UTC');
    if (!cron.ok) ctx.addIssue({ code: 'custom', path: ['cron'], message: cron.message });
  }
}

const createSchema = z
  .object({
    name,
    cron: z.string({ error: 'must be a string' }),
    timeZone: z.string({ error: 'must be a string' }).default('UTC'),
    scenario: z.string().optional(),
    options: options.default({}),
    enabled: z.boolean().default(true),
    webhookUrl: httpUrl.optional(),
  })
  .superRefine(checkTiming);

const updateSchema = z
  .object({
    name,
    cron: z.string({ error: 'must be a string' }).optional(),
    timeZone: z.string({ error: 'must be a string' }).optional(),
    scenario: z.string().nullable().optional(),
    options: options.optional(),
    webhookUrl: httpUrl.nullable().optional(),
  })
  .superRefine(checkTiming);

const CreateScheduleInput = builder.inputType('CreateScheduleInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    cron: t.string({ required: true, description: 'five fields, e.g. "0 2 * * *" (02:00 every day)' }),
    timeZone: t.string({ required: false, description: 'IANA name; default UTC' }),
    scenario: t.string({ required: false, description: 'code of a scenario applied at each tick' }),
    options: t.field({ type: PlanOptionsInput, required: false }),
    enabled: t.boolean({ required: false, description: 'default true; false creates it paused' }),
    webhookUrl: t.string({
      required: false,
      description: 'http(s) URL that receives a JSON summary when a plan of the schedule finishes',
    }),
  }),
});
const UpdateScheduleInput = builder.inputType('UpdateScheduleInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'the schedule to change' }),
    cron: t.string({ required: false }),
    timeZone: t.string({ required: false }),
    scenario: t.string({ required: false, description: 'null: no scenario' }),
    options: t.field({ type: PlanOptionsInput, required: false, description: 'replaces the options as a whole' }),
    webhookUrl: t.string({ required: false, description: 'null: no webhook' }),
  }),
});
const ScheduleNameInput = builder.inputType('ScheduleNameInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

const DeletedScheduleRef = builder.objectRef<{ name: string }>('DeletedSchedule').implement({
  fields: (t) => ({ name: t.exposeString('name') }),
});

/**
 * Checks scenario and options exactly as a tick will use them (NotFoundError /
 * ValidationError under `input.`); not the data itself: it may be loaded before the first tick.
 */
async function checkPlanRequest(
  ctx: Context,
  scheduleName: string,
  scenarioCode: string | null,
  given: Record<string, unknown>,
): Promise<string | null> {
  await preparePlan(ctx.db, { name: scheduleName, scenarioCode, options: given }, { checkData: false });
  if (scenarioCode == null) return null;
  const scenario = await ctx.db.prisma.scenario.findUniqueOrThrow({
    where: { code: scenarioCode },
    select: { id: true },
  });
  return scenario.id;
}

async function scheduleOrThrow(ctx: Context, scheduleName: string) {
  const schedule = await ctx.db.prisma.schedule.findUnique({
    where: { name: scheduleName },
    select: {
      id: true,
      cron: true,
      timeZone: true,
      enabled: true,
      options: true,
      scenario: { select: { code: true } },
    },
  });
  if (!schedule) throw new NotFoundError('Schedule', scheduleName);
  return schedule;
}

/** Sets enabled and brings pg-boss's cron in line. */
async function setEnabled(ctx: Context, query: object, scheduleName: string, enabled: boolean) {
  const jobs = planJobsOrThrow(ctx);
  const schedule = await scheduleOrThrow(ctx, scheduleName);
  // the row first: a re-sync between the two steps then agrees with what comes next
  await ctx.db.prisma.schedule.update({ where: { id: schedule.id }, data: { enabled } });
  await syncScheduleCron(jobs.jobQueue, { ...schedule, enabled });
  return ctx.db.prisma.schedule.findUniqueOrThrow({ ...selection(query), where: { id: schedule.id } });
}

builder.mutationFields((t) => ({
  createSchedule: t.prismaField({
    type: 'Schedule',
    errors: { types: MUTATION_ERRORS },
    description:
      'Stores a schedule and registers its cron; its scenario and options are checked as each tick will use them.',
    args: { input: t.arg({ type: CreateScheduleInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const jobs = planJobsOrThrow(ctx);
      const { options: optionsInput, ...rest } = args.input;
      const input = validated(createSchema, { ...withoutNulls(rest), options: givenOptions(optionsInput) });
      const scenarioId = await checkPlanRequest(ctx, input.name, input.scenario ?? null, input.options);
      if (await ctx.db.prisma.schedule.findUnique({ where: { name: input.name }, select: { id: true } })) {
        throw new ConflictError(`a schedule named "${input.name}" already exists`);
      }
      const created = await ctx.db.prisma.schedule.create({
        data: {
          name: input.name,
          cron: input.cron.trim(),
          timeZone: input.timeZone,
          scenarioId,
          options: input.options as Prisma.InputJsonValue,
          enabled: input.enabled,
          webhookUrl: input.webhookUrl ?? null,
        },
      });
      try {
        await syncScheduleCron(jobs.jobQueue, created);
      } catch (error) {
        await ctx.db.prisma.schedule.delete({ where: { id: created.id } });
        throw error;
      }
      await jobs.schedules?.subscribe(created.id);
      return ctx.db.prisma.schedule.findUniqueOrThrow({ ...selection(query), where: { id: created.id } });
    },
  }),
  updateSchedule: t.prismaField({
    type: 'Schedule',
    errors: { types: MUTATION_ERRORS },
    description: 'Changes the fields given; plans already made keep what they were made with.',
    args: { input: t.arg({ type: UpdateScheduleInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const jobs = planJobsOrThrow(ctx);
      const { options: optionsInput, scenario, webhookUrl, ...rest } = args.input;
      const input = validated(updateSchema, {
        ...withoutNulls(rest),
        ...(scenario !== undefined ? { scenario } : {}),
        ...(webhookUrl !== undefined ? { webhookUrl } : {}),
        ...(optionsInput != null ? { options: givenOptions(optionsInput) } : {}),
      });
      const existing = await scheduleOrThrow(ctx, input.name);
      const cron = input.cron?.trim() ?? existing.cron;
      const timeZone = input.timeZone ?? existing.timeZone;
      // a new zone alone may still leave the stored cron valid; check the pair
      const pair = checkCron(cron, timeZone);
      if (!pair.ok) throw new ValidationError([{ path: 'input.cron', message: pair.message }]);
      const scenarioCode = input.scenario === undefined ? (existing.scenario?.code ?? null) : input.scenario;
      const options = input.options ?? (existing.options as Record<string, unknown>);
      const scenarioId = await checkPlanRequest(ctx, input.name, scenarioCode, options);
      const updated = await ctx.db.prisma.schedule.update({
        where: { id: existing.id },
        data: {
          cron,
          timeZone,
          scenarioId,
          options: options as Prisma.InputJsonValue,
          ...(input.webhookUrl !== undefined ? { webhookUrl: input.webhookUrl } : {}),
        },
      });
      await syncScheduleCron(jobs.jobQueue, updated);
      return ctx.db.prisma.schedule.findUniqueOrThrow({ ...selection(query), where: { id: updated.id } });
    },
  }),
  pauseSchedule: t.prismaField({
    type: 'Schedule',
    errors: { types: MUTATION_ERRORS },
    description: 'Stops the ticks (the schedule and its plans stay); resumeSchedule starts them again.',
    args: { input: t.arg({ type: ScheduleNameInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => setEnabled(ctx, query, input.name, false),
  }),
  resumeSchedule: t.prismaField({
    type: 'Schedule',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: ScheduleNameInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => setEnabled(ctx, query, input.name, true),
  }),
}));

builder.mutationField('deleteSchedule', (t) =>
  t.field({
    type: DeletedScheduleRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Deletes a schedule and its cron; its plans stay (without a schedule).',
    args: { input: t.arg({ type: ScheduleNameInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const jobs = planJobsOrThrow(ctx);
      const schedule = await ctx.db.prisma.schedule.findUnique({ where: { name: input.name }, select: { id: true } });
      if (!schedule) throw new NotFoundError('Schedule', input.name);
      await ctx.db.prisma.schedule.delete({ where: { id: schedule.id } });
      await jobs.schedules?.unsubscribe(schedule.id);
      await removeScheduleCron(jobs.jobQueue, schedule.id);
      return { name: input.name };
    },
  }),
);

/** The given fields only: omitted ones (undefined or null) are left out. */
function withoutNulls<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value != null)) as Partial<T>;
}
