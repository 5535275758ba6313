// Column generation on a plan's route columns: when it runs (the plan option
// `columnGeneration`, and `auto`'s measured size), its candidate buckets (the
// routes of one demand group and period, contiguous in the layout) and the
// plan's note on it.
import type { CompiledModel } from './compile.js';
import { integerColumnCount } from './lp-model.js';
import {
  solveWithColumnGeneration,
  type CandidateBuckets,
  type ColumnGenerationOutcome,
  type ColumnGenerationStats,
} from './solvers/column-generation.js';
import { openHighsMaster } from './solvers/highs-master.js';
import type { SolverSettings } from './solvers/outcome.js';
import type { PlanOptions, SolverName } from './types.js';

/**
 * `auto` generates route columns from this many route columns on, when a
 * demand row has at least this many candidate routes on average (the first
 * master takes about 10 per row plus a greedy fill, so rows with few candidates
 * gain nothing). Measured in one process per size on the synthetic cases
 * (2-core machine, CPU time, full LP vs column generation): 100×25 (3.0k
 * routes, 30 per row) 76 vs 158 ms; 200×50 (12.6k, 63 per row) 618 vs 380 ms;
 * 500×100 (64k, 161 per row) 7.4–9.0 s vs 2.4 s; the seven-model fixtures over
 * 24 periods (61k routes, few per row) 1.8 vs 2.6 s.
 */
export const COLUMN_GENERATION_MIN_ROUTE_COLUMNS = 8_000;
export const COLUMN_GENERATION_MIN_ROUTES_PER_DEMAND_ROW = 40;

export function usesColumnGeneration(options: PlanOptions, solver: SolverName, compiled: CompiledModel): boolean {
  if (solver !== 'highs' || options.columnGeneration === 'off') return false;
  if (integerColumnCount(compiled.lp) > 0) return false;
  const routes = compiled.layout.routes.end - compiled.layout.routes.start;
  if (routes === 0) return false;
  if (options.columnGeneration === 'on') return true;
  const demandRows = compiled.layout.demandRows.end - compiled.layout.demandRows.start;
  return (
    routes >= COLUMN_GENERATION_MIN_ROUTE_COLUMNS && routes >= COLUMN_GENERATION_MIN_ROUTES_PER_DEMAND_ROW * demandRows
  );
}

/** One bucket per demand row: the routes of one demand group in one period. */
export function routeBuckets({ layout }: CompiledModel): CandidateBuckets {
  const starts: number[] = [];
  const ends: number[] = [];
  const rows: number[] = [];
  layout.groups.forEach((group, i) => {
    for (let t = 0; t < layout.periods; t++) {
      const start = layout.routeStartOf[i * layout.periods + t]!;
      if (start < 0 || group.sites.length === 0) continue;
      starts.push(start);
      ends.push(start + group.sites.length);
      rows.push(layout.demandRowOf[i * layout.periods + t]!);
    }
  });
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends), rows: Int32Array.from(rows) };
}

export function solveRoutesByColumnGeneration(
  compiled: CompiledModel,
  settings: SolverSettings,
): Promise<ColumnGenerationOutcome> {
  return solveWithColumnGeneration(compiled.lp, routeBuckets(compiled), openHighsMaster, settings);
}

/** "column generation: 7 rounds, 17% of 279,859 route columns generated, 5.6 s" */
export function columnGenerationNote(stats: ColumnGenerationStats): string {
  const share = stats.candidateColumns > 0 ? (100 * stats.generatedColumns) / stats.candidateColumns : 0;
  const shareText = share < 1 ? share.toFixed(1) : share.toFixed(0);
  const seconds = stats.solveMs / 1000;
  return `column generation: ${stats.rounds} round${stats.rounds === 1 ? '' : 's'}, ${shareText}% of ${stats.candidateColumns.toLocaleString('en-US')} route columns generated, ${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}
