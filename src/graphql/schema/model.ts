// Models: the LLMs served. Each has its own throughputs (per GPU type and workload
// class, in replicas of some GPUs) and its own demand (per region and class); data
// from before models existed carry one, DEFAULT. The optional deployment rule
// (allowed countries and sites) says where it may run.
import { modelSchema } from '../../dataset/schema.js';
import { builder } from '../builder.js';
import { ValidationError } from '../../errors.js';
import { MUTATION_ERRORS, selection } from './common.js';
import { validated } from './validate.js';

export const ModelRef = builder.prismaNode('Model', {
  id: { field: 'id' },
  description: 'An LLM that is served: its throughputs and its demand are its own.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    vendor: t.exposeString('vendor'),
    paramsTotalB: t.exposeFloat('paramsTotalB', { nullable: true, description: 'total parameters, billions' }),
    paramsActiveB: t.exposeFloat('paramsActiveB', {
      nullable: true,
      description: 'parameters active per token (mixture of experts), billions',
    }),
    architecture: t.exposeString('architecture', { nullable: true, description: 'DENSE or MOE' }),
    servedPrecision: t.exposeString('servedPrecision', { nullable: true }),
    weightsGb: t.exposeFloat('weightsGb', { nullable: true, description: 'size of the served weights, GB' }),
    contextTokens: t.exposeInt('contextTokens', { nullable: true }),
    license: t.exposeString('license', { nullable: true }),
    source: t.exposeString('source', { nullable: true }),
    notes: t.exposeString('notes', { nullable: true }),
    allowedCountries: t.exposeStringList('allowedCountries', {
      description: 'countries whose sites may run it; empty = anywhere',
    }),
    allowedSites: t.exposeStringList('allowedSites', { description: 'the only sites that may run it; empty = any' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    throughputs: t.relation('throughputs', {
      description: 'per GPU type and workload class; a GPU type without one cannot run the model',
      query: { orderBy: [{ gpuType: { code: 'asc' } }, { workloadClassId: 'asc' }] },
    }),
    demand: t.relation('demands', {
      query: { orderBy: [{ region: { code: 'asc' } }, { workloadClassId: 'asc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  models: t.prismaField({
    type: ['Model'],
    description: 'Every model, by code (a short reference list).',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.prisma.model.findMany({ ...selection(query), orderBy: { code: 'asc' } }),
  }),
  model: t.prismaField({
    type: 'Model',
    nullable: true,
    args: { code: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.model.findUnique({ ...selection(query), where: { code: args.code } }),
  }),
}));

const UpsertModelInput = builder.inputType('UpsertModelInput', {
  description: 'Creates the model or replaces its fields.',
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    vendor: t.string({ required: true }),
    paramsTotalB: t.float({ required: false }),
    paramsActiveB: t.float({ required: false }),
    architecture: t.string({ required: false, description: 'DENSE or MOE' }),
    servedPrecision: t.string({ required: false }),
    weightsGb: t.float({ required: false }),
    contextTokens: t.int({ required: false }),
    license: t.string({ required: false }),
    source: t.string({ required: false }),
    notes: t.string({ required: false }),
    allowedCountries: t.stringList({ required: false }),
    allowedSites: t.stringList({ required: false }),
  }),
});

builder.mutationField('upsertModel', (t) =>
  t.prismaField({
    type: 'Model',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UpsertModelInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      // a null list is none, as left out
      const input = validated(modelSchema, {
        ...args.input,
        allowedCountries: args.input.allowedCountries ?? undefined,
        allowedSites: args.input.allowedSites ?? undefined,
      });
      const stored = await ctx.db.prisma.site.findMany({
        where: { code: { in: input.allowedSites } },
        select: { code: true },
      });
      const known = new Set(stored.map((site) => site.code));
      const issues = input.allowedSites.flatMap((code, index) =>
        known.has(code) ? [] : [{ path: `input.allowedSites[${index}]`, message: `site "${code}" does not exist` }],
      );
      if (issues.length > 0) throw new ValidationError(issues);
      return ctx.db.prisma.model.upsert({
        ...selection(query),
        where: { code: input.code },
        create: input,
        update: input,
      });
    },
  }),
);
