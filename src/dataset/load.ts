// One entry point for the importer, the CLI and start-up: read files, parse them
// (CSV or JSON), validate every record against schema.ts and cross-check the lot.

import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { FIXTURES_DIR } from '../paths.js';
import { checkDataset, type KnownCodes, type RecordLocator } from './check.js';
import { parseCsvFiles, type CsvFile } from './csv.js';
import { parseJsonDataset } from './json.js';
import { mergeDatasets } from './merge.js';
import type { Dataset } from './schema.js';
import type { DatasetIssue } from './types.js';

export interface DatasetInput {
  /** CSV files by base name, and/or `.json` files holding one JSON document each */
  files?: readonly CsvFile[];
  /** a JSON document already parsed */
  json?: unknown;
  /** codes already stored, which references may point to */
  known?: KnownCodes;
}

export interface ParsedDataset {
  dataset: Required<Dataset>;
  /** empty when the data set may be imported */
  issues: DatasetIssue[];
}

/**
 * Reads a data set from disk: a directory (its `.csv` files, or its one `.json`
 * file when it has no CSV), a single `.csv` file, or a `.json` file.
 */
export async function readDatasetFiles(pathToDirOrFile: string): Promise<CsvFile[]> {
  const info = await stat(pathToDirOrFile);
  if (info.isFile()) return [{ name: basename(pathToDirOrFile), text: await readFile(pathToDirOrFile, 'utf8') }];
  const names = (await readdir(pathToDirOrFile)).sort();
  const csv = names.filter((name) => extname(name).toLowerCase() === '.csv');
  const chosen = csv.length > 0 ? csv : names.filter((name) => extname(name).toLowerCase() === '.json');
  return Promise.all(chosen.map(async (name) => ({ name, text: await readFile(join(pathToDirOrFile, name), 'utf8') })));
}

function combinedLocator(locators: RecordLocator[]): RecordLocator {
  return (record, field) => {
    for (const locate of locators) {
      const found = locate(record, field);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

function union(...lists: (Iterable<string> | undefined)[]): string[] {
  const set = new Set<string>();
  for (const list of lists) for (const code of list ?? []) set.add(code);
  return [...set];
}

/** Parse + range validation + cross-checks. The data set holds only the records that passed validation. */
export function parseDataset(input: DatasetInput): ParsedDataset {
  const issues: DatasetIssue[] = [];
  const parts: Dataset[] = [];
  const locators: RecordLocator[] = [];
  const rejected: KnownCodes[] = [];

  const addJson = (document: unknown, prefix: string) => {
    const parsed = parseJsonDataset(document, prefix);
    parts.push(parsed.dataset);
    issues.push(...parsed.issues);
    locators.push(parsed.locate);
    rejected.push(parsed.rejectedCodes);
  };

  if (input.json !== undefined) addJson(input.json, '');
  const csvFiles: CsvFile[] = [];
  for (const file of input.files ?? []) {
    if (extname(file.name).toLowerCase() !== '.json') {
      csvFiles.push(file);
      continue;
    }
    const name = basename(file.name);
    let document: unknown;
    try {
      document = JSON.parse(file.text);
    } catch (error) {
      issues.push({ path: name, file: name, message: `is not valid JSON: ${(error as Error).message}` });
      continue;
    }
    addJson(document, input.json === undefined && (input.files ?? []).length === 1 ? '' : name);
  }
  if (csvFiles.length > 0) {
    const parsed = parseCsvFiles(csvFiles);
    parts.push(parsed.dataset);
    issues.push(...parsed.issues);
    locators.push(parsed.locate);
    rejected.push(parsed.rejectedCodes);
  }

  const dataset = mergeDatasets(...parts);
  const known = input.known ?? {};
  const knownPlusRejected: KnownCodes = {
    siteCodes: union(known.siteCodes, ...rejected.map((r) => r.siteCodes)),
    gpuTypeCodes: union(known.gpuTypeCodes, ...rejected.map((r) => r.gpuTypeCodes)),
    workloadClassCodes: union(known.workloadClassCodes, ...rejected.map((r) => r.workloadClassCodes)),
    regionCodes: union(known.regionCodes, ...rejected.map((r) => r.regionCodes)),
    modelCodes: union(known.modelCodes, ...rejected.map((r) => r.modelCodes)),
  };
  issues.push(...checkDataset(dataset, knownPlusRejected, combinedLocator(locators)));
  return { dataset, issues };
}

/** readDatasetFiles + parseDataset */
export async function loadDataset(pathToDirOrFile: string, known?: KnownCodes): Promise<ParsedDataset> {
  const files = await readDatasetFiles(pathToDirOrFile);
  return parseDataset(known === undefined ? { files } : { files, known });
}

/** The bundled fixtures (or another bundled data set, e.g. ONE_MODEL_FIXTURES_DIR), parsed and checked. */
export function loadFixtures(dir: string = FIXTURES_DIR): Promise<ParsedDataset> {
  return loadDataset(dir);
}
