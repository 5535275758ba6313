// Model compiler: PreparedInput + PlanOptions → LpModel plus the layout that
// maps columns and rows back to sites, regions, classes and periods.
//
// Units inside the model (keep coefficients near 1; see DESIGN.md):
//   flows in thousands of tokens/s (ktok/s), costs in $/h averaged over the
//   periods, power in kW, GPUs in GPUs, carbon in tonnes/h.
//
// Variables (DESIGN.md "The placement model"), in this column order:
//   route[s,r,k,t]   ktok/s of region r's class-k demand served at site s;
//                    created only within the latency budget and residency rules
//                    and where the site has a GPU type able to run class k
//   unserved[r,k,t]  ktok/s left unserved, at the penalty price
//
// Demands of one class whose regions may use exactly the same sites at the
// same route costs are interchangeable, so they share one demand row and one
// set of routes (a "demand group"; the interpreter splits the flows back in
// proportion to demand). This is exact, and it collapses classes with loose
// or no latency budgets (batch: sites × regions routes → sites × a few).
// Not done under maxSiteShare, whose limit is per region.
//   serve[s,g,k,t]   ktok/s of class k run on GPU type g at site s
//   add[s,g]         GPUs bought (expansion only)
//   busy[s,g,t]      whole GPUs held (integer mode only)
import { LpModelBuilder, type LpModel } from './lp-model.js';
import { uniqueTokens } from './names.js';
import type { PreparedInput } from './prepare.js';
import type { PlanOptions } from './types.js';

/** one ktok/s for an hour is 3.6 million tokens */
export const MILLION_TOKENS_PER_KTOK_HOUR = 3.6;
export const TOKENS_PER_KTOK = 1000;

export interface Block {
  start: number;
  end: number;
}

export interface DemandCandidates {
  /** site indices with a route, ascending */
  sites: number[];
  /** sites within the latency budget that could run the class but residency forbids */
  residencyBlocked: number;
  /** sites within the latency budget (any residency) that could run the class */
  withinLatency: number;
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

export interface ModelLayout {
  periods: number;
  /** 1 / periods: each period's share of the average hour */
  periodWeight: number;
  routes: Block;
  unserved: Block;
  serve: Block;
  add: Block;
  busy: Block;
  /** per column: route (site, group, -), unserved (group, -, -), serve (site, pool, class), add/busy (site, pool, -) */
  columnA: Int32Array;
  columnB: Int32Array;
  columnC: Int32Array;
  columnPeriod: Int32Array;
  demandRows: Block;
  balanceRows: Block;
  gpuRows: Block;
  capacityRows: Block;
  powerRows: Block;
  /** -1 without a carbon cap */
  carbonRow: number;
  /** per row: demand (group, -), balance (site, class), gpu/capacity (site, pool), power (site, -) */
  rowA: Int32Array;
  rowB: Int32Array;
  rowPeriod: Int32Array;
  /** first global demand index of each region; demand g = demandOffset[r] + d */
  demandOffset: Int32Array;
  /** first global pool index of each site */
  poolOffset: Int32Array;
  /** [(global pool) * periods + t] → row, -1 = none */
  gpuRowOf: Int32Array;
  /** [site * periods + t] → row, -1 = none */
  powerRowOf: Int32Array;
  /** [group * periods + t] → row, -1 = none (no demand in that period) */
  demandRowOf: Int32Array;
  /** [(global pool)] → add column, -1 = none */
  addColumnOf: Int32Array;
  /** [(global pool) * periods + t] → busy column, -1 = none */
  busyColumnOf: Int32Array;
  /**
   * [group * periods + t] → first route column, -1 = none; the routes of one
   * group and period are contiguous, in `groups[i].sites` order
   */
  routeStartOf: Int32Array;
  groups: DemandGroup[];
  /** global demand index → its group */
  groupOfDemand: Int32Array;
  /** by global demand index */
  candidates: DemandCandidates[];
}

export interface CompiledModel {
  lp: LpModel;
  layout: ModelLayout;
}

export function crossesBorder(siteCountry: string, regionCountry: string | null): boolean {
  return regionCountry === null || siteCountry !== regionCountry;
}

export function compileModel(prepared: PreparedInput, options: PlanOptions): CompiledModel {
  const { sites, regions, gpus, classes } = prepared;
  const T = prepared.periods;
  const K = classes.length;
  const R = regions.length;
  const weight = 1 / T;
  const amortized = options.capexMode === 'AMORTIZED';
  const integer = options.integerGpus;
  const b = new LpModelBuilder();

  // Per-column and per-row descriptors, filled as we go.
  const colA: number[] = [];
  const colB: number[] = [];
  const colC: number[] = [];
  const colT: number[] = [];
  const rowA: number[] = [];
  const rowB: number[] = [];
  const rowT: number[] = [];
  const row = (lower: number, upper: number, a: number, bb: number, t: number): number => {
    rowA.push(a);
    rowB.push(bb);
    rowT.push(t);
    return b.addRow(lower, upper);
  };
  const column = (
    lower: number,
    upper: number,
    cost: number,
    isInteger: boolean,
    rows: number[],
    coefficients: number[],
    a: number,
    bb: number,
    c: number,
    t: number,
  ): number => {
    colA.push(a);
    colB.push(bb);
    colC.push(c);
    colT.push(t);
    return b.addColumn(lower, upper, cost, isInteger, rows, coefficients);
  };

  const poolOffset = new Int32Array(sites.length + 1);
  for (let s = 0; s < sites.length; s++) poolOffset[s + 1] = poolOffset[s]! + sites[s]!.pools.length;
  const totalPools = poolOffset[sites.length]!;
  const demandOffset = new Int32Array(R + 1);
  for (let r = 0; r < R; r++) demandOffset[r + 1] = demandOffset[r]! + regions[r]!.demands.length;
  const totalDemands = demandOffset[R]!;

  // Which classes each site can run at all (some pool whose GPU type has a throughput for it).
  const siteRunsClass = new Uint8Array(sites.length * K);
  for (let s = 0; s < sites.length; s++) {
    for (const pool of sites[s]!.pools) {
      const thr = gpus[pool.gpuIndex]!.tokensPerSecondByClass;
      for (let k = 0; k < K; k++) if (thr[k]! > 0 && sites[s]!.powerCapKw > 0) siteRunsClass[s * K + k] = 1;
    }
  }

  // Pass 1: prune routes (latency, residency, GPU type) and note which balance rows are needed.
  const candidates: DemandCandidates[] = new Array(totalDemands);
  const needBalance = new Uint8Array(sites.length * K * T);
  for (let r = 0; r < R; r++) {
    const region = regions[r]!;
    region.demands.forEach((demand, d) => {
      const k = demand.classIndex;
      const list: number[] = [];
      let residencyBlocked = 0;
      let withinLatency = 0;
      for (let s = 0; s < sites.length; s++) {
        if (!siteRunsClass[s * K + k]) continue;
        const rtt = prepared.rttMs[s * R + r]!;
        // Without a budget any site will do; with one, an unknown RTT counts as too far.
        const latencyOk = demand.rttBudgetMs === null || (!Number.isNaN(rtt) && rtt <= demand.rttBudgetMs);
        if (!latencyOk) continue;
        withinLatency++;
        if (region.allowedCountries !== null && !region.allowedCountries.has(sites[s]!.country)) {
          residencyBlocked++;
          continue;
        }
        list.push(s);
        for (let t = 0; t < T; t++) if (demand.tokensPerSecondByPeriod[t]! > 0) needBalance[(s * K + k) * T + t] = 1;
      }
      candidates[demandOffset[r]! + d] = { sites: list, residencyBlocked, withinLatency };
    });
  }

  // Demand groups: same class, same candidate sites, same route costs.
  const groups: DemandGroup[] = [];
  const groupOfDemand = new Int32Array(totalDemands).fill(-1);
  const groupByKey = new Map<string, number>();
  const egressPriced = options.egressPricePerMillionTokens > 0;
  for (let r = 0; r < R; r++) {
    regions[r]!.demands.forEach((demand, d) => {
      const g = demandOffset[r]! + d;
      const list = candidates[g]!.sites;
      const key =
        options.maxSiteShare === null && list.length > 0
          ? `${demand.classIndex}|${egressPriced ? String(regions[r]!.country) : ''}|${list.join(',')}`
          : null;
      let group = key === null ? undefined : groupByKey.get(key);
      if (group === undefined) {
        group = groups.length;
        groups.push({
          classIndex: demand.classIndex,
          members: [],
          sites: list,
          regionIndex: r,
          demandKtokByPeriod: new Float64Array(T),
        });
        if (key !== null) groupByKey.set(key, group);
      }
      groupOfDemand[g] = group;
      const entry = groups[group]!;
      entry.members.push(g);
      for (let t = 0; t < T; t++) entry.demandKtokByPeriod[t]! += demand.tokensPerSecondByPeriod[t]! / TOKENS_PER_KTOK;
    });
  }

  // Rows.
  const demandRowOf = new Int32Array(groups.length * T).fill(-1);
  const demandStart = b.numRows;
  groups.forEach((group, i) => {
    for (let t = 0; t < T; t++) {
      const ktokPerSecond = group.demandKtokByPeriod[t]!;
      if (ktokPerSecond > 0) demandRowOf[i * T + t] = row(ktokPerSecond, ktokPerSecond, i, -1, t);
    }
  });
  const demandRows = { start: demandStart, end: b.numRows };

  const balanceRowOf = new Int32Array(sites.length * K * T).fill(-1);
  const balanceStart = b.numRows;
  for (let s = 0; s < sites.length; s++) {
    for (let k = 0; k < K; k++) {
      for (let t = 0; t < T; t++) {
        if (needBalance[(s * K + k) * T + t]) balanceRowOf[(s * K + k) * T + t] = row(0, 0, s, k, t);
      }
    }
  }
  const balanceRows = { start: balanceStart, end: b.numRows };

  // A pool gets a row in period t when it can run some class the site serves then.
  const gpuRowOf = new Int32Array(totalPools * T).fill(-1);
  const gpuStart = b.numRows;
  const poolUsed = new Uint8Array(totalPools);
  for (let s = 0; s < sites.length; s++) {
    sites[s]!.pools.forEach((pool, p) => {
      const thr = gpus[pool.gpuIndex]!.tokensPerSecondByClass;
      for (let t = 0; t < T; t++) {
        let runs = false;
        for (let k = 0; k < K && !runs; k++) runs = thr[k]! > 0 && needBalance[(s * K + k) * T + t] === 1;
        if (!runs) continue;
        poolUsed[poolOffset[s]! + p] = 1;
        // LP: occupancy − add <= installed.  Integer: occupancy − busy <= 0.
        gpuRowOf[(poolOffset[s]! + p) * T + t] = row(-Infinity, integer ? 0 : pool.installed, s, p, t);
      }
    });
  }
  const gpuRows = { start: gpuStart, end: b.numRows };

  // Integer mode with expansion: busy − add <= installed.
  const capacityRowOf = new Int32Array(totalPools * T).fill(-1);
  const capacityStart = b.numRows;
  if (integer) {
    for (let s = 0; s < sites.length; s++) {
      sites[s]!.pools.forEach((pool, p) => {
        if (pool.buyable <= 0 || !poolUsed[poolOffset[s]! + p]) return;
        for (let t = 0; t < T; t++) {
          if (gpuRowOf[(poolOffset[s]! + p) * T + t]! >= 0) {
            capacityRowOf[(poolOffset[s]! + p) * T + t] = row(-Infinity, pool.installed, s, p, t);
          }
        }
      });
    }
  }
  const capacityRows = { start: capacityStart, end: b.numRows };

  const powerRowOf = new Int32Array(sites.length * T).fill(-1);
  const powerStart = b.numRows;
  for (let s = 0; s < sites.length; s++) {
    for (let t = 0; t < T; t++) {
      let serves = false;
      for (let k = 0; k < K && !serves; k++) serves = needBalance[(s * K + k) * T + t] === 1;
      if (serves) powerRowOf[s * T + t] = row(-Infinity, sites[s]!.powerCapKw, s, -1, t);
    }
  }
  const powerRows = { start: powerStart, end: b.numRows };

  const carbonRow =
    options.carbonCapTonnesPerHour === null ? -1 : row(-Infinity, options.carbonCapTonnesPerHour, -1, -1, -1);

  // Columns: routes.
  const egressPerKtokHour = options.egressPricePerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * weight;
  const routeStart = b.numColumns;
  const routeStartOf = new Int32Array(groups.length * T).fill(-1);
  for (let t = 0; t < T; t++) {
    groups.forEach((group, i) => {
      const demandRow = demandRowOf[i * T + t]!;
      if (demandRow < 0) return;
      const region = regions[group.regionIndex]!;
      const upper = options.maxSiteShare === null ? Infinity : options.maxSiteShare * group.demandKtokByPeriod[t]!;
      routeStartOf[i * T + t] = b.numColumns;
      for (const s of group.sites) {
        const cost = crossesBorder(sites[s]!.country, region.country) ? egressPerKtokHour : 0;
        const balanceRow = balanceRowOf[(s * K + group.classIndex) * T + t]!;
        column(0, upper, cost, false, [demandRow, balanceRow], [1, 1], s, i, -1, t);
      }
    });
  }
  const routes = { start: routeStart, end: b.numColumns };

  const penaltyPerKtokHour = options.unservedPenaltyPerMillionTokens * MILLION_TOKENS_PER_KTOK_HOUR * weight;
  const unservedStart = b.numColumns;
  for (let t = 0; t < T; t++) {
    groups.forEach((_group, i) => {
      const demandRow = demandRowOf[i * T + t]!;
      if (demandRow >= 0) column(0, Infinity, penaltyPerKtokHour, false, [demandRow], [1], i, -1, -1, t);
    });
  }
  const unserved = { start: unservedStart, end: b.numColumns };

  const serveStart = b.numColumns;
  const tonnesPerGram = 1e-6;
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s]!;
    site.pools.forEach((pool, p) => {
      const gpu = gpus[pool.gpuIndex]!;
      for (let k = 0; k < K; k++) {
        const tokensPerSecond = gpu.tokensPerSecondByClass[k]!;
        if (!(tokensPerSecond > 0)) continue;
        const gpusPerKtok = TOKENS_PER_KTOK / tokensPerSecond;
        const occupancyPerKtok = gpusPerKtok / options.targetUtilization;
        const facilityKwPerKtok = gpusPerKtok * gpu.powerKw * site.pue;
        const carbonTonnesPerKtokHour = facilityKwPerKtok * site.carbonGramsPerKwh * tonnesPerGram;
        for (let t = 0; t < T; t++) {
          const balanceRow = balanceRowOf[(s * K + k) * T + t]!;
          if (balanceRow < 0) continue;
          const cost =
            weight *
            (facilityKwPerKtok * site.pricePerKwhByPeriod[t]! +
              carbonTonnesPerKtokHour * options.carbonPricePerTonne +
              (amortized && !integer ? occupancyPerKtok * gpu.capexPerHour : 0));
          const rows = [balanceRow, gpuRowOf[(poolOffset[s]! + p) * T + t]!, powerRowOf[s * T + t]!];
          const coefficients = [-1, occupancyPerKtok, facilityKwPerKtok];
          if (carbonRow >= 0) {
            rows.push(carbonRow);
            coefficients.push(weight * carbonTonnesPerKtokHour);
          }
          column(0, Infinity, cost, false, rows, coefficients, s, p, k, t);
        }
      }
    });
  }
  const serve = { start: serveStart, end: b.numColumns };

  const addColumnOf = new Int32Array(totalPools).fill(-1);
  const addStart = b.numColumns;
  for (let s = 0; s < sites.length; s++) {
    sites[s]!.pools.forEach((pool, p) => {
      const g = poolOffset[s]! + p;
      if (pool.buyable <= 0 || !poolUsed[g]) return;
      const rows: number[] = [];
      for (let t = 0; t < T; t++) {
        const target = integer ? capacityRowOf[g * T + t]! : gpuRowOf[g * T + t]!;
        if (target >= 0) rows.push(target);
      }
      // SUNK: a bought GPU costs its capex every hour. AMORTIZED: it is paid through busy hours.
      const cost = amortized ? 0 : gpus[pool.gpuIndex]!.capexPerHour;
      addColumnOf[g] = column(
        0,
        pool.buyable,
        cost,
        integer,
        rows,
        rows.map(() => -1),
        s,
        p,
        -1,
        -1,
      );
    });
  }
  const add = { start: addStart, end: b.numColumns };

  const busyColumnOf = new Int32Array(totalPools * T).fill(-1);
  const busyStart = b.numColumns;
  if (integer) {
    for (let s = 0; s < sites.length; s++) {
      sites[s]!.pools.forEach((pool, p) => {
        const g = poolOffset[s]! + p;
        const capex = gpus[pool.gpuIndex]!.capexPerHour;
        for (let t = 0; t < T; t++) {
          const gpuRow = gpuRowOf[g * T + t]!;
          if (gpuRow < 0) continue;
          const rows = [gpuRow];
          const coefficients = [-1];
          const capacityRow = capacityRowOf[g * T + t]!;
          if (capacityRow >= 0) {
            rows.push(capacityRow);
            coefficients.push(1);
          }
          busyColumnOf[g * T + t] = column(
            0,
            pool.installed + pool.buyable,
            amortized ? weight * capex : 0,
            true,
            rows,
            coefficients,
            s,
            p,
            -1,
            t,
          );
        }
      });
    }
  }
  const busy = { start: busyStart, end: b.numColumns };

  const layout: ModelLayout = {
    periods: T,
    periodWeight: weight,
    routes,
    unserved,
    serve,
    add,
    busy,
    columnA: Int32Array.from(colA),
    columnB: Int32Array.from(colB),
    columnC: Int32Array.from(colC),
    columnPeriod: Int32Array.from(colT),
    demandRows,
    balanceRows,
    gpuRows,
    capacityRows,
    powerRows,
    carbonRow,
    rowA: Int32Array.from(rowA),
    rowB: Int32Array.from(rowB),
    rowPeriod: Int32Array.from(rowT),
    demandOffset,
    poolOffset,
    gpuRowOf,
    powerRowOf,
    demandRowOf,
    addColumnOf,
    busyColumnOf,
    routeStartOf,
    groups,
    groupOfDemand,
    candidates,
  };
  const namer = modelNamer(prepared, layout);
  return { lp: b.build(namer.column, namer.row), layout };
}

const inBlock = (index: number, block: Block): boolean => index >= block.start && index < block.end;

/** Generated, sanitized names: `route_<site>_<region>_<class>_<t>` and so on. */
function modelNamer(prepared: PreparedInput, layout: ModelLayout) {
  const site = uniqueTokens(prepared.sites.map((s) => s.code));
  const region = uniqueTokens(prepared.regions.map((r) => r.code));
  const klass = uniqueTokens(prepared.classes.map((c) => c.code));
  const gpu = uniqueTokens(prepared.gpus.map((g) => g.code));
  // A group of one demand is named by its region; a larger group by its index.
  const groupToken = (i: number): string => {
    const group = layout.groups[i]!;
    return group.members.length === 1 ? region[group.regionIndex]! : `pool${i}`;
  };
  const classOfGroup = (i: number) => klass[layout.groups[i]!.classIndex]!;
  const gpuOfPool = (s: number, p: number) => gpu[prepared.sites[s]!.pools[p]!.gpuIndex]!;
  return {
    column(j: number): string {
      const a = layout.columnA[j]!;
      const bb = layout.columnB[j]!;
      const c = layout.columnC[j]!;
      const t = layout.columnPeriod[j]!;
      if (inBlock(j, layout.routes)) return `route_${site[a]}_${groupToken(bb)}_${classOfGroup(bb)}_${t}`;
      if (inBlock(j, layout.unserved)) return `unserved_${groupToken(a)}_${classOfGroup(a)}_${t}`;
      if (inBlock(j, layout.serve)) return `serve_${site[a]}_${gpuOfPool(a, bb)}_${klass[c]}_${t}`;
      if (inBlock(j, layout.add)) return `add_${site[a]}_${gpuOfPool(a, bb)}`;
      return `busy_${site[a]}_${gpuOfPool(a, bb)}_${t}`;
    },
    row(i: number): string {
      const a = layout.rowA[i]!;
      const bb = layout.rowB[i]!;
      const t = layout.rowPeriod[i]!;
      if (inBlock(i, layout.demandRows)) return `demand_${groupToken(a)}_${classOfGroup(a)}_${t}`;
      if (inBlock(i, layout.balanceRows)) return `balance_${site[a]}_${klass[bb]}_${t}`;
      if (inBlock(i, layout.gpuRows)) return `gpu_${site[a]}_${gpuOfPool(a, bb)}_${t}`;
      if (inBlock(i, layout.capacityRows)) return `capacity_${site[a]}_${gpuOfPool(a, bb)}_${t}`;
      if (inBlock(i, layout.powerRows)) return `power_${site[a]}_${t}`;
      return 'carbon_cap';
    },
  };
}
