// The walker itself, on a tree small enough to know every answer: it must find
// a cycle, an upward import and a file in no layer, or the layout test above
// it could never fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers, findCycles, layerOf, readImportGraph, type Layers } from './import-graph.js';

const root = mkdtempSync(join(tmpdir(), 'tokengrid-import-graph-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  // low: a leaf, and a file that imports upward (the violation) in a comment-proof way
  'low/leaf.ts': `export const leaf = 1;\n// import { x } from '../high/a.js' is only a comment\nconst text = "import '../high/a.js'";\n`,
  'low/up.ts': `import type { A } from '../high/a.js';\nexport type Up = A;\n`,
  // high: a three-file cycle made of a static, an export-from and a dynamic import
  'high/a.ts': `import { b } from './b.js';\nexport type A = number;\nexport const a = b;\n`,
  'high/b.ts': `export { c as b } from './c.js';\n`,
  'high/c.ts': `import '../low/leaf.js';\nexport const c = 3;\nexport const later = () => import('./a.js');\n`,
  // a side-effect import of a directory's index, and an import of nothing
  'high/d.ts': `import './sub/index.js';\nimport { gone } from './missing.js';\nexport const d = gone;\n`,
  'high/sub/index.ts': `export {};\n`,
  // excluded, like src/generated: neither walked nor an import target
  'generated/client.ts': `import '../high/a.js';\n`,
  'stray.ts': `import { generated } from './generated/client.js';\nexport const stray = generated;\n`,
};
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const LAYERS: Layers = [['low/'], ['high/', 'high/sub/index.ts']];
const { graph, unresolved } = readImportGraph(root, ['generated']);

describe('readImportGraph', () => {
  it('reads static, type-only, export-from, side-effect and dynamic imports; skips comments, strings and excluded paths', () => {
    expect(Object.fromEntries([...graph].map(([file, targets]) => [file, [...targets].sort()]))).toEqual({
      'low/leaf.ts': [],
      'low/up.ts': ['high/a.ts'],
      'high/a.ts': ['high/b.ts'],
      'high/b.ts': ['high/c.ts'],
      'high/c.ts': ['high/a.ts', 'low/leaf.ts'],
      'high/d.ts': ['high/sub/index.ts'],
      'high/sub/index.ts': [],
      'stray.ts': [],
    });
  });

  it('reports a relative import that names no file', () => {
    expect(unresolved).toEqual(['high/d.ts -> ./missing.js']);
  });
});

describe('findCycles', () => {
  it('finds the cycle and prints it from its first file back to it', () => {
    expect(findCycles(graph)).toEqual([['high/a.ts', 'high/b.ts', 'high/c.ts', 'high/a.ts']]);
  });

  it('finds a file that imports itself, and nothing in a graph without cycles', () => {
    expect(findCycles(new Map([['x.ts', new Set(['x.ts'])]]))).toEqual([['x.ts', 'x.ts']]);
    expect(
      findCycles(
        new Map([
          ['x.ts', new Set(['y.ts'])],
          ['y.ts', new Set<string>()],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('checkLayers', () => {
  it('reports the upward import and the file in no layer', () => {
    expect(checkLayers(graph, LAYERS)).toEqual({ upward: ['low/up.ts -> high/a.ts'], unplaced: ['stray.ts'] });
  });

  it('places a file by its longest matching entry', () => {
    expect(layerOf('high/sub/index.ts', [['high/sub/index.ts'], ['high/']])).toBe(0);
    expect(layerOf('high/a.ts', [['high/sub/index.ts'], ['high/']])).toBe(1);
    expect(layerOf('higher.ts', [['high/']])).toBeNull();
  });
});
