// Prometheus metrics, one registry per server (tests start many in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  requestSeconds: Histogram<'operation' | 'outcome'>;
  rejected: Counter<'reason'>;
  queueDepth: Gauge;
  solvesRunning: Gauge;
  solveSeconds: Histogram<'solver' | 'status'>;
  planOutcomes: Counter<'status'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tokengrid_process_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'tokengrid_graphql_requests_total',
      help: 'GraphQL operations by operation name and outcome (ok, error, rejected)',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'tokengrid_graphql_request_duration_seconds',
      help: 'GraphQL operation duration by operation name and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    rejected: new Counter({
      name: 'tokengrid_rejected_requests_total',
      help: 'Requests refused before execution, by reason (auth, rate_limit, depth, complexity, size, …)',
      labelNames: ['reason'],
      registers,
    }),
    queueDepth: new Gauge({ name: 'tokengrid_solve_queue_depth', help: 'Solve jobs waiting to be taken', registers }),
    solvesRunning: new Gauge({ name: 'tokengrid_solves_running', help: 'Solves running in this process', registers }),
    solveSeconds: new Histogram({
      name: 'tokengrid_solve_duration_seconds',
      help: 'Solve wall time by solver and status',
      labelNames: ['solver', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    planOutcomes: new Counter({
      name: 'tokengrid_plan_outcomes_total',
      help: 'Finished plans by final status',
      labelNames: ['status'],
      registers,
    }),
  };
}
