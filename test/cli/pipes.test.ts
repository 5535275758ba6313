// Every JSON-printing command gives the same bytes through a pipe as redirected
// to a file (issue 9 item 8: process.exit cut piped output at 64 KiB).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli.js';
import { BIN, ensureBuilt, ROOT, run } from './run.js';

let workspace: CliWorkspace;
let baseId: string;
let pricedId: string;

beforeAll(async () => {
  await ensureBuilt();
  // the data as a first start leaves it (the fixtures loaded); then two stored 24-hour plans (each JSON > 1 MB)
  workspace = await cliWorkspace('pipes', { from: 'started' });
  const base = await run(['plan', '--wait', '--periods', '24', '--name', 'base', '--json'], workspace.env);
  expect(base.code, base.err).toBe(0);
  baseId = JSON.parse(base.out).id;
  const priced = await run(
    ['plan', '--wait', '--periods', '24', '--carbon-price-per-tonne', '200', '--name', 'priced', '--json'],
    workspace.env,
  );
  expect(priced.code, priced.err).toBe(0);
  pricedId = JSON.parse(priced.out).id;
}, 600_000);
afterAll(() => workspace?.cleanup());

/** stdout of the bin through `| cat > file` (a pipe), and redirected to a file, with the exit codes. */
async function pipeAndFile(args: string[]): Promise<{ piped: string; file: string }> {
  const piped = join(
    workspace.env.TOKENGRID_DATA_DIR!,
    '..',
    `${workspace.env.TOKENGRID_DATA_DIR!.split('/').pop()}-piped.json`,
  );
  const file = `${piped}.file`;
  const sh = (script: string, out: string) =>
    promisify(execFile)('bash', ['-c', script, process.execPath, BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', ...workspace.env, TG_OUT: out },
      maxBuffer: 1 << 20,
    });
  // pipefail: the exit status is tokengrid's, not cat's
  await sh('set -o pipefail; "$0" "$@" | cat > "$TG_OUT"', piped);
  await sh('"$0" "$@" > "$TG_OUT"', file);
  return { piped: await readFile(piped, 'utf8'), file: await readFile(file, 'utf8') };
}

/** Solve timings differ from one solve to the next; everything else of a plan is the same. */
const withoutTimings = (json: string) =>
  json.replace(/"(buildMs|solveMs|interpretMs|totalMs|runtimeMs)": [\d.e+-]+/g, '"$1": 0');

describe('piped output is complete', () => {
  it.each([
    ['export', () => ['export'], 300_000],
    ['plans show --json (a 24-hour plan)', () => ['plans', 'show', baseId, '--json'], 1_000_000],
    ['plans list --json', () => ['plans', 'list', '--json'], 500],
    ['plans diff --json', () => ['plans', 'diff', baseId, pricedId, '--json'], 1_000],
  ])(
    '%s: the same bytes through a pipe as in a file',
    async (_name, args, minBytes) => {
      const { piped, file } = await pipeAndFile(args());
      expect(Buffer.byteLength(file)).toBeGreaterThan(minBytes);
      expect(piped.length).toBe(file.length);
      expect(piped).toBe(file);
      JSON.parse(piped);
    },
    180_000,
  );

  it.each([
    ['plan --json (from the database)', ['plan', '--json'], 100_000],
    [
      'plan --fixtures fixtures --json --periods 24',
      ['plan', '--fixtures', 'fixtures', '--json', '--periods', '24'],
      1_000_000,
    ],
  ])(
    '%s: the same plan through a pipe as in a file',
    async (_name, args, minBytes) => {
      const { piped, file } = await pipeAndFile(args);
      expect(Buffer.byteLength(file)).toBeGreaterThan(minBytes);
      expect(withoutTimings(piped)).toBe(withoutTimings(file));
      expect(JSON.parse(piped).options.periods).toBe(args.includes('24') ? 24 : 1);
    },
    180_000,
  );
});
