// The structure key of a compiled model: two models with the same key have the
// same columns and rows in the same order, so a simplex basis of one is a
// basis of the other (a warm start). It hashes what shapes the model (the
// codes of the sites, GPU pools, models, classes and regions in model order,
// the periods, and the matrix's sparsity pattern and integrality), never a
// value (prices, demand, caps, coefficients): a re-solve after a price or
// demand change keeps its key, a site excluded or a route gained changes it.
// node:crypto hashes in memory: no I/O, so the optimizer stays pure.
import { createHash } from 'node:crypto';
import type { CompiledModel } from './compile.js';
import type { LpModel } from './lp-model.js';
import type { PreparedInput } from './prepare.js';

const bytesOf = (array: Int32Array | Uint8Array): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

export function structureKey(prepared: PreparedInput, compiled: CompiledModel): string {
  const { lp } = compiled;
  const codes = {
    periods: prepared.periods,
    models: prepared.models.map((m) => m.code),
    classes: prepared.classes.map((k) => `${k.modelCode}/${k.code}`),
    gpus: prepared.gpus.map((g) => g.code),
    sites: prepared.sites.map((s) => [s.code, s.pools.map((p) => p.gpuIndex)]),
    regions: prepared.regions.map((r) => [r.code, r.demands.map((d) => d.classIndex)]),
    size: [lp.numColumns, lp.numRows, lp.matrixRowIndices.length],
  };
  return createHash('sha256')
    .update(JSON.stringify(codes))
    .update(bytesOf(lp.matrixStarts))
    .update(bytesOf(lp.matrixRowIndices))
    .update(bytesOf(lp.columnIsInteger))
    .digest('hex')
    .slice(0, 32);
}

const floatBytes = (array: Float64Array): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * A hash of the model's bounds (demand, caps, inventory): a basis optimal for a
 * model with the same structure and bounds key is still primal feasible, only
 * costs changed, and the primal simplex finishes from it.
 */
export function boundsKey(lp: LpModel): string {
  return createHash('sha256')
    .update(floatBytes(lp.columnLower))
    .update(floatBytes(lp.columnUpper))
    .update(floatBytes(lp.rowLower))
    .update(floatBytes(lp.rowUpper))
    .digest('hex')
    .slice(0, 32);
}
