// The layout's rules, checked on src/ (issue #10): no import cycle between
// files, and no import from a lower layer to a higher one. src/generated
// (Prisma's client and Pothos's types) is generated code and not walked.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers, findCycles, readImportGraph, type Layers } from './import-graph.js';

/**
 * Low to high: a file may import from its own layer or a lower one. Within a
 * layer any direction is allowed (cycles never are). The longest matching
 * entry places a file, so a single file can sit above its directory.
 */
const LAYERS: Layers = [
  // the solver and its model: pure, takes a PlanningInput snapshot, imports nothing outside itself
  ['optimizer/'],
  // leaf utilities: domain errors and error codes, the package's paths, the loopback check
  ['errors.ts', 'paths.ts', 'net.ts'],
  // the planning data (records, CSV/JSON, checks) and the rules on it (costs, cooling, reach)
  ['dataset/', 'domain/'],
  // start-up settings (the environment, the request limits) and logs/metrics
  ['config.ts', 'limits-config.ts', 'observability/'],
  // the database: client, migrations, stores, the snapshot a plan reads
  ['db/'],
  // the use cases: plans, scenarios, schedules (they may use each other)
  ['plans/', 'scenarios/', 'schedules/'],
  // the pg-boss queue and the jobs on it; jobs/runtime.ts starts the queue, the solve workers and
  // the schedule runner and wires them (the runner enqueues through the plan jobs, they call it back)
  ['jobs/'],
  // API keys and who is calling
  ['auth/'],
  // the schema: types, resolvers (thin: validate, call a service, map errors)
  ['graphql/'],
  // HTTP: yoga, limits, health, static files
  ['server/'],
  // the entry point: the CLI (serve, worker and the short commands)
  ['cli/'],
];

const SRC = join(import.meta.dirname, '..', '..', 'src');
const { graph, unresolved } = readImportGraph(SRC, ['generated']);

describe('the import graph of src/', () => {
  it('is read: every relative import names a file', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(unresolved).toEqual([]);
  });

  it('has no cycle between files', () => {
    const cycles = findCycles(graph).map((cycle) => cycle.join(' -> '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('imports only down the layers (optimizer < errors, paths < dataset, domain < … < cli)', () => {
    const { upward, unplaced } = checkLayers(graph, LAYERS);
    expect(unplaced, `files in no layer (add them to LAYERS):\n${unplaced.join('\n')}`).toEqual([]);
    expect(upward, `imports from a lower layer to a higher one:\n${upward.join('\n')}`).toEqual([]);
  });

  it('keeps src/optimizer a leaf: it imports nothing outside itself', () => {
    const outside = [...graph]
      .filter(([from]) => from.startsWith('optimizer/'))
      .flatMap(([from, targets]) =>
        [...targets].filter((to) => !to.startsWith('optimizer/')).map((to) => `${from} -> ${to}`),
      );
    expect(outside).toEqual([]);
  });
});
