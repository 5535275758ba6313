// javascript-lp-solver adapter: pure JavaScript, no duals. Fine for small
// models; its dense tableau grows with rows × columns, so `auto` sends larger
// models (and every integer model) to HiGHS.
import * as jslpModule from 'javascript-lp-solver';
import type { ConstraintBound, Model as JslpModel, SolveResult } from 'javascript-lp-solver';
import { objectiveValue, type LpModel } from '../lp-model.js';
import type { SolverOutcome, SolverSettings } from './outcome.js';

// CommonJS typings, ES build at run time: take the solver from either shape.
type JslpSolver = { Solve(model: JslpModel): unknown };
const jslpExports = jslpModule as unknown as { default: JslpSolver & { default?: JslpSolver } };
const solver: JslpSolver = jslpExports.default.default ?? jslpExports.default;

const OBJECTIVE_KEY = 'objective';

/** A fresh model object every call: the solver rewrites what it is given. */
export function toJslpModel(model: LpModel, settings: SolverSettings): JslpModel {
  const constraints: Record<string, ConstraintBound> = {};
  for (let i = 0; i < model.numRows; i++) {
    const lower = model.rowLower[i]!;
    const upper = model.rowUpper[i]!;
    const bound: ConstraintBound = {};
    if (lower === upper) bound.equal = lower;
    else {
      if (Number.isFinite(lower)) bound.min = lower;
      if (Number.isFinite(upper)) bound.max = upper;
    }
    constraints[model.rowName(i)] = bound;
  }
  const variables: Record<string, Record<string, number>> = {};
  const ints: Record<string, 1> = {};
  for (let j = 0; j < model.numColumns; j++) {
    const name = model.columnName(j);
    const coefficients: Record<string, number> = { [OBJECTIVE_KEY]: model.columnCost[j]! };
    for (let k = model.matrixStarts[j]!; k < model.matrixStarts[j + 1]!; k++) {
      coefficients[model.rowName(model.matrixRowIndices[k]!)] = model.matrixValues[k]!;
    }
    // Column bounds become one-variable constraints (the solver has only x >= 0).
    const lower = model.columnLower[j]!;
    const upper = model.columnUpper[j]!;
    if (lower > 0 || Number.isFinite(upper)) {
      const boundName = `bound_${name}`;
      const bound: ConstraintBound = {};
      if (lower > 0) bound.min = lower;
      if (Number.isFinite(upper)) bound.max = upper;
      constraints[boundName] = bound;
      coefficients[boundName] = 1;
    }
    variables[name] = coefficients;
    if (model.columnIsInteger[j]) ints[name] = 1;
  }
  return {
    optimize: OBJECTIVE_KEY,
    opType: 'min',
    constraints,
    variables,
    ints,
    options: { timeout: Math.max(1, Math.round(settings.timeLimitSeconds * 1000)), tolerance: settings.mipGapRelative },
  };
}

export async function solveWithJslp(model: LpModel, settings: SolverSettings): Promise<SolverOutcome> {
  const started = performance.now();
  const jslpModel = toJslpModel(model, settings);
  let result: SolveResult;
  try {
    result = solver.Solve(jslpModel) as SolveResult;
  } catch (error) {
    return {
      status: 'error',
      solverStatus: 'exception',
      objective: null,
      columnValues: null,
      rowDuals: null,
      mipGap: null,
      solveMs: performance.now() - started,
      message: `javascript-lp-solver failed: ${(error as Error).message}`,
    };
  }
  const solveMs = performance.now() - started;
  const base = { rowDuals: null, mipGap: null, solveMs } as const;
  // An infeasible model still comes back with variable values: read `feasible` first.
  if (!result.feasible) {
    return {
      ...base,
      status: 'infeasible',
      solverStatus: 'infeasible',
      objective: null,
      columnValues: null,
      message: null,
    };
  }
  if (result.bounded === false) {
    return {
      ...base,
      status: 'unbounded',
      solverStatus: 'unbounded',
      objective: null,
      columnValues: null,
      message: null,
    };
  }
  const columnValues = new Float64Array(model.numColumns);
  for (let j = 0; j < model.numColumns; j++) {
    // The solver omits variables at zero.
    const value = result[model.columnName(j)];
    columnValues[j] = typeof value === 'number' ? value : 0;
  }
  const integral = model.columnIsInteger.some((flag) => flag === 1);
  const stoppedEarly = integral && result.isIntegral === false;
  return {
    ...base,
    status: stoppedEarly ? 'time_limit' : 'optimal',
    solverStatus: stoppedEarly ? 'timeout' : 'optimal',
    objective: objectiveValue(model, columnValues),
    columnValues,
    message: null,
  };
}
