// Every package the code imports is declared in package.json, so it cannot
// arrive only as another package's dependency (as cron-parser once did, through
// pg-boss) and vanish when that one changes. What src/ loads at run time must be
// a dependency; type-only imports, and the web view (bundled by Vite at build
// time), may use devDependencies.
import { builtinModules } from 'node:module';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

interface BareImport {
  file: string;
  packageName: string;
  typeOnly: boolean;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes('/generated/'));
}

/** `lodash/fp` → `lodash`, `@scope/name/sub` → `@scope/name`; undefined for relative paths and Node's own modules. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

/** The bare imports of a file: import and export declarations and dynamic import() calls. */
function bareImportsOf(file: string, text: string): BareImport[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: BareImport[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier)) return;
    const packageName = packageOf(specifier.text);
    if (packageName) found.push({ file: relative(ROOT, file), packageName, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

async function bareImportsUnder(dir: string): Promise<BareImport[]> {
  const files = await sourceFiles(join(ROOT, dir));
  return (await Promise.all(files.map(async (file) => bareImportsOf(file, await readFile(file, 'utf8'))))).flat();
}

/** A type-only import may be served by the package itself or by its DefinitelyTyped package. */
const typesPackageOf = (name: string) => `@types/${name.replace(/^@/, '').replace('/', '__')}`;

it('every package src/ and web/src import is declared in package.json', async () => {
  const project = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  // an optional dependency (koffi) is installed with the rest; the code that loads it copes with its absence
  const runtime = new Set([...Object.keys(project.dependencies), ...Object.keys(project.optionalDependencies ?? {})]);
  const declared = new Set([...runtime, ...Object.keys(project.devDependencies)]);
  const src = await bareImportsUnder('src');
  const web = await bareImportsUnder('web/src');
  expect(src.length).toBeGreaterThan(50);
  expect(web.length).toBeGreaterThan(0);

  const isDeclared = (i: BareImport, names: Set<string>) =>
    names.has(i.packageName) || (i.typeOnly && declared.has(typesPackageOf(i.packageName)));
  const undeclared = [
    ...src.filter((i) => !isDeclared(i, i.typeOnly ? declared : runtime)),
    ...web.filter((i) => !isDeclared(i, declared)),
  ].map((i) => `${i.file}: ${i.packageName}${i.typeOnly ? ' (types)' : ''}`);
  expect([...new Set(undeclared)].sort()).toEqual([]);
});
