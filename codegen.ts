// The web view's result and variable types and typed documents, generated from the
// printed schema and the view's documents: `npm run codegen` writes them (a test
// fails when the checked-in output is stale: test/web/generated-types.test.ts).
// It calls @graphql-codegen/core with its two plugins directly: the codegen CLI
// would bring loaders for URLs, GitHub and Apollo Studio that ask for Node 22.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as typedDocumentNode from '@graphql-codegen/typed-document-node';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { parse } from 'graphql';

export const CODEGEN_OUTPUT = 'web/src/generated/graphql.ts';
const SCHEMA = 'schema/schema.graphql';
const DOCUMENTS = 'web/src/queries.graphql';
const ROOT = import.meta.dirname;

const CONFIG = {
  // the page sends the documents' text: no graphql runtime in the bundle
  documentMode: 'string',
  enumsAsTypes: true,
  useTypeImports: true,
  skipTypename: true,
  // every JSON field the schema returns is an object (plan options, scenario overrides)
  scalars: { DateTime: 'string', JSON: { input: 'unknown', output: 'Record<string, unknown>' } },
};

/** The generated module's text. */
export async function generateWebTypes(): Promise<string> {
  const [schema, documents] = await Promise.all([
    readFile(join(ROOT, SCHEMA), 'utf8'),
    readFile(join(ROOT, DOCUMENTS), 'utf8'),
  ]);
  return codegen({
    filename: CODEGEN_OUTPUT,
    schema: parse(schema),
    documents: [{ location: DOCUMENTS, document: parse(documents) }],
    config: CONFIG,
    // typescript-operations 6 writes the enums and input types the documents use itself
    // (the typescript plugin beside it would declare them twice)
    plugins: [{ 'typescript-operations': {} }, { 'typed-document-node': {} }],
    pluginMap: { 'typescript-operations': typescriptOperations, 'typed-document-node': typedDocumentNode },
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(join(ROOT, CODEGEN_OUTPUT), await generateWebTypes());
  console.log(`wrote ${CODEGEN_OUTPUT}`);
}
