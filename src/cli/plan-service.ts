// `tokengrid plan --async | --wait`: the plan and its solve job are created in
// the database by the same path as requestPlan (src/plans/request.ts); --wait
// then follows the plan to its final status, showing status and elapsed time.
import type { Database } from '../db/database.js';
import { AS_SHOWN, storedPlanResult, storedScenarioCode, type PlanRow } from '../db/plan-store.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { PlanJobs } from '../jobs/plan-jobs.js';
import { planJson, type ShownPlanRow } from '../plans/export.js';
import { unservedSentence } from '../plans/headline.js';
import { preparePlan } from '../plans/request.js';
import type { SolverCaps } from '../plans/solver-caps.js';
import { planStatusUpdates } from '../plans/updates.js';
import { formatPlanSummary, type Output, type ServicePlanRequest } from './plan.js';

/** After this long still QUEUED, --wait says that no worker seems to be running. */
const NO_WORKER_HINT_MS = 10_000;

export async function requestPlanFromService(
  db: Database,
  jobs: PlanJobs,
  request: ServicePlanRequest,
  io: Output,
  caps: SolverCaps,
): Promise<number> {
  let plan: PlanRow;
  try {
    plan = await jobs.enqueue(
      await preparePlan(
        db,
        { name: request.name, scenarioCode: request.scenarioCode, options: request.options },
        { caps },
      ),
    );
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const issue of error.issues)
        io.err(`tokengrid plan: ${issue.path.replace(/^input\./, '')}: ${issue.message}\n`);
      return 2;
    }
    if (error instanceof NotFoundError) {
      io.err(`tokengrid plan: ${error.entity.toLowerCase()} "${error.code}" does not exist\n`);
      return 1;
    }
    throw error;
  }
  if (!request.wait) {
    io.err(`plan ${plan.id} queued\n`);
    io.out(`${plan.id}\n`);
    return 0;
  }
  return followPlan(db, plan.id, request, io);
}

/** Follows a plan until it is final, with progress on stderr; prints it and answers the exit code. */
export async function followPlan(
  db: Database,
  planId: string,
  display: { json: boolean; top: number },
  io: Output,
): Promise<number> {
  const started = performance.now();
  const elapsedMs = () => performance.now() - started;
  const elapsed = () => `${(elapsedMs() / 1000).toFixed(1)} s`;
  const interactive = process.stderr.isTTY === true;
  let status = 'QUEUED';
  let hinted = false;
  const progress = (final = false) => {
    const line = `plan ${planId}: ${status} ${elapsed()}`;
    io.err(interactive ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  // a terminal gets a live counter; a log gets the changes and a line every 5 s
  const ticker = setInterval(
    () => {
      progress();
      if (!hinted && status === 'QUEUED' && elapsedMs() > NO_WORKER_HINT_MS) {
        hinted = true;
        io.err(
          `${interactive ? '\n' : ''}no worker has taken the plan yet: is \`tokengrid serve\` or \`tokengrid worker\` running on this database?\n`,
        );
      }
    },
    interactive ? 200 : 5_000,
  );
  try {
    for await (const id of planStatusUpdates(db, planId)) {
      const row = await db.prisma.plan.findUnique({ where: { id }, select: { status: true } });
      if (row) status = row.status;
      progress(false);
    }
  } finally {
    clearInterval(ticker);
  }
  if (interactive) io.err('\n');
  const plan = await db.prisma.plan.findUnique({ where: { id: planId }, omit: AS_SHOWN });
  if (!plan) {
    io.err(`tokengrid plan: plan ${planId} was deleted\n`);
    return 1;
  }
  io.out(display.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : describePlan(plan, display.top));
  return plan.status === 'SOLVED' || plan.status === 'TIME_LIMIT' ? 0 : 1;
}

/** A stored plan without its snapshot (the whole data set), which the CLI never shows. */
export type ShownPlan = ShownPlanRow;

/** A stored plan, readable: what and when, then the result's summary (or why there is none). */
export function describePlan(plan: ShownPlan, top = 10): string {
  const lines: string[] = [];
  const scenario = storedScenarioCode(plan.scenarioApplied);
  const result = storedPlanResult(plan.result);
  const unserved = result ? unservedSentence(result) : null;
  lines.push(
    `Plan ${plan.id}${plan.name ? ` "${plan.name}"` : ''}: ${plan.status}${scenario ? `, scenario ${scenario}` : ''}${unserved ? `; ${unserved}` : ''}`,
  );
  const times = [`requested ${plan.requestedAt.toISOString()}`];
  if (plan.startedAt) times.push(`started ${plan.startedAt.toISOString()}`);
  if (plan.finishedAt)
    times.push(
      `finished ${plan.finishedAt.toISOString()} (${((plan.finishedAt.getTime() - plan.requestedAt.getTime()) / 1000).toFixed(1)} s after the request)`,
    );
  lines.push(times.join(', '));
  lines.push(`Input: sha256 ${plan.inputHash}${plan.sourcePlanId ? `; re-solves plan ${plan.sourcePlanId}` : ''}`);
  if (plan.errorMessage) lines.push(`Error: ${plan.errorMessage}`);
  return `${lines.join('\n')}\n${result ? `\n${formatPlanSummary(result, top)}` : ''}`;
}
