// Worker-thread entry: solves one placement per message, off the main event
// loop. HiGHS stays loaded between messages because the worker is reused.
import { parentPort } from 'node:worker_threads';
import { solvePlacement } from './solve.js';
import type { PlanOptions, PlanningInput, PlanResult } from './types.js';

export interface WorkerRequest {
  id: number;
  input: PlanningInput;
  options: Partial<PlanOptions>;
}

export type WorkerResponse = { id: number; ok: true; result: PlanResult } | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('the optimizer worker must run in a worker thread');

port.on('message', (request: WorkerRequest) => {
  solvePlacement(request.input, request.options).then(
    (result) => port.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies WorkerResponse),
  );
});
