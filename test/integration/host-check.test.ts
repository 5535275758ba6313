// DNS rebinding on the keyless loopback default: a page whose name resolves to
// 127.0.0.1 sends its own name as Host. Such a request is answered 421 before
// anything runs (nothing is written), in process (yoga.fetch) and through a real
// server on port 0 with a raw HTTP request; loopback names and configured names
// are answered, and /health and /ready stay open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/http.js';
import { openTestDatabase } from '../helpers/database.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { rawRequest } from '../helpers/raw-http.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

/** the keyless loopback default, as `tokengrid serve` on 127.0.0.1 builds it */
const loopbackApp = (allowedHosts: string[] = []) =>
  createApp({ db, auth: { kind: 'loopback' }, limits: TEST_LIMITS, allowedHosts });

const CREATE_SITE = `mutation { createSite(input: {
  code: "REBIND-1", name: "Rebound", country: "US", regionLabel: "x", latitude: 1, longitude: 1,
  pricePerKwh: 0.1, coolingType: AIR, powerCapKw: 100, carbonGramsPerKwh: 100 }) { __typename } }`;

const siteCount = async () => db.prisma.site.count();

function post(app: ReturnType<typeof loopbackApp>, host: string, query: string) {
  return app.fetch('http://127.0.0.1:4000/graphql', {
    method: 'POST',
    headers: { host, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
}

describe('the Host check in process', () => {
  it('a foreign Host is refused 421 with a one-line JSON body naming it, and the mutation never runs', async () => {
    const before = await siteCount();
    const response = await post(loopbackApp(), 'evil.example:4000', CREATE_SITE);
    expect(response.status).toBe(421);
    const text = await response.text();
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({
      errors: [
        {
          message:
            'This server does not answer for Host "evil.example:4000": it answers for localhost, 127.0.0.0/8, [::1] (TOKENGRID_ALLOWED_HOSTS adds names).',
          extensions: { code: 'MISDIRECTED_REQUEST', host: 'evil.example:4000' },
        },
      ],
    });
    expect(await siteCount()).toBe(before);
  });

  it('every path but /health and /ready is refused: /, /graphql (GET and OPTIONS), /metrics', async () => {
    const app = loopbackApp();
    const get = (path: string, method = 'GET') =>
      app.fetch(`http://127.0.0.1:4000${path}`, { method, headers: { host: 'evil.example' } });
    expect((await get('/')).status).toBe(421);
    expect((await get('/graphql?query=%7Bfleet%7Bsites%7D%7D')).status).toBe(421);
    expect((await get('/graphql', 'OPTIONS')).status).toBe(421);
    expect((await get('/metrics')).status).toBe(421);
    expect((await get('/health')).status).toBe(200);
    expect((await get('/ready')).status).toBe(200);
  });

  it('loopback names are answered, with and without the port', async () => {
    const app = loopbackApp();
    for (const host of ['localhost:4000', 'localhost', '127.0.0.1:4000', '127.0.0.1', '[::1]:4000']) {
      const response = await post(app, host, '{ fleet { sites } }');
      expect(response.status, host).toBe(200);
      expect(((await response.json()) as any).data.fleet.sites).toBeGreaterThan(0);
    }
  });

  it('a configured name is answered; other names still are not', async () => {
    const app = loopbackApp(['planner.example.com']);
    expect((await post(app, 'planner.example.com:4000', '{ fleet { sites } }')).status).toBe(200);
    const refused = await post(app, 'evil.example', '{ fleet { sites } }');
    expect(refused.status).toBe(421);
    expect(((await refused.json()) as any).errors[0].message).toContain(
      'it answers for localhost, 127.0.0.0/8, [::1], planner.example.com',
    );
  });

  it('without allowedHosts (in-process callers, a network address without TOKENGRID_ALLOWED_HOSTS) any Host is answered', async () => {
    const app = createApp({ db, limits: TEST_LIMITS });
    expect((await post(app, 'evil.example', '{ fleet { sites } }')).status).toBe(200);
  });
});

describe('the Host check on a real server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(loopbackApp(), '127.0.0.1', 0);
  });
  afterAll(async () => {
    await server?.close();
  });

  const raw = (host: string, body: string) => rawRequest(server.url, { host, path: '/graphql', body });

  it('Host: evil.example:4000 gets 421 and writes nothing; Host: 127.0.0.1 creates the site', async () => {
    const body = JSON.stringify({ query: CREATE_SITE });
    const before = await siteCount();
    const refused = await raw('evil.example:4000', body);
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body).errors[0].extensions).toEqual({
      code: 'MISDIRECTED_REQUEST',
      host: 'evil.example:4000',
    });
    expect(await siteCount()).toBe(before);
    expect(await db.prisma.site.findUnique({ where: { code: 'REBIND-1' } })).toBeNull();

    const { port } = new URL(server.url);
    const accepted = await raw(`127.0.0.1:${port}`, body);
    expect(accepted.status).toBe(200);
    expect(JSON.parse(accepted.body).data.createSite.__typename).toBe('MutationCreateSiteSuccess');
    expect(await siteCount()).toBe(before + 1);
  });
});
