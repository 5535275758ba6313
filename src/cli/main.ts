#!/usr/bin/env node
// tokengrid's command line: serve, worker, migrate, migration, import, export, plan, plans, schedules.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { readDataset } from '../db/dataset-store.js';
import { importDataset } from '../db/import.js';
import { applyMigrations, createMigration, MigrationDivergenceError, migrationStatus } from '../db/migrate.js';
import { readDatasetFiles } from '../dataset/load.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { startupAccess } from '../auth/startup.js';
import { createApp } from '../server/app.js';
import { defaultWebDir } from '../server/static.js';
import { listen } from '../server/http.js';
import { prepareDatabase } from '../server/start.js';
import { planCommand } from './plan.js';
import { planningInputFromDatabase } from '../db/planning-input.js';
import { assertPlannable } from '../plans/plannable.js';
import { PlanJobs } from '../jobs/plan-jobs.js';
import { closeSolverWorkers } from '../optimizer/worker-pool.js';
import { onPlanStatus } from '../plans/events.js';
import { requestPlanFromService } from './plan-service.js';
import { plansCommand } from './plans.js';
import { keysCommand } from './keys.js';
import { inProcessGraphQL, schedulesCommand } from './schedules.js';

const USAGE = `Usage: tokengrid <command> [options]

Commands:
  serve [--no-worker]      start the GraphQL API and the plan solve worker (applies migrations; loads the fixtures on a new database);
                           --no-worker: API only (plans are queued for \`tokengrid worker\` processes on the same PostgreSQL)
  worker                   solve queued plans (and run schedules), no HTTP; needs a migrated database
  migrate                  apply pending migrations and exit
  migration <name>         write the next migration from prisma/schema.prisma (name: a-z, 0-9, _)
  import <dir|file> [--dry-run]
                           import CSV files (a directory or one file) or a JSON document
  export [--out <file>]    write the whole data set as one JSON document (stdout by default)
  plan [options]           solve a placement plan and print it, or --async/--wait through the plans service (tokengrid plan --help)
  plans list|show|diff     stored plans (tokengrid plans --help)
  schedules <list|create|pause|resume|delete>
                           nightly re-optimization schedules (tokengrid schedules --help)
  keys create|list|revoke  API keys and their roles (tokengrid keys --help)

Environment: PORT, HOST, DATABASE_URL (postgres://… ; default: embedded PGlite),
TOKENGRID_DATA_DIR (default ./data), TOKENGRID_SEED_FIXTURES (default true),
TOKENGRID_SOLVE_CONCURRENCY (plan solves at a time, default 1),
TOKENGRID_SOLVE_JOB_EXPIRE_SECONDS (a solve job whose worker died is retried after this; default the solve's deadline + 60 s),
TOKENGRID_QUEUE_MAINTENANCE_SECONDS (how often expired jobs are looked for, default 120),
TOKENGRID_CRON_MONITOR_SECONDS / TOKENGRID_CRON_WORKER_SECONDS (schedule evaluation and tick pick-up, default 30 / 5),
LOG_LEVEL (structured JSON log on stdout: fatal, error, warn, info, debug, trace, silent; default info).`;

async function withDatabase<T>(config: Config, run: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.database);
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}

/** The job-queue settings every long-running process shares. */
function planJobsOptions(config: Config) {
  return {
    concurrency: config.solveConcurrency,
    maxRunningPerKey: config.maxRunningPlansPerKey,
    expireInSeconds: config.solveJobExpireSeconds,
    queue: {
      maintenanceIntervalSeconds: config.queueMaintenanceSeconds,
      cronMonitorIntervalSeconds: config.cronMonitorSeconds,
      cronWorkerIntervalSeconds: config.cronWorkerSeconds,
    },
  };
}

async function serve(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-worker': { type: 'boolean', default: false } } });
  const worker = !values['no-worker'];
  const started = performance.now();
  const { db, appliedMigrations, seeded } = await prepareDatabase(config.database, { seedFixtures: config.seedFixtures });
  // who may call: on a network address only key holders, and only once an admin key exists
  const access = await startupAccess(db, config.host);
  if (!access.ok) {
    await db.close();
    console.error(`tokengrid serve: ${access.message}`);
    return 1;
  }
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const planJobs = await PlanJobs.start(db, { ...planJobsOptions(config), worker, logger, metrics });
  const running = await listen(createApp({ db, planJobs, limits: config.limits, logger, metrics, auth: access.mode, webDir: defaultWebDir() }), config.host, config.port);
  const ms = Math.round(performance.now() - started);
  const notes = [
    appliedMigrations.length > 0 ? `applied ${appliedMigrations.length} migration(s)` : 'schema up to date',
    ...(seeded ? ['loaded the bundled fixtures'] : []),
  ];
  console.log(`tokengrid ready in ${ms} ms on ${db.kind === 'pglite' ? 'embedded PGlite at ' : 'PostgreSQL '}${db.location} (${notes.join('; ')})`);
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
    await planJobs.stop();
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
    console.error(
      `tokengrid worker: ${status.divergence ?? `the database has ${status.pending.length} pending migration(s)`}; ` +
        'run `tokengrid migrate` (or start `tokengrid serve`) with this build first',
    );
    return 1;
  }
  // a worker has no HTTP endpoint: its solves are in its log (no /metrics to scrape)
  const planJobs = await PlanJobs.start(db, { ...planJobsOptions(config), worker: true, logger: createLogger(config.logLevel) });
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
    await planJobs.stop();
    stopLogging();
    await closeSolverWorkers();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return new Promise<number>(() => {});
}

async function importCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
  const path = positionals[0];
  if (!path) {
    console.error('tokengrid import: give a directory of CSV files, one CSV file or a JSON document');
    return 2;
  }
  const started = performance.now();
  const progress = (message: string) => process.stderr.write(`\r\x1b[K${message} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  progress(`reading ${path}`);
  const input = { files: await readDatasetFiles(path) };
  return withDatabase(config, async (db) => {
    await applyMigrations(db);
    progress('validating and writing');
    const outcome = await importDataset(db, input, { dryRun: values['dry-run'] });
    process.stderr.write('\n');
    if (!outcome.ok) {
      console.error(`import refused, nothing was written: ${outcome.issues.length} problem(s)`);
      for (const issue of outcome.issues.slice(0, 200)) console.error(`  ${issue.path}: ${issue.message}`);
      if (outcome.issues.length > 200) console.error(`  … and ${outcome.issues.length - 200} more`);
      return 1;
    }
    console.log(outcome.dryRun ? 'dry run, nothing written:' : 'imported:');
    for (const [kind, counts] of Object.entries(outcome.summary)) {
      console.log(`  ${kind.padEnd(16)} ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`);
    }
    return 0;
  });
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config, rest);
    case 'worker':
      return worker(config);
    case 'migrate':
      return withDatabase(config, async (db) => {
        const applied = await applyMigrations(db);
        const status = await migrationStatus(db);
        console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : `up to date (${status.applied.length} migrations)`);
        return 0;
      });
    case 'migration': {
      const name = rest[0];
      if (!name) {
        console.error('tokengrid migration: give the new migration a name, e.g. `npm run db:migration -- add_site_owner`');
        return 2;
      }
      return withDatabase({ ...config, database: { kind: 'pglite', dataDir: ':memory:' } }, async (db) => {
        const folder = await createMigration(db, name);
        console.log(folder ? `wrote ${folder}/migration.sql` : 'the schema matches the migrations: nothing to write');
        return 0;
      });
    }
    case 'import':
      return importCommand(config, rest);
    case 'export':
      return withDatabase(config, async (db) => {
        const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
        const json = JSON.stringify(await readDataset(db), null, 2) + '\n';
        if (values.out) await writeFile(values.out, json);
        else process.stdout.write(json);
        return 0;
      });
    case 'plan':
      return planCommand(rest, {
        loadPlanningInput: () => withDatabase(config, async (db) => {
          await applyMigrations(db);
          return assertPlannable(await planningInputFromDatabase(db));
        }),
        requestPlan: (request, io) =>
          withDatabase(config, async (db) => {
            await applyMigrations(db);
            // the embedded database is this process's alone: nobody else can solve a plan we wait for
            const solveHere = request.wait && db.kind === 'pglite';
            const planJobs = await PlanJobs.start(db, {
              worker: solveHere,
              expireInSeconds: config.solveJobExpireSeconds,
              // a short-lived command: no maintenance or cron timekeeping here
              queue: { supervise: false, schedule: false },
            });
            try {
              return await requestPlanFromService(db, planJobs, request, io);
            } finally {
              await planJobs.stop();
              await closeSolverWorkers();
            }
          }),
      });
    case 'plans':
      return plansCommand(rest, { withDatabase: (run) => withDatabase(config, run) });
    case 'keys':
      return keysCommand(rest, {
        withDatabase: (run) =>
          withDatabase(config, async (db) => {
            await applyMigrations(db);
            return run(db);
          }),
      });
    case 'schedules':
      return withDatabase(config, async (db) => {
        await applyMigrations(db);
        // enqueue-only job queue: the schedule mutations register their crons through it
        const planJobs = await PlanJobs.start(db, { worker: false, queue: { supervise: false, schedule: false } });
        try {
          return await schedulesCommand(rest, { graphql: inProcessGraphQL(db, planJobs) });
        } finally {
          await planJobs.stop();
        }
      });
    default:
      console.error(`tokengrid: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof MigrationDivergenceError) {
      console.error(`tokengrid: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);
