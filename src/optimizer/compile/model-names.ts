// Generated, sanitized names for the model's columns and rows:
// `route_<site>_<region>_<class>_<t>` and so on (see names.ts). Built on
// demand: most solves never ask for a name.
import { uniqueTokens } from '../names.js';
import type { PreparedInput } from '../prepare.js';
import { inBlock, type ModelLayout } from './layout.js';

export interface ModelNames {
  column(index: number): string;
  row(index: number): string;
}

export function modelNames(prepared: PreparedInput, layout: ModelLayout): ModelNames {
  const site = uniqueTokens(prepared.sites.map((s) => s.code));
  const region = uniqueTokens(prepared.regions.map((r) => r.code));
  // a service is named by its class alone while there is one model, else by model and class
  const oneModel = prepared.models.length === 1;
  const workloadClass = uniqueTokens(prepared.classes.map((c) => (oneModel ? c.code : `${c.modelCode}_${c.code}`)));
  const modelName = uniqueTokens(prepared.models.map((m) => m.code));
  const gpu = uniqueTokens(prepared.gpus.map((g) => g.code));
  // A group of one demand is named by its region; a larger group by its index.
  const groupName = (i: number): string => {
    const group = layout.groups[i]!;
    return group.members.length === 1 ? region[group.regionIndex]! : `group${i}`;
  };
  const classOfGroup = (i: number) => workloadClass[layout.groups[i]!.classIndex]!;
  const gpuOfPool = (s: number, p: number) => gpu[prepared.sites[s]!.pools[p]!.gpuIndex]!;
  const { columns, rows } = layout;
  return {
    column(j: number): string {
      const s = columns.site[j]!;
      const group = columns.group[j]!;
      const pool = columns.pool[j]!;
      const t = columns.period[j]!;
      if (inBlock(j, layout.routes)) return `route_${site[s]}_${groupName(group)}_${classOfGroup(group)}_${t}`;
      if (inBlock(j, layout.unserved)) return `unserved_${groupName(group)}_${classOfGroup(group)}_${t}`;
      if (inBlock(j, layout.serve)) {
        return `serve_${site[s]}_${gpuOfPool(s, pool)}_${workloadClass[columns.workloadClass[j]!]}_${t}`;
      }
      if (inBlock(j, layout.add)) return `add_${site[s]}_${gpuOfPool(s, pool)}`;
      if (inBlock(j, layout.replicas))
        return `replicas_${site[s]}_${gpuOfPool(s, pool)}_${modelName[columns.model[j]!]}_${t}`;
      if (inBlock(j, layout.deploy)) return `deploy_${site[s]}_${modelName[columns.model[j]!]}`;
      return `busy_${site[s]}_${gpuOfPool(s, pool)}_${t}`;
    },
    row(i: number): string {
      const s = rows.site[i]!;
      const t = rows.period[i]!;
      if (inBlock(i, layout.demandRows))
        return `demand_${groupName(rows.group[i]!)}_${classOfGroup(rows.group[i]!)}_${t}`;
      if (inBlock(i, layout.balanceRows)) return `balance_${site[s]}_${workloadClass[rows.workloadClass[i]!]}_${t}`;
      if (inBlock(i, layout.gpuRows)) return `gpu_${site[s]}_${gpuOfPool(s, rows.pool[i]!)}_${t}`;
      if (inBlock(i, layout.capacityRows)) return `capacity_${site[s]}_${gpuOfPool(s, rows.pool[i]!)}_${t}`;
      if (inBlock(i, layout.powerRows)) return `power_${site[s]}_${t}`;
      if (inBlock(i, layout.replicaRows))
        return `replica_${site[s]}_${gpuOfPool(s, rows.pool[i]!)}_${modelName[rows.model[i]!]}_${t}`;
      if (inBlock(i, layout.deployRows))
        return `deploy_${site[s]}_${gpuOfPool(s, rows.pool[i]!)}_${modelName[rows.model[i]!]}_${t}`;
      if (inBlock(i, layout.modelCapRows)) return `models_cap_${site[s]}`;
      return 'carbon_cap';
    },
  };
}
