#!/usr/bin/env node
// tokengrid's command line: serve, worker, migrate, migration, import, export,
// plan, plans, scenarios, schedules, keys. commander parses every command, so
// help, unknown options and exit codes are uniform (0 done, 1 failed, 2 bad
// usage); the process ends by itself once stdout is flushed (never process.exit
// after a short command: a pipe would lose what is still buffered).
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { openDatabase, recordServerUrl } from '../db/database.js';
import { readDataset } from '../db/dataset-store.js';
import { importDataset } from '../db/import.js';
import { applyMigrations, createMigration, migrationStatus } from '../db/migrate.js';
import { readDatasetFiles } from '../dataset/load.js';
import { WEB_DIST_DIR } from '../paths.js';
import { prepareDatabase } from '../server/start.js';
import { planningInputFromDatabase } from '../db/planning-input.js';
import { assertPlannable } from '../plans/plannable.js';
import { startJobs, type JobsOptions } from '../jobs/runtime.js';
import { closeSolverWorkers } from '../optimizer/worker-pool.js';
import { onPlanStatus } from '../db/plan-events.js';
import { CommandFailure, errorLine, onAction, progressLine, requireFile, runCommand, type Output } from './command.js';
import { withDatabase } from './database.js';
import { baselineWasmForShortCommands } from './wasm-tier.js';
import { planProgram } from './plan.js';
import { requestPlanFromService } from './plan-service.js';
import { solverCapsFromLimits } from '../plans/solver-caps.js';
import { plansProgram } from './plans.js';
import { keysProgram } from './keys.js';
import { scenariosProgram } from './scenarios.js';
import { sweepProgram, sweepsProgram } from './sweeps.js';
import { inProcessGraphQL, schedulesProgram, type SchedulesCommandDeps } from './schedules.js';

const ENVIRONMENT = `
Environment: PORT, HOST, DATABASE_URL (postgres://… ; default: embedded PGlite),
TOKENGRID_DATA_DIR (default ./data), TOKENGRID_SEED_FIXTURES (default true),
TOKENGRID_SOLVE_CONCURRENCY (plan solves at a time, default 1),
TOKENGRID_SOLVE_JOB_EXPIRE_SECONDS (a solve job whose worker died is retried after this; default the solve's deadline + 60 s),
TOKENGRID_SOLVE_HEARTBEAT_SECONDS / TOKENGRID_SOLVE_LOST_SECONDS (a solving worker's heartbeat; a plan without one this long is retried or FAILED; default 10 / 45),
TOKENGRID_WORKER_POLL_SECONDS (how often an idle worker looks for jobs it was not notified of, at least 0.5, default 2),
TOKENGRID_QUEUE_MAINTENANCE_SECONDS (how often expired jobs are looked for, default 120),
TOKENGRID_CRON_MONITOR_SECONDS / TOKENGRID_CRON_WORKER_SECONDS (schedule evaluation and tick pick-up, default 30 / 5),
TOKENGRID_DB_CONNECT_TIMEOUT_MS / TOKENGRID_DB_STATEMENT_TIMEOUT_MS (PostgreSQL: longest wait for a connection / a statement, default 5000 / 30000),
LOG_LEVEL (structured JSON log on stdout: fatal, error, warn, info, debug, trace, silent; default info),
TOKENGRID_DEBUG=1 (errors with their stack).

Exit status: 0 done, 1 failed (including a missing file: "no such file: PATH"), 2 bad usage
(unknown command or option, missing or invalid argument). \`tokengrid help <command>\` or
\`tokengrid <command> --help\` prints a command's usage and does nothing else.`;

/** The job-queue settings every long-running process shares. */
function jobsOptions(config: Config): JobsOptions {
  return {
    concurrency: config.solveConcurrency,
    maxRunningPerKey: config.maxRunningPlansPerKey,
    expireInSeconds: config.solveJobExpireSeconds,
    solverCaps: solverCapsFromLimits(config.limits),
    webhookAllow: config.webhookAllow,
    heartbeatSeconds: config.solveHeartbeatSeconds,
    lostAfterSeconds: config.solveLostSeconds,
    queue: {
      pollingIntervalSeconds: config.workerPollSeconds,
      maintenanceIntervalSeconds: config.queueMaintenanceSeconds,
      cronMonitorIntervalSeconds: config.cronMonitorSeconds,
      cronWorkerIntervalSeconds: config.cronWorkerSeconds,
    },
  };
}

async function serve(config: Config, worker: boolean): Promise<number> {
  const started = performance.now();
  // the HTTP server's modules load only for `serve`: every other command starts without them
  const [{ startupAccess }, { createLogger }, { createMetrics }, { createApp }, { listen }] = await Promise.all([
    import('../auth/startup.js'),
    import('../observability/logger.js'),
    import('../observability/metrics.js'),
    import('../server/app.js'),
    import('../server/http.js'),
  ]);
  const { db, appliedMigrations, seeded } = await prepareDatabase(config.database, {
    seedFixtures: config.seedFixtures,
  });
  // who may call: on a network address only key holders, and only once an admin key exists
  const access = await startupAccess(db, config.host);
  if (!access.ok) {
    await db.close();
    throw new CommandFailure(access.message);
  }
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const jobs = await startJobs(db, { ...jobsOptions(config), worker, logger, metrics });
  const running = await listen(
    createApp({
      db,
      jobs,
      limits: config.limits,
      logger,
      metrics,
      auth: access.mode,
      webDir: WEB_DIST_DIR,
      allowedHosts: config.allowedHosts,
    }),
    config.host,
    config.port,
  );
  recordServerUrl(db, running.url);
  const ms = Math.round(performance.now() - started);
  const notes = [
    appliedMigrations.length > 0 ? `applied ${appliedMigrations.length} migration(s)` : 'schema up to date',
    ...(seeded ? ['loaded the bundled fixtures'] : []),
  ];
  console.log(
    `tokengrid ready in ${ms} ms on ${db.kind === 'pglite' ? 'embedded PGlite at ' : 'PostgreSQL '}${db.location} (${notes.join('; ')})`,
  );
  if (!worker) {
    console.log(
      db.kind === 'pglite'
        ? 'no solve worker (--no-worker): plans stay QUEUED, and no other process can open the embedded database to solve them'
        : 'no solve worker (--no-worker): plans are solved by `tokengrid worker` processes on this database',
    );
  }
  console.log(`access: ${access.notice}`);
  console.log(`web app: ${running.url}/`);
  console.log(`GraphiQL: ${running.url}/graphql`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // stop taking jobs and finish (or release) running solves, then the database, then HTTP
    await jobs.stop();
    await closeSolverWorkers();
    await db.close();
    await running.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return new Promise<number>(() => {});
}

/** A solver process: takes plan jobs from the database's queue, no HTTP. */
async function worker(config: Config): Promise<number> {
  const db = await openDatabase(config.database);
  // migrations are the API's (or `tokengrid migrate`'s) job: workers on several machines must not race to apply them
  const status = await migrationStatus(db);
  if (status.divergence !== null || status.pending.length > 0) {
    await db.close();
    throw new CommandFailure(
      `${status.divergence ?? `the database has ${status.pending.length} pending migration(s)`}; ` +
        'run `tokengrid migrate` (or start `tokengrid serve`) with this build first',
    );
  }
  // a worker has no HTTP endpoint: its solves are in its log (no /metrics to scrape)
  const { createLogger } = await import('../observability/logger.js');
  const jobs = await startJobs(db, {
    ...jobsOptions(config),
    worker: true,
    logger: createLogger(config.logLevel),
  });
  // each line is a status this process wrote: RUNNING when it takes a plan, the final one when it records it
  const stopLogging = onPlanStatus(({ planId, status: planStatus }) => console.log(`plan ${planId}: ${planStatus}`));
  console.log(
    `tokengrid worker ready on ${db.kind === 'pglite' ? 'embedded PGlite at ' : 'PostgreSQL '}${db.location}: ` +
      `solving up to ${config.solveConcurrency} plan(s) at a time (pid ${process.pid})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (running solves finish or go back to the queue)`);
    await jobs.stop();
    stopLogging();
    await closeSolverWorkers();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return new Promise<number>(() => {});
}

async function importCommand(config: Config, path: string, dryRun: boolean, io: Output): Promise<number> {
  const started = performance.now();
  const progress = progressLine(io);
  const step = (message: string) =>
    progress.update(`${message} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  step(`reading ${path}`);
  const input = { files: await readDatasetFiles(path) };
  // an import brings its own data: the fixtures are not loaded under it
  return withDatabase(
    config,
    async (db) => {
      step('validating and writing');
      const outcome = await importDataset(db, input, { dryRun });
      progress.clear();
      if (!outcome.ok) {
        io.err(`tokengrid import: refused, nothing was written: ${outcome.issues.length} problem(s)\n`);
        for (const issue of outcome.issues.slice(0, 200)) io.err(`  ${issue.path}: ${issue.message}\n`);
        if (outcome.issues.length > 200) io.err(`  … and ${outcome.issues.length - 200} more\n`);
        return 1;
      }
      io.out(outcome.dryRun ? 'dry run, nothing written:\n' : 'imported:\n');
      const { warnings, ...counted } = outcome.summary;
      for (const [kind, counts] of Object.entries(counted)) {
        io.out(
          `  ${kind.padEnd(16)} ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged\n`,
        );
      }
      for (const warning of warnings) io.err(`tokengrid import: warning: ${warning}\n`);
      return 0;
    },
    { seed: false },
  );
}

/**
 * The API in this process over the database (as the local admin), with an
 * enqueue-only job queue; with `solve` on the embedded database (which no
 * other process can open) it solves the plans it queues too.
 */
function withGraphQL(
  config: Config,
  run: (graphql: SchedulesCommandDeps['graphql']) => Promise<number>,
  { solve = false }: { solve?: boolean } = {},
): Promise<number> {
  return withDatabase(config, async (db) => {
    const solveHere = solve && db.kind === 'pglite';
    // the schedule mutations register their crons through the queue; nothing is solved here unless asked
    const jobs = await startJobs(db, {
      worker: solveHere,
      webhookAllow: config.webhookAllow,
      expireInSeconds: config.solveJobExpireSeconds,
      solverCaps: solverCapsFromLimits(config.limits),
      queue: { supervise: false, schedule: false },
    });
    try {
      return await run(inProcessGraphQL(db, jobs, solverCapsFromLimits(config.limits)));
    } finally {
      await jobs.stop();
      if (solveHere) await closeSolverWorkers();
    }
  });
}

export function tokengridProgram(): Command {
  // read when a command runs, never for --help: a bad variable is that command's failure
  let loaded: Config | undefined;
  const config = () => (loaded ??= loadConfig());

  const program = new Command('tokengrid')
    .description('placement plans for AI inference capacity: a GraphQL service and its command line')
    .addHelpText('after', ENVIRONMENT)
    .showSuggestionAfterError();
  baselineWasmForShortCommands(program);

  onAction<{ worker: boolean }>(
    program
      .command('serve')
      .description(
        'start the GraphQL API and the plan solve worker (applies migrations; loads the fixtures on a new database)',
      )
      .option('--no-worker', 'API only: plans are queued for `tokengrid worker` processes on the same PostgreSQL'),
    (_args, flags) => serve(config(), flags.worker),
  );
  onAction(
    program.command('worker').description('solve queued plans (and run schedules), no HTTP; needs a migrated database'),
    () => worker(config()),
  );
  onAction(program.command('migrate').description('apply pending migrations and exit'), (_args, _flags, io) =>
    withDatabase(
      config(),
      async (db) => {
        const applied = await applyMigrations(db);
        const status = await migrationStatus(db);
        io.out(
          applied.length > 0
            ? `applied: ${applied.join(', ')}\n`
            : `up to date (${status.applied.length} migrations)\n`,
        );
        return 0;
      },
      { prepare: false },
    ),
  );
  onAction(
    program
      .command('migration')
      .description('write the next migration from prisma/schema.prisma')
      .argument('<name>', "the migration's name: a-z, 0-9, _ (e.g. add_site_owner)"),
    ([name], _flags, io) =>
      // diffed on a throw-away in-memory database: the configured one is not touched
      withDatabase(
        { ...config(), database: { kind: 'pglite', dataDir: ':memory:' } },
        async (db) => {
          const folder = await createMigration(db, name!);
          io.out(folder ? `wrote ${folder}/migration.sql\n` : 'the schema matches the migrations: nothing to write\n');
          return 0;
        },
        { prepare: false },
      ),
  );
  onAction<{ dryRun?: boolean }>(
    program
      .command('import')
      .description('import CSV files (a directory or one file) or a JSON document; all or nothing')
      .argument('<path>', 'a directory of CSV files, one CSV file or a JSON document')
      .option('--dry-run', 'validate and count, write nothing'),
    // the file first: a missing one is the answer whatever the configuration
    async ([path], flags, io) => {
      await requireFile(path!);
      return importCommand(config(), path!, flags.dryRun === true, io);
    },
  );
  onAction<{ out?: string }>(
    program
      .command('export')
      .description('write the whole data set as one JSON document (stdout by default)')
      .option('--out <file>', 'write it to this file instead'),
    (_args, flags, io) =>
      withDatabase(config(), async (db) => {
        const json = JSON.stringify(await readDataset(db), null, 2) + '\n';
        if (flags.out) await writeFile(flags.out, json);
        else io.out(json);
        return 0;
      }),
  );
  program.addCommand(
    planProgram({
      loadPlanningInput: () =>
        withDatabase(config(), async (db) => assertPlannable(await planningInputFromDatabase(db))),
      requestPlan: (request, io) =>
        withDatabase(config(), async (db) => {
          // the embedded database is this process's alone: nobody else can solve a plan we wait for
          const solveHere = request.wait && db.kind === 'pglite';
          const jobs = await startJobs(db, {
            worker: solveHere,
            expireInSeconds: config().solveJobExpireSeconds,
            solverCaps: solverCapsFromLimits(config().limits),
            // a short-lived command: no maintenance or cron timekeeping here
            queue: { supervise: false, schedule: false },
          });
          try {
            return await requestPlanFromService(db, jobs.plans, request, io, solverCapsFromLimits(config().limits));
          } finally {
            await jobs.stop();
            await closeSolverWorkers();
          }
        }),
    }),
  );
  program.addCommand(plansProgram({ withDatabase: (run) => withDatabase(config(), run) }));
  program.addCommand(scenariosProgram({ graphql: (query, variables) => graphqlOnce(config(), query, variables) }));
  program.addCommand(schedulesProgram({ graphql: (query, variables) => graphqlOnce(config(), query, variables) }));
  const sweepDeps = {
    withGraphQL: (solve: boolean, run: (graphql: SchedulesCommandDeps['graphql']) => Promise<number>) =>
      withGraphQL(config(), run, { solve }),
  };
  program.addCommand(sweepProgram(sweepDeps));
  program.addCommand(sweepsProgram(sweepDeps));
  program.addCommand(keysProgram({ withDatabase: (run) => withDatabase(config(), run) }));
  return program;
}

/** One GraphQL operation on the API in this process (each subcommand runs one). */
function graphqlOnce(config: Config, query: string, variables?: Record<string, unknown>) {
  let result: Awaited<ReturnType<SchedulesCommandDeps['graphql']>> = {};
  return withGraphQL(config, async (graphql) => {
    result = await graphql(query, variables);
    return 0;
  }).then(() => result);
}

// a reader that stops early (`tokengrid export | head`) is not an error of ours
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const argv = process.argv.slice(2);
// a bare `tokengrid` lists the commands (it used to start a server)
runCommand(tokengridProgram(), argv.length === 0 ? ['--help'] : argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tokengrid: ${errorLine(error)}\n`);
    process.exitCode = 1;
  },
);
