// Hard caps on what one plan request may ask of the solver: its time limit and
// the size of the model it would build. Checked in the API process before the
// plan is queued. The model's size is counted (countPlanModel), not built, so a
// refused request costs neither a model nor a solve.
import { ValidationError, type ValidationIssue } from '../errors.js';
import { DEFAULT_LIMITS, type Limits } from '../limits-config.js';
import type { PlanOptions, PlanningInput } from '../optimizer/types.js';
import { PlanInputError } from '../optimizer/prepare.js';
import { countPlanModel } from '../optimizer/model-size.js';

export interface SolverCaps {
  maxSolveTimeLimitSeconds: number;
  /** LP columns */
  maxModelVariables: number;
}

const count = (value: number): string => value.toLocaleString('en-US');

/** Where the checked values came from, for the issue paths. */
export interface SolverCapsPaths {
  /** the time limit's field (default `input.options.timeLimitSeconds`) */
  timeLimitSeconds?: string;
  /** what the model size is blamed on (default `input`) */
  model?: string;
}

/** The time-limit issue, or null when the options keep to the cap. */
export function timeLimitIssue(
  timeLimitSeconds: number,
  caps: Pick<SolverCaps, 'maxSolveTimeLimitSeconds'>,
  path = 'input.options.timeLimitSeconds',
): ValidationIssue | null {
  if (timeLimitSeconds <= caps.maxSolveTimeLimitSeconds) return null;
  return {
    path,
    message: `must be at most ${caps.maxSolveTimeLimitSeconds} s on this server (got ${timeLimitSeconds})`,
  };
}

/** ValidationError (`input.options.timeLimitSeconds`, `input`) when the plan asks for more than the caps allow. */
export function checkSolverCaps(
  plan: { options: PlanOptions; snapshot: PlanningInput },
  caps: SolverCaps,
  paths: SolverCapsPaths = {},
): void {
  const overTime = timeLimitIssue(plan.options.timeLimitSeconds, caps, paths.timeLimitSeconds);
  if (overTime) throw new ValidationError([overTime]);
  let variables: number;
  try {
    variables = countPlanModel(plan.snapshot, plan.options).variables;
  } catch (error) {
    // the worker reports unusable input as a failed plan, with the same message; keep that path
    if (error instanceof PlanInputError) return;
    throw error;
  }
  if (variables > caps.maxModelVariables) {
    throw new ValidationError([
      {
        path: paths.model ?? 'input',
        message: `the model would have ${count(variables)} variables; the limit is ${count(caps.maxModelVariables)} (fewer periods, excluded sites or no expansion make it smaller)`,
      },
    ]);
  }
}

export const DEFAULT_SOLVER_CAPS: Readonly<SolverCaps> = Object.freeze({
  maxSolveTimeLimitSeconds: DEFAULT_LIMITS.maxSolveTimeLimitSeconds,
  maxModelVariables: DEFAULT_LIMITS.maxModelVariables,
});

/** The caps set by the configured limits (TOKENGRID_MAX_SOLVE_TIME_LIMIT_SECONDS, TOKENGRID_MAX_MODEL_VARIABLES). */
export function solverCapsFromLimits(limits: Pick<Limits, keyof SolverCaps>): SolverCaps {
  return { maxSolveTimeLimitSeconds: limits.maxSolveTimeLimitSeconds, maxModelVariables: limits.maxModelVariables };
}
