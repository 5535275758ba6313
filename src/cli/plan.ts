// `tokengrid plan`: solve a placement plan from the database (or a fixtures
// directory) in a worker thread and print a summary or the whole plan as JSON;
// with --async or --wait, request it from the plans service instead.
import { Command } from 'commander';
import { STATUS_OF_RESULT } from '../db/plan-store.js';
import { powerCapRangeWords, priceRangeSentence } from '../plans/range-words.js';
import { parseDataset, readDatasetFiles } from '../dataset/load.js';
import { planningInputFromDataset } from '../db/planning-input.js';
import {
  DEFAULT_MODEL_CODE,
  parsePlanOptions,
  type PlanningInput,
  type PlanOptions,
  type PlanResult,
} from '../optimizer/types.js';
import { closeSolverWorkers, solvePlacementInWorker } from '../optimizer/worker-pool.js';
import {
  CommandFailure,
  onAction,
  processOutput,
  progressLine,
  requireFile,
  runCommand,
  UsageError,
  wholeNumber,
  type Output,
} from './command.js';
import { givenPlanOptions, kebab, planOptionOptions } from './plan-options.js';
import { unservedSentence } from '../plans/headline.js';
import { assertPlannable } from '../plans/plannable.js';

export type { Output } from './command.js';

/** A plan for the plans service (--async, --wait): stored, queued, solved by a worker. */
export interface ServicePlanRequest {
  name: string | null;
  scenarioCode: string | null;
  /** the options given on the command line (a scenario's options fill the rest) */
  options: Record<string, unknown>;
  /** follow the plan to the end (else print its id at once) */
  wait: boolean;
  json: boolean;
  top: number;
}

export interface PlanCommandDeps {
  loadPlanningInput: () => Promise<PlanningInput>;
  /** --async / --wait: create the plan and its job in the database (src/cli/plan-service.ts) */
  requestPlan?: (request: ServicePlanRequest, io: Output) => Promise<number>;
}

async function loadFixturesInput(dir: string, io: Output): Promise<PlanningInput | null> {
  await requireFile(dir);
  const { dataset, issues } = parseDataset({ files: await readDatasetFiles(dir) });
  if (issues.length > 0) {
    io.err(`tokengrid plan: ${issues.length} problem(s) in ${dir}:\n`);
    for (const issue of issues.slice(0, 20)) io.err(`  ${issue.path}: ${issue.message}\n`);
    if (issues.length > 20) io.err(`  … and ${issues.length - 20} more\n`);
    return null;
  }
  return assertPlannable(planningInputFromDataset(dataset), { kind: 'directory', path: dir });
}

export const fmt = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const tokens = (tokensPerSecond: number): string =>
  tokensPerSecond >= 1e6 ? `${fmt(tokensPerSecond / 1e6)} M tok/s` : `${fmt(tokensPerSecond / 1e3, 1)} k tok/s`;

/**
 * " — saves $0.1000/h per GPU", or, when the value is the unserved penalty
 * avoided, " — would serve 1.2 k tok/s of demand now unserved (penalty avoided
 * $2,866.38/h per GPU, not money)".
 */
function bindingValueWords(plan: PlanResult, b: PlanResult['bindingConstraints'][number]): string {
  if (b.shadowPrice === null || b.shadowPrice === 0) return '';
  const unit = b.kind === 'POWER' ? 'kW' : b.kind === 'GPU_CAPACITY' ? 'GPU' : 'unit';
  const price =
    b.kind === 'GPU_CAPACITY'
      ? plan.shadowPrices?.gpus.find((g) => g.siteCode === b.siteCode && g.gpuTypeCode === b.gpuTypeCode)
      : b.kind === 'POWER'
        ? plan.shadowPrices?.power.find((p) => p.siteCode === b.siteCode)
        : undefined;
  if (price?.basis === 'UNSERVED_DEMAND') {
    return ` — one more ${unit} would serve ${tokens(price.servesUnservedTokensPerSecond)} of demand now unserved (penalty avoided $${fmt(b.shadowPrice, 2)}/h, not money)`;
  }
  return ` — saves $${fmt(b.shadowPrice, 4)}/h per ${unit}`;
}

/** Data without models plans one model, DEFAULT: its summary reads as before models, with no model table or names. */
export const namesModels = (plan: Pick<PlanResult, 'models'>): boolean =>
  plan.models.length > 1 || (plan.models.length === 1 && plan.models[0]!.modelCode !== DEFAULT_MODEL_CODE);

/** The per-model table: tokens served of demand, cost per million tokens, tokens per joule, GPUs and replicas. */
export function formatModelTable(plan: PlanResult): string[] {
  const integer = plan.options.integerGpus;
  const lines = [
    `By model (${plan.models.length}):`,
    `  ${'model'.padEnd(18)} ${'served'.padStart(15)} ${'of demand'.padStart(15)} ${'$/M tok'.padStart(10)} ${'tok/J'.padStart(7)} ${'GPUs'.padStart(9)}${integer ? ` ${'replicas'.padStart(8)}` : ''}  where (most GPUs)`,
  ];
  for (const m of plan.models) {
    const where = [...m.gpus]
      .sort((a, b) => b.gpusBusy - a.gpusBusy)
      .slice(0, 3)
      .map(
        (g) =>
          `${g.siteCode} ${g.gpuTypeCode}×${fmt(g.gpusBusy, 0)}${g.gpusPerReplica > 1 ? ` (${g.gpusPerReplica}/replica)` : ''}`,
      );
    lines.push(
      `  ${m.modelCode.padEnd(18)} ${tokens(m.servedTokensPerSecond).padStart(15)} ${tokens(m.demandTokensPerSecond).padStart(15)} ` +
        `${(m.costPerMillionTokens === null ? '—' : `$${fmt(m.costPerMillionTokens, 4)}`).padStart(10)} ${fmt(m.tokensPerJoule, 2).padStart(7)} ${fmt(m.gpusBusy, 1).padStart(9)}` +
        `${integer ? ` ${fmt(m.peakReplicas, 0).padStart(8)}` : ''}  ${where.join(', ') || '—'}${m.gpus.length > 3 ? ` … +${m.gpus.length - 3}` : ''}`,
    );
  }
  for (const m of plan.models) if (m.rule) lines.push(`  ${formatModelRule(m.modelCode, m.rule)}`);
  for (const site of plan.sites) {
    const cap = site.modelCap;
    if (!cap?.binds) continue;
    const value = cap.valuePerHour === null ? '' : `; one more would save $${fmt(cap.valuePerHour, 4)}/h`;
    lines.push(`  cap ${site.siteCode}: hosts ${cap.modelsHosted} model(s), at most ${cap.maxModels}${value}`);
  }
  return lines;
}

/** "rule QWEN (countries US; 3 site(s) blocked): moving its demand of EU to FRA-1 would save $0.0278 per M tok" */
function formatModelRule(modelCode: string, rule: NonNullable<PlanResult['models'][number]['rule']>): string {
  const limits = [
    rule.allowedCountries.length > 0 ? `countries ${rule.allowedCountries.join(', ')}` : null,
    rule.allowedSites.length > 0 ? `sites ${rule.allowedSites.join(', ')}` : null,
    `${rule.blockedSiteCodes.length} site(s) blocked`,
  ].filter((part) => part !== null);
  const price =
    rule.shadowPricePerMillionTokens === null
      ? 'no price (no dual values)'
      : rule.shadowPricePerMillionTokens === 0 || rule.bestBlockedSiteCode === null
        ? 'costs nothing at the margin'
        : `moving its ${rule.bestBlockedRegionCode} demand to ${rule.bestBlockedSiteCode} would save $${fmt(rule.shadowPricePerMillionTokens, 4)} per M tok`;
  return `rule ${modelCode} (${limits.join('; ')}): ${price}`;
}

/** "; warm start from plan 1f…", or why an offered basis was not used; nothing for an ordinary cold start */
function startWords(warmStart: PlanResult['warmStart']): string {
  if (!warmStart) return '';
  const iterations = warmStart.simplexIterations === null ? '' : ` (${warmStart.simplexIterations} simplex iterations)`;
  if (warmStart.used) return `; warm start from plan ${warmStart.fromPlanId}${iterations}`;
  return warmStart.fromPlanId ? `; cold start: ${warmStart.coldReason}` : '';
}

/** A line per site carrying load: the price (and power cap) over which the plan holds. */
function rangeLines(plan: PlanResult, busySites: PlanResult['sites'], top: number): string[] {
  const ranged = busySites.filter((site) => site.ranges?.pricePerKwh);
  const lines: string[] = [];
  if (ranged.length > 0) {
    lines.push('Sensitivity ranges (sites carrying load):');
    for (const site of ranged.slice(0, top)) {
      const power = site.ranges!.powerCapKw;
      lines.push(
        `  ${priceRangeSentence(site.siteCode, site.ranges!.pricePerKwh!)}${power ? `, and ${powerCapRangeWords(power)}` : ''}`,
      );
    }
    if (ranged.length > top) lines.push(`  … and ${ranged.length - top} more`);
  }
  const reason =
    plan.rangesUnavailableReason === undefined
      ? 'solved before plans carried sensitivity ranges: re-solve the plan for them'
      : plan.rangesUnavailableReason;
  if (reason) lines.push(`Sensitivity ranges: ${reason}`);
  return lines;
}

export function formatPlanSummary(plan: PlanResult, top = 10): string {
  const lines: string[] = [];
  const named = namesModels(plan);
  /** "EU-WEST STANDARD", or "EU-WEST DEEPSEEK-R1 STANDARD" once models are named */
  const demandName = (row: { regionCode: string; modelCode: string; workloadClassCode: string }) =>
    named
      ? `${row.regionCode} ${row.modelCode} ${row.workloadClassCode}`
      : `${row.regionCode} ${row.workloadClassCode}`;
  const size = plan.modelSize;
  // the first line says what is left unserved and why, before anything else
  const unserved = unservedSentence(plan);
  lines.push(
    `Plan: ${STATUS_OF_RESULT[plan.status]} — ${plan.options.periods === 24 ? '24-hour day-ahead' : 'steady state'}, capex ${plan.options.capexMode.toLowerCase()}` +
      `${plan.options.integerGpus ? ', whole GPUs' : ''}${plan.options.allowExpansion ? ', expansion allowed' : ''}` +
      `${unserved ? `; ${unserved}` : ''}`,
  );
  lines.push(
    `Solver: ${plan.solver ?? '—'} (${plan.solverStatus ?? '—'}); ${size.variables} variables, ${size.constraints} constraints, ${size.nonzeros} nonzeros; ` +
      `build ${fmt(plan.timings.buildMs, 0)} ms, solve ${fmt(plan.timings.solveMs, 0)} ms, interpret ${fmt(plan.timings.interpretMs, 0)} ms` +
      `${plan.mipGap !== null ? `; MIP gap ${(plan.mipGap * 100).toFixed(3)}%` : ''}${startWords(plan.warmStart)}`,
  );
  if (plan.message) lines.push(`Note: ${plan.message}`);
  const totals = plan.totals;
  if (!totals) return `${lines.join('\n')}\n`;
  const cost = totals.costPerHour;
  lines.push('');
  lines.push(`Cost per million tokens: $${fmt(totals.costPerMillionTokens, 4)}`);
  lines.push(
    `Cost per hour: $${fmt(cost.total)} (energy $${fmt(cost.energy)}, capex $${fmt(cost.capex)}, egress $${fmt(cost.egress)}, carbon $${fmt(cost.carbon)})`,
  );
  lines.push(
    `Served ${tokens(totals.servedTokensPerSecond)} of ${tokens(totals.demandTokensPerSecond)}` +
      ` (${fmt((100 * totals.servedTokensPerSecond) / Math.max(1, totals.demandTokensPerSecond), 1)}%); unserved ${tokens(totals.unservedTokensPerSecond)}` +
      // a modelling price, not money: reported beside the unserved demand, never in a cost
      `${totals.unservedPenaltyPerHour > 0 ? ` (penalty $${fmt(totals.unservedPenaltyPerHour)}/h at $${fmt(plan.options.unservedPenaltyPerMillionTokens)}/M tok, not money)` : ''}`,
  );
  lines.push(
    `Power: ${fmt(totals.itPowerKw / 1000, 3)} MW IT, ${fmt(totals.facilityPowerKw / 1000, 3)} MW facility; ${fmt(totals.tokensPerJoule, 3)} tokens/J; ` +
      `${fmt(totals.carbonKgPerMillionTokens, 3)} kg CO2 per million tokens; ${fmt(totals.gpusBusy, 1)} GPUs busy, ${fmt(totals.gpusAdded, 1)} bought`,
  );
  if (named) lines.push('', ...formatModelTable(plan));

  const busySites = [...plan.sites]
    .filter((s) => s.servedTokensPerSecond > 0)
    .sort((a, b) => b.servedTokensPerSecond - a.servedTokensPerSecond);
  lines.push('');
  lines.push(`Top sites (${busySites.length} of ${plan.sites.length} carry load):`);
  for (const site of busySites.slice(0, top)) {
    lines.push(
      `  ${site.siteCode.padEnd(12)} ${tokens(site.servedTokensPerSecond).padStart(15)}  GPUs ${fmt(site.utilization * 100, 0).padStart(3)}%  ` +
        `power ${fmt(site.peakFacilityPowerKw, 0)}/${fmt(site.powerCapKw, 0)} kW  $${fmt(site.costPerMillionTokens, 4)}/M tok`,
    );
  }
  if (busySites.length > top) lines.push(`  … and ${busySites.length - top} more`);

  lines.push('');
  if (plan.unserved.length === 0) lines.push('Unserved demand: none');
  else {
    lines.push('Unserved demand:');
    for (const u of plan.unserved.slice(0, top)) {
      const full = u.candidateSites.filter((c) => c.limitedBy !== null).map((c) => `${c.siteCode}:${c.limitedBy}`);
      lines.push(`  ${demandName(u)}: ${tokens(u.unservedTokensPerSecond)} — ${u.reason}: ${u.explanation}`);
      if (full.length > 0)
        lines.push(
          `    full sites: ${full.slice(0, 8).join(', ')}${full.length > 8 ? ` … and ${full.length - 8} more` : ''}`,
        );
    }
    if (plan.unserved.length > top) lines.push(`  … and ${plan.unserved.length - top} more`);
  }

  lines.push('');
  lines.push(`Binding constraints (${plan.bindingConstraints.length}):`);
  for (const b of plan.bindingConstraints.slice(0, top)) {
    const hours = plan.options.periods === 24 ? ` (${b.periods.length} h)` : '';
    lines.push(`  ${b.description}${hours}${bindingValueWords(plan, b)}`);
  }
  if (plan.bindingConstraints.length > top) lines.push(`  … and ${plan.bindingConstraints.length - top} more`);
  if (plan.shadowPricesUnavailableReason) lines.push(`Shadow prices: ${plan.shadowPricesUnavailableReason}`);
  else if (plan.shadowPrices) {
    const demand = [...plan.shadowPrices.demand].sort(
      (a, b) => b.marginalCostPerMillionTokens - a.marginalCostPerMillionTokens,
    );
    lines.push('Marginal cost of more demand (highest):');
    for (const d of demand.slice(0, Math.min(5, top))) {
      lines.push(
        `  ${demandName(d)}: $${fmt(d.marginalCostPerMillionTokens, 4)} per million tokens` +
          `${d.basis === 'UNSERVED_DEMAND' ? ' (the unserved penalty: more of it would go unserved)' : ''}`,
      );
    }
    if (demand.length > Math.min(5, top)) lines.push(`  … and ${demand.length - Math.min(5, top)} more`);
  }
  lines.push(...rangeLines(plan, busySites, top));
  return `${lines.join('\n')}\n`;
}

interface PlanFlags extends Record<string, unknown> {
  fixtures?: string;
  async?: boolean;
  wait?: boolean;
  scenario?: string;
  name?: string;
  json?: boolean;
  top?: string;
}

/** The `plan` command: every plan option of the API (from planOptionsSchema), and how to run and print the plan. */
export function planProgram(deps: PlanCommandDeps): Command {
  const command = new Command('plan')
    .description(
      'solve a placement plan and print it (nothing is stored), or store and solve it through the plans service (--async, --wait)',
    )
    .addHelpText(
      'after',
      `
Without --async or --wait the plan is solved in this process from the stored
data (or --fixtures) and printed; nothing is stored. With --async or --wait it
goes through the plans service: stored with its data snapshot and solved by a
worker (\`tokengrid serve\` or \`tokengrid worker\`; on the embedded database,
--wait solves it in this process).

Exit status: 0 solved (or stopped at the time limit with a solution), 1 failed
or infeasible, 2 bad usage, 130 interrupted.`,
    );
  for (const option of planOptionOptions()) command.addOption(option);
  command
    .option('--fixtures <dir>', 'plan from a data set directory (or file) instead of the database')
    .option('--async', 'store the plan and queue its solve; print its id and exit')
    .option('--wait', 'store the plan, queue it and follow it to the end, then print it')
    .option('--scenario <code>', 'apply a stored scenario (with --async or --wait)')
    .option('--name <text>', "the stored plan's name (with --async or --wait)")
    .option('--json', 'print the whole plan as JSON')
    .option('--top <n>', 'sites, constraints and unserved demands to list in the summary', '10');
  return onAction<PlanFlags>(command, (_args, flags, io) => runPlan(flags, deps, io));
}

/** Runs `tokengrid plan` with `argv` (the arguments after `plan`); answers the exit code. */
export function planCommand(argv: string[], deps: PlanCommandDeps, io: Output = processOutput): Promise<number> {
  return runCommand(planProgram(deps), argv, io);
}

async function runPlan(flags: PlanFlags, deps: PlanCommandDeps, io: Output): Promise<number> {
  const givenOptions = givenPlanOptions(flags);
  const parsed = parsePlanOptions(givenOptions);
  if (!parsed.ok) {
    for (const issue of parsed.issues)
      io.err(`tokengrid plan: ${issue.path in flags ? `--${kebab(issue.path)}` : issue.path}: ${issue.message}\n`);
    return 2;
  }
  const options: PlanOptions = parsed.options;
  const top = wholeNumber('--top', flags.top, 10, 1, 1000);

  const service = flags.async === true || flags.wait === true;
  if (flags.async && flags.wait) throw new UsageError('give --async or --wait, not both');
  if (service && flags.fixtures !== undefined)
    throw new UsageError('--fixtures plans in this process; it cannot be used with --async or --wait');
  if (!service && (flags.scenario !== undefined || flags.name !== undefined)) {
    throw new UsageError(
      `--${flags.scenario !== undefined ? 'scenario' : 'name'} needs --async or --wait (the plans service stores the plan)`,
    );
  }
  if (service) {
    if (!deps.requestPlan) throw new UsageError('the plans service is not available here');
    return deps.requestPlan(
      {
        name: flags.name ?? null,
        scenarioCode: flags.scenario ?? null,
        options: givenOptions,
        wait: flags.wait === true,
        json: flags.json === true,
        top,
      },
      io,
    );
  }

  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const progress = progressLine(io);

  progress.update(flags.fixtures ? `reading ${flags.fixtures}` : 'loading the database');
  let input: PlanningInput | null;
  try {
    input = flags.fixtures !== undefined ? await loadFixturesInput(flags.fixtures, io) : await deps.loadPlanningInput();
  } catch (error) {
    progress.clear();
    if (error instanceof CommandFailure) throw error;
    throw new CommandFailure(`could not load the planning data: ${(error as Error).message}`);
  }
  if (!input) return 1;

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  // a terminal gets a live counter; a log or a pipe only the final line
  const ticker = progress.interactive ? setInterval(() => progress.update(`solving… ${elapsed()}`), 200) : undefined;
  progress.update(
    `solving ${input.sites.length} sites × ${input.regions.length} regions, ${options.periods} period(s)…`,
  );
  let plan: PlanResult;
  try {
    plan = await solvePlacementInWorker(input, options, { signal: controller.signal });
  } catch (error) {
    progress.done(`tokengrid plan: cancelled after ${elapsed()} (${(error as Error).message})`);
    return 130;
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    await closeSolverWorkers();
  }
  progress.done(`plan ${STATUS_OF_RESULT[plan.status]} in ${elapsed()} (solve ${Math.round(plan.timings.solveMs)} ms)`);

  io.out(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlanSummary(plan, top));
  return plan.status === 'optimal' || plan.status === 'time_limit' ? 0 : 1;
}
