// Scalars, enums and the error types every mutation result can carry.
import type { InputFieldBuilder } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { COOLING_TYPES, LATENCY_METHODS, SITE_STATUSES } from '../../dataset/schema.js';
import { builder } from '../builder.js';
import { ConflictError, NotFoundError, ValidationError, type ErrorCode, type ValidationIssue } from '../../errors.js';
import type { WorkloadClass } from '../../generated/prisma/client.js';
import type { Context } from '../context.js';
import { DEFAULT_MODEL_CODE } from '../../optimizer/types.js';

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string');
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

export const CoolingTypeEnum = builder.enumType('CoolingType', {
  description: "How a site removes heat; decides the site's default PUE.",
  values: COOLING_TYPES,
});
export const SiteStatusEnum = builder.enumType('SiteStatus', { values: SITE_STATUSES });
export const LatencyMethodEnum = builder.enumType('LatencyMethod', {
  description: 'MEASURED on the path; MEASURED_PROXY between nearby cloud regions; ESTIMATED from distance.',
  values: LATENCY_METHODS,
});

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'An expected failure, returned as data.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const ValidationIssueRef = builder.objectRef<ValidationIssue>('ValidationIssue').implement({
  description: 'One problem with the input: where it is and what is wrong.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'e.g. `input.pricePerKwh` or `sites.csv:12 price_per_kwh`' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input broke one or more rules; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({ issues: t.field({ type: [ValidationIssueRef], resolve: (error) => error.issues }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({ entity: t.exposeString('entity'), code: t.exposeString('code') }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The change conflicts with existing data (e.g. a duplicate code, or dependent rows).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    currentUpdatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "an update refused by its expectedUpdatedAt: the row's updatedAt now (read the row again and retry)",
      resolve: (error) => error.currentUpdatedAt,
    }),
  }),
});

export const DeletedRef = builder.objectRef<{ code: string }>('Deleted').implement({
  description: 'What a delete removed.',
  fields: (t) => ({ code: t.exposeString('code') }),
});

export const MUTATION_ERRORS = [ValidationError, NotFoundError, ConflictError];

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The optional expectedUpdatedAt of an update mutation's input (src/db/guarded-update.ts). */
export const expectedUpdatedAtField = (t: InputFieldBuilder<Types, 'InputObject'>) =>
  t.field({
    type: 'DateTime',
    required: false,
    description:
      'the updatedAt you read: the update is made only if the row is unchanged since, else a ConflictError with its currentUpdatedAt (nothing written)',
  });

/**
 * A query argument the client got wrong: a code that names nothing, or a value
 * the field cannot take. Queries have no typed errors, so it is a GraphQL error
 * that names the argument.
 */
export function argumentError(
  code: Extract<ErrorCode, 'NOT_FOUND' | 'BAD_USER_INPUT'>,
  argumentName: string,
  message: string,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, argumentName } });
}

const mostDemanded = new WeakMap<Context, Promise<string>>();

/** The model with the most demand (tokens/s over every region and class), then the first by code; once per request. */
function mostDemandedModel(ctx: Context): Promise<string> {
  let found = mostDemanded.get(ctx);
  if (!found) {
    found = (async () => {
      const [totals, models] = await Promise.all([
        ctx.db.prisma.demand.groupBy({ by: ['modelId'], _sum: { tokensPerSecond: true } }),
        ctx.reference.models(),
      ]);
      const byId = new Map(totals.map((row) => [row.modelId, row._sum.tokensPerSecond ?? 0]));
      const ranked = [...models.values()].sort(
        (a, b) => (byId.get(b.id) ?? 0) - (byId.get(a.id) ?? 0) || a.code.localeCompare(b.code),
      );
      return ranked[0]!.code;
    })();
    mostDemanded.set(ctx, found);
  }
  return found;
}

/** The `model:` argument of every derived field that takes one; modelCodeOrThrow applies it. */
export const MODEL_ARG_DESCRIPTION =
  "the model (code) served; left out, the DEFAULT model (data without models), else the data's only model, else the model with the most demand";

/**
 * The model a derived field is asked about: the one named (NOT_FOUND naming the
 * argument when it does not exist), or, left out, DEFAULT (data without models),
 * else the data's only model, else the model with the most demand.
 */
export async function modelCodeOrThrow(ctx: Context, code: string | null | undefined, argumentName = 'model') {
  const models = await ctx.reference.models();
  if (code == null) {
    // left out: DEFAULT (data without models), or the data's only model, or the model with the most demand
    if (models.has(DEFAULT_MODEL_CODE) || models.size === 0) return DEFAULT_MODEL_CODE;
    if (models.size === 1) return [...models.keys()][0]!;
    return mostDemandedModel(ctx);
  }
  if (!models.has(code)) throw argumentError('NOT_FOUND', argumentName, `model "${code}" does not exist`);
  return code;
}

/** The workload class an argument names, or NOT_FOUND. */
export async function workloadClassOrThrow(
  ctx: Context,
  code: string,
  argumentName = 'workloadClass',
): Promise<WorkloadClass> {
  const workloadClass = (await ctx.reference.workloadClasses()).get(code);
  if (!workloadClass) throw argumentError('NOT_FOUND', argumentName, `workload class "${code}" does not exist`);
  return workloadClass;
}

export const MAX_PAGE_SIZE = 100;

/** Page sizes are 1–100; anything else is the client's mistake, said plainly. */
export function checkPageSize(args: { first?: number | null; last?: number | null }): number {
  for (const key of ['first', 'last'] as const) {
    const size = args[key];
    if (size != null && (size < 1 || size > MAX_PAGE_SIZE)) {
      throw argumentError('BAD_USER_INPUT', key, `${key} must be between 1 and ${MAX_PAGE_SIZE} (got ${size})`);
    }
  }
  return MAX_PAGE_SIZE;
}

/**
 * The Prisma query Pothos built for a field. A client that selects only
 * `__typename` gets `select: {}`, which Prisma refuses; select the id then.
 */
export function selection<Q extends object>(query: Q): Q {
  const select = (query as { select?: object }).select;
  return select && Object.keys(select).length === 0 ? { ...query, select: { id: true } } : query;
}
