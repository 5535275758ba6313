// What a binding model cap costs: a cap on how many models a site hosts is a
// choice among binaries, so it has no dual. Its value is found the direct way:
// the plan re-solved with that site's cap raised by one, for at most a few
// binding sites; the objective's fall is the value of one more model there.
import { compileModel } from './compile.js';
import { round } from './interpret/solution.js';
import type { PreparedInput } from './prepare.js';
import { ENGINES } from './solvers/engines.js';
import type { PlanOptions, SitePlan, SolverName } from './types.js';

/** re-solves per plan: each is a whole mixed-integer solve */
export const MAX_MODEL_CAP_RESOLVES = 3;

export interface ModelCapValues {
  sites: SitePlan[];
  /** the site codes valued by a re-solve, in site order */
  valuedSiteCodes: string[];
}

/** The first MAX_MODEL_CAP_RESOLVES binding caps (in site code order) valued; the others keep valuePerHour null. */
export async function modelCapValues(
  prepared: PreparedInput,
  options: PlanOptions,
  objectivePerHour: number,
  sites: SitePlan[],
  timeLimitSeconds: number,
  /** the engine that solved the plan (one that takes integers), so the re-solves compare like with like */
  solver: SolverName,
): Promise<ModelCapValues> {
  const binding = sites.filter((row) => row.modelCap?.binds).slice(0, MAX_MODEL_CAP_RESOLVES);
  const valuedSiteCodes: string[] = [];
  const values = new Map<string, number>();
  for (const row of binding) {
    const raised: PreparedInput = {
      ...prepared,
      sites: prepared.sites.map((site) =>
        site.code === row.siteCode ? { ...site, maxModels: site.maxModels! + 1 } : site,
      ),
    };
    const { lp } = compileModel(raised, options);
    const settings = { timeLimitSeconds: timeLimitSeconds / binding.length, mipGapRelative: options.mipGapRelative };
    const outcome = await ENGINES[solver].solve(lp, settings);
    if (outcome.status !== 'optimal' || outcome.objective === null) continue;
    // raising a cap cannot make the optimum worse: a rise is the MIP gap's noise
    values.set(row.siteCode, round(Math.max(0, objectivePerHour - outcome.objective)));
    valuedSiteCodes.push(row.siteCode);
  }
  return {
    sites: sites.map((row) =>
      row.modelCap && values.has(row.siteCode)
        ? { ...row, modelCap: { ...row.modelCap, valuePerHour: values.get(row.siteCode)! } }
        : row,
    ),
    valuedSiteCodes,
  };
}
