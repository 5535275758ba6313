// The one way data gets in — GraphQL `importDataset`, `setLatencies`, the CLI's
// `tokengrid import`, and the first-start seeding of the fixtures all come here:
// parse, validate everything (reporting every problem), then write all or nothing.
import { parseDataset, type DatasetInput } from '../dataset/load.js';
import type { DatasetIssue } from '../dataset/types.js';
import type { Database } from './database.js';
import { knownCodes, writeDataset, type ImportSummary } from './dataset-store.js';
import { uniqueViolationOf } from './unique-violation.js';

export type ImportOutcome =
  { ok: true; summary: ImportSummary; dryRun: boolean } | { ok: false; issues: DatasetIssue[] };

export async function importDataset(
  db: Database,
  input: DatasetInput,
  options: { dryRun?: boolean } = {},
): Promise<ImportOutcome> {
  const { dataset, issues } = parseDataset({ ...input, known: await knownCodes(db) });
  if (issues.length > 0) return { ok: false, issues };
  if (options.dryRun) {
    return { ok: true, dryRun: true, summary: await dryRunSummary(db, dataset) };
  }
  return { ok: true, dryRun: false, summary: await writeAfterARace(db, dataset) };
}

/**
 * Two imports that create the same new code at once both find it missing; the
 * unique index refuses the one that commits second. An import is an upsert, so
 * that one is written once more: it now finds the other's rows and updates or
 * keeps them. A second refusal is left to the caller (GraphQL answers it as a
 * ConflictError, src/graphql/unique-conflicts.ts).
 */
async function writeAfterARace(db: Database, dataset: Parameters<typeof writeDataset>[1]): Promise<ImportSummary> {
  try {
    return await writeDataset(db, dataset);
  } catch (error) {
    if (!uniqueViolationOf(error)) throw error;
    return writeDataset(db, dataset);
  }
}

class DryRunRollback extends Error {}

/** Writes inside a transaction that is always rolled back, to count what would change. */
async function dryRunSummary(db: Database, dataset: Parameters<typeof writeDataset>[1]): Promise<ImportSummary> {
  let summary: ImportSummary | undefined;
  try {
    await writeDataset(db, dataset, (s) => {
      summary = s;
      throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  return summary!;
}
