// A stored basis reads back as written (with its bounds key), stays small, and
// a blob that is not one (truncated, corrupt, counts that disagree) reads as
// no basis rather than a wrong one.
import { describe, expect, it } from 'vitest';
import { decodeBasis, encodeBasis } from '../../src/db/plan-basis.js';

const columns = 110_112;
const rows = 46_000;
const basis = {
  // mostly at lower bound, one in eight basic: the shape of a placement LP's basis
  columnStatus: Uint8Array.from({ length: columns }, (_v, i) => (i % 8 === 0 ? 1 : 0)),
  rowStatus: Uint8Array.from({ length: rows }, (_v, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : 2)),
  boundsKey: '0123456789abcdef0123456789abcdef',
};

describe('stored bases', () => {
  it('read back as written, in a few kB for a 110k-column model', () => {
    const blob = encodeBasis(basis);
    expect(blob.length).toBeLessThan(4000);
    expect(decodeBasis(blob)).toEqual(basis);
    const { boundsKey: _unknown, ...withoutKey } = basis;
    expect(decodeBasis(encodeBasis(withoutKey))).toEqual(withoutKey);
  });

  it('a truncated, corrupt or miscounted blob is no basis', () => {
    const blob = encodeBasis(basis);
    expect(decodeBasis(blob.subarray(0, 10))).toBeNull();
    expect(decodeBasis(blob.subarray(0, blob.length - 20))).toBeNull();
    const corrupt = blob.slice();
    corrupt.fill(0xff, 30, 60);
    expect(decodeBasis(corrupt)).toBeNull();
    const miscounted = blob.slice();
    new DataView(miscounted.buffer).setUint32(0, columns + 1, true);
    expect(decodeBasis(miscounted)).toBeNull();
  });
});
