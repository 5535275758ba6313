// `tokengrid plans list | show | diff`: stored plans, read from the database.
import { Command } from 'commander';
import type { Database } from '../db/database.js';
import { isUuid } from '../db/ids.js';
import { AS_SHOWN, storedPlanResult, storedScenarioCode } from '../db/plan-store.js';
import type { PlanStatus } from '../generated/prisma/client.js';
import { DEFAULT_MODEL_CODE } from '../optimizer/types.js';
import { diffPlans, type PlanDiff } from '../plans/diff.js';
import { onAction, processOutput, runCommand, UsageError, wholeNumber, type Output } from './command.js';
import { fmt, tokens } from './plan.js';
import { planJson } from '../plans/export.js';
import { describePlan, type ShownPlan } from './plan-service.js';

export interface PlansCommandDeps {
  withDatabase: <T>(run: (db: Database) => Promise<T>) => Promise<T>;
}

const STATUSES: readonly PlanStatus[] = [
  'QUEUED',
  'RUNNING',
  'SOLVED',
  'INFEASIBLE',
  'TIME_LIMIT',
  'FAILED',
  'CANCELLED',
];
/** plans whose result can be compared: solved, or stopped at the time limit with a solution */
const COMPARABLE: readonly PlanStatus[] = ['SOLVED', 'TIME_LIMIT'];

interface ListFlags {
  status?: string;
  limit?: string;
  json?: boolean;
}
interface ShowFlags {
  json?: boolean;
  top?: string;
}

/** The `plans` command group. */
export function plansProgram(deps: PlansCommandDeps): Command {
  const plans = new Command('plans')
    .description('stored plans: list, show one, compare two')
    .addHelpText('after', '\nExit status: 0 done, 1 a plan is missing or has no solution to compare, 2 bad usage.');
  onAction<ListFlags>(
    plans
      .command('list')
      .description('stored plans, newest request first')
      .option('--status <S[,S…]>', `only plans in these statuses (${STATUSES.join(', ')})`)
      .option('--limit <n>', 'at most this many, 1–1000', '20')
      .option('--json', 'print them as JSON'),
    (_args, flags, io) => listPlans(flags, deps, io),
  );
  onAction<ShowFlags>(
    plans
      .command('show')
      .description("one plan: status, times, and its result's summary")
      .argument('<id>', "the plan's id")
      .option('--json', 'print the stored plan (and its whole result) as JSON')
      .option('--top <n>', 'rows to list in the summary', '10'),
    ([id], flags, io) => showPlan(id!, flags, deps, io),
  );
  onAction<ShowFlags>(
    plans
      .command('diff')
      .description('what changed from one solved plan to another: totals, site load, GPUs per site, load that moved')
      .argument('<from>', "the first plan's id")
      .argument('<to>', "the second plan's id")
      .option('--json', 'print the diff as JSON')
      .option('--top <n>', 'rows to list per section', '10'),
    ([fromId, toId], flags, io) => diffCommand(fromId!, toId!, flags, deps, io),
  );
  return plans;
}

/** Runs `tokengrid plans` with `argv` (the arguments after `plans`); answers the exit code. */
export function plansCommand(argv: string[], deps: PlansCommandDeps, io: Output = processOutput): Promise<number> {
  return runCommand(plansProgram(deps), argv, io);
}

async function listPlans(flags: ListFlags, deps: PlansCommandDeps, io: Output): Promise<number> {
  const statuses = flags.status === undefined ? [] : flags.status.split(',').map((s) => s.trim().toUpperCase());
  const unknown = statuses.filter((s) => !(STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new UsageError(`--status: unknown status ${unknown.join(', ')} (one of ${STATUSES.join(', ')})`);
  const limit = wholeNumber('--limit', flags.limit, 20, 1, 1000);
  const plans = await deps.withDatabase((db) =>
    db.prisma.plan.findMany({
      where: statuses.length > 0 ? { status: { in: statuses as PlanStatus[] } } : {},
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: {
        id: true,
        name: true,
        status: true,
        requestedAt: true,
        finishedAt: true,
        solver: true,
        costPerMillionTokens: true,
        unservedTokensPerSecond: true,
        scenarioApplied: true,
      },
    }),
  );
  if (plans.length === 0) {
    // an empty answer must not look like a quiet success: say so where a reader sees it
    io.err(
      `no plans${statuses.length > 0 ? ` with status ${statuses.join(', ')}` : ''}; request one with \`tokengrid plan --wait\` ` +
        '(or the requestPlan mutation)\n',
    );
  }
  if (flags.json) {
    io.out(`${JSON.stringify(plans, null, 2)}\n`);
    return 0;
  }
  if (plans.length === 0) return 0;
  io.out(
    `${'ID'.padEnd(36)}  ${'STATUS'.padEnd(10)}  ${'REQUESTED'.padEnd(20)}  ${'$/M TOKENS'.padStart(10)}  ${'SOLVER'.padEnd(6)}  NAME / SCENARIO\n`,
  );
  for (const plan of plans) {
    const scenario = storedScenarioCode(plan.scenarioApplied);
    const label = [plan.name, scenario ? `scenario ${scenario}` : null].filter(Boolean).join(' / ');
    io.out(
      `${plan.id}  ${plan.status.padEnd(10)}  ${plan.requestedAt.toISOString().slice(0, 19).replace('T', ' ').padEnd(20)}  ` +
        `${(plan.costPerMillionTokens === null ? '—' : fmt(plan.costPerMillionTokens, 4)).padStart(10)}  ${(plan.solver ?? '—').padEnd(6)}  ${label}\n`,
    );
  }
  return 0;
}

async function findPlan(db: Database, id: string): Promise<ShownPlan | null> {
  return isUuid(id) ? db.prisma.plan.findUnique({ where: { id }, omit: AS_SHOWN }) : null;
}

async function showPlan(id: string, flags: ShowFlags, deps: PlansCommandDeps, io: Output): Promise<number> {
  const top = wholeNumber('--top', flags.top, 10, 1, 1000);
  const plan = await deps.withDatabase((db) => findPlan(db, id));
  if (!plan) {
    io.err(`tokengrid plans: plan "${id}" does not exist\n`);
    return 1;
  }
  io.out(flags.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : describePlan(plan, top));
  return 0;
}

async function diffCommand(
  fromId: string,
  toId: string,
  flags: ShowFlags,
  deps: PlansCommandDeps,
  io: Output,
): Promise<number> {
  const top = wholeNumber('--top', flags.top, 10, 1, 1000);
  const [from, to] = await deps.withDatabase((db) => Promise.all([findPlan(db, fromId), findPlan(db, toId)]));
  for (const [id, plan] of [
    [fromId, from],
    [toId, to],
  ] as const) {
    if (!plan) {
      io.err(`tokengrid plans: plan "${id}" does not exist\n`);
      return 1;
    }
    if (!COMPARABLE.includes(plan.status) || !storedPlanResult(plan.result)?.totals) {
      io.err(`tokengrid plans: plan "${id}" is ${plan.status} and has no solution to compare\n`);
      return 1;
    }
  }
  const diff = diffPlans(storedPlanResult(from!.result)!, storedPlanResult(to!.result)!);
  io.out(
    flags.json
      ? `${JSON.stringify({ fromPlanId: fromId, toPlanId: toId, ...diff }, null, 2)}\n`
      : formatPlanDiff(fromId, toId, from!, to!, diff, top),
  );
  return 0;
}

const signed = (value: number, digits = 2) =>
  `${value > 0 ? '+' : value < 0 ? '−' : '±'}${fmt(Math.abs(value), digits)}`;
const signedTokens = (value: number) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${tokens(Math.abs(value))}`;

export function formatPlanDiff(
  fromId: string,
  toId: string,
  from: ShownPlan,
  to: ShownPlan,
  diff: PlanDiff,
  top = 10,
): string {
  const lines = [`Plan diff: ${fromId} → ${toId}`];
  if (diff.unchanged) return `${lines.join('\n')}\nNo change.\n`;
  const t = diff.totals;
  if (t) {
    lines.push(
      `Cost per million tokens: $${fmt(from.costPerMillionTokens, 4)} → $${fmt(to.costPerMillionTokens, 4)}` +
        `${t.costPerMillionTokens === null ? '' : ` (${signed(t.costPerMillionTokens, 4)})`}`,
    );
    const c = t.costPerHour;
    lines.push(
      `Cost per hour: ${signed(c.total)} $/h (energy ${signed(c.energy)}, capex ${signed(c.capex)}, egress ${signed(c.egress)}, carbon ${signed(c.carbon)})`,
    );
    lines.push(
      `Served: ${signedTokens(t.servedTokensPerSecond)}; unserved ${signedTokens(t.unservedTokensPerSecond)}` +
        `${t.unservedPenaltyPerHour !== 0 ? ` (penalty ${signed(t.unservedPenaltyPerHour)} $/h, not money)` : ''}`,
    );
    lines.push(
      `Power: ${signed(t.facilityPowerKw / 1000, 3)} MW facility; GPUs busy ${signed(t.gpusBusy, 1)}, bought ${signed(t.gpusAdded, 1)}` +
        `${t.tokensPerJoule === null ? '' : `; tokens/J ${signed(t.tokensPerJoule, 3)}`}; carbon ${signed(t.carbonKgPerHour, 1)} kg/h`,
    );
  }
  if (diff.models.length > 0 && (diff.models.length > 1 || diff.models[0]!.modelCode !== DEFAULT_MODEL_CODE)) {
    lines.push('', `Models whose plan changed (${diff.models.length}):`);
    for (const m of diff.models) {
      lines.push(
        `  ${m.modelCode.padEnd(18)} ${tokens(m.fromTokensPerSecond).padStart(15)} → ${tokens(m.toTokensPerSecond).padStart(15)}` +
          `  $/M tok ${fmt(m.fromCostPerMillionTokens, 4)} → ${fmt(m.toCostPerMillionTokens, 4)}` +
          `; GPUs ${fmt(m.fromGpusBusy, 1)} → ${fmt(m.toGpusBusy, 1)}; moved ${tokens(m.movedTokensPerSecond)}`,
      );
    }
  }
  const sites = [...diff.sites].sort((a, b) => Math.abs(b.tokensPerSecondChange) - Math.abs(a.tokensPerSecondChange));
  lines.push('', `Sites whose load changed (${sites.length}):`);
  for (const s of sites.slice(0, top)) {
    lines.push(
      `  ${s.siteCode.padEnd(12)} ${tokens(s.fromTokensPerSecond).padStart(15)} → ${tokens(s.toTokensPerSecond).padStart(15)}  (${signedTokens(s.tokensPerSecondChange)}; ${signed(s.costPerHourChange)} $/h)`,
    );
  }
  if (sites.length > top) lines.push(`  … and ${sites.length - top} more`);
  lines.push('', `GPUs per site and type (${diff.siteGpus.length} changed):`);
  for (const g of diff.siteGpus.slice(0, top)) {
    lines.push(
      `  ${g.siteCode.padEnd(12)} ${g.gpuTypeCode.padEnd(12)} busy ${fmt(g.fromGpusBusy, 1)} → ${fmt(g.toGpusBusy, 1)}` +
        `${g.gpusAddedChange !== 0 ? `; bought ${fmt(g.fromGpusAdded, 1)} → ${fmt(g.toGpusAdded, 1)}` : ''}`,
    );
  }
  if (diff.siteGpus.length > top) lines.push(`  … and ${diff.siteGpus.length - top} more`);
  lines.push('', `Load that moved (${diff.flows.length} flows, largest first):`);
  for (const f of diff.flows.slice(0, top)) {
    lines.push(
      `  ${f.regionCode}${f.modelCode === DEFAULT_MODEL_CODE ? '' : ` ${f.modelCode}`} ${f.workloadClassCode}: ${tokens(f.tokensPerSecond)} ${f.fromSiteCode ?? '(unserved)'} → ${f.toSiteCode ?? '(unserved)'}`,
    );
  }
  if (diff.flows.length > top) lines.push(`  … and ${diff.flows.length - top} more`);
  return `${lines.join('\n')}\n`;
}
