// Lost updates: twenty clients read a site's value and write it back plus one.
// With expectedUpdatedAt each write is a compare-and-set on the row's updatedAt,
// so the end value is the start plus the writes that succeeded, and every other
// write is a ConflictError naming the row's current updatedAt: never a silent
// loss. The same guard on updateScenario and updateSchedule. Runs on the
// embedded database and, with TOKENGRID_TEST_DATABASE_URL, on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { dumpDatabase } from '../helpers/dump.js';

let db: Database;
let jobs: Jobs;
let api: ReturnType<typeof testApi>;

beforeAll(async () => {
  db = await openTestDatabase();
  jobs = await startJobs(db, { worker: false, queue: { supervise: false } });
  api = testApi(db, { jobs });
});
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await db?.close();
});

const CLIENTS = 20;
const SITE = 'US-DFW';

const READ_SITE = `query ($code: String!) { site(code: $code) { powerCapKw updatedAt } }`;
const UPDATE_SITE = `mutation ($input: UpdateSiteInput!) { updateSite(input: $input) {
  __typename
  ... on MutationUpdateSiteSuccess { data { powerCapKw updatedAt } }
  ... on ConflictError { message currentUpdatedAt }
  ... on NotFoundError { entity code }
} }`;

async function readSite(): Promise<{ powerCapKw: number; updatedAt: string }> {
  return (await api.data(READ_SITE, { code: SITE })).site;
}

/** One client: read, add one, write back with the updatedAt it read; with `retry`, again on each conflict. */
async function increment(retry: boolean): Promise<{ conflicts: number; written: boolean }> {
  let conflicts = 0;
  for (;;) {
    const { powerCapKw, updatedAt } = await readSite();
    const result = (
      await api.data(UPDATE_SITE, { input: { code: SITE, powerCapKw: powerCapKw + 1, expectedUpdatedAt: updatedAt } })
    ).updateSite;
    if (result.__typename === 'MutationUpdateSiteSuccess') return { conflicts, written: true };
    expect(result.__typename).toBe('ConflictError');
    expect(result.message).toContain(`site "${SITE}" was changed at ${result.currentUpdatedAt}`);
    conflicts += 1;
    if (!retry) return { conflicts, written: false };
  }
}

describe(`${CLIENTS} concurrent read-modify-write clients on one site`, () => {
  it('with retries: the value goes up by exactly 20', async () => {
    const start = (await readSite()).powerCapKw;
    const outcomes = await Promise.all(Array.from({ length: CLIENTS }, () => increment(true)));
    expect(outcomes.every((o) => o.written)).toBe(true);
    expect((await readSite()).powerCapKw).toBe(start + CLIENTS);
    const conflicts = outcomes.reduce((sum, o) => sum + o.conflicts, 0);
    // the clients did race: all twenty read before the first write
    expect(conflicts).toBeGreaterThan(0);
  });

  it('without retries: the value goes up by k, and exactly 20 - k clients were told of a conflict', async () => {
    const start = (await readSite()).powerCapKw;
    const outcomes = await Promise.all(Array.from({ length: CLIENTS }, () => increment(false)));
    const written = outcomes.filter((o) => o.written).length;
    const conflicts = outcomes.filter((o) => !o.written).length;
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written + conflicts).toBe(CLIENTS);
    expect(conflicts).toBeGreaterThan(0);
    expect((await readSite()).powerCapKw).toBe(start + written);
  });
});

describe('expectedUpdatedAt', () => {
  it('updateSite: a stale one is a ConflictError with the current updatedAt, and nothing is written', async () => {
    const before = await readSite();
    const stale = new Date(Date.parse(before.updatedAt) - 1000).toISOString();
    const dump = await dumpDatabase(db);
    const refused = (await api.data(UPDATE_SITE, { input: { code: SITE, powerCapKw: 1, expectedUpdatedAt: stale } }))
      .updateSite;
    expect(refused).toEqual({
      __typename: 'ConflictError',
      currentUpdatedAt: before.updatedAt,
      message: `site "${SITE}" was changed at ${before.updatedAt}, after the expectedUpdatedAt ${stale}; nothing was written: read it again and retry`,
    });
    expect(await dumpDatabase(db)).toEqual(dump);

    // the current one: written, and the row's updatedAt moves on
    const ok = (
      await api.data(UPDATE_SITE, { input: { code: SITE, powerCapKw: 1234, expectedUpdatedAt: before.updatedAt } })
    ).updateSite;
    expect(ok.__typename).toBe('MutationUpdateSiteSuccess');
    expect(ok.data.powerCapKw).toBe(1234);
    expect(Date.parse(ok.data.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));

    // left out: the update is made whatever came before, and still moves updatedAt on
    const unguarded = (await api.data(UPDATE_SITE, { input: { code: SITE, powerCapKw: 1235 } })).updateSite;
    expect(Date.parse(unguarded.data.updatedAt)).toBeGreaterThan(Date.parse(ok.data.updatedAt));
    const missing = (
      await api.data(UPDATE_SITE, { input: { code: 'NOPE-1', powerCapKw: 1, expectedUpdatedAt: stale } })
    ).updateSite;
    expect(missing).toEqual({ __typename: 'NotFoundError', entity: 'Site', code: 'NOPE-1' });
  });

  it('updateScenario and updateSchedule: the same guard', async () => {
    const created = await api.data(
      `mutation { createScenario(input: { code: "GUARDED", name: "guarded", overrides: {} }) {
        __typename ... on MutationCreateScenarioSuccess { data { updatedAt } } } }`,
    );
    const scenarioAt: string = created.createScenario.data.updatedAt;
    const UPDATE_SCENARIO = `mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) {
      __typename ... on MutationUpdateScenarioSuccess { data { name updatedAt } }
      ... on ConflictError { currentUpdatedAt } } }`;
    const first = (
      await api.data(UPDATE_SCENARIO, { input: { code: 'GUARDED', name: 'first', expectedUpdatedAt: scenarioAt } })
    ).updateScenario;
    expect(first.__typename).toBe('MutationUpdateScenarioSuccess');
    const second = (
      await api.data(UPDATE_SCENARIO, { input: { code: 'GUARDED', name: 'second', expectedUpdatedAt: scenarioAt } })
    ).updateScenario;
    expect(second).toEqual({ __typename: 'ConflictError', currentUpdatedAt: first.data.updatedAt });
    expect(await db.prisma.scenario.findUniqueOrThrow({ where: { code: 'GUARDED' } })).toMatchObject({
      name: 'first',
    });

    const schedule = await api.data(
      `mutation { createSchedule(input: { name: "guarded", cron: "0 3 * * *" }) {
        __typename ... on MutationCreateScheduleSuccess { data { updatedAt } } } }`,
    );
    const scheduleAt: string = schedule.createSchedule.data.updatedAt;
    const UPDATE_SCHEDULE = `mutation ($input: UpdateScheduleInput!) { updateSchedule(input: $input) {
      __typename ... on MutationUpdateScheduleSuccess { data { cron updatedAt } }
      ... on ConflictError { currentUpdatedAt } } }`;
    const changed = (
      await api.data(UPDATE_SCHEDULE, { input: { name: 'guarded', cron: '0 4 * * *', expectedUpdatedAt: scheduleAt } })
    ).updateSchedule;
    expect(changed.__typename).toBe('MutationUpdateScheduleSuccess');
    const stale = (
      await api.data(UPDATE_SCHEDULE, { input: { name: 'guarded', cron: '0 5 * * *', expectedUpdatedAt: scheduleAt } })
    ).updateSchedule;
    expect(stale).toEqual({ __typename: 'ConflictError', currentUpdatedAt: changed.data.updatedAt });
    expect(await db.prisma.schedule.findUniqueOrThrow({ where: { name: 'guarded' } })).toMatchObject({
      cron: '0 4 * * *',
    });
    // the cron registered is the stored one, not the refused change
    const cron = (await jobs.queue.getSchedules()).find((s) => s.cron === '0 4 * * *' || s.cron === '0 5 * * *');
    expect(cron?.cron).toBe('0 4 * * *');
  });
});
