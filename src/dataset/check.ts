// Cross-record checks on a parsed data set: duplicates, references between
// records, and the few rules that span a whole list. Returns every issue found.

import { isIsoCountryCode } from './countries.js';
import { DEFAULT_MODEL_CODE } from '../optimizer/types.js';
import { profileMeanMessage, type Dataset } from './schema.js';
import type { DatasetIssue } from './types.js';

/** Codes already stored (the database supplies them) that references may point to. */
export interface KnownCodes {
  siteCodes?: Iterable<string>;
  gpuTypeCodes?: Iterable<string>;
  workloadClassCodes?: Iterable<string>;
  regionCodes?: Iterable<string>;
  modelCodes?: Iterable<string>;
}

export type IssueLocation = Omit<DatasetIssue, 'message'>;

/**
 * Where a record's field came from when the parser knows better than a JSON path
 * (the CSV parser answers `sites.csv:12 code`); undefined → the JSON path is used.
 */
export type RecordLocator = (record: object, field: string) => IssueLocation | undefined;

interface Context {
  issues: DatasetIssue[];
  locate: RecordLocator | undefined;
}

function where(ctx: Context, record: object, jsonPath: string, field: string): IssueLocation {
  return ctx.locate?.(record, field) ?? { path: `${jsonPath}.${field}` };
}

function report(ctx: Context, record: object, jsonPath: string, field: string, message: string): void {
  ctx.issues.push({ ...where(ctx, record, jsonPath, field), message });
}

interface Located<T> {
  record: T;
  path: string;
}

function checkDuplicates<T extends object>(
  ctx: Context,
  items: readonly Located<T>[],
  key: (record: T) => string,
  field: string,
  describe: (record: T) => string,
): void {
  const first = new Map<string, Located<T>>();
  for (const item of items) {
    const k = key(item.record);
    const earlier = first.get(k);
    if (earlier === undefined) {
      first.set(k, item);
      continue;
    }
    const earlierAt = where(ctx, earlier.record, earlier.path, field).path;
    report(ctx, item.record, item.path, field, `duplicate ${describe(item.record)} (first at ${earlierAt})`);
  }
}

/**
 * Child rows given both nested in their parent and in the detached section
 * (the same pair twice): one would overwrite the other, so both places are named.
 */
function checkNestedAgainstDetached<P extends object, C extends object, D extends object>(
  ctx: Context,
  parents: { records: readonly P[]; path: string; children: (parent: P) => readonly C[]; childKey: string },
  detached: { records: readonly D[]; path: string },
  key: { nested: (parent: P, child: C) => string; detached: (row: D) => string },
  field: string,
  describe: (row: D) => string,
): void {
  const nested = new Map<string, Located<C>>();
  parents.records.forEach((parent, i) =>
    parents.children(parent).forEach((child, j) => {
      const k = key.nested(parent, child);
      if (!nested.has(k)) nested.set(k, { record: child, path: `${parents.path}[${i}].${parents.childKey}[${j}]` });
    }),
  );
  detached.records.forEach((row, index) => {
    const inParent = nested.get(key.detached(row));
    if (inParent === undefined) return;
    const nestedAt = where(ctx, inParent.record, inParent.path, field).path;
    const detachedAt = where(ctx, row, `${detached.path}[${index}]`, field).path;
    report(ctx, row, `${detached.path}[${index}]`, field, `${nestedAt} and ${detachedAt} both give ${describe(row)}`);
  });
}

const pair = (a: string, b: string) => `${a}\u0000${b}`;
const triple = (a: string, b: string, c: string) => `${a}\u0000${b}\u0000${c}`;

/** `GPU type X` → `GPU type X, model M`: the DEFAULT model is left unsaid, as before models existed. */
const withModel = (text: string, modelCode: string) =>
  modelCode === DEFAULT_MODEL_CODE ? text : `${text}, model ${modelCode}`;

function located<T>(records: readonly T[], path: string): Located<T>[] {
  return records.map((record, index) => ({ record, path: `${path}[${index}]` }));
}

function codeSet(imported: readonly { code: string }[], known: Iterable<string> | undefined): Set<string> {
  const set = new Set<string>(known ?? []);
  for (const record of imported) set.add(record.code);
  return set;
}

/**
 * Checks a parsed data set as a whole. `known` holds codes already stored, so that
 * child rows and latencies may refer to records that are not in this import.
 */
export function checkDataset(dataset: Dataset, known: KnownCodes = {}, locate?: RecordLocator): DatasetIssue[] {
  const ctx: Context = { issues: [], locate };
  const gpuThroughputs = dataset.gpuThroughputs ?? [];
  const siteInventory = dataset.siteInventory ?? [];
  const demands = dataset.demands ?? [];
  const models = dataset.models ?? [];

  // Duplicate codes within one import
  const byCode = (r: { code: string }) => r.code;
  checkDuplicates(ctx, located(models, 'models'), byCode, 'code', (r) => `model code "${r.code}"`);
  checkDuplicates(
    ctx,
    located(dataset.workloadClasses, 'workloadClasses'),
    byCode,
    'code',
    (r) => `workload class code "${r.code}"`,
  );
  checkDuplicates(ctx, located(dataset.gpuTypes, 'gpuTypes'), byCode, 'code', (r) => `GPU type code "${r.code}"`);
  checkDuplicates(ctx, located(dataset.sites, 'sites'), byCode, 'code', (r) => `site code "${r.code}"`);
  checkDuplicates(
    ctx,
    located(dataset.demandRegions, 'demandRegions'),
    byCode,
    'code',
    (r) => `demand region code "${r.code}"`,
  );

  // Duplicate child rows: nested ones by parent, detached ones by (parent, child) pair
  dataset.gpuTypes.forEach((gpu, i) =>
    checkDuplicates(
      ctx,
      located(gpu.throughputs, `gpuTypes[${i}].throughputs`),
      (t) => pair(t.modelCode, t.workloadClassCode),
      'workloadClassCode',
      (t) =>
        `throughput for ${withModel(`GPU type ${gpu.code}`, t.modelCode)} and workload class ${t.workloadClassCode}`,
    ),
  );
  dataset.sites.forEach((site, i) =>
    checkDuplicates(
      ctx,
      located(site.inventory, `sites[${i}].inventory`),
      (r) => r.gpuTypeCode,
      'gpuTypeCode',
      (r) => `inventory row for site ${site.code} and GPU type ${r.gpuTypeCode}`,
    ),
  );
  dataset.demandRegions.forEach((region, i) =>
    checkDuplicates(
      ctx,
      located(region.demand, `demandRegions[${i}].demand`),
      (d) => pair(d.modelCode, d.workloadClassCode),
      'workloadClassCode',
      (d) =>
        `demand row for ${withModel(`region ${region.code}`, d.modelCode)} and workload class ${d.workloadClassCode}`,
    ),
  );
  checkDuplicates(
    ctx,
    located(gpuThroughputs, 'gpuThroughputs'),
    (t) => triple(t.gpuTypeCode, t.modelCode, t.workloadClassCode),
    'workloadClassCode',
    (t) =>
      `throughput for ${withModel(`GPU type ${t.gpuTypeCode}`, t.modelCode)} and workload class ${t.workloadClassCode}`,
  );
  checkDuplicates(
    ctx,
    located(siteInventory, 'siteInventory'),
    (r) => `${r.siteCode}\u0000${r.gpuTypeCode}`,
    'gpuTypeCode',
    (r) => `inventory row for site ${r.siteCode} and GPU type ${r.gpuTypeCode}`,
  );
  checkDuplicates(
    ctx,
    located(demands, 'demands'),
    (d) => triple(d.regionCode, d.modelCode, d.workloadClassCode),
    'workloadClassCode',
    (d) =>
      `demand row for ${withModel(`region ${d.regionCode}`, d.modelCode)} and workload class ${d.workloadClassCode}`,
  );
  checkDuplicates(
    ctx,
    located(dataset.latencies, 'latencies'),
    (l) => `${l.siteCode}\u0000${l.regionCode}`,
    'regionCode',
    (l) => `latency for site ${l.siteCode} and region ${l.regionCode}`,
  );

  // The same child row nested in its parent and again in the detached section
  checkNestedAgainstDetached(
    ctx,
    { records: dataset.gpuTypes, path: 'gpuTypes', children: (gpu) => gpu.throughputs, childKey: 'throughputs' },
    { records: gpuThroughputs, path: 'gpuThroughputs' },
    {
      nested: (gpu, t) => triple(gpu.code, t.modelCode, t.workloadClassCode),
      detached: (t) => triple(t.gpuTypeCode, t.modelCode, t.workloadClassCode),
    },
    'workloadClassCode',
    (t) =>
      `the throughput of ${withModel(`GPU type ${t.gpuTypeCode}`, t.modelCode)} for workload class ${t.workloadClassCode}`,
  );
  checkNestedAgainstDetached(
    ctx,
    { records: dataset.sites, path: 'sites', children: (site) => site.inventory, childKey: 'inventory' },
    { records: siteInventory, path: 'siteInventory' },
    { nested: (site, r) => pair(site.code, r.gpuTypeCode), detached: (r) => pair(r.siteCode, r.gpuTypeCode) },
    'gpuTypeCode',
    (r) => `the inventory of site ${r.siteCode}, GPU type ${r.gpuTypeCode}`,
  );
  checkNestedAgainstDetached(
    ctx,
    { records: dataset.demandRegions, path: 'demandRegions', children: (region) => region.demand, childKey: 'demand' },
    { records: demands, path: 'demands' },
    {
      nested: (region, d) => triple(region.code, d.modelCode, d.workloadClassCode),
      detached: (d) => triple(d.regionCode, d.modelCode, d.workloadClassCode),
    },
    'workloadClassCode',
    (d) =>
      `the demand of ${withModel(`region ${d.regionCode}`, d.modelCode)} for workload class ${d.workloadClassCode}`,
  );

  // References: to the import or to what is already stored
  const sites = codeSet(dataset.sites, known.siteCodes);
  const gpuTypes = codeSet(dataset.gpuTypes, known.gpuTypeCodes);
  const classes = codeSet(dataset.workloadClasses, known.workloadClassCodes);
  const regions = codeSet(dataset.demandRegions, known.regionCodes);
  // DEFAULT is always there: the importer creates it when a row uses it and no one lists it
  const modelSet = codeSet(models, known.modelCodes).add(DEFAULT_MODEL_CODE);
  const ref = (set: Set<string>, noun: string, record: object, path: string, field: string, code: string) => {
    if (!set.has(code))
      report(ctx, record, path, field, `unknown ${noun} "${code}": not in this import nor already stored`);
  };

  dataset.gpuTypes.forEach((gpu, i) =>
    gpu.throughputs.forEach((t, j) => {
      ref(modelSet, 'model', t, `gpuTypes[${i}].throughputs[${j}]`, 'modelCode', t.modelCode);
      ref(classes, 'workload class', t, `gpuTypes[${i}].throughputs[${j}]`, 'workloadClassCode', t.workloadClassCode);
    }),
  );
  dataset.sites.forEach((site, i) =>
    site.inventory.forEach((r, j) =>
      ref(gpuTypes, 'GPU type', r, `sites[${i}].inventory[${j}]`, 'gpuTypeCode', r.gpuTypeCode),
    ),
  );
  dataset.demandRegions.forEach((region, i) =>
    region.demand.forEach((d, j) => {
      ref(modelSet, 'model', d, `demandRegions[${i}].demand[${j}]`, 'modelCode', d.modelCode);
      ref(classes, 'workload class', d, `demandRegions[${i}].demand[${j}]`, 'workloadClassCode', d.workloadClassCode);
    }),
  );
  models.forEach((m, i) => {
    m.allowedSites.forEach((code, j) => {
      if (!sites.has(code))
        report(
          ctx,
          m,
          `models[${i}]`,
          'allowedSites',
          `lists unknown site "${code}" (at [${j}]): not in this import nor already stored`,
        );
    });
  });
  dataset.latencies.forEach((l, i) => {
    ref(sites, 'site', l, `latencies[${i}]`, 'siteCode', l.siteCode);
    ref(regions, 'demand region', l, `latencies[${i}]`, 'regionCode', l.regionCode);
  });
  gpuThroughputs.forEach((t, i) => {
    ref(gpuTypes, 'GPU type', t, `gpuThroughputs[${i}]`, 'gpuTypeCode', t.gpuTypeCode);
    ref(modelSet, 'model', t, `gpuThroughputs[${i}]`, 'modelCode', t.modelCode);
    ref(classes, 'workload class', t, `gpuThroughputs[${i}]`, 'workloadClassCode', t.workloadClassCode);
  });
  siteInventory.forEach((r, i) => {
    ref(sites, 'site', r, `siteInventory[${i}]`, 'siteCode', r.siteCode);
    ref(gpuTypes, 'GPU type', r, `siteInventory[${i}]`, 'gpuTypeCode', r.gpuTypeCode);
  });
  demands.forEach((d, i) => {
    ref(regions, 'demand region', d, `demands[${i}]`, 'regionCode', d.regionCode);
    ref(modelSet, 'model', d, `demands[${i}]`, 'modelCode', d.modelCode);
    ref(classes, 'workload class', d, `demands[${i}]`, 'workloadClassCode', d.workloadClassCode);
  });

  // List-wide rules, repeated here for data sets built by hand rather than parsed
  dataset.workloadClasses.forEach((c, i) => {
    const message = profileMeanMessage(c.hourlyDemandProfile);
    if (message !== null) report(ctx, c, `workloadClasses[${i}]`, 'hourlyDemandProfile', message);
  });
  const checkCountries = (record: { allowedCountries: string[] }, path: string) => {
    const seen = new Set<string>();
    for (const country of record.allowedCountries) {
      if (!isIsoCountryCode(country)) {
        report(
          ctx,
          record,
          path,
          'allowedCountries',
          `lists "${country}", which is not an ISO 3166-1 alpha-2 country code`,
        );
      } else if (seen.has(country)) {
        report(ctx, record, path, 'allowedCountries', `lists ${country} twice`);
      }
      seen.add(country);
    }
  };
  dataset.demandRegions.forEach((region, i) => checkCountries(region, `demandRegions[${i}]`));
  models.forEach((m, i) => checkCountries(m, `models[${i}]`));

  return ctx.issues;
}
