// GPU types with their power, memory, amortized cost and per-class throughput;
// site inventory rows (site × GPU type); and the mutations that change them.
import { gpuTypeSchema, inventorySchema } from '../../dataset/schema.js';
import { defaultModelId } from '../../db/dataset-store.js';
import { DEFAULT_MODEL_CODE } from '../../optimizer/types.js';
import { builder } from '../builder.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { MUTATION_ERRORS, selection } from './common.js';
import { duplicateIssues, modelClassKey, validated } from './validate.js';

export const GpuTypeRef = builder.prismaNode('GpuType', {
  id: { field: 'id' },
  description: 'An inference accelerator model.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    vendor: t.exposeString('vendor'),
    formFactor: t.exposeString('formFactor', { nullable: true }),
    boardPowerWatts: t.exposeFloat('boardPowerWatts', {
      nullable: true,
      description: 'the accelerator board alone (TDP), W',
    }),
    powerWatts: t.exposeFloat('powerWatts', {
      description: 'per GPU including its share of host, network and storage, W',
    }),
    memoryGb: t.exposeFloat('memoryGb'),
    memoryType: t.exposeString('memoryType', { nullable: true }),
    memoryBandwidthTbPerS: t.exposeFloat('memoryBandwidthTbPerS', { nullable: true }),
    capexPerHour: t.exposeFloat('capexPerHour', { description: 'amortized USD per GPU-hour (system share included)' }),
    priceUsd: t.exposeFloat('priceUsd', { nullable: true }),
    referenceTokensPerSecond: t.exposeFloat('referenceTokensPerSecond', {
      nullable: true,
      description: 'MLPerf Llama-2-70B Offline tokens/s per GPU that the class throughputs derive from',
    }),
    throughputType: t.exposeString('throughputType', { nullable: true }),
    throughputSource: t.exposeString('throughputSource', { nullable: true }),
    specSource: t.exposeString('specSource', { nullable: true }),
    priceBasis: t.exposeString('priceBasis', { nullable: true }),
    priceSource: t.exposeString('priceSource', { nullable: true }),
    amortizationBasis: t.exposeString('amortizationBasis', { nullable: true }),
    notes: t.exposeString('notes', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    throughputs: t.relation('throughputs', {
      query: { orderBy: [{ model: { code: 'asc' } }, { workloadClassId: 'asc' }] },
    }),
  }),
});

builder.prismaObject('GpuThroughput', {
  description: 'Tokens/s one GPU of a type sustains for a model and a workload class under its token-latency target.',
  fields: (t) => ({
    gpuType: t.relation('gpuType'),
    model: t.relation('model'),
    workloadClass: t.relation('workloadClass'),
    tokensPerSecond: t.exposeFloat('tokensPerSecond'),
    gpusPerReplica: t.exposeInt('gpusPerReplica', {
      description: 'the model runs in replicas of this many GPUs of the type (its weights need them)',
    }),
    derivation: t.exposeString('derivation', { nullable: true }),
  }),
});

builder.prismaObject('SiteInventory', {
  description: 'GPUs of one type at one site.',
  fields: (t) => ({
    site: t.relation('site'),
    gpuType: t.relation('gpuType'),
    installed: t.exposeInt('installed'),
    maxAdditional: t.exposeInt('maxAdditional', {
      description: 'how many more this site could host (expansion planning)',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  gpuTypes: t.prismaField({
    type: ['GpuType'],
    description: 'Every GPU type, by code (a short reference list).',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.prisma.gpuType.findMany({ ...selection(query), orderBy: { code: 'asc' } }),
  }),
  gpuType: t.prismaField({
    type: 'GpuType',
    nullable: true,
    args: { code: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.gpuType.findUnique({ ...selection(query), where: { code: args.code } }),
  }),
}));

const ThroughputInput = builder.inputType('ThroughputInput', {
  fields: (t) => ({
    modelCode: t.string({ required: false, description: 'left out: the DEFAULT model' }),
    workloadClassCode: t.string({ required: true }),
    tokensPerSecond: t.float({ required: true }),
    gpusPerReplica: t.int({ required: false, description: 'left out: 1' }),
    derivation: t.string({ required: false }),
  }),
});

const UpsertGpuTypeInput = builder.inputType('UpsertGpuTypeInput', {
  description: 'Creates the GPU type or replaces its fields; throughputs given are upserted per model and class.',
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    vendor: t.string({ required: true }),
    formFactor: t.string({ required: false }),
    boardPowerWatts: t.float({ required: false }),
    powerWatts: t.float({ required: true }),
    memoryGb: t.float({ required: true }),
    memoryType: t.string({ required: false }),
    memoryBandwidthTbPerS: t.float({ required: false }),
    capexPerHour: t.float({ required: true }),
    priceUsd: t.float({ required: false }),
    referenceTokensPerSecond: t.float({ required: false }),
    throughputType: t.string({ required: false }),
    throughputSource: t.string({ required: false }),
    specSource: t.string({ required: false }),
    priceBasis: t.string({ required: false }),
    priceSource: t.string({ required: false }),
    amortizationBasis: t.string({ required: false }),
    notes: t.string({ required: false }),
    throughputs: t.field({ type: [ThroughputInput], required: false }),
  }),
});

const SetInventoryInput = builder.inputType('SetInventoryInput', {
  fields: (t) => ({
    siteCode: t.string({ required: true }),
    gpuTypeCode: t.string({ required: true }),
    installed: t.int({ required: true }),
    maxAdditional: t.int({ required: false, defaultValue: 0 }),
  }),
});

builder.mutationFields((t) => ({
  upsertGpuType: t.prismaField({
    type: 'GpuType',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UpsertGpuTypeInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      // a null list of throughputs is none, as left out
      // null for a field with a default is left out, as in an import
      const { throughputs, ...fields } = validated(gpuTypeSchema, {
        ...args.input,
        throughputs: args.input.throughputs?.map((row) => ({
          ...row,
          modelCode: row.modelCode ?? undefined,
          gpusPerReplica: row.gpusPerReplica ?? undefined,
        })),
      });
      const [classes, models] = await Promise.all([ctx.reference.workloadClasses(), ctx.reference.models()]);
      const issues = throughputs.flatMap((row, index) => [
        ...(row.modelCode === DEFAULT_MODEL_CODE || models.has(row.modelCode)
          ? []
          : [{ path: `input.throughputs[${index}].modelCode`, message: `model "${row.modelCode}" does not exist` }]),
        ...(classes.has(row.workloadClassCode)
          ? []
          : [
              {
                path: `input.throughputs[${index}].workloadClassCode`,
                message: `workload class "${row.workloadClassCode}" does not exist`,
              },
            ]),
      ]);
      issues.push(
        ...duplicateIssues(throughputs, modelClassKey, (index) => `input.throughputs[${index}].workloadClassCode`),
      );
      if (issues.length > 0) throw new ValidationError(issues);
      return ctx.db.prisma.$transaction(async (tx) => {
        const gpu = await tx.gpuType.upsert({
          where: { code: fields.code },
          create: fields,
          update: fields,
          select: { id: true },
        });
        for (const row of throughputs) {
          const workloadClassId = classes.get(row.workloadClassCode)!.id;
          const modelId = models.get(row.modelCode)?.id ?? (await defaultModelId(tx));
          const data = {
            tokensPerSecond: row.tokensPerSecond,
            gpusPerReplica: row.gpusPerReplica,
            derivation: row.derivation,
          };
          await tx.gpuThroughput.upsert({
            where: { gpuTypeId_modelId_workloadClassId: { gpuTypeId: gpu.id, modelId, workloadClassId } },
            create: { gpuTypeId: gpu.id, modelId, workloadClassId, ...data },
            update: data,
          });
        }
        return tx.gpuType.findUniqueOrThrow({ ...selection(query), where: { id: gpu.id } });
      });
    },
  }),
  setInventory: t.prismaField({
    type: 'SiteInventory',
    errors: { types: MUTATION_ERRORS },
    description: 'Sets how many GPUs of a type a site has installed and could add.',
    args: { input: t.arg({ type: SetInventoryInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = validated(inventorySchema.extend({ siteCode: gpuTypeSchema.shape.code }), args.input);
      const site = await ctx.db.prisma.site.findUnique({ where: { code: input.siteCode }, select: { id: true } });
      if (!site) throw new NotFoundError('Site', input.siteCode);
      const gpu = (await ctx.reference.gpuTypes()).get(input.gpuTypeCode);
      if (!gpu) throw new NotFoundError('GpuType', input.gpuTypeCode);
      const data = { installed: input.installed, maxAdditional: input.maxAdditional };
      return ctx.db.prisma.siteInventory.upsert({
        ...selection(query),
        where: { siteId_gpuTypeId: { siteId: site.id, gpuTypeId: gpu.id } },
        create: { siteId: site.id, gpuTypeId: gpu.id, ...data },
        update: data,
      });
    },
  }),
}));
