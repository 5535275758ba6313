// One owner for an embedded (PGlite) data directory. PGlite is single-process: two
// processes on one directory corrupt it. The owner holds `<dataDir>/tokengrid.lock`
// ({ pid, command, startedAt, url? }), created atomically; a lock whose process is
// gone is stale and taken over; a live one refuses with one line.
import { randomBytes } from 'node:crypto';
import { linkSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'tokengrid.lock';

export interface LockOwner {
  pid: number;
  /** what holds it, e.g. "tokengrid serve" */
  command: string;
  /** ISO time the lock was taken */
  startedAt: string;
  /** the server's base URL, once it listens */
  url?: string;
}

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(lockedMessage(dataDir, owner));
  }
}

function lockedMessage(dataDir: string, owner: LockOwner): string {
  const who = `${owner.command} (pid ${owner.pid}, ${owner.url ?? `since ${owner.startedAt}`})`;
  const instead = owner.url
    ? `stop it first, or use the running server (GraphiQL at ${owner.url}/graphql)`
    : 'wait for it to finish or stop it';
  return `the embedded database ${dataDir} is in use by ${who}: ${instead}, or set TOKENGRID_DATA_DIR to another directory`;
}

export interface DataDirLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** adds the server's URL to the lock, for the message others get */
  recordUrl(url: string): void;
  /** removes the lock file if it is still ours; idempotent */
  release(): void;
}

/** Data directories this process holds: opening one twice in one process is refused too. */
const held = new Set<string>();

/** The command line this process runs, in words: "tokengrid plans list". */
export function currentCommand(argv = process.argv.slice(2)): string {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || words.length === 2) break;
    words.push(arg);
  }
  return ['tokengrid', ...words].join(' ');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function readOwner(path: string): LockOwner | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : null;
  } catch {
    return null;
  }
}

/** Creates `path` holding `text`, atomically and only if it does not exist: false when it does. */
function createExclusive(path: string, text: string): boolean {
  // written aside, then hard-linked into place: the lock never exists half-written
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, text);
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // a file system without hard links: exclusive create, then write
    try {
      const fd = openSync(path, 'wx');
      try {
        writeFileSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    unlinkSync(aside);
  }
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.startedAt === b.startedAt && a.command === b.command;
}

/**
 * Takes the data directory's lock or throws DatabaseLockedError. A stale lock (its
 * process is dead, or it names this very process without this process holding it:
 * a previous life under the same pid, as in a container) is taken over.
 */
export function acquireDataDirLock(dataDir: string, command = currentCommand()): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  if (held.has(path)) throw new DatabaseLockedError(dataDir, { ...owner, command: `${command} (this process)` });
  for (let attempt = 0; ; attempt += 1) {
    if (createExclusive(path, JSON.stringify(owner) + '\n')) break;
    const current = readOwner(path);
    if (current === 'gone') continue; // released meanwhile: try again
    if (current !== null && current.pid !== process.pid && alive(current.pid))
      throw new DatabaseLockedError(dataDir, current);
    if (attempt >= 3) {
      throw new DatabaseLockedError(
        dataDir,
        current ?? { pid: 0, command: 'another tokengrid process', startedAt: 'unknown' },
      );
    }
    takeOverStale(path, current);
    pause(20 * (attempt + 1));
  }
  held.add(path);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(path);
    process.removeListener('exit', release);
    const current = readOwner(path);
    if (current !== 'gone' && current !== null && sameOwner(current, owner)) unlinkSync(path);
  };
  // a process that exits without closing the database (an error, process.exit) still lets go
  process.on('exit', release);
  return {
    path,
    owner,
    recordUrl(url: string) {
      owner.url = url;
      // replace the file in one step (rename), so a reader never sees it half-written
      const aside = `${path}.${process.pid}.url`;
      writeFileSync(aside, JSON.stringify(owner) + '\n');
      renameSync(aside, path);
    },
    release,
  };
}

/**
 * Removes a stale lock, unless another process replaced it meanwhile. The removal is
 * serialized by a second, short-lived exclusive file, so two processes that both saw
 * the same stale lock cannot remove each other's fresh one.
 */
function takeOverStale(path: string, stale: LockOwner | null): void {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, JSON.stringify({ pid: process.pid }) + '\n')) {
    const guardOwner = readOwner(guard);
    // a taker that died inside this few-statement window
    if (guardOwner !== 'gone' && (guardOwner === null || !alive(guardOwner.pid))) unlinkSafe(guard);
    return;
  }
  try {
    const current = readOwner(path);
    if (current === 'gone') return;
    const unchanged = current === null ? stale === null : stale !== null && sameOwner(current, stale);
    if (unchanged) unlinkSafe(path);
  } finally {
    unlinkSafe(guard);
  }
}

/** A short synchronous wait between attempts (the lock is taken before anything async runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function unlinkSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
