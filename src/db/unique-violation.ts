// A unique-constraint violation, however it reaches us: Prisma's P2002 (both
// driver adapters, @prisma/adapter-pg and pglite-prisma-adapter, map SQLSTATE
// 23505 to it, the constraint in `meta.driverAdapterError.cause`), P2010 with
// that same cause from a raw statement sent through Prisma (the import's bulk
// inserts, src/db/bulk-rows.ts), or the raw
// driver error (code 23505) of a statement sent with `db.query`. Two requests that
// check "no such code" and then both create it end here: the second is a
// conflict with the first, not an unexpected error.
import { Prisma } from '../generated/prisma/client.js';

export interface UniqueViolation {
  /** the table (the model's name), when the error says */
  table: string | null;
  /** the unique columns, when the error says */
  fields: string[];
}

/** Prisma's names: `Site_code_key`, `SiteInventory_siteId_gpuTypeId_key`, `Site_pkey`. */
const CONSTRAINT_NAME = /^([A-Za-z0-9]+)_(?:(.+)_key|pkey)$/;

function fromConstraintName(name: string | undefined): UniqueViolation | null {
  const match = name ? CONSTRAINT_NAME.exec(name) : null;
  // a primary key's name does not list its columns
  return match ? { table: match[1]!, fields: match[2] ? match[2].split('_') : [] } : null;
}

interface AdapterCause {
  kind?: string;
  table?: string;
  constraint?: { index?: string; fields?: string[] };
}

export function uniqueViolationOf(error: unknown): UniqueViolation | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const meta = (error.meta ?? {}) as {
      modelName?: string;
      target?: string[] | string;
      driverAdapterError?: { cause?: AdapterCause };
    };
    const cause = meta.driverAdapterError?.cause;
    const rawUnique = error.code === 'P2010' && cause?.kind === 'UniqueConstraintViolation';
    if (error.code !== 'P2002' && !rawUnique) return null;
    const named = fromConstraintName(
      cause?.constraint?.index ?? (typeof meta.target === 'string' ? meta.target : undefined),
    );
    const fields =
      cause?.constraint?.fields ?? (Array.isArray(meta.target) ? meta.target : null) ?? named?.fields ?? [];
    return { table: meta.modelName ?? cause?.table ?? named?.table ?? null, fields };
  }
  // node-postgres' DatabaseError and PGlite's carry the SQLSTATE as `code`
  const raw = error as { code?: unknown; constraint?: string; table?: string } | null;
  if (raw && typeof raw === 'object' && raw.code === '23505') {
    const named = fromConstraintName(raw.constraint);
    return { table: raw.table ?? named?.table ?? null, fields: named?.fields ?? [] };
  }
  return null;
}

/** `a Site with this code`, `a SiteInventory row with this siteId and gpuTypeId`, or `a row with these values`. */
export function describeUniqueViolation(violation: UniqueViolation): string {
  const what = violation.table ? `a ${violation.table}` : 'a row';
  if (violation.fields.length === 0) return `${what} with the same unique values`;
  return `${what} with this ${violation.fields.join(' and ')}`;
}
