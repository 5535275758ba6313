// Import benchmark (issue 12 item 17): 500 sites × 200 regions (100k latencies,
// built from the fixtures: test/helpers/large-dataset.ts) imported as
// `tokengrid import data.json` does, against the same rows by raw SQL, on the
// embedded database and on PostgreSQL (a database of its own, dropped after);
// a plan result written through Prisma against recordResult's one statement;
// and a refused 24-hour 500×200 request's model-size check, built against
// counted. Each import and check runs in a fresh process, so its peak RSS is its own.
// Prints figures; asserts nothing.
// Run: npx tsx bench/import/run.ts   (PostgreSQL: TOKENGRID_BENCH_DATABASE_URL,
// default postgres://postgres@127.0.0.1:5432/postgres; skipped when it does not answer)
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { largeDataset } from '../../test/helpers/large-dataset.js';
import { BENCH_ADMIN_URL, scratchPostgresDatabase } from '../scratch-postgres.js';

const SITES = 500;
const REGIONS = 200;
const here = new URL('.', import.meta.url).pathname;

function run(script: string, ...args: string[]): Record<string, number> {
  const out = execFileSync('npx', ['tsx', join(here, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** A fresh PostgreSQL database for one run, dropped after; null when the server does not answer. */
async function withPostgresDatabase<T>(use: (url: string) => T): Promise<T | null> {
  const database = await scratchPostgresDatabase('tokengrid_bench');
  if (!database) return null;
  try {
    return use(database.url);
  } finally {
    await database.drop();
  }
}

const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (value: number) => `${value.toFixed(0)} MB`;

const dir = await mkdtemp(join(tmpdir(), 'tokengrid-import-bench-'));
try {
  const file = join(dir, 'data.json');
  await writeFile(file, JSON.stringify(await largeDataset({ sites: SITES, regions: REGIONS })));
  console.log(`\n${SITES} sites × ${REGIONS} regions, ${SITES * REGIONS} latencies\n`);
  console.log(
    '| database | import (parse, validate, write) | peak RSS (before the import) | raw SQL, same rows | peak RSS | import ÷ raw SQL |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [label, target] of [
    ['embedded (PGlite)', 'pglite'],
    ['PostgreSQL', 'postgres'],
  ] as const) {
    const measure = (url: string) => ({
      ours: run('case.ts', 'import', file, url),
      raw: run('case.ts', 'sql', file, url),
    });
    const figures =
      target === 'pglite'
        ? measure('pglite')
        : await withPostgresDatabase((url) => {
            const ours = run('case.ts', 'import', file, url);
            return ours;
          }).then(async (ours) =>
            ours ? { ours, raw: (await withPostgresDatabase((url) => run('case.ts', 'sql', file, url)))! } : null,
          );
    if (!figures) {
      console.log(`| ${label} | skipped: ${BENCH_ADMIN_URL} does not answer | | | | |`);
      continue;
    }
    const { ours, raw } = figures;
    console.log(
      `| ${label} | ${s(ours.ms!)} | ${mb(ours.peakRssMb!)} (${mb(ours.rssBeforeMb!)}) | ${s(raw.ms!)} | ${mb(raw.peakRssMb!)} (${mb(raw.rssBeforeMb!)}) | ${(ours.ms! / raw.ms!).toFixed(2)}× |`,
    );
  }

  console.log('\n| result write | result size | Prisma updateMany | one raw statement | ratio |');
  console.log('|---|---|---|---|---|');
  for (const [label, target] of [
    ['embedded (PGlite)', 'pglite'],
    ['PostgreSQL', 'postgres'],
  ] as const) {
    const r =
      target === 'pglite'
        ? run('result-case.ts', 'pglite')
        : await withPostgresDatabase((url) => run('result-case.ts', url));
    if (!r) continue;
    console.log(
      `| ${label} | ${r.resultMb!.toFixed(1)} MB | ${s(r.ormMs!)} | ${s(r.rawMs!)} | ${(r.ormMs! / r.rawMs!).toFixed(2)}× |`,
    );
  }

  console.log(
    `\n| refused 24-hour ${SITES}×${REGIONS} request: model-size check | variables | time | peak RSS (before) |`,
  );
  console.log('|---|---|---|---|');
  for (const how of ['build', 'count'] as const) {
    const r = run('caps-case.ts', how, String(SITES), String(REGIONS));
    const what = how === 'build' ? 'build the model (before)' : 'countPlanModel (now)';
    console.log(`| ${what} | ${r.variables} | ${s(r.ms!)} | ${mb(r.peakRssMb!)} (${mb(r.rssBeforeMb!)}) |`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
