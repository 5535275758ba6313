// Runs solvePlacement in worker threads: the event loop stays free while
// HiGHS (synchronous WebAssembly) or javascript-lp-solver works, a solve can
// be cancelled, and a solver that ignores its time limit is stopped.
//
// Workers are reused (HiGHS loads once per worker) and kept unref'd while
// idle, so they never hold a process open.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { emptyResult, type PlanWithBasis } from './solve.js';
import {
  DEFAULT_PLAN_OPTIONS,
  parsePlanOptions,
  type PlanOptions,
  type PlanningInput,
  type PlanResult,
} from './types.js';
import type { StartBasisSource } from './warm-start.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

// Compiled, the worker is plain JS beside this file (dist/src/optimizer/).
// Under vitest/tsx this module is TypeScript source: the worker then boots
// through tsx's API. (`execArgv: ['--import', 'tsx']` does not do it on Node
// 20: the worker's entry module is resolved before that hook is in place.)
const runningFromSource = import.meta.url.endsWith('.ts');

/** tsx's ES-module API (its CommonJS build cannot register hooks from a worker). */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = require(manifestPath) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
}

function startWorker(): Worker {
  if (!runningFromSource) return new Worker(new URL('./worker.js', import.meta.url));
  const tsxApi = tsxEsmApiUrl();
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)})
    .then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })
    .catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(boot, { eval: true });
}

const MAX_IDLE_WORKERS = 2;
const idleWorkers: Worker[] = [];
let nextRequestId = 1;

export interface WorkerSolveOptions {
  signal?: AbortSignal;
  /** overrides options.timeLimitSeconds */
  timeLimitSeconds?: number;
  /** how long past the time limit the worker may run before it is stopped (default: 10% of the limit + 5 s) */
  graceMs?: number;
  /** where a warm start's basis is looked up (the plan store); absent = the solve starts cold */
  startBasis?: StartBasisSource;
}

/** Past the limit a worker still starts up, builds the model and interprets the plan; then it is stopped. */
export function hardDeadlineMs(timeLimitSeconds: number, graceMs?: number): number {
  return Math.round(timeLimitSeconds * 1000 + (graceMs ?? timeLimitSeconds * 100 + 5000));
}

function takeWorker(): Worker {
  const worker = idleWorkers.pop() ?? startWorker();
  worker.ref();
  return worker;
}

function releaseWorker(worker: Worker): void {
  if (idleWorkers.length < MAX_IDLE_WORKERS) {
    worker.unref();
    idleWorkers.push(worker);
  } else {
    void worker.terminate();
  }
}

/** Stops idle workers (at shutdown, or between test files). */
export async function closeSolverWorkers(): Promise<void> {
  const workers = idleWorkers.splice(0);
  await Promise.all(workers.map((worker) => worker.terminate()));
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The plan was cancelled', 'AbortError');
}

/**
 * solvePlacement in a worker thread. Resolves with the plan (status
 * `time_limit` when the solver stopped at the limit with a plan in hand, or
 * `error` with a message when there is none); rejects only when `signal`
 * aborts, with the signal's reason.
 */
export async function solvePlacementInWorker(
  input: PlanningInput,
  options: Partial<PlanOptions> = DEFAULT_PLAN_OPTIONS,
  solveOptions: WorkerSolveOptions = {},
): Promise<PlanResult> {
  return (await solvePlacementWithBasisInWorker(input, options, solveOptions)).result;
}

/** solvePlacementInWorker with the plan's final basis (solvePlacementWithBasis), able to start warm from `startBasis`. */
export function solvePlacementWithBasisInWorker(
  input: PlanningInput,
  options: Partial<PlanOptions> = DEFAULT_PLAN_OPTIONS,
  { signal, timeLimitSeconds, graceMs, startBasis }: WorkerSolveOptions = {},
): Promise<PlanWithBasis> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const effectiveOptions: Partial<PlanOptions> =
    timeLimitSeconds === undefined ? { ...options } : { ...options, timeLimitSeconds };
  const parsed = parsePlanOptions(effectiveOptions);
  if (!parsed.ok) {
    const message = `invalid options: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    return Promise.resolve({ result: emptyResult({ ...DEFAULT_PLAN_OPTIONS }, 'error', message), basis: null });
  }
  const planOptions = parsed.options;
  const worker = takeWorker();
  const id = nextRequestId++;
  const started = performance.now();

  return new Promise<PlanWithBasis>((resolve, reject) => {
    let settled = false;
    const finish = (keepWorker: boolean): void => {
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keepWorker) releaseWorker(worker);
      else void worker.terminate();
    };
    const fail = (message: string): void => {
      const result = emptyResult(planOptions, 'error', message);
      result.timings.totalMs = Math.round(performance.now() - started);
      resolve({ result, basis: null });
    };
    const answerBasisRequest = (structureKey: string): void => {
      // a failed look-up only costs the warm start
      const found = startBasis ? startBasis.find(structureKey).catch(() => null) : Promise.resolve(null);
      void found.then((offered) => {
        if (!settled) worker.postMessage({ kind: 'basis', id, offered } satisfies WorkerRequest);
      });
    };
    const onMessage = (response: WorkerResponse): void => {
      if (settled || response.id !== id) return;
      if (response.kind === 'find-basis') {
        answerBasisRequest(response.structureKey);
        return;
      }
      finish(true);
      if (response.ok) resolve({ result: response.result, basis: response.basis });
      else fail(`the optimizer failed: ${response.error}`);
    };
    const onError = (error: Error): void => {
      if (settled) return;
      finish(false);
      fail(`the optimizer worker crashed: ${error.message}`);
    };
    const onExit = (code: number): void => {
      if (settled) return;
      finish(false);
      fail(`the optimizer worker exited (code ${code}) before answering`);
    };
    const onAbort = (): void => {
      if (settled) return;
      finish(false);
      reject(abortReason(signal!));
    };
    const deadline = setTimeout(
      () => {
        if (settled) return;
        finish(false);
        fail(
          `the solver did not stop at the time limit of ${planOptions.timeLimitSeconds} s; ` +
            `it was stopped after ${((performance.now() - started) / 1000).toFixed(1)} s without a plan`,
        );
      },
      hardDeadlineMs(planOptions.timeLimitSeconds, graceMs),
    );

    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({
      kind: 'solve',
      id,
      input,
      options: planOptions,
      searchBasis: startBasis !== undefined,
    } satisfies WorkerRequest);
  });
}
