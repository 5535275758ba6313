// Webhooks are not an SSRF path (issue #11, item 5): a schedule's webhookUrl
// that names this machine, a private or link-local network, a metadata
// service, multicast or the unspecified address is refused when stored (a
// table of 40 URLs), unless TOKENGRID_WEBHOOK_ALLOW allows it; at delivery the
// resolved address is checked again (a name that resolves to loopback, a row
// stored before the check), redirects are answered, not followed, and only an
// outcome class is stored. Webhook URLs are shown to admins only, redacted.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { DEFAULT_WEBHOOK_OPTIONS, DELIVERY_ID_HEADER, deliverWebhook } from '../../src/jobs/plan-webhook.js';
import { startJobs, type Jobs } from '../../src/jobs/runtime.js';
import { scheduleQueueName } from '../../src/jobs/schedules.js';
import { parseDestinationAllow } from '../../src/net.js';
import { closeSolverWorkers } from '../../src/optimizer/worker-pool.js';
import { preparePlan } from '../../src/plans/request.js';
import { ScheduleService } from '../../src/schedules/service.js';
import { testApi } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';
import { until } from '../helpers/until.js';
import { DEFAULT_SOLVER_CAPS } from '../../src/plans/solver-caps.js';

interface Received {
  path: string;
  deliveryId: string | undefined;
}

let db: Database;
let jobs: Jobs;
let admin: ReturnType<typeof testApi>;
let viewer: ReturnType<typeof testApi>;
let server: Server;
let port: number;
const received: Received[] = [];

/** The names the deliveries resolve (instead of the system resolver): a rebinding name points at loopback. */
const RESOLVES: Record<string, string[]> = {
  'redirect.test': ['127.0.0.1'],
  'rebind.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '192.168.0.10'],
};

const CREATE = `mutation ($input: CreateScheduleInput!) { createSchedule(input: $input) {
  __typename
  ... on MutationCreateScheduleSuccess { data { id webhookUrl } }
  ... on ValidationError { issues { path message } }
} }`;

const DELIVERY = `query ($id: ID!) { plan(id: $id) {
  status webhookDelivery { url status attempts lastStatusCode lastError deliveredAt } } }`;

/** A cron that will not fire during the test. */
function farCron(): string {
  const now = new Date();
  return `${(now.getUTCMinutes() + 30) % 60} ${(now.getUTCHours() + 12) % 24} * * *`;
}

/** One tick of the schedule (what pg-boss's timekeeper sends), its plan solved, its delivery finished. */
async function deliveryOfTick(scheduleId: string) {
  const tickId = (await jobs.queue.send(scheduleQueueName(scheduleId), { scheduleId }))!;
  const plan = await until('the plan of the tick', () =>
    db.prisma.plan.findUnique({ where: { scheduleTickId: tickId }, select: { id: true } }),
  );
  return until('the delivery to finish', async () => {
    const read = (await admin.data<any>(DELIVERY, { id: plan.id })).plan;
    return read.webhookDelivery && read.webhookDelivery.status !== 'PENDING' && { planId: plan.id, ...read };
  });
}

beforeAll(async () => {
  db = await openTestDatabase();
  const allow = parseDestinationAllow('redirect.test');
  if (!allow.ok) throw new Error(allow.message);
  jobs = await startJobs(db, {
    webhookAllow: allow.allow,
    queue: { supervise: false, pollingIntervalSeconds: 0.5 },
    schedules: {
      resyncIntervalMs: 500,
      webhook: {
        attempts: 2,
        retryDelaySeconds: 1,
        backoff: false,
        timeoutMs: 2_000,
        resolve: async (hostname) => {
          const addresses = RESOLVES[hostname];
          if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
          return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        },
      },
    },
  });
  admin = testApi(db, { jobs });
  viewer = testApi(db, { jobs, role: 'viewer' });
  server = createServer((request: IncomingMessage, response) => {
    received.push({ path: request.url ?? '', deliveryId: request.headers[DELIVERY_ID_HEADER] as string | undefined });
    request.resume();
    if (request.url === '/redirect') {
      response.writeHead(302, { location: `http://redirect.test:${port}/target` });
      response.end('moved: the body of a redirect is never stored');
    } else {
      response.writeHead(204);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await jobs?.stop({ graceMs: 0 });
  await closeSolverWorkers();
  await db?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** [url, refused because … (null: accepted)] */
const URLS: [string, string | null][] = [
  ['http://127.0.0.1/hook', '127.0.0.1 is a loopback address'],
  ['http://127.1.2.3:8080/x', '127.1.2.3 is a loopback address'],
  ['http://localhost/hook', 'localhost is a loopback address (localhost)'],
  ['http://LOCALHOST./hook', 'is a loopback address (localhost)'],
  ['http://api.localhost:3000/x', 'api.localhost is a loopback address (localhost)'],
  ['http://[::1]/x', '[::1] is a loopback address'],
  ['http://0.0.0.0:4000/', '0.0.0.0 is an unspecified address'],
  ['http://0/', '0.0.0.0 is an unspecified address'],
  ['http://[::]/', '[::] is an unspecified address'],
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
  ['http://[fe80::1]/', '[fe80::1] is a link-local address'],
  ['http://10.0.0.5/', '10.0.0.5 is a private address'],
  ['http://172.16.0.1/', '172.16.0.1 is a private address'],
  ['http://172.31.255.255/', '172.31.255.255 is a private address'],
  ['http://192.168.1.10/', '192.168.1.10 is a private address'],
  ['http://100.64.0.1/', '100.64.0.1 is a private address'],
  ['http://100.100.100.200/latest/meta-data', '100.100.100.200 is a private address'],
  ['http://[fc00::1]/', '[fc00::1] is a private address'],
  ['http://[fd00:ec2::254]/latest/meta-data/', '[fd00:ec2::254] is a private address'],
  ['http://[::ffff:127.0.0.1]/', 'is a loopback address'],
  ['http://[::ffff:169.254.169.254]/', 'is a link-local address'],
  ['http://[::ffff:10.0.0.1]/', 'is a private address'],
  ['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
  ['http://[ff02::1]/', '[ff02::1] is a multicast address'],
  ['http://255.255.255.255/', '255.255.255.255 is a reserved address'],
  ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a cloud metadata service'],
  ['http://metadata/', 'metadata is a cloud metadata service'],
  ['http://instance-data/latest/', 'instance-data is a cloud metadata service'],
  // other spellings of 127.0.0.1 (the URL parser reads them as that address)
  ['http://2130706433/', '127.0.0.1 is a loopback address'],
  ['http://0x7f000001/', '127.0.0.1 is a loopback address'],
  ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
  ['http://user:pw@127.0.0.1/', '127.0.0.1 is a loopback address'],
  // accepted: public names and addresses, and the neighbours of the refused ranges
  ['https://hooks.example.com/x', null],
  ['https://8.8.8.8/hook', null],
  ['http://172.32.0.1/', null],
  ['http://100.128.0.1/', null],
  ['http://192.169.0.1/', null],
  ['https://[2606:4700::1111]/', null],
  ['https://example.com:8443/a?token=x', null],
  ['http://metadata.example.com/', null],
];

describe('webhook URLs when stored', () => {
  it(`refuses ${URLS.filter(([, r]) => r).length} loopback, private, link-local, metadata, multicast and unspecified destinations of ${URLS.length}, naming the field and why`, async () => {
    const outcomes: string[] = [];
    for (const [index, [webhookUrl, refused]] of URLS.entries()) {
      const result = (await admin.data<any>(CREATE, { input: { name: `url ${index}`, cron: farCron(), webhookUrl } }))
        .createSchedule;
      if (refused === null) {
        outcomes.push(`${webhookUrl}: ${result.__typename}`);
        expect(result.__typename, webhookUrl).toBe('MutationCreateScheduleSuccess');
      } else {
        expect(result.__typename, webhookUrl).toBe('ValidationError');
        expect(result.issues).toHaveLength(1);
        expect(result.issues[0].path).toBe('input.webhookUrl');
        expect(result.issues[0].message, webhookUrl).toContain(refused);
        expect(result.issues[0].message).toContain('TOKENGRID_WEBHOOK_ALLOW');
      }
    }
    // a refused URL wrote nothing
    const stored = await db.prisma.schedule.findMany({ where: { name: { startsWith: 'url ' } } });
    expect(stored.map((s) => s.webhookUrl).sort()).toEqual(
      URLS.filter(([, refused]) => refused === null)
        .map(([url]) => url)
        .sort(),
    );
  });

  it('refuses the same on updateSchedule', async () => {
    const UPDATE = `mutation ($input: UpdateScheduleInput!) { updateSchedule(input: $input) {
      __typename ... on ValidationError { issues { path message } } } }`;
    const result = (
      await admin.data<any>(UPDATE, { input: { name: 'url 32', webhookUrl: 'http://169.254.169.254/latest' } })
    ).updateSchedule;
    expect(result).toMatchObject({ __typename: 'ValidationError', issues: [{ path: 'input.webhookUrl' }] });
    expect((await db.prisma.schedule.findUnique({ where: { name: 'url 32' } }))!.webhookUrl).toBe(
      'https://hooks.example.com/x',
    );
  });

  it('accepts what TOKENGRID_WEBHOOK_ALLOW allows (hosts, addresses, CIDR ranges), and a bad entry stops the start', async () => {
    const config = loadConfig({ TOKENGRID_WEBHOOK_ALLOW: ' 10.0.0.0/8, localhost ,fd00::/8,192.168.1.10' });
    const crons = {
      sync: async () => {},
      remove: async () => {},
      subscribe: async () => {},
      unsubscribe: async () => {},
    };
    const service = new ScheduleService(db, crons, { webhookAllow: config.webhookAllow });
    for (const [index, url] of [
      'http://10.1.2.3/',
      'http://localhost:8080/',
      'http://[fd00::5]/',
      'http://192.168.1.10/',
      'http://[::ffff:10.9.9.9]/',
    ].entries())
      await expect(
        service.create(
          {
            name: `allowed ${index}`,
            cron: farCron(),
            timeZone: 'UTC',
            options: {},
            enabled: false,
            webhookUrl: url,
          },
          DEFAULT_SOLVER_CAPS,
        ),
      ).resolves.toBeTruthy();
    await expect(
      service.create(
        {
          name: 'not allowed',
          cron: farCron(),
          timeZone: 'UTC',
          options: {},
          enabled: false,
          webhookUrl: 'http://192.168.1.11/',
        },
        DEFAULT_SOLVER_CAPS,
      ),
    ).rejects.toMatchObject({
      issues: [{ path: 'input.webhookUrl', message: expect.stringContaining('private address') }],
    });

    for (const bad of ['10.0.0.0/33', 'not a host', '10.0.0.0/x'])
      expect(() => loadConfig({ TOKENGRID_WEBHOOK_ALLOW: bad }), bad).toThrow(ConfigError);
    expect(() => loadConfig({ TOKENGRID_WEBHOOK_ALLOW: '10.0.0.0/33' })).toThrow(
      /TOKENGRID_WEBHOOK_ALLOW: "10.0.0.0\/33"/,
    );
  });
});

describe('webhook deliveries', () => {
  it('refuses a name that resolves to loopback at delivery (DNS rebinding): nothing is sent, the outcome is stored', async () => {
    const created = (
      await admin.data<any>(CREATE, {
        input: { name: 'rebinding', cron: farCron(), webhookUrl: `http://rebind.test:${port}/ok` },
      })
    ).createSchedule;
    expect(created.__typename).toBe('MutationCreateScheduleSuccess');
    const before = received.length;
    const delivery = await deliveryOfTick(created.data.id);
    expect(delivery.status).toBe('SOLVED');
    expect(delivery.webhookDelivery).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'refused: loopback address',
      deliveredAt: null,
    });
    expect(received.length).toBe(before);
  });

  it('refuses a name with any forbidden address among its addresses', async () => {
    const created = (
      await admin.data<any>(CREATE, {
        input: { name: 'mixed', cron: farCron(), webhookUrl: `http://mixed.test:${port}/ok` },
      })
    ).createSchedule;
    const delivery = await deliveryOfTick(created.data.id);
    expect(delivery.webhookDelivery).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: 'refused: private address',
    });
  });

  it('refuses an address stored before the check (or since disallowed) at delivery', async () => {
    const row = await db.prisma.schedule.create({
      data: { name: 'stored before', cron: farCron(), options: {}, webhookUrl: `http://127.0.0.1:${port}/ok` },
    });
    // the runner takes the new row's ticks from its next re-read (every 500 ms)
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const before = received.length;
    const delivery = await deliveryOfTick(row.id);
    expect(delivery.webhookDelivery).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: 'refused: loopback address',
    });
    expect(received.length).toBe(before);
  });

  it('refuses localhost through the system resolver once it is no longer allowed', async () => {
    // stored while an operator allowed `localhost`; delivered by a process that no longer does
    const request = await preparePlan(db, { name: 'unscheduled', scenarioCode: null, options: {} });
    const plan = await jobs.plans.enqueue(request);
    const row = await db.prisma.webhookDelivery.create({
      data: { planId: plan.id, url: `http://localhost:${port}/ok` },
    });
    const before = received.length;
    const job = { id: randomUUID(), name: 'plan-webhook', data: { deliveryId: row.id }, retryCount: 0, retryLimit: 2 };
    await deliverWebhook(db, job as unknown as PgBoss.JobWithMetadata<unknown>, DEFAULT_WEBHOOK_OPTIONS);
    expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'refused: loopback address',
    });
    expect(received.length).toBe(before);
  });

  it('does not follow a redirect (an allowed host): the outcome is the class, not the body, and retried', async () => {
    const created = (
      await admin.data<any>(CREATE, {
        input: { name: 'redirecting', cron: farCron(), webhookUrl: `http://redirect.test:${port}/redirect` },
      })
    ).createSchedule;
    expect(created.__typename).toBe('MutationCreateScheduleSuccess');
    const delivery = await deliveryOfTick(created.data.id);
    expect(delivery.webhookDelivery).toMatchObject({
      status: 'FAILED',
      attempts: 2,
      lastStatusCode: 302,
      lastError: 'http 3xx',
      deliveredAt: null,
    });
    const deliveryRow = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { planId: delivery.planId } });
    expect(received.filter((r) => r.path === '/redirect').map((r) => r.deliveryId)).toEqual([
      deliveryRow.id,
      deliveryRow.id,
    ]);
    expect(received.filter((r) => r.path === '/target')).toEqual([]);
  });
});

describe('who sees webhook URLs', () => {
  it('shows them to admins with credentials redacted, and null to other roles', async () => {
    const url = `https://ops:hunter2@hooks.example.com/x?token=abc&sig=zz&team=7&api_key=k`;
    const created = (await admin.data<any>(CREATE, { input: { name: 'with token', cron: farCron(), webhookUrl: url } }))
      .createSchedule;
    const redacted = 'https://ops:***@hooks.example.com/x?token=***&sig=***&team=7&api_key=***';
    expect(created.data.webhookUrl).toBe(redacted);
    const QUERY = `{ schedule(name: "with token") { webhookUrl } }`;
    expect((await admin.data<any>(QUERY)).schedule.webhookUrl).toBe(redacted);
    expect((await viewer.data<any>(QUERY)).schedule.webhookUrl).toBeNull();
    expect((await testApi(db, { jobs, role: 'planner' }).data<any>(QUERY)).schedule.webhookUrl).toBeNull();
    // stored as given: the delivery uses it
    expect((await db.prisma.schedule.findUniqueOrThrow({ where: { name: 'with token' } })).webhookUrl).toBe(url);

    const [delivery] = await db.prisma.webhookDelivery.findMany({ take: 1, select: { planId: true, url: true } });
    const read = async (api: ReturnType<typeof testApi>) =>
      (await api.data<any>(DELIVERY, { id: delivery!.planId })).plan.webhookDelivery;
    expect((await read(admin)).url).toBe(delivery!.url);
    expect((await read(viewer)).url).toBeNull();
    expect((await read(viewer)).status).toBe('FAILED');
  });
});
