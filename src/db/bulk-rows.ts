// Set-based writes for imports: many rows in one statement instead of one ORM
// call per row (100k latencies took 48 s and 2.7 GB through Prisma's createMany
// and per-row updates). Rows travel as one JSON parameter that
// json_populate_recordset reads with the table's own row type, so every column
// gets its stored type (enums, float and text arrays) with no type list here to
// keep in step with the schema, and numbers arrive exact (JSON's shortest
// round-trip form, parsed by float8in). Runs on the caller's transaction client,
// so the import stays one all-or-nothing transaction on PGlite and PostgreSQL.
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** Rows per statement: bounds the size of one parameter (100k latencies are ~25 MB of JSON). */
export const ROWS_PER_STATEMENT = 10_000;

/** Table and column names come from this code, never from input; refuse anything else. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

function quoted(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`internal: ${name} is not a table or column name`);
  return `"${name}"`;
}

async function inBatches<Row>(rows: readonly Row[], write: (batch: readonly Row[]) => Promise<unknown>) {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await write(rows.slice(start, start + ROWS_PER_STATEMENT));
  }
}

/** Inserts `rows` (each holding every one of `columns`); ids and createdAt from their defaults. */
export async function insertRows(
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const names = columns.map(quoted);
  const sql =
    `INSERT INTO ${quoted(table)} (${names.join(', ')}, "updatedAt") ` +
    `SELECT ${names.map((n) => `r.${n}`).join(', ')}, now() FROM json_populate_recordset(NULL::${quoted(table)}, $1::json) AS r`;
  await inBatches(rows, (batch) => tx.$executeRawUnsafe(sql, asJson(batch, columns)));
}

/** Sets `columns` of the rows with these ids to the values given. */
export async function updateRows(
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: readonly ({ id: number } & Record<string, unknown>)[],
): Promise<void> {
  const sets = columns.map(quoted).map((n) => `${n} = r.${n}`);
  const sql =
    `UPDATE ${quoted(table)} AS t SET ${sets.join(', ')}, "updatedAt" = now() ` +
    `FROM json_populate_recordset(NULL::${quoted(table)}, $1::json) AS r WHERE t.id = r.id`;
  await inBatches(rows, (batch) => tx.$executeRawUnsafe(sql, asJson(batch, ['id', ...columns])));
}

/** The batch as JSON holding only `columns`, a missing optional field as null. */
function asJson(batch: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return JSON.stringify(batch.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null]))));
}
