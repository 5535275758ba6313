// One measured import in a fresh process (so its peak RSS is its own), called by
// run.ts: `case.ts <what> <data.json> <pglite|postgres-url>` (run.ts writes the file).
//   import   the data set as `tokengrid import data.json` reads it: parse, validate, write
//   sql      the same rows by hand-written SQL, nothing validated (the baseline)
// Prints one JSON line: { ms, peakRssMb, latencies }.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/db/database.js';
import { importDataset } from '../../src/db/import.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { readDatasetFiles } from '../../src/dataset/load.js';
import { rawSqlImport } from './raw-sql.js';

const [what, file, target] = process.argv.slice(2);
if (!what || !file || !target) throw new Error('usage: case.ts <import|sql> <data.json> <pglite|url>');

const dir = await mkdtemp(join(tmpdir(), 'tokengrid-import-bench-'));
try {
  const db: Database = await openDatabase(
    target === 'pglite' ? { kind: 'pglite', dataDir: join(dir, 'db') } : { kind: 'postgres', url: target },
  );
  await applyMigrations(db);
  global.gc?.();
  const before = process.resourceUsage().maxRSS;
  const started = performance.now();
  if (what === 'import') {
    const outcome = await importDataset(db, { files: await readDatasetFiles(file) });
    if (!outcome.ok) throw new Error(`refused: ${outcome.issues[0]!.path} ${outcome.issues[0]!.message}`);
  } else {
    await rawSqlImport(db, file);
  }
  const ms = performance.now() - started;
  const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM "Latency"')) as [{ n: number }];
  await db.close();
  const peak = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ ms, peakRssMb: peak / 1024, rssBeforeMb: before / 1024, latencies: n }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
