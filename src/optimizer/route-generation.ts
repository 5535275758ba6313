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
 * `auto` generates route columns from this many route columns on. Measured
 * with bench/solver on the synthetic cases (2-core machine): see the commit
 * that set it.
 */
export const COLUMN_GENERATION_MIN_ROUTE_COLUMNS = 20_000;

export function usesColumnGeneration(options: PlanOptions, solver: SolverName, compiled: CompiledModel): boolean {
  if (solver !== 'highs' || options.columnGeneration === 'off') return false;
  if (integerColumnCount(compiled.lp) > 0) return false;
  const routes = compiled.layout.routes.end - compiled.layout.routes.start;
  if (routes === 0) return false;
  return options.columnGeneration === 'on' || routes >= COLUMN_GENERATION_MIN_ROUTE_COLUMNS;
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
