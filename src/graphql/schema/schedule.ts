// Schedule: a plan requested on a cron (pg-boss's scheduler), with its plans,
// queries and mutations (create, update, pause, resume, delete: they check
// their input and call src/schedules/service.ts), and the schedule and webhook
// delivery of a scheduled plan.
import { z } from 'zod';
import { requiredText } from '../../dataset/schema.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { redactedUrl } from '../../net.js';
import { checkCron, checkTimeZone, nextRunAt } from '../../schedules/cron.js';
import type { ScheduleService } from '../../schedules/service.js';
import { builder } from '../builder.js';
import { solverCapsOf, type Context } from '../context.js';
import { checkPageSize, expectedUpdatedAtField, MUTATION_ERRORS, selection } from './common.js';
import { givenOptions, jobQueueUnavailable, PlanOptionsInput, PlanRef } from './plan.js';
import { validated } from './validate.js';

/**
 * A webhook URL may carry a token: admins see it with its password and
 * credential-like query values redacted, other roles see null.
 */
function webhookUrlFor(ctx: Context, url: string | null): string | null {
  return url !== null && ctx.auth?.role === 'admin' ? redactedUrl(url) : null;
}
const WEBHOOK_URL_DESCRIPTION =
  'admins only (null for other roles), with any password and token-like query values shown as ***';

const NEWEST_FIRST: Prisma.PlanOrderByWithRelationInput[] = [{ requestedAt: 'desc' }, { id: 'desc' }];

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'PENDING (attempts remain) → DELIVERED | FAILED (every attempt failed; the plan is unaffected).',
  values: ['PENDING', 'DELIVERED', 'FAILED'] as const,
});

builder.prismaObject('WebhookDelivery', {
  description: "The POST of a finished scheduled plan's summary to its schedule's webhook URL.",
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.string({
      nullable: true,
      description: WEBHOOK_URL_DESCRIPTION,
      select: { url: true },
      resolve: (delivery, _args, ctx) => webhookUrlFor(ctx, delivery.url),
    }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.exposeInt('lastStatusCode', {
      nullable: true,
      description: 'HTTP status of the last attempt (null: no answer)',
    }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description:
        "the last failed attempt's outcome class, never the remote's answer: `http 3xx` (redirects are not followed), `http 4xx`, `http 5xx`, `timeout`, `connection failed`, `name not resolved`, `refused: <kind> address`",
    }),
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
    webhookUrl: t.string({
      nullable: true,
      description: WEBHOOK_URL_DESCRIPTION,
      select: { webhookUrl: true },
      resolve: (schedule, _args, ctx) => webhookUrlFor(ctx, schedule.webhookUrl),
    }),
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
    expectedUpdatedAt: z.date().optional(),
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
    expectedUpdatedAt: expectedUpdatedAtField(t),
  }),
});
const ScheduleNameInput = builder.inputType('ScheduleNameInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

const DeletedScheduleRef = builder.objectRef<{ name: string }>('DeletedSchedule').implement({
  fields: (t) => ({ name: t.exposeString('name') }),
});

function schedulesOrThrow(ctx: Context): ScheduleService {
  if (!ctx.schedules) throw jobQueueUnavailable();
  return ctx.schedules;
}

/** Pauses or resumes, answering the schedule as the query selects it. */
async function setEnabled(ctx: Context, query: object, scheduleName: string, enabled: boolean) {
  const id = await schedulesOrThrow(ctx).setEnabled(scheduleName, enabled);
  return ctx.db.prisma.schedule.findUniqueOrThrow({ ...selection(query), where: { id } });
}

builder.mutationFields((t) => ({
  createSchedule: t.prismaField({
    type: 'Schedule',
    errors: { types: MUTATION_ERRORS },
    description:
      'Stores a schedule and registers its cron; its scenario and options are checked as each tick will use them.',
    args: { input: t.arg({ type: CreateScheduleInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const schedules = schedulesOrThrow(ctx);
      const { options: optionsInput, ...rest } = args.input;
      const input = validated(createSchema, { ...withoutNulls(rest), options: givenOptions(optionsInput) });
      const id = await schedules.create(input, solverCapsOf(ctx));
      return ctx.db.prisma.schedule.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  updateSchedule: t.prismaField({
    type: 'Schedule',
    errors: { types: MUTATION_ERRORS },
    description: 'Changes the fields given; plans already made keep what they were made with.',
    args: { input: t.arg({ type: UpdateScheduleInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const schedules = schedulesOrThrow(ctx);
      const { options: optionsInput, scenario, webhookUrl, ...rest } = args.input;
      const input = validated(updateSchema, {
        ...withoutNulls(rest),
        ...(scenario !== undefined ? { scenario } : {}),
        ...(webhookUrl !== undefined ? { webhookUrl } : {}),
        ...(optionsInput != null ? { options: givenOptions(optionsInput) } : {}),
      });
      const id = await schedules.update(input, solverCapsOf(ctx));
      return ctx.db.prisma.schedule.findUniqueOrThrow({ ...selection(query), where: { id } });
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
      await schedulesOrThrow(ctx).delete(input.name);
      return { name: input.name };
    },
  }),
);

/** The given fields only: omitted ones (undefined or null) are left out. */
function withoutNulls<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value != null)) as Partial<T>;
}
