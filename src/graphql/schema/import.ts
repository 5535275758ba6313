// importDataset: a whole data set (CSV files or one JSON document) validated
// first, then written all or nothing; re-importing the same data changes nothing.
import type { DatasetInput } from '../../dataset/load.js';
import type { ImportSummary, WriteCounts } from '../../db/dataset-store.js';
import { importDataset } from '../../db/import.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { ValidationError } from '../../errors.js';
import { MUTATION_ERRORS } from './common.js';

const WriteCountsRef = builder.objectRef<WriteCounts>('WriteCounts').implement({
  fields: (t) => ({
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    unchanged: t.exposeInt('unchanged'),
  }),
});

export const ImportSummaryRef = builder.objectRef<ImportSummary & { dryRun: boolean }>('ImportSummary').implement({
  description: 'What an import created, changed and found already equal, per kind of record.',
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'true when nothing was written (validation and counting only)' }),
    models: t.field({ type: WriteCountsRef, resolve: (s) => s.models }),
    workloadClasses: t.field({ type: WriteCountsRef, resolve: (s) => s.workloadClasses }),
    gpuTypes: t.field({ type: WriteCountsRef, resolve: (s) => s.gpuTypes }),
    gpuThroughputs: t.field({ type: WriteCountsRef, resolve: (s) => s.gpuThroughputs }),
    sites: t.field({ type: WriteCountsRef, resolve: (s) => s.sites }),
    inventory: t.field({ type: WriteCountsRef, resolve: (s) => s.inventory }),
    demandRegions: t.field({ type: WriteCountsRef, resolve: (s) => s.demandRegions }),
    demand: t.field({ type: WriteCountsRef, resolve: (s) => s.demand }),
    latencies: t.field({ type: WriteCountsRef, resolve: (s) => s.latencies }),
    warnings: t.exposeStringList('warnings', {
      description:
        'what the data now asks that may not be meant, e.g. demand of DEFAULT (data without models) beside named models; the import is written all the same',
    }),
  }),
});

/** Runs an import and turns its problems into a ValidationError whose paths start at `pathPrefix`. */
export async function importDatasetRecords(ctx: Context, json: unknown, pathPrefix: string, dryRun: boolean) {
  return runImport(ctx, { json }, pathPrefix, dryRun);
}

async function runImport(ctx: Context, input: DatasetInput, pathPrefix: string, dryRun: boolean) {
  const outcome = await importDataset(ctx.db, input, { dryRun });
  if (!outcome.ok) {
    throw new ValidationError(
      outcome.issues.map((issue) => ({
        path: input.files ? issue.path : `${pathPrefix}.${issue.path}`,
        message: issue.message,
      })),
    );
  }
  return { ...outcome.summary, dryRun: outcome.dryRun };
}

const CsvFileInput = builder.inputType('CsvFileInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'e.g. sites.csv, latencies.csv (the fixture file names)' }),
    text: t.string({ required: true }),
  }),
});

const ImportDatasetInput = builder.inputType('ImportDatasetInput', {
  description: 'Either `json` (one document) or `files` (CSV files), not both.',
  fields: (t) => ({
    json: t.field({
      type: 'JSON',
      required: false,
      description: '{ workloadClasses, gpuTypes, sites, demandRegions, latencies }',
    }),
    files: t.field({ type: [CsvFileInput], required: false }),
    dryRun: t.boolean({ required: false, defaultValue: false, description: 'validate and count, write nothing' }),
  }),
});

builder.mutationField('importDataset', (t) =>
  t.field({
    type: ImportSummaryRef,
    errors: { types: MUTATION_ERRORS },
    description: 'Imports sites, GPU types, classes, regions, demand and latencies; upserts by code, all or nothing.',
    args: { input: t.arg({ type: ImportDatasetInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const hasJson = input.json !== undefined && input.json !== null;
      const hasFiles = (input.files?.length ?? 0) > 0;
      if (hasJson === hasFiles) {
        throw new ValidationError([{ path: 'input', message: 'give exactly one of json or files' }]);
      }
      return hasJson
        ? runImport(ctx, { json: input.json }, 'input.json', input.dryRun ?? false)
        : runImport(ctx, { files: input.files ?? [] }, 'input.files', input.dryRun ?? false);
    },
  }),
);
