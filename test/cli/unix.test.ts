// `tokengrid` as a Unix tool, run as the built bin in real processes: --help on
// every command never acts, bad usage exits 2 with one line, a missing file
// says so, piped output is complete, `npx tokengrid` works.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, ROOT, run } from './run.js';

let scratch: string;
/** a data directory that must never come to exist */
let untouched: string;
const env = () => ({ TOKENGRID_DATA_DIR: untouched });

beforeAll(async () => {
  await ensureBuilt();
  scratch = await mkdtemp(join(tmpdir(), 'tokengrid-unix-'));
  untouched = join(scratch, 'data');
}, 180_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** The subcommands a help text lists (commander's "Commands:" section), without `help` itself. */
function listedCommands(help: string): string[] {
  const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? '';
  return [...section.matchAll(/^ {2}(\w[\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('help', () => {
  it('a bare `tokengrid` lists the commands and exits 0 (no server, no database)', async () => {
    const { code, out, err } = await run([], env());
    expect(code, err).toBe(0);
    expect(out).toMatch(/^Usage: tokengrid \[options\] \[command\]/);
    expect(listedCommands(out)).toEqual([
      'serve',
      'worker',
      'migrate',
      'migration',
      'import',
      'export',
      'plan',
      'plans',
      'scenarios',
      'schedules',
      'sweep',
      'sweeps',
      'keys',
    ]);
    expect(existsSync(untouched)).toBe(false);
  });

  it('--help and -h on every command and subcommand print its usage, exit 0 and do nothing else', async () => {
    const paths: string[][] = [];
    // breadth first, a level's commands side by side
    let level = listedCommands((await run([], env())).out).map((command) => [command]);
    while (level.length > 0) {
      const next: string[][] = [];
      await Promise.all(
        level.map(async (path) => {
          const long = await run([...path, '--help'], env());
          const short = await run([...path, '-h'], env());
          expect(long.code, `${path.join(' ')} --help: ${long.err}`).toBe(0);
          expect(long.err).toBe('');
          expect(long.out).toMatch(new RegExp(`^Usage: tokengrid ${path.join(' ')}`));
          expect(short).toEqual(long);
          paths.push(path);
          next.push(...listedCommands(long.out).map((sub) => [...path, sub]));
        }),
      );
      level = next;
    }
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'serve',
        'worker',
        'migrate',
        'plans list',
        'plans show',
        'plans diff',
        'keys create',
        'scenarios create',
        'schedules create',
      ]),
    );
    expect(paths.length).toBeGreaterThanOrEqual(25);
    // no data directory, so no database was opened, migrated or seeded
    expect(existsSync(untouched)).toBe(false);
  }, 240_000);

  it("`tokengrid help <command>` prints that command's usage", async () => {
    const { code, out } = await run(['help', 'plans'], env());
    expect(code).toBe(0);
    expect(listedCommands(out)).toEqual(['list', 'show', 'diff']);
    expect(existsSync(untouched)).toBe(false);
  });
});

describe('bad usage and failures', () => {
  it.each([
    [['--bogus'], /^tokengrid: unknown option '--bogus'\n$/],
    [['frobnicate'], /^tokengrid: unknown command 'frobnicate'\n$/],
    [['plan', '--bogus'], /^tokengrid plan: unknown option '--bogus'\n$/],
    [['plan', '--periods', 'many'], /^tokengrid plan: .*--periods.*'many' is invalid\. must be a number\n$/],
    [
      ['plan', '--periods', '7'],
      /^tokengrid plan: --periods: periods must be 1 \(steady state\) or 24 \(hourly day-ahead\)\n$/,
    ],
    [['plans', 'list', '--bogus'], /^tokengrid plans: unknown option '--bogus'\n$/],
    [['plans', 'show'], /^tokengrid plans: missing required argument 'id'\n$/],
    [
      ['keys', 'create', '--name', 'x'],
      /^tokengrid keys: required option '--role <viewer\|planner\|admin>' not specified\n$/,
    ],
    [['scenarios', 'create'], /^tokengrid scenarios: required option '--file <json>' not specified\n$/],
  ])('%j exits 2 with one line and no stack', async (args, message) => {
    const { code, out, err } = await run(args, env());
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(existsSync(untouched)).toBe(false);
  });

  it.each([
    [['import', '/nonexistent/sites.csv'], 'tokengrid import: no such file: /nonexistent/sites.csv\n'],
    [
      ['scenarios', 'create', '--file', '/nonexistent/s.json'],
      'tokengrid scenarios: no such file: /nonexistent/s.json\n',
    ],
    [['plan', '--fixtures', '/nonexistent/fixtures'], 'tokengrid plan: no such file: /nonexistent/fixtures\n'],
  ])('%j: a missing file says "no such file: PATH" and exits 1', async (args, message) => {
    const { code, err } = await run(args, env());
    expect(code).toBe(1);
    expect(err).toBe(message);
    expect(existsSync(untouched)).toBe(false);
  });

  it('an Error out of a command is one line (the stack only with TOKENGRID_DEBUG=1)', async () => {
    const bad = { ...env(), PORT: 'eighty' };
    const plain = await run(['keys', 'list'], bad);
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/^tokengrid keys: .*PORT.*\n$/);
    const debug = await run(['keys', 'list'], { ...bad, TOKENGRID_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/PORT[\s\S]*\n {4}at /);
  });
});

describe('npx', () => {
  it('`npx tokengrid --help` runs the executable bin in the repository', async () => {
    expect((await stat(BIN)).mode & 0o111).not.toBe(0);
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'tokengrid', '--help'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env() },
      timeout: 90_000,
    });
    expect(listedCommands(stdout)).toContain('scenarios');
    expect(existsSync(untouched)).toBe(false);
  }, 120_000);
});
