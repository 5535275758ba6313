// `tokengrid schedules list|create|pause|resume|delete`: the schedule
// mutations and query of the GraphQL API, run through the same schema (in
// process or against a server), so the command line checks exactly what the
// API checks.
import { parseArgs } from 'node:util';
import { LOCAL_ADMIN } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import type { PlanJobs } from '../jobs/plan-jobs.js';
import { createApp } from '../server/app.js';

export const SCHEDULES_USAGE = `Usage: tokengrid schedules <list|create|pause|resume|delete> [options]

  list [--json]                    every schedule: cron, zone, state, next and last run
  create <name> --cron "<5 fields>" [--tz <IANA zone>] [--scenario <code>]
         [--options '<json PlanOptionsInput>'] [--webhook <http(s) URL>] [--paused]
                                   e.g. create nightly --cron "0 2 * * *" --tz Europe/Berlin
                                        --options '{"periods":24,"capexMode":"SUNK"}'
  pause <name>                     stop its ticks (the schedule and its plans stay)
  resume <name>                    start them again
  delete <name>                    delete it and its cron (its plans stay)
  -h, --help`;

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

/** GraphQL through the app in this process: the mutations register crons through `planJobs`' queue. */
export function inProcessGraphQL(db: Database, planJobs: PlanJobs): SchedulesCommandDeps['graphql'] {
  // the command holds the database itself: it acts as the local admin
  const app = createApp({ db, planJobs, graphiql: false, auth: { kind: 'fixed', auth: LOCAL_ADMIN } });
  return async (query, variables) => {
    const response = await app.fetch('http://tokengrid.cli/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult;
  };
}

const FIELDS = 'name cron timeZone enabled webhookUrl options nextRunAt lastRunAt scenario { code } lastPlan { id status costPerMillionTokens }';

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

/** Exit code: 0 done, 1 refused (validation, not found, conflict) or failed, 2 usage. */
export async function schedulesCommand(argv: string[], deps: SchedulesCommandDeps): Promise<number> {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cron: { type: 'string' },
        tz: { type: 'string' },
        scenario: { type: 'string' },
        options: { type: 'string' },
        webhook: { type: 'string' },
        paused: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err(`tokengrid schedules: ${error instanceof Error ? error.message : String(error)}\n${SCHEDULES_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, name, ...extra] = positionals;
  if (values.help) {
    out(`${SCHEDULES_USAGE}\n`);
    return 0;
  }
  const usage = (message: string) => {
    err(`tokengrid schedules: ${message}\n${SCHEDULES_USAGE}\n`);
    return 2;
  };
  if (extra.length) return usage(`unexpected arguments: ${extra.join(' ')}`);

  const run = async (query: string, variables?: Record<string, unknown>) => {
    const result = await deps.graphql(query, variables);
    if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    return result.data ?? {};
  };
  /** A mutation's typed answer: the data, or the error printed. */
  const answer = (result: Record<string, any>) => {
    if (result.__typename?.endsWith('Success')) return result.data;
    const issues: { path: string; message: string }[] = result.issues ?? [];
    err(`tokengrid schedules: ${issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join('\n  ') : result.message}\n`);
    return null;
  };

  try {
    switch (action) {
      case 'list': {
        if (name) return usage(`list takes no name`);
        const { schedules } = await run(LIST);
        const rows: ScheduleView[] = schedules.edges.map((edge: { node: ScheduleView }) => edge.node);
        if (values.json) out(`${JSON.stringify(rows, null, 2)}\n`);
        else out(rows.length ? `${rows.map(describe).join('\n')}\n` : 'no schedules\n');
        return 0;
      }
      case 'create': {
        if (!name) return usage('create needs a name');
        if (!values.cron) return usage('create needs --cron "<minute hour day month weekday>"');
        let options: unknown;
        if (values.options !== undefined) {
          try {
            options = JSON.parse(values.options);
          } catch {
            return usage('--options must be a JSON object, e.g. \'{"periods":24}\'');
          }
        }
        const input = {
          name,
          cron: values.cron,
          ...(values.tz !== undefined ? { timeZone: values.tz } : {}),
          ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
          ...(options !== undefined ? { options } : {}),
          ...(values.webhook !== undefined ? { webhookUrl: values.webhook } : {}),
          enabled: !values.paused,
        };
        const data = answer((await run(mutation('createSchedule', 'CreateScheduleInput'), { input })).createSchedule);
        if (!data) return 1;
        out(`created\n${describe(data)}\n`);
        return 0;
      }
      case 'pause':
      case 'resume': {
        if (!name) return usage(`${action} needs a name`);
        const field = `${action}Schedule`;
        const data = answer((await run(mutation(field, 'ScheduleNameInput'), { input: { name } }))[field]);
        if (!data) return 1;
        out(`${action === 'pause' ? 'paused' : 'resumed'}\n${describe(data)}\n`);
        return 0;
      }
      case 'delete': {
        if (!name) return usage('delete needs a name');
        const data = answer((await run(DELETE, { input: { name } })).deleteSchedule);
        if (!data) return 1;
        out(`deleted ${data.name}\n`);
        return 0;
      }
      default:
        return usage(action ? `unknown action "${action}"` : 'give an action');
    }
  } catch (error) {
    err(`tokengrid schedules: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
