// The engines the optimizer's parity and property tests run on: the bundled
// ones always, the native COIN-OR ones (CLP, CBC) wherever this machine has
// their libraries; elsewhere their suites show as "skipped: no libClp".
// CI installs the libraries and sets TOKENGRID_TEST_NATIVE_ENGINES=required,
// so a missing library fails there instead of skipping.
import { COIN_LIBRARIES } from '../../src/optimizer/solvers/coin-native.js';
import { ENGINES } from '../../src/optimizer/solvers/engines.js';
import type { SolverName } from '../../src/optimizer/types.js';
import { describeIf } from '../helpers/skip.js';

export interface TestEngine {
  solver: SolverName;
  /** the engine's name in suite titles */
  title: string;
  available: boolean;
  /** why it is skipped here ('' when it runs) */
  reason: string;
}

const nativeRequired = process.env.TOKENGRID_TEST_NATIVE_ENGINES === 'required';

function testEngine(solver: SolverName): TestEngine {
  const availability = ENGINES[solver].availability();
  if (availability.available) return { solver, title: solver, available: true, reason: '' };
  if (nativeRequired) throw new Error(`TOKENGRID_TEST_NATIVE_ENGINES=required: ${availability.reason}`);
  const library = solver === 'clp' || solver === 'cbc' ? COIN_LIBRARIES[solver].label : solver;
  return { solver, title: solver, available: false, reason: `no ${library}` };
}

const ALL: SolverName[] = ['jslp', 'highs', 'clp', 'cbc'];

/** every engine, on linear programs (CBC takes them too, without duals) */
export const LP_ENGINES: TestEngine[] = ALL.map(testEngine);
/** engines that give row duals, hence shadow prices */
export const DUAL_ENGINES: TestEngine[] = LP_ENGINES.filter((e) => ENGINES[e.solver].duals);
/** engines that take integer columns */
export const MIP_ENGINES: TestEngine[] = LP_ENGINES.filter((e) => ENGINES[e.solver].integers);

/** One suite per engine, `title with <engine>`; an absent engine's suite is listed as skipped, with why. */
export function describeEngines(engines: TestEngine[], title: string, body: (solver: SolverName) => void): void {
  for (const engine of engines)
    describeIf(engine.available, `${title} with ${engine.title}`, engine.reason, () => body(engine.solver));
}
