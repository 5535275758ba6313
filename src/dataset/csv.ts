// The CSV form of a data set: one file per record type, recognised by base name,
// a header row of snake_case columns mapping 1:1 to the camelCase fields of the
// record's schema (schema.ts, in its order), `;` between the values of a list
// cell, and an empty cell for null / an empty list / the field's default. How a
// cell is read and whether its column is required both come from the schema.

import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { IssueLocation, KnownCodes, RecordLocator } from './check.js';
import { emptyDataset } from './merge.js';
import {
  CODE_PATTERN,
  demandRegionRowSchema,
  detachedDemandSchema,
  detachedInventorySchema,
  detachedThroughputSchema,
  gpuTypeRowSchema,
  isOptionalField,
  latencySchema,
  modelSchema,
  siteRowSchema,
  workloadClassSchema,
  type Dataset,
  type DemandRegionRecord,
  type DetachedDemandRecord,
  type DetachedInventoryRecord,
  type DetachedThroughputRecord,
  type GpuTypeRecord,
  type LatencyRecord,
  type ModelRecord,
  type SiteRecord,
  type WorkloadClassRecord,
} from './schema.js';
import type { DatasetIssue } from './types.js';

export interface CsvFile {
  name: string;
  text: string;
}

/** How a cell is read before validation: text as is, a number, or a `;`-separated list. */
type CellKind = 'text' | 'number' | 'numberList' | 'textList';

interface FileSpec {
  fileName: string;
  /** one row, without children: its shape gives the columns, in order */
  schema: z.ZodObject;
}

interface Column {
  field: string;
  kind: CellKind;
  /** may be left out (no column, or an empty cell): the schema's default applies */
  optional: boolean;
}

export function columnName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The type a cell holds before validation: defaults, nulls and transforms unwrapped. */
function cellKind(schema: z.ZodType): CellKind {
  let inner = schema;
  for (;;) {
    if (inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
    else break;
  }
  if (inner instanceof z.ZodNumber) return 'number';
  if (inner instanceof z.ZodArray) return cellKind(inner.element as z.ZodType) === 'number' ? 'numberList' : 'textList';
  return 'text';
}

function columnsOf(spec: FileSpec): Column[] {
  return Object.entries(spec.schema.shape as Record<string, z.ZodType>).map(([field, schema]) => ({
    field,
    kind: cellKind(schema),
    optional: isOptionalField(schema),
  }));
}

const SPECS = {
  models: { fileName: 'models.csv', schema: modelSchema },
  workloadClasses: { fileName: 'workload-classes.csv', schema: workloadClassSchema },
  gpuTypes: { fileName: 'gpu-types.csv', schema: gpuTypeRowSchema },
  gpuThroughputs: { fileName: 'gpu-throughputs.csv', schema: detachedThroughputSchema },
  sites: { fileName: 'sites.csv', schema: siteRowSchema },
  siteInventory: { fileName: 'site-inventory.csv', schema: detachedInventorySchema },
  demandRegions: { fileName: 'demand-regions.csv', schema: demandRegionRowSchema },
  demands: { fileName: 'demand.csv', schema: detachedDemandSchema },
  latencies: { fileName: 'latencies.csv', schema: latencySchema },
} satisfies Record<string, FileSpec>;

type Section = keyof typeof SPECS;

export const CSV_FILE_NAMES: readonly string[] = Object.values(SPECS).map((spec) => spec.fileName);

/** The columns a CSV file of this name has, in order, and which of them are required. */
export function csvColumns(fileName: string): { column: string; required: boolean }[] | undefined {
  const spec: FileSpec | undefined = Object.values(SPECS).find((s) => s.fileName === fileName);
  if (spec === undefined) return undefined;
  return columnsOf(spec).map(({ field, optional }) => ({ column: columnName(field), required: !optional }));
}

function baseName(name: string): string {
  const parts = name.split(/[\\/]/);
  return parts[parts.length - 1] ?? name;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Source {
  file: string;
  line: number;
}

export interface ParsedCsv {
  dataset: Required<Dataset>;
  issues: DatasetIssue[];
  /** file, line and column of any record in `dataset`, for the cross-check's issues */
  locate: RecordLocator;
  /** codes of parent rows refused by validation: references to them are not reported again */
  rejectedCodes: Required<{ [K in keyof KnownCodes]: string[] }>;
}

function location(source: Source, column: string): IssueLocation {
  return { path: `${source.file}:${source.line} ${column}`, file: source.file, row: source.line, field: column };
}

interface ParsedRow {
  value: Record<string, unknown>;
  source: Source;
}

/** Reads one file into validated row objects (camelCase fields). */
function readFile(
  file: CsvFile,
  fileName: string,
  spec: FileSpec,
  issues: DatasetIssue[],
  rejected: string[],
): ParsedRow[] {
  const fileIssue = (line: number | undefined, column: string | undefined, message: string) =>
    issues.push({
      path: `${fileName}${line === undefined ? '' : `:${line}`}${column === undefined ? '' : ` ${column}`}`,
      file: fileName,
      ...(line === undefined ? {} : { row: line }),
      ...(column === undefined ? {} : { field: column }),
      message,
    });

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(file.text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    fileIssue(line, undefined, `is not valid CSV: ${(error as Error).message}`);
    return [];
  }
  const [header, ...body] = records;
  if (header === undefined) {
    fileIssue(undefined, undefined, 'is empty: expected a header row');
    return [];
  }

  // Header: known columns only, each once, every required one present
  const columnToField = new Map(columnsOf(spec).map((column) => [columnName(column.field), column]));
  const columns = header.record.map((c) => c.trim());
  const fieldAt: (Column | undefined)[] = [];
  const seen = new Set<string>();
  let headerOk = true;
  columns.forEach((column) => {
    const known = columnToField.get(column);
    if (known === undefined) {
      fileIssue(1, column, `unknown column (expected: ${[...columnToField.keys()].join(', ')})`);
      headerOk = false;
    } else if (seen.has(column)) {
      fileIssue(1, column, 'column appears twice');
      headerOk = false;
    }
    seen.add(column);
    fieldAt.push(known);
  });
  for (const [column, known] of columnToField) {
    if (!seen.has(column) && !known.optional) {
      fileIssue(1, column, 'missing required column');
      headerOk = false;
    }
  }
  if (!headerOk) return [];

  const rows: ParsedRow[] = [];
  for (const { record, info } of body) {
    // info.lines is the record's last line; quoted line breaks push it past the first
    const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const source: Source = { file: fileName, line: info.lines - breaks };
    if (record.length !== columns.length) {
      fileIssue(source.line, undefined, `has ${record.length} fields but the header has ${columns.length}`);
      continue;
    }
    const value: Record<string, unknown> = {};
    const unreadable = new Set<string>();
    record.forEach((rawCell, index) => {
      const known = fieldAt[index];
      if (known === undefined) return;
      const { field, kind } = known;
      const column = columns[index] ?? field;
      const cell = rawCell.trim();
      if (cell === '') {
        // left to the default; a required text is read as empty (`must not be empty`), a number as missing
        value[field] = !known.optional && kind === 'text' ? '' : undefined;
        return;
      }
      switch (kind) {
        case 'text':
          value[field] = rawCell;
          return;
        case 'number':
          if (NUMBER.test(cell)) value[field] = Number(cell);
          else {
            unreadable.add(field);
            fileIssue(source.line, column, `must be a number (got ${JSON.stringify(cell)})`);
          }
          return;
        case 'numberList': {
          const items = cell.split(';').map((item) => item.trim());
          items.forEach((item, i) => {
            if (!NUMBER.test(item)) {
              unreadable.add(field);
              fileIssue(source.line, `${column}[${i}]`, `must be a number (got ${JSON.stringify(item)})`);
            }
          });
          value[field] = items.map(Number);
          return;
        }
        case 'textList':
          value[field] = cell.split(';').map((item) => item.trim());
          return;
        default:
          return;
      }
    });
    const result = spec.schema.safeParse(value);
    if (result.success) {
      rows.push({ value: result.data as Record<string, unknown>, source });
      continue;
    }
    for (const issue of result.error.issues) {
      const [field, ...rest] = issue.path;
      if (typeof field !== 'string' || unreadable.has(field)) continue;
      const column = columnName(field) + rest.map((segment) => `[${String(segment)}]`).join('');
      fileIssue(source.line, column, issue.message);
    }
    const code = typeof value.code === 'string' ? value.code.trim() : '';
    if (CODE_PATTERN.test(code)) rejected.push(code);
  }
  return rows;
}

/**
 * Parses any subset of the nine CSV files. Child rows (throughputs, inventory,
 * demand) are nested into their parent when the parent is in the same import and
 * kept in the detached sections otherwise, for the importer to attach to stored parents.
 */
export function parseCsvFiles(files: readonly CsvFile[]): ParsedCsv {
  const issues: DatasetIssue[] = [];
  const dataset = emptyDataset();
  const sources = new WeakMap<object, Source>();
  const rejectedCodes = {
    siteCodes: [] as string[],
    gpuTypeCodes: [] as string[],
    workloadClassCodes: [] as string[],
    regionCodes: [] as string[],
    modelCodes: [] as string[],
  };
  const rows = new Map<Section, ParsedRow[]>();
  const given = new Set<string>();

  for (const file of files) {
    const fileName = baseName(file.name);
    const entry = (Object.entries(SPECS) as [Section, FileSpec][]).find(([, spec]) => spec.fileName === fileName);
    if (entry === undefined) {
      issues.push({
        path: fileName,
        file: fileName,
        message: `unknown file name (expected one of ${CSV_FILE_NAMES.join(', ')})`,
      });
      continue;
    }
    if (given.has(fileName)) {
      issues.push({ path: fileName, file: fileName, message: 'file given twice' });
      continue;
    }
    given.add(fileName);
    const [section, spec] = entry;
    const rejected =
      section === 'sites'
        ? rejectedCodes.siteCodes
        : section === 'gpuTypes'
          ? rejectedCodes.gpuTypeCodes
          : section === 'workloadClasses'
            ? rejectedCodes.workloadClassCodes
            : section === 'demandRegions'
              ? rejectedCodes.regionCodes
              : section === 'models'
                ? rejectedCodes.modelCodes
                : [];
    rows.set(section, readFile(file, fileName, spec, issues, rejected));
  }

  const take = <T extends object>(section: Section): T[] =>
    (rows.get(section) ?? []).map(({ value, source }) => {
      sources.set(value, source);
      return value as T;
    });

  dataset.models = take<ModelRecord>('models');
  dataset.workloadClasses = take<WorkloadClassRecord>('workloadClasses');
  dataset.latencies = take<LatencyRecord>('latencies');
  dataset.gpuTypes = take<Omit<GpuTypeRecord, 'throughputs'>>('gpuTypes').map((g) => ({ ...g, throughputs: [] }));
  dataset.sites = take<Omit<SiteRecord, 'inventory'>>('sites').map((s) => ({ ...s, inventory: [] }));
  dataset.demandRegions = take<Omit<DemandRegionRecord, 'demand'>>('demandRegions').map((r) => ({ ...r, demand: [] }));
  // keep the parents' sources on the copies
  for (const [list, section] of [
    [dataset.gpuTypes, 'gpuTypes'],
    [dataset.sites, 'sites'],
    [dataset.demandRegions, 'demandRegions'],
  ] as const) {
    list.forEach((record, i) => {
      const row = rows.get(section)?.[i];
      if (row !== undefined) sources.set(record, row.source);
    });
  }

  // The first parent of a code receives its children (a duplicate is reported by the cross-check)
  const firstByCode = <T extends { code: string }>(list: T[]) => {
    const map = new Map<string, T>();
    for (const record of list) if (!map.has(record.code)) map.set(record.code, record);
    return map;
  };
  const gpuByCode = firstByCode(dataset.gpuTypes);
  const siteByCode = firstByCode(dataset.sites);
  const regionByCode = firstByCode(dataset.demandRegions);

  for (const t of take<DetachedThroughputRecord>('gpuThroughputs')) {
    const parent = gpuByCode.get(t.gpuTypeCode);
    if (parent === undefined) dataset.gpuThroughputs.push(t);
    else {
      const { gpuTypeCode: _parent, ...child } = t;
      sources.set(child, sources.get(t) as Source);
      parent.throughputs.push(child);
    }
  }
  for (const r of take<DetachedInventoryRecord>('siteInventory')) {
    const parent = siteByCode.get(r.siteCode);
    if (parent === undefined) dataset.siteInventory.push(r);
    else {
      const { siteCode: _parent, ...child } = r;
      sources.set(child, sources.get(r) as Source);
      parent.inventory.push(child);
    }
  }
  for (const d of take<DetachedDemandRecord>('demands')) {
    const parent = regionByCode.get(d.regionCode);
    if (parent === undefined) dataset.demands.push(d);
    else {
      const { regionCode: _parent, ...child } = d;
      sources.set(child, sources.get(d) as Source);
      parent.demand.push(child);
    }
  }

  const locate: RecordLocator = (record, field) => {
    const source = sources.get(record);
    return source === undefined ? undefined : location(source, columnName(field));
  };
  return { dataset, issues, locate, rejectedCodes };
}
