// The JSON form of a data set: one document
// `{ models?, workloadClasses?, gpuTypes?, sites?, demandRegions?, latencies? }` with children
// nested (`throughputs`, `inventory`, `demand`) exactly as in the schemas of
// schema.ts, plus the optional detached sections (`gpuThroughputs`, `siteInventory`,
// `demands`) for child rows whose parent is already stored. Fields with a default
// in their schema may be omitted.

import type { z } from 'zod';
import { emptyDataset } from './merge.js';
import {
  CODE_PATTERN,
  demandRegionSchema,
  detachedDemandSchema,
  detachedInventorySchema,
  detachedThroughputSchema,
  gpuTypeSchema,
  latencySchema,
  modelSchema,
  siteSchema,
  workloadClassSchema,
  zodIssuesToDatasetIssues,
  type Dataset,
} from './schema.js';
import type { DatasetIssue } from './types.js';
import type { KnownCodes, RecordLocator } from './check.js';

interface SectionSpec {
  schema: z.ZodType;
  rejectedInto?: keyof KnownCodes;
}

const SECTIONS = {
  models: { schema: modelSchema, rejectedInto: 'modelCodes' },
  workloadClasses: { schema: workloadClassSchema, rejectedInto: 'workloadClassCodes' },
  gpuTypes: { schema: gpuTypeSchema, rejectedInto: 'gpuTypeCodes' },
  sites: { schema: siteSchema, rejectedInto: 'siteCodes' },
  demandRegions: { schema: demandRegionSchema, rejectedInto: 'regionCodes' },
  latencies: { schema: latencySchema },
  gpuThroughputs: { schema: detachedThroughputSchema },
  siteInventory: { schema: detachedInventorySchema },
  demands: { schema: detachedDemandSchema },
} satisfies Record<keyof Required<Dataset>, SectionSpec>;

export const JSON_SECTIONS: readonly string[] = Object.keys(SECTIONS);

export interface ParsedJson {
  dataset: Required<Dataset>;
  issues: DatasetIssue[];
  /** codes of parent records refused by validation: references to them are not reported again */
  rejectedCodes: Required<{ [K in keyof KnownCodes]: string[] }>;
  /** the document path of any record in `dataset` (refused records leave gaps in the lists) */
  locate: RecordLocator;
}

const CHILD_KEYS = ['throughputs', 'inventory', 'demand'] as const;

/** Validates a JSON document (already parsed) into a data set; issues carry JSON paths such as `sites[3].pricePerKwh`. */
export function parseJsonDataset(json: unknown, pathPrefix = ''): ParsedJson {
  const issues: DatasetIssue[] = [];
  const dataset = emptyDataset();
  const rejectedCodes = {
    siteCodes: [] as string[],
    gpuTypeCodes: [] as string[],
    workloadClassCodes: [] as string[],
    regionCodes: [] as string[],
    modelCodes: [] as string[],
  };
  const at = (key: string) => (pathPrefix === '' ? key : `${pathPrefix}.${key}`);
  const paths = new WeakMap<object, string>();
  const locate: RecordLocator = (record, field) => {
    const path = paths.get(record);
    return path === undefined ? undefined : { path: `${path}.${field}` };
  };

  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    issues.push({
      path: pathPrefix === '' ? '(document)' : pathPrefix,
      message: 'must be an object with models, workloadClasses, gpuTypes, sites, demandRegions and/or latencies',
    });
    return { dataset, issues, rejectedCodes, locate };
  }
  const document = json as Record<string, unknown>;
  for (const key of Object.keys(document)) {
    // own keys only: `constructor`, `toString` and `__proto__` are `in` every object
    if (!Object.hasOwn(SECTIONS, key))
      issues.push({ path: at(key), message: `is not a known section (expected one of ${JSON_SECTIONS.join(', ')})` });
  }
  for (const [section, spec] of Object.entries(SECTIONS) as [keyof typeof SECTIONS, SectionSpec][]) {
    const raw = document[section];
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) {
      issues.push({ path: at(section), message: 'must be a list' });
      continue;
    }
    const out = dataset[section] as unknown[];
    raw.forEach((item, index) => {
      const result = spec.schema.safeParse(item);
      if (result.success) {
        const record = result.data as Record<string, unknown>;
        const path = `${at(section)}[${index}]`;
        paths.set(record, path);
        for (const key of CHILD_KEYS) {
          const children = record[key];
          if (Array.isArray(children)) children.forEach((child: object, j) => paths.set(child, `${path}.${key}[${j}]`));
        }
        out.push(record);
        return;
      }
      issues.push(...zodIssuesToDatasetIssues(result.error, `${at(section)}[${index}]`));
      const code = (item as { code?: unknown } | null)?.code;
      if (spec.rejectedInto !== undefined && typeof code === 'string' && CODE_PATTERN.test(code.trim())) {
        rejectedCodes[spec.rejectedInto].push(code.trim());
      }
    });
  }
  return { dataset, issues, rejectedCodes, locate };
}
