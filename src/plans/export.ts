// A stored plan as files, written in pieces so a server can stream them: its
// allocations as CSV (the columns the web view has always exported) and the
// plan as JSON (the row without its snapshot, as `tokengrid plans show --json`
// prints it). Pure: reads a plan row, writes nothing.
import type { Plan } from '../generated/prisma/client.js';
import type { AllocationRow } from '../optimizer/types.js';

export const ALLOCATION_CSV_COLUMNS = [
  'siteCode',
  'regionCode',
  'modelCode',
  'workloadClassCode',
  'period',
  'tokensPerSecond',
] as const satisfies readonly (keyof AllocationRow)[];

/** Rows per piece: a few tens of kilobytes. */
const ROWS_PER_CHUNK = 500;

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header line, then the rows a few hundred at a time; every line ends in \n. */
export function* allocationsCsvChunks(rows: readonly AllocationRow[]): Generator<string> {
  yield `${ALLOCATION_CSV_COLUMNS.join(',')}\n`;
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (const row of rows.slice(start, start + ROWS_PER_CHUNK))
      chunk += `${ALLOCATION_CSV_COLUMNS.map((column) => csvCell(row[column])).join(',')}\n`;
    yield chunk;
  }
}

/** A stored plan as shown: its row without the snapshot (the whole data set) and the basis (solver state). */
export type ShownPlanRow = Omit<Plan, 'inputSnapshot' | 'basis'>;

/** A stored plan as JSON: its row (snapshot and basis left out) with its result. */
export function planJson(plan: ShownPlanRow & { inputSnapshot?: unknown; basis?: unknown }): Record<string, unknown> {
  const { inputSnapshot: _snapshot, basis: _basis, ...rest } = plan;
  return rest;
}

function* arrayChunks(rows: readonly unknown[]): Generator<string> {
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK)
    yield (
      (start > 0 ? ',' : '') +
      rows
        .slice(start, start + ROWS_PER_CHUNK)
        .map((row) => JSON.stringify(row))
        .join(',')
    );
}

/** The arrays of a result that grow with the plan: written a piece at a time, last in `result`. */
const ROW_ARRAYS = ['allocations', 'gpuAllocations'] as const;

/**
 * planJson(plan) as compact JSON, in pieces: the same value as
 * JSON.stringify(planJson(plan)) (only the result's keys are reordered, its
 * row arrays last) without ever holding the whole text.
 */
export function* planJsonChunks(plan: ShownPlanRow): Generator<string> {
  const { result, ...row } = planJson(plan);
  const head = JSON.stringify(row);
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    yield `${head.slice(0, -1)},"result":${JSON.stringify(result ?? null)}}`;
    return;
  }
  const rest: Record<string, unknown> = { ...result };
  const arrays = ROW_ARRAYS.filter((key) => Array.isArray(rest[key])).map((key) => {
    const rows = rest[key] as unknown[];
    delete rest[key];
    return { key, rows };
  });
  let open = `${head.slice(0, -1)},"result":${JSON.stringify(rest).slice(0, -1)}`;
  for (const [index, { key, rows }] of arrays.entries()) {
    // an empty rest is "{": no comma before the first key
    yield `${open}${index === 0 && open.endsWith('{') ? '' : ','}"${key}":[`;
    yield* arrayChunks(rows);
    open = ']';
  }
  yield arrays.length ? ']}}' : `${open}}}`;
}
