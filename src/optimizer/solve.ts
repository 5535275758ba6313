// solvePlacement: input snapshot + options → plan, in this thread.
// snapshot → prepare → compile (LpModel) → solver adapter → interpret.
// Deterministic: inputs are sorted by code before compiling, so the same data
// in any order gives the same model and the same plan.
import { compileModel, type CompiledModel } from './compile.js';
import { integerColumnCount } from './lp-model.js';
import { interpretSolution } from './interpret.js';
import { modelCapValues } from './model-cap-values.js';
import { planRanging } from './interpret/ranges.js';
import type { OptimalBasis } from './ranging/parametric.js';
import { solveWithHighs } from './solvers/highs.js';
import { PlanInputError, prepareInput, type PreparedInput } from './prepare.js';
import { columnGenerationNote, solveRoutesByColumnGeneration, usesColumnGeneration } from './route-generation.js';
import { ENGINES, isAvailable, nativeEngineNote } from './solvers/engines.js';
import type { LpBasis, SolverOutcome, SolverSettings } from './solvers/outcome.js';
import { boundsKey, structureKey } from './structure-key.js';
import { warmStartNote, warmStartOf, type StartBasisSource } from './warm-start.js';
import {
  DEFAULT_PLAN_OPTIONS,
  parsePlanOptions,
  type ModelSize,
  type PlanOptions,
  type PlanResult,
  type PlanningInput,
  type SolverName,
} from './types.js';

/**
 * `auto` sends a continuous model to javascript-lp-solver only while it is at
 * most this many columns and rows; beyond, HiGHS is faster (and it alone gives
 * shadow prices). Measured by bench/solver/thresholds.ts on the 2-core
 * development machine: jslp wins below ~50 columns (0.5 ms vs 1.1 ms), HiGHS
 * from 49 columns on (107 columns: 7 ms vs 1.8 ms; 1622: 61 ms vs 11 ms).
 */
export const JSLP_MAX_COLUMNS = 48;
export const JSLP_MAX_ROWS = 32;

/**
 * Past jslp's range `auto` prefers native CLP for LPs when this machine has
 * it (1.7–11× less CPU than HiGHS on the fixtures and 200×50, measured on
 * this machine). Integer plans stay on HiGHS: CBC was ~10× faster on the
 * one-model whole-GPU 24-hour fixture but hit the 60 s limit at a 15 % gap
 * on the seven-model whole-GPU fixture that HiGHS solves; ask for cbc by name.
 * HiGHS also takes an LP when a stored basis of its structure can start it warm
 * (warm-start.ts) and when column generation is forced on.
 */
export function chooseSolver(
  options: PlanOptions,
  size: { columns: number; rows: number; integer: boolean; warmBasis?: boolean },
  available: (solver: SolverName) => boolean = isAvailable,
): SolverName {
  if (options.solver !== 'auto') return options.solver;
  if (size.integer || options.columnGeneration === 'on' || size.warmBasis) return 'highs';
  if (size.columns <= JSLP_MAX_COLUMNS && size.rows <= JSLP_MAX_ROWS) return 'jslp';
  return available('clp') ? 'clp' : 'highs';
}

/** A result that carries no plan: invalid input, solver failure, stopped worker. */
const EMPTY_SIZE: ModelSize = { variables: 0, integerVariables: 0, constraints: 0, nonzeros: 0 };

export function emptyResult(options: PlanOptions, status: PlanResult['status'], message: string): PlanResult {
  return {
    status,
    message,
    solver: null,
    solverStatus: null,
    options,
    periods: options.periods,
    modelSize: EMPTY_SIZE,
    timings: { buildMs: 0, solveMs: 0, interpretMs: 0, totalMs: 0 },
    mipGap: null,
    objectivePerHour: null,
    totals: null,
    models: [],
    sites: [],
    regions: [],
    allocations: [],
    gpuAllocations: [],
    shadowPrices: null,
    shadowPricesUnavailableReason: message,
    rangesUnavailableReason: message,
    unserved: [],
    bindingConstraints: [],
    excludedSites: [],
    structureKey: null,
    warmStart: null,
  };
}

const ms = (value: number): number => Math.round(value * 1000) / 1000;

/** the solver's clock may stop a little before the limit it was given */
const AT_THE_LIMIT = 0.9;

/**
 * The note on a plan the solver stopped before proving optimal. It says "time
 * limit" only when the solver reports its time limit and its clock ran that
 * long; any other early stop (iteration or solution limit, interruption) is
 * named for what it was.
 */
export function earlyStopNote(
  outcome: SolverOutcome,
  solver: SolverName,
  solverLimitSeconds: number,
  timeLimitSeconds: number,
): string {
  const seconds = (outcome.solveMs / 1000).toFixed(outcome.solveMs < 10_000 ? 2 : 0);
  const best = `this is the best plan found${outcome.mipGap !== null ? `, within ${(outcome.mipGap * 100).toFixed(2)}% of optimal` : ''}`;
  const reportsTimeLimit = outcome.solverStatus === 'time_limit' || outcome.solverStatus === 'timeout';
  if (reportsTimeLimit && outcome.solveMs >= AT_THE_LIMIT * solverLimitSeconds * 1000) {
    return `stopped at the time limit (${timeLimitSeconds} s) after ${seconds} s of solving; ${best}`;
  }
  const name = ENGINES[solver].label;
  const why = reportsTimeLimit
    ? 'before proving optimality'
    : outcome.solverStatus === 'interrupted'
      ? 'when interrupted'
      : `at its ${outcome.solverStatus.replace(/_/g, ' ')}`;
  return `${name} stopped ${why} after ${seconds} s (its time limit was ${timeLimitSeconds} s); ${best}`;
}

/** Ranges need the optimal basis shadow prices come from: the same reasons keep both away. */
function rangesUnavailableReason(shadowPricesReason: string | null): string {
  return shadowPricesReason
    ? `no optimal basis to range: ${shadowPricesReason.replace(/for shadow prices/g, 'for shadow prices and ranges')}`
    : 'HiGHS gave no optimal basis to range';
}

export interface CompiledPlan {
  prepared: PreparedInput;
  compiled: CompiledModel;
  buildMs: number;
}

/** Prepare and compile only (the benchmark and tests look at the model itself). */
export function buildPlanModel(input: PlanningInput, options: PlanOptions): CompiledPlan {
  const started = performance.now();
  const prepared = prepareInput(input, options);
  const compiled = compileModel(prepared, options);
  return { prepared, compiled, buildMs: performance.now() - started };
}

export async function solvePlacement(
  input: PlanningInput,
  options: Partial<PlanOptions> = DEFAULT_PLAN_OPTIONS,
): Promise<PlanResult> {
  return (await solvePlacementWithBasis(input, options)).result;
}

/** A plan and the final basis of its LP (null when there is none: not HiGHS, not optimal, integer). */
export interface PlanWithBasis {
  result: PlanResult;
  basis: LpBasis | null;
}

/**
 * solvePlacement that can start warm: once the model is compiled, `startBasis`
 * is asked for the basis of a plan of the same structure key (when the plan is
 * an LP solved by HiGHS and `warmStart` is on); the final basis comes back for
 * the next solve.
 */
export async function solvePlacementWithBasis(
  input: PlanningInput,
  options: Partial<PlanOptions> = DEFAULT_PLAN_OPTIONS,
  startBasis?: StartBasisSource,
): Promise<PlanWithBasis> {
  const result = await solveFrom(input, options, startBasis);
  const { basis, ...plan } = result;
  return { result: plan, basis: basis ?? null };
}

async function solveFrom(
  input: PlanningInput,
  options: Partial<PlanOptions>,
  startBasisSource: StartBasisSource | undefined,
): Promise<PlanResult & { basis?: LpBasis | null }> {
  const started = performance.now();
  const parsed = parsePlanOptions(options);
  if (!parsed.ok) {
    return emptyResult(
      { ...DEFAULT_PLAN_OPTIONS },
      'error',
      `invalid options: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
  const planOptions = parsed.options;

  let built: CompiledPlan;
  try {
    built = buildPlanModel(input, planOptions);
  } catch (error) {
    if (error instanceof PlanInputError) return emptyResult(planOptions, 'error', error.message);
    throw error;
  }
  const { prepared, compiled, buildMs } = built;
  const { lp, layout } = compiled;
  const integerVariables = integerColumnCount(lp);
  const cappedSiteCodes = prepared.sites.filter((_site, s) => layout.modelCapRowOf[s]! >= 0).map((site) => site.code);
  if (cappedSiteCodes.length > 0 && planOptions.solver !== 'auto' && !ENGINES[planOptions.solver].integers) {
    return emptyResult(
      planOptions,
      'error',
      `solver ${planOptions.solver} cannot solve this plan: ${cappedSiteCodes.join(', ')} cap${cappedSiteCodes.length === 1 ? 's' : ''} the models it hosts (maxModels), which makes the plan a mixed-integer program, solved by HiGHS or CBC (use auto, highs or cbc)`,
    );
  }
  const modelSize: ModelSize = {
    variables: lp.numColumns,
    integerVariables,
    constraints: lp.numRows,
    nonzeros: lp.matrixValues.length,
  };
  // a stored basis of this structure is looked for when HiGHS may solve the LP; `auto` then takes HiGHS for it
  const key = structureKey(prepared, compiled);
  const mayStartWarm =
    integerVariables === 0 &&
    planOptions.warmStart &&
    (planOptions.solver === 'auto' || planOptions.solver === 'highs');
  const found = mayStartWarm ? ((await startBasisSource?.find(key)) ?? null) : null;
  const solver = chooseSolver(planOptions, {
    columns: lp.numColumns,
    rows: lp.numRows,
    integer: integerVariables > 0,
    warmBasis: found !== null,
  });
  const offered = solver === 'highs' ? found : null;
  const remainingSeconds = Math.max(0.05, planOptions.timeLimitSeconds - buildMs / 1000);
  const ranging = planRanging(prepared, compiled, planOptions);
  let ranged = false;
  const rangeBasis = (basis: OptimalBasis, solveMs: number) => {
    ranged = true;
    ranging.onOptimalBasis(basis, solveMs);
  };
  const settings: SolverSettings = {
    timeLimitSeconds: remainingSeconds,
    mipGapRelative: planOptions.mipGapRelative,
    ...(offered ? { startBasis: offered.basis } : {}),
    onOptimalBasis: rangeBasis,
  };
  const bounds = (solver === 'highs' || solver === 'clp') && integerVariables === 0 ? boundsKey(lp) : undefined;
  if (offered && offered.basis.boundsKey === bounds) settings.startBasisPrimalFeasible = true;
  // a stored basis of the same structure beats generating routes again: the full LP starts from it
  const generated =
    !offered && usesColumnGeneration(planOptions, solver, compiled)
      ? await solveRoutesByColumnGeneration(compiled, settings)
      : null;
  const outcome: SolverOutcome = generated?.outcome ?? (await ENGINES[solver].solve(lp, settings));
  if (!ranged && outcome.status === 'optimal' && outcome.finalBasis && integerVariables === 0) {
    // CLP and column generation leave an optimal basis of the full LP: HiGHS takes it (no iterations) to range it
    await solveWithHighs(lp, {
      timeLimitSeconds: Math.max(0.05, planOptions.timeLimitSeconds - (performance.now() - started) / 1000),
      mipGapRelative: planOptions.mipGapRelative,
      startBasis: outcome.finalBasis,
      startBasisPrimalFeasible: true,
      onOptimalBasis: (basis) => rangeBasis(basis, outcome.solveMs),
    });
  }
  const warmStart = warmStartOf(planOptions, {
    solver,
    integer: integerVariables > 0,
    searched: startBasisSource !== undefined,
    offered,
    outcome,
  });

  const base: PlanResult = {
    ...emptyResult(planOptions, 'error', ''),
    solver,
    solverStatus: outcome.solverStatus,
    modelSize,
    mipGap: outcome.mipGap,
    objectivePerHour: outcome.objective,
    excludedSites: prepared.excludedSites,
    structureKey: key,
    warmStart,
  };
  const timings = (interpretMs: number) => ({
    buildMs: ms(buildMs),
    solveMs: ms(outcome.solveMs),
    interpretMs: ms(interpretMs),
    totalMs: ms(performance.now() - started),
  });

  if (
    outcome.status === 'infeasible' ||
    outcome.status === 'unbounded' ||
    outcome.status === 'error' ||
    !outcome.columnValues
  ) {
    const message =
      outcome.message ??
      (outcome.status === 'infeasible'
        ? 'the model is infeasible (check expansion bounds and the carbon cap)'
        : outcome.status === 'unbounded'
          ? 'the model is unbounded (a negative cost in the input?)'
          : `the solver gave no plan (${outcome.solverStatus})`);
    return {
      ...base,
      status: outcome.status === 'infeasible' ? 'infeasible' : 'error',
      message,
      shadowPricesUnavailableReason: 'no plan',
      timings: timings(0),
    };
  }

  const interpretStarted = performance.now();
  const plan = interpretSolution(prepared, compiled, planOptions, outcome.columnValues, outcome.rowDuals);
  const interpretMs = performance.now() - interpretStarted;
  const shadowPricesUnavailableReason = plan.shadowPrices
    ? null
    : solver === 'jslp'
      ? 'javascript-lp-solver reports no dual values; solve with HiGHS (solver: highs) for shadow prices'
      : !ENGINES[solver].duals && integerVariables === 0
        ? `${ENGINES[solver].label} reports no dual values; solve with HiGHS or CLP (solver: highs or clp) for shadow prices`
        : integerVariables > 0
          ? planOptions.integerGpus
            ? 'integer plans have no dual values; solve without integerGpus for shadow prices'
            : 'a site’s model cap (maxModels) makes this a mixed-integer plan, which has no dual values'
          : 'the solver stopped at the time limit before proving optimality, so its duals are not shadow prices';
  const notes: string[] = generated ? [columnGenerationNote(generated.stats)] : [];
  if (warmStart.used) notes.push(warmStartNote(warmStart, outcome.solveMs));
  const engineNote = nativeEngineNote(solver);
  if (engineNote) notes.push(engineNote);
  if (outcome.status === 'time_limit') {
    notes.push(earlyStopNote(outcome, solver, remainingSeconds, planOptions.timeLimitSeconds));
  }
  let sites = plan.sites;
  if (cappedSiteCodes.length > 0) {
    const binaries = layout.deploy.end - layout.deploy.start;
    let note = `${cappedSiteCodes.join(', ')} cap${cappedSiteCodes.length === 1 ? 's' : ''} the models it hosts (maxModels): the plan is a mixed-integer program with ${binaries} binar${binaries === 1 ? 'y' : 'ies'}, one per model such a site could host`;
    if (outcome.status === 'optimal' && outcome.objective !== null) {
      const leftSeconds = Math.max(0.05, planOptions.timeLimitSeconds - (performance.now() - started) / 1000);
      const valued = await modelCapValues(prepared, planOptions, outcome.objective, sites, leftSeconds, solver);
      sites = valued.sites;
      if (valued.valuedSiteCodes.length > 0) {
        note += `; the value of one more model at ${valued.valuedSiteCodes.join(', ')} is the objective's fall when the plan is re-solved with that cap raised by one`;
      }
    }
    notes.push(note);
  }
  const withRanges = ranging.finish(sites, rangesUnavailableReason(shadowPricesUnavailableReason));
  return {
    ...base,
    ...plan,
    sites: withRanges.sites,
    status: outcome.status === 'time_limit' ? 'time_limit' : 'optimal',
    message: notes.length > 0 ? notes.join('; ') : null,
    shadowPricesUnavailableReason,
    rangesUnavailableReason: withRanges.reason,
    timings: timings(interpretMs),
    basis: outcome.finalBasis ? { ...outcome.finalBasis, ...(bounds ? { boundsKey: bounds } : {}) } : null,
  };
}
