// Every solver engine behind one table: its adapter, its name for people,
// whether it takes integer columns, and whether it is present on this machine
// (the native COIN-OR engines are optional and looked for at run time).
import type { LpModel } from '../lp-model.js';
import type { SolverName } from '../types.js';
import { cbcAvailability, solveWithCbc } from './cbc.js';
import { clpAvailability, solveWithClp } from './clp.js';
import { solveWithHighs } from './highs.js';
import { solveWithJslp } from './jslp.js';
import type { SolverOutcome, SolverSettings } from './outcome.js';

export interface Engine {
  label: string;
  solve(model: LpModel, settings: SolverSettings): Promise<SolverOutcome>;
  /** branch and bound over integer columns */
  integers: boolean;
  /** row duals on an optimal LP */
  duals: boolean;
  /** present on this machine: a version, or why not */
  availability(): { available: true; version: string | null } | { available: false; reason: string };
}

const bundled = () => ({ available: true, version: null }) as const;

export const ENGINES: Record<SolverName, Engine> = {
  jslp: { label: 'javascript-lp-solver', solve: solveWithJslp, integers: false, duals: false, availability: bundled },
  highs: { label: 'HiGHS', solve: solveWithHighs, integers: true, duals: true, availability: bundled },
  clp: { label: 'COIN-OR CLP', solve: solveWithClp, integers: false, duals: true, availability: clpAvailability },
  cbc: { label: 'COIN-OR CBC', solve: solveWithCbc, integers: true, duals: false, availability: cbcAvailability },
};

export const isAvailable = (solver: SolverName): boolean => ENGINES[solver].availability().available;

/** Which engine ran, for the plan's note: only the native ones, which a machine may lack. */
export function nativeEngineNote(solver: SolverName): string | null {
  if (solver !== 'clp' && solver !== 'cbc') return null;
  const availability = ENGINES[solver].availability();
  const version = availability.available && availability.version ? ` ${availability.version}` : '';
  return `solved by ${ENGINES[solver].label}${version} in-process (native library)`;
}
