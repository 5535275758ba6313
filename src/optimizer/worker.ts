// Worker-thread entry: solves one placement per message, off the main event
// loop. HiGHS stays loaded between messages because the worker is reused.
// A solve that may start warm asks the parent for a stored basis once its
// model is compiled (the database is the parent's): a `find-basis` message out,
// a `basis` message back.
import { parentPort } from 'node:worker_threads';
import { solvePlacementWithBasis } from './solve.js';
import type { LpBasis } from './solvers/outcome.js';
import type { PlanOptions, PlanningInput, PlanResult } from './types.js';
import type { OfferedBasis, StartBasisSource } from './warm-start.js';

export interface WorkerSolveRequest {
  kind: 'solve';
  id: number;
  input: PlanningInput;
  options: Partial<PlanOptions>;
  /** the parent can look up a stored basis (answers `find-basis`) */
  searchBasis: boolean;
}

export interface WorkerBasisAnswer {
  kind: 'basis';
  id: number;
  offered: OfferedBasis | null;
}

export type WorkerRequest = WorkerSolveRequest | WorkerBasisAnswer;

export type WorkerResponse =
  | { kind: 'result'; id: number; ok: true; result: PlanResult; basis: LpBasis | null }
  | { kind: 'result'; id: number; ok: false; error: string }
  | { kind: 'find-basis'; id: number; structureKey: string };

if (!parentPort) throw new Error('the optimizer worker must run in a worker thread');
const port = parentPort;

const waitingForBasis = new Map<number, (offered: OfferedBasis | null) => void>();

function basisFromParent(id: number): StartBasisSource {
  return {
    find: (structureKey) =>
      new Promise((resolve) => {
        waitingForBasis.set(id, resolve);
        port.postMessage({ kind: 'find-basis', id, structureKey } satisfies WorkerResponse);
      }),
  };
}

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'basis') {
    waitingForBasis.get(request.id)?.(request.offered);
    waitingForBasis.delete(request.id);
    return;
  }
  const source = request.searchBasis ? basisFromParent(request.id) : undefined;
  solvePlacementWithBasis(request.input, request.options, source).then(
    ({ result, basis }) =>
      port.postMessage({ kind: 'result', id: request.id, ok: true, result, basis } satisfies WorkerResponse),
    (error: unknown) =>
      port.postMessage({
        kind: 'result',
        id: request.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies WorkerResponse),
  );
});
