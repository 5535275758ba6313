// `npm ci` on Node 20 warns (EBADENGINE) that @prisma/streams-local wants Node 22.
// It is harmless as long as it only comes with the `prisma` CLI (through
// @prisma/dev, the `prisma dev` local server) and nothing tokengrid runs loads
// it; the README says so in its Quick start. This keeps both facts true.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

it('@prisma/streams-local reaches the install only through the prisma CLI, and no source file loads it', async () => {
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const dependents = (name: string) =>
    Object.entries(lock.packages)
      .filter(([, pkg]) => name in { ...pkg.dependencies, ...pkg.optionalDependencies })
      .map(([path]) => path || '(the project)');
  expect(dependents('@prisma/streams-local')).toEqual(['node_modules/@prisma/dev']);
  expect(dependents('@prisma/dev')).toEqual(['node_modules/prisma']);
  const project = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
    dependencies: Record<string, string>;
  };
  expect(Object.keys(project.devDependencies)).toContain('prisma');
  expect(Object.keys(project.dependencies)).not.toContain('prisma');

  const files = (await readdir(join(ROOT, 'src'), { recursive: true })).filter(
    (name) => /\.(ts|mts|js|mjs)$/.test(name) && !name.startsWith('generated'),
  );
  for (const file of [...files.map((name) => join(ROOT, 'src', name)), join(ROOT, 'scripts/prisma-generate.mjs')]) {
    expect(await readFile(file, 'utf8'), file).not.toMatch(/@prisma\/(streams-local|dev)\b/);
  }

  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
  );
  expect(quickStart).toMatch(/EBADENGINE.*@prisma\/streams-local/s);
});
