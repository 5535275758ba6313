// The neutral linear model between the compiler and the solver adapters:
// columns with bounds, cost and integrality, rows with bounds, a CSC matrix.
// Typed arrays keep large models compact and feed HiGHS without copying.
// Names are generated on demand (`columnName(i)`): most solves never need them.

export interface LpModel {
  numColumns: number;
  numRows: number;
  columnLower: Float64Array;
  columnUpper: Float64Array;
  columnCost: Float64Array;
  columnIsInteger: Uint8Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** CSC: column j's entries are at matrixStarts[j] .. matrixStarts[j+1]-1 */
  matrixStarts: Int32Array;
  matrixRowIndices: Int32Array;
  matrixValues: Float64Array;
  columnName(index: number): string;
  rowName(index: number): string;
}

export function integerColumnCount(model: LpModel): number {
  let count = 0;
  for (let j = 0; j < model.numColumns; j++) count += model.columnIsInteger[j]!;
  return count;
}

/** Doubling buffer for numbers; avoids boxing in large models. */
class Float64Buffer {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export class Int32Buffer {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Rows are declared first; each column is then added whole with its entries,
 * which builds CSC directly. Names come from callbacks given at the end.
 */
export class LpModelBuilder {
  private readonly rowLower = new Float64Buffer();
  private readonly rowUpper = new Float64Buffer();
  private readonly colLower = new Float64Buffer();
  private readonly colUpper = new Float64Buffer();
  private readonly colCost = new Float64Buffer();
  private readonly colInteger: number[] = [];
  private readonly starts = new Int32Buffer();
  private readonly rowIndices = new Int32Buffer();
  private readonly values = new Float64Buffer();

  constructor() {
    this.starts.push(0);
  }

  get numRows(): number {
    return this.rowLower.length;
  }

  get numColumns(): number {
    return this.colLower.length;
  }

  addRow(lower: number, upper: number): number {
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowLower.length - 1;
  }

  /** `rows` and `coefficients` are parallel; a row must not appear twice. */
  addColumn(
    lower: number,
    upper: number,
    cost: number,
    isInteger: boolean,
    rows: readonly number[],
    coefficients: readonly number[],
  ): number {
    for (let i = 0; i < rows.length; i++) {
      const coefficient = coefficients[i]!;
      if (coefficient === 0) continue;
      this.rowIndices.push(rows[i]!);
      this.values.push(coefficient);
    }
    this.starts.push(this.rowIndices.length);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.colCost.push(cost);
    this.colInteger.push(isInteger ? 1 : 0);
    return this.colLower.length - 1;
  }

  build(columnName: (index: number) => string, rowName: (index: number) => string): LpModel {
    return {
      numColumns: this.numColumns,
      numRows: this.numRows,
      columnLower: this.colLower.finish(),
      columnUpper: this.colUpper.finish(),
      columnCost: this.colCost.finish(),
      columnIsInteger: Uint8Array.from(this.colInteger),
      rowLower: this.rowLower.finish(),
      rowUpper: this.rowUpper.finish(),
      matrixStarts: this.starts.finish(),
      matrixRowIndices: this.rowIndices.finish(),
      matrixValues: this.values.finish(),
      columnName,
      rowName,
    };
  }
}

/** Row activities A·x, used to read slacks from any solver's primal values. */
export function rowActivities(model: LpModel, columnValues: Float64Array): Float64Array {
  const activity = new Float64Array(model.numRows);
  for (let j = 0; j < model.numColumns; j++) {
    const value = columnValues[j]!;
    if (value === 0) continue;
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      activity[model.matrixRowIndices[k]!]! += model.matrixValues[k]! * value;
    }
  }
  return activity;
}

export function objectiveValue(model: LpModel, columnValues: Float64Array): number {
  let total = 0;
  for (let j = 0; j < model.numColumns; j++) total += model.columnCost[j]! * columnValues[j]!;
  return total;
}
