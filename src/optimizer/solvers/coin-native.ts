// Optional native engines: COIN-OR CLP and CBC, called in-process through
// koffi (an optional dependency with prebuilt binaries) on the C APIs of
// Debian's coinor-libclp1 / coinor-libcbc3. Nothing here is loaded at import:
// each library is looked for by name the first time it is asked for, once per
// thread, and its absence (or koffi's) is an answer, never a crash.
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';
import type { LpModel } from '../lp-model.js';

export type NativeEngine = 'clp' | 'cbc';
type Koffi = typeof KoffiModule;
export type NativeLibrary = ReturnType<Koffi['load']>;
/** an opaque C pointer as koffi hands it over */
export type NativePointer = object;

export interface LibrarySpec {
  /** the names the dynamic loader is asked for, in order (Debian's first) */
  files: readonly string[];
  /** the Debian package that installs it */
  debianPackage: string;
  /** the name a person knows it by, for "skipped: no libClp" */
  label: string;
}

export const COIN_LIBRARIES: Record<NativeEngine, LibrarySpec> = {
  clp: { files: ['libClp.so.1', 'libClp.so', 'libClp.dylib'], debianPackage: 'coinor-libclp1', label: 'libClp' },
  cbc: {
    files: ['libCbcSolver.so.3', 'libCbcSolver.so', 'libCbcSolver.dylib'],
    debianPackage: 'coinor-libcbc3',
    label: 'libCbcSolver',
  },
};

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

let koffiLoaded: Loaded<Koffi> | undefined;

/** koffi itself, or why not (not installed, or no prebuilt binary for this platform). */
export function loadKoffi(): Loaded<Koffi> {
  if (!koffiLoaded) {
    try {
      koffiLoaded = { ok: true, value: createRequire(import.meta.url)('koffi') as Koffi };
    } catch (error) {
      koffiLoaded = { ok: false, reason: `koffi cannot load: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  return koffiLoaded;
}

export function missingLibraryMessage(engine: NativeEngine, spec: LibrarySpec = COIN_LIBRARIES[engine]): string {
  return `solver ${engine} needs Debian's ${spec.debianPackage} (apt-get install ${spec.debianPackage})`;
}

export interface OpenedLibrary {
  koffi: Koffi;
  library: NativeLibrary;
}

/** The first of the spec's names the dynamic loader finds, opened through koffi. */
export function openLibrary(engine: NativeEngine, spec: LibrarySpec = COIN_LIBRARIES[engine]): Loaded<OpenedLibrary> {
  const koffi = loadKoffi();
  if (!koffi.ok) return { ok: false, reason: `solver ${engine} needs the koffi package (${koffi.reason})` };
  for (const file of spec.files) {
    try {
      return { ok: true, value: { koffi: koffi.value, library: koffi.value.load(file) } };
    } catch {
      // not under this name: try the next
    }
  }
  return { ok: false, reason: missingLibraryMessage(engine, spec) };
}

/** The library's typed API, bound once per thread on first use; `bind` declares the C prototypes. */
export function cachedBinding<T>(engine: NativeEngine, bind: (opened: OpenedLibrary) => T): () => Loaded<T> {
  let loaded: Loaded<T> | undefined;
  return () => {
    if (!loaded) {
      const opened = openLibrary(engine);
      try {
        loaded = opened.ok ? { ok: true, value: bind(opened.value) } : opened;
      } catch (error) {
        const label = COIN_LIBRARIES[engine].label;
        loaded = {
          ok: false,
          reason: `solver ${engine}: ${label} lacks a C function we call (${(error as Error).message})`,
        };
      }
    }
    return loaded;
  };
}

/** A copy of `count` doubles the library owns (it frees them with its model). */
export function copyDoubles(koffi: Koffi, pointer: NativePointer | null, count: number): Float64Array | null {
  if (pointer === null || count === 0) return count === 0 ? new Float64Array(0) : null;
  return new Float64Array(koffi.view(pointer, count * Float64Array.BYTES_PER_ELEMENT).slice(0));
}

/** A copy of `count` bytes the library owns. */
export function copyBytes(koffi: Koffi, pointer: NativePointer | null, count: number): Uint8Array | null {
  if (pointer === null) return null;
  return new Uint8Array(koffi.view(pointer, count).slice(0));
}

/** Clp_loadProblem's and Cbc_loadProblem's arguments after the model: CSC, bounds, costs (CoinBigIndex is int in Debian's builds) */
export const LOAD_PROBLEM_ARGUMENTS =
  'int numcols, int numrows, const int *start, const int *index, const double *value, const double *collb, const double *colub, const double *obj, const double *rowlb, const double *rowub';

export type LoadProblem = (
  model: NativePointer,
  numColumns: number,
  numRows: number,
  starts: Int32Array,
  indices: Int32Array,
  values: Float64Array,
  columnLower: Float64Array,
  columnUpper: Float64Array,
  cost: Float64Array,
  rowLower: Float64Array,
  rowUpper: Float64Array,
) => void;

/** Hands our model to a COIN-OR model as CSC arrays (koffi passes typed arrays without copying). */
export function loadProblem(load: LoadProblem, handle: NativePointer, model: LpModel): void {
  load(
    handle,
    model.numColumns,
    model.numRows,
    model.matrixStarts,
    model.matrixRowIndices,
    model.matrixValues,
    coinBounds(model.columnLower),
    coinBounds(model.columnUpper),
    model.columnCost,
    coinBounds(model.rowLower),
    coinBounds(model.rowUpper),
  );
}

/** COIN-OR reads any bound at or past DBL_MAX as infinite; ±Infinity itself is not its convention. */
export function coinBounds(values: Float64Array): Float64Array {
  return values.map((v) => (v === Infinity ? Number.MAX_VALUE : v === -Infinity ? -Number.MAX_VALUE : v));
}
