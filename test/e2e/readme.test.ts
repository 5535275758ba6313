// The README as a new user follows it, word for word: on a fresh data directory,
// a CLI command before the first `npm start`, then every `npx tokengrid` command
// of its sh blocks through real processes and pipes, `npm start` itself, every
// GraphQL block over HTTP, the SSE example with curl, and GraphiQL and the web
// view in Chromium with every request to a host other than loopback refused.
// A README command that no step here runs fails the last test, so the README
// cannot gain a command nobody tried.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { afterAll, beforeAll, expect, inject, it, vi } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/run.js';
import { describeIf } from '../helpers/skip.js';

// each step is a real process (2-4 s each on the embedded database): the steps of a test add up
vi.setConfig({ testTimeout: 300_000 });
const embedded = inject('testDatabase').kind === 'pglite';

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

let dataDir: string;
let scratch: string;
let env: Record<string, string | undefined>;
/** README command lines (comment stripped) that a step has run */
const covered = new Set<string>();

/**
 * `npx tokengrid` spends about 3 s in npm (it reads the whole dependency tree) before our
 * bin starts. The first step runs it as typed, and checks that it reaches the built bin;
 * the later lines run as typed too, with `npx tokengrid` going straight to that bin.
 */
const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const NPX_TO_BIN = `npx() { if [ "$1" = tokengrid ]; then shift; node ${JSON.stringify(BIN)} "$@"; else command npx "$@"; fi; }\n`;
let npxLiteral = true;

/** Runs one shell line in the repository as a user would type it (bash with pipefail: a failing command fails its pipe). */
function sh(line: string, extraEnv: Record<string, string> = {}): Promise<Ran> {
  const script = npxLiteral ? line : NPX_TO_BIN + line;
  const child = spawn('bash', ['-o', 'pipefail', '-c', script], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/** `sh`, expecting success; marks the README lines it stands for as covered. */
async function step(readmeLines: string | string[], line: string): Promise<Ran> {
  const ran = await sh(line);
  expect(ran.code, `${line}\nstdout: ${ran.out.slice(0, 2000)}\nstderr: ${ran.err.slice(0, 2000)}`).toBe(0);
  expect(ran.err, line).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack trace
  for (const readmeLine of [readmeLines].flat()) covered.add(readmeLine);
  return ran;
}

/** A long-running command (`npm start`, `serve`, `worker`): resolves once `ready` matches its output. */
function start(
  line: string,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn('bash', ['-c', `exec ${line}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${line} did not get ready:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${line} exited with ${code}:\n${output}`));
    });
  });
}

/** SIGINT to the whole process group (npm and the node it started), as Ctrl-C does; the exit code. */
function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 0 : null)));
    process.kill(-child.pid!, 'SIGINT');
  });
}

/** The README's sh lines that run tokengrid, comments stripped. */
async function readmeCommandLines(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((match) => match[1]!.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => /^(npx tokengrid|tokengrid|npm start|DATABASE_URL=\S+ npm start|curl)\b/.test(line));
}

async function graphql(url: string, query: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** GraphiQL runs its default query and the web view draws the map, with every request beyond loopback refused. */
async function browse(url: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const refused: string[] = [];
    await page.route('**/*', (route) => {
      const target = new URL(route.request().url());
      if (
        !['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname) &&
        !['data:', 'blob:'].includes(target.protocol)
      ) {
        refused.push(target.href);
        return route.abort();
      }
      return route.continue();
    });
    await page.goto(`${url}/graphql`);
    await page.locator('.graphiql-execute-button').click({ timeout: 60_000 });
    await expect
      .poll(() => page.locator('.graphiql-response').innerText(), { timeout: 60_000 })
      .toMatch(/costPerMillionTokens/);
    await page.goto(`${url}/`);
    await page.locator('svg circle.site').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('svg circle.site').count()).toBe(36);
    expect(refused).toEqual([]);
  } finally {
    await browser.close();
  }
}

const planId = (text: string) => /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(text)?.[0];

describeIf(
  embedded,
  'the README, followed word for word',
  'it follows the quick start on the embedded database (this run is on PostgreSQL)',
  () => {
    beforeAll(async () => {
      await ensureBuilt();
      dataDir = await mkdtemp(join(tmpdir(), 'tokengrid-readme-data-'));
      scratch = await mkdtemp(join(tmpdir(), 'tokengrid-readme-files-'));
      // the README's environment: embedded database, loopback; only the data directory and port are the test's
      const { DATABASE_URL: _url, TOKENGRID_TEST_DATABASE_URL: _test, ...rest } = process.env;
      env = { ...rest, NODE_ENV: 'production', TOKENGRID_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
    });
    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    });

    const ids: { async?: string; dayAhead?: string } = {};

    it('a CLI command before the first `npm start` plans the bundled fixtures (it loads them itself)', async () => {
      const ran = await step('npx tokengrid plan', 'npx tokengrid plan | head -n 40');
      expect(ran.out.split('\n')[0]).toMatch(/^Plan: SOLVED/);
      // npx resolves `tokengrid` to this package's built bin: from here on the lines go to it directly
      expect((await sh('npx tokengrid --help')).out).toBe((await sh(`node ${BIN} --help`)).out);
      npxLiteral = false;
      expect(ran.out).toMatch(/Cost per million tokens: \$\d/);
      expect(ran.err).toMatch(/loading the bundled fixtures/);
    });

    it('plans from the command line: JSON through a pipe, a data set directory, every option', async () => {
      const line = 'npx tokengrid plan --periods 24 --capex sunk --solver highs --json';
      const file = join(scratch, 'plan.json');
      await step(line, `${line} > ${file}`);
      const piped = await step(line, `${line} | wc -c`);
      const size = (await stat(file)).size;
      // the solve's timings differ between runs; the length of the document barely does
      expect(size).toBeGreaterThan(1_000_000);
      expect(Math.abs(Number(piped.out.trim()) - size)).toBeLessThan(200);
      const plan = JSON.parse(await readFile(file, 'utf8')) as {
        status: string;
        options: { periods: number; capexMode: string };
      };
      expect(plan).toMatchObject({ status: 'optimal', options: { periods: 24, capexMode: 'SUNK' } });

      const fixtures = await step(
        'npx tokengrid plan --fixtures fixtures',
        'npx tokengrid plan --fixtures fixtures | head -n 5',
      );
      expect(fixtures.out).toMatch(/^Plan: SOLVED/);
      // the bundled fixtures name seven models: the summary has a model table
      const seven = await step([], 'npx tokengrid plan --fixtures fixtures | grep -A 9 "^By model"');
      expect(seven.out).toMatch(/^By model \(7\):/);
      expect(seven.out).toContain('DEEPSEEK-R1');
      const one = await step(
        'npx tokengrid plan --fixtures fixtures/one-model',
        'npx tokengrid plan --fixtures fixtures/one-model',
      );
      expect(one.out).toMatch(/^Plan: SOLVED/);
      expect(one.out).not.toMatch(/^By model/m);
      // a database of its own: the README's ./data-one, here a scratch directory
      const oneDir = join(scratch, 'data-one');
      const imported = await step(
        'TOKENGRID_DATA_DIR=./data-one npx tokengrid import fixtures/one-model',
        `TOKENGRID_DATA_DIR=${oneDir} npx tokengrid import fixtures/one-model`,
      );
      expect(imported.out).toMatch(/sites/);
      expect(imported.out + imported.err).not.toMatch(/DEFAULT/);
      const options =
        'npx tokengrid plan --egress-price-per-million-tokens 0.02 --exclude-sites US-ASH,US-DFW --max-site-share 0.5';
      const excluded = await step(
        options,
        `${options} --json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const p=JSON.parse(s);console.log(JSON.stringify(p.options))})"`,
      );
      expect(JSON.parse(excluded.out)).toMatchObject({
        egressPricePerMillionTokens: 0.02,
        excludeSites: ['US-ASH', 'US-DFW'],
        maxSiteShare: 0.5,
      });
    });

    it('plans through the plans service: queued with a shipped scenario, followed with --wait, listed, shown', async () => {
      const queued = await step(
        'npx tokengrid plan --async --scenario PRICEY-US',
        'npx tokengrid plan --async --scenario PRICEY-US',
      );
      ids.async = planId(queued.out);
      expect(queued.out.trim()).toBe(ids.async);
      const waited = await step(
        'npx tokengrid plan --wait --periods 24 --name day-ahead',
        'npx tokengrid plan --wait --periods 24 --name day-ahead | head -n 60',
      );
      ids.dayAhead = planId(waited.err);
      expect(ids.dayAhead).toBeDefined();
      expect(waited.out).toMatch(/SOLVED/);
      const listed = await step(
        'npx tokengrid plans list --status SOLVED --limit 10',
        'npx tokengrid plans list --status SOLVED --limit 10 | head',
      );
      expect(listed.out).toContain(ids.dayAhead);
      const shown = await step(
        'npx tokengrid plans show <id> [--json]',
        `npx tokengrid plans show ${ids.dayAhead} | head -n 20`,
      );
      expect(shown.out).toContain(ids.dayAhead);
      const json = await step(
        'npx tokengrid plans show <id> [--json]',
        `npx tokengrid plans show ${ids.dayAhead} --json | wc -c`,
      );
      expect(Number(json.out.trim())).toBeGreaterThan(1_000_000);
    });

    // five plans solved in the command: minutes on a loaded shared machine
    it(
      'a price sweep: the curve the README shows, row for row; shown again and listed',
      { timeout: 600_000 },
      async () => {
        const command = 'npx tokengrid sweep --parameter price-multiplier --values 0.8,0.9,1,1.1,1.2 --wait';
        const swept = await step(
          [command, 'npx tokengrid sweep --parameter <p> --values <v,…> [--wait] | sweeps list|show'],
          command,
        );
        const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
        const shownInReadme =
          /```sh\nnpx tokengrid sweep --parameter price-multiplier[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)![1]!;
        // the sweep's id differs; its table is the README's, figure for figure
        const rows = (text: string) => text.trimEnd().split('\n').slice(1);
        expect(rows(swept.out)).toEqual(rows(shownInReadme));
        const id = /^Sweep ([0-9a-f-]{36}):/.exec(swept.out)![1]!;
        const shown = await step('npx tokengrid sweeps show <id> [--json]', `npx tokengrid sweeps show ${id}`);
        expect(shown.out).toBe(swept.out);
        await step('npx tokengrid sweeps show <id> [--json]', `npx tokengrid sweeps show ${id} --json | head -c 300`);
        const listed = await step('npx tokengrid sweeps list', 'npx tokengrid sweeps list');
        expect(listed.out).toContain(id);
      },
    );

    it('scenarios: the four shipped ones, shown, saved to a file, created from it and deleted', async () => {
      const listed = await step('npx tokengrid scenarios list [--json]', 'npx tokengrid scenarios list');
      for (const code of ['PRICEY-US', 'EU-HEATWAVE', 'EU-RESIDENCY', 'DEEPSEEK-EUROPE'])
        expect(listed.out).toContain(code);
      await step('npx tokengrid scenarios list [--json]', 'npx tokengrid scenarios list --json | head -c 200');
      const shown = await step(
        'npx tokengrid scenarios show <code> [--json]',
        'npx tokengrid scenarios show PRICEY-US',
      );
      expect(shown.out).toMatch(/electricity price ×1\.5/);
      const file = join(scratch, 'scenario.json');
      await step(
        'npx tokengrid scenarios show <code> [--json]',
        `npx tokengrid scenarios show PRICEY-US --json > ${file}`,
      );
      const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(
        file,
        JSON.stringify({ code: 'PRICEY-US-2', name: 'US prices ×1.5, again', overrides: saved.overrides }),
      );
      await step(
        'npx tokengrid scenarios create --file <scenario.json>',
        `npx tokengrid scenarios create --file ${file}`,
      );
      expect((await sh('npx tokengrid scenarios show PRICEY-US-2')).code).toBe(0);
      await step('npx tokengrid scenarios delete <code>', 'npx tokengrid scenarios delete PRICEY-US-2');
      const gone = await sh('npx tokengrid scenarios show PRICEY-US-2');
      expect(gone.code).toBe(1);
      expect(gone.err.trim().split('\n')).toHaveLength(1);
    });

    it('import, dry run and export: the same data again changes nothing; export through a pipe equals the file', async () => {
      const dry = await step('npx tokengrid import path/to/dir --dry-run', 'npx tokengrid import fixtures --dry-run');
      expect(dry.out).toMatch(/dry run, nothing written/);
      const again = await step(
        [
          'npx tokengrid import path/to/dir-or-file',
          'npx tokengrid import <dir|file> [--dry-run] | export [--out <file>]',
        ],
        'npx tokengrid import fixtures',
      );
      expect(again.out).not.toMatch(/[1-9]\d* created/);
      const file = join(scratch, 'dataset.json');
      await step('npx tokengrid export --out dataset.json', `npx tokengrid export --out ${file}`);
      const piped = await step(
        'npx tokengrid import <dir|file> [--dry-run] | export [--out <file>]',
        'npx tokengrid export | wc -c',
      );
      expect(Number(piped.out.trim())).toBe((await stat(file)).size);
      await step('npx tokengrid migrate', 'npx tokengrid migrate');
    });

    it('`npm start`: the URLs it prints, every README query over HTTP, the SSE example, the CLI refusing while it runs', async () => {
      const server = await start('npm start', /GraphiQL: (http:\/\/\S+)\/graphql/);
      try {
        covered.add('npm start');
        covered.add('npx tokengrid serve [--no-worker]');
        const url = server.match[1]!;
        expect(server.output()).toMatch(/web app: http:\/\/127\.0\.0\.1:\d+\//);
        const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
        const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
        for (const block of blocks) {
          const result = await graphql(url, block);
          expect(result.errors, block).toBeUndefined();
          expect(JSON.stringify(result.data), block).not.toMatch(
            /"__typename":"(ValidationError|NotFoundError|ConflictError)"/,
          );
        }
        // the queued scenario plan is solved by the server's worker
        await expect
          .poll(
            async () =>
              ((await graphql(url, `{ plan(id: "${ids.async}") { status } }`)).data?.plan as { status: string }).status,
            { timeout: 60_000 },
          )
          .toBe('SOLVED');
        const readmeCurl = (await readmeCommandLines()).find((line) => line.startsWith('curl'))!;
        const curlBlock = /```sh\n(curl [\s\S]*?)```/
          .exec(readme)![1]!
          .replace('http://127.0.0.1:4000', url)
          .replace('<plan id>', ids.async!);
        const events = await sh(curlBlock.trim());
        expect(events.code).toBe(0);
        expect(events.out).toMatch(/"status":"SOLVED"/);
        covered.add(readmeCurl);
        for (const path of ['/health', '/ready'])
          expect(((await (await fetch(`${url}${path}`)).json()) as { status: string }).status).toBe('ok');

        if (hasChromium) await browse(url);
        else console.log(`skipped: GraphiQL and the web view of the README test: ${CHROMIUM} is not installed`);

        // the embedded database has one owner: the CLI says so in one line and changes nothing
        const refused = await sh('npx tokengrid plans list');
        expect(refused.code).toBe(1);
        expect(refused.err.trim().split('\n')).toHaveLength(1);
        expect(refused.err).toContain(url);
      } finally {
        expect(await interrupt(server.child)).toBe(0);
      }
    });

    it('plans diff between the two solved plans; the other processes; keys last (a key ends the keyless default)', async () => {
      const diff = await step(
        'npx tokengrid plans diff <from-id> <to-id> [--json]',
        `npx tokengrid plans diff ${ids.dayAhead} ${ids.async} | head -n 30`,
      );
      expect(diff.out).toMatch(/cost/i);
      await step(
        'npx tokengrid plans diff <from-id> <to-id> [--json]',
        `npx tokengrid plans diff ${ids.dayAhead} ${ids.async} --json | head -c 300`,
      );
      covered.add('npx tokengrid plan [options] | plans list|show|diff');

      // "nightly" is the README's GraphQL example, made while the server ran
      const schedules = 'npx tokengrid schedules list|create|pause|resume|delete';
      await step(
        schedules,
        `npx tokengrid schedules create weekly --cron "0 3 * * 1" --tz Europe/Berlin --options '{"periods":24}'`,
      );
      for (const sub of ['pause weekly', 'resume weekly', 'list', 'delete weekly'])
        await step(schedules, `npx tokengrid schedules ${sub} | head`);
      const list = await step(schedules, 'npx tokengrid schedules list');
      expect(list.out).toContain('nightly');
      expect(list.out).not.toContain('weekly');

      // the processes of a split deployment: each starts on this database and stops on Ctrl-C
      const worker = await start('npx tokengrid worker', /worker ready/);
      expect(await interrupt(worker.child)).toBe(0);
      covered.add('npx tokengrid worker');
      covered.add('tokengrid worker');
      const api = await start('npx tokengrid serve --no-worker', /GraphiQL: /);
      expect(await interrupt(api.child)).toBe(0);
      covered.add('tokengrid serve --no-worker');
      await step('tokengrid migrate', 'npx tokengrid migrate');

      const created = await step(
        [
          'npx tokengrid keys create --role admin --name ops [--expires-in-days 90]',
          'npx tokengrid keys create|list|revoke',
        ],
        'npx tokengrid keys create --role admin --name ops --expires-in-days 90',
      );
      expect(created.out).toMatch(/tgk_/);
      const keys = await step('npx tokengrid keys list', 'npx tokengrid keys list | head');
      expect(keys.out).toContain('ops');
      await step('npx tokengrid keys revoke ops', 'npx tokengrid keys revoke ops');
    }, 300_000);

    it('every README command was run by a step above', async () => {
      // the PostgreSQL example names a server that is not there (db.example): its commands are the ones run above
      const notRunHere = new Set(['DATABASE_URL=postgres://user:password@db.example:5432/tokengrid npm start']);
      const missing = (await readmeCommandLines()).filter((line) => !covered.has(line) && !notRunHere.has(line));
      expect(missing).toEqual([]);
    });
  },
);
