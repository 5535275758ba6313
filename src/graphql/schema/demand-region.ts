// Demand regions: where tokens are asked for, how many per class, under which
// latency budget, and from which countries they may be served. Which sites may
// serve a region (candidateSites) is in reach.ts.
import { demandRegionSchema } from '../../dataset/schema.js';
import { defaultModelId } from '../../db/dataset-store.js';
import { DEFAULT_MODEL_CODE } from '../../optimizer/types.js';
import { effectiveRttBudgetMs } from '../../optimizer/reach.js';
import { builder } from '../builder.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { DeletedRef, MUTATION_ERRORS, selection } from './common.js';
import { duplicateIssues, modelClassKey, validated } from './validate.js';

export const DemandRegionRef = builder.prismaNode('DemandRegion', {
  id: { field: 'id' },
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    city: t.exposeString('city', { description: 'representative city' }),
    country: t.exposeString('country', { nullable: true }),
    latitude: t.exposeFloat('latitude'),
    longitude: t.exposeFloat('longitude'),
    utcOffsetHours: t.exposeFloat('utcOffsetHours'),
    allowedCountries: t.exposeStringList('allowedCountries', {
      description: 'countries allowed to serve it; empty = anywhere',
    }),
    shareOfGlobalTokensPct: t.exposeFloat('shareOfGlobalTokensPct', { nullable: true }),
    shareBasis: t.exposeString('shareBasis', { nullable: true }),
    latencyAnchor: t.exposeString('latencyAnchor', { nullable: true }),
    notes: t.exposeString('notes', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    demand: t.relation('demands', { query: { orderBy: [{ model: { code: 'asc' } }, { workloadClassId: 'asc' }] } }),
    totalTokensPerSecond: t.float({
      description: 'demand summed over the models and workload classes',
      select: { demands: { select: { tokensPerSecond: true } } },
      resolve: (region) => region.demands.reduce((sum, d) => sum + d.tokensPerSecond, 0),
    }),
  }),
});

builder.prismaObject('Demand', {
  description: "A region's token demand for one model and workload class.",
  fields: (t) => ({
    region: t.relation('region'),
    model: t.relation('model'),
    workloadClass: t.relation('workloadClass'),
    tokensPerSecond: t.exposeFloat('tokensPerSecond'),
    rttBudgetMs: t.exposeFloat('rttBudgetMs', {
      nullable: true,
      description: "this region's override of the class budget",
    }),
    effectiveRttBudgetMs: t.float({
      nullable: true,
      description: 'the budget that applies: the override, else the class default (null = no limit)',
      select: { rttBudgetMs: true, workloadClass: { select: { rttBudgetMs: true } } },
      resolve: (demand) => effectiveRttBudgetMs(demand.rttBudgetMs, demand.workloadClass.rttBudgetMs),
    }),
  }),
});

builder.queryFields((t) => ({
  demandRegions: t.prismaField({
    type: ['DemandRegion'],
    resolve: (query, _root, _args, ctx) =>
      ctx.db.prisma.demandRegion.findMany({ ...selection(query), orderBy: { code: 'asc' } }),
  }),
  demandRegion: t.prismaField({
    type: 'DemandRegion',
    nullable: true,
    args: { code: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.demandRegion.findUnique({ ...selection(query), where: { code: args.code } }),
  }),
}));

const DemandInput = builder.inputType('DemandInput', {
  fields: (t) => ({
    modelCode: t.string({ required: false, description: 'left out: the DEFAULT model' }),
    workloadClassCode: t.string({ required: true }),
    tokensPerSecond: t.float({ required: true }),
    rttBudgetMs: t.float({ required: false }),
  }),
});

const UpsertDemandRegionInput = builder.inputType('UpsertDemandRegionInput', {
  description: 'Creates the region or replaces its fields; demand rows given are upserted per model and class.',
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    city: t.string({ required: true }),
    country: t.string({ required: false }),
    latitude: t.float({ required: true }),
    longitude: t.float({ required: true }),
    utcOffsetHours: t.float({ required: true }),
    allowedCountries: t.stringList({ required: false }),
    shareOfGlobalTokensPct: t.float({ required: false }),
    shareBasis: t.string({ required: false }),
    latencyAnchor: t.string({ required: false }),
    notes: t.string({ required: false }),
    demand: t.field({ type: [DemandInput], required: false }),
  }),
});

const DeleteDemandRegionInput = builder.inputType('DeleteDemandRegionInput', {
  fields: (t) => ({ code: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  upsertDemandRegion: t.prismaField({
    type: 'DemandRegion',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UpsertDemandRegionInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      // a null list of demand rows is none, as left out
      const { demand, ...fields } = validated(demandRegionSchema, {
        ...args.input,
        demand: args.input.demand?.map((row) => ({ ...row, modelCode: row.modelCode ?? undefined })),
      });
      const [classes, models] = await Promise.all([ctx.reference.workloadClasses(), ctx.reference.models()]);
      const issues = demand.flatMap((row, index) => [
        ...(row.modelCode === DEFAULT_MODEL_CODE || models.has(row.modelCode)
          ? []
          : [{ path: `input.demand[${index}].modelCode`, message: `model "${row.modelCode}" does not exist` }]),
        ...(classes.has(row.workloadClassCode)
          ? []
          : [
              {
                path: `input.demand[${index}].workloadClassCode`,
                message: `workload class "${row.workloadClassCode}" does not exist`,
              },
            ]),
      ]);
      issues.push(...duplicateIssues(demand, modelClassKey, (index) => `input.demand[${index}].workloadClassCode`));
      if (issues.length > 0) throw new ValidationError(issues);
      return ctx.db.prisma.$transaction(async (tx) => {
        const region = await tx.demandRegion.upsert({
          where: { code: fields.code },
          create: fields,
          update: fields,
          select: { id: true },
        });
        for (const row of demand) {
          const workloadClassId = classes.get(row.workloadClassCode)!.id;
          const modelId = models.get(row.modelCode)?.id ?? (await defaultModelId(tx));
          const data = { tokensPerSecond: row.tokensPerSecond, rttBudgetMs: row.rttBudgetMs };
          await tx.demand.upsert({
            where: { regionId_modelId_workloadClassId: { regionId: region.id, modelId, workloadClassId } },
            create: { regionId: region.id, modelId, workloadClassId, ...data },
            update: data,
          });
        }
        return tx.demandRegion.findUniqueOrThrow({ ...selection(query), where: { id: region.id } });
      });
    },
  }),
  deleteDemandRegion: t.field({
    type: DeletedRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Deletes a region with its demand rows and latencies.',
    args: { input: t.arg({ type: DeleteDemandRegionInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const region = await ctx.db.prisma.demandRegion.findUnique({ where: { code: input.code }, select: { id: true } });
      if (!region) throw new NotFoundError('DemandRegion', input.code);
      await ctx.db.prisma.demandRegion.delete({ where: { id: region.id } });
      return { code: input.code };
    },
  }),
}));
