// One owner for the embedded data directory (issue 9 item 7), with real processes:
// while `tokengrid serve` runs, a second server and every data command on the same
// directory exit 1 with one line naming the server, change nothing, and the server
// keeps its data; stale locks (a dead pid, a SIGKILLed server) are taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { FIXTURES_DIR } from '../../src/paths.js';
import { describeIf } from '../helpers/skip.js';
import { cliWorkspace, runCli, serve, stop, type CliWorkspace, type ServerProcess } from '../helpers/cli.js';

let workspace: CliWorkspace;
let lockPath: string;

beforeAll(async () => {
  workspace = await cliWorkspace('lock', { from: 'started' });
  lockPath = join(workspace.env.TOKENGRID_DATA_DIR!, 'tokengrid.lock');
});
afterAll(async () => {
  await workspace?.cleanup();
});

async function graphql(url: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: any; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const setNotes = (url: string, code: string, notes: string) =>
  graphql(url, `mutation { updateSite(input: { code: "${code}", notes: "${notes}" }) { __typename } }`);
const notesOf = async (url: string, code: string) =>
  (await graphql(url, `{ site(code: "${code}") { notes } }`)).site.notes;

/** The refusal: one line (after any progress text) that names the server, and no stack. */
function expectRefused(result: { code: number | null; err: string }, server: ServerProcess) {
  expect(result.code).toBe(1);
  const refusals = result.err.match(/tokengrid(?: [a-z]+)*: the embedded database .*/g) ?? [];
  expect(refusals).toHaveLength(1);
  expect(refusals[0]).toMatch(/: the embedded database \S+ is in use by tokengrid serve /);
  expect(refusals[0]).toContain(
    `(pid ${server.child.pid}, ${server.url}): stop it first, or use the running server (GraphiQL at ${server.url}/graphql), or set TOKENGRID_DATA_DIR to another directory`,
  );
  expect(refusals[0]!.endsWith('another directory')).toBe(true);
  expect(result.err).not.toMatch(/^\s+at /m);
}

describeIf(
  inject('testDatabase').kind === 'pglite',
  'the embedded database has one owner',
  'the lock guards the embedded data directory; this run is on PostgreSQL',
  () => {
    it('refuses a second server and every data command while a server runs, and loses nothing', async () => {
      const a = await serve(workspace);
      try {
        expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({
          pid: a.child.pid,
          command: 'tokengrid serve',
          url: a.url,
        });
        await setNotes(a.url, 'US-ASH', 'written before the others tried');

        const exportFile = join(workspace.env.TOKENGRID_DATA_DIR!, '..', `lock-export-${process.pid}.json`);
        const attempts = await Promise.all([
          runCli(workspace, ['serve']),
          runCli(workspace, ['keys', 'create', '--role', 'admin', '--name', 'while-locked']),
          runCli(workspace, ['plans', 'list']),
          runCli(workspace, ['import', FIXTURES_DIR]),
          runCli(workspace, ['export', '--out', exportFile]),
          runCli(workspace, ['migrate']),
        ]);
        for (const attempt of attempts) expectRefused(attempt, a);
        expect(existsSync(exportFile)).toBe(false);

        // planning from a fixtures directory needs no database
        const offline = await runCli(workspace, ['plan', '--fixtures', FIXTURES_DIR, '--json']);
        expect(offline.code).toBe(0);
        expect(JSON.parse(offline.out).status).toMatch(/^(optimal|SOLVED)$/);

        // the server still answers, with its data, and still owns the directory
        expect(await notesOf(a.url, 'US-ASH')).toBe('written before the others tried');
        await setNotes(a.url, 'US-DFW', 'written after the others tried');
        expect((await graphql(a.url, '{ sites(first: 100) { totalCount } }')).sites.totalCount).toBe(36);
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(a.child.pid);
      } finally {
        expect(await stop(a.child)).toBe(0);
      }
      expect(existsSync(lockPath)).toBe(false);

      const again = await serve(workspace);
      try {
        expect(again.output()).not.toMatch(/loaded the bundled fixtures/);
        expect(await notesOf(again.url, 'US-ASH')).toBe('written before the others tried');
        expect(await notesOf(again.url, 'US-DFW')).toBe('written after the others tried');
        // the refused key was never created: access is still open on loopback for want of any key
        expect(again.output()).toMatch(/access: no API key exists/);
      } finally {
        expect(await stop(again.child)).toBe(0);
      }
    }, 300_000);

    it('takes over a stale lock whose process is gone', async () => {
      const gone = spawnSync(process.execPath, ['-e', '']).pid!;
      writeFileSync(
        lockPath,
        JSON.stringify({
          pid: gone,
          command: 'tokengrid serve',
          startedAt: '2026-01-01T00:00:00.000Z',
          url: 'http://127.0.0.1:4999',
        }) + '\n',
      );
      const list = await runCli(workspace, ['keys', 'list', '--json']);
      expect(list.err).not.toMatch(/in use/);
      expect(list.code).toBe(0);
      expect(JSON.parse(list.out)).toEqual([]);
      expect(existsSync(lockPath)).toBe(false);
    }, 120_000);

    it('a SIGKILLed server leaves a stale lock that the next start takes over', async () => {
      const killed = await serve(workspace);
      await setNotes(killed.url, 'US-PHX', 'written before SIGKILL');
      await new Promise<void>((resolve) => {
        killed.child.removeAllListeners('exit');
        killed.child.once('exit', () => resolve());
        killed.child.kill('SIGKILL');
      });
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(killed.child.pid);

      const next = await serve(workspace);
      try {
        expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: next.child.pid, url: next.url });
        expect(await notesOf(next.url, 'US-PHX')).toBe('written before SIGKILL');
      } finally {
        expect(await stop(next.child)).toBe(0);
      }
    }, 180_000);
  },
);
