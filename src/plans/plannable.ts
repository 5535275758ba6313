// A plan over no demand, or over no sites, is not a plan: the solver would
// call it optimal and it would say nothing. One check, for every way a plan
// is asked for (requestPlan, schedule ticks, the CLI on the database or on a
// fixtures directory), with one message that says what is missing and how to
// load data.
import type { PlanningInput } from '../optimizer/types.js';

/** Where the snapshot came from, for the message. */
export type PlanningSource = { kind: 'database' } | { kind: 'directory'; path: string };

const LOAD_DATA = 'load data first: npx tokengrid import fixtures';

/** Why this snapshot cannot be planned, in one line; null when it can. */
export function plannabilityProblem(
  input: PlanningInput,
  source: PlanningSource = { kind: 'database' },
): string | null {
  const where = source.kind === 'database' ? 'the database' : `the data set in ${source.path}`;
  const hasDemand = input.regions.some((region) => region.demand.some((d) => d.tokensPerSecond > 0));
  if (input.sites.length === 0 && !hasDemand)
    return `nothing to plan: ${where} has no sites and no demand (${LOAD_DATA})`;
  if (input.sites.length === 0)
    return `nothing to plan: ${where} has no ACTIVE or PLANNED site (${LOAD_DATA}, or add a site)`;
  if (!hasDemand)
    return `nothing to plan: ${where} has no demand (no region has tokens/s above 0; ${LOAD_DATA}, or set a region's demand)`;
  return null;
}

/** The CLI's loaders: the input, or an Error with the one-line reason (printed as is, exit 1). */
export function assertPlannable(input: PlanningInput, source: PlanningSource = { kind: 'database' }): PlanningInput {
  const problem = plannabilityProblem(input, source);
  if (problem) throw new Error(problem);
  return input;
}
