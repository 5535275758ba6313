// The HTTP error contract: each failure has its status, a GraphQL-shaped body
// and a code; unexpected errors are masked and carry the request id; and the
// graphql-http audit of the GraphQL-over-HTTP spec passes every MUST.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { createApp } from '../../src/server/app.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await openTestDatabase();
  app = createApp({ db, limits: TEST_LIMITS });
});
afterAll(async () => {
  await db?.close();
});

const URL = 'http://tokengrid.test/graphql';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

async function call(init: RequestInit & { url?: string }, target = app) {
  const response = await target.fetch(init.url ?? URL, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

describe('status codes', () => {
  it('malformed JSON → 400', async () => {
    const result = await call({ method: 'POST', headers: JSON_HEADERS, body: '{"query": "{ __typename }"' });
    expect(result.status).toBe(400);
    expect(result.body.errors[0]).toMatchObject({
      message: 'POST body sent invalid JSON.',
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('missing query → 400, for application/json and graphql-response+json clients alike', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      for (const body of ['{}', '{"query": ""}', '{"variables": {}}']) {
        const result = await call({ method: 'POST', headers: { ...JSON_HEADERS, accept }, body });
        expect(result.status, `${accept} ${body}`).toBe(400);
        expect(result.body.errors[0]).toMatchObject({
          message: 'Must provide query string.',
          extensions: { code: 'BAD_REQUEST' },
        });
      }
    }
  });

  it('mutation over GET → 405 with Allow: POST', async () => {
    const query = encodeURIComponent('mutation { deleteSite(input: { code: "US-ASH" }) { __typename } }');
    const result = await call({
      url: `${URL}?query=${query}`,
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('POST');
    expect(await db.prisma.site.count({ where: { code: 'US-ASH' } })).toBe(1);
  });

  it('oversized → 413', async () => {
    const result = await call({
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(result.status).toBe(413);
    expect(result.body.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('wrong content type → 415 (with the CSRF header; without it a simple content type is a 403 first)', async () => {
    for (const contentType of ['application/xml', 'text/plain']) {
      const result = await call({
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
        body: '{"query":"{ __typename }"}',
      });
      expect(result.status, contentType).toBe(415);
    }
  });

  it('an unsupported method → 405', async () => {
    expect((await call({ method: 'PUT', headers: JSON_HEADERS, body: '{"query":"{ __typename }"}' })).status).toBe(405);
  });

  it('invalid input → 200 with a typed ValidationError naming each field, and nothing written', async () => {
    const before = await db.prisma.site.findUniqueOrThrow({ where: { code: 'US-DFW' } });
    const result = await call({
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        query: `mutation { updateSite(input: { code: "US-DFW", pricePerKwh: 5, pue: 9 }) {
          __typename ... on ValidationError { issues { path message } } } }`,
      }),
    });
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.updateSite.__typename).toBe('ValidationError');
    expect(result.body.data.updateSite.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'input.pricePerKwh',
      'input.pue',
    ]);
    expect(await db.prisma.site.findUniqueOrThrow({ where: { code: 'US-DFW' } })).toEqual(before);
  });

  it('a GraphQL validation error → 200 for application/json, 400 for application/graphql-response+json', async () => {
    const body = JSON.stringify({ query: '{ nope }' });
    expect((await call({ method: 'POST', headers: JSON_HEADERS, body })).status).toBe(200);
    expect(
      (await call({ method: 'POST', headers: { ...JSON_HEADERS, accept: 'application/graphql-response+json' }, body }))
        .status,
    ).toBe(400);
  });
});

describe('unexpected errors', () => {
  it('are masked as "Unexpected error." with the request id, which is in the log line of the real error', async () => {
    const failing = {
      ...db,
      prisma: new Proxy(db.prisma, {
        get: () => {
          throw new Error('connection to 10.1.2.3 refused: secret detail');
        },
      }),
    } as Database;
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const broken = createApp({ db: failing, limits: TEST_LIMITS, logger });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await call(
        {
          method: 'POST',
          headers: { ...JSON_HEADERS, 'x-request-id': 'req-42.abc' },
          body: JSON.stringify({ query: '{ sites(first: 1) { totalCount } }' }),
        },
        broken,
      );
      expect(result.status).toBe(200);
      expect(result.headers.get('x-request-id')).toBe('req-42.abc');
      expect(result.body.errors).toEqual([
        expect.objectContaining({
          message: 'Unexpected error.',
          path: ['sites', 'totalCount'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42.abc' },
        }),
      ]);
      expect(JSON.stringify(result.body)).not.toMatch(/secret|10\.1\.2\.3/);
      // one line for the real error, with the request id and the original message; yoga does not log it again
      const errorLines = lines.map((line) => JSON.parse(line)).filter((line) => line.level >= 50);
      expect(errorLines).toEqual([
        expect.objectContaining({ requestId: 'req-42.abc', msg: 'unexpected error', path: 'sites.totalCount' }),
      ]);
      expect(errorLines[0].err.message).toMatch(/secret detail/);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('get a generated request id when the client sent none, the same as the x-request-id header', async () => {
    const failing = {
      ...db,
      prisma: new Proxy(db.prisma, {
        get: () => {
          throw new Error('boom');
        },
      }),
    } as Database;
    const broken = createApp({ db: failing, limits: TEST_LIMITS });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await call(
        {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ query: '{ sites(first: 1) { totalCount } }' }),
        },
        broken,
      );
      const id = result.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.body.errors[0].extensions.requestId).toBe(id);
    } finally {
      logged.mockRestore();
    }
  });

  it('expected GraphQL errors are not masked', async () => {
    const result = await call({
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: '{ sites(first: 0) { totalCount } }' }),
    });
    expect(result.body.errors[0]).toMatchObject({
      message: 'first must be between 1 and 100 (got 0)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(result.body.errors[0].extensions.requestId).toBeUndefined();
  });
});

describe('graphql-http audit (GraphQL over HTTP)', () => {
  it('passes every MUST audit; SHOULD and MAY results are listed', async () => {
    // A non-browser client: it sends the CSRF header, as the README says such clients should.
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('x-graphql-yoga-csrf', '1');
      return app.fetch(input as string, { ...init, headers });
    };
    const results: { name: string; status: string; reason?: string }[] = [];
    for (const audit of serverAudits({ url: URL, fetchFn })) {
      const result = await audit.fn();
      results.push({
        name: audit.name,
        status: result.status,
        ...(result.status === 'ok' ? {} : { reason: result.reason }),
      });
    }
    const failedMust = results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok');
    expect(failedMust).toEqual([]);
    const notOk = results.filter((r) => r.status !== 'ok');
    console.info(
      `graphql-http audit: ${results.length - notOk.length}/${results.length} ok${notOk.map((r) => `\n  ${r.status}: ${r.name} (${r.reason})`).join('')}`,
    );
    expect(results.length).toBeGreaterThan(30);
  });

  it('passes every MUST audit without the CSRF header too (GET is a MAY; it is answered 403)', async () => {
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => app.fetch(input as string, init);
    const notOk: string[] = [];
    for (const audit of serverAudits({ url: URL, fetchFn })) {
      const result = await audit.fn();
      if (audit.name.startsWith('MUST') && result.status !== 'ok') notOk.push(audit.name);
    }
    expect(notOk).toEqual([]);
  });
});
