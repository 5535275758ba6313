// The latency matrix: network round-trip time from each site to each demand region.
import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import { checkPageSize, LatencyMethodEnum, MUTATION_ERRORS, selection } from './common.js';
import { importDatasetRecords, ImportSummaryRef } from './import.js';

builder.prismaObject('Latency', {
  description: 'Round-trip time between a site and a demand region.',
  fields: (t) => ({
    site: t.relation('site'),
    region: t.relation('region'),
    rttMs: t.exposeFloat('rttMs'),
    method: t.expose('method', { type: LatencyMethodEnum }),
    greatCircleKm: t.exposeFloat('greatCircleKm', { nullable: true }),
    source: t.exposeString('source', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('latencies', (t) =>
  t.prismaConnection(
    {
      type: 'Latency',
      cursor: 'id',
      description: 'Rows of the latency matrix, by site code then region code; empty lists mean all.',
      args: {
        siteCodes: t.arg.stringList({ required: false }),
        regionCodes: t.arg.stringList({ required: false }),
      },
      maxSize: checkPageSize,
      resolve: (query, _root, args, ctx) => {
        return ctx.db.prisma.latency.findMany({
          ...selection(query),
          where: latencyWhere(args),
          orderBy: [{ site: { code: 'asc' } }, { region: { code: 'asc' } }, { id: 'asc' }],
        });
      },
      totalCount: (_parent, args, ctx) => ctx.db.prisma.latency.count({ where: latencyWhere(args) }),
    },
    {},
  ),
);

function latencyWhere(args: { siteCodes?: string[] | null; regionCodes?: string[] | null }): Prisma.LatencyWhereInput {
  return {
    ...(args.siteCodes?.length ? { site: { code: { in: args.siteCodes } } } : {}),
    ...(args.regionCodes?.length ? { region: { code: { in: args.regionCodes } } } : {}),
  };
}

const LatencyInput = builder.inputType('LatencyInput', {
  fields: (t) => ({
    siteCode: t.string({ required: true }),
    regionCode: t.string({ required: true }),
    rttMs: t.float({ required: true }),
    method: t.field({ type: LatencyMethodEnum, required: true }),
    greatCircleKm: t.float({ required: false }),
    source: t.string({ required: false }),
  }),
});

const SetLatenciesInput = builder.inputType('SetLatenciesInput', {
  fields: (t) => ({ latencies: t.field({ type: [LatencyInput], required: true }) }),
});

builder.mutationField('setLatencies', (t) =>
  t.field({
    type: ImportSummaryRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Upserts many site × region round-trip times at once, all or nothing.',
    args: { input: t.arg({ type: SetLatenciesInput, required: true }) },
    resolve: (_root, { input }, ctx) => importDatasetRecords(ctx, { latencies: input.latencies }, 'input', false),
  }),
);
