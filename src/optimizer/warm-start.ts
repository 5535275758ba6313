// Warm starts: an LP solved by HiGHS may start from the final basis of an
// earlier plan with the same structure key (structure-key.ts), found by the
// layer above (the plan store) through a StartBasisSource. This file says how a
// solve started and why it started cold.
import type { LpBasis, SolverOutcome } from './solvers/outcome.js';
import type { PlanOptions, PlanWarmStart, SolverName } from './types.js';

/** The basis of an earlier plan, offered to start a solve. */
export interface OfferedBasis {
  planId: string;
  basis: LpBasis;
  /** that plan's solve time, ms */
  solveMs: number | null;
}

/** Finds the basis of the newest stored plan with this structure key, or null. */
export interface StartBasisSource {
  find(structureKey: string): Promise<OfferedBasis | null>;
}

export interface WarmStartFacts {
  solver: SolverName;
  integer: boolean;
  /** a source was given to search (false: solved outside the plans service) */
  searched: boolean;
  offered: OfferedBasis | null;
  outcome: SolverOutcome;
}

function coldReason(options: PlanOptions, facts: WarmStartFacts): string | null {
  if (!options.warmStart) return 'warmStart is off';
  if (facts.integer) return 'integer plans start cold';
  if (facts.solver !== 'highs' && (facts.solver === 'jslp' || options.solver !== 'auto')) {
    const name = facts.solver === 'jslp' ? 'javascript-lp-solver' : `solver ${facts.solver}`;
    return `${name} starts cold here (warm starts are HiGHS's)`;
  }
  if (!facts.searched) return 'solved outside the plans service: no stored basis to start from';
  if (!facts.offered) return 'no earlier plan of this structure has a stored basis';
  const start = facts.outcome.startBasis;
  if (start === 'used') return null;
  return `the basis of plan ${facts.offered.planId} was not used: ${start?.ignored ?? 'the solver did not take it'}`;
}

export function warmStartOf(options: PlanOptions, facts: WarmStartFacts): PlanWarmStart {
  const reason = coldReason(options, facts);
  return {
    used: reason === null,
    fromPlanId: facts.offered?.planId ?? null,
    coldReason: reason,
    simplexIterations: facts.outcome.simplexIterations ?? null,
    fromPlanSolveMs: facts.offered?.solveMs ?? null,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** "warm start from plan 1f…'s basis: 0.21 s and 35 simplex iterations (that plan took 1.90 s)" */
export function warmStartNote(warmStart: PlanWarmStart, solveMs: number): string {
  const iterations =
    warmStart.simplexIterations === null ? '' : ` and ${warmStart.simplexIterations} simplex iterations`;
  const before = warmStart.fromPlanSolveMs === null ? '' : ` (that plan took ${seconds(warmStart.fromPlanSolveMs)})`;
  return `warm start from plan ${warmStart.fromPlanId}'s basis: ${seconds(solveMs)}${iterations}${before}`;
}
