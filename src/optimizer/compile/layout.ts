// The layout of a compiled model: which site, demand group, GPU pool, class and
// period each column and row stands for, and the lookups from those back to
// rows and columns. The interpreter reads the solution through it.
import { Int32Buffer, LpModelBuilder } from '../lp-model.js';

export interface Block {
  start: number;
  end: number;
}

export const inBlock = (index: number, block: Block): boolean => index >= block.start && index < block.end;

export interface DemandCandidates {
  /** site indices with a route, ascending */
  sites: number[];
  /** sites within the latency budget that could run the class but residency forbids */
  residencyBlocked: number;
  /** sites within the latency budget (any residency) that could run the class */
  withinLatency: number;
  /** sites within the latency budget and residency that have GPUs but none that can hold the model */
  withoutGpuForModel: number;
  /** sites within the latency budget and residency that could run it but the model's deployment rule forbids, ascending */
  modelRuleBlocked: number[];
  /** the model is unavailable: no site was considered */
  modelUnavailable: boolean;
}

export interface DemandGroup {
  classIndex: number;
  /** global demand indices (ascending) merged into this group */
  members: number[];
  /** the sites routes go to, ascending (the members' common candidate list) */
  sites: number[];
  /** region of the first member: for route costs (egress), which all members share */
  regionIndex: number;
  /** sum of the members' demand, ktok/s */
  demandKtokByPeriod: Float64Array;
}

/** What a column or row stands for; -1 where its kind has none. */
export interface ModelTags {
  /** site index */
  site: Int32Array;
  /** demand group index */
  group: Int32Array;
  /** GPU pool index within its site */
  pool: Int32Array;
  /** workload class (service) index */
  workloadClass: Int32Array;
  /** model index (replica and deploy rows and columns only) */
  model: Int32Array;
  period: Int32Array;
}

/** The rows by kind, and the lookups from (site, pool, group, class, period) to a row. */
export interface ModelRowIndex {
  demandRows: Block;
  balanceRows: Block;
  gpuRows: Block;
  capacityRows: Block;
  powerRows: Block;
  /** integer mode, pools that count replicas: occupancy of a model − its replicas' GPUs <= 0 */
  replicaRows: Block;
  /** sites whose model cap can bind (model-caps.ts): occupancy of a model on a pool − the pool's GPUs × deploy <= 0 */
  deployRows: Block;
  /** one per capped site: Σ deploy <= maxModels */
  modelCapRows: Block;
  /** [((global pool) * models + m) * periods + t] → deploy row, -1 = none */
  deployRowOf: Int32Array;
  /** [site] → models cap row, -1 = none */
  modelCapRowOf: Int32Array;
  /** -1 without a carbon cap */
  carbonRow: number;
  /** [((global pool) * models + m) * periods + t] → row, -1 = none */
  replicaRowOf: Int32Array;
  /** [group * periods + t] → row, -1 = none (no demand in that period) */
  demandRowOf: Int32Array;
  /** [(site * classes + class) * periods + t] → row, -1 = none */
  balanceRowOf: Int32Array;
  /** [(global pool) * periods + t] → row, -1 = none */
  gpuRowOf: Int32Array;
  /** [(global pool) * periods + t] → row, -1 = none */
  capacityRowOf: Int32Array;
  /** [site * periods + t] → row, -1 = none */
  powerRowOf: Int32Array;
}

/** The columns by kind, and the lookups to them. */
export interface ModelColumnIndex {
  routes: Block;
  unserved: Block;
  serve: Block;
  add: Block;
  busy: Block;
  /** whole replicas of a model on a pool (integer mode, pools that count replicas) */
  replicas: Block;
  /** [((global pool) * models + m) * periods + t] → replica column, -1 = none */
  replicaColumnOf: Int32Array;
  /** binary: model m deployed at a capped site */
  deploy: Block;
  /** [site * models + m] → deploy column, -1 = none */
  deployColumnOf: Int32Array;
  /**
   * [group * periods + t] → first route column, -1 = none; the routes of one
   * group and period are contiguous, in `groups[i].sites` order
   */
  routeStartOf: Int32Array;
  /** [(global pool)] → add column, -1 = none */
  addColumnOf: Int32Array;
  /** [(global pool) * periods + t] → busy column, -1 = none */
  busyColumnOf: Int32Array;
}

export interface ModelLayout extends ModelRowIndex, ModelColumnIndex {
  periods: number;
  /** 1 / periods: each period's share of the average hour */
  periodWeight: number;
  /** route (site, group, period), unserved (group, period), serve (site, pool, class, period), add (site, pool), busy (site, pool, period), replicas (site, pool, model, period), deploy (site, model) */
  columns: ModelTags;
  /** demand (group, period), balance (site, class, period), gpu and capacity (site, pool, period), power (site, period), replica and deploy (site, pool, model, period), models cap (site) */
  rows: ModelTags;
  /** first global demand index of each region; demand g = demandOffset[r] + d */
  demandOffset: Int32Array;
  /** first global pool index of each site */
  poolOffset: Int32Array;
  groups: DemandGroup[];
  /** global demand index → its group */
  groupOfDemand: Int32Array;
  /** by global demand index */
  candidates: DemandCandidates[];
}

export interface Tag {
  site?: number;
  group?: number;
  pool?: number;
  workloadClass?: number;
  model?: number;
  period?: number;
}

class TagRecorder {
  private readonly site = new Int32Buffer();
  private readonly group = new Int32Buffer();
  private readonly pool = new Int32Buffer();
  private readonly workloadClass = new Int32Buffer();
  private readonly model = new Int32Buffer();
  private readonly period = new Int32Buffer();
  push(tag: Tag): void {
    this.site.push(tag.site ?? -1);
    this.group.push(tag.group ?? -1);
    this.pool.push(tag.pool ?? -1);
    this.workloadClass.push(tag.workloadClass ?? -1);
    this.model.push(tag.model ?? -1);
    this.period.push(tag.period ?? -1);
  }
  finish(): ModelTags {
    return {
      site: this.site.finish(),
      group: this.group.finish(),
      pool: this.pool.finish(),
      workloadClass: this.workloadClass.finish(),
      model: this.model.finish(),
      period: this.period.finish(),
    };
  }
}

export interface ColumnSpec {
  lower: number;
  upper: number;
  cost: number;
  isInteger: boolean;
  rows: readonly number[];
  coefficients: readonly number[];
}

/** The LP builder with every row and column tagged as it is added. */
export class TaggedModelBuilder {
  readonly lp = new LpModelBuilder();
  private readonly columnTags = new TagRecorder();
  private readonly rowTags = new TagRecorder();

  addRow(lower: number, upper: number, tag: Tag): number {
    this.rowTags.push(tag);
    return this.lp.addRow(lower, upper);
  }

  addColumn(spec: ColumnSpec, tag: Tag): number {
    this.columnTags.push(tag);
    return this.lp.addColumn(spec.lower, spec.upper, spec.cost, spec.isInteger, spec.rows, spec.coefficients);
  }

  /** rows (or columns) added while `add` runs */
  rowBlock(add: () => void): Block {
    const start = this.lp.numRows;
    add();
    return { start, end: this.lp.numRows };
  }

  columnBlock(add: () => void): Block {
    const start = this.lp.numColumns;
    add();
    return { start, end: this.lp.numColumns };
  }

  finishTags(): { columns: ModelTags; rows: ModelTags } {
    return { columns: this.columnTags.finish(), rows: this.rowTags.finish() };
  }
}
