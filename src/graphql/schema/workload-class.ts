// Workload classes: interactive, standard, agent, batch — each with its own
// network latency budget, token-latency targets and daily demand shape.
import { workloadClassSchema } from '../../dataset/schema.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS, selection } from './common.js';
import { validated } from './validate.js';

export const WorkloadClassRef = builder.prismaNode('WorkloadClass', {
  id: { field: 'id' },
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    rttBudgetMs: t.exposeFloat('rttBudgetMs', {
      nullable: true,
      description: 'default network round-trip budget; null = no limit',
    }),
    ttftTargetMs: t.exposeFloat('ttftTargetMs', { nullable: true, description: 'time-to-first-token target' }),
    tpotTargetMs: t.exposeFloat('tpotTargetMs', { nullable: true, description: 'time-per-output-token target' }),
    hourlyDemandProfile: t.exposeFloatList('hourlyDemandProfile', {
      description: '24 multipliers by local hour (mean 1); empty = flat',
    }),
  }),
});

builder.queryField('workloadClasses', (t) =>
  t.prismaField({
    type: ['WorkloadClass'],
    resolve: (query, _root, _args, ctx) =>
      ctx.db.prisma.workloadClass.findMany({ ...selection(query), orderBy: { id: 'asc' } }),
  }),
);

const UpsertWorkloadClassInput = builder.inputType('UpsertWorkloadClassInput', {
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    description: t.string({ required: true }),
    rttBudgetMs: t.float({ required: false }),
    ttftTargetMs: t.float({ required: false }),
    tpotTargetMs: t.float({ required: false }),
    hourlyDemandProfile: t.floatList({ required: false }),
  }),
});

builder.mutationField('upsertWorkloadClass', (t) =>
  t.prismaField({
    type: 'WorkloadClass',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UpsertWorkloadClassInput, required: true }) },
    resolve: (query, _root, args, ctx) => {
      const input = validated(workloadClassSchema, args.input);
      return ctx.db.prisma.workloadClass.upsert({
        ...selection(query),
        where: { code: input.code },
        create: input,
        update: input,
      });
    },
  }),
);
