// Hard caps on what one plan request may ask of the solver: its time limit and
// the size of the model it would build. Checked in the API process before the
// plan is queued, so a refused request costs one model build and no solve.
import { ValidationError } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits-config.js';
import type { PlanOptions, PlanningInput } from '../optimizer/types.js';
import { PlanInputError } from '../optimizer/prepare.js';
import { buildPlanModel } from '../optimizer/solve.js';

export interface SolverCaps {
  maxSolveTimeLimitSeconds: number;
  /** LP columns */
  maxModelVariables: number;
}

const count = (value: number): string => value.toLocaleString('en-US');

/** ValidationError (`input.options.timeLimitSeconds`, `input`) when the plan asks for more than the caps allow. */
export function checkSolverCaps(plan: { options: PlanOptions; snapshot: PlanningInput }, caps: SolverCaps): void {
  if (plan.options.timeLimitSeconds > caps.maxSolveTimeLimitSeconds) {
    throw new ValidationError([
      {
        path: 'input.options.timeLimitSeconds',
        message: `must be at most ${caps.maxSolveTimeLimitSeconds} s on this server (got ${plan.options.timeLimitSeconds})`,
      },
    ]);
  }
  let variables: number;
  try {
    variables = buildPlanModel(plan.snapshot, plan.options).compiled.lp.numColumns;
  } catch (error) {
    // the worker reports unusable input as a failed plan, with the same message; keep that path
    if (error instanceof PlanInputError) return;
    throw error;
  }
  if (variables > caps.maxModelVariables) {
    throw new ValidationError([
      {
        path: 'input',
        message: `the model would have ${count(variables)} variables; the limit is ${count(caps.maxModelVariables)} (fewer periods, excluded sites or no expansion make it smaller)`,
      },
    ]);
  }
}

export const DEFAULT_SOLVER_CAPS: Readonly<SolverCaps> = Object.freeze({
  maxSolveTimeLimitSeconds: DEFAULT_LIMITS.maxSolveTimeLimitSeconds,
  maxModelVariables: DEFAULT_LIMITS.maxModelVariables,
});
