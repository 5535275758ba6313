// Writes an LpModel as free-format MPS, for native solvers (the benchmark's
// COIN-OR CLP/CBC baseline) and for reading a model by eye when debugging.
import type { LpModel } from './lp-model.js';

export function toFreeMps(model: LpModel, name = 'tokengrid'): string {
  const parts: string[] = [];
  writeFreeMps(model, (chunk) => parts.push(chunk), name);
  return parts.join('');
}

/** Streams the MPS text in chunks (a large model's text may not fit one string). */
export function writeFreeMps(model: LpModel, write: (chunk: string) => void, name = 'tokengrid'): void {
  let out: string[] = [`NAME ${name}`, 'ROWS', ' N obj'];
  const flush = (): void => {
    if (out.length === 0) return;
    write(`${out.join('\n')}\n`);
    out = [];
  };
  const rowNames: string[] = new Array(model.numRows);
  const ranges: string[] = [];
  const rhs: string[] = [];
  for (let i = 0; i < model.numRows; i++) {
    const rowName = model.rowName(i);
    rowNames[i] = rowName;
    const lower = model.rowLower[i]!;
    const upper = model.rowUpper[i]!;
    if (lower === upper) {
      out.push(` E ${rowName}`);
      if (lower !== 0) rhs.push(` RHS ${rowName} ${lower}`);
    } else if (Number.isFinite(upper)) {
      out.push(` L ${rowName}`);
      if (upper !== 0) rhs.push(` RHS ${rowName} ${upper}`);
      if (Number.isFinite(lower)) ranges.push(` RNG ${rowName} ${upper - lower}`);
    } else if (Number.isFinite(lower)) {
      out.push(` G ${rowName}`);
      if (lower !== 0) rhs.push(` RHS ${rowName} ${lower}`);
    } else {
      out.push(` N ${rowName}`);
    }
  }
  out.push('COLUMNS');
  const bounds: string[] = [];
  let inInteger = false;
  let marker = 0;
  for (let j = 0; j < model.numColumns; j++) {
    const columnName = model.columnName(j);
    const integer = model.columnIsInteger[j] === 1;
    if (integer !== inInteger) {
      out.push(` MARKER${marker++} 'MARKER' ${integer ? "'INTORG'" : "'INTEND'"}`);
      inInteger = integer;
    }
    if (out.length > 50_000) flush();
    const cost = model.columnCost[j]!;
    if (cost !== 0) out.push(` ${columnName} obj ${cost}`);
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      out.push(` ${columnName} ${rowNames[model.matrixRowIndices[k]!]} ${model.matrixValues[k]}`);
    }
    if (cost === 0 && model.matrixStarts[j] === model.matrixStarts[j + 1]) out.push(` ${columnName} obj 0`);
    const lower = model.columnLower[j]!;
    const upper = model.columnUpper[j]!;
    if (lower !== 0) bounds.push(Number.isFinite(lower) ? ` LO BND ${columnName} ${lower}` : ` MI BND ${columnName}`);
    // Integer columns always get an explicit upper bound: some readers take a bare integer column as binary.
    if (Number.isFinite(upper)) bounds.push(` UP BND ${columnName} ${upper}`);
    else if (integer) bounds.push(` PL BND ${columnName}`);
  }
  if (inInteger) out.push(` MARKER${marker} 'MARKER' 'INTEND'`);
  flush();
  write(`RHS\n${rhs.join('\n')}${rhs.length > 0 ? '\n' : ''}`);
  if (ranges.length > 0) write(`RANGES\n${ranges.join('\n')}\n`);
  if (bounds.length > 0) {
    write('BOUNDS\n');
    for (let i = 0; i < bounds.length; i += 50_000) write(`${bounds.slice(i, i + 50_000).join('\n')}\n`);
  }
  out.push('ENDATA');
  flush();
}
