// Where this package's own files are: the one walk up to its root, whether a
// module runs from src/ (vitest, tsx) or from dist/src/ (after tsc).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this module holding package.json: the package root. */
function findPackageRoot(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find package.json above ${here}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot();
/** the bundled data set (CSV files with seven models, scenarios) that seeding, examples and tests use */
export const FIXTURES_DIR = join(PACKAGE_ROOT, 'fixtures');
/** the same fleet without models (one DEFAULT model): the bundled data set of before models */
export const ONE_MODEL_FIXTURES_DIR = join(FIXTURES_DIR, 'one-model');
/** the web app as Vite builds it */
export const WEB_DIST_DIR = join(PACKAGE_ROOT, 'dist', 'web');
