// `tokengrid schedules list|create|pause|resume|delete`: the schedule
// mutations and query of the GraphQL API, run through the same schema (in
// process or against a server), so the command line checks exactly what the
// API checks.
import { Command } from 'commander';
import { LOCAL_ADMIN } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import type { Jobs } from '../jobs/runtime.js';
import { DEFAULT_LIMITS } from '../limits-config.js';
import type { SolverCaps } from '../plans/solver-caps.js';
import { CommandFailure, onAction, runCommand, UsageError, type Output } from './command.js';

export interface GraphQLResult {
  data?: Record<string, any> | null;
  errors?: { message: string }[];
}

export interface SchedulesCommandDeps {
  /** runs one GraphQL operation (see inProcessGraphQL) */
  graphql: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResult>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** GraphQL through the app in this process: the mutations register crons through `jobs`' queue (src/schedules/service.ts). */
export function inProcessGraphQL(db: Database, jobs: Jobs, caps?: SolverCaps): SchedulesCommandDeps['graphql'] {
  // the command holds the database itself: it acts as the local admin
  // loaded when the first operation runs: `--help` and usage errors never pay for the schema
  let app: Promise<ReturnType<typeof import('../server/app.js').createApp>> | undefined;
  return async (query, variables) => {
    app ??= import('../server/app.js').then(({ createApp }) =>
      createApp({
        db,
        jobs,
        graphiql: false,
        auth: { kind: 'fixed', auth: LOCAL_ADMIN },
        // the configured solver caps: what the command stores keeps to them as the API's would; no rate
        // limits (a bucket of this short-lived process would only refuse the local admin a sweep)
        limits: { ...DEFAULT_LIMITS, planRequestRate: { perMinute: 0, burst: 1 }, ...caps },
      }),
    );
    const response = await (
      await app
    ).fetch('http://tokengrid.cli/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult;
  };
}

const FIELDS =
  'name cron timeZone enabled webhookUrl options nextRunAt lastRunAt scenario { code } lastPlan { id status costPerMillionTokens }';

const LIST = `{ schedules(first: 100) { totalCount edges { node { ${FIELDS} } } } }`;

const ERRORS = `... on ValidationError { message issues { path message } } ... on NotFoundError { message } ... on ConflictError { message }`;

const mutation = (field: string, inputType: string) =>
  `mutation ($input: ${inputType}!) { ${field}(input: $input) { __typename ... on Mutation${field[0]!.toUpperCase()}${field.slice(1)}Success { data { ${FIELDS} } } ${ERRORS} } }`;

const DELETE = `mutation ($input: ScheduleNameInput!) { deleteSchedule(input: $input) { __typename ... on MutationDeleteScheduleSuccess { data { name } } ${ERRORS} } }`;

interface ScheduleView {
  name: string;
  cron: string;
  timeZone: string;
  enabled: boolean;
  webhookUrl: string | null;
  options: Record<string, unknown>;
  nextRunAt: string | null;
  lastRunAt: string | null;
  scenario: { code: string } | null;
  lastPlan: { id: string; status: string; costPerMillionTokens: number | null } | null;
}

function describe(schedule: ScheduleView): string {
  const options = Object.keys(schedule.options).length ? ` options ${JSON.stringify(schedule.options)}` : '';
  const last = schedule.lastPlan
    ? `last ${schedule.lastRunAt} ${schedule.lastPlan.status}${schedule.lastPlan.costPerMillionTokens != null ? ` $${schedule.lastPlan.costPerMillionTokens.toFixed(4)}/Mtok` : ''} (${schedule.lastPlan.id})`
    : 'never run';
  return [
    `${schedule.name}  "${schedule.cron}" ${schedule.timeZone}  ${schedule.enabled ? `next ${schedule.nextRunAt}` : 'PAUSED'}`,
    `  ${schedule.scenario ? `scenario ${schedule.scenario.code}; ` : ''}${last}${options}${schedule.webhookUrl ? `; webhook ${schedule.webhookUrl}` : ''}`,
  ].join('\n');
}

/** Runs one operation; a GraphQL error (not a typed answer) is a failure. */
export async function runGraphQL(
  graphql: SchedulesCommandDeps['graphql'],
  query: string,
  variables?: Record<string, unknown>,
): Promise<Record<string, any>> {
  const result = await graphql(query, variables);
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.data ?? {};
}

/**
 * A mutation's typed answer: the data, or its error printed (a ValidationError
 * one line per issue, `<label>: <path>: <message>`) and a failure thrown (exit 1).
 */
export function typedAnswer(label: string, result: Record<string, any>, io: Output): any {
  if (result.__typename?.endsWith('Success')) return result.data;
  const issues: { path: string; message: string }[] = result.issues ?? [];
  if (issues.length === 0) throw new CommandFailure(result.message ?? `refused (${result.__typename})`);
  for (const issue of issues) io.err(`${label}: ${issue.path.replace(/^input\./, '')}: ${issue.message}\n`);
  throw new CommandFailure('');
}

interface CreateFlags {
  cron: string;
  tz?: string;
  scenario?: string;
  options?: string;
  webhook?: string;
  paused?: boolean;
}

/** The `schedules` command group. Exit code: 0 done, 1 refused (validation, not found, conflict) or failed, 2 usage. */
export function schedulesProgram(deps: SchedulesCommandDeps): Command {
  const schedules = new Command('schedules').description('nightly re-optimization schedules');
  const run = (query: string, variables?: Record<string, unknown>) => runGraphQL(deps.graphql, query, variables);
  const answer = (result: Record<string, any>, io: Output) => typedAnswer('tokengrid schedules', result, io);

  onAction<{ json?: boolean }>(
    schedules
      .command('list')
      .description('every schedule: cron, zone, state, next and last run')
      .option('--json', 'print them as JSON'),
    async (_args, flags, io) => {
      const { schedules: page } = await run(LIST);
      const rows: ScheduleView[] = page.edges.map((edge: { node: ScheduleView }) => edge.node);
      if (rows.length === 0)
        io.err('no schedules (create one with `tokengrid schedules create <name> --cron "0 2 * * *"`)\n');
      if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length) io.out(`${rows.map(describe).join('\n')}\n`);
      return 0;
    },
  );
  onAction<CreateFlags>(
    schedules
      .command('create')
      .description('a schedule that requests a plan at every tick of its cron')
      .argument('<name>', "the schedule's name")
      .requiredOption('--cron <5 fields>', 'minute hour day month weekday, e.g. "0 2 * * *"')
      .option('--tz <zone>', 'IANA time zone of the cron (default UTC)')
      .option('--scenario <code>', 'apply this stored scenario to every plan')
      .option('--options <json>', 'PlanOptionsInput as JSON, e.g. \'{"periods":24,"capexMode":"SUNK"}\'')
      .option('--webhook <url>', 'http(s) URL told about every finished plan')
      .option('--paused', 'create it paused')
      .addHelpText(
        'after',
        '\nExample: tokengrid schedules create nightly --cron "0 2 * * *" --tz Europe/Berlin --options \'{"periods":24}\'',
      ),
    async ([name], flags, io) => {
      let options: unknown;
      if (flags.options !== undefined) {
        try {
          options = JSON.parse(flags.options);
        } catch {
          throw new UsageError('--options must be a JSON object, e.g. \'{"periods":24}\'');
        }
      }
      const input = {
        name,
        cron: flags.cron,
        ...(flags.tz !== undefined ? { timeZone: flags.tz } : {}),
        ...(flags.scenario !== undefined ? { scenario: flags.scenario } : {}),
        ...(options !== undefined ? { options } : {}),
        ...(flags.webhook !== undefined ? { webhookUrl: flags.webhook } : {}),
        enabled: !flags.paused,
      };
      const data = answer((await run(mutation('createSchedule', 'CreateScheduleInput'), { input })).createSchedule, io);
      io.out(`created\n${describe(data)}\n`);
      return 0;
    },
  );
  for (const action of ['pause', 'resume'] as const) {
    onAction(
      schedules
        .command(action)
        .description(action === 'pause' ? 'stop its ticks (the schedule and its plans stay)' : 'start its ticks again')
        .argument('<name>', "the schedule's name"),
      async ([name], _flags, io) => {
        const field = `${action}Schedule`;
        const data = answer((await run(mutation(field, 'ScheduleNameInput'), { input: { name } }))[field], io);
        io.out(`${action === 'pause' ? 'paused' : 'resumed'}\n${describe(data)}\n`);
        return 0;
      },
    );
  }
  onAction(
    schedules
      .command('delete')
      .description('delete it and its cron (its plans stay)')
      .argument('<name>', "the schedule's name"),
    async ([name], _flags, io) => {
      const data = answer((await run(DELETE, { input: { name } })).deleteSchedule, io);
      io.out(`deleted ${data.name}\n`);
      return 0;
    },
  );
  return schedules;
}

/** Runs `tokengrid schedules` with `argv` (the arguments after `schedules`); answers the exit code. */
export function schedulesCommand(argv: string[], deps: SchedulesCommandDeps): Promise<number> {
  const io: Output = {
    out: deps.out ?? ((text) => void process.stdout.write(text)),
    err: deps.err ?? ((text) => void process.stderr.write(text)),
  };
  return runCommand(schedulesProgram(deps), argv, io);
}
