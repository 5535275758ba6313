// The one path from a plan request to the plan row it creates, shared by
// requestPlan and schedule ticks: snapshot the current data, apply the named
// scenario, merge its plan options under the request's own and validate them.
import { zodIssuesToDatasetIssues } from '../dataset/schema.js';
import type { Database } from '../db/database.js';
import type { NewPlan } from '../db/plan-store.js';
import { planningInputFromDatabase } from '../db/planning-input.js';
import type { Prisma } from '../generated/prisma/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { planOptionsSchema, type PlanOptions, type PlanningInput } from '../optimizer/types.js';
import { applyScenario, ScenarioError } from '../scenarios/apply.js';
import { plannabilityProblem } from './plannable.js';
import { checkSolverCaps, type SolverCaps } from './solver-caps.js';
import { scenarioOverridesSchema, scenarioPlanOptions, type ScenarioOverrides } from '../scenarios/overrides.js';

export interface PlanRequest {
  name: string | null;
  /** code of a stored scenario */
  scenarioCode?: string | null;
  /** the options given (omitted fields absent; explicit nulls mean "off") */
  options?: Record<string, unknown>;
}

export interface ScenarioForRequest {
  snapshot: PlanningInput;
  /** to be merged under the request's own options */
  planOptions: Record<string, unknown>;
  stored: { id: string; applied: { code: string; overrides: ScenarioOverrides } };
}

/** Stored overrides, read back through the schema (rows outlive code versions). */
function storedOverrides(json: Prisma.JsonValue, path: string): ScenarioOverrides {
  const parsed = scenarioOverridesSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({ path: [path, ...issue.path.map(String)].join('.'), message: issue.message })),
  );
}

/** The named scenario applied to the current snapshot; NotFoundError or ValidationError (path `input.scenario…`). */
export async function scenarioForRequest(
  db: Database,
  scenarioCode: string,
  current: PlanningInput,
): Promise<ScenarioForRequest> {
  const row = await db.prisma.scenario.findUnique({
    where: { code: scenarioCode },
    select: { id: true, code: true, overrides: true },
  });
  if (!row) throw new NotFoundError('Scenario', scenarioCode);
  const overrides = storedOverrides(row.overrides, 'input.scenario.overrides');
  try {
    return {
      snapshot: applyScenario(current, overrides),
      planOptions: scenarioPlanOptions(overrides),
      stored: { id: row.id, applied: { code: row.code, overrides } },
    };
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new ValidationError(
      error.issues.map((issue) => ({ path: `input.scenario.overrides.${issue.path}`, message: issue.message })),
    );
  }
}

/** The options, defaults filled in, or a ValidationError naming each field under `input.options`. */
export function validatedPlanOptions(given: Record<string, unknown>): PlanOptions {
  const parsed = planOptionsSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    zodIssuesToDatasetIssues(parsed.error, 'input.options').map(({ path, message }) => ({ path, message })),
  );
}

/** A plan made from a request, not yet stored. */
export interface PreparedPlan extends NewPlan {
  /** the field its time limit came from: the request's options, or the scenario's planOptions under them */
  timeLimitPath: string;
}

/** The solver caps on a prepared plan (ValidationError naming the field the time limit came from). */
export function checkPlanCaps(plan: PreparedPlan, caps: SolverCaps): void {
  checkSolverCaps(plan, caps, { timeLimitSeconds: plan.timeLimitPath });
}

/**
 * The plan a request creates (not yet stored): its snapshot, scenario and
 * validated options. A snapshot with no sites or no demand is refused
 * (ValidationError, path `input`) unless `checkData` is false (a schedule may
 * be created before its data is loaded). With `caps`, a plan asking more of the
 * solver than they allow is refused too (checkPlanCaps).
 */
export async function preparePlan(
  db: Database,
  request: PlanRequest,
  options: PrepareOptions = {},
): Promise<PreparedPlan> {
  const current = await planningInputFromDatabase(db);
  const scenario = request.scenarioCode == null ? null : await scenarioForRequest(db, request.scenarioCode, current);
  return preparePlanFrom(current, scenario, request, options);
}

export interface PrepareOptions {
  checkData?: boolean;
  caps?: SolverCaps;
}

/** A change made to the snapshot after the scenario (a sweep's point), with the words and field that name it. */
export interface SnapshotChange {
  apply: (snapshot: PlanningInput) => PlanningInput;
  /** "with electricity price ×1.2" */
  words: string;
  /** the field a problem it makes is blamed on */
  path: string;
}

/** preparePlan on data already read (a sweep prepares many plans from one read), with an optional change on top. */
export function preparePlanFrom(
  current: PlanningInput,
  scenario: ScenarioForRequest | null,
  request: PlanRequest,
  { checkData = true, caps }: PrepareOptions = {},
  change?: SnapshotChange,
): PreparedPlan {
  const options = validatedPlanOptions({ ...scenario?.planOptions, ...request.options });
  const timeLimitPath =
    request.options?.timeLimitSeconds === undefined && scenario?.planOptions.timeLimitSeconds !== undefined
      ? 'input.scenario.overrides.planOptions.timeLimitSeconds'
      : 'input.options.timeLimitSeconds';
  const scenarioSnapshot = scenario?.snapshot ?? current;
  const snapshot = change ? change.apply(scenarioSnapshot) : scenarioSnapshot;
  // a site that does not exist cannot be excluded: most likely a typo that would exclude nothing
  const known = new Set(current.sites.map((site) => site.code));
  const unknown = options.excludeSites.flatMap((code, index) =>
    known.has(code) ? [] : [{ path: `input.options.excludeSites[${index}]`, message: `site "${code}" does not exist` }],
  );
  if (unknown.length > 0) throw new ValidationError(unknown);
  if (checkData) {
    const problem = plannabilityProblem(current);
    if (problem) throw new ValidationError([{ path: 'input', message: problem }]);
    const scenarioProblem = scenario ? plannabilityProblem(scenarioSnapshot) : null;
    if (scenarioProblem) {
      const message = `with scenario ${request.scenarioCode} applied, ${scenarioProblem}`;
      throw new ValidationError([{ path: 'input', message }]);
    }
    const changeProblem = change ? plannabilityProblem(snapshot) : null;
    if (changeProblem)
      throw new ValidationError([{ path: change!.path, message: `${change!.words}, ${changeProblem}` }]);
  }
  const plan = { name: request.name, options, snapshot, scenario: scenario?.stored ?? null, timeLimitPath };
  if (caps) checkPlanCaps(plan, caps);
  return plan;
}
