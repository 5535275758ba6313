// Authorize before reading large bodies: a caller whose role may not import is
// answered 403 once its body passes maxBodyBytes (1 MiB), over a real socket,
// while the client is still sending; the rest is never read.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/key-store.js';
import type { Database } from '../../src/db/database.js';
import { DEFAULT_LIMITS, MIB } from '../../src/limits-config.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/http.js';
import { TEST_LIMITS } from '../helpers/api.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let server: RunningServer;
const keys: Record<'viewer' | 'planner' | 'admin', string> = { viewer: '', planner: '', admin: '' };

beforeAll(async () => {
  db = await openTestDatabase();
  for (const role of ['viewer', 'planner', 'admin'] as const) {
    const created = await createApiKey(db, { name: `body-${role}`, role });
    if (!created.ok) throw new Error('key not created');
    keys[role] = created.key;
  }
  server = await listen(createApp({ db, limits: TEST_LIMITS, auth: { kind: 'keys' } }), '127.0.0.1', 0);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const PREFIX = JSON.stringify({
  query: 'mutation ($json: JSON) { importDataset(input: { json: $json, dryRun: true }) { __typename } }',
  variables: { json: { sites: [''] } },
}).replace(/\]\}\}\}$/, '');
const CHUNK = Buffer.from(`,${JSON.stringify('x'.repeat(64 * 1024 - 3))}`);

interface Sent {
  status: number;
  body: any;
  /** bytes the client had written when the answer's headers arrived */
  sentWhenAnswered: number;
  /** whether the whole body had been written by then */
  finished: boolean;
}

/**
 * POSTs an import body of `total` bytes (Infinity: it never ends), chunked, or
 * or only the headers with that Content-Length when `declare` is set; stops sending once answered.
 */
function send(key: string, total: number, options: { declare?: boolean } = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered: IncomingMessage | null = null;
    let finished = false;
    const req = httpRequest(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        ...(options.declare ? { 'content-length': String(total) } : {}),
      },
    });
    req.on('response', (response) => {
      answered = response;
      const sentWhenAnswered = sent;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (text += part));
      response.on('end', () => {
        req.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), sentWhenAnswered, finished });
      });
    });
    // writes past the answer fail once the server drops the socket: expected
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // the server closed the socket on the unread rest of the body, and the reset reached this
      // client's write before the answer did: refused before the body was read all the same (status 0)
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
        resolve({ status: 0, body: null, sentWhenAnswered: sent, finished });
      else reject(error);
    });
    const pump = async () => {
      // a declared length: only the headers go out, the answer must come from them
      if (options.declare) return req.flushHeaders();
      const write = (data: Buffer) =>
        new Promise<void>((done) => {
          if (req.write(data)) return done();
          const go = () => {
            req.off('drain', go);
            req.off('response', go);
            req.off('close', go);
            done();
          };
          req.on('drain', go);
          req.on('response', go);
          req.on('close', go);
        });
      await write(Buffer.from(PREFIX));
      sent += Buffer.byteLength(PREFIX);
      const end = Buffer.from(']}}}');
      while (!answered && !req.destroyed && sent + CHUNK.length + end.length <= total) {
        await write(CHUNK);
        sent += CHUNK.length;
      }
      if (answered || req.destroyed || !Number.isFinite(total)) return;
      const pad = Buffer.from(`,"${'y'.repeat(Math.max(0, total - sent - end.length - 3))}"`);
      req.end(Buffer.concat([pad, end]));
      sent += pad.length + end.length;
      finished = true;
    };
    pump().catch(reject);
  });
}

const rssMiB = () => Math.round(process.memoryUsage().rss / MIB);

describe('a role that may not import is answered before its large body is read', () => {
  it('a viewer streaming a body that never ends gets 403 FORBIDDEN at about 1 MiB', async () => {
    const answer = await send(keys.viewer, Number.POSITIVE_INFINITY);
    console.log(
      `a never-ending viewer body: answered ${answer.status} after ${(answer.sentWhenAnswered / MIB).toFixed(1)} MiB sent`,
    );
    expect(answer.status).toBe(403);
    expect(answer.body.errors[0]).toMatchObject({
      message: `The request body is over 1,048,576 bytes; the limit is 1,048,576 bytes for a viewer: only importDataset may send more, and your role may not import (it needs the admin role).`,
      extensions: { code: 'FORBIDDEN' },
    });
    // what the client had written: the 1 MiB read plus what socket buffers hold
    expect(answer.sentWhenAnswered).toBeLessThan(8 * MIB);
  }, 60_000);

  it('a planner declaring 30 MiB is answered from Content-Length, before a byte of the body', async () => {
    const answer = await send(keys.planner, 30 * MIB, { declare: true });
    expect(answer.status).toBe(403);
    expect(answer.body.errors[0].message).toMatch(/^The request body is 31,457,280 bytes; .* a planner: /);
    expect(answer.sentWhenAnswered).toBe(0);
  }, 60_000);

  it('an admin may still send an import past 1 MiB', async () => {
    const answer = await send(keys.admin, 2 * MIB);
    expect(answer.finished).toBe(true);
    expect(answer.status).toBe(200);
  }, 60_000);

  it('six concurrent 30 MiB viewer bodies: each answered before it is sent; server RSS before and after', async () => {
    const before = rssMiB();
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(keys.viewer, 30 * MIB)));
    const after = rssMiB();
    console.log(
      `6 concurrent 30 MiB viewer bodies: RSS ${before} -> ${after} MiB (this process: server and clients); ` +
        `sent before the answer: ${answers.map((a) => (a.sentWhenAnswered / MIB).toFixed(1)).join(', ')} MiB of 30`,
    );
    const resets = answers.filter((answer) => answer.status === 0).length;
    console.log(`  ${answers.length - resets} answered 403, ${resets} reset while still writing`);
    for (const answer of answers) {
      expect([403, 0]).toContain(answer.status);
      expect(answer.finished).toBe(false);
      expect(answer.sentWhenAnswered).toBeLessThan(8 * MIB);
    }
    expect(DEFAULT_LIMITS.maxBodyBytes).toBe(MIB);
  }, 120_000);
});
