// Model compiler: PreparedInput + PlanOptions → LpModel plus the layout that
// maps columns and rows back to sites, regions, classes and periods.
//
// Units inside the model (keep coefficients near 1; see DESIGN.md):
//   flows in thousands of tokens/s (ktok/s), costs in $/h averaged over the
//   periods, power in kW, GPUs in GPUs, carbon in tonnes/h.
//
// Stages, a file each under compile/: prune routes by the reach rule and the
// GPU types (routes.ts), merge interchangeable demands into demand groups
// (demand-groups.ts), find the sites whose model cap can bind (model-caps.ts),
// add the rows (rows.ts), then the columns with their
// costs from costs.ts (columns.ts). The layout (layout.ts) records what every
// column and row stands for; names are generated from it (model-names.ts).
import type { LpModel } from './lp-model.js';
import { groupDemands } from './compile/demand-groups.js';
import { addColumns } from './compile/columns.js';
import { TaggedModelBuilder, type ModelLayout } from './compile/layout.js';
import { modelCapRule } from './compile/model-caps.js';
import { modelNames } from './compile/model-names.js';
import { replicaRule } from './compile/replicas.js';
import { pruneRoutes } from './compile/routes.js';
import { addRows } from './compile/rows.js';
import type { PreparedInput } from './prepare.js';
import type { PlanOptions } from './types.js';

export interface CompiledModel {
  lp: LpModel;
  layout: ModelLayout;
}

export function compileModel(prepared: PreparedInput, options: PlanOptions): CompiledModel {
  const { poolOffset, demandOffset } = offsets(prepared);
  const { candidates, servesClassAt } = pruneRoutes(prepared, demandOffset);
  const { groups, groupOfDemand } = groupDemands(prepared, options, demandOffset, candidates);
  const periodWeight = 1 / prepared.periods;
  const model = new TaggedModelBuilder();
  const replicas = replicaRule(prepared, options, poolOffset, servesClassAt);
  const modelCaps = modelCapRule(prepared, poolOffset, servesClassAt);
  const rows = addRows(model, { prepared, options, poolOffset, groups, servesClassAt, replicas, modelCaps });
  const columns = addColumns(model, {
    prepared,
    options,
    periodWeight,
    poolOffset,
    groups,
    rows: rows.index,
    poolUsed: rows.poolUsed,
  });
  const layout: ModelLayout = {
    periods: prepared.periods,
    periodWeight,
    ...rows.index,
    ...columns,
    ...model.finishTags(),
    demandOffset,
    poolOffset,
    groups,
    groupOfDemand,
    candidates,
  };
  const names = modelNames(prepared, layout);
  return { lp: model.lp.build(names.column, names.row), layout };
}

/** First global pool index of each site and first global demand index of each region (one past the end last). */
export function offsets(prepared: PreparedInput): { poolOffset: Int32Array; demandOffset: Int32Array } {
  const { sites, regions } = prepared;
  const poolOffset = new Int32Array(sites.length + 1);
  for (let s = 0; s < sites.length; s++) poolOffset[s + 1] = poolOffset[s]! + sites[s]!.pools.length;
  const demandOffset = new Int32Array(regions.length + 1);
  for (let r = 0; r < regions.length; r++) demandOffset[r + 1] = demandOffset[r]! + regions[r]!.demands.length;
  return { poolOffset, demandOffset };
}
