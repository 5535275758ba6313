// The relative imports of a source tree as a graph of files, and the two ways
// it can break the layout: a cycle, and an import from a lower layer to a
// higher one. Imports are read by TypeScript's own pre-processor, so static
// `import … from`, `import '…'`, `export … from`, `import type` and dynamic
// `import('…')` all count, and nothing in a comment or a string does.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** file → the files it imports; paths relative to the root, with `/` */
export type ImportGraph = Map<string, Set<string>>;

export interface ReadGraph {
  graph: ImportGraph;
  /** relative imports that name no file under the root: `from -> specifier` */
  unresolved: string[];
}

const toPosix = (path: string): string => path.split(sep).join('/');

function sourceFiles(dir: string, excluded: Set<string>): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (excluded.has(path)) return [];
    if (entry.isDirectory()) return sourceFiles(path, excluded);
    return /\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file an ESM specifier names: `./x.js` is `x.ts` in the source (or `x/index.ts`). */
function resolveSpecifier(fromFile: string, specifier: string): string | null {
  const target = resolve(dirname(fromFile), specifier);
  const stem = target.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [target, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(target, 'index.ts')];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

/** Every file under `root` (less `exclude`, relative to it) with the relative imports it makes. */
export function readImportGraph(root: string, exclude: readonly string[] = []): ReadGraph {
  const excluded = new Set(exclude.map((path) => resolve(root, path)));
  const graph: ImportGraph = new Map();
  const unresolved: string[] = [];
  for (const file of sourceFiles(root, excluded)) {
    const from = toPosix(relative(root, file));
    const targets = new Set<string>();
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const named = resolve(dirname(file), specifier);
      if ([...excluded].some((path) => named === path || named.startsWith(path + sep))) continue;
      const target = resolveSpecifier(file, specifier);
      if (target === null || relative(root, target).startsWith('..')) unresolved.push(`${from} -> ${specifier}`);
      else targets.add(toPosix(relative(root, target)));
    }
    graph.set(from, targets);
  }
  return { graph, unresolved };
}

/**
 * One cycle through each group of files that import each other (a strongly
 * connected component), as `a -> b -> … -> a`; empty when the graph has none.
 */
export function findCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm; it recurses as deep as the longest import chain, a few dozen files
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => cycleWithin(graph, new Set(component)));
}

/** A shortest way from the component's first file (by name) back to itself, inside the component. */
function cycleWithin(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * Layers from low to high; each lists directories (`optimizer/`) or files
 * (`errors.ts`) relative to the root. A file belongs to the layer of its longest
 * matching entry.
 */
export type Layers = readonly (readonly string[])[];

export function layerOf(file: string, layers: Layers): number | null {
  let layerFound: number | null = null;
  let longest = 0;
  layers.forEach((entries, layer) => {
    for (const entry of entries) {
      const matches = entry.endsWith('/') ? file.startsWith(entry) : file === entry;
      if (matches && entry.length > longest) {
        layerFound = layer;
        longest = entry.length;
      }
    }
  });
  return layerFound;
}

export interface LayerReport {
  /** `from -> to` where `from` is in a lower layer than `to` */
  upward: string[];
  /** files no layer names */
  unplaced: string[];
}

/** Imports that point up the layers, and files in no layer. */
export function checkLayers(graph: ImportGraph, layers: Layers): LayerReport {
  const upward: string[] = [];
  const unplaced: string[] = [];
  for (const [from, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    const fromLayer = layerOf(from, layers);
    if (fromLayer === null) {
      unplaced.push(from);
      continue;
    }
    for (const to of [...targets].sort()) {
      const toLayer = layerOf(to, layers);
      if (toLayer !== null && toLayer > fromLayer) upward.push(`${from} -> ${to}`);
    }
  }
  return { upward, unplaced };
}
