// The web view's result and variable types and typed documents, generated from the
// printed schema and the view's documents: `npm run codegen` (a test fails when the
// checked-in output is stale: test/web/codegen.test.ts).
import type { CodegenConfig } from '@graphql-codegen/cli';

export const CODEGEN_OUTPUT = 'web/src/generated/graphql.ts';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'web/src/queries.graphql',
  generates: {
    [CODEGEN_OUTPUT]: {
      // typescript-operations 6 writes the enums and input types the documents use itself
      // (adding the typescript plugin would declare them twice)
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        // the page sends the documents' text: no graphql runtime in the bundle
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        // every JSON field the schema returns is an object (plan options, scenario overrides)
        scalars: { DateTime: 'string', JSON: { input: 'unknown', output: 'Record<string, unknown>' } },
      },
    },
  },
  silent: true,
};

export default config;
