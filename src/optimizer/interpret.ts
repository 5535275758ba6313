// Plan interpreter: solver values → the planner's plan. Everything reported
// (costs, power, utilization, what binds, why demand is unserved) is
// recomputed here from the primal values and the input, not read from solver
// internals, so it means the same whichever solver ran. Only shadow prices
// come from the solver (HiGHS duals).
//
// Stages, a file each under interpret/: the flows (flows.ts), the GPUs held
// (gpus-held.ts), site and region summaries and totals (summaries.ts), shadow
// prices (shadow-prices.ts), what binds (binding.ts), unserved demand and why
// (unserved.ts). Costs come from costs.ts, the formulas the compiler priced.
import type { CompiledModel } from './compile.js';
import { bindingConstraints, limitsReached } from './interpret/binding.js';
import { gpuWork, routeFlows, unservedFlows } from './interpret/flows.js';
import { gpusHeld } from './interpret/gpus-held.js';
import { modelPlans } from './interpret/models.js';
import { shadowValues } from './interpret/shadow-prices.js';
import { emptyLedger, solutionOf } from './interpret/solution.js';
import { planTotals, regionPlans, sitePlans } from './interpret/summaries.js';
import { unservedDemand } from './interpret/unserved.js';
import type { PreparedInput } from './prepare.js';
import type {
  AllocationRow,
  BindingConstraint,
  GpuAllocationRow,
  ModelPlan,
  PlanOptions,
  PlanTotals,
  RegionPlan,
  ShadowPrices,
  SitePlan,
  UnservedDemand,
} from './types.js';

export interface InterpretedPlan {
  totals: PlanTotals;
  models: ModelPlan[];
  sites: SitePlan[];
  regions: RegionPlan[];
  allocations: AllocationRow[];
  gpuAllocations: GpuAllocationRow[];
  shadowPrices: ShadowPrices | null;
  unserved: UnservedDemand[];
  bindingConstraints: BindingConstraint[];
}

export function interpretSolution(
  prepared: PreparedInput,
  compiled: CompiledModel,
  options: PlanOptions,
  columnValues: Float64Array,
  rowDuals: Float64Array | null,
): InterpretedPlan {
  const solution = solutionOf(prepared, compiled, options, columnValues, rowDuals);
  // The ledger's sums are added in this order: egress, penalty, GPU work, then the pools' capex.
  const ledger = emptyLedger(prepared.sites.length);
  const flows = routeFlows(solution, ledger);
  const unservedKtokByDemandPeriod = unservedFlows(solution, ledger);
  const work = gpuWork(solution, ledger);
  const held = gpusHeld(solution, work, ledger);
  const regions = regionPlans(solution, flows, unservedKtokByDemandPeriod);
  const shadow = rowDuals ? shadowValues(solution, rowDuals, unservedKtokByDemandPeriod) : null;
  const limits = limitsReached(solution, held);
  return {
    totals: planTotals(solution, regions, unservedKtokByDemandPeriod, work, held, ledger),
    models: modelPlans(solution, flows, unservedKtokByDemandPeriod, work, held),
    sites: sitePlans(solution, flows, work, held, ledger),
    regions,
    allocations: flows.allocations,
    gpuAllocations: work.gpuAllocations,
    shadowPrices: shadow?.shadowPrices ?? null,
    unserved: unservedDemand(solution, unservedKtokByDemandPeriod, limits),
    bindingConstraints: bindingConstraints(solution, limits, shadow),
  };
}
