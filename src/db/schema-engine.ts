// Prisma's schema engine as WebAssembly, driven through our driver adapters.
// The native engine cannot be downloaded here, and the package imports its .wasm
// as an ES module, which Node 20 cannot load: so we compile the .wasm ourselves
// and hand it the package's JS glue as its import object.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

const require = createRequire(import.meta.url);

type WasmExports = Record<string, unknown>;
/** The slice of the WebAssembly API used here (Node's typings for it vary by version). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: WasmExports }>;
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WasmExports): void;
};

let gluePromise: Promise<Glue> | undefined;

async function loadGlue(): Promise<Glue> {
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Glue;
  // the package's exports map hides the .wasm; it sits beside the glue module
  const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const module = await wasmApi.compile(await readFile(wasmPath));
  const instance = await wasmApi.instantiate(module, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/** Engine messages arrive as JSON log lines; only errors are worth surfacing. */
function engineLog(line: string): void {
  if (process.env.TOKENGRID_DEBUG_SCHEMA_ENGINE) process.stderr.write(`[schema-engine] ${line}\n`);
}

export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: { path: string; content: string },
): Promise<SchemaEngine> {
  gluePromise ??= loadGlue();
  const glue = await gluePromise;
  return glue.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    engineLog,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
