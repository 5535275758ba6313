// A plan's final simplex basis as stored (Plan.basis): one status byte per
// column then per row, deflated (mostly runs of "at lower bound": a 24-hour
// plan of 110k columns stores in about 8 kB), behind a header holding the
// column and row counts and the bounds key of the model it was optimal for
// (16 bytes, zero when unknown). A blob that does not read back is no basis: the next
// solve starts cold.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { LpBasis } from '../optimizer/solvers/outcome.js';

const BOUNDS_KEY_BYTES = 16;
const HEADER_BYTES = 8 + BOUNDS_KEY_BYTES;
const NO_BOUNDS_KEY = '0'.repeat(2 * BOUNDS_KEY_BYTES);

export function encodeBasis(basis: LpBasis): Uint8Array<ArrayBuffer> {
  const columns = basis.columnStatus.length;
  const rows = basis.rowStatus.length;
  const statuses = new Uint8Array(columns + rows);
  statuses.set(basis.columnStatus, 0);
  statuses.set(basis.rowStatus, columns);
  const packed = deflateRawSync(statuses);
  const blob = new Uint8Array(HEADER_BYTES + packed.length);
  const header = new DataView(blob.buffer);
  header.setUint32(0, columns, true);
  header.setUint32(4, rows, true);
  blob.set(Buffer.from(basis.boundsKey ?? NO_BOUNDS_KEY, 'hex').subarray(0, BOUNDS_KEY_BYTES), 8);
  blob.set(packed, HEADER_BYTES);
  return blob;
}

/** The basis in a stored blob, or null when it is not one (truncated, corrupt, wrong counts). */
export function decodeBasis(blob: Uint8Array): LpBasis | null {
  if (blob.length < HEADER_BYTES) return null;
  const header = new DataView(blob.buffer, blob.byteOffset, HEADER_BYTES);
  const columns = header.getUint32(0, true);
  const rows = header.getUint32(4, true);
  let statuses: Buffer;
  try {
    statuses = inflateRawSync(blob.subarray(HEADER_BYTES), { maxOutputLength: columns + rows + 1 });
  } catch {
    return null;
  }
  if (statuses.length !== columns + rows) return null;
  const boundsKey = Buffer.from(blob.subarray(8, HEADER_BYTES)).toString('hex');
  return {
    columnStatus: Uint8Array.from(statuses.subarray(0, columns)),
    rowStatus: Uint8Array.from(statuses.subarray(columns)),
    ...(boundsKey === NO_BOUNDS_KEY ? {} : { boundsKey }),
  };
}
