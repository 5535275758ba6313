// The embedded data directory's lock (issue 9 item 7), on its own: atomic creation,
// a live owner refused, stale locks (dead pid, garbage, this pid from a past life)
// taken over, and a race of several processes on one stale lock won by exactly one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, currentCommand, DatabaseLockedError, LOCK_FILE } from '../../src/db/lock.js';

const HOLDER = join(import.meta.dirname, '../helpers/lock-holder.ts');
let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokengrid-lock-'));
  lockPath = join(dir, LOCK_FILE);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

function holder(holdMs: number): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir, String(holdMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out: out.trim() })));
}

describe('the data directory lock', () => {
  it('holds the owner as JSON, adds the URL, and is removed on release', () => {
    const lock = acquireDataDirLock(dir, 'tokengrid serve');
    const written = JSON.parse(readFileSync(lockPath, 'utf8'));
    expect(written).toMatchObject({ pid: process.pid, command: 'tokengrid serve' });
    expect(Date.parse(written.startedAt)).not.toBeNaN();
    lock.recordUrl('http://127.0.0.1:4000');
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).url).toBe('http://127.0.0.1:4000');
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
    lock.release();
  });

  it('refuses a second owner in the same process', () => {
    const lock = acquireDataDirLock(dir, 'tokengrid serve');
    try {
      expect(() => acquireDataDirLock(dir, 'tokengrid plans list')).toThrow(DatabaseLockedError);
    } finally {
      lock.release();
    }
  });

  it('refuses while a live process holds it, with one line naming it, its URL and what to do', () => {
    // the parent of this test process is alive for sure
    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: process.ppid,
        command: 'tokengrid serve',
        startedAt: '2026-01-01T00:00:00.000Z',
        url: 'http://127.0.0.1:4100',
      }),
    );
    const error = (() => {
      try {
        acquireDataDirLock(dir, 'tokengrid keys create');
      } catch (e) {
        return e as Error;
      }
      throw new Error('not refused');
    })();
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect(error.message).toBe(
      `the embedded database ${dir} is in use by tokengrid serve (pid ${process.ppid}, http://127.0.0.1:4100): ` +
        'stop it first, or use the running server (GraphiQL at http://127.0.0.1:4100/graphql), or set TOKENGRID_DATA_DIR to another directory',
    );
    expect(error.message).not.toMatch(/\n/);
    // the holder's file is untouched
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.ppid);
  });

  it.each([
    [
      'a dead process',
      () => JSON.stringify({ pid: deadPid(), command: 'tokengrid serve', startedAt: '2026-01-01T00:00:00.000Z' }),
    ],
    [
      'this pid from an earlier life (a container restart)',
      () => JSON.stringify({ pid: process.pid, command: 'tokengrid serve', startedAt: '2026-01-01T00:00:00.000Z' }),
    ],
    ['garbage', () => 'not json'],
  ])('takes over a stale lock left by %s', (_name, content) => {
    writeFileSync(lockPath, content());
    const lock = acquireDataDirLock(dir, 'tokengrid serve');
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).startedAt).toBe(lock.owner.startedAt);
    lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('does not remove a lock that is no longer its own', () => {
    const lock = acquireDataDirLock(dir, 'tokengrid serve');
    const other = JSON.stringify({
      pid: process.ppid,
      command: 'tokengrid serve',
      startedAt: '2026-01-02T00:00:00.000Z',
    });
    writeFileSync(lockPath, other);
    lock.release();
    expect(readFileSync(lockPath, 'utf8')).toBe(other);
  });

  it('lets exactly one of several processes racing for one stale lock have it', async () => {
    writeFileSync(
      lockPath,
      JSON.stringify({ pid: deadPid(), command: 'tokengrid serve', startedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const results = await Promise.all([1, 2, 3, 4].map(() => holder(4000)));
    expect(results.filter((r) => r.out === 'acquired')).toHaveLength(1);
    const refused = results.filter((r) => r.code === 3);
    expect(refused).toHaveLength(3);
    for (const r of refused)
      expect(r.out).toMatch(/^refused: the embedded database .* is in use by lock-holder \(pid \d+, since /);
    expect(existsSync(lockPath)).toBe(false);
  }, 60_000);

  it('names the command line in words', () => {
    expect(currentCommand(['plans', 'list', '--json'])).toBe('tokengrid plans list');
    expect(currentCommand(['serve'])).toBe('tokengrid serve');
    expect(currentCommand(['keys', 'create', 'x', '--role', 'admin'])).toBe('tokengrid keys create');
  });
});
