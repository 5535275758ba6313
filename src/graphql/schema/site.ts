// Site: a data-center location with its energy economics, cooling, power envelope
// and GPU inventory; its queries (list, by code) and mutations. Its reach is in reach.ts.
import { fieldsBut, siteFields, siteSchema, siteUpdateSchema } from '../../dataset/schema.js';
import { effectivePue } from '../../domain/cooling.js';
import {
  costPerMillionTokens,
  energyCostPerGpuHour,
  siteInstalledCapacity,
  tokensPerJoule,
} from '../../domain/economics.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { inputFieldsFrom } from '../input-fields.js';
import type { Context } from '../context.js';
import { ConflictError, NotFoundError, staleUpdateError } from '../../errors.js';
import { updateIfUnchanged } from '../../db/guarded-update.js';
import {
  argumentError,
  checkPageSize,
  CoolingTypeEnum,
  DeletedRef,
  expectedUpdatedAtField,
  MODEL_ARG_DESCRIPTION,
  MUTATION_ERRORS,
  SiteStatusEnum,
  modelCodeOrThrow,
  selection,
  workloadClassOrThrow,
} from './common.js';
import { validated } from './validate.js';

async function gpuTypeOrThrow(ctx: Context, code: string) {
  const gpu = (await ctx.reference.gpuTypes()).get(code);
  if (!gpu) throw argumentError('NOT_FOUND', 'gpuType', `GPU type "${code}" does not exist`);
  return gpu;
}

/** The per-GPU throughput of a model (DEFAULT when not named) and class on a GPU type; null when it has none. */
async function throughputOrThrow(ctx: Context, gpuCode: string, classCode: string, model: string | null | undefined) {
  const gpu = await gpuTypeOrThrow(ctx, gpuCode);
  await workloadClassOrThrow(ctx, classCode);
  const modelCode = await modelCodeOrThrow(ctx, model);
  const row = gpu.throughputs.find((t) => t.workloadClass.code === classCode && t.model.code === modelCode);
  return { gpu, tokensPerSecond: row?.tokensPerSecond ?? null };
}

export const CapacityRef = builder
  .objectRef<{ tokensPerSecond: number; itPowerKw: number; facilityPowerKw: number; gpus: number }>('Capacity')
  .implement({
    description: 'What installed GPUs can do at full utilization.',
    fields: (t) => ({
      gpus: t.exposeInt('gpus'),
      tokensPerSecond: t.exposeFloat('tokensPerSecond'),
      itPowerKw: t.exposeFloat('itPowerKw'),
      facilityPowerKw: t.exposeFloat('facilityPowerKw', { description: 'IT power × PUE' }),
    }),
  });

export const SiteRef = builder.prismaNode('Site', {
  id: { field: 'id' },
  description: 'A data-center location that can host inference GPUs.',
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2' }),
    regionLabel: t.exposeString('regionLabel'),
    latitude: t.exposeFloat('latitude'),
    longitude: t.exposeFloat('longitude'),
    pricePerKwh: t.exposeFloat('pricePerKwh', { description: 'USD per kWh (flat)' }),
    hourlyPricesPerKwh: t.exposeFloatList('hourlyPricesPerKwh', {
      description: '24 USD/kWh prices by local hour (time-of-use); empty when the price is flat',
    }),
    utcOffsetHours: t.exposeFloat('utcOffsetHours'),
    coolingType: t.expose('coolingType', { type: CoolingTypeEnum }),
    pue: t.exposeFloat('pue', {
      nullable: true,
      description: "the site's own PUE; null when the cooling type's default applies",
    }),
    effectivePue: t.float({
      description: 'the PUE used in every calculation: the stored one, else the cooling type default',
      select: { pue: true, coolingType: true },
      resolve: (site) => effectivePue(site),
    }),
    powerCapKw: t.exposeFloat('powerCapKw', { description: 'facility power available to IT + cooling, kW' }),
    carbonGramsPerKwh: t.exposeFloat('carbonGramsPerKwh'),
    maxModels: t.exposeInt('maxModels', {
      nullable: true,
      description:
        'the most different models the site may host (each deployed model costs memory and operations); null = no cap',
    }),
    status: t.expose('status', { type: SiteStatusEnum }),
    notes: t.exposeString('notes', { nullable: true }),
    coolingDescription: t.exposeString('coolingDescription', { nullable: true }),
    priceLocal: t.exposeFloat('priceLocal', { nullable: true }),
    priceCurrency: t.exposeString('priceCurrency', { nullable: true }),
    priceBasis: t.exposeString('priceBasis', { nullable: true }),
    priceSource: t.exposeString('priceSource', { nullable: true }),
    priceYear: t.exposeString('priceYear', { nullable: true }),
    priceConfidence: t.exposeString('priceConfidence', { nullable: true }),
    pueBasis: t.exposeString('pueBasis', { nullable: true }),
    carbonSource: t.exposeString('carbonSource', { nullable: true }),
    carbonYear: t.exposeString('carbonYear', { nullable: true }),
    powerCapBasis: t.exposeString('powerCapBasis', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    inventory: t.relation('inventory', { query: { orderBy: { gpuType: { code: 'asc' } } } }),
    energyCostPerGpuHour: t.float({
      description: 'USD per hour of one busy GPU of this type here: GPU+host kW × PUE × $/kWh',
      args: { gpuType: t.arg.string({ required: true }) },
      select: { pue: true, coolingType: true, pricePerKwh: true, hourlyPricesPerKwh: true },
      resolve: async (site, args, ctx) => energyCostPerGpuHour(site, await gpuTypeOrThrow(ctx, args.gpuType)),
    }),
    costPerMillionTokens: t.float({
      nullable: true,
      description:
        'USD per million tokens of this model and class on this GPU type here at full utilization (energy + amortized capex); null when the GPU has no throughput for them',
      args: {
        gpuType: t.arg.string({ required: true }),
        workloadClass: t.arg.string({ required: true }),
        model: t.arg.string({ required: false, description: MODEL_ARG_DESCRIPTION }),
      },
      select: { pue: true, coolingType: true, pricePerKwh: true, hourlyPricesPerKwh: true },
      resolve: async (site, args, ctx) => {
        const { gpu, tokensPerSecond } = await throughputOrThrow(ctx, args.gpuType, args.workloadClass, args.model);
        return tokensPerSecond === null ? null : costPerMillionTokens(site, gpu, tokensPerSecond);
      },
    }),
    tokensPerJoule: t.float({
      nullable: true,
      description:
        'tokens per joule of facility energy (GPU+host power × PUE) for this model and class on this GPU type here; null when the GPU has no throughput for them',
      args: {
        gpuType: t.arg.string({ required: true }),
        workloadClass: t.arg.string({ required: true }),
        model: t.arg.string({ required: false, description: MODEL_ARG_DESCRIPTION }),
      },
      select: { pue: true, coolingType: true },
      resolve: async (site, args, ctx) => {
        const { gpu, tokensPerSecond } = await throughputOrThrow(ctx, args.gpuType, args.workloadClass, args.model);
        return tokensPerSecond === null ? null : tokensPerJoule(gpu, tokensPerSecond, effectivePue(site));
      },
    }),
    installedCapacity: t.field({
      type: CapacityRef,
      description:
        'what the installed GPUs serve of one workload class (of one model) at full utilization, and the power they draw',
      args: {
        workloadClass: t.arg.string({ required: true }),
        model: t.arg.string({ required: false, description: MODEL_ARG_DESCRIPTION }),
      },
      select: {
        pue: true,
        coolingType: true,
        inventory: { select: { installed: true, gpuType: { select: { code: true } } } },
      },
      resolve: async (site, args, ctx) => {
        await workloadClassOrThrow(ctx, args.workloadClass);
        const modelCode = await modelCodeOrThrow(ctx, args.model);
        const inventory = site.inventory.map((row) => ({
          gpuTypeCode: row.gpuType.code,
          installed: row.installed,
          maxAdditional: 0,
        }));
        const capacity = siteInstalledCapacity(
          { ...site, inventory },
          await ctx.reference.gpuThroughputs(),
          args.workloadClass,
          modelCode,
        );
        return {
          gpus: capacity.gpus,
          tokensPerSecond: capacity.tokensPerSecond,
          itPowerKw: capacity.itKw,
          facilityPowerKw: capacity.facilityKw,
        };
      },
    }),
  }),
});

// ---- queries

const SiteFilter = builder.inputType('SiteFilter', {
  fields: (t) => ({
    country: t.stringList({ required: false, description: 'ISO alpha-2 codes' }),
    regionLabel: t.stringList({ required: false }),
    coolingType: t.field({ type: [CoolingTypeEnum], required: false }),
    status: t.field({ type: [SiteStatusEnum], required: false }),
    codeContains: t.string({ required: false, description: 'case-insensitive search in code and name' }),
  }),
});

const SiteOrderField = builder.enumType('SiteOrderField', {
  values: ['CODE', 'PRICE_PER_KWH', 'PUE', 'POWER_CAP_KW', 'CARBON_GRAMS_PER_KWH'] as const,
});
const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });
const SiteOrder = builder.inputType('SiteOrder', {
  fields: (t) => ({
    field: t.field({ type: SiteOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: 'ASC' }),
  }),
});

const ORDER_COLUMN = {
  CODE: 'code',
  PRICE_PER_KWH: 'pricePerKwh',
  PUE: 'pue',
  POWER_CAP_KW: 'powerCapKw',
  CARBON_GRAMS_PER_KWH: 'carbonGramsPerKwh',
} as const;

function siteWhere(filter: typeof SiteFilter.$inferInput | null | undefined): Prisma.SiteWhereInput {
  if (!filter) return {};
  const where: Prisma.SiteWhereInput = {};
  if (filter.country?.length) where.country = { in: filter.country.map((c) => c.toUpperCase()) };
  if (filter.regionLabel?.length) where.regionLabel = { in: filter.regionLabel };
  if (filter.coolingType?.length) where.coolingType = { in: filter.coolingType };
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.codeContains) {
    where.OR = [
      { code: { contains: filter.codeContains, mode: 'insensitive' } },
      { name: { contains: filter.codeContains, mode: 'insensitive' } },
    ];
  }
  return where;
}

builder.queryFields((t) => ({
  sites: t.prismaConnection(
    {
      type: 'Site',
      cursor: 'id',
      description: 'Sites, filtered and ordered; ties are broken by id so pages are stable.',
      args: {
        filter: t.arg({ type: SiteFilter, required: false }),
        orderBy: t.arg({ type: SiteOrder, required: false }),
      },
      // checked before any query is built, so a bad size is refused, not clamped
      maxSize: checkPageSize,
      resolve: (query, _root, args, ctx) => {
        const order = args.orderBy;
        const direction = order?.direction === 'DESC' ? 'desc' : 'asc';
        return ctx.db.prisma.site.findMany({
          ...selection(query),
          where: siteWhere(args.filter),
          orderBy: order
            ? [
                order.field === 'PUE'
                  ? { pue: { sort: direction, nulls: 'last' } }
                  : { [ORDER_COLUMN[order.field]]: direction },
                { id: 'asc' },
              ]
            : [{ code: 'asc' }, { id: 'asc' }],
        });
      },
      totalCount: (_parent, args, ctx) => ctx.db.prisma.site.count({ where: siteWhere(args.filter) }),
    },
    {},
  ),
  site: t.prismaField({
    type: 'Site',
    nullable: true,
    args: { code: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.prisma.site.findUnique({ ...selection(query), where: { code: args.code } }),
  }),
}));

// ---- mutations

const InventoryInput = builder.inputType('InventoryInput', {
  fields: (t) => ({
    gpuTypeCode: t.string({ required: true }),
    installed: t.int({ required: true }),
    maxAdditional: t.int({ required: false, defaultValue: 0 }),
  }),
});

const CreateSiteInput = builder.inputType('CreateSiteInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: 'unique, [A-Z0-9-]{2,32}' }),
    ...inputFieldsFrom(t, fieldsBut(siteFields, 'code'), {
      create: true,
      enums: { coolingType: CoolingTypeEnum, status: SiteStatusEnum },
    }),
    inventory: t.field({ type: [InventoryInput], required: false }),
  }),
});
const UpdateSiteInput = builder.inputType('UpdateSiteInput', {
  fields: (t) => ({
    code: t.string({ required: true, description: 'the site to change' }),
    ...inputFieldsFrom(t, fieldsBut(siteFields, 'code'), {
      create: false,
      enums: { coolingType: CoolingTypeEnum, status: SiteStatusEnum },
    }),
    expectedUpdatedAt: expectedUpdatedAtField(t),
  }),
});

builder.mutationFields((t) => ({
  createSite: t.prismaField({
    type: 'Site',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: CreateSiteInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      // a null inventory is none, as left out
      const input = validated(siteSchema, { ...args.input, inventory: args.input.inventory ?? undefined });
      const { inventory, ...fields } = input;
      const gpus = await ctx.reference.gpuTypes();
      const missing = inventory.filter((row) => !gpus.has(row.gpuTypeCode));
      if (missing.length > 0) throw new NotFoundError('GpuType', missing.map((m) => m.gpuTypeCode).join(', '));
      if (await ctx.db.prisma.site.findUnique({ where: { code: fields.code }, select: { id: true } })) {
        throw new ConflictError(`a site with code "${fields.code}" already exists`);
      }
      return ctx.db.prisma.site.create({
        ...selection(query),
        data: {
          ...fields,
          inventory: {
            create: inventory.map((row) => ({
              gpuTypeId: gpus.get(row.gpuTypeCode)!.id,
              installed: row.installed,
              maxAdditional: row.maxAdditional,
            })),
          },
        },
      });
    },
  }),
  updateSite: t.prismaField({
    type: 'Site',
    errors: { types: MUTATION_ERRORS },
    description: 'Changes the fields given; omitted fields keep their value, null clears an optional one.',
    args: { input: t.arg({ type: UpdateSiteInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { expectedUpdatedAt, ...fields } = args.input;
      const { code, ...changes } = validated(siteUpdateSchema.required({ code: true }), fields);
      const site = ctx.db.prisma.site;
      const updated = await updateIfUnchanged(
        {
          current: async () =>
            (await site.findUnique({ where: { code }, select: { updatedAt: true } }))?.updatedAt ?? null,
          write: async (expected, next) =>
            (await site.updateMany({ where: { code, updatedAt: expected }, data: { ...changes, updatedAt: next } }))
              .count,
        },
        expectedUpdatedAt,
      );
      if (updated.outcome === 'missing') throw new NotFoundError('Site', code);
      if (updated.outcome === 'changed')
        throw staleUpdateError('site', code, expectedUpdatedAt!, updated.currentUpdatedAt);
      return site.findUniqueOrThrow({ ...selection(query), where: { code } });
    },
  }),
}));

const DeleteSiteInput = builder.inputType('DeleteSiteInput', {
  fields: (t) => ({
    code: t.string({ required: true }),
    force: t.boolean({
      required: false,
      defaultValue: false,
      description: 'also delete its inventory (and latencies)',
    }),
  }),
});

builder.mutationField('deleteSite', (t) =>
  t.field({
    type: DeletedRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Deletes a site with its latencies; refuses while it has GPU inventory unless `force`.',
    args: { input: t.arg({ type: DeleteSiteInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const site = await ctx.db.prisma.site.findUnique({
        where: { code: input.code },
        select: { id: true, _count: { select: { inventory: true } } },
      });
      if (!site) throw new NotFoundError('Site', input.code);
      if (site._count.inventory > 0 && !input.force) {
        throw new ConflictError(
          `site "${input.code}" still has ${site._count.inventory} inventory row(s); set force: true to delete them too`,
        );
      }
      await ctx.db.prisma.site.delete({ where: { id: site.id } });
      return { code: input.code };
    },
  }),
);
